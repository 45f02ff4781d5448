/**
 * The shard locks and the runner registry on a real redis-server (append-only, restartable):
 * the rules that let a runner ride out a Redis outage without giving up its shards, and that
 * still let a dead runner's shards move.
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Runner, RunnerAddress, ShardId } from "effect/cluster"
import { Redis } from "ioredis"
import { startRedisServer } from "../../src/cli/localRedis.ts"
import * as RedisRunnerStorage from "../../src/cluster/RedisRunnerStorage.ts"

const server = await startRedisServer({ persistent: true })
const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(times * 50, 200) })
redis.on("error", () => {})
afterAll(async () => {
  redis.disconnect()
  await server.stop()
})

const a = RunnerAddress.make("127.0.0.1", 1001)
const b = RunnerAddress.make("127.0.0.1", 1002)
const shard = (id: number) => ShardId.make("default", id)
const ids = (shards: ReadonlyArray<ShardId.ShardId>) => shards.map(String).sort()

describe("shard locks on Redis", () => {
  it.live("a lock that expired is taken back by its holder's refresh, unless another runner took it or it was released", () =>
    Effect.gen(function*() {
      const storage = RedisRunnerStorage.make(redis, 5_000)
      assert.deepStrictEqual(ids(yield* storage.acquire(a, [shard(1), shard(2), shard(3)])), ["default:1", "default:2", "default:3"])
      // All three expire (as across a Redis restart); shard 2 is taken by b meanwhile, shard 3 released.
      yield* Effect.promise(() => redis.del("{weft-cluster}:shard:default:1", "{weft-cluster}:shard:default:2"))
      assert.deepStrictEqual(ids(yield* storage.acquire(b, [shard(2)])), ["default:2"])
      yield* storage.release(a, shard(3))
      assert.deepStrictEqual(ids(yield* storage.refresh(a, [shard(1), shard(2), shard(3)])), ["default:1"])
      assert.strictEqual(yield* Effect.promise(() => redis.get("{weft-cluster}:shard:default:1")), "127.0.0.1:1001")
      assert.strictEqual(yield* Effect.promise(() => redis.get("{weft-cluster}:shard:default:3")), null)
      assert.deepStrictEqual(ids(yield* storage.refresh(b, [shard(2)])), ["default:2"])
    }))

  it.live("while Redis does not answer, a refresh reports every shard as still held; afterwards the locks are real again", () =>
    Effect.gen(function*() {
      const storage = RedisRunnerStorage.make(redis, 5_000)
      yield* storage.acquire(a, [shard(10), shard(11)])
      yield* Effect.promise(() => server.shutdown())
      assert.deepStrictEqual(ids(yield* storage.refresh(a, [shard(10), shard(11)])), ["default:10", "default:11"])
      yield* Effect.promise(() => server.start())
      // A refresh that reached Redis answers from the locks themselves: b's shard is not a's.
      yield* Effect.promise(() => redis.set("{weft-cluster}:shard:default:11", "127.0.0.1:1002"))
      let refreshed: ReadonlyArray<ShardId.ShardId> = []
      for (let i = 0; i < 100 && refreshed.length !== 1; i++) {
        refreshed = yield* storage.refresh(a, [shard(10), shard(11)])
        if (refreshed.length !== 1) yield* Effect.sleep(50)
      }
      assert.deepStrictEqual(ids(refreshed), ["default:10"])
    }))

  it.live("a runner without a fresh liveness key is dead, except to a Redis too young to have watched it", () =>
    Effect.gen(function*() {
      const runner = Runner.make({ address: a, groups: ["default"], weight: 1 })
      // No heartbeat: registered healthy, but no liveness key.
      yield* RedisRunnerStorage.make(redis, 5_000).register(runner, true)
      // Up for less than two expirations (10 s): the missing key is no evidence.
      const young = yield* RedisRunnerStorage.make(redis, 5_000).getRunners
      assert.deepStrictEqual(young.map(([r, healthy]) => [String(r.address.port), healthy]), [["1001", true]])
      // With 400 ms locks the grace is 800 ms, which a Redis up for a second has passed.
      const uptime = async () => Number(/uptime_in_seconds:(\d+)/.exec(await redis.info("server"))![1])
      for (let i = 0; i < 100 && (yield* Effect.promise(uptime)) < 1; i++) yield* Effect.sleep(50)
      const watched = yield* RedisRunnerStorage.make(redis, 400).getRunners
      assert.deepStrictEqual(watched.map(([r, healthy]) => [String(r.address.port), healthy]), [["1001", false]])
      yield* Effect.promise(() => redis.set("{weft-cluster}:alive:127.0.0.1:1001", "1", "PX", 5_000))
      const alive = yield* RedisRunnerStorage.make(redis, 400).getRunners
      assert.deepStrictEqual(alive.map(([, healthy]) => healthy), [true])
    }))
})
