/**
 * Getting and staying connected on restrictive networks: the endpoint race, the fallback from
 * TCP to WebSocket to HTTP long polling without losing or repeating a message, the route list
 * and its re-ranking by reported connect times, the adaptive heartbeat, and reconnect jitter.
 * The "network" is a set of TCP relays (test/support/TcpProxy.ts) in front of a real gateway.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { backoffCeiling, reconnectDelay } from "../../src/client/Backoff.ts"
import { FrameConnection } from "../../src/client/FrameConnection.ts"
import { memoryRouteStore } from "../../src/client/RouteStore.ts"
import { type Endpoint, type HeartbeatEvent, register, WeftClient } from "../../src/client/WeftClient.ts"
import { Command } from "../../src/protocol/Command.ts"
import { Codecs } from "../../src/protocol/Proto.ts"
import { RouteCodecs, TransportId } from "../../src/protocol/routes.ts"
import { Status } from "../../src/protocol/Status.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { startTcpProxy, type TcpProxy } from "../support/TcpProxy.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

/** A gateway behind relays; `advertised` names the relays its route list hands out. */
const servers: Array<DevServer> = []
/** The relays of the current describe block, by name (each block starts its own). */
const proxies: Record<string, TcpProxy> = {}
const allProxies: Array<TcpProxy> = []
const clients: Array<WeftClient> = []
let server: DevServer

const via = (name: string, transport: Endpoint["transport"]): Endpoint => ({
  host: "127.0.0.1",
  port: proxies[name]!.port,
  transport
})

const behindRelays = async (relays: Record<string, { transport: Endpoint["transport"]; delayMs?: number; natIdleMs?: number }>) => {
  let gateway: DevServer | undefined
  for (const [name, relay] of Object.entries(relays)) {
    proxies[name] = await startTcpProxy({
      target: () => ({ host: "127.0.0.1", port: relay.transport === "tcp" ? gateway!.port : gateway!.httpPort }),
      delayMs: relay.delayMs,
      natIdleMs: relay.natIdleMs
    })
    allProxies.push(proxies[name]!)
  }
  // The gateway hands out the relays, as an operator would hand out public addresses.
  const advertised = Object.entries(relays).map(([name, relay]) => ({
    address: "127.0.0.1",
    port: proxies[name]!.port,
    transport: relay.transport
  }))
  gateway = await startDevServer({ gateway: { httpPorts: [0], advertisedEndpoints: advertised } })
  servers.push(gateway)
  server = gateway
}

afterAll(async () => {
  for (const client of clients) client.close()
  for (const proxy of allProxies) await proxy.close()
  for (const gateway of servers) await gateway.stop()
})

const toTcp = () => ({ host: "127.0.0.1", port: server.port })

const newUser = async (name: string) => {
  const userId = uniqueUser(name)
  await register(server, userId, "password")
  return userId
}

const client = (userId: string, options: Partial<ConstructorParameters<typeof WeftClient>[0]> = {}) => {
  const created = new WeftClient({ userId, password: "password", maxBackoffMs: 400, pollTimeoutMs: 2000, ...options })
  clients.push(created)
  return created
}

const texts = (messages: Array<string>) => [...messages].sort()

