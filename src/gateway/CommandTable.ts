/**
 * How a command is served: its spec (id, name, protobuf types) and one handler, shared by every
 * transport. The transport decodes the request, establishes who the caller is (the login of a
 * long connection, or the base request of a short one), and encodes what the handler returns.
 */
import type { Effect } from "effect"
import { sessionIdOf } from "../actors/Session.ts"
import { Command, type CommandSpec } from "../protocol/Command.ts"
import { wireEndpointOf } from "../protocol/routes.ts"
import type { WeftError } from "../protocol/WeftError.ts"

export interface Caller {
  readonly userId: string
  readonly deviceId: string
  readonly sessionToken: string
  readonly transport: string
  /**
   * The connection a request came from, as pushes name it (PushTarget.origin): a long
   * connection, or on HTTP the session (its long polls). A message sent with no_echo is not
   * pushed back to it.
   */
  readonly origin?: string | undefined
}

/**
 * A command's plain form, which a long connection tries before it starts the command's fiber:
 * the answer within the call (an Exit) when nothing it needs has to wait — the actors it calls
 * free on this process and answering within their calls (`answersNow`, LocalActors.ts); an
 * effect doing the rest, once part of the work is done; or undefined, having done nothing, for
 * `handle`. `headers` are the request's (its request id), for the actor calls it makes.
 */
export type CommandNow<Req = any, Res = any> = (
  caller: Caller,
  request: Req,
  headers: Record<string, string>
) => Effect.Effect<Res | Uint8Array, WeftError> | undefined

export interface CommandHandler<Req = any, Res = any> {
  readonly spec: CommandSpec<Req, Res>
  /** The response message, or the response already encoded (for bodies built from stored bytes). */
  readonly handle: (caller: Caller, request: Req) => Effect.Effect<Res | Uint8Array, WeftError>
  /** The command's plain form, if it has one (for a logged-in caller of a long connection). */
  readonly now?: CommandNow<Req, Res> | undefined
  /** Allowed before a login (the route list): the caller is then `anonymousCaller`. */
  readonly beforeLogin?: boolean | undefined
}

/** The origin of a short connection's requests: its session (the long polls it is waiting on). */
export const httpOrigin = (sessionToken: string): string => `http:${sessionIdOf(sessionToken)}`

/** Who asks a command allowed before login when nobody is logged in. */
export const anonymousCaller = (transport: string): Caller => ({ userId: "", deviceId: "", sessionToken: "", transport })

export const handler = <Req, Res>(
  spec: CommandSpec<Req, Res>,
  handle: (caller: Caller, request: Req) => Effect.Effect<Res | Uint8Array, WeftError>,
  now?: CommandNow<Req, Res>
): CommandHandler<Req, Res> => now === undefined ? { spec, handle } : { spec, handle, now }

export const encodeResponse = (spec: CommandSpec, value: unknown): Uint8Array =>
  value instanceof Uint8Array ? value : spec.response.encode(value)

/**
 * The response to a request that failed: its status in the base response; an AUTH refused with
 * somewhere else to go (WRONG_IDC) also lists those endpoints, as a route list.
 */
export const failureResponse = (spec: CommandSpec, error: WeftError): object => {
  const endpoints = spec.id === Command.AUTH && error.endpoints !== undefined
    ? error.endpoints.flatMap((url) => wireEndpointOf(url) ?? [])
    : []
  return { base: { code: error.code, message: error.message }, ...(endpoints.length > 0 ? { endpoints } : {}) }
}
