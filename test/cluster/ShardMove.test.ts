/**
 * Local calls follow a moving shard. Two runners as real processes: one leaves (SIGTERM, its
 * shards are handed to the other) and comes back (the other, alive and busy, hands half of its
 * shards back) while users chat. The actors answer each other on the fast path on whichever
 * runner holds their shard; every acknowledged message must arrive exactly once. The members
 * also serve an application's feature (the roll example): its command reaches its actor on a
 * runner through the gateway.
 */
import { fileURLToPath } from "node:url"
import { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LocalCluster, startLocalCluster } from "../../src/cli/localCluster.ts"
import { defaultClusterSettings } from "../../src/cluster/ClusterSettings.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { loadProtos } from "../../src/protocol/AppProtos.ts"
import type { Message } from "../../src/protocol/Proto.ts"
import { runnerFlags } from "../support/clusterFlags.ts"
import { sleep, uniqueUser } from "../support/wait.ts"

const rollFeature = fileURLToPath(new URL("../../examples/roll-bot/feature.js", import.meta.url))
const rollProtos = loadProtos([new URL("../../examples/roll-bot/roll.proto", import.meta.url)])
const roll = {
  id: 1000,
  name: "roll",
  request: rollProtos.codec<{ sides: number }>("roll.v1.RollRequest"),
  response: rollProtos.codec<{ value: number; rolls: number; seq: number }>("roll.v1.RollResponse")
}

let cluster: LocalCluster
const clients: Array<WeftClient> = []
beforeAll(async () => {
  // With the roll example's feature on every member: its Dice actors live on the runners.
  cluster = await startLocalCluster({ runners: 2, gateways: 1, memberArgs: ["--feature", rollFeature], runnerArgs: runnerFlags })
}, 90_000)
afterAll(async () => {
  clients.forEach((client) => client.close())
  await cluster?.stop()
})

const gateway = () => ({ host: "127.0.0.1", port: cluster.gateways[0]!.port })

const client = (userId: string, options: { reconnect?: boolean } = {}) => {
  const made = new WeftClient({ ...gateway(), userId, password: "password", maxBackoffMs: 500, ...options })
  clients.push(made)
  return made
}

/**
 * A logged-in client. A login is answered UNAVAILABLE while a shard is between runners (right
 * after start-up too, as the second runner takes its share): the app logs in again.
 */
const connected = async (
  userId: string,
  options: { reconnect?: boolean } = {},
  onMessage: (message: Message) => void = () => {}
): Promise<WeftClient> => {
  for (let attempt = 0; ; attempt++) {
    const made = client(userId, options)
    made.on("message", onMessage)
    made.on("error", () => {})
    try {
      await made.connect()
      return made
    } catch (error) {
      made.close()
      if (attempt >= 20) throw error
      await sleep(250)
    }
  }
}

/** Which runner holds each shard, as the shard locks in Redis say. */
const shardOwners = async (): Promise<Map<string, string>> => {
  const redis = new Redis(cluster.redisUrl)
  try {
    const owners = new Map<string, string>()
    for (const key of await redis.keys("{weft-cluster}:shard:*")) owners.set(key, (await redis.get(key)) ?? "")
    return owners
  } finally {
    redis.disconnect()
  }
}

/**
 * The shard owners once every shard is held (a lock being handed over is missing or reads "")
 * and `holders(count of distinct owners)` holds; what there is after 30 s otherwise.
 */
const ownersOnceSettled = async (wanted: (holders: number) => boolean): Promise<Map<string, string>> => {
  const deadline = Date.now() + 30_000
  for (;;) {
    const owners = await shardOwners()
    const values = [...owners.values()]
    const everyHeld = owners.size === defaultClusterSettings.shardsPerGroup && !values.includes("")
    if ((everyHeld && wanted(new Set(values).size)) || Date.now() > deadline) return owners
    await sleep(250)
  }
}

/** A counter's total over its series on one member's /metrics. */
const counter = async (adminPort: number, name: string, label: string): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text()
  let total = 0
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) && line.includes(label)) total += Number(line.slice(line.lastIndexOf(" ") + 1))
  }
  return total
}

