/**
 * Long polling, the push path of clients that only get short connections through: a poll
 * answers at once when the user's log is past the cursor, and otherwise waits — registered like
 * a live connection, so the next change for the user wakes it — until the timeout.
 */
import { Deferred, Effect, Scope } from "effect"
import { actorClient } from "../../actors/ActorCall.ts"
import { ChangeLog } from "../../actors/ChangeLog.ts"
import { sessionIdOf } from "../../actors/Session.ts"
import { Presence } from "../../cluster/Presence.ts"
import { Command } from "../../protocol/Command.ts"
import { encodeSyncResponse } from "../../protocol/prebuilt.ts"
import { codec, Codecs } from "../../protocol/Proto.ts"
import { badRequest } from "../../protocol/WeftError.ts"
import { handler } from "../CommandTable.ts"
import { ConnectionRegistry } from "../ConnectionRegistry.ts"
import { GatewayConfig } from "../GatewayConfig.ts"

export interface PollRequest {
  readonly cursor: number
  readonly limit: number
  readonly timeoutMs: number
}

export const MAX_POLL_MS = 60_000
const DEFAULT_POLL_MS = 25_000

let nextPollId = -1

export const handlers = Effect.gen(function*() {
  const config = yield* GatewayConfig
  const registry = yield* ConnectionRegistry
  const presence = yield* Presence
  const changeLogs = yield* actorClient(ChangeLog)
  return [
    handler(
      { id: Command.POLL, name: "poll", request: codec<PollRequest>("PollRequest"), response: Codecs.SyncResponse },
      (caller, request) =>
        caller.transport !== "http"
          ? Effect.fail(badRequest("poll is for short connections; a long connection gets pushes"))
          : Effect.scoped(Effect.gen(function*() {
          const limit = request.limit === 0 ? config.maxSyncPage : Math.min(request.limit, config.maxSyncPage)
          const timeoutMs = Math.min(request.timeoutMs === 0 ? DEFAULT_POLL_MS : request.timeoutMs, MAX_POLL_MS)
          const woken = yield* Deferred.make<void>()
          // Listen before looking, so a change appended in between still wakes the poll.
          const scope = yield* Scope.Scope
          yield* registry.register(caller.userId, {
            connectionId: nextPollId--,
            deviceId: caller.deviceId,
            platform: 0,
            sessionToken: caller.sessionToken,
            origin: caller.origin ?? "",
            offer: () => Deferred.doneUnsafe(woken, Effect.void),
            kick: () => Deferred.doneUnsafe(woken, Effect.void)
          }).pipe(Scope.provide(scope))
          yield* presence.online(caller.userId, sessionIdOf(caller.sessionToken)).pipe(Scope.provide(scope))
          const head = yield* changeLogs(caller.userId).Head()
          if (head.seq <= request.cursor) {
            yield* Deferred.await(woken).pipe(Effect.timeoutOption(timeoutMs))
          }
          const page = yield* changeLogs(caller.userId).Sync({ cursor: request.cursor, limit })
          return encodeSyncResponse(page.entries, page.cursor, page.more, page.epoch)
        }))
    )
  ]
})
