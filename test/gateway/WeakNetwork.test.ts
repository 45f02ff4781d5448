/**
 * Staying in touch on a weak network: a reconnect that resumes and catches up in one round trip,
 * a dead link noticed in a few round trips, a network change that reconnects at once and leaves
 * no abandoned connection taking pushes, and a sender's order kept over HTTP. The network is a
 * relay on loopback (test/support/TcpProxy.ts) that adds latency, resets and cuts connections,
 * and reads the frames it carries, so the tests count round trips instead of timing them.
 */
import { execFile } from "node:child_process"
import * as Net from "node:net"
import { fileURLToPath } from "node:url"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { createGroup } from "../../src/client/groups.ts"
import { memoryRouteStore } from "../../src/client/RouteStore.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { Command } from "../../src/protocol/Command.ts"
import { encodeFrame, FrameDecoder } from "../../src/protocol/Frame.ts"
import { Codecs } from "../../src/protocol/Proto.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { type Relayed, startTcpProxy, type TcpProxy } from "../support/TcpProxy.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

/** Each way: a round trip through the relay costs 2 × LATENCY_MS. */
const LATENCY_MS = 60

let server: DevServer
let relay: TcpProxy
const clients: Array<WeftClient> = []

beforeAll(async () => {
  relay = await startTcpProxy({ target: () => ({ host: "127.0.0.1", port: server.port }), latencyMs: LATENCY_MS })
  // The gateway hands out only the relay, so a client's way in stays the relay.
  server = await startDevServer({
    gateway: { httpPorts: [0], advertisedEndpoints: [{ address: "127.0.0.1", port: relay.port, transport: "tcp" }] }
  })
})

// Each test's clients go with it: a client left running would reconnect through the relay when
// a later test cuts it, and its connections would mix with that test's.
afterEach(() => {
  for (const client of clients.splice(0)) client.close()
})

afterAll(async () => {
  await relay.close()
  await server.stop()
})

const newUser = async (name: string) => {
  const userId = uniqueUser(name)
  await register(server, userId, "password")
  return userId
}

const client = (userId: string, options: Partial<ConstructorParameters<typeof WeftClient>[0]> = {}) => {
  const created = new WeftClient({ userId, password: "password", maxBackoffMs: 400, ...options })
  clients.push(created)
  return created
}

const viaRelay = () => ({ endpoints: [{ host: "127.0.0.1", port: relay.port, transport: "tcp" as const }] })

/**
 * The requests a connection carried to the server before `at`, probes left out: a ping may
 * probe the link beside a request that takes long (a password check on a busy machine), never
 * before one.
 */
const sentBefore = (connection: Relayed, at: number) =>
  connection.toServer.filter((frame) => frame.at <= at && frame.command !== Command.PING).map((f) => f.command)

