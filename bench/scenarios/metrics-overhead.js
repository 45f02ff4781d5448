/**
 * What weft's own metrics cost: the 1:1 closed loop against `weft dev` (metrics recorded) and
 * `weft dev --metrics off`, alternating on, off, on, off... so that drift of a shared machine
 * touches both alike. Each round is a fresh server. The cost is 1 - (median throughput with
 * metrics / median throughput without), and, steadier on a busy machine, the extra server CPU per
 * delivered message.
 */
import { run as oneToOne } from "./one-to-one.js"

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export const run = async ({ rounds = 5, senders = 16, peakSeconds = 4 } = {}) => {
  const systems = Array.from({ length: rounds }, () => ["weft", "weft, metrics off"]).flat()
  const rows = await oneToOne({ scenario: "metrics overhead", systems, levels: [senders], peakSeconds, openLoopFor: [] })
  // Server CPU per delivered message is steadier than throughput when other work shares the machine.
  const rounds_ = rows.map((row, index) => ({
    ...row,
    round: Math.floor(index / 2) + 1,
    cpuUsPerMessage: Math.round((row.serverCpuPct / 100 / row.deliveredPerSecond) * 1e6)
  }))
  const on = median(rounds_.filter((r) => r.system === "weft").map((r) => r.deliveredPerSecond))
  const off = median(rounds_.filter((r) => r.system !== "weft").map((r) => r.deliveredPerSecond))
  const cpuOn = median(rounds_.filter((r) => r.system === "weft").map((r) => r.cpuUsPerMessage))
  const cpuOff = median(rounds_.filter((r) => r.system !== "weft").map((r) => r.cpuUsPerMessage))
  return [
    ...rounds_,
    {
      phase: "summary",
      system: "median",
      metricsOn: on,
      metricsOff: off,
      ratio: Number((on / off).toFixed(3)),
      costPct: Number(((1 - on / off) * 100).toFixed(1)),
      cpuOn,
      cpuOff,
      cpuCostPct: Number(((cpuOn / cpuOff - 1) * 100).toFixed(1))
    }
  ]
}

export const tables = (rows) => [
  {
    title: "metrics overhead — 1:1 closed loop, metrics recorded vs --metrics off (alternating rounds, fresh server each)",
    columns: [
      { key: "round", title: "round" },
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
    title: "metrics overhead — summary (target: cost under 5%)",
    columns: [
      { key: "metricsOn", title: "median delivered/s, metrics on" },
      { key: "metricsOff", title: "median delivered/s, metrics off" },
      { key: "ratio", title: "on / off" },
      { key: "costPct", title: "throughput cost %" },
      { key: "cpuOn", title: "CPU µs/msg, on" },
      { key: "cpuOff", title: "CPU µs/msg, off" },
      { key: "cpuCostPct", title: "CPU cost %" }
    ],
    rows: rows.filter((row) => row.phase === "summary")
  }
]
