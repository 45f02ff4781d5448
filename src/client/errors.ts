/**
 * The errors a request of the SDK rejects with, in Node and in the browser alike (no Node
 * modules here: the gateway serves this file to the browser SDK too).
 */
import { statusName } from "../protocol/Status.ts"
import type { Endpoint } from "./RouteStore.ts"

/**
 * A request the server answered with a non-zero status, or that could not be answered.
 * `endpoints`: where to log in instead, when the server says (WRONG_IDC: the user's home IDC).
 */
export class WeftRequestError extends Error {
  constructor(readonly code: number, message: string, readonly endpoints: ReadonlyArray<Endpoint> = []) {
    super(`${statusName(code)} (${code}): ${message}`)
    this.name = "WeftRequestError"
  }
}

/**
 * The connection closed or broke before the answer arrived; the request may be retried.
 * `silent`: nothing came back at all before a deadline (no answer, no refusal): the network
 * rather than the server (see isSilence).
 */
export class DisconnectedError extends Error {
  constructor(message = "disconnected", readonly silent = false) {
    super(message)
    this.name = "DisconnectedError"
  }
}

/** System errors of a network that reached no server: no route, or no answer to the connect. */
const NETWORK_SILENT = new Set(["ETIMEDOUT", "ENETUNREACH", "EHOSTUNREACH", "ENETDOWN", "EAI_AGAIN", "ENOTFOUND"])

/**
 * Whether a failed connect or request heard nothing from any server — the network is down or
 * silent (an outage, a dead radio link) — as opposed to a server that answered no (a refused or
 * reset connection, an error status). Retrying the first often costs no server anything; the
 * second must back off. A race (Routing.ts's NoRouteError) is silent when every attempt was.
 */
export const isSilence = (error: unknown): boolean => {
  if (error instanceof DisconnectedError) return error.silent
  if (typeof error !== "object" || error === null) return false
  const failures = (error as { readonly failures?: unknown }).failures
  if (Array.isArray(failures)) {
    return failures.length > 0 && failures.every((failure: { readonly error?: unknown }) => isSilence(failure.error))
  }
  const code = (error as { readonly code?: unknown }).code
  return typeof code === "string" && NETWORK_SILENT.has(code)
}