describe("reconnecting", () => {
  it("a first login is one round trip after the handshake: AUTH alone, no route list or sync before it", async () => {
    const a = await newUser("first")
    const before = relay.connections().length
    const alice = client(a, viaRelay())
    await alice.connect()
    const connection = relay.connections()[before]!
    expect(sentBefore(connection, performance.now())).toEqual([Command.AUTH])
    // The route list came with the login.
    expect(connection.toClient.map((frame) => frame.command).filter((command) => command !== Command.PING)).toEqual([Command.AUTH])
  })

  it("after a reset, the first missed message arrives in the answer to the one AUTH of the new connection", async () => {
    const [a, b] = [await newUser("resumer"), await newUser("peer")]
    const alice = client(a, viaRelay())
    const bob = client(b, { ...server })
    await alice.connect()
    await bob.connect()
    const got: Array<{ text: string; at: number }> = []
    alice.on("message", (message) => message.from === b && got.push({ text: message.text, at: performance.now() }))

    const token = alice.sessionToken
    // The link resets and stays down while three messages are sent to alice.
    await relay.refuse()
    await waitFor("alice to notice", () => alice.state !== "online")
    const missed = ["missed-1", "missed-2", "missed-3"]
    for (const text of missed) await bob.send(a, text)
    const count = relay.connections().length
    await relay.accept()
    await waitFor("the missed messages", () => got.length >= missed.length)

    const reconnect = relay.connections()[count]!
    expect(got.map((m) => m.text)).toEqual(missed)
    // The resume's answer left out what the request told (omit_known): the client goes on with
    // the token it resumed with, and asked for no route list.
    expect(alice.sessionToken).toBe(token)
    // One request on the new connection before the first missed message was delivered: the
    // AUTH, whose answer carried the messages (before: ROUTE_LIST, AUTH, SYNC — three round trips).
    expect(sentBefore(reconnect, got[0]!.at)).toEqual([Command.AUTH])
    expect(reconnect.toClient[0]?.command).toBe(Command.AUTH)
    const roundTrips = (got[0]!.at - reconnect.openedAt) / (2 * LATENCY_MS)
    console.log(`reconnect: first missed message ${(got[0]!.at - reconnect.openedAt).toFixed(0)} ms after the relay connected (${roundTrips.toFixed(2)} RTT)`)
    // Nothing more arrives later (no duplicate from a sync or a push).
    await bob.send(a, "after")
    await waitFor("the next message", () => got.some((m) => m.text === "after"))
    expect(got.map((m) => m.text)).toEqual([...missed, "after"])
    expect(reconnect.toServer.map((frame) => frame.command)).not.toContain(Command.ROUTE_LIST)
  })

  it("a login with omit_known is answered without what it told: the token resumed with, the user, the route list version, the page's epoch", async () => {
    const [a, b] = [await newUser("lean"), await newUser("lean-peer")]
    const bob = client(b, { ...server })
    await bob.connect()
    await bob.send(a, "waiting")
    const login = async (request: object) => {
      const socket = await new Promise<Net.Socket>((resolve, reject) => {
        const connected = Net.createConnection({ host: "127.0.0.1", port: server.port }, () => resolve(connected))
        connected.once("error", reject)
      })
      const decoder = new FrameDecoder(1 << 20)
      const answer = new Promise<Uint8Array>((resolve) => socket.on("data", (chunk) => {
        const frame = decoder.push(chunk).frames.find((f) => f.command === Command.AUTH)
        if (frame !== undefined) resolve(frame.body)
      }))
      socket.write(encodeFrame(Command.AUTH, 1, Codecs.AuthRequest.encode({ userId: a, device: { deviceId: "d" }, ...request })))
      const body = await answer
      socket.destroy()
      return { body, auth: Codecs.AuthResponse.decode(body) }
    }
    const first = await login({ password: "password", syncCursor: 0, omitKnown: true })
    // A password login needs its token; the request named the user; no route list was held.
    expect(first.auth.sessionToken).not.toBe("")
    expect(first.auth.userId).toBe("")
    const token = first.auth.sessionToken
    const version = first.auth.routeListVersion
    expect(version).not.toBe(0)
    const resume = { resumeToken: token, syncCursor: 0, routeListVersion: version }
    const full = await login(resume)
    const lean = await login({ ...resume, omitKnown: true })
    expect([full.auth.sessionToken, full.auth.userId, full.auth.routeListVersion, full.auth.sync?.epoch]).toEqual([token, a, version, full.auth.epoch])
    expect([lean.auth.sessionToken, lean.auth.userId, lean.auth.routeListVersion, lean.auth.sync?.epoch, lean.auth.sync?.base]).toEqual(["", "", 0, "", null])
    // The same page and session either way.
    expect(lean.auth.sync?.changes.map((change) => change.message?.text)).toEqual(["waiting"])
    expect(full.auth.sync?.changes.map((change) => change.message?.text)).toEqual(["waiting"])
    expect(lean.auth.epoch).toBe(full.auth.epoch)
    expect(lean.body.length).toBeLessThan(full.body.length - token.length - a.length - full.auth.epoch.length)
  })
})

