/**
 * Where a clustered weft finds Redis, and the ioredis connection the cluster's own bookkeeping
 * uses (runner registry, shard locks, presence) — separate from the storage service's, so a slow
 * storage query never delays a shard-lock refresh.
 *
 * `--redis redis://a:6379` is one server; `--redis redis://a:7000,redis://b:7001,...` (several
 * seed nodes) or `--redis-cluster on` is a Redis Cluster, reached through ioredis' `Cluster`
 * client, which follows the slot map (MOVED/ASK) and reconnects by itself.
 */
import { Context, Effect, Layer } from "effect"
import { Cluster, Redis, type RedisOptions } from "ioredis"
import type { RedisStorageOptions } from "../storage/redis.ts"

/** A single server or a Redis Cluster; the commands weft uses exist on both. */
export type RedisConnection = Redis | Cluster

export interface RedisEndpoint {
  /** One `redis://` URL, or several (comma-separated) seed nodes of a Redis Cluster. */
  readonly url: string
  /** A Redis Cluster even with one seed node; several URLs always mean a cluster. */
  readonly cluster: boolean
}

const urls = (endpoint: RedisEndpoint): ReadonlyArray<URL> =>
  endpoint.url.split(",").map((part) => part.trim()).filter((part) => part !== "").map((part) => new URL(part))

export const isCluster = (endpoint: RedisEndpoint): boolean => endpoint.cluster || urls(endpoint).length > 1

/** The endpoint without passwords, for logs and errors. */
export const describe = (endpoint: RedisEndpoint): string => {
  const shown = urls(endpoint).map((url) => {
    url.password = ""
    return url.toString().replace(/\/$/, "")
  })
  return isCluster(endpoint) ? `Redis Cluster ${shown.join(",")}` : `Redis ${shown[0] ?? endpoint.url}`
}

const seedNodes = (endpoint: RedisEndpoint) =>
  urls(endpoint).map((url) => ({ host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port || 6379) }))

/** Credentials and TLS of the first URL; a Redis Cluster's nodes share them. */
const nodeOptions = (endpoint: RedisEndpoint): RedisOptions => {
  const first = urls(endpoint)[0]
  if (first === undefined) return {}
  return {
    ...(first.username === "" ? {} : { username: decodeURIComponent(first.username) }),
    ...(first.password === "" ? {} : { password: decodeURIComponent(first.password) }),
    ...(first.protocol === "rediss:" ? { tls: {} } : {})
  }
}

// Reconnect attempts at most this far apart, so work resumes within half a second of Redis returning.
const reconnectMaxDelayMs = 500

/**
 * The storage service's options for this endpoint. A command waits for at most two reconnect
 * attempts, so work that needs storage fails fast (UNAVAILABLE to the client, which resends)
 * during a Redis outage instead of queueing for its whole length.
 */
export const storageOptions = (endpoint: RedisEndpoint): RedisStorageOptions =>
  isCluster(endpoint)
    ? {
      cluster: { nodes: seedNodes(endpoint), redisOptions: { ...nodeOptions(endpoint), maxRetriesPerRequest: 2 } },
      reconnectMaxDelayMs
    }
    : { url: endpoint.url.trim(), maxRetriesPerRequest: 2, reconnectMaxDelayMs }


/** A connection that is not yet connected (`lazyConnect`). */
export const create = (endpoint: RedisEndpoint, options: { readonly connectTimeoutMs: number }): RedisConnection => {
  const common: RedisOptions = { connectTimeout: options.connectTimeoutMs, maxRetriesPerRequest: 2 }
  return isCluster(endpoint)
    ? new Cluster(seedNodes(endpoint), {
      lazyConnect: true,
      redisOptions: { ...nodeOptions(endpoint), ...common },
      clusterRetryStrategy: (times) => Math.min(100 + times * 2, reconnectMaxDelayMs),
      enableOfflineQueue: false // fail at once while the cluster is unreachable, as on a single server
    })
    : new Redis(endpoint.url.trim(), { lazyConnect: true, ...common, retryStrategy: (times) => Math.min(times * 50, reconnectMaxDelayMs) })
}

export class RedisClient extends Context.Service<RedisClient, RedisConnection>()("weft/cluster/RedisClient") {}

export const layer = (endpoint: RedisEndpoint): Layer.Layer<RedisClient, Error> =>
  Layer.effect(
    RedisClient,
    Effect.acquireRelease(
      Effect.tryPromise({
        try: async (signal) => {
          const redis = create(endpoint, { connectTimeoutMs: 5_000 })
          redis.on("error", () => {}) // reconnects by itself; failed commands report their own errors
          redis.on("node error", () => {})
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
        catch: (cause) => new Error(`${describe(endpoint)} is not reachable: ${cause instanceof Error ? cause.message : String(cause)}`)
      }),
      (redis) => Effect.promise(() => redis.quit().then(() => undefined, () => redis.disconnect()))
    )
  )