describe("falling back from TCP to WebSocket to HTTP", () => {
  beforeAll(() => behindRelays({ tcp: { transport: "tcp" }, ws: { transport: "ws" }, http: { transport: "http" } }))

  it("a client refused TCP ends on WebSocket, refused both ends on long polling, and nothing is lost or repeated", async () => {
    const a = await newUser("mobile")
    const b = await newUser("peer")
    const alice = client(a, { endpoints: [via("tcp", "tcp"), via("ws", "ws"), via("http", "http")] })
    const bob = client(b, { ...toTcp() })
    const aliceGot: Array<string> = []
    const bobGot: Array<string> = []
    alice.on("message", (message) => message.from === b && aliceGot.push(message.text))
    bob.on("message", (message) => message.from === a && bobGot.push(message.text))
    await alice.connect()
    await bob.connect()
    expect(alice.endpoint?.transport).toBe("tcp")

    const sent: Array<string> = []
    const sendBatch = (label: string) => {
      const batch = [1, 2, 3].map((i) => `${label}-${i}`)
      sent.push(...batch)
      return Promise.all(batch.map((text) => alice.send(b, text)))
    }
    await sendBatch("tcp")
    await bob.send(a, "to tcp")
    await waitFor("the push over TCP", () => aliceGot.includes("to tcp"))

    // Sent as the TCP port gets blocked: some are on the wire, some wait in the outbox.
    const acrossFirstSwitch = sendBatch("tcp-to-ws")
    await proxies.tcp!.refuse()
    await acrossFirstSwitch
    expect(alice.endpoint?.transport).toBe("ws")
    await bob.send(a, "to ws")
    await waitFor("the push over WebSocket", () => aliceGot.includes("to ws"))

    const acrossSecondSwitch = sendBatch("ws-to-http")
    await proxies.ws!.refuse()
    await acrossSecondSwitch
    expect(alice.endpoint?.transport).toBe("http")
    await sendBatch("http")
    await bob.send(a, "to http")
    await waitFor("the long poll to bring it", () => aliceGot.includes("to http"))

    await waitFor("every message at bob", () => bobGot.length >= sent.length)
    expect(texts(bobGot)).toEqual(texts(sent))
    expect(texts(aliceGot)).toEqual(texts(["to tcp", "to ws", "to http"]))

    // The log, read from scratch, holds each message once.
    const reader = client(a, { ...toTcp(), cursor: 0, reconnect: false })
    const logged: Array<string> = []
    reader.on("message", (message) => logged.push(message.text))
    await reader.connect()
    expect(texts(logged)).toEqual(texts([...sent, "to tcp", "to ws", "to http"]))

    await proxies.tcp!.accept()
    await proxies.ws!.accept()
  })

  it("prefers the endpoint that worked last on the next start, and any transport can be forced", async () => {
    const a = await newUser("returning")
    const store = memoryRouteStore()
    const endpoints = [via("tcp", "tcp"), via("ws", "ws"), via("http", "http")]
    await proxies.tcp!.refuse()
    const first = client(a, { endpoints, routeStore: store, reconnect: false })
    await first.connect()
    expect(first.endpoint?.transport).toBe("ws")
    first.close()
    await proxies.tcp!.accept()

    const second = client(a, { endpoints, routeStore: store, reconnect: false })
    await second.connect()
    expect(second.endpoint?.transport).toBe("ws")
    second.close()

    const fresh = client(a, { endpoints, reconnect: false })
    await fresh.connect()
    expect(fresh.endpoint?.transport).toBe("tcp")
    fresh.close()

    const forced = client(a, { endpoints, routeStore: store, transport: "http", reconnect: false })
    await forced.connect()
    expect(forced.endpoint?.transport).toBe("http")
    forced.close()
  })
})

