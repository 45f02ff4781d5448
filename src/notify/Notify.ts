/**
 * Offline notifications, assembled: what a process adds to its engine so that changes appended
 * on it wake its users' offline devices (docs/notifications.md).
 *
 * - `pusher` wraps the process's Pusher: after each append it hands the change to the Notifier
 *   (a map lookup when the user has no push registration);
 * - `local` / `clustered`: the Notifier with the Outbox and Liveness of the deployment (memory
 *   and the ConnectionRegistry in dev mode; Redis and Presence on a runner);
 * - `delivery`: the background job (Delivery.ts);
 * - `PushDevices.layer`: the actor that owns the registrations (an entity, with the others).
 */
import { Effect, Layer } from "effect"
import { Pusher } from "../actors/Pusher.ts"
import type { Presence } from "../cluster/Presence.ts"
import type { RedisConnection } from "../cluster/RedisClient.ts"
import type { ConnectionRegistry } from "../gateway/ConnectionRegistry.ts"
import * as Delivery from "./Delivery.ts"
import * as Liveness from "./Liveness.ts"
import * as Notifier from "./Notifier.ts"
import type { NotifySettings } from "./NotifySettings.ts"
import * as Outbox from "./Outbox.ts"
import * as RedisOutbox from "./RedisOutbox.ts"

export { layer as entity } from "./PushDevices.ts"

export const delivery = Delivery.layer

/** The Pusher of `base`, telling the Notifier of every change appended. */
export const pusher = <E, R>(base: Layer.Layer<Pusher, E, R>): Layer.Layer<Pusher, E, R | Notifier.Notifier> =>
  Layer.effect(
    Pusher,
    Effect.gen(function*() {
      const inner = yield* Pusher
      const notifier = yield* Notifier.Notifier
      if (!notifier.enabled) return inner
      return Pusher.of({
        push: (userId, entry, epoch, origin) => {
          if (notifier.wants(userId)) notifier.appended(userId, entry)
          inner.push(userId, entry, epoch, origin)
        },
        pushGroup: (groupId, members, entry, origin) => inner.pushGroup(groupId, members, entry, origin),
        kick: inner.kick
      })
    })
  ).pipe(Layer.provide(base))

/** Dev mode: the outbox in memory, liveness from this process's connections. */
export const local = (
  settings: NotifySettings
): Layer.Layer<Notifier.Notifier | Outbox.Outbox | Liveness.Liveness, never, ConnectionRegistry> =>
  Layer.mergeAll(Notifier.layer(settings), Outbox.layerMemory(settings), Liveness.layerLocal)

/** A clustered runner: the outbox in Redis (shared by the runners), liveness from Presence. */
export const clustered = (
  settings: NotifySettings,
  redis: RedisConnection
): Layer.Layer<Notifier.Notifier | Outbox.Outbox | Liveness.Liveness, never, Presence> =>
  Layer.mergeAll(Notifier.layer(settings), RedisOutbox.layer(redis, settings), Liveness.layerPresence)
