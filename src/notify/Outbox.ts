/**
 * The notification outbox: notifications waiting to be sent, one per device and conversation.
 * A change for a conversation that already has one waiting joins it (collapse), so a burst of
 * messages makes one notification, sent with the state of the moment it is sent (the unread
 * counts are read then). A new one waits `collapseMs`, and at least `minIntervalMs` after the
 * previous notification of the same device and conversation.
 *
 * A claimed notification is leased: if its sender dies, it is due again when the lease ends.
 * Each notification carries a version, raised when a change joins it; completing an older
 * version (a change joined while it was being sent) keeps it, due again after the interval.
 *
 * `layerMemory` serves dev mode; RedisOutbox.ts keeps it in Redis for clustered mode, where
 * any runner's delivery job may send what another runner queued.
 */
import { Context, Effect, Layer, Schema } from "effect"

export type NotificationKind = "message" | "friend-request" | "media-ready"

export interface PendingNotification {
  /** `${userId}|${sessionId}|${conversation}`. */
  readonly key: string
  readonly userId: string
  readonly sessionId: string
  /** A user id (1:1), a group id, or "contacts" for friend requests. */
  readonly conversation: string
  readonly kind: NotificationKind
  /** Who caused the newest change. */
  readonly sender: string
  /** The newest message's text; kept only for devices that asked for previews. */
  readonly text: string
  /** The newest change's sequence in the user's log. */
  readonly seq: number
  /** Changes that joined it. */
  readonly changes: number
  readonly firstAtMs: number
  readonly attempts: number
  readonly version: number
}

export const notificationKey = (userId: string, sessionId: string, conversation: string) =>
  `${userId}|${sessionId}|${conversation}`

export class OutboxError extends Schema.TaggedError<OutboxError>()("OutboxError", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {}

export interface Timing {
  readonly collapseMs: number
  readonly minIntervalMs: number
}

export class Outbox extends Context.Service<Outbox, {
  /** Adds a notification, or joins the change to the one waiting under the same key. */
  readonly schedule: (
    notification: Omit<PendingNotification, "attempts" | "version" | "firstAtMs">,
    nowMs: number
  ) => Effect.Effect<void, OutboxError>
  /** Takes up to `max` due notifications, leased for `leaseMs`. */
  readonly claim: (nowMs: number, max: number, leaseMs: number) => Effect.Effect<ReadonlyArray<PendingNotification>, OutboxError>
  /**
   * Done with a claimed notification: `sentAtMs` when one was sent (the interval counts from
   * it), undefined when it was dropped. A notification joined since its claim stays, due again.
   */
  readonly complete: (claimed: PendingNotification, sentAtMs: number | undefined) => Effect.Effect<void, OutboxError>
  /** Tries again at `dueAtMs`, counting the attempt. */
  readonly retry: (claimed: PendingNotification, dueAtMs: number) => Effect.Effect<void, OutboxError>
  /** Counts one notification to a device in the minute of `nowMs`; answers the count so far. */
  readonly countSent: (sessionId: string, nowMs: number) => Effect.Effect<number, OutboxError>
  readonly size: Effect.Effect<number, OutboxError>
}>()("weft/notify/Outbox") {}

export const makeMemory = (timing: Timing) =>
  Effect.sync(() => {
    const waiting = new Map<string, { notification: PendingNotification; dueAtMs: number }>()
    const lastSent = new Map<string, number>()
    const perMinute = new Map<string, number>()
    let minute = 0

    return Outbox.of({
      schedule: (notification, nowMs) =>
        Effect.sync(() => {
          const current = waiting.get(notification.key)
          if (current !== undefined) {
            const joined = current.notification
            current.notification = {
              ...joined,
              kind: notification.kind,
              sender: notification.sender,
              text: notification.text,
              seq: Math.max(joined.seq, notification.seq),
              changes: joined.changes + notification.changes,
              version: joined.version + 1
            }
            return
          }
          const previous = lastSent.get(notification.key)
          if (previous !== undefined && previous + timing.minIntervalMs <= nowMs) lastSent.delete(notification.key)
          const dueAtMs = Math.max(
            nowMs + timing.collapseMs,
            previous === undefined ? 0 : previous + timing.minIntervalMs
          )
          waiting.set(notification.key, { notification: { ...notification, firstAtMs: nowMs, attempts: 0, version: 0 }, dueAtMs })
        }),
      claim: (nowMs, max, leaseMs) =>
        Effect.sync(() => {
          const due: Array<PendingNotification> = []
          for (const entry of waiting.values()) {
            if (due.length >= max) break
            if (entry.dueAtMs > nowMs) continue
            entry.dueAtMs = nowMs + leaseMs
            due.push(entry.notification)
          }
          return due
        }),
      complete: (claimed, sentAtMs) =>
        Effect.sync(() => {
          if (sentAtMs !== undefined) lastSent.set(claimed.key, sentAtMs)
          const current = waiting.get(claimed.key)
          if (current === undefined) return
          if (current.notification.version === claimed.version) {
            waiting.delete(claimed.key)
            return
          }
          current.notification = { ...current.notification, attempts: 0 }
          current.dueAtMs = (sentAtMs ?? Date.now()) + (sentAtMs === undefined ? 0 : timing.minIntervalMs)
        }),
      retry: (claimed, dueAtMs) =>
        Effect.sync(() => {
          const current = waiting.get(claimed.key)
          if (current === undefined) return
          current.notification = { ...current.notification, attempts: claimed.attempts + 1 }
          current.dueAtMs = dueAtMs
        }),
      countSent: (sessionId, nowMs) =>
        Effect.sync(() => {
          const thisMinute = Math.floor(nowMs / 60_000)
          if (thisMinute !== minute) {
            minute = thisMinute
            perMinute.clear()
            // Once a minute, forget intervals that have passed.
            for (const [key, at] of lastSent) if (at + timing.minIntervalMs <= nowMs) lastSent.delete(key)
          }
          const count = (perMinute.get(sessionId) ?? 0) + 1
          perMinute.set(sessionId, count)
          return count
        }),
      size: Effect.sync(() => waiting.size)
    })
  })

export const layerMemory = (timing: Timing): Layer.Layer<Outbox> => Layer.effect(Outbox, makeMemory(timing))
