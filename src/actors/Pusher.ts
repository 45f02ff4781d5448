/**
 * How the owner of a user's log reaches that user's live connections. The actor calls
 * `push` after every append; the push is best effort and never blocks the actor: a device
 * that misses it sees a gap in sequence numbers (or reconnects) and syncs.
 *
 * Dev mode pushes in-process to the gateway's ConnectionRegistry (`layerLocal`); clustered
 * mode sends it to the gateways that hold the user's connections.
 */
import { Context, Effect, Layer } from "effect"
import { ConnectionRegistry } from "../gateway/ConnectionRegistry.ts"
import type { LogEntry } from "../storage/Storage.ts"

export class Pusher extends Context.Service<Pusher, {
  readonly push: (userId: string, entry: LogEntry, epoch: string) => Effect.Effect<void>
}>()("weft/actors/Pusher") {}

export const layerLocal: Layer.Layer<Pusher, never, ConnectionRegistry> = Layer.effect(
  Pusher,
  Effect.gen(function*() {
    const registry = yield* ConnectionRegistry
    return Pusher.of({
      push: (userId, entry, epoch) => Effect.asVoid(registry.pushToConnections(userId, entry, epoch))
    })
  })
)