describe("noticing a dead link", () => {
  it("a send on a link that went silent is noticed in a few round-trip timeouts, resent on a new link, and stored once", async () => {
    const [a, b] = [await newUser("sender"), await newUser("reader")]
    // The heartbeat stays out of the way: the unanswered send itself must reveal the dead link.
    const alice = client(a, { ...viaRelay(), heartbeatMs: 60_000, minRequestTimeoutMs: 400 })
    const bob = client(b, { ...server })
    const bobGot: Array<string> = []
    bob.on("message", (message) => message.from === a && bobGot.push(message.text))
    await alice.connect()
    await bob.connect()
    for (let i = 0; i < 3; i++) await alice.send(b, `warm-${i}`)
    const timeout = alice.requestTimeoutMs
    // Learned from the round trips: far below the 15 s a send used to wait.
    expect(timeout).toBeGreaterThanOrEqual(400)
    expect(timeout).toBeLessThan(2000)

    relay.cut()
    const cutAt = performance.now()
    let offlineAt = 0
    alice.on("state", (state) => state === "offline" && offlineAt === 0 && (offlineAt = performance.now()))
    const ack = alice.send(b, "through the cut")
    await waitFor("alice to drop the dead link", () => offlineAt > 0)
    // A probe after one timeout, dropped when its pong is not back within two more (the timeout
    // is at most the 2 s checked above), plus timer slack.
    const detectedMs = offlineAt - cutAt
    console.log(`dead link noticed ${detectedMs.toFixed(0)} ms after the cut (request timeout ${timeout} ms)`)
    expect(detectedMs).toBeLessThan(3 * timeout + 1500)

    await ack
    await waitFor("bob to get it", () => bobGot.includes("through the cut"))
    expect(bobGot.filter((text) => text === "through the cut")).toHaveLength(1)
  })

  it("an idle client's heartbeat finds a silent link within one interval and a round-trip timeout", async () => {
    const a = await newUser("idle")
    const alice = client(a, { ...viaRelay(), heartbeatMs: 1000, minRequestTimeoutMs: 400 })
    await alice.connect()
    // One beat to learn the round trip.
    await new Promise<void>((resolve) => alice.on("heartbeat", () => resolve()))
    relay.cut()
    const cutAt = performance.now()
    await waitFor("alice to drop the dead link", () => alice.state !== "online")
    const detectedMs = performance.now() - cutAt
    console.log(`idle: dead link noticed ${detectedMs.toFixed(0)} ms after the cut (heartbeat 1000 ms)`)
    expect(detectedMs).toBeLessThan(1000 + 2 * alice.requestTimeoutMs + 500)
    await waitFor("alice back online", () => alice.state === "online")
  })
})

