/**
 * The notification outbox contract, for the memory outbox (dev mode) and the Redis one
 * (clustered runners, on a redis-server of its own): collapse per key, leases, a change that
 * joins a notification being sent is not lost, retries, the interval after a sent one.
 */
import { afterAll, describe, expect, it } from "vitest"
import { Effect } from "effect"
import { Redis } from "ioredis"
import { startRedisServer } from "../../src/cli/localRedis.ts"
import { makeMemory, notificationKey, Outbox, type Timing } from "../../src/notify/Outbox.ts"
import { make as makeRedis } from "../../src/notify/RedisOutbox.ts"

const redisServer = await startRedisServer()
const redis = new Redis({ host: redisServer.host, port: redisServer.port })
afterAll(async () => {
  redis.disconnect()
  await redisServer.stop()
})

const timing: Timing = { collapseMs: 1_000, minIntervalMs: 10_000 }
let users = 0

const change = (userId: string, sender: string, seq: number) => ({
  key: notificationKey(userId, "s1", sender),
  userId,
  sessionId: "s1",
  conversation: sender,
  kind: "message" as const,
  sender,
  text: "",
  seq,
  changes: 1
})

const contract = (name: string, make: () => Promise<Outbox["Service"]>) =>
  describe(`${name} outbox`, () => {
    const run = <A>(effect: Effect.Effect<A, unknown>) => Effect.runPromise(effect)

    it("a burst under one key is one notification, due after the collapse delay, with every change counted", async () => {
      const outbox = await make()
      const user = `u${++users}`
      const t0 = 1_000_000
      for (let seq = 1; seq <= 50; seq++) await run(outbox.schedule(change(user, "alice", seq), t0 + seq))
      await run(outbox.schedule(change(user, "carol", 51), t0 + 60))
      expect(await run(outbox.claim(t0 + 999, 100, 5_000))).toHaveLength(0)
      const due = await run(outbox.claim(t0 + 1_100, 100, 5_000))
      const fromAlice = due.filter((pending) => pending.userId === user && pending.sender === "alice")
      expect(fromAlice).toHaveLength(1)
      expect(fromAlice[0]).toMatchObject({ changes: 50, seq: 50, attempts: 0, firstAtMs: t0 + 1 })
      // Leased: not claimed again until the lease ends.
      expect((await run(outbox.claim(t0 + 2_000, 100, 5_000))).filter((pending) => pending.userId === user)).toHaveLength(0)
      expect((await run(outbox.claim(t0 + 7_000, 100, 5_000))).filter((pending) => pending.userId === user)).toHaveLength(2)
    })

    it("a change that joins while one is being sent stays, due after the interval; a completed one is gone", async () => {
      const outbox = await make()
      const user = `u${++users}`
      const t0 = 2_000_000
      await run(outbox.schedule(change(user, "bob", 1), t0))
      const [claimed] = (await run(outbox.claim(t0 + 1_000, 100, 5_000))).filter((pending) => pending.userId === user)
      await run(outbox.schedule(change(user, "bob", 2), t0 + 1_001))
      await run(outbox.complete(claimed!, t0 + 1_002))
      const again = (await run(outbox.claim(t0 + 11_002, 100, 5_000))).filter((pending) => pending.userId === user)
      expect(again).toHaveLength(1)
      expect(again[0]).toMatchObject({ seq: 2, changes: 2 })
      await run(outbox.complete(again[0]!, t0 + 11_003))
      expect((await run(outbox.claim(t0 + 100_000, 100, 5_000))).filter((pending) => pending.userId === user)).toHaveLength(0)
      // The next change waits out the interval from the last one sent.
      await run(outbox.schedule(change(user, "bob", 3), t0 + 11_004))
      expect((await run(outbox.claim(t0 + 12_100, 100, 5_000))).filter((pending) => pending.userId === user)).toHaveLength(0)
    })

    it("a retry counts the attempt and is due when asked; the per-minute count is per device", async () => {
      const outbox = await make()
      const user = `u${++users}`
      const t0 = 3_000_000
      await run(outbox.schedule(change(user, "dan", 1), t0))
      const [claimed] = (await run(outbox.claim(t0 + 1_000, 100, 60_000))).filter((pending) => pending.userId === user)
      await run(outbox.retry(claimed!, t0 + 1_500))
      const [retried] = (await run(outbox.claim(t0 + 1_500, 100, 60_000))).filter((pending) => pending.userId === user)
      expect(retried).toMatchObject({ attempts: 1, seq: 1 })
      const session = `${user}-session`
      expect(await run(outbox.countSent(session, t0))).toBe(1)
      expect(await run(outbox.countSent(session, t0 + 1))).toBe(2)
      expect(await run(outbox.countSent(`${session}-other`, t0 + 2))).toBe(1)
    })
  })

contract("memory", () => Effect.runPromise(makeMemory(timing)))
contract("Redis", async () => makeRedis(redis, timing))
