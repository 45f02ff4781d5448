/**
 * Weak network: the Node SDK behind a relay shaped like a 2G-ish mobile link (150 ± 20 ms each
 * way, 5% loss, 50 kbit/s; bench/lib/shaped-relay.js), against weft dev, which hands out only the
 * relays as its ways in (TCP, WebSocket and HTTP, each through a relay of its own). Alice is on
 * the shaped link; Bob, on a direct connection, writes to her.
 *
 * Timings, with Bob writing one message at a time:
 *   first login   a new client (password): time from the client's TCP handshake to online
 *   resets        the link is reset while Bob writes: time from the client's TCP handshake on
 *                 its new connection to the first missed message at Alice; the same on a link
 *                 with the latency alone (no bandwidth limit, no loss), which shows what the
 *                 bytes' serialization at 50 kbit/s adds
 *   drop          the link goes silent for 8 s while both write: first delivery after it returns
 *   outage        the link goes down for 30 s (option outageSeconds) while Alice idles
 * Volume, with Bob writing `rate` messages a second (Alice a few too, where she writes):
 *   2G            `loadSeconds` on the shaped link, reset three times
 *   subway        two 8 s drops, both writing
 *   outage        a `loadOutageSeconds` outage, Alice idle
 *   TCP blocked   the TCP port blocked (Alice goes to WebSocket), then the WebSocket's too (HTTP),
 *                 both writing; then the ports open and Alice's app says the network changed
 *   per transport bytes on the shaped link per message delivered, over TCP, WebSocket and HTTP
 *
 * For every acknowledged message, per scenario and per transport it travelled over: delivered
 * exactly once, lost, duplicated, and order inversions (a message received after a later one of
 * the same sender); where each of Alice's reconnects ended, apart while TCP was blocked.
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

/**
 * Every message of the run: who sent it, in which scenario, its place in its sender's order, the
 * transport its sender's client was on when it was acknowledged; and every receipt, with the
 * transport the receiving client was on.
 */
const makeLedger = () => {
  const sent = new Map()
  const received = []
  /** Each message's receipts, by text. */
  const receiptsOf = new Map()
  const order = new Map()
  return {
    sent,
    received,
    receiptsOf,
    /** A message as it is handed to the SDK (its place in the sender's order is taken now). */
    sending: (from, text, scenario) => {
      const index = order.get(from) ?? 0
      order.set(from, index + 1)
      const entry = { from, text, scenario, index, acked: false, over: undefined }
      sent.set(text, entry)
      return entry
    },
    receipt: (by, text, transport) => {
      const receipt = { by, text, transport }
      received.push(receipt)
      const list = receiptsOf.get(text)
      if (list === undefined) receiptsOf.set(text, [receipt])
      else list.push(receipt)
    },
    /** Whether every message of `from` in `scenario` was received. */
    allReceived: (from, scenario) => [...sent.values()].every((entry) => entry.from !== from || entry.scenario !== scenario || receiptsOf.has(entry.text)),
    /**
     * What became of the acknowledged messages `sent` picks: delivered exactly once, lost,
     * duplicated; and inversions among the receipts `received` picks, per sender and receiver.
     */
    tally: (picksSent, picksReceipt = () => true) => {
      const counts = new Map()
      const highest = new Map()
      let inversions = 0
      let receipts = 0
      for (const receipt of received) {
        const entry = sent.get(receipt.text)
        if (entry === undefined || !picksSent(entry)) continue
        counts.set(receipt.text, (counts.get(receipt.text) ?? 0) + 1)
        if (!picksReceipt(receipt, entry)) continue
        receipts++
        const key = `${entry.from}>${receipt.by}`
        if (entry.index < (highest.get(key) ?? -1)) inversions++
        highest.set(key, Math.max(highest.get(key) ?? -1, entry.index))
      }
      const acked = [...sent.values()].filter((entry) => entry.acked && picksSent(entry))
      const once = acked.filter((entry) => counts.get(entry.text) === 1).length
      const lost = acked.filter((entry) => !counts.has(entry.text)).length
      const duplicated = acked.filter((entry) => (counts.get(entry.text) ?? 0) > 1).length
      return { acked: acked.length, once, lost, duplicated, inversions, receipts }
    }
  }
}

const deliveryDetail = ({ acked, once, lost, duplicated, inversions }) =>
  `${once} of ${acked} delivered exactly once (${acked === 0 ? "-" : round((100 * once) / acked, 2)}%), ${lost} lost, ${duplicated} duplicated, ${inversions} order inversions`

