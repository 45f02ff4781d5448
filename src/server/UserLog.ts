/**
 * A user's log, for an application's actors and commands: an event appended here gets the next
 * sequence of the user's log, is pushed to the user's live connections and synced by the others,
 * exactly like a message — the one-number sync covers the application's own events too.
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../actors/ActorCall.ts"
import { ChangeLog, encodeChangeBody } from "../actors/ChangeLog.ts"
import { isValidUserId } from "../actors/Session.ts"
import { badRequest, invalidUserId, type WeftError } from "../protocol/WeftError.ts"

export const MAX_APP_EVENT_TYPE_LENGTH = 128
export const MAX_APP_EVENT_BYTES = 64 * 1024

export interface AppEventInput {
  /** The feature's name for the event, e.g. the full protobuf name of the payload's type. */
  readonly type: string
  readonly payload: Uint8Array
  /** Who the event comes from (a user id, the feature's name); empty when unset. */
  readonly from?: string | undefined
}

export interface UserLogs {
  /**
   * Appends an event to `userId`'s log; resolves with its sequence there once it is stored.
   * The same `dedupeKey` appends once (a retried request stores nothing twice).
   */
  readonly append: (
    userId: string,
    event: AppEventInput,
    options?: { readonly dedupeKey?: string | undefined }
  ) => Effect.Effect<{ readonly seq: number; readonly duplicate: boolean }, WeftError>
}

/** The users' logs, for an actor's build or a feature's commands. */
export const userLogs: Effect.Effect<UserLogs, never, Sharding.Sharding> = Effect.map(
  actorClient(ChangeLog),
  (logs) => ({
    append: (userId, event, options) => {
      if (!isValidUserId(userId)) return Effect.fail(invalidUserId(`${JSON.stringify(userId)} is not a user id`))
      if (event.type.length === 0 || event.type.length > MAX_APP_EVENT_TYPE_LENGTH) {
        return Effect.fail(badRequest(`an event type must have 1..${MAX_APP_EVENT_TYPE_LENGTH} characters`))
      }
      if (event.payload.length > MAX_APP_EVENT_BYTES) {
        return Effect.fail(badRequest(`an event's payload must have at most ${MAX_APP_EVENT_BYTES} bytes`))
      }
      const body = encodeChangeBody({ app: { type: event.type, payload: event.payload, from: event.from ?? "" } })
      const dedupeKey = options?.dedupeKey === undefined ? undefined : `app:${options.dedupeKey}`
      return Effect.map(logs(userId).Append({ body, dedupeKey }), ({ seq, duplicate }) => ({ seq, duplicate }))
    }
  })
)
