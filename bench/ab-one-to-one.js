#!/usr/bin/env node
/**
 * node bench/ab-one-to-one.js --options '{"checkout":"/path/to/other/weft","rounds":3,"senders":16}'
 * Before/after for a change on the message path: the 1:1 closed loop of weft dev from another
 * checkout (built: its dist/) and from this one, with the net relay beside them, in alternating
 * rounds of one run (so a noisy machine skews each pair alike). Ratios are per round.
 */
import { runEntry } from "./lib/entry.js"
import { round } from "./lib/stats.js"
import { weftDevAt } from "./lib/systems.js"
import { run as oneToOne } from "./scenarios/one-to-one.js"

/** Server CPU per delivered message, µs: the share of a core it used over the rate. */
const cpuPerMessage = (row) => round((row.serverCpuPct * 10_000) / row.deliveredPerSecond, 1)

const run = async (options = {}) => {
  const { checkout, rounds = 3, senders = 16, peakSeconds = 3 } = options
  if (checkout === undefined) throw new Error("--options needs the other checkout: {\"checkout\":\"/path\"}")
  const rows = []
  for (let r = 1; r <= rounds; r++) {
    const measured = await oneToOne({
      systems: ["before", "weft", "net relay"],
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
    rows.push({
      round: r,
      before: before.deliveredPerSecond,
      after: after.deliveredPerSecond,
      relay: relay.deliveredPerSecond,
      afterVsBefore: round(after.deliveredPerSecond / before.deliveredPerSecond),
      beforeVsRelay: round(before.deliveredPerSecond / relay.deliveredPerSecond),
      afterVsRelay: round(after.deliveredPerSecond / relay.deliveredPerSecond),
      beforeCpuUs: cpuPerMessage(before),
      afterCpuUs: cpuPerMessage(after)
    })
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
}]

await runEntry({ name: "ab-one-to-one", run, tables, hardLimitMs: 600_000 })
