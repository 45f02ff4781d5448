/**
 * The delivery job of offline notifications, a background fiber pair per process:
 *
 * - the trigger loop takes the changes the Notifier queued, keeps those that notify, and for
 *   every registered device of the user without a live connection (and not muting the
 *   conversation) schedules a notification in the Outbox, where a burst collapses into one;
 * - the send loop claims due notifications, reads the user's unread counts (the badge),
 *   renders the notification and sends it through its provider, then completes, retries with
 *   backoff, drops it at its deadline, or forgets a dead token.
 *
 * Nothing here is on the path of a message: a slow or failing provider delays only other
 * notifications, never an append or an acknowledgement.
 */
import { Cause, Effect, Layer } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../actors/ActorCall.ts"
import { Conversations } from "../actors/Conversations.ts"
import { Session } from "../actors/Session.ts"
import { adjust, notificationsTotal, notificationsWaiting, record } from "../metrics/Instruments.ts"
import { Codecs } from "../protocol/Proto.ts"
import { Storage } from "../storage/Storage.ts"
import { classify, render } from "./Content.ts"
import { Liveness } from "./Liveness.ts"
import { Notifier, type Trigger } from "./Notifier.ts"
import type { NotifySettings } from "./NotifySettings.ts"
import { notificationKey, Outbox, type PendingNotification } from "./Outbox.ts"
import * as Fcm from "./providers/fcm.ts"
import type { Outcome, PushProvider } from "./providers/Provider.ts"
import * as Webhook from "./providers/webhook.ts"
import { load, PushDevices } from "./PushDevices.ts"
import type { PushRegistration } from "./Registrations.ts"

/**
 * The configured providers, by platform name; closed with the scope. APNs and Web Push are
 * imported only when configured: their libraries (node-apn, web-push) cost every process start.
 */
const makeProviders = (settings: NotifySettings) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const providers = new Map<string, PushProvider>()
      const timeout = settings.requestTimeoutMs
      if (settings.apns) providers.set("apns", (await import("./providers/apns.ts")).make(settings.apns, timeout))
      if (settings.fcm) providers.set("fcm", Fcm.make(settings.fcm, timeout))
      if (settings.webPush) providers.set("webpush", (await import("./providers/webpush.ts")).make(settings.webPush, timeout))
      if (settings.webhook) providers.set("webhook", Webhook.make(settings.webhook, timeout))
      return providers
    }),
    (providers) => Effect.promise(() => Promise.all([...providers.values()].map((provider) => provider.close()))).pipe(Effect.ignore)
  )

const count = (provider: string, outcome: string) => record(notificationsTotal({ provider, outcome }), 1)

/** How often the send loop looks for due notifications. */
const tickMs = (settings: NotifySettings) => Math.max(20, Math.min(250, Math.floor(settings.collapseMs / 2) || 20))

