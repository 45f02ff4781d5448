/**
 * Clustered mode as real processes: a Redis with append-only persistence (one server, or a
 * three-master Redis Cluster), two runners, two gateways (src/cli/localCluster.ts, the same code
 * as `weft local-cluster`). Users chat across runners and gateways while one process at a time
 * is killed with SIGKILL, and while Redis is stopped for 10 s; every message whose sender got an
 * acknowledgement must arrive exactly once. Run by Failover.test.ts (single Redis) and
 * FailoverRedisCluster.test.ts (Redis Cluster).
 */
import { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LocalCluster, startLocalCluster } from "../../src/cli/localCluster.ts"
import type { Placement } from "../../src/cluster/Placement.ts"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import { createGroup, sendToGroup } from "../../src/client/groups.ts"
import { Command } from "../../src/protocol/Command.ts"
import type { Message } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { PASSWORD_HASH, runnerFlags } from "../support/clusterFlags.ts"
import { startTcpProxy } from "../support/TcpProxy.ts"
import { sleep, uniqueUser, waitFor } from "../support/wait.ts"

export const failoverSuite = (options: { readonly redisCluster: boolean }) => {
  let cluster: LocalCluster
  beforeAll(async () => {
    cluster = await startLocalCluster({ runners: 2, gateways: 2, redisCluster: options.redisCluster, runnerArgs: runnerFlags })
  }, 90_000)
  afterAll(() => cluster?.stop())

  const clients: Array<WeftClient> = []
  afterAll(() => clients.forEach((client) => client.close()))

  const gatewayAt = (index: number) => ({ host: "127.0.0.1", port: cluster.gateways[index]!.port })

  /**
   * A logged-in client on gateway `index`; counts its connections. No list of other gateways:
   * it learns them from the route list the gateway hands out.
   */
  const online = async (userId: string, index: number) => {
    const client = new WeftClient({ ...gatewayAt(index), userId, password: "password", maxBackoffMs: 1000 })
    clients.push(client)
    let connections = 0
    client.on("connected", () => connections++)
    await client.connect()
    return Object.assign(client, { connections: () => connections })
  }

  const newUsers = async (count: number) => {
    const users = Array.from({ length: count }, () => uniqueUser("c"))
    await Promise.all(users.map((user) => register(gatewayAt(0), user, "password")))
    return users
  }

  /** The placement a member's admin port serves at /cluster (read from Redis). */
  const placement = async (member = cluster.gateways[0]!): Promise<Placement> => {
    const response = await fetch(`http://127.0.0.1:${member.adminPort}/cluster`)
    expect(response.status, await response.clone().text()).toBe(200)
    return await response.json() as Placement
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
    /** Until every sender has had `count` sends acknowledged after `since` (Date.now() time). */
    const ackedAfter = (since: number, count: number, what: string, ms = 15_000) =>
      waitFor(what, () => pairs.every(([, to]) => acked.get(to)!.filter(({ at }) => at > since).length >= count), ms)
    return { acked, done, ackedAfter }
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

  const redisNodes = () => cluster.redisCluster?.nodes ?? [{ host: "127.0.0.1", port: cluster.redis!.port }]

  /** The Redis nodes' users: which masters hold keys of these users. */
  const mastersHolding = async (users: ReadonlyArray<string>) => {
    let holding = 0
    for (const node of redisNodes()) {
      const client = new Redis(node)
      const keys = await client.keys("{c-*")
      client.disconnect()
      if (users.some((user) => keys.some((key) => key.startsWith(`{${user}}:`)))) holding++
    }
    return holding
  }

  /** A user's account record as the runners stored it (on whichever master holds the user). */
  const accountOf = async (user: string) => {
    for (const node of redisNodes()) {
      const client = new Redis(node)
      const value = await client.get(`{${user}}:account`).catch(() => null)
      client.disconnect()
      if (value !== null) return JSON.parse(value) as { password: { params: unknown } }
    }
    return undefined
  }

  describe(options.redisCluster ? "clustered mode on a three-master Redis Cluster" : "clustered mode on one Redis", () => {
    it("users on different runners chat through different gateways, with pushes; /cluster shows who holds what", async () => {
      const users = await newUsers(8)
      if (options.redisCluster) expect(await mastersHolding(users), "the users' keys are spread over the masters").toBeGreaterThan(1)
      // The runners hash new passwords with the parameters they were given (--password-hash).
      expect((await accountOf(users[0]!))?.password.params).toEqual(PASSWORD_HASH)
      // Both runners start side by side, so the first may hold every shard until the second
      // asks for its share; a moving shard is briefly held by no one, and /cluster says so.
      // The placement settles within a few lock refreshes.
      let view = await placement()
      for (const deadline = Date.now() + 20_000; (view.unheldShards > 0 || view.runners.some((runner) => runner.shards.length === 0)) && Date.now() < deadline;) {
        await sleep(200)
        view = await placement()
      }
      expect(view.runners.map((runner) => [runner.alive, runner.shards.length > 0]), "both runners alive and holding shards")
        .toEqual([[true, true], [true, true]])
      expect(view.runners.reduce((sum, runner) => sum + runner.shards.length, 0) + view.unheldShards).toBe(view.shardsPerGroup)
      expect(view.unheldShards).toBe(0)
      expect(view.gateways.map((gateway) => gateway.endpoints.find((e) => e.startsWith("tcp://"))).sort())
        .toEqual(cluster.gateways.map((gateway) => `tcp://127.0.0.1:${gateway.port}`).sort())
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

      // A sender's own messages: its other devices, on both gateways, get them pushed; the
      // connection that sent them (through a relay that counts its frames) only the acks.
      const relay = await startTcpProxy({ target: () => gatewayAt(0) })
      const device = (deviceId: string, at: { host: string; port: number }) => {
        const client = new WeftClient({ ...at, userId: users[0]!, password: "password", deviceId, transport: "tcp" })
        clients.push(client)
        const texts: Array<string> = []
        client.on("message", (message) => texts.push(message.text))
        return Object.assign(client, { texts })
      }
      const phone = device("phone", { host: "127.0.0.1", port: relay.port })
      const desks = [device("desk-0", gatewayAt(0)), device("desk-1", gatewayAt(1))]
      for (const each of [phone, ...desks]) await each.connect()
      const from = performance.now()
      const own = ["own-1", "own-2", "own-3"]
      for (const text of own) await phone.send(users[1]!, text)
      await waitFor("the sender's other devices", () => desks.every((desk) => desk.texts.filter((t) => t.startsWith("own-")).length === own.length))
      expect(phone.texts.filter((text) => text.startsWith("own-"))).toEqual(own)
      for (const desk of desks) expect(desk.texts.filter((text) => text.startsWith("own-"))).toEqual(own)
      expect(relay.connections()[0]!.toClient.filter((frame) => frame.at >= from && frame.command === Command.PUSH)).toEqual([])
      expect(desks.map((desk) => desk.cursor)).toEqual([phone.cursor, phone.cursor])
      await relay.close()
      // The route list names every live gateway, so clients need no list of their own. A gateway
      // re-reads the others from Redis every 2 s (Clustered.ts): one started beside it a moment
      // ago may take that long to show.
      const asking = await online(users[0]!, 0)
      const listed = async () => (await asking.routes()).map((e) => `${e.transport}://${e.host}:${e.port}`)
      const everyGateway = (routes: ReadonlyArray<string>) => cluster.gateways.every((gateway) => routes.includes(`tcp://127.0.0.1:${gateway.port}`))
      let routes = await listed()
      for (let i = 0; i < 25 && !everyGateway(routes); i++) {
        await sleep(200)
        routes = await listed()
      }
      for (const gateway of cluster.gateways) {
        expect(routes, "the route list names every gateway").toContain(`tcp://127.0.0.1:${gateway.port}`)
      }
    }, 60_000)

    it("a read-diffusion group across runners and gateways: online members get each message once by push, a late device pulls the group's log", async () => {
      const users = await newUsers(5)
      const members = await Promise.all(users.map((user, i) => online(user, i % 2)))
      const texts = members.map((member) => {
        const list: Array<string> = []
        member.on("message", (message) => message.groupId !== "" && list.push(message.text))
        return list
      })
      // Past its threshold from the start: the messages live in the group's own log.
      const group = await createGroup(members[0]!, "one log", users.slice(1), { readDiffusionThreshold: 2 })
      expect(group.readDiffusion).toBe(true)
      const sent = Array.from({ length: 6 }, (_, i) => `big ${i}`)
      for (const text of sent) await sendToGroup(members[sent.indexOf(text) % 2]!, group.groupId, text)
      for (let i = 1; i < members.length; i++) {
        await waitFor(`member ${i}'s pushes`, () => texts[i]!.length >= sent.length)
      }
      for (const list of texts.slice(1)) expect([...list].sort(), "each message once").toEqual([...sent].sort())
      // A device that was never online catches up from the group's log through the other gateway.
      const late = new WeftClient({ ...gatewayAt(1), userId: users[3]!, password: "password", deviceId: "late", reconnect: false })
      clients.push(late)
      const caught: Array<string> = []
      late.on("message", (message) => message.groupId === group.groupId && caught.push(message.text))
      await late.connect()
      await waitFor("the late device's catch-up", () => caught.length >= sent.length)
      expect([...caught].sort()).toEqual([...sent].sort())
    })

    it("kill -9 of a runner during a steady stream of sends: its shards move, nothing acknowledged is lost", async () => {
      const users = await newUsers(8)
      const pairs: Array<readonly [WeftClient, string]> = []
      for (let i = 0; i < users.length; i += 2) pairs.push([await online(users[i]!, i % 4 === 0 ? 0 : 1), users[i + 1]!])
      let endStream = () => {}
      const stream = steadyStream(pairs, new Promise<void>((resolve) => (endStream = resolve)))
      await stream.ackedAfter(0, 10, "a steady stream before the kill")
      const killedAt = Date.now()
      cluster.runners[0]!.crash()
      // Until every sender has had ten sends acknowledged after the survivor took over.
      await stream.ackedAfter(killedAt + 1000, 10, "sends to resume on the surviving runner", 40_000).finally(endStream)
      await stream.done
      let takeover = 0
      for (const [, to] of pairs) {
        const acked = stream.acked.get(to)!
        expect(acked.some(({ at }) => at > killedAt + 1000), "sends resumed after the kill").toBe(true)
        takeover = Math.max(takeover, longestGap(acked))
        await everyAckedArrivedOnce(to, acked, 1)
      }
      const view = await placement()
      const survivor = view.runners.find((runner) => runner.alive)!
      expect(survivor.shards.length, "the survivor holds every shard").toBe(view.shardsPerGroup)
      console.log(`runner kill: longest pause between acknowledgements ${takeover} ms (shard takeover)`)
      await cluster.runners[0]!.restart()
    }, 90_000)

    it("kill -9 of a gateway: its clients, given no other gateway, find the other one in the route list and lose nothing", async () => {
      const users = await newUsers(4)
      const pairs: Array<readonly [WeftClient, string]> = [
        [await online(users[0]!, 0), users[1]!],
        [await online(users[2]!, 0), users[3]!]
      ]
      const receiver = await online(users[1]!, 0)
      const pushed: Array<Message> = []
      receiver.on("message", (message) => pushed.push(message))
      let endStream = () => {}
      const stream = steadyStream(pairs, new Promise<void>((resolve) => (endStream = resolve)))
      await stream.ackedAfter(0, 10, "a steady stream before the kill")
      const killedAt = Date.now()
      cluster.gateways[0]!.crash()
      // Until every sender, reconnected to the other gateway, has had ten more sends acknowledged.
      await stream.ackedAfter(killedAt, 10, "sends to resume through the other gateway").finally(endStream)
      await stream.done
      for (const [, to] of pairs) await everyAckedArrivedOnce(to, stream.acked.get(to)!, 1)
      // The receiver that was on the dead gateway caught up by itself, on the other one.
      await waitFor("the moved receiver to catch up", () => pushed.length >= stream.acked.get(users[1]!)!.length, 15_000)
      await cluster.gateways[0]!.restart()
    }, 60_000)

    it("Redis stopped for 10 s under load (append-only persistence): no shard moves, no connection closes, nothing acknowledged is lost", async () => {
      const redis = cluster.redisCluster ?? cluster.redis
      expect(redis, "the test started its own Redis").toBeDefined()
      const users = await newUsers(4)
      const senders = [await online(users[0]!, 0), await online(users[2]!, 1)]
      const pairs: Array<readonly [WeftClient, string]> = [[senders[0]!, users[1]!], [senders[1]!, users[3]!]]
      // Every runner alive and holding shards again (the restarted runner of an earlier test), and
      // the rebalancing towards it over: the same placement for 2 s (a shard still on its way
      // when "before" was read once moved during the outage, and read as moved by it).
      const whole = (view: Placement) =>
        view.runners.filter((r) => r.alive && r.shards.length > 0).length === 2 && view.unheldShards === 0
      const held = (view: Placement) => JSON.stringify(view.runners.map((runner) => [runner.address, runner.shards]))
      let before = await placement()
      let sameSince = Date.now()
      for (let i = 0; i < 200 && !(whole(before) && Date.now() - sameSince >= 2_000); i++) {
        await sleep(200)
        const next = await placement()
        if (held(next) !== held(before)) sameSince = Date.now()
        before = next
      }
      expect(before.unheldShards, "every shard held before the outage").toBe(0)

      let endStream = () => {}
      const stream = steadyStream(pairs, new Promise<void>((resolve) => (endStream = resolve)))
      await stream.ackedAfter(0, 10, "a steady stream before the outage")
      const stoppedAt = Date.now()
      await redis!.shutdown()
      const outage = sleep(10_000)
      const notReady = await fetch(`http://127.0.0.1:${cluster.runners[1]!.adminPort}/readyz`)
      expect(notReady.status, "a runner without Redis is not ready").toBe(503)
      expect(await notReady.text()).toContain("storage")
      // The connection stays open and answers: a request that needs storage fails with a status.
      const answer = await senders[0]!.sync().then(() => undefined, (error: unknown) => error)
      expect(answer, "a sync during the outage is answered with an error status").toBeInstanceOf(WeftRequestError)
      expect((answer as WeftRequestError).code, String(answer)).toBe(Status.UNAVAILABLE)
      await outage
      const restartedAt = Date.now()
      await redis!.start()
      await stream.ackedAfter(restartedAt, 10, "sends to resume after Redis is back").finally(endStream)
      await stream.done

      for (const [, to] of pairs) {
        const acked = stream.acked.get(to)!
        expect(acked.some(({ at }, i) => i > 0 && at - acked[i - 1]!.at > 5_000), "the outage was felt").toBe(true)
        await everyAckedArrivedOnce(to, acked, 0)
      }
      for (const sender of senders) expect(sender.connections(), "the sender's connection was never closed").toBe(1)
      for (const runner of cluster.runners) {
        // The engine logs this when it gives up every shard (and reacquires them all later).
        expect(runner.output(), `${runner.name} kept its shards`).not.toContain("Shard lock storage is unhealthy")
        expect(runner.output()).toContain("keeping the")
      }
      // The placement view is rebuilt from what the runners write to Redis: right after Redis is
      // back a runner's record may not be there yet (it showed no shards once in CI, 1-2 s after
      // the restart). Wait until the view is whole again, as before the outage, then compare.
      let after = await placement()
      for (let i = 0; i < 100 && !(after.runners.filter((r) => r.alive && r.shards.length > 0).length === 2 && after.unheldShards === 0); i++) {
        await sleep(200)
        after = await placement()
      }
      expect(after.runners.map((runner) => [runner.address, runner.shards]), "no shard moved")
        .toEqual(before.runners.map((runner) => [runner.address, runner.shards]))
      const stall = Math.max(...pairs.map(([, to]) => longestGap(stream.acked.get(to)!)))
      const resumed = Math.max(...pairs.map(([, to]) => (stream.acked.get(to)!.find(({ at }) => at > restartedAt)?.at ?? NaN) - restartedAt))
      console.log(
        `Redis stopped for ${restartedAt - stoppedAt} ms: longest pause between acknowledgements ${stall} ms; ` +
          `sends resumed ${resumed} ms after Redis was started again`
      )
    }, 90_000)

    it("a third runner joins during a steady stream: the shards spread evenly, nothing acknowledged is lost", async () => {
      const users = await newUsers(4)
      const pairs: Array<readonly [WeftClient, string]> = [[await online(users[0]!, 0), users[1]!], [await online(users[2]!, 1), users[3]!]]
      let endStream = () => {}
      const stream = steadyStream(pairs, new Promise<void>((resolve) => (endStream = resolve)))
      await stream.ackedAfter(0, 10, "a steady stream before the third runner")
      const startedAt = Date.now()
      await cluster.addRunner()
      const even = (view: Placement) =>
        view.unheldShards === 0 && view.runners.filter((runner) => runner.alive && runner.shards.length === view.shardsPerGroup / 3).length === 3
      let view = await placement()
      for (let i = 0; i < 150 && !even(view); i++) {
        await sleep(200)
        view = await placement()
      }
      const spreadAfter = Date.now() - startedAt
      expect(view.runners.filter((runner) => runner.alive).map((runner) => runner.shards.length), "an even share each").toEqual([100, 100, 100])
      await stream.ackedAfter(Date.now(), 10, "sends after the shards spread").finally(endStream)
      await stream.done
      for (const [, to] of pairs) await everyAckedArrivedOnce(to, stream.acked.get(to)!, 1)
      console.log(`third runner: shards spread 100/100/100 within ${spreadAfter} ms of its start`)
    }, 90_000)
  })
}