describe("a long outage", () => {
  it("connects that hear nothing are retried within offlineRetryMs, so the client is back soon after the link returns", async () => {
    const [a, b] = [await newUser("outage"), await newUser("outage-peer")]
    // The requests' ceiling is the attempt's deadline: a connect that hears nothing fails in 0.6 s.
    const options = { ...viaRelay(), heartbeatMs: 300, requestTimeoutMs: 600, minRequestTimeoutMs: 200, offlineRetryMs: 300, maxBackoffMs: 8000 }
    // A password login is a scrypt on a machine other test files load too, and on a fresh
    // clone's CI five of them in a row outlasted the 0.6 s ceiling meant for the outage below.
    // So she signs in once with the usual timeouts, directly, and the client under test resumes
    // that session by its token (a storage read, no hashing). What is tested starts with the silence.
    const first = client(a, { ...server })
    await first.connect()
    const resumeToken = first.sessionToken!
    first.close()
    const alice = client(a, { ...options, resumeToken })
    const bob = client(b, { ...server })
    const got: Array<string> = []
    alice.on("message", (message) => message.from === b && got.push(message.text))
    // A first connect that heard nothing within the ceiling (the machine busy) leaves her offline:
    // she tries again.
    const { isSilence } = await import("../../src/client/errors.ts")
    for (let attempt = 1; ; attempt++) {
      try {
        await alice.connect()
        break
      } catch (error) {
        if (attempt >= 8 || !isSilence(error)) throw error
      }
    }
    await bob.connect()

    relay.silence(true)
    await waitFor("alice to notice", () => alice.state !== "online")
    // Long enough for a refused server's backoff to have grown past 2 s (100 ms doubling).
    await waitFor("six attempts into the silence", () => relay.held().length >= 6, 20_000)
    const held = relay.held()
    const gaps = held.slice(1).map((at, i) => at - held[i]!)
    await bob.send(a, "while the link was down")
    relay.silence(false)
    const upAt = performance.now()
    await waitFor("the message after the link returned", () => got.includes("while the link was down"))
    const backMs = performance.now() - upAt
    console.log(`silence: attempts ${gaps.map((gap) => gap.toFixed(0)).join(", ")} ms apart; delivered ${backMs.toFixed(0)} ms after the link returned`)
    // Each attempt: its 600 ms deadline, then at most 300 ms of backoff (a refused server's would
    // have reached 1.6-3.2 s by the sixth), plus timer slack.
    for (const gap of gaps) expect(gap).toBeLessThan(600 + 300 + 600)
    expect(backMs).toBeLessThan(600 + 300 + 1000)
  })

  it("a refused connect is the server saying no: backed off to maxBackoffMs; silence is not", async () => {
    const { isSilence, DisconnectedError } = await import("../../src/client/errors.ts")
    const { NoRouteError } = await import("../../src/client/Routing.ts")
    const endpoint = { host: "127.0.0.1", port: 1, transport: "tcp" as const }
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })
    const unreachable = Object.assign(new Error("connect ENETUNREACH"), { code: "ENETUNREACH" })
    const unanswered = new DisconnectedError("no answer to command 2 within 600 ms", true)
    expect([refused, unreachable, unanswered, new DisconnectedError("connection closed")].map(isSilence)).toEqual([false, true, true, false])
    // A race is silent only when every attempt was.
    expect(isSilence(new NoRouteError([{ endpoint, error: unanswered }, { endpoint, error: unreachable }]))).toBe(true)
    expect(isSilence(new NoRouteError([{ endpoint, error: unanswered }, { endpoint, error: refused }]))).toBe(false)
  })
})

describe("keeping TCP after an outage", () => {
  it("a TCP connect lost to the outage does not hand the race to HTTP: TCP is dialled again when HTTP joins", async () => {
    const a = await newUser("back-on-tcp")
    // HTTP on a slower route than TCP: it joins the race late (its head start) and answers late.
    const slowHttp = await startTcpProxy({ target: () => ({ host: "127.0.0.1", port: server.httpPort }), latencyMs: 4 * LATENCY_MS })
    try {
      const alice = client(a, {
        endpoints: [
          { host: "127.0.0.1", port: relay.port, transport: "tcp" },
          { host: "127.0.0.1", port: slowHttp.port, transport: "http" }
        ],
        raceStaggerMs: 100
      })
      const ended: Array<string> = []
      alice.on("connected", (endpoint) => ended.push(endpoint.transport))
      await alice.connect()
      // The link goes down; the client's next connect is accepted by the outage and never
      // relayed (a SYN lost to it). The link comes back before HTTP's turn in that race.
      relay.silence(true)
      const heldBefore = relay.held().length
      alice.dropConnection()
      await waitFor("a connect held by the outage", () => relay.held().length > heldBefore)
      relay.silence(false)
      await waitFor("alice online again", () => alice.state === "online" && ended.length === 2)
      expect(ended).toEqual(["tcp", "tcp"])
      expect(slowHttp.connections().length).toBeGreaterThan(0)
    } finally {
      await slowHttp.close()
    }
  })
})

