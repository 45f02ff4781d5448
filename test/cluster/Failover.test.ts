/**
 * Clustered mode as real processes: a Redis with append-only persistence, two runners, two
 * gateways (test/../src/cli/localCluster.ts, the same code as `weft local-cluster`). Users chat
 * across runners and gateways while one process at a time is killed with SIGKILL; every message
 * whose sender got an acknowledgement must arrive exactly once.
 */
import { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LocalCluster, startLocalCluster } from "../../src/cli/localCluster.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import type { Message } from "../../src/protocol/Proto.ts"
import { sleep, uniqueUser, waitFor } from "../support/wait.ts"

let cluster: LocalCluster
beforeAll(async () => {
  cluster = await startLocalCluster({ runners: 2, gateways: 2 })
}, 90_000)
afterAll(() => cluster?.stop())

const clients: Array<WeftClient> = []
afterAll(() => clients.forEach((client) => client.close()))

const gatewayAt = (index: number) => ({ host: "127.0.0.1", port: cluster.gateways[index]!.port })

/** A logged-in client on gateway `index`, falling back to the other gateway. */
const online = async (userId: string, index: number) => {
  const other = cluster.gateways.map((_, i) => gatewayAt(i)).filter((_, i) => i !== index)
  const client = new WeftClient({ ...gatewayAt(index), fallbacks: other, userId, password: "password", maxBackoffMs: 1000 })
  clients.push(client)
  await client.connect()
  return client
}

const newUsers = async (count: number) => {
  const users = Array.from({ length: count }, () => uniqueUser("c"))
  for (const user of users) await register(gatewayAt(0), user, "password")
  return users
}

/** Senders each send to their receiver in a loop until `until` resolves; returns what was acked. */
const steadyStream = (pairs: ReadonlyArray<readonly [WeftClient, string]>, until: Promise<void>) => {
  let running = true
  void until.then(() => (running = false))
  const acked = new Map<string, Array<{ id: string; at: number }>>()
  const done = Promise.all(pairs.map(async ([sender, to], p) => {
    const list: Array<{ id: string; at: number }> = []
    acked.set(to, list)
    for (let i = 0; running && i < 2000; i++) {
      const ack = await sender.send(to, `m${i}`, `pair${p}-${i}`)
      list.push({ id: ack.messageId, at: Date.now() })
      await sleep(20)
    }
  }))
  return { acked, done }
}

const everyAckedArrivedOnce = async (receiverId: string, acked: ReadonlyArray<{ id: string }>, gateway: number) => {
  const fresh = new WeftClient({ ...gatewayAt(gateway), userId: receiverId, password: "password", reconnect: false })
  clients.push(fresh)
  const got: Array<Message> = []
  fresh.on("message", (message) => got.push(message))
  await fresh.connect()
  const ids = got.map((message) => message.messageId)
  expect(new Set(ids).size, "no duplicates").toBe(ids.length)
  for (const { id } of acked) expect(ids, `acknowledged ${id} is stored`).toContain(id)
  return ids
}

const longestGap = (acked: ReadonlyArray<{ at: number }>) =>
  acked.reduce((gap, { at }, i) => i === 0 ? 0 : Math.max(gap, at - acked[i - 1]!.at), 0)

describe("clustered mode", () => {
  it("users on different runners chat through different gateways, with pushes", async () => {
    const users = await newUsers(8)
    const redis = new Redis(cluster.redisUrl)
    const owners = new Set<string>()
    for (const key of await redis.keys("{weft-cluster}:shard:*")) owners.add((await redis.get(key)) ?? "")
    redis.disconnect()
    expect(owners.size, "both runners hold shards").toBe(2)
    for (const member of [...cluster.runners, ...cluster.gateways]) {
      const ready = await fetch(`http://127.0.0.1:${member.adminPort}/readyz`)
      expect(ready.status, `${member.name} is ready`).toBe(200)
    }

    const received: Array<Message> = []
    for (let i = 0; i < users.length; i += 2) {
      const sender = await online(users[i]!, 0)
      const receiver = await online(users[i + 1]!, 1)
      receiver.on("message", (message) => received.push(message))
      await sender.send(users[i + 1]!, `hello ${i}`)
    }
    await waitFor("every push across gateways", () => received.length === users.length / 2)
  }, 60_000)

  it("kill -9 of a runner during a steady stream of sends: its shards move, nothing acknowledged is lost", async () => {
    const users = await newUsers(8)
    const pairs: Array<readonly [WeftClient, string]> = []
    for (let i = 0; i < users.length; i += 2) pairs.push([await online(users[i]!, i % 4 === 0 ? 0 : 1), users[i + 1]!])
    const stopAt = sleep(20_000)
    const stream = steadyStream(pairs, stopAt)
    await sleep(2_000)
    const killedAt = Date.now()
    cluster.runners[0]!.crash()
    await stream.done
    let takeover = 0
    for (const [, to] of pairs) {
      const acked = stream.acked.get(to)!
      expect(acked.length).toBeGreaterThan(20)
      expect(acked.some(({ at }) => at > killedAt + 1000), "sends resumed after the kill").toBe(true)
      takeover = Math.max(takeover, longestGap(acked))
      await everyAckedArrivedOnce(to, acked, 1)
    }
    console.log(`runner kill: longest pause between acknowledgements ${takeover} ms (shard takeover)`)
    await cluster.runners[0]!.restart()
  }, 90_000)

  it("kill -9 of a gateway: its clients reconnect to the other gateway and lose nothing", async () => {
    const users = await newUsers(4)
    const pairs: Array<readonly [WeftClient, string]> = [
      [await online(users[0]!, 0), users[1]!],
      [await online(users[2]!, 0), users[3]!]
    ]
    const receiver = await online(users[1]!, 0)
    const pushed: Array<Message> = []
    receiver.on("message", (message) => pushed.push(message))
    const stream = steadyStream(pairs, sleep(6_000))
    await sleep(1_500)
    cluster.gateways[0]!.crash()
    await stream.done
    for (const [, to] of pairs) await everyAckedArrivedOnce(to, stream.acked.get(to)!, 1)
    // The receiver that was on the dead gateway caught up by itself, on the other one.
    await waitFor("the moved receiver to catch up", () => pushed.length >= stream.acked.get(users[1]!)!.length, 15_000)
    await cluster.gateways[0]!.restart()
  }, 60_000)

  it("Redis restarted under load (append-only persistence): nothing acknowledged is lost", async () => {
    const redis = cluster.redis
    expect(redis, "the test started its own Redis").toBeDefined()
    const users = await newUsers(4)
    const pairs: Array<readonly [WeftClient, string]> = [
      [await online(users[0]!, 0), users[1]!],
      [await online(users[2]!, 1), users[3]!]
    ]
    const stream = steadyStream(pairs, sleep(9_000))
    await sleep(1_500)
    await redis!.shutdown()
    const notReady = await fetch(`http://127.0.0.1:${cluster.runners[1]!.adminPort}/readyz`)
    expect(notReady.status, "a runner without Redis is not ready").toBe(503)
    expect(await notReady.text()).toContain("storage")
    await sleep(500)
    await redis!.start()
    await stream.done
    for (const [, to] of pairs) {
      const acked = stream.acked.get(to)!
      expect(acked.some(({ at }, i) => i > 0 && at - acked[i - 1]!.at > 1000), "the outage was felt").toBe(true)
      await everyAckedArrivedOnce(to, acked, 0)
    }
  }, 60_000)
})
