/**
 * The ioredis connection the cluster's own bookkeeping uses (runner registry, shard locks,
 * presence) — separate from the storage service's, so a slow storage query never delays a
 * shard-lock refresh. Connects at start-up or fails with a message naming the address.
 */
import { Context, Effect, Layer } from "effect"
import { Redis } from "ioredis"

export class RedisClient extends Context.Service<RedisClient, Redis>()("weft/cluster/RedisClient") {}

export const layer = (url: string): Layer.Layer<RedisClient, Error> =>
  Layer.effect(
    RedisClient,
    Effect.acquireRelease(
      Effect.tryPromise({
        try: async (signal) => {
          const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 3 })
          redis.on("error", () => {}) // reconnects by itself; failed commands report their own errors
          // A start-up that fails or is abandoned must not leave ioredis reconnecting in the
          // background: that would keep a process that cannot start from exiting.
          const abandon = () => redis.disconnect()
          signal.addEventListener("abort", abandon)
          try {
            await redis.connect()
          } catch (error) {
            redis.disconnect()
            throw error
          } finally {
            signal.removeEventListener("abort", abandon)
          }
          return redis
        },
        catch: (cause) => new Error(`Redis at ${url} is not reachable: ${cause instanceof Error ? cause.message : String(cause)}`)
      }),
      (redis) => Effect.promise(() => redis.quit().catch(() => redis.disconnect()))
    )
  )