describe("a race's late attempt", () => {
  it("an attempt that logs in after the winner went online does not name the winner as replaced", async () => {
    const a = await newUser("late-loser")
    // TCP: fast for the first login, slow for the reconnect; WebSocket slower still, so its
    // resume goes out after the TCP one has won.
    const tcp = await startTcpProxy({ target: () => ({ host: "127.0.0.1", port: server.port }), latencyMs: (i) => (i === 0 ? 0 : 5 * LATENCY_MS) })
    const ws = await startTcpProxy({ target: () => ({ host: "127.0.0.1", port: server.httpPort }), latencyMs: 10 * LATENCY_MS })
    try {
      const alice = client(a, {
        endpoints: [{ host: "127.0.0.1", port: tcp.port, transport: "tcp" }, { host: "127.0.0.1", port: ws.port, transport: "ws" }],
        deviceId: "phone-late",
        raceStaggerMs: 50
      })
      const ended: Array<string> = []
      alice.on("connected", (endpoint) => ended.push(endpoint.transport))
      await alice.connect()
      alice.dropConnection()
      // The WebSocket attempt is closed once its resume is answered (the race has its winner).
      await waitFor("the WebSocket attempt to log in and be closed", () => ws.connections().length >= 1 && ws.open() === 0, 15_000)
      // The server closes a connection named as replaced before it answers the login that names
      // it: had the late attempt named the winner, its Kicked would be on one of these.
      const reconnects = tcp.connections().slice(1)
      for (const connection of reconnects) expect(connection.toClient.map((frame) => frame.command)).not.toContain(Command.KICKED)
      expect(ended).toEqual(["tcp", "tcp"])
      expect(alice.state).toBe("online")
      expect(ws.connections()).toHaveLength(1)
    } finally {
      await tcp.close()
      await ws.close()
    }
  })
})

describe("a network change", () => {
  it("networkChanged() reconnects at once, and the server closes the abandoned connection instead of pushing to it", async () => {
    const [a, b] = [await newUser("phone"), await newUser("friend")]
    const alice = client(a, { ...viaRelay(), deviceId: "phone-1", heartbeatMs: 60_000 })
    const bob = client(b, { ...server })
    const got: Array<string> = []
    alice.on("message", (message) => message.from === b && got.push(message.text))
    await alice.connect()
    await bob.connect()
    const abandoned = relay.connections().at(-1)!
    const count = relay.connections().length

    // The old path dies without either end hearing of it; the app's OS says the network changed.
    relay.cut()
    alice.networkChanged("cell:test")
    await waitFor("the new connection", () => alice.state === "online" && relay.connections().length > count)
    // The server closed the old connection at the new login, with a Kicked it could not deliver.
    await waitFor("the server to close the abandoned connection", () => !abandoned.serverOpen)
    expect(abandoned.toClient.map((frame) => frame.command)).toContain(Command.KICKED)

    const sent = ["one", "two", "three", "four", "five"]
    for (const text of sent) await bob.send(a, text)
    await waitFor("alice to get them", () => got.length >= sent.length)
    expect(got).toEqual(sent)
    expect(abandoned.toClient.filter((frame) => frame.command === Command.PUSH)).toHaveLength(0)
  })
})

