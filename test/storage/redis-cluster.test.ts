/**
 * The storage contract on a real three-master Redis Cluster, started for this file and stopped
 * after it. Passing here means every multi-key script touches keys of one slot only (Redis
 * Cluster refuses the others with CROSSSLOT) and that users are spread over the masters.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Redis } from "ioredis"
import { layerRedis } from "../../src/storage/redis.ts"
import { Storage } from "../../src/storage/Storage.ts"
import { type RedisCluster, startRedisCluster } from "../../src/cli/localRedis.ts"
import { storageContract } from "./contract.ts"

// One cluster for the file: started before the suites build their layers, stopped after they
// have closed their connections (vitest runs file-level afterAll last).
let cluster: RedisCluster | undefined
beforeAll(async () => {
  cluster = await startRedisCluster()
}, 30_000)
afterAll(() => cluster?.stop())

const nodes = () => {
  if (cluster === undefined) throw new Error("the Redis Cluster did not start")
  return cluster.nodes
}
const clusterStorage = Layer.unwrap(Effect.sync(() => layerRedis({ cluster: { nodes: nodes() } })))

storageContract("redis cluster", clusterStorage)

describe("Redis Cluster storage", () => {
  it.live("users' logs are spread over the masters, each user's keys on one of them", () =>
    Effect.gen(function*() {
      const users = Array.from({ length: 12 }, (_, i) => `spread-${i}`)
      yield* Effect.gen(function*() {
        const storage = yield* Storage
        for (const user of users) yield* storage.logAppend(user, { seq: 1, data: new Uint8Array([1]), dedupeKey: "m" })
      }).pipe(Effect.provide(clusterStorage))

      // Each startup node is one of the masters; ask each for the keys it holds.
      const keysByMaster = yield* Effect.forEach(nodes(), (node) =>
        Effect.acquireUseRelease(
          Effect.sync(() => new Redis(node)),
          (client) => Effect.promise(() => client.keys("*")),
          (client) => Effect.promise(() => client.quit())
        ))
      const mastersWithKeys = keysByMaster.filter((keys) => keys.length > 0).length
      assert.isAbove(mastersWithKeys, 1, "12 users all hashed to one master")
      for (const user of users) {
        const holders = keysByMaster.filter((keys) => keys.some((key) => key.startsWith(`{${user}}:`)))
        assert.strictEqual(holders.length, 1, `the keys of ${user} are on one master`)
        assert.strictEqual(holders[0]!.filter((key) => key.startsWith(`{${user}}:`)).length, 4)
      }
    }))
})