describe("a shard moving between live runners", () => {
  it("local calls follow it: the new owner answers on the fast path, nothing acknowledged is lost or doubled", async () => {
    const users = Array.from({ length: 12 }, () => uniqueUser("mv"))
    await Promise.all(users.map((user) => register(gateway(), user, "password")))
    // The runners start side by side: the second takes its share of shards from the first
    // within a few lock refreshes after start-up.
    const before = await ownersOnceSettled((holders) => holders === 2)
    expect(new Set(before.values()).size, "both runners hold shards").toBe(2)

    let sending = true
    let retries = 0
    const acked = new Map<string, Array<{ readonly id: string; readonly at: number }>>()
    const streams = Promise.all(Array.from({ length: users.length / 2 }, async (_, p) => {
      const [from, to] = [users[2 * p]!, users[2 * p + 1]!]
      const sender = await connected(from)
      const list: Array<{ readonly id: string; readonly at: number }> = []
      acked.set(to, list)
      for (let i = 0; sending && i < 3000; i++) {
        // A send answered UNAVAILABLE (the shard is between owners) or whose link broke is sent
        // again with the same client message id, as an app would: the actors store it once
        // whatever happened to the first try.
        for (let attempt = 0; ; attempt++) {
          try {
            list.push({ id: (await sender.send(to, `m${i}`, `p${p}-${i}`)).messageId, at: Date.now() })
            break
          } catch (error) {
            if (attempt >= 60) throw error
            retries++
            await sleep(250)
          }
        }
        await sleep(10)
      }
    }))

    await sleep(1_500)
    // Runner 2 leaves: its shards are handed over to runner 1, which now holds them all.
    const leaving = cluster.runners[1]!
    await new Promise<void>((resolve) => {
      leaving.process.once("exit", () => resolve())
      leaving.process.kill("SIGTERM")
    })
    const alone = await ownersOnceSettled((holders) => holders === 1)
    expect(new Set(alone.values()).size, "runner 1 holds every shard").toBe(1)
    const stayingLocalBefore = await counter(cluster.runners[0]!.adminPort, "weft_actor_local_calls_total", `to="ChangeLog"`)

    // Runner 2 comes back: runner 1, alive and busy, hands half of its shards back.
    await leaving.restart()
    const deadline = Date.now() + 30_000
    // Until both runners hold shards: a lock being handed over reads "" (held by nobody), which
    // is not the returning runner holding it.
    const holders = (owners: Map<string, string>) => new Set([...owners.values()].filter((owner) => owner !== "")).size
    let after = await shardOwners()
    while (holders(after) < 2 && Date.now() < deadline) {
      await sleep(250)
      after = await shardOwners()
    }
    const rebalancedAt = Date.now()
    const gatewayAdmin = cluster.gateways[0]!.adminPort
    const directBefore = await counter(gatewayAdmin, "weft_actor_direct_calls_total", `to="Messenger"`)
    // Sends go on for a while after the move: until each sender has had one acknowledged since
    // (a sender held up by the move retries every 250 ms), 3 s at the least, 30 s at the most.
    const sendingUntil = Date.now() + 30_000
    await sleep(3_000)
    while (Date.now() < sendingUntil && [...acked.values()].some((acks) => !acks.some(({ at }) => at > rebalancedAt))) {
      await sleep(250)
    }
    sending = false
    await streams

    console.log(`shard move under load: ${retries} sends answered UNAVAILABLE or cut off and sent again`)
    const moved = [...after].filter(([shard, owner]) => alone.get(shard) !== owner)
    expect(moved.length, "shards moved from the busy runner to the returning one").toBeGreaterThan(0)
    // Both runners answered actor calls on the fast path after the move: the staying runner
    // for the shards it kept, the returning runner for the shards it took over.
    expect(await counter(cluster.runners[0]!.adminPort, "weft_actor_local_calls_total", `to="ChangeLog"`))
      .toBeGreaterThan(stayingLocalBefore)
    expect(await counter(leaving.adminPort, "weft_actor_local_calls_total", `to="ChangeLog"`)).toBeGreaterThan(0)
    // The gateway's sends went straight to the runners holding the senders' shards (the direct
    // channel, DirectCalls.ts) after the move as well; a runner that no longer held a shard
    // answered "not here" and the engine found the new one.
    expect(await counter(gatewayAdmin, "weft_actor_direct_calls_total", `to="Messenger"`)).toBeGreaterThan(directBefore)
    // A sender's appends to logs on the other runner go direct too. One user writes to each of
    // the others until a runner counts one (with both runners holding shards, some recipient
    // lives on the other runner; its first append activates the log through the engine).
    const runnerToRunner = async () =>
      (await Promise.all(cluster.runners.map((runner) =>
        counter(runner.adminPort, "weft_actor_direct_calls_total", `to="ChangeLog"`)))).reduce((a, b) => a + b, 0)
    const prober = await connected(users[0]!)
    const probeUntil = Date.now() + 20_000
    for (let round = 0; (await runnerToRunner()) === 0; round++) {
      expect(Date.now() < probeUntil, "appends to the other runner's logs went direct").toBe(true)
      for (const to of users.slice(1)) await prober.send(to, `probe ${round}`).catch(() => undefined)
    }

    for (const [receiver, acks] of acked) {
      expect(acks.some(({ at }) => at > rebalancedAt), "sends went on after the move").toBe(true)
      const ids = acks.map(({ id }) => id)
      const got: Array<Message> = []
      const reader = await connected(receiver, { reconnect: false }, (message) => got.push(message))
      const stored = got.map((message) => message.messageId)
      expect(new Set(stored).size, "no message stored twice").toBe(stored.length)
      for (const id of ids) expect(stored, `acknowledged ${id} is stored`).toContain(id)
      reader.close()
    }
  }, 120_000)
})

describe("an application's feature in clustered mode", () => {
  it("its command, sent to a gateway, is answered by its actor on a runner, and its event reaches the user", async () => {
    const user = uniqueUser("roller")
    await register(gateway(), user, "password")
    const player = await connected(user)
    const events: Array<number> = []
    player.on("appEvent", (event, seq) => event.type === "roll.v1.Rolled" && events.push(seq))
    let answer: { value: number; rolls: number; seq: number } | undefined
    for (let attempt = 0; answer === undefined; attempt++) {
      try {
        answer = await player.call(roll, { sides: 6 })
      } catch (error) {
        // UNAVAILABLE while the user's shard is between runners: the app tries again.
        if (attempt >= 20) throw error
        await sleep(250)
      }
    }
    expect(answer.rolls).toBe(1)
    expect(answer.value).toBeGreaterThanOrEqual(1)
    while (!events.includes(answer.seq)) await sleep(50)
    const handled = await Promise.all(cluster.runners.map((runner) =>
      counter(runner.adminPort, "weft_actor_messages_total", `type="Dice"`)))
    expect(handled.reduce((a, b) => a + b, 0), "a runner's Dice actor handled the roll").toBeGreaterThan(0)
    expect(await counter(cluster.gateways[0]!.adminPort, "weft_commands_total", `command="roll"`)).toBeGreaterThan(0)
    player.close()
  }, 60_000)
})
