#!/usr/bin/env node
/**
 * node bench/allocation.js [--options '{"messages":30000,"root":"/path/to/other/weft"}']
 * What a 1:1 message allocates on the server's path, by the function that allocated it: the
 * in-process harness of bench:gateway-path (frames into weft's connections, the sendmessage
 * handler, the actors, memory storage, pushes, the ack) under V8's sampling heap profiler with
 * the objects the collector already took counted too, so the figures are what was allocated,
 * not what was kept. The young generation's collections over a batch of the same size, unprofiled,
 * show what the allocation costs. Allocation is a count, not a time: the machine's noise does not
 * move it, so two builds compare by running this once in each (`root`: the other checkout).
 */
import { Session } from "node:inspector/promises"
import { PerformanceObserver } from "node:perf_hooks"
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { runEntry } from "./lib/entry.js"
import { progress } from "./lib/servers.js"
import { round } from "./lib/stats.js"
import { harness } from "./scenarios/gateway-path.js"

const here = resolve(fileURLToPath(new URL("..", import.meta.url)))

/**
 * Self sizes of a sampling heap profile's call tree, summed per function. V8 counts what it
 * inlined into a function as that function's: a harness function (bench/) that calls into the
 * server can show server code's allocations, and is labelled so.
 */
const bySite = (head, root) => {
  const sites = new Map()
  const visit = (node) => {
    const { functionName, url, lineNumber } = node.callFrame
    let where = url.replace(/^file:\/\//, "")
    if (where.startsWith(`${root}/dist/`)) where = where.slice(root.length + 1)
    else if (where.includes("/node_modules/")) where = where.slice(where.lastIndexOf("/node_modules/") + 14)
    else if (where.includes("/bench/")) where = `bench/${where.slice(where.lastIndexOf("/bench/") + 7)}`
    const harnessSide = where.startsWith("bench/") ? " (harness: what V8 inlined into it from the server)" : ""
    const key = `${functionName || "(anonymous)"} ${where === "" ? "(native)" : `${where}:${lineNumber + 1}`}${harnessSide}`
    sites.set(key, (sites.get(key) ?? 0) + node.selfSize)
    for (const child of node.children) visit(child)
  }
  visit(head)
  return sites
}

const run = async (options = {}) => {
  const { messages = 30_000, pairs = 16, top = 20 } = options
  const root = resolve(options.root ?? here)
  const bench = await harness({ pairs, root })
  try {
    // Warm: the code optimized, the logs past their first growth.
    await bench.measure(messages)
    await bench.measure(messages)
    bench.prepare(messages)
    const collections = []
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) collections.push(entry)
    })
    observer.observe({ entryTypes: ["gc"] })
    const cpuMicros = await bench.measure(messages)
    observer.disconnect()
    await new Promise((done) => setImmediate(done))
    const young = collections.filter((entry) => (entry.detail?.kind ?? entry.kind) === 1)
    // The requests made ahead, before the profile starts: what it sees is the server's.
    bench.prepare(messages)
    const session = new Session()
    session.connect()
    await session.post("HeapProfiler.enable")
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 128,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true
    })
    const madeBefore = bench.madeOnTheWay()
    await bench.measure(messages)
    const { profile } = await session.post("HeapProfiler.stopSampling")
    session.disconnect()
    const sites = bySite(profile.head, root)
    let total = 0
    for (const bytes of sites.values()) total += bytes
    const perMessage = (bytes) => round(bytes / messages, 0)
    progress(`allocation: ${perMessage(total)} B per message`)
    const ranked = [...sites].sort((a, b) => b[1] - a[1]).slice(0, top)
    return [{
      summary: true,
      root,
      messages,
      bytes: perMessage(total),
      // Requests the harness had to make while profiled (none: all were made ahead).
      requestsMadeWhileProfiled: bench.madeOnTheWay() - madeBefore,
      scavengesPer10k: round((young.length * 10_000) / messages, 1),
      scavengeMsPer10k: round((young.reduce((sum, entry) => sum + entry.duration, 0) * 10_000) / messages, 2),
      cpuMicros: round(cpuMicros)
    }, ...ranked.map(([site, bytes]) => ({ site, bytes: perMessage(bytes), share: round((100 * bytes) / total, 1) }))]
  } finally {
    await bench.dispose()
  }
}

const tables = (rows) => [{
  title: "what a 1:1 message allocates on the server's path, in one process without sockets (bytes per message, sampled)",
  columns: [
    { key: "messages", title: "messages" },
    { key: "bytes", title: "B/msg" },
    { key: "scavengesPer10k", title: "scavenges per 10k msgs" },
    { key: "scavengeMsPer10k", title: "their ms per 10k msgs" },
    { key: "cpuMicros", title: "CPU µs/msg (unprofiled)" },
    { key: "requestsMadeWhileProfiled", title: "requests the harness made while profiled" }
  ],
  rows: rows.filter((row) => row.summary)
}, {
  title: "where the server's path allocates (the top sites, with what V8 inlined into each)",
  columns: [
    { key: "site", title: "function and where" },
    { key: "bytes", title: "B/msg" },
    { key: "share", title: "% of all" }
  ],
  rows: rows.filter((row) => !row.summary)
}]

await runEntry({ name: "allocation", run, tables, hardLimitMs: 300_000 })
