/**
 * The storage contract against a real Redis: a redis-server of its own on a free loopback port
 * (Debian's redis-server; CI installs it). Not skipped when the binary is missing: that shows
 * up as a failure, not as green. Every run writes under its own key prefix.
 */
import { randomUUID } from "node:crypto"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Redis } from "ioredis"
import { startRedisServer } from "../../src/cli/localRedis.ts"
import { layerRedis } from "../../src/storage/redis.ts"
import { Storage, StorageError, userKey } from "../../src/storage/Storage.ts"
import { storageContract } from "./contract.ts"

const server = await startRedisServer()
afterAll(() => server.stop())
const host = server.host
const port = server.port
const runPrefix = `weft-test-${randomUUID().slice(0, 8)}:`

const withRawClient = <A>(f: (client: Redis) => Promise<A>): Promise<A> => {
  const client = new Redis({ host, port, lazyConnect: true, connectTimeout: 2_000, retryStrategy: () => null })
  client.on("error", () => {})
  return client.connect().then(
    () => f(client).finally(() => client.quit()),
    (cause) => {
      throw new Error(`Redis is not reachable at ${host}:${port} (start redis-server; CI installs it)`, { cause })
    }
  )
}

const scanKeys = (pattern: string): Promise<Array<string>> =>
  withRawClient(async (client) => {
    const keys: Array<string> = []
    let cursor = "0"
    do {
      const [next, batch] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000)
      keys.push(...batch)
      cursor = next
    } while (cursor !== "0")
    return keys
  })

afterAll(async () => {
  const keys = await scanKeys(`${runPrefix}*`).catch(() => [])
  if (keys.length > 0) await withRawClient((client) => client.del(...keys))
})

storageContract("redis", layerRedis({ host, port, keyPrefix: runPrefix }))

describe("Redis storage", () => {
  it.live("every key of a user's data carries the {userId} hash tag, so Redis Cluster keeps it in one slot", () =>
    Effect.gen(function*() {
      const prefix = `${runPrefix}layout-${randomUUID().slice(0, 8)}:`
      const user = `user-${randomUUID().slice(0, 8)}`
      yield* Effect.gen(function*() {
        const storage = yield* Storage
        yield* storage.set(userKey(user, "profile"), new Uint8Array([1]))
        yield* storage.increment(userKey(user, "rate"), 1, 10_000)
        yield* storage.logHead(user)
        yield* storage.logAppend(user, { seq: 1, data: new Uint8Array([2]), dedupeKey: "m1", dedupeTtlMs: 10_000 })
        yield* storage.logRead(user, 0, 10)
      }).pipe(Effect.provide(layerRedis({ host, port, keyPrefix: prefix })))

      const keys = yield* Effect.promise(() => scanKeys(`${prefix}*`))
      // profile, rate, and the log's epoch, head, entries and dedupe record
      assert.strictEqual(keys.length, 6, keys.join(", "))
      for (const key of keys) assert.isTrue(key.startsWith(`${prefix}{${user}}:`), key)
    }))

  it.live("start-up fails with a clear error, not a hang, when Redis is unreachable", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.provide(Effect.gen(function*() { yield* Storage }), layerRedis({ host, port: 1, connectTimeoutMs: 1_000 }))
      )
      assert.instanceOf(error, StorageError)
      assert.strictEqual(error.operation, "connect")
      assert.match(String(error.cause), /Redis 127\.0\.0\.1:1 is not reachable: .*ECONNREFUSED/)
    }))
})
