#!/usr/bin/env node
/**
 * node bench/ab-memory-store.js --options '{"checkout":"/path/to/other/weft","logs":64,"entries":20000}'
 * Before/after for a change to dev mode's memory store: how long one event-loop turn takes that
 * appends one change to each of `logs` logs growing at the same pace — a room's members, the
 * pairs of a load test — as their logs grow to `entries` each. Growth that copies or rehashes a
 * whole log at once (doubling arrays, a Map of dedupe keys) happens to every such log in the
 * same turn: the turn's time is the stall every connection of the process waits out.
 *
 * Both builds' stores are loaded into this one process (the other checkout's dist/ and its own
 * node_modules) and take turns, one turn each, alternating which goes first, so the machine's
 * noise and the collector's pauses fall on both. Each append is the store's plain form (what dev
 * mode's ChangeLog calls), with a dedupe key and the default 7-day ttl, like a 1:1 message's.
 * The collector's pauses (from perf_hooks) are taken out of each turn's time and counted apart:
 * with both stores in one heap a pause lands on either build's turn, whichever allocated last.
 */
import { resolve } from "node:path"
import { PerformanceObserver } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { runEntry } from "./lib/entry.js"
import { progress } from "./lib/servers.js"
import { quantile, round } from "./lib/stats.js"

const here = resolve(fileURLToPath(new URL("..", import.meta.url)))
const PLAIN = Symbol.for("weft/storage/completesNow")
const DEDUPE_TTL_MS = 7 * 24 * 3600_000

const storeOf = async (root) => {
  const { Effect } = await import(`${root}/node_modules/effect/dist/index.js`)
  const { makeMemory } = await import(`${root}/dist/storage/memory.js`)
  const store = Effect.runSync(makeMemory)
  const append = store.logAppend[PLAIN]
  if (append === undefined) throw new Error(`${root}: the memory store's append has no plain form`)
  return append
}

const run = async (options = {}) => {
  const { checkout, logs = 64, entries = 20_000 } = options
  if (checkout === undefined) throw new Error("--options needs the other checkout: {\"checkout\":\"/path\"}")
  const builds = { before: await storeOf(resolve(checkout)), after: await storeOf(here) }
  const users = Array.from({ length: logs }, (_, i) => `member-${i}`)
  const data = new TextEncoder().encode("a change of about sixty bytes, as a short text message makes")
  const turns = { before: [], after: [] }
  const spans = { before: [], after: [] }
  const cpu = { before: 0, after: 0 }
  const pauses = []
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push([entry.startTime, entry.startTime + entry.duration])
  })
  observer.observe({ entryTypes: ["gc"] })
  for (let seq = 1; seq <= entries; seq++) {
    for (const name of seq % 2 === 0 ? ["before", "after"] : ["after", "before"]) {
      const append = builds[name]
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      for (const user of users) {
        const exit = append(user, { seq, data, dedupeKey: `${user}.${seq}.client-message-id`, dedupeTtlMs: DEDUPE_TTL_MS })
        if (exit._tag !== "Success" || exit.value._tag !== "Appended") throw new Error(`${name}: append ${seq} of ${user} failed`)
      }
      spans[name].push([t0, performance.now()])
      const used = process.cpuUsage(cpu0)
      cpu[name] += used.user + used.system
    }
  }
  // The observer hears of the last pauses once this turn ends.
  await new Promise((resolve) => setTimeout(resolve, 100))
  observer.disconnect()
  pauses.sort((a, b) => a[0] - b[0])
  const gcMs = { before: 0, after: 0 }
  for (const name of ["before", "after"]) {
    let k = 0
    for (const [start, end] of spans[name]) {
      while (k < pauses.length && pauses[k][1] <= start) k++
      let paused = 0
      for (let j = k; j < pauses.length && pauses[j][0] < end; j++) paused += Math.min(end, pauses[j][1]) - Math.max(start, pauses[j][0])
      gcMs[name] += paused
      turns[name].push(end - start - paused)
    }
  }
  progress(`ab-memory-store: ${logs} logs x ${entries} entries, each build`)
  return ["before", "after"].map((name) => {
    const sorted = [...turns[name]].sort((a, b) => a - b)
    return {
      build: name,
      logs,
      entries,
      cpuUsPerAppend: round(cpu[name] / (logs * entries), 3),
      turnP50Ms: round(quantile(sorted, 0.5), 3),
      turnP999Ms: round(quantile(sorted, 0.999), 2),
      turnMaxMs: round(sorted[sorted.length - 1], 2),
      turnsOver5Ms: sorted.filter((ms) => ms > 5).length,
      turnsOver1Ms: sorted.filter((ms) => ms > 1).length,
      gcMs: round(gcMs[name], 1)
    }
  })
}

const tables = (rows) => [{
  title: "memory store: one turn appends to every log of a set growing at one pace (ms per turn without GC pauses; builds alternate turns)",
  columns: [
    { key: "build", title: "build" },
    { key: "logs", title: "logs" },
    { key: "entries", title: "entries per log" },
    { key: "cpuUsPerAppend", title: "CPU µs/append" },
    { key: "turnP50Ms", title: "turn p50 ms" },
    { key: "turnP999Ms", title: "turn p99.9 ms" },
    { key: "turnMaxMs", title: "turn max ms" },
    { key: "turnsOver1Ms", title: "turns > 1 ms" },
    { key: "turnsOver5Ms", title: "turns > 5 ms" },
    { key: "gcMs", title: "GC pauses in its turns, ms" }
  ],
  rows
}]

await runEntry({ name: "ab-memory-store", run, tables, hardLimitMs: 600_000 })
