/**
 * What weft's own metrics cost: the 1:1 closed loop against `weft dev` (metrics recorded) and
 * `weft dev --metrics off`, both servers up at once and loaded in turn, in short windows
 * (on, off, off, on, on, off...), so a pair of windows seconds apart meets the same machine: this
 * machine's speed drifts by a third within minutes, which two fresh servers a minute apart read
 * as a "cost" of ±10%. The idle server takes no CPU while the other is loaded. Each pair gives a
 * ratio; the summary reads their median and quartiles, for throughput and for server CPU per
 * delivered message (steadier when other work shares the machine).
 */
import { progress } from "../lib/servers.js"
import { quantile, round } from "../lib/stats.js"
import { systems } from "../lib/systems.js"
import { closedLoop, connectPairs, withCpu } from "./one-to-one.js"

const ON = "weft"
const OFF = "weft, metrics off"

export const run = async ({ rounds = 8, senders = 16, peakSeconds = 2, warmupSeconds = 0.5 } = {}) => {
  const servers = new Map()
  try {
    const pairs = new Map()
    for (const name of [ON, OFF]) {
      progress(`metrics overhead: starting ${name}`)
      const server = await systems[name].start()
      servers.set(name, server)
      const connected = []
      await connectPairs(systems[name], server, connected, 0, senders, `mo${process.pid.toString(36)}${name === ON ? "a" : "b"}`)
      pairs.set(name, connected)
    }
    const window = async (name) => {
      const { result, serverCpuPct } = await withCpu(servers.get(name).pids, () =>
        closedLoop(pairs.get(name), senders, { warmupSeconds, seconds: peakSeconds })
      )
      return {
        phase: "closed loop",
        system: name,
        senders,
        ...result,
        serverCpuPct,
        cpuUsPerMessage: round((serverCpuPct * 10_000) / result.deliveredPerSecond, 1)
      }
    }
    // One window of each first, not counted: the servers' code warms up.
    await window(ON)
    await window(OFF)
    const rows = []
    const throughputRatios = []
    const cpuRatios = []
    for (let r = 1; r <= rounds; r++) {
      const order = r % 2 === 1 ? [ON, OFF] : [OFF, ON]
      const got = new Map()
      for (const name of order) {
        const row = { ...(await window(name)), round: r }
        got.set(name, row)
        rows.push(row)
      }
      const on = got.get(ON)
      const off = got.get(OFF)
      throughputRatios.push(on.deliveredPerSecond / off.deliveredPerSecond)
      cpuRatios.push(on.cpuUsPerMessage / off.cpuUsPerMessage)
      progress(`metrics overhead: round ${r}: on ${on.deliveredPerSecond}/s ${on.cpuUsPerMessage} µs, off ${off.deliveredPerSecond}/s ${off.cpuUsPerMessage} µs`)
    }
    const of = (name, key) => quantile(rows.filter((row) => row.system === name).map((row) => row[key]), 0.5)
    const pct = (ratios, q) => round((1 - quantile(ratios, q)) * 100, 1)
    const cpuPct = (q) => round((quantile(cpuRatios, q) - 1) * 100, 1)
    rows.push({
      phase: "summary",
      system: "median",
      pairsOfWindows: rounds,
      metricsOn: Math.round(of(ON, "deliveredPerSecond")),
      metricsOff: Math.round(of(OFF, "deliveredPerSecond")),
      costPct: pct(throughputRatios, 0.5),
      costPctQ1: pct(throughputRatios, 0.75),
      costPctQ3: pct(throughputRatios, 0.25),
      cpuOn: of(ON, "cpuUsPerMessage"),
      cpuOff: of(OFF, "cpuUsPerMessage"),
      cpuCostPct: cpuPct(0.5),
      cpuCostPctQ1: cpuPct(0.25),
      cpuCostPctQ3: cpuPct(0.75)
    })
    return rows
  } finally {
    for (const server of servers.values()) await server.stop()
  }
}

export const tables = (rows) => [
  {
    title: "metrics overhead — 1:1 closed loop, metrics recorded vs --metrics off (both servers up, alternating windows)",
    columns: [
      { key: "round", title: "pair" },
      { key: "system", title: "server" },
      { key: "senders", title: "senders" },
      { key: "deliveredPerSecond", title: "delivered/s" },
      { key: "ackP50Ms", title: "ack p50 ms" },
      { key: "serverCpuPct", title: "server CPU %" },
      { key: "cpuUsPerMessage", title: "server CPU µs/message" }
    ],
    rows: rows.filter((row) => row.phase === "closed loop")
  },
  {
    title: "metrics overhead — summary, medians of the pairs' ratios (target: cost under 5%)",
    columns: [
      { key: "pairsOfWindows", title: "pairs" },
      { key: "metricsOn", title: "delivered/s, on" },
      { key: "metricsOff", title: "delivered/s, off" },
      { key: "costPctQ1", title: "throughput cost q1 %" },
      { key: "costPct", title: "median %" },
      { key: "costPctQ3", title: "q3 %" },
      { key: "cpuOn", title: "CPU µs/msg, on" },
      { key: "cpuOff", title: "CPU µs/msg, off" },
      { key: "cpuCostPctQ1", title: "CPU cost q1 %" },
      { key: "cpuCostPct", title: "median %" },
      { key: "cpuCostPctQ3", title: "q3 %" }
    ],
    rows: rows.filter((row) => row.phase === "summary")
  }
]
