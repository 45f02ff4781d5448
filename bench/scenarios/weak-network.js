/**
 * Weak network: the Node SDK behind a relay shaped like a 2G-ish mobile link (150 ± 20 ms each
 * way, 5% loss, 50 kbit/s; bench/lib/shaped-relay.js), against weft dev, which hands out only the
 * relay as its way in. Alice is on the shaped link; Bob, on a direct connection, writes to her.
 *
 *   first login   a new client (password): time from the client's TCP handshake to online
 *   resets        the link is reset while Bob writes: time from the client's TCP handshake on
 *                 its new connection to the first missed message at Alice; the same on a link
 *                 with the latency alone (no bandwidth limit, no loss), which shows what the
 *                 bytes' serialization at 50 kbit/s adds
 *   drop          the link goes silent for 8 s while both write: first delivery after it returns
 *   outage        the link goes down for 30 s (option outageSeconds) while Alice idles
 *   per transport bytes on the shaped link per message delivered, and order inversions, over
 *                 TCP, WebSocket and HTTP
 *
 * and for every message Bob sent and had acknowledged: delivered once, lost, duplicated, and
 * order inversions in what Alice received; where each reconnect ended (TCP, WS or HTTP).
 */
import dc from "node:diagnostics_channel"
import { register, WeftClient } from "../../dist/index.js"
import { progress, startDevServer } from "../lib/servers.js"
import { startShapedRelay } from "../lib/shaped-relay.js"
import { round, sleep } from "../lib/stats.js"

const LINK = { latencyMs: 150, jitterMs: 20, lossRate: 0.05, kbitPerSecond: 50 }
const RTT_MS = 2 * LINK.latencyMs

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? null : sorted[Math.floor((sorted.length - 1) / 2)]
}

