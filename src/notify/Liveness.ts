/**
 * Whether a session has a live connection right now: a device that has one gets its changes
 * pushed and is sent no notification. Dev mode asks the process's own ConnectionRegistry;
 * a clustered runner asks Presence (the gateways mark each session online in Redis).
 */
import { Context, Effect, Layer } from "effect"
import { sessionIdOf } from "../actors/Session.ts"
import { Presence } from "../cluster/Presence.ts"
import { ConnectionRegistry } from "../gateway/ConnectionRegistry.ts"

export class Liveness extends Context.Service<Liveness, {
  /** The sessions of the user that have a live connection. */
  readonly onlineSessions: (userId: string) => Effect.Effect<ReadonlySet<string>>
}>()("weft/notify/Liveness") {}

export const layerLocal: Layer.Layer<Liveness, never, ConnectionRegistry> = Layer.effect(
  Liveness,
  Effect.gen(function*() {
    const registry = yield* ConnectionRegistry
    return Liveness.of({
      onlineSessions: (userId) =>
        Effect.sync(() => new Set(registry.connectionsOf(userId).map((connection) => sessionIdOf(connection.sessionToken))))
    })
  })
)

export const layerPresence: Layer.Layer<Liveness, never, Presence> = Layer.effect(
  Liveness,
  Effect.gen(function*() {
    const presence = yield* Presence
    return Liveness.of({
      onlineSessions: (userId) => Effect.map(presence.sessionsOf(userId), (sessions) => new Set(sessions))
    })
  })
)