describe("an app restarted on the same device", () => {
  it("its first login closes the connection the last run left open (the id is kept in the route store)", async () => {
    const [a, b] = [await newUser("restarted"), await newUser("writer")]
    const store = memoryRouteStore()
    const lastRun = client(a, { ...viaRelay(), deviceId: "tablet-1", routeStore: store, heartbeatMs: 60_000, reconnect: false })
    await lastRun.connect()
    const left = relay.connections().at(-1)!
    // The app dies with the network gone: its connection stays open on the server.
    relay.cut()
    lastRun.close()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(left.serverOpen).toBe(true)

    const thisRun = client(a, { ...viaRelay(), deviceId: "tablet-1", routeStore: store, heartbeatMs: 60_000 })
    const got: Array<string> = []
    thisRun.on("message", (message) => message.from === b && got.push(message.text))
    await thisRun.connect()
    await waitFor("the server to close the connection the last run left", () => !left.serverOpen)
    expect(left.toClient.map((frame) => frame.command)).toContain(Command.KICKED)
    const bob = client(b, { ...server })
    await bob.connect()
    await bob.send(a, "to the new run")
    await waitFor("the message", () => got.includes("to the new run"))
    expect(left.toClient.filter((frame) => frame.command === Command.PUSH)).toHaveLength(0)
  })
})

describe("a sender's own message", () => {
  it("the connection that sent it gets the ack and no push of it; the sender's other device gets the push; the logs agree", async () => {
    const [a, b] = [await newUser("two-devices"), await newUser("their-peer")]
    const phone = client(a, { ...viaRelay(), deviceId: "phone", heartbeatMs: 60_000 })
    const desk = client(a, { ...server, deviceId: "desk" })
    const bob = client(b, { ...server })
    await phone.connect()
    await desk.connect()
    await bob.connect()
    const group = await createGroup(bob, "both", [a])
    await waitFor("the phone to see the group", () => phone.cursor === desk.cursor && phone.cursor > 0)
    const seen = (device: WeftClient) => {
      const changes: Array<{ seq: number; text: string }> = []
      device.on("change", (change) => changes.push({ seq: change.seq, text: change.message?.text ?? "" }))
      return changes
    }
    const [onPhone, onDesk] = [seen(phone), seen(desk)]
    const connection = relay.connections().at(-1)!
    const from = performance.now()

    const acks = [
      await phone.send(b, "own-1"),
      await phone.send(b, "own-2"),
      await bob.send(a, "from-bob").then(() => undefined),
      await phone.sendMessage({ groupId: group.groupId, text: "own-in-group" }),
      ...(await Promise.all([phone.send(b, "own-3"), phone.send(b, "own-4")]))
    ].filter((ack) => ack !== undefined)
    const texts = ["own-1", "own-2", "from-bob", "own-in-group", "own-3", "own-4"]
    await waitFor("both devices to have everything", () => onDesk.length >= texts.length && onPhone.length >= texts.length)

    // Each device saw each change once, in sequence order, the phone its own messages from their acks.
    expect(onPhone.map((change) => change.text)).toEqual(texts)
    expect(onDesk).toEqual(onPhone)
    expect(acks.map((ack) => ack.seq)).toEqual(onPhone.filter((change) => change.text.startsWith("own")).map((change) => change.seq))
    // The phone's connection carried one push (bob's message), none of its own five.
    const pushes = connection.toClient.filter((frame) => frame.at >= from && frame.command === Command.PUSH)
    expect(pushes).toHaveLength(1)
    // Its log position is right: two syncs later, nothing new, and both devices at the same place.
    await phone.sync()
    await phone.sync()
    expect(onPhone).toHaveLength(texts.length)
    expect(phone.cursor).toBe(desk.cursor)
    expect(phone.cursor).toBe(onPhone.at(-1)!.seq)
  })

  it("over WebSocket and HTTP too, each own message is in the sender's log once and the devices agree", async () => {
    for (const transport of ["ws", "http"] as const) {
      const [a, b] = [await newUser(`own-${transport}`), await newUser("peer")]
      const sender = client(a, { endpoints: [{ host: "127.0.0.1", port: server.httpPort, transport }], transport, pollTimeoutMs: 2000 })
      const other = client(a, { ...server })
      await sender.connect()
      await other.connect()
      const got = (device: WeftClient) => {
        const texts: Array<string> = []
        device.on("message", (message) => texts.push(message.text))
        return texts
      }
      const [bySender, byOther] = [got(sender), got(other)]
      const sent = ["one", "two", "three"]
      for (const text of sent) await sender.send(b, text)
      await Promise.all(sent.map((text) => sender.send(b, `${text}-at-once`)))
      const all = [...sent, ...sent.map((text) => `${text}-at-once`)]
      await waitFor(`the other device (${transport})`, () => byOther.length >= all.length)
      expect(bySender).toEqual(all)
      expect(byOther).toEqual(all)
      await sender.sync()
      expect(bySender).toEqual(all)
      expect(sender.cursor).toBe(other.cursor)
    }
  })
})

