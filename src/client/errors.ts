/**
 * The errors a request of the SDK rejects with, in Node and in the browser alike (no Node
 * modules here: the gateway serves this file to the browser SDK too).
 */
import { statusName } from "../protocol/Status.ts"

/** A request the server answered with a non-zero status, or that could not be answered. */
export class WeftRequestError extends Error {
  constructor(readonly code: number, message: string) {
    super(`${statusName(code)} (${code}): ${message}`)
    this.name = "WeftRequestError"
  }
}

/** The connection closed or broke before the answer arrived; the request may be retried. */
export class DisconnectedError extends Error {
  constructor(message = "disconnected") {
    super(message)
    this.name = "DisconnectedError"
  }
}
