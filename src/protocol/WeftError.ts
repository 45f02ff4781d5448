/**
 * The one error a request can fail with: a wire status code and a message for people.
 * It is a Schema class so it crosses runners unchanged when an actor fails a call.
 */
import { Schema } from "effect"
import { Status, statusName } from "./Status.ts"

export class WeftError extends Schema.TaggedError<WeftError>()("WeftError", {
  code: Schema.Number,
  message: Schema.String,
  /** Where to log in instead ("tcp://host:port", ...): a WRONG_IDC answer's home gateways. */
  endpoints: Schema.optional(Schema.Array(Schema.String))
}) {
  override toString(): string {
    return `${statusName(this.code)} (${this.code}): ${this.message}`
  }
}

const make = (code: number) => (message: string) => new WeftError({ code, message })

export const badRequest = make(Status.BAD_REQUEST)
export const notLoggedIn = make(Status.NOT_LOGGED_IN)
export const alreadyLoggedIn = make(Status.ALREADY_LOGGED_IN)
export const wrongCredentials = make(Status.WRONG_CREDENTIALS)
export const userExists = make(Status.USER_EXISTS)
export const invalidToken = make(Status.INVALID_TOKEN)
export const invalidUserId = make(Status.INVALID_USER_ID)
export const wrongIdc = make(Status.WRONG_IDC)
export const recipientNotFound = make(Status.RECIPIENT_NOT_FOUND)
export const forbidden = make(Status.FORBIDDEN)
export const notFound = make(Status.NOT_FOUND)
export const notAMember = make(Status.NOT_A_MEMBER)
export const notAContact = make(Status.NOT_A_CONTACT)
export const recallWindowPassed = make(Status.RECALL_WINDOW_PASSED)
export const conflict = make(Status.CONFLICT)
export const tooLarge = make(Status.TOO_LARGE)
export const loggedOut = make(Status.LOGGED_OUT)
export const rateLimited = make(Status.RATE_LIMITED)
export const internal = make(Status.INTERNAL)
export const unavailable = make(Status.UNAVAILABLE)
