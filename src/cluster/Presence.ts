/**
 * Which gateways hold a user's live connections, so the runner that owns the user can push to
 * them. A gateway marks a user online while it holds one of the user's connections and keeps the
 * mark fresh; the mark expires by itself if the gateway dies. Dev mode needs none of this: the
 * gateway and the actors share a process (`layerLocal`).
 *
 * In Redis: one sorted set per user, `{userId}:presence`, member = gateway push address,
 * score = expiry time (ms). Readers ignore expired members; writers trim them. One pipeline per
 * user: on a Redis Cluster the users' keys live in different slots (and nodes). Beside it,
 * `{userId}:presence-sessions` marks the sessions (DeviceSession.session_id) that have a live
 * connection, the same way: offline notifications go to the other sessions (notify/).
 */
import { Context, Effect, Layer, type Scope } from "effect"
import { Cluster } from "ioredis"
import { userKey } from "../storage/Storage.ts"
import type { RedisConnection } from "./RedisClient.ts"

export class Presence extends Context.Service<Presence, {
  /** Marks the user (and the session, when given) online at this gateway for the lifetime of the scope. */
  readonly online: (userId: string, sessionId?: string) => Effect.Effect<void, never, Scope.Scope>
  /**
   * `online` without a scope, for a connection that holds none while idle: `enter` when it logs
   * in, `leave` when it closes (one of each per connection, with the same arguments).
   */
  readonly enter: (userId: string, sessionId?: string) => Effect.Effect<void>
  readonly leave: (userId: string, sessionId?: string) => Effect.Effect<void>
  /** Push addresses ("host:port") of the gateways holding the user's connections. */
  readonly gatewaysOf: (userId: string) => Effect.Effect<ReadonlyArray<string>>
  /** The user's sessions with a live connection on some gateway. */
  readonly sessionsOf: (userId: string) => Effect.Effect<ReadonlyArray<string>>
}>()("weft/cluster/Presence") {}

export const layerLocal: Layer.Layer<Presence> = Layer.succeed(Presence, {
  online: () => Effect.void,
  enter: () => Effect.void,
  leave: () => Effect.void,
  gatewaysOf: () => Effect.succeed([]),
  sessionsOf: () => Effect.succeed([])
})

const presenceKey = (userId: string) => userKey(userId, "presence")
const sessionsKey = (userId: string) => userKey(userId, "presence-sessions")

export interface RedisPresenceOptions {
  /** This gateway's push address, as runners should dial it. */
  readonly selfAddress: string
  /** A mark lives this long unless refreshed; refreshed every third of it. */
  readonly ttlMs: number
}

export const makeRedis = (redis: RedisConnection, options: RedisPresenceOptions) =>
  Effect.gen(function*() {
    // Connections per user on this gateway: the mark is written on the first, removed after the last.
    const local = new Map<string, number>()
    // Connections per session of each user, likewise.
    const localSessions = new Map<string, Map<string, number>>()
    const mark = (userIds: ReadonlyArray<string>) =>
      Effect.tryPromise(async () => {
        const now = Date.now()
        const add = (pipeline: ReturnType<RedisConnection["pipeline"]>, userId: string) => {
          pipeline
            .zadd(presenceKey(userId), now + options.ttlMs, options.selfAddress)
            .zremrangebyscore(presenceKey(userId), 0, now)
            .pexpire(presenceKey(userId), options.ttlMs * 2)
          const sessions = localSessions.get(userId)
          if (sessions === undefined) return pipeline
          for (const sessionId of sessions.keys()) pipeline.zadd(sessionsKey(userId), now + options.ttlMs, sessionId)
          return pipeline.zremrangebyscore(sessionsKey(userId), 0, now).pexpire(sessionsKey(userId), options.ttlMs * 2)
        }
        if (!(redis instanceof Cluster)) {
          const pipeline = redis.pipeline()
          for (const userId of userIds) add(pipeline, userId)
          await pipeline.exec()
          return
        }
        await Promise.all(userIds.map((userId) => add(redis.pipeline(), userId).exec()))
      }).pipe(Effect.ignore)

    yield* Effect.forkScoped(
      Effect.forever(
        Effect.andThen(Effect.sleep(Math.max(100, Math.floor(options.ttlMs / 3))), Effect.suspend(() => mark([...local.keys()])))
      )
    )

    /** Counts a connection of the session; true for its first on this gateway. */
    const addSession = (userId: string, sessionId: string) => {
      let sessions = localSessions.get(userId)
      if (sessions === undefined) localSessions.set(userId, sessions = new Map())
      const count = sessions.get(sessionId) ?? 0
      sessions.set(sessionId, count + 1)
      return count === 0
    }

    /** Uncounts it; true when it was the session's last on this gateway. */
    const dropSession = (userId: string, sessionId: string) => {
      const sessions = localSessions.get(userId)
      const count = (sessions?.get(sessionId) ?? 1) - 1
      if (count > 0) {
        sessions!.set(sessionId, count)
        return false
      }
      sessions?.delete(sessionId)
      if (sessions?.size === 0) localSessions.delete(userId)
      return true
    }

    const enter = (userId: string, sessionId?: string) =>
      Effect.suspend(() => {
        const count = local.get(userId) ?? 0
        local.set(userId, count + 1)
        const newSession = sessionId !== undefined && addSession(userId, sessionId)
        return count === 0 || newSession ? mark([userId]) : Effect.void
      })
    const leave = (userId: string, sessionId?: string) =>
      Effect.suspend(() => {
        const lastOfSession = sessionId !== undefined && dropSession(userId, sessionId)
        const count = (local.get(userId) ?? 1) - 1
        if (count > 0) {
          local.set(userId, count)
          return lastOfSession
            ? Effect.tryPromise(() => redis.zrem(sessionsKey(userId), sessionId!)).pipe(Effect.ignore)
            : Effect.void
        }
        local.delete(userId)
        return Effect.tryPromise(async () => {
          if (lastOfSession) {
            await redis.pipeline().zrem(presenceKey(userId), options.selfAddress).zrem(sessionsKey(userId), sessionId!).exec()
          } else {
            await redis.zrem(presenceKey(userId), options.selfAddress)
          }
        }).pipe(Effect.ignore)
      })

    return Presence.of({
      online: (userId, sessionId) => Effect.acquireRelease(enter(userId, sessionId), () => leave(userId, sessionId)),
      enter,
      leave,
      sessionsOf: (userId) =>
        Effect.tryPromise(() => redis.zrangebyscore(sessionsKey(userId), Date.now(), "+inf")).pipe(
          Effect.orElseSucceed(() => [])
        ),
      gatewaysOf: (userId) =>
        Effect.tryPromise(() => redis.zrangebyscore(presenceKey(userId), Date.now(), "+inf")).pipe(
          Effect.orElseSucceed(() => [])
        )
    })
  })

export const layerRedis = (redis: RedisConnection, options: RedisPresenceOptions): Layer.Layer<Presence> =>
  Layer.effect(Presence, makeRedis(redis, options))
