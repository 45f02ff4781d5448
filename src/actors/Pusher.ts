/**
 * How the owner of a user's log reaches that user's live connections. The actor calls
 * `push` after every append; the push is best effort and never blocks the actor: a device
 * that misses it sees a gap in sequence numbers (or reconnects) and syncs.
 *
 * Dev mode pushes in-process to the gateway's ConnectionRegistry (`layerLocal`); clustered
 * mode sends it to the gateways that hold the user's connections.
 */
import { Context, Effect, Layer } from "effect"
import { ConnectionRegistry, type KickFilter } from "../gateway/ConnectionRegistry.ts"
import { Command } from "../protocol/Command.ts"
import { encodeFrame } from "../protocol/Frame.ts"
import type { LogEntry } from "../storage/Storage.ts"

export class Pusher extends Context.Service<Pusher, {
  /**
   * `origin`: the connection the change came from (Caller.origin), which is not sent it: the
   * sender of a message applies it from its acknowledgement (SendMessageRequest.no_echo).
   * A plain function, run in the appending actor's step: a push is only queued (it leaves with
   * the writes of the event-loop turn) and cannot fail, so it costs no effect of its own.
   */
  readonly push: (userId: string, entry: LogEntry, epoch: string, origin?: string) => void
  /**
   * Pushes an entry of a read-diffusion group's log to the live connections of the group's
   * `members` (those online): one frame per gateway for all of them, not one call per member.
   * `origin`: the sender's connection, which is not sent it (as for `push`).
   */
  readonly pushGroup: (groupId: string, members: ReadonlyArray<string>, entry: LogEntry, origin?: string) => Effect.Effect<void>
  /**
   * Tells the matching connections of the user why they are closed (a weft.v1.Kicked body,
   * sent as a COMMAND_KICKED frame) and closes them: logout, or a login policy's kick.
   */
  readonly kick: (userId: string, filter: KickFilter, kicked: Uint8Array) => Effect.Effect<void>
}>()("weft/actors/Pusher") {}

export const layerLocal: Layer.Layer<Pusher, never, ConnectionRegistry> = Layer.effect(
  Pusher,
  Effect.gen(function*() {
    const registry = yield* ConnectionRegistry
    return Pusher.of({
      push: (userId, entry, _epoch, origin) => void registry.pushNow(userId, entry.data, origin),
      pushGroup: (groupId, members, entry, origin) => Effect.sync(() => void registry.pushGroupNow(groupId, members, entry.data, origin)),
      kick: (userId, filter, kicked) => Effect.asVoid(registry.kick(userId, filter, encodeFrame(Command.KICKED, 0, kicked)))
    })
  })
)