export const run = async (options) => {
  const o = {
    logins: 5,
    resets: 8,
    dropSeconds: 8,
    outageSeconds: 30,
    perTransport: 30,
    rate: 30,
    loadSeconds: 40,
    loadOutageSeconds: 20,
    blockedSeconds: 10,
    ...options
  }
  dc.subscribe("net.client.socket", onSocket)
  let server
  const target = (port) => () => ({ host: "127.0.0.1", port: server[port] })
  const tcp = await startShapedRelay({ ...LINK, target: target("port") })
  const ws = await startShapedRelay({ ...LINK, target: target("httpPort") })
  const http = await startShapedRelay({ ...LINK, target: target("httpPort") })
  const links = [tcp, ws, http]
  server = await startDevServer(["--advertise", `tcp://127.0.0.1:${tcp.port},ws://127.0.0.1:${ws.port},http://127.0.0.1:${http.port}`])
  const clients = []
  const rows = []
  const ledger = makeLedger()
  const pending = []
  try {
    const [a, b] = ["alice", "bob"]
    await register(server, a, "alice-password")
    await register(server, b, "bob-password")
    const endpoints = [
      { host: "127.0.0.1", port: tcp.port, transport: "tcp" },
      { host: "127.0.0.1", port: ws.port, transport: "ws" },
      { host: "127.0.0.1", port: http.port, transport: "http" }
    ]
    const shaped = (extra = {}) => {
      const client = new WeftClient({ userId: a, password: "alice-password", endpoints, deviceId: "phone", ...extra })
      clients.push(client)
      return client
    }

    // First login over the shaped link.
    let scenario = "first login"
    let tcpWorks = true
    const firstAt = performance.now()
    const alice = shaped()
    const ended = []
    alice.on("connected", (endpoint) => ended.push({ transport: endpoint.transport, tcpWorks, scenario }))
    const got = []
    alice.on("message", (message) => {
      if (message.from !== b) return
      got.push({ text: message.text, at: performance.now() })
      ledger.receipt(a, message.text, alice.endpoint?.transport)
    })
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
    bob.on("message", (message) => message.from === a && ledger.receipt(b, message.text, "tcp"))
    await bob.connect()
    let lastFromBob
    /** Bob's message; resolves when acknowledged. */
    const bobSends = async (text) => {
      lastFromBob = text
      const entry = ledger.sending(b, text, scenario)
      await bob.send(a, text)
      entry.acked = true
      entry.over = "tcp"
    }
    /** Alice's message; acknowledged whenever her link lets it be (awaited at the end of its scenario). */
    const aliceSends = (text) => {
      const entry = ledger.sending(a, text, scenario)
      const acked = alice.send(b, text).then(
        () => {
          entry.acked = true
          entry.over = alice.endpoint?.transport
        },
        // Rejected only when the client is closed (the run ends): the message was not acknowledged.
        () => {}
      )
      pending.push(acked)
      return acked
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
    scenario = "2G"
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
      let i = 0
      while (performance.now() < stop) {
        await bobSends(`${label}-${i}`)
        if (aliceWrites) aliceSends(`${label}-from-alice-${i}`)
        i++
        await sleep(1000)
      }
    }
    const linkDown = () => links.forEach((link) => link.down())
    const linkUp = () => links.forEach((link) => link.up())
    const outageAt = async (label, seconds, aliceWrites) => {
      linkDown()
      await writeDuring(label, seconds, aliceWrites)
      linkUp()
      const upAt = performance.now()
      const last = lastFromBob
      await until(`${label}: delivery after the link returned`, () => deliveredAt(last) !== undefined, 120_000)
      const first = got.find((m) => m.text.startsWith(`${label}-`) && m.at >= upAt)?.at ?? deliveredAt(last)
      await Promise.all(pending.splice(0))
      return first - upAt
    }
    scenario = "subway"
    const dropMs = await outageAt("drop", o.dropSeconds, true)
    rows.push({ scenario: "weak network", what: `drop ${o.dropSeconds} s (both writing): link back → first delivery`, ms: round(dropMs, 0), rtt: round(dropMs / RTT_MS) })
    progress(`weak network: drop, first delivery ${round(dropMs, 0)} ms after the link returned`)
    await sleep(2000)
    scenario = "outage"
    const outageMs = await outageAt("outage", o.outageSeconds, false)
    rows.push({ scenario: "weak network", what: `outage ${o.outageSeconds} s (Alice idle): link back → first delivery`, ms: round(outageMs, 0), rtt: round(outageMs / RTT_MS) })
    progress(`weak network: outage, first delivery ${round(outageMs, 0)} ms after the link returned`)

    /**
     * Volume: Bob writes `o.rate` messages a second (Alice `aliceRate`) for `seconds` while
     * `events` (at seconds from the start) break the link; then everything acknowledged must
     * arrive (bounded).
     */
    const load = async (label, seconds, aliceRate, events) => {
      const startAt = performance.now()
      const bobEvery = 1000 / o.rate
      const aliceEvery = aliceRate > 0 ? 1000 / aliceRate : Infinity
      const due = [...events].sort((x, y) => x.at - y.at)
      const bobAcks = []
      let bobCount = 0
      let aliceCount = 0
      while (performance.now() - startAt < seconds * 1000) {
        const now = performance.now() - startAt
        while (due.length > 0 && due[0].at * 1000 <= now) due.shift().run()
        while (bobCount * bobEvery <= now) bobAcks.push(bobSends(`${label}-${bobCount++}`))
        while (aliceCount * aliceEvery <= now) aliceSends(`${label}-from-alice-${aliceCount++}`)
        await sleep(Math.max(1, Math.min(bobEvery, aliceEvery) / 2))
      }
      for (const event of due) event.run()
      await Promise.all(bobAcks)
      await until(`${label}: Alice to have every message`, () => ledger.allReceived(b, scenario), 120_000)
      await Promise.race([Promise.all(pending.splice(0)), sleep(60_000)])
      await sleep(1000)
      const tally = ledger.tally((entry) => entry.scenario === scenario)
      progress(`weak network: ${scenario}: ${deliveryDetail(tally)}`)
      return tally
    }
    const loads = []
    scenario = "2G"
    const quarter = o.loadSeconds / 4
    loads.push(["2G", `${o.loadSeconds} s, reset 3 times`, await load("load-2g", o.loadSeconds, 0, [1, 2, 3].map((n) => ({ at: n * quarter, run: () => tcp.reset() })))])
    scenario = "subway"
    const d = o.dropSeconds
    loads.push(["subway", `two ${d} s drops, both writing`, await load("load-subway", 3 * 3 + 2 * d, 2, [
      { at: 3, run: linkDown },
      { at: 3 + d, run: linkUp },
      { at: 6 + d, run: linkDown },
      { at: 6 + 2 * d, run: linkUp }
    ])])
    scenario = "outage"
    loads.push(["outage", `${o.loadOutageSeconds} s outage, Alice idle`, await load("load-outage", o.loadOutageSeconds + 3, 0, [
      { at: 1, run: linkDown },
      { at: 1 + o.loadOutageSeconds, run: linkUp }
    ])])
    scenario = "TCP blocked"
    loads.push(["TCP blocked", `TCP blocked ${o.blockedSeconds} s (to WS), then WS too ${o.blockedSeconds} s (to HTTP), both writing`, await load("load-blocked", 2 * o.blockedSeconds + 1, 2, [
      { at: 0, run: () => { tcpWorks = false; tcp.block(true) } },
      { at: o.blockedSeconds, run: () => ws.block(true) },
      { at: 2 * o.blockedSeconds, run: () => { tcp.block(false); ws.block(false) } }
    ])])
    // The ports open again; the app hears of the network change (its OS would tell it).
    tcpWorks = true
    scenario = "after TCP blocked"
    alice.networkChanged()
    await until("Alice back on TCP", () => alice.state === "online" && alice.endpoint?.transport === "tcp", 30_000)
    for (const [name, what, tally] of loads) {
      rows.push({ scenario: "weak network", what: `volume, ${name}: ${what}, Bob ${o.rate}/s`, detail: deliveryDetail(tally) })
    }

    // Bytes per message on each transport, each on a relay of its own that carries nothing else.
    for (const transport of ["tcp", "ws", "http"]) {
      scenario = `bytes ${transport}`
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
    await until("alice to have everything", () => [...ledger.sent.values()].every((e) => e.from !== b || ledger.receiptsOf.has(e.text)))

    // Per transport: the messages Alice received over it, and those she sent over it.
    for (const transport of ["tcp", "ws", "http"]) {
      const tally = ledger.tally(
        (entry) => (entry.from === b ? (ledger.receiptsOf.get(entry.text) ?? []).some((r) => r.transport === transport) : entry.over === transport),
        (receipt, entry) => (entry.from === b ? receipt.transport === transport : true)
      )
      rows.push({ scenario: "weak network", what: `delivery over ${transport.toUpperCase()} (Alice's receipts and sends)`, detail: deliveryDetail(tally) })
    }
    const volume = ledger.tally((entry) => ["2G", "subway", "outage", "TCP blocked"].includes(entry.scenario))
    rows.push({ scenario: "weak network", what: "delivery: 2G, subway, outage and TCP blocked", detail: deliveryDetail(volume) })
    const all = ledger.tally(() => true)
    rows.push({ scenario: "weak network", what: "delivery: every message of the run", detail: deliveryDetail(all) })

    const where = (list) => ["tcp", "ws", "http"].map((t) => `${list.filter((e) => e.transport === t).length} on ${t.toUpperCase()}`).join(", ")
    const working = ended.filter((e) => e.tcpWorks)
    const onHttp = working.filter((e) => e.transport === "http").length
    rows.push({
      scenario: "weak network",
      what: `reconnects while TCP worked: ${working.length}`,
      detail: `${where(working)} (${round((100 * onHttp) / Math.max(1, working.length), 1)}% on HTTP${
        onHttp === 0 ? "" : `: ${working.filter((e) => e.transport === "http").map((e) => e.scenario).join(", ")}`
      })`
    })
    rows.push({ scenario: "weak network", what: `reconnects while TCP was blocked: ${ended.length - working.length}`, detail: where(ended.filter((e) => !e.tcpWorks)) })
    return rows
  } finally {
    dc.unsubscribe("net.client.socket", onSocket)
    for (const client of clients) client.close()
    for (const link of links) await link.close()
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
