/**
 * Several data centres (docs/multi-idc.md) on the local simulation (dist/cli/localIdc.js: two
 * IDCs, each a Redis with fsync-always persistence, a runner and a gateway; a directory Redis;
 * long-haul relays of `latencyMs` each way carrying the IDC link and each Redis's replication).
 * Senders in IDC a write to receivers homed in a (same IDC) and, at the same time, to receivers
 * homed in b (cross IDC), at two loads:
 *
 *   light   `lightPairs` pairs per path, each sending `lightRate` messages a second
 *   heavy   `heavyPairs` pairs per path, each sending as fast as its acknowledgements come back
 *
 * Each phase lasts `seconds` (and at most `maxMessages` per pair). Delivery latency is from the
 * send to the push at the receiver's connection (same process, one clock); the acknowledgement
 * latency is the sender's. Replication lag (a's Redis to its replica in b) is sampled every
 * 250 ms during each phase: a marker written to the primary, polled on the replica.
 */
import { register, WeftClient } from "../../dist/index.js"
import { startLocalIdcs } from "../../dist/cli/localIdc.js"
import { progress } from "../lib/servers.js"
import { round, sleep, summarize } from "../lib/stats.js"

const PASSWORD = "bench-password"

export const run = async (options = {}) => {
  const {
    latencyMs = 30,
    lightPairs = 2,
    lightRate = 10,
    heavyPairs = 12,
    seconds = 6,
    maxMessages = 3000
  } = options
  progress(`multi-idc: starting two IDCs (long haul ${latencyMs} ms each way)`)
  const world = await startLocalIdcs({ latencyMs })
  const gateway = (idc) => ({ host: "127.0.0.1", port: world.idc(idc).cluster.gateways[0].port })
  const clients = []
  const rows = []
  try {
    const tag = process.pid.toString(36)
    let users = 0
    const online = async (idc) => {
      const userId = `mi-${tag}-${++users}`
      await register(gateway(idc), userId, PASSWORD)
      const client = new WeftClient({ ...gateway(idc), userId, password: PASSWORD })
      clients.push(client)
      await client.connect()
      return { client, userId }
    }
    /** A sender in a, and its receiver in `idc`, with the receiver's arrival times by message id. */
    const pair = async (idc) => {
      const sender = (await online("a")).client
      const receiver = await online(idc)
      const arrived = new Map()
      receiver.client.on("message", (message) => arrived.set(message.messageId, performance.now()))
      return { idc, sender, to: receiver.userId, arrived }
    }
    const pairs = { same: [], cross: [] }
    const need = Math.max(lightPairs, heavyPairs)
    progress(`multi-idc: ${need} pairs a->a and ${need} pairs a->b`)
    for (let i = 0; i < need; i++) {
      pairs.same.push(await pair("a"))
      pairs.cross.push(await pair("b"))
    }

    const phase = async (load, count, rate) => {
      const lags = []
      let sampling = true
      const sampler = (async () => {
        while (sampling) {
          lags.push(await world.replicationLag("a"))
          await sleep(250)
        }
      })()
      const deadline = performance.now() + seconds * 1000
      const sent = { same: [], cross: [] }
      const acks = { same: [], cross: [] }
      const startedAt = performance.now()
      await Promise.all(["same", "cross"].flatMap((path) =>
        pairs[path].slice(0, count).map(async (p, index) => {
          for (let i = 0; i < maxMessages && performance.now() < deadline; i++) {
            const started = performance.now()
            const ack = await p.sender.send(p.to, `${load} ${i}`, `${load}-${path}-${index}-${i}`)
            acks[path].push(performance.now() - started)
            sent[path].push({ id: ack.messageId, started, pair: p })
            if (rate !== undefined) await sleep(Math.max(0, 1000 / rate - (performance.now() - started)))
          }
        })
      ))
      const elapsed = (performance.now() - startedAt) / 1000
      // Stragglers: at most 10 s more for the last pushes.
      const drainUntil = performance.now() + 10_000
      while (performance.now() < drainUntil && ["same", "cross"].some((path) => sent[path].some((s) => !s.pair.arrived.has(s.id)))) await sleep(20)
      sampling = false
      await sampler
      for (const path of ["same", "cross"]) {
        const latencies = []
        let missing = 0
        for (const s of sent[path]) {
          const at = s.pair.arrived.get(s.id)
          if (at === undefined) missing++
          else latencies.push(at - s.started)
        }
        const delivery = summarize(latencies, missing)
        const ack = summarize(acks[path])
        const lag = summarize(lags)
        rows.push({
          load,
          path: path === "same" ? "same IDC (a->a)" : "cross IDC (a->b)",
          pairs: count,
          messages: sent[path].length,
          perSecond: Math.round(sent[path].length / elapsed),
          ackP50Ms: ack.p50,
          ackP99Ms: ack.p99,
          deliveryP50Ms: delivery.p50,
          deliveryP99Ms: delivery.p99,
          deliveryMaxMs: delivery.max,
          lost: missing,
          replicationLagP50Ms: lag.p50,
          replicationLagMaxMs: lag.max
        })
        progress(`multi-idc: ${load}, ${path}: ${sent[path].length} messages, delivery p50 ${delivery.p50} ms p99 ${delivery.p99} ms, ` +
          `replication lag p50 ${lag.p50} ms max ${lag.max} ms`)
      }
    }
    await phase("light", lightPairs, lightRate)
    await phase("heavy", heavyPairs, undefined)
    const idle = []
    for (let i = 0; i < 10; i++) idle.push(await world.replicationLag("a"))
    rows.push({ load: "idle", path: "replication only", replicationLagP50Ms: summarize(idle).p50, replicationLagMaxMs: summarize(idle).max })
    for (const row of rows) row.latencyMs = latencyMs
    return rows
  } finally {
    for (const client of clients) client.close()
    await world.stop()
  }
}

export const tables = (rows) => [
  {
    title: `several data centres (long haul ${rows[0]?.latencyMs ?? "?"} ms each way; replication lag: a's Redis to its replica in b)`,
    columns: [
      { key: "load", title: "load" },
      { key: "path", title: "path" },
      { key: "pairs", title: "pairs" },
      { key: "messages", title: "msgs" },
      { key: "perSecond", title: "msg/s" },
      { key: "ackP50Ms", title: "ack p50" },
      { key: "ackP99Ms", title: "ack p99" },
      { key: "deliveryP50Ms", title: "deliv p50" },
      { key: "deliveryP99Ms", title: "deliv p99" },
      { key: "deliveryMaxMs", title: "deliv max" },
      { key: "lost", title: "lost" },
      { key: "replicationLagP50Ms", title: "repl lag p50" },
      { key: "replicationLagMaxMs", title: "repl lag max" }
    ],
    rows: rows.map((row) => ({ ...row, ...Object.fromEntries(Object.entries(row).filter(([, v]) => typeof v === "number").map(([k, v]) => [k, round(v, 1)])) }))
  }
]