describe("order over HTTP", () => {
  it("messages sent at once over HTTP are stored in the order they were sent, though the requests take routes of different speeds", async () => {
    const [a, b] = [await newUser("http-sender"), await newUser("http-reader")]
    // Every other HTTP connection is 100 ms slower each way: concurrent POSTs would overtake each other.
    const routes = await startTcpProxy({
      target: () => ({ host: "127.0.0.1", port: server.httpPort }),
      latencyMs: (connection) => (connection % 2 === 0 ? 100 : 0)
    })
    const alice = client(a, { endpoints: [{ host: "127.0.0.1", port: routes.port, transport: "http" }], transport: "http", pollTimeoutMs: 2000 })
    const bob = client(b, { ...server })
    await alice.connect()
    await bob.connect()
    const got: Array<string> = []
    bob.on("message", (message) => message.from === a && got.push(message.text))
    const sent = Array.from({ length: 30 }, (_, i) => `in-order-${i}`)
    await Promise.all(sent.map((text) => alice.send(b, text)))
    await waitFor("every message", () => got.length >= sent.length)
    expect(got).toEqual(sent)
    // The stored log, read from scratch, has them in the same order.
    const reader = client(b, { ...server, cursor: 0, reconnect: false })
    const logged: Array<string> = []
    reader.on("message", (message) => message.from === a && logged.push(message.text))
    await reader.connect()
    expect(logged).toEqual(sent)
    alice.close()
    await routes.close()
  })
})

describe("order across a reconnect", () => {
  it("a message sent the moment the client is back online is stored after the older one it still has to resend", async () => {
    const [a, b] = [await newUser("resender"), await newUser("reader")]
    const alice = client(a, viaRelay())
    const bob = client(b, { ...server })
    const got: Array<string> = []
    bob.on("message", (message) => message.from === a && got.push(message.text))
    await alice.connect()
    await bob.connect()

    // "older" goes out on a link that has just died unheard; the app's OS says the network changed.
    relay.cut()
    const older = alice.send(b, "older")
    const newer: Array<ReturnType<WeftClient["send"]>> = []
    // The moment the new link is online (before the client has resent what the old one left),
    // the app sends again.
    const stop = alice.on("state", (state) => {
      if (state !== "online") return
      stop()
      newer.push(alice.send(b, "newer"))
    })
    alice.networkChanged()
    const [first, second] = [await older, await waitFor("the newer send", () => newer.length === 1).then(() => newer[0]!)]
    expect(first.seq).toBeLessThan(second.seq)
    await waitFor("bob to get both", () => got.length === 2)
    expect(got).toEqual(["older", "newer"])
  })
})

describe("WebSocket on Node 20", () => {
  it("the command line reaches the gateway over WebSocket without --experimental-websocket", async () => {
    const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
    const [a, b] = [await newUser("ws-cli"), await newUser("ws-peer")]
    const run = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [bin, "client", "--server", `127.0.0.1:${server.httpPort}`, "--transport", "ws", "--user", a, "--password", "password", "send", b, "over ws"],
        { timeout: 20_000, env: { ...process.env, NODE_OPTIONS: "" } },
        (error, _stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stderr })
      )
    )
    expect(run).toEqual({ code: 0, stderr: "" })
  })
})
