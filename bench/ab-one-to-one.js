#!/usr/bin/env node
/**
 * node bench/ab-one-to-one.js --options '{"checkout":"/path/to/other/weft","rounds":3,"senders":16}'
 * Before/after for a change on the message path: the 1:1 closed loop of weft dev from another
 * checkout (built: its dist/) and from this one, with the net relay beside them, in alternating
 * rounds of one run (so a noisy machine skews each pair alike). Ratios are per round.
 *
 * With "openShare" (0.5, say) each round also runs the open loop for both, at that share of the
 * first round's peak of this checkout (the same offered rate for both in every round), and
 * compares the p99 of scheduled send -> push (`openRuns` runs each per round, alternating).
 */
import { runEntry } from "./lib/entry.js"
import { median, round } from "./lib/stats.js"
import { weftDevAt } from "./lib/systems.js"
import { run as oneToOne } from "./scenarios/one-to-one.js"

/** Server CPU per delivered message, µs: the share of a core it used over the rate. */
const cpuPerMessage = (row) => round((row.serverCpuPct * 10_000) / row.deliveredPerSecond, 1)

const run = async (options = {}) => {
  const { checkout, rounds = 3, senders = 16, peakSeconds = 3, openShare, openRuns = 2, openSeconds = 5 } = options
  if (checkout === undefined) throw new Error("--options needs the other checkout: {\"checkout\":\"/path\"}")
  const rows = []
  let rate
  for (let r = 1; r <= rounds; r++) {
    const measured = await oneToOne({
      systems: r % 2 === 1 ? ["before", "weft", "net relay"] : ["weft", "before", "net relay"],
      extraSystems: { before: weftDevAt(checkout, "before") },
      levels: [senders],
      loads: [],
      peakSeconds,
      openLoopFor: []
    })
    const peak = (name) => measured.find((row) => row.system === name && row.phase === "closed loop")
    const before = peak("before")
    const after = peak("weft")
    const relay = peak("net relay")
    const row = {
      round: r,
      before: before.deliveredPerSecond,
      after: after.deliveredPerSecond,
      relay: relay.deliveredPerSecond,
      afterVsBefore: round(after.deliveredPerSecond / before.deliveredPerSecond),
      beforeVsRelay: round(before.deliveredPerSecond / relay.deliveredPerSecond),
      afterVsRelay: round(after.deliveredPerSecond / relay.deliveredPerSecond),
      beforeCpuUs: cpuPerMessage(before),
      afterCpuUs: cpuPerMessage(after)
    }
    if (openShare !== undefined) {
      rate ??= Math.round(openShare * after.deliveredPerSecond)
      const p99 = { before: [], weft: [] }
      const cpu = { before: [], weft: [] }
      for (let k = 0; k < openRuns; k++) {
        const order = (r + k) % 2 === 1 ? ["before", "weft"] : ["weft", "before"]
        for (const name of order) {
          const [open] = (await oneToOne({
            systems: [name],
            extraSystems: { before: weftDevAt(checkout, "before") },
            levels: [senders],
            peakSeconds: 1,
            loads: [1],
            referencePeak: rate,
            referenceName: "the rate",
            openSeconds
          })).filter((each) => each.phase === "open loop")
          if (open !== undefined) {
            p99[name].push(open.p99Ms)
            cpu[name].push(cpuPerMessage(open))
          }
        }
      }
      Object.assign(row, { openRate: rate, beforeP99: p99.before.join(" / "), afterP99: p99.weft.join(" / "), beforeP99Median: median(p99.before), afterP99Median: median(p99.weft), beforeOpenCpuUs: median(cpu.before), afterOpenCpuUs: median(cpu.weft) })
    }
    rows.push(row)
  }
  return rows
}

const tables = (rows) => [{
  title: "1:1 closed loop, weft dev before vs after a change, the net relay in the same round (delivered/s)",
  columns: [
    { key: "round", title: "round" },
    { key: "before", title: "before" },
    { key: "after", title: "after" },
    { key: "relay", title: "net relay" },
    { key: "afterVsBefore", title: "after/before" },
    { key: "beforeVsRelay", title: "before/relay" },
    { key: "afterVsRelay", title: "after/relay" },
    { key: "beforeCpuUs", title: "before µs CPU/msg" },
    { key: "afterCpuUs", title: "after µs CPU/msg" }
  ],
  rows
}, ...(rows.some((row) => row.openRate !== undefined)
  ? [{
    title: "1:1 open loop at one offered rate, before vs after (p99 ms, scheduled send -> push at the recipient; runs alternate)",
    columns: [
      { key: "round", title: "round" },
      { key: "openRate", title: "offered/s" },
      { key: "beforeP99", title: "before p99 ms (runs)" },
      { key: "afterP99", title: "after p99 ms (runs)" },
      { key: "beforeP99Median", title: "before median" },
      { key: "afterP99Median", title: "after median" },
      { key: "beforeOpenCpuUs", title: "before µs CPU/msg" },
      { key: "afterOpenCpuUs", title: "after µs CPU/msg" }
    ],
    rows
  }]
  : [])]

await runEntry({ name: "ab-one-to-one", run, tables, hardLimitMs: 1_200_000 })
