/**
 * The request id of a protocol command, carried everywhere the command goes: in the log
 * annotations of the gateway fiber that serves it, and in the headers of every actor call it
 * makes, so the actors — on this process or another runner — log under the same id.
 */
import { randomBytes } from "node:crypto"
import { Context, Effect, References } from "effect"
import { Headers } from "effect/http"
import { RpcClient } from "effect/rpc"

export const REQUEST_ID_HEADER = "x-weft-request-id"

// Unique, not secret: a random prefix per process and a counter (no system call per command).
const processPrefix = randomBytes(4).toString("hex")
let nextRequest = 0

export const newRequestId = (): string => `${processPrefix}${(nextRequest++).toString(36)}`

/**
 * Runs `effect` as part of request `requestId`: its logs and its actor calls carry the id. A
 * request is where headers start (a command, or an actor message that came through the engine),
 * so its headers are set, not merged (`RpcClient.withHeaders` normalises and merges a copy: a
 * few per cent of a 1:1 message's CPU in bench/profile.js).
 */
export const withRequestId = (requestId: string, annotations: Record<string, unknown> = {}) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  // One context change for both (headers and log annotations): this runs for every command.
  Effect.updateContext(effect, (context: Context.Context<R>): Context.Context<R> => requestContext(context, requestId, annotations))

/**
 * `context` as part of request `requestId` (what withRequestId gives its effect), for a fiber
 * started with it: a command forked by the gateway starts in it, without a context step.
 */
export const requestContext = <R>(context: Context.Context<R>, requestId: string, annotations: Record<string, unknown>): Context.Context<R> =>
  Context.add(
    Context.add(context, RpcClient.CurrentHeaders, Headers.fromRecordUnsafe({ [REQUEST_ID_HEADER]: requestId })),
    References.CurrentLogAnnotations,
    { ...Context.get(context, References.CurrentLogAnnotations), requestId, ...annotations }
  )

/** The request id an actor message arrived with, from its envelope's headers. */
export const requestIdOf = (envelope: unknown): string | undefined => {
  const headers = (envelope as { headers?: Record<string, string> } | undefined)?.headers
  const value = headers?.[REQUEST_ID_HEADER]
  return typeof value === "string" ? value : undefined
}
