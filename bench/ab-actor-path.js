#!/usr/bin/env node
/**
 * node bench/ab-actor-path.js --options '{"checkout":"/path/to/other/weft","pairs":30,"batch":1000}'
 * Before/after for a change on the in-process message path, measured so a busy machine skews
 * both sides alike: both builds are loaded into this one process (the other checkout's dist/
 * and its own node_modules, so each has its own effect and protobufjs), each drives its actors
 * through the sendmessage command handler over memory storage, and they take turns in batches
 * of `batch` sends (the order flips every pair). Each pair gives a ratio of CPU per message
 * (process.cpuUsage, user + system), after / before; the table gives the quartiles of those
 * ratios. A run of a build against itself (`"checkout": "."`) shows the method's own spread.
 */
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { runEntry } from "./lib/entry.js"
import { progress } from "./lib/servers.js"
import { quantile, round } from "./lib/stats.js"
import { weftActors } from "./scenarios/actor-path.js"

const here = resolve(fileURLToPath(new URL("..", import.meta.url)))

const cpuPerSend = async (system, tag, count) => {
  const start = process.cpuUsage()
  for (let i = 0; i < count; i++) await system.send(`${tag}${i}`)
  const used = process.cpuUsage(start)
  return (used.user + used.system) / count
}

const run = async (options = {}) => {
  const { checkout, pairs = 30, batch = 1000 } = options
  if (checkout === undefined) throw new Error("--options needs the other checkout: {\"checkout\":\"/path\"}")
  const before = await weftActors(resolve(checkout))
  const after = await weftActors(here)
  const samples = { before: [], after: [], ratio: [] }
  try {
    for (let w = 0; w < 3; w++) {
      await cpuPerSend(before, `warm${w}-b-`, batch)
      await cpuPerSend(after, `warm${w}-a-`, batch)
    }
    for (let p = 0; p < pairs; p++) {
      const first = p % 2 === 0 ? "before" : "after"
      const measured = {}
      for (const name of first === "before" ? ["before", "after"] : ["after", "before"]) {
        measured[name] = await cpuPerSend(name === "before" ? before : after, `p${p}-${name}-`, batch)
      }
      samples.before.push(measured.before)
      samples.after.push(measured.after)
      samples.ratio.push(measured.after / measured.before)
    }
    progress(`ab-actor-path: ${pairs} pairs of ${batch} sends each`)
  } finally {
    await before.close()
    await after.close()
  }
  return [{
    pairs,
    batch,
    beforeMedianUs: round(quantile(samples.before, 0.5)),
    afterMedianUs: round(quantile(samples.after, 0.5)),
    ratioQ1: round(quantile(samples.ratio, 0.25), 3),
    ratioMedian: round(quantile(samples.ratio, 0.5), 3),
    ratioQ3: round(quantile(samples.ratio, 0.75), 3)
  }]
}

const tables = (rows) => [{
  title: "in-process actor path, before vs after in one process (CPU µs per send; after/before per pair)",
  columns: [
    { key: "pairs", title: "pairs" },
    { key: "batch", title: "sends per batch" },
    { key: "beforeMedianUs", title: "before µs (median)" },
    { key: "afterMedianUs", title: "after µs (median)" },
    { key: "ratioQ1", title: "after/before q1" },
    { key: "ratioMedian", title: "after/before median" },
    { key: "ratioQ3", title: "after/before q3" }
  ],
  rows
}]

await runEntry({ name: "ab-actor-path", run, tables, hardLimitMs: 600_000 })