describe("moving back up from HTTP", () => {
  beforeAll(() => behindRelays({ tcp: { transport: "tcp" }, ws: { transport: "ws" }, http: { transport: "http" } }))

  it("a client on long polling moves back to TCP once it gets through, losing and repeating nothing", async () => {
    const [a, b] = [await newUser("climber"), await newUser("peer")]
    await proxies.tcp!.refuse()
    await proxies.ws!.refuse()
    const climber = client(a, { endpoints: [via("tcp", "tcp"), via("ws", "ws"), via("http", "http")], upgradeAfterMs: 200 })
    const bob = client(b, { ...toTcp() })
    const bobGot: Array<string> = []
    bob.on("message", (message) => bobGot.push(message.text))
    const transports: Array<string> = []
    climber.on("connected", (endpoint) => transports.push(endpoint.transport))
    await bob.connect()
    await climber.connect()
    expect(climber.endpoint?.transport).toBe("http")

    // Messages keep going out while TCP comes back and the client moves over.
    const sent: Array<string> = []
    const acks: Array<Promise<unknown>> = []
    await proxies.tcp!.accept()
    for (let i = 0; i < 20 && climber.endpoint?.transport !== "tcp"; i++) {
      sent.push(`climb-${i}`)
      acks.push(climber.send(b, `climb-${i}`))
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await waitFor("the move to TCP", () => climber.endpoint?.transport === "tcp")
    sent.push("on tcp")
    acks.push(climber.send(b, "on tcp"))
    await Promise.all(acks)
    await waitFor("every message at bob", () => bobGot.length >= sent.length)
    expect(texts(bobGot)).toEqual(texts(sent))
    expect(transports).toEqual(["http", "tcp"])

    // Pushes now come over TCP.
    const got: Array<string> = []
    climber.on("message", (message) => got.push(message.text))
    await bob.send(a, "to the climber")
    await waitFor("the push over TCP", () => got.includes("to the climber"))
    await proxies.ws!.accept()
  })
})

describe("smart routing", () => {
  beforeAll(() => behindRelays({ slow: { transport: "tcp", delayMs: 400 }, fast: { transport: "tcp" }, plain: { transport: "http" } }))

  // A relay on loopback completes the TCP handshake at once, whatever its delay: the race is
  // decided by the first round trip, which for a client holding a session token is its resume.
  const tokenOf = async (userId: string) => {
    const first = client(userId, { ...toTcp(), reconnect: false })
    await first.connect()
    const token = first.sessionToken
    first.close()
    return token
  }

  it("the race keeps the endpoint that answers first and closes the other", async () => {
    const a = await newUser("racer")
    const racer = client(a, {
      endpoints: [via("slow", "tcp"), via("fast", "tcp")],
      resumeToken: await tokenOf(a),
      reconnect: false,
      reportAfterIdleMs: 100
    })
    await racer.connect()
    expect(racer.endpoint).toEqual(via("fast", "tcp"))
    // The slow one still answers (and is measured), then is closed.
    await waitFor("the slow attempt to be closed", () => proxies.slow!.open() === 0)
    expect(proxies.fast!.open()).toBe(1)
  })

  it("reported connect times re-rank the route list", async () => {
    const a = await newUser("reporter")
    const routeOf = (list: ReadonlyArray<Endpoint>, name: string) =>
      list.findIndex((endpoint) => endpoint.port === proxies[name]!.port && endpoint.transport === "tcp")
    const reporter = client(a, {
      endpoints: [via("slow", "tcp"), via("fast", "tcp")],
      resumeToken: await tokenOf(a),
      reportAfterIdleMs: 50
    })
    await reporter.connect()
    let routes = await reporter.routes()
    for (let round = 0; round < 100 && routeOf(routes, "fast") > routeOf(routes, "slow"); round++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      routes = await reporter.routes()
    }
    expect(routeOf(routes, "fast")).toBeLessThan(routeOf(routes, "slow"))
    expect(routes[routeOf(routes, "fast")]!.weight).toBeGreaterThan(routes[routeOf(routes, "slow")]!.weight!)
  })

  it("the route list needs no login, over TCP and HTTP; reports do, and bad reports are refused", async () => {
    const connection = await FrameConnection.open({ ...toTcp(), onPush: () => {}, onClose: () => {} })
    const listed = await connection.request(Command.ROUTE_LIST, RouteCodecs.RouteListRequest, RouteCodecs.RouteListResponse, {})
    expect(listed.endpoints.map((e) => e.port)).toContain(proxies.plain!.port)
    const report = (times: Array<Record<string, unknown>>) =>
      connection
        .request(Command.REPORT_CONNECT_TIMES, RouteCodecs.ReportConnectTimesRequest, RouteCodecs.ReportConnectTimesResponse, {
          times: times as never
        })
        .then(
          (response) => response,
          (error: { code: number; message: string }) => error
        )
    const time = { address: "127.0.0.1", port: proxies.plain!.port, transport: TransportId.http, connectMs: 5, failed: false }
    expect(await report([time])).toMatchObject({ code: Status.NOT_LOGGED_IN })

    const userId = await newUser("prober")
    await connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId, password: "password" })
    expect(await report(Array.from({ length: 33 }, () => time))).toMatchObject({ code: Status.BAD_REQUEST })
    expect(await report([{ ...time, transport: 7 }])).toMatchObject({ code: Status.BAD_REQUEST, message: expect.stringContaining("transport 7") })
    expect(await report([{ ...time, connectMs: 200_000 }])).toMatchObject({ code: Status.BAD_REQUEST })
    const unknown = { ...time, port: 1 }
    expect(await report([time, unknown])).toMatchObject({ accepted: 1, ignored: 1 })
    connection.close()

    const response = await fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/routelist`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}"
    })
    const json = (await response.json()) as { endpoints: Array<{ port: number; transport: string }> }
    expect(json.endpoints).toContainEqual(expect.objectContaining({ port: proxies.plain!.port, transport: "TRANSPORT_HTTP" }))
  })
})

describe("weft client --transport and routes", () => {
  beforeAll(() => behindRelays({ listed: { transport: "http" } }))
  const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
  const weft = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
    new Promise<{ code: number; lines: Array<any>; stderr: string }>((resolve) =>
      execFile(process.execPath, [bin, "client", ...args], { timeout: 20_000, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : Number(error.code ?? 1),
          lines: stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line)),
          stderr
        }))
    )

  it("prints the route list as JSON lines and works over each forced transport", async () => {
    const [a, b] = [uniqueUser("cli"), uniqueUser("cli")]
    const http = `127.0.0.1:${server.httpPort}`
    const as = (user: string) => ["--user", user, "--password", "password"]
    expect((await weft(["--server", http, "--transport", "http", ...as(a), "register"])).lines).toEqual([{ registered: a }])
    expect((await weft(["--server", `127.0.0.1:${server.port}`, ...as(b), "register"])).lines).toEqual([{ registered: b }])

    const routes = await weft(["--server", http, "--transport", "http", ...as(a), "routes"])
    expect(routes.code).toBe(0)
    expect(routes.lines).toContainEqual({ address: "127.0.0.1", port: proxies.listed!.port, transport: "http", weight: expect.any(Number) })

    const overHttp = await weft(["--server", http, "--transport", "http", ...as(a), "send", b, "over http"])
    const overWs = await weft(["--server", http, "--transport", "ws", ...as(a), "send", b, "over ws"], {
      NODE_OPTIONS: "--experimental-websocket --no-warnings"
    })
    expect([overHttp.code, overHttp.stderr, overWs.code, overWs.stderr]).toEqual([0, "", 0, ""])
    const synced = await weft(["--server", `127.0.0.1:${server.port}`, "--transport", "tcp", ...as(b), "sync"])
    expect(synced.lines.map((line) => line.message.text)).toEqual(["over http", "over ws"])

    const wrong = await weft(["--server", http, "--transport", "quic", ...as(a), "routes"])
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toContain("--transport must be tcp, ws or http")
  })

  it("a gateway refuses to start with an advertised endpoint it cannot parse, and names it", async () => {
    const started = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, [bin, "dev", "--port", "0", "--http-port", "0", "--admin-port", "0", "--advertise", "tcp://10.0.0.1:9300,udp://10.0.0.1:53"], { timeout: 20_000 }, (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stderr }))
    )
    expect(started.code).not.toBe(0)
    expect(started.stderr).toContain(`--advertise: "udp://10.0.0.1:53" is not an endpoint`)
  })

  it("with the TCP port refused, falls back and remembers the way in a routes file", async () => {
    const a = uniqueUser("cli")
    await register(server, a, "password")
    const file = join(mkdtempSync(join(tmpdir(), "weft-routes-")), "routes.json")
    const refused = await startTcpProxy({ target: toTcp })
    await refused.close()
    const args = ["--server", `127.0.0.1:${refused.port}`, "--http-port", String(server.httpPort), "--routes-file", file]
    const run = await weft([...args, "--user", a, "--password", "password", "routes"], {
      NODE_OPTIONS: "--experimental-websocket --no-warnings"
    })
    expect(run.code).toBe(0)
    const state = JSON.parse(readFileSync(file, "utf8"))
    expect(state.lastGood).toEqual({ host: "127.0.0.1", port: server.httpPort, transport: "ws" })
    expect(state.routes).toContainEqual(expect.objectContaining({ port: proxies.listed!.port, transport: "http" }))
  })
})

describe("the adaptive heartbeat", () => {
  beforeAll(() => behindRelays({ nat: { transport: "tcp", natIdleMs: 1000 } }))

  it("widens while pings come back, backs off after the NAT forgets the connection, and remembers it per network", async () => {
    const a = await newUser("beating")
    const store = memoryRouteStore()
    // The relay forgets a connection silent for more than 1 s: 400 and 800 ms get through, 1200 does not.
    const schedule = { minMs: 400, maxMs: 4000, stepMs: 400, holdBeats: 100, pongTimeoutMs: 400 }
    const beating = client(a, { endpoints: [via("nat", "tcp")], heartbeat: schedule, routeStore: store, network: "wifi:test" })
    const beats: Array<HeartbeatEvent> = []
    beating.on("heartbeat", (beat) => beats.push(beat))
    const connects: Array<Endpoint> = []
    beating.on("connected", (endpoint) => connects.push(endpoint))
    await beating.connect()
    await waitFor("a failed beat and two after it", () => beats.findIndex((b) => !b.ok) >= 0 && beats.length >= beats.findIndex((b) => !b.ok) + 3, 20_000)
    expect(beats.slice(0, 5)).toEqual([
      { intervalMs: 400, ok: true },
      { intervalMs: 800, ok: true },
      { intervalMs: 1200, ok: false },
      { intervalMs: 800, ok: true },
      { intervalMs: 800, ok: true }
    ])
    // The half-open connection was dropped and replaced.
    expect(connects.length).toBe(2)
    expect(store.load()?.heartbeats?.["wifi:test"]).toMatchObject({ intervalMs: 800, holding: true })
    beating.close()

    const again = client(a, { endpoints: [via("nat", "tcp")], heartbeat: schedule, routeStore: store, network: "wifi:test" })
    await again.connect()
    expect(again.heartbeatIntervalMs).toBe(800)
    const elsewhere = client(a, { endpoints: [via("nat", "tcp")], heartbeat: schedule, routeStore: store, network: "cell:test" })
    await elsewhere.connect()
    expect(elsewhere.heartbeatIntervalMs).toBe(400)
  })
})

describe("reconnect jitter", () => {
  it("spreads 1,000 clients dropped together over the backoff window instead of one storm", () => {
    const schedule = { initialMs: 100, maxMs: 10_000 }
    for (const attempt of [0, 3, 12]) {
      const ceiling = backoffCeiling(attempt, schedule)
      const delays = Array.from({ length: 1000 }, () => reconnectDelay(attempt, schedule))
      // Nobody earlier than half the ceiling, nobody later than the ceiling.
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(ceiling / 2)
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling)
      // Ten equal slices of the window each get a share (100 expected; 50..150 is > 5 sigma wide).
      const slices = Array.from({ length: 10 }, () => 0)
      for (const delay of delays) slices[Math.min(9, Math.floor(((delay - ceiling / 2) / (ceiling / 2)) * 10))]!++
      for (const count of slices) expect(count).toBeGreaterThan(50)
      for (const count of slices) expect(count).toBeLessThan(150)
    }
    expect(backoffCeiling(12, schedule)).toBe(10_000)
  })
})