export const layer = (
  settings: NotifySettings
): Layer.Layer<never, never, Notifier | Outbox | Liveness | Storage | Sharding.Sharding> =>
  Layer.effectDiscard(Effect.gen(function*() {
    const notifier = yield* Notifier
    if (!notifier.enabled) return
    const outbox = yield* Outbox
    const liveness = yield* Liveness
    const storage = yield* Storage
    const pushDevices = yield* actorClient(PushDevices)
    const sessions = yield* actorClient(Session)
    const conversations = yield* actorClient(Conversations)
    const providers = yield* makeProviders(settings)
    const ttlSeconds = Math.max(1, Math.floor(settings.deadlineMs / 1000))
    const leaseMs = settings.requestTimeoutMs * 2 + 5_000

    const registrationsOf = (userId: string) => {
      const cached = notifier.cached(userId)
      return cached !== undefined
        ? Effect.succeed(cached)
        : Effect.tap(load(storage, userId), (registrations) => Effect.sync(() => notifier.remember(userId, registrations)))
    }

    const onTrigger = Effect.fnUntraced(function*(trigger: Trigger) {
      const { userId, entry } = trigger
      const registrations = yield* registrationsOf(userId)
      if (registrations.length === 0) return
      const what = classify(userId, Codecs.Change.decode(entry.data))
      if (what === undefined) return
      if ("sessionEnded" in what) {
        // A logout or a kick: that device no longer belongs to the user.
        if (registrations.some((registration) => registration.sessionId === what.sessionEnded)) {
          yield* pushDevices(userId).Forget({ sessionId: what.sessionEnded })
        }
        return
      }
      const online = yield* liveness.onlineSessions(userId)
      const now = Date.now()
      for (const registration of registrations) {
        if (online.has(registration.sessionId) || registration.muted.includes(what.conversation)) continue
        yield* outbox.schedule({
          key: notificationKey(userId, registration.sessionId, what.conversation),
          userId,
          sessionId: registration.sessionId,
          conversation: what.conversation,
          kind: what.kind,
          sender: what.sender,
          text: registration.preview ? what.text : "",
          seq: entry.seq,
          changes: 1
        }, now)
      }
    })

    const triggerLoop = Effect.forever(
      Effect.flatMap(notifier.takeTriggers, (triggers) =>
        Effect.forEach(triggers, (trigger) =>
          onTrigger(trigger).pipe(
            Effect.catchCause((cause) => Effect.logWarning("notification trigger failed", trigger.userId, Cause.pretty(cause)))
          ), { discard: true }))
    )

    const backoff = (attempts: number) => Math.min(settings.maxRetryMs, settings.retryMs * 2 ** Math.min(attempts, 20))

    /** Sends one claimed notification and settles it in the outbox. */
    const deliver = Effect.fnUntraced(function*(pending: PendingNotification) {
      const now = Date.now()
      const registration: PushRegistration | undefined = (yield* registrationsOf(pending.userId))
        .find((candidate) => candidate.sessionId === pending.sessionId)
      if (registration === undefined) return yield* outbox.complete(pending, undefined)
      const platform = registration.platform
      const provider = providers.get(platform)
      const deadline = pending.firstAtMs + settings.deadlineMs
      if (provider === undefined || now >= deadline) {
        count(platform, "expired")
        return yield* outbox.complete(pending, undefined)
      }
      if ((yield* liveness.onlineSessions(pending.userId)).has(pending.sessionId)) {
        count(platform, "skipped")
        return yield* outbox.complete(pending, undefined)
      }
      // A session that expired unused (no logout event in the log) takes its registration with it:
      // the device must log in again before it hears of the user's messages.
      const active = yield* sessions(pending.userId).ListDevices({ sessionToken: "" })
      if (!active.some((session) => session.sessionId === pending.sessionId)) {
        count(platform, "session_ended")
        yield* pushDevices(pending.userId).Forget({ sessionId: pending.sessionId })
        return yield* outbox.complete(pending, undefined)
      }
      if ((yield* outbox.countSent(pending.sessionId, now)) > settings.perDevicePerMinute) {
        count(platform, "throttled")
        return yield* outbox.retry(pending, (Math.floor(now / 60_000) + 1) * 60_000)
      }
      const unread = yield* conversations(pending.userId).UnreadCounts()
      const ofConversation = unread.conversations.find((entry) => entry.conversation === pending.conversation)?.count ?? 0
      if (pending.kind === "message" && ofConversation === 0) {
        // Read on another device (or recalled) before it went out.
        count(platform, "skipped")
        return yield* outbox.complete(pending, undefined)
      }
      const notification = render(
        pending,
        { conversation: ofConversation, total: unread.total },
        registration.preview,
        Math.max(1, Math.floor((deadline - now) / 1000))
      )
      const outcome: Outcome = yield* Effect.promise(() => provider.send(registration, notification))
      switch (outcome._tag) {
        case "sent":
          count(platform, "sent")
          return yield* outbox.complete(pending, Date.now())
        case "invalid-token":
          count(platform, "invalid_token")
          yield* Effect.logInfo("push token refused: registration removed", { user: pending.userId, platform, reason: outcome.reason })
          yield* pushDevices(pending.userId).Forget({ sessionId: pending.sessionId, token: registration.token })
          return yield* outbox.complete(pending, undefined)
        case "throttled":
        case "failed": {
          if (outcome._tag === "failed" && !outcome.retry) {
            count(platform, "rejected")
            yield* Effect.logWarning("notification refused", { user: pending.userId, platform, reason: outcome.reason })
            return yield* outbox.complete(pending, undefined)
          }
          count(platform, outcome._tag)
          const retryAt = Date.now() + Math.max(
            backoff(pending.attempts),
            outcome._tag === "throttled" ? outcome.retryAfterMs ?? 0 : 0
          )
          if (retryAt >= deadline) {
            count(platform, "expired")
            return yield* outbox.complete(pending, undefined)
          }
          return yield* outbox.retry(pending, retryAt)
        }
      }
    })

    let waiting = 0
    const sendDue: Effect.Effect<void> = Effect.gen(function*() {
      const claimed = yield* outbox.claim(Date.now(), settings.concurrency * 4, leaseMs)
      yield* Effect.forEach(
        claimed,
        (pending) =>
          deliver(pending).pipe(
            // A failure here (storage, the user's actors) leaves it leased: it is tried again after the lease.
            Effect.catchCause((cause) => Effect.logWarning("notification delivery failed", pending.userId, Cause.pretty(cause)))
          ),
        { concurrency: settings.concurrency, discard: true }
      )
      const size = yield* outbox.size
      adjust(notificationsWaiting, size - waiting)
      waiting = size
      if (claimed.length === settings.concurrency * 4) yield* sendDue
    }).pipe(Effect.catchCause((cause) => Effect.logWarning("notification outbox unavailable", Cause.pretty(cause))))

    yield* Effect.forkScoped(triggerLoop)
    yield* Effect.forkScoped(Effect.forever(Effect.andThen(sendDue, Effect.sleep(tickMs(settings)))))
  }))