const until = async (what, predicate, ms = 60_000) => {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

/**
 * When each TCP connection of this process completed its handshake, by remote port: the SDK's
 * side of the connect (the relay's accept is the server side of the same loopback handshake).
 */
const handshakes = new Map()
const onSocket = ({ socket }) => socket.once("connect", () => {
  const list = handshakes.get(socket.remotePort) ?? []
  list.push(performance.now())
  handshakes.set(socket.remotePort, list)
})
/** The first handshake to `port` at or after `since`. */
const handshakeAfter = (port, since) => (handshakes.get(port) ?? []).find((at) => at >= since)

export const run = async (options) => {
  const o = { logins: 5, resets: 8, dropSeconds: 8, outageSeconds: 30, perTransport: 30, ...options }
  dc.subscribe("net.client.socket", onSocket)
  let server
  const target = (port) => () => ({ host: "127.0.0.1", port: server[port] })
  const tcp = await startShapedRelay({ ...LINK, target: target("port") })
  const http = await startShapedRelay({ ...LINK, target: target("httpPort") })
  server = await startDevServer(["--advertise", `tcp://127.0.0.1:${tcp.port},http://127.0.0.1:${http.port}`])
  const clients = []
  const rows = []
  try {
    const [a, b] = ["alice", "bob"]
    await register(server, a, "alice-password")
    await register(server, b, "bob-password")
    const endpoints = [{ host: "127.0.0.1", port: tcp.port, transport: "tcp" }, { host: "127.0.0.1", port: http.port, transport: "http" }]
    const shaped = (extra = {}) => {
      const client = new WeftClient({ userId: a, password: "alice-password", endpoints, deviceId: "phone", ...extra })
      clients.push(client)
      return client
    }

    // First login over the shaped link.
    const firstAt = performance.now()
    const alice = shaped()
    const ended = []
    alice.on("connected", (endpoint) => ended.push(endpoint.transport))
    const got = []
    alice.on("message", (message) => message.from === b && got.push({ text: message.text, at: performance.now() }))
    await alice.connect()
    // More first logins (new devices), each with the same login without the relay beside it:
    // the server's own share (the password hash, mostly).
    const loginMs = [performance.now() - handshakeAfter(tcp.port, firstAt)]
    const serverMs = []
    for (let i = 0; i < o.logins; i++) {
      const direct = new WeftClient({ ...server, userId: a, password: "alice-password", deviceId: `desk-${i}` })
      clients.push(direct)
      const directStart = performance.now()
      await direct.connect()
      serverMs.push(performance.now() - directStart)
      direct.close()
      if (i === o.logins - 1) break
      const startAt = performance.now()
      const device = shaped({ deviceId: `phone-${i}`, reconnect: false })
      await device.connect()
      loginMs.push(performance.now() - handshakeAfter(tcp.port, startAt))
      device.close()
    }
    rows.push({
      scenario: "weak network",
      what: `first login (${loginMs.length}): handshake → online`,
      ms: round(median(loginMs), 0),
      rtt: round(median(loginMs) / RTT_MS),
      detail: `median of the same login without the relay (the server's password check): ${round(median(serverMs), 0)} ms`
    })
    progress(`weak network: first login ${round(median(loginMs) / RTT_MS)} RTT`)

    const bob = new WeftClient({ ...server, userId: b, password: "bob-password" })
    clients.push(bob)
    await bob.connect()
    const sentByBob = []
    const bobSends = async (text) => {
      await bob.send(a, text)
      sentByBob.push(text)
    }
    const deliveredAt = (text) => got.find((m) => m.text === text)?.at

    // Resets: Bob writes while Alice's link is reset; she catches up on her new connection.
    const resets = async (relay, count, label, received = got) => {
      const rtts = []
      const at = (text) => received.find((m) => m.text === text)?.at
      for (let i = 0; i < count; i++) {
        const resetAt = performance.now()
        relay.reset()
        const text = `${label}-${i}`
        await bobSends(text)
        await until(text, () => at(text) !== undefined)
        const handshakeAt = handshakeAfter(relay.port, resetAt)
        if (handshakeAt !== undefined) rtts.push((at(text) - handshakeAt) / RTT_MS)
        await sleep(500)
      }
      return rtts
    }
    const resetRtts = await resets(tcp, o.resets, "reset")
    rows.push({
      scenario: "weak network",
      what: `reset (${o.resets}): new connection's handshake → first missed message`,
      ms: round(median(resetRtts) * RTT_MS, 0),
      rtt: round(median(resetRtts)),
      detail: `min ${round(Math.min(...resetRtts))}, max ${round(Math.max(...resetRtts))} RTT`
    })
    progress(`weak network: reset, median ${round(median(resetRtts))} RTT`)
    {
      // The same on a link with its latency alone: what is left is the round trip itself.
      const plain = await startShapedRelay({ latencyMs: LINK.latencyMs, jitterMs: LINK.jitterMs, target: target("port") })
      const reader = new WeftClient({ userId: a, password: "alice-password", endpoints: [{ host: "127.0.0.1", port: plain.port, transport: "tcp" }], transport: "tcp", deviceId: "unshaped" })
      clients.push(reader)
      const readerGot = []
      reader.on("message", (message) => message.from === b && readerGot.push({ text: message.text, at: performance.now() }))
      await reader.connect()
      const plainRtts = await resets(plain, Math.min(o.resets, 4), "plain", readerGot)
      rows.push({
        scenario: "weak network",
        what: `reset (${plainRtts.length}), latency only (no bandwidth limit, no loss): handshake → first missed message`,
        ms: round(median(plainRtts) * RTT_MS, 0),
        rtt: round(median(plainRtts)),
        detail: `min ${round(Math.min(...plainRtts))}, max ${round(Math.max(...plainRtts))} RTT`
      })
      reader.close()
      await plain.close()
    }

    // A drop: both keep writing; the link is silent for dropSeconds.
    const writeDuring = async (label, seconds, aliceWrites) => {
      const stop = performance.now() + seconds * 1000
      const aliceAcks = []
      let i = 0
      while (performance.now() < stop) {
        await bobSends(`${label}-${i}`)
        if (aliceWrites) aliceAcks.push(alice.send(b, `${label}-from-alice-${i}`))
        i++
        await sleep(1000)
      }
      return aliceAcks
    }
    const outageAt = async (label, seconds, aliceWrites) => {
      tcp.down()
      http.down()
      const aliceAcks = await writeDuring(label, seconds, aliceWrites)
      tcp.up()
      http.up()
      const upAt = performance.now()
      const last = sentByBob.at(-1)
      await until(`${label}: delivery after the link returned`, () => deliveredAt(last) !== undefined, 120_000)
      const first = got.find((m) => m.text.startsWith(`${label}-`) && m.at >= upAt)?.at ?? deliveredAt(last)
      await Promise.all(aliceAcks)
      return first - upAt
    }
    const dropMs = await outageAt("drop", o.dropSeconds, true)
    rows.push({ scenario: "weak network", what: `drop ${o.dropSeconds} s (both writing): link back → first delivery`, ms: round(dropMs, 0), rtt: round(dropMs / RTT_MS) })
    progress(`weak network: drop, first delivery ${round(dropMs, 0)} ms after the link returned`)
    await sleep(2000)
    const outageMs = await outageAt("outage", o.outageSeconds, false)
    rows.push({ scenario: "weak network", what: `outage ${o.outageSeconds} s (Alice idle): link back → first delivery`, ms: round(outageMs, 0), rtt: round(outageMs / RTT_MS) })
    progress(`weak network: outage, first delivery ${round(outageMs, 0)} ms after the link returned`)

    // Bytes per message on each transport, each on a relay of its own that carries nothing else.
    for (const transport of ["tcp", "ws", "http"]) {
      const relay = await startShapedRelay({ ...LINK, target: target(transport === "tcp" ? "port" : "httpPort") })
      const reader = new WeftClient({
        userId: a,
        password: "alice-password",
        endpoints: [{ host: "127.0.0.1", port: relay.port, transport }],
        transport,
        deviceId: `bytes-${transport}`,
        cursor: "head"
      })
      clients.push(reader)
      const readerGot = []
      reader.on("message", (message) => message.from === b && readerGot.push(message.text))
      await reader.connect()
      await sleep(1000)
      const start = relay.bytes.up + relay.bytes.down
      for (let i = 0; i < o.perTransport; i++) await bobSends(`bytes-${transport}-${i}`)
      await until(`${transport} reader`, () => readerGot.length >= o.perTransport)
      const bytes = relay.bytes.up + relay.bytes.down - start
      // Order on this transport alone: the reader's messages against the order Bob sent them.
      const indexes = readerGot.filter((text) => text.startsWith(`bytes-${transport}-`)).map((text) => Number(text.slice(text.lastIndexOf("-") + 1)))
      const inversions = indexes.filter((index, i) => i > 0 && index < indexes[i - 1]).length
      rows.push({
        scenario: "weak network",
        what: `bytes on the receiving link per message received over ${transport.toUpperCase()}`,
        bytes: Math.round(bytes / o.perTransport),
        detail: `${indexes.length} received, ${inversions} order inversions`
      })
      reader.close()
      await relay.close()
    }
    await until("alice to have everything", () => sentByBob.every((text) => deliveredAt(text) !== undefined))

    // What Alice received of what Bob had acknowledged.
    const counts = new Map()
    for (const { text } of got) counts.set(text, (counts.get(text) ?? 0) + 1)
    const lost = sentByBob.filter((text) => !counts.has(text)).length
    const duplicated = [...counts.values()].filter((n) => n > 1).length
    const order = new Map(sentByBob.map((text, index) => [text, index]))
    let inversions = 0
    let highest = -1
    for (const { text } of got) {
      const index = order.get(text)
      if (index === undefined) continue
      if (index < highest) inversions++
      highest = Math.max(highest, index)
    }
    rows.push({
      scenario: "weak network",
      what: `delivery: ${sentByBob.length} acknowledged messages`,
      detail: `${sentByBob.length - lost} delivered, ${lost} lost, ${duplicated} duplicated, ${inversions} inversions`
    })
    const onHttp = ended.filter((transport) => transport === "http").length
    rows.push({
      scenario: "weak network",
      what: `reconnects: ${ended.length}`,
      detail: `${ended.filter((t) => t === "tcp").length} on TCP, ${ended.filter((t) => t === "ws").length} on WS, ${onHttp} on HTTP`
    })
    return rows
  } finally {
    dc.unsubscribe("net.client.socket", onSocket)
    for (const client of clients) client.close()
    await tcp.close()
    await http.close()
    await server?.stop()
  }
}

export const tables = (rows) => [
  {
    title: `weak network (relay: ${LINK.latencyMs} ± ${LINK.jitterMs} ms each way, ${LINK.lossRate * 100}% loss, ${LINK.kbitPerSecond} kbit/s; RTT ${RTT_MS} ms)`,
    columns: [
      { key: "what", title: "what" },
      { key: "ms", title: "ms" },
      { key: "rtt", title: "RTT" },
      { key: "bytes", title: "bytes" },
      { key: "detail", title: "detail" }
    ],
    rows
  }
]
