/**
 * The 1:1 scenario on weft's local cluster (dist/cli/localCluster.js: Redis with append-only
 * fsync-always persistence, two runners, two gateways, all separate processes; senders on
 * gateway 1, receivers on gateway 2): its peak (closed loop) and latency at constant offered
 * rates — 50% of dev mode's peak (the comparison the issue asks for) and 50% of its own peak.
 * Dev mode's peak comes from the options (`devPeak`, as bench/run.js passes it) or is measured
 * here first.
 *
 * `compareWith`: the path of another checkout of weft (built): an A/B of two versions on the same
 * machine at the same time, e.g. `--options '{"compareWith":"/tmp/weft-main"}'`. Both clusters
 * run side by side ("weft cluster (before)" is the other checkout's) and take turns: `rounds`
 * rounds of the closed loop at each sender count, alternating, then the open loop at one offered
 * rate for both (50% of the lower of their median peaks), alternating too — so a load spike from
 * elsewhere on a shared machine falls on both. The rows of every round are kept; the summary
 * takes medians.
 */
import { progress } from "../lib/servers.js"
import { median } from "../lib/stats.js"
import { weftCluster, weftClusterAt } from "../lib/systems.js"
import { closedLoop, connectPairs, openLoop, perMessage, run as oneToOne, tables as oneToOneTables, withCpu } from "./one-to-one.js"

const BEFORE = "weft cluster (before)"

export const run = async (options = {}) => {
  const { devPeak, levels = [16, 64], compareWith, ...rest } = options
  if (compareWith !== undefined) return alternating({ levels, compareWith, ...rest })
  // One open-loop run per rate here (repeatShares: []): a "round" marks the alternating rows below.
  const common = { scenario: "1:1 cluster", levels, loads: [0.5], ownLoads: [0.5], openPairs: 32, repeatShares: [], ...rest }
  if (devPeak !== undefined) return oneToOne({ ...common, systems: ["weft cluster"], referencePeak: devPeak })
  return oneToOne({ ...common, systems: ["weft", "weft cluster"], openLoopFor: ["weft cluster"] })
}

const alternating = async ({ levels, compareWith, rounds = 3, warmupSeconds = 1, peakSeconds = 3, openSeconds = 5, drainMs = 5000, openPairs = 32 }) => {
  const scenario = "1:1 cluster"
  const systems = [{ name: BEFORE, system: weftClusterAt(compareWith, BEFORE) }, { name: "weft cluster", system: weftCluster }]
  const rows = []
  try {
    for (const each of systems) {
      progress(`${scenario}: starting ${each.name}`)
      each.server = await each.system.start()
      each.pairs = []
      const pairs = Math.max(openPairs, ...levels)
      progress(`${scenario}: ${each.name}: connecting ${pairs} sender/receiver pairs`)
      await connectPairs(each.system, each.server, each.pairs, 0, pairs, `p${process.pid.toString(36)}${each.name === BEFORE ? "b" : "a"}`)
    }
    for (const senders of levels) {
      for (let round = 1; round <= rounds; round++) {
        for (const each of systems) {
          const { result, ...cpu } = await withCpu(each.server.pids, () => closedLoop(each.pairs, senders, { warmupSeconds, seconds: peakSeconds }))
          const { serverCpuPct } = cpu
          const row = { scenario, system: each.name, phase: "closed loop", senders, round, ...result, ...cpu }
          rows.push(Object.assign(row, perMessage(row)))
          progress(`${scenario}: ${each.name}: ${senders} senders, round ${round}: ${result.deliveredPerSecond} delivered/s, ack p50 ${result.ackP50Ms} ms, server CPU ${serverCpuPct}%`)
        }
      }
    }
    const peakOf = (name) => Math.max(...levels.map((senders) => median(rows.filter((r) => r.system === name && r.senders === senders).map((r) => r.deliveredPerSecond))))
    for (const each of systems) {
      const best = rows.filter((r) => r.system === each.name).sort((a, b) => b.deliveredPerSecond - a.deliveredPerSecond)[0]
      if (best) best.peak = true
    }
    const rate = 0.5 * Math.min(...systems.map((each) => peakOf(each.name)))
    const load = "50% of the lower median peak"
    for (let round = 1; round <= rounds; round++) {
      for (const each of systems) {
        if (rate < 1) continue
        const { result, ...cpu } = await withCpu(each.server.pids, () =>
          openLoop(each.pairs.slice(0, openPairs), rate, { warmupSeconds, seconds: openSeconds, drainMs }))
        const row = { scenario, system: each.name, phase: "open loop", load, round, senders: openPairs, ...result, ...cpu }
        rows.push(Object.assign(row, perMessage(row)))
        progress(`${scenario}: ${each.name}: open loop at ${Math.round(rate)}/s, round ${round}: p50 ${result.p50Ms} p99 ${result.p99Ms} ms`)
      }
    }
  } finally {
    for (const each of systems) {
      for (const pair of each.pairs ?? []) {
        pair.sender.close()
        pair.receiver.close()
      }
      await each.server?.stop()
    }
  }
  return rows
}

const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? "" : `${(a / b).toFixed(2)}x`)

/** Each system's peak and its p99 at 50% of its own peak, as ratios to dev mode and to "before". */
const summary = (rows) => {
  const systems = [...new Set(rows.map((row) => row.system))]
  const alternated = rows.some((row) => row.round !== undefined)
  const medianOf = (values) => (values.length === 0 ? undefined : median(values))
  // Alternating runs: the best sender count's median over rounds, and the median p99 at the shared rate.
  const peakOf = (system) => alternated
    ? Math.max(...[...new Set(rows.map((row) => row.senders))].map((senders) =>
      medianOf(rows.filter((row) => row.system === system && row.phase === "closed loop" && row.senders === senders).map((row) => row.deliveredPerSecond)) ?? 0))
    : rows.find((row) => row.system === system && row.peak)?.deliveredPerSecond
  const p99Of = (system) => alternated
    ? medianOf(rows.filter((row) => row.system === system && row.phase === "open loop").map((row) => row.p99Ms))
    : rows.find((row) => row.system === system && row.phase === "open loop" && row.load === "50% of own peak")?.p99Ms
  return {
    title: `1:1 on the local cluster — summary (same run${alternated ? ", alternating rounds" : ""})`,
    columns: [
      { key: "system", title: "system" },
      { key: "peak", title: alternated ? "peak delivered/s (median of rounds)" : "peak delivered/s" },
      { key: "p99", title: alternated ? "p99 ms at the shared rate (median)" : "p99 ms at 50% of own peak" },
      { title: "peak vs weft dev", value: (row) => ratio(row.peak, peakOf("weft")) },
      { title: "peak vs before", value: (row) => ratio(row.peak, peakOf(BEFORE)) },
      { title: "p99 vs before", value: (row) => ratio(row.p99, p99Of(BEFORE)) }
    ],
    rows: systems.map((system) => ({ system, peak: peakOf(system), p99: p99Of(system) }))
  }
}

export const tables = (rows) => [
  ...oneToOneTables(rows).map((table) => ({ ...table, title: table.title.replace("1:1 messages", "1:1 messages on the local cluster (2 runners, 2 gateways, Redis)") })),
  summary(rows)
]
