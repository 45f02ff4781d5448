/**
 * Where weft's time goes under the 1:1 load: `weft dev` runs with `node --cpu-prof` while a closed
 * loop of `senders` sender/receiver pairs sends for `seconds`; the server is then stopped (so V8
 * writes the profile) and the .cpuprofile is summarized: self time by origin (effect, protobufjs,
 * weft's own code, Node internals, GC) and the top functions. The profile itself stays in
 * bench/results/profiles/ for a closer look (Chrome DevTools, or speedscope).
 */
import { mkdirSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { performance } from "node:perf_hooks"
import { summarizeProfile } from "../lib/cpuprofile.js"
import { progress } from "../lib/servers.js"
import { sleep, until } from "../lib/stats.js"
import { weftDev } from "../lib/systems.js"

/** The counters of the admin port's /metrics (Prometheus text), by series. */
const counters = async (server) => {
  const text = await (await fetch(`http://127.0.0.1:${server.adminPort}/metrics`)).text()
  const values = new Map()
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !/_total[{ ]/.test(line)) continue
    const space = line.lastIndexOf(" ")
    values.set(line.slice(0, space), Number(line.slice(space + 1)))
  }
  return values
}

/** What one message costs in actor messages, storage operations and pushes (from weft's own metrics). */
const perMessage = (before, after, messages) =>
  [...after.entries()]
    .map(([series, value]) => ({ series, perMessage: Number(((value - (before.get(series) ?? 0)) / messages).toFixed(2)) }))
    .filter((row) => row.perMessage >= 0.5 && /actor_messages|storage_operations|pushes|calls_total/.test(row.series))

export const run = async (options = {}) => {
  const { senders = 32, seconds = 8, top = 15 } = options
  const dir = fileURLToPath(new URL(`../results/profiles/${new Date().toISOString().replace(/[:.]/g, "-")}/`, import.meta.url))
  mkdirSync(dir, { recursive: true })
  progress(`profile: starting weft dev with --cpu-prof (profiles in ${dir})`)
  const spawnedAt = performance.now()
  const server = await weftDev.start({ nodeArgs: ["--cpu-prof", "--cpu-prof-dir", dir], killAfterMs: 20_000 })
  let sent = 0
  let window = { fromMs: 0, toMs: Infinity }
  let costs = []
  try {
    const users = []
    for (let i = 0; i < senders; i++) users.push(`prof${i}s`, `prof${i}r`)
    await weftDev.prepare(server, users)
    const pairs = await Promise.all(
      Array.from({ length: senders }, async (_, i) => ({
        sender: await weftDev.connect(server, `prof${i}s`, "sender"),
        receiver: await weftDev.connect(server, `prof${i}r`, "receiver"),
        to: `prof${i}r`
      }))
    )
    progress(`profile: closed loop, ${senders} senders, ${seconds} s`)
    let running = true
    let inFlight = 0
    const countersBefore = await counters(server)
    const started = performance.now()
    // The profile starts with the process: keep the samples of the load (after 0.5 s of warm-up) only.
    window = { fromMs: started - spawnedAt + 500, toMs: Infinity }
    pairs.forEach((pair, lane) => {
      let k = 0
      const next = () => {
        if (!running) return inFlight--
        pair.sender.send(pair.to, "hello", `prof.${lane}.${k++}`, () => {
          sent++
          next()
        })
      }
      inFlight++
      next()
    })
    await sleep(seconds * 1000)
    running = false
    window.toMs = performance.now() - spawnedAt
    await until(() => inFlight === 0, 15_000, "profile: outstanding sends")
    await sleep(200) // the last pushes
    costs = perMessage(countersBefore, await counters(server), sent)
    progress(`profile: ${sent} messages in ${((performance.now() - started) / 1000).toFixed(1)} s; stopping the server to write the profile`)
    for (const pair of pairs) {
      pair.sender.close()
      pair.receiver.close()
    }
  } finally {
    await server.stop()
  }
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"))
  if (file === undefined) throw new Error(`no .cpuprofile written in ${dir}`)
  const summary = summarizeProfile(join(dir, file), { top, ...window })
  // The messages sent inside the window, approximately: all of them, less the warm-up's share.
  const messages = Math.round(sent * (1 - 0.5 / seconds))
  return [
    ...summary.origins.map((o) => ({ scenario: "profile", kind: "origin", ...o, msPerMessage: Number((o.selfMs / messages).toFixed(4)) })),
    ...summary.functions.map((f) => ({ scenario: "profile", kind: "function", ...f })),
    ...summary.effectFiles.map((f) => ({ scenario: "profile", kind: "effect file", ...f })),
    ...costs.map((c) => ({ scenario: "profile", kind: "per message", ...c })),
    { scenario: "profile", kind: "summary", profile: join(dir, file), messages, busyMs: summary.busyMs, idleMs: summary.idleMs, cpuMsPerMessage: Number((summary.busyMs / messages).toFixed(3)) }
  ]
}

export const tables = (rows) => {
  const summary = rows.find((row) => row.kind === "summary")
  return [
    {
      title: `profile of weft dev during the 1:1 closed loop: self time by origin (${summary?.messages} messages, ${summary?.cpuMsPerMessage} ms of busy CPU per message; ${summary?.profile})`,
      columns: [
        { key: "origin", title: "origin" },
        { key: "selfMs", title: "self ms" },
        { key: "selfPct", title: "% of busy" },
        { key: "msPerMessage", title: "ms/message" }
      ],
      rows: rows.filter((row) => row.kind === "origin")
    },
    {
      title: "profile: top functions by self time",
      columns: [
        { key: "function", title: "function" },
        { key: "origin", title: "origin" },
        { key: "selfMs", title: "self ms" },
        { key: "selfPct", title: "% of busy" }
      ],
      rows: rows.filter((row) => row.kind === "function")
    },
    {
      title: "profile: self time inside the effect package, by file",
      columns: [
        { key: "file", title: "effect/dist/..." },
        { key: "selfMs", title: "self ms" },
        { key: "selfPct", title: "% of busy" }
      ],
      rows: rows.filter((row) => row.kind === "effect file")
    },
    {
      title: "profile: work per 1:1 message, from weft's metrics (/metrics counters during the load / messages sent)",
      columns: [
        { key: "series", title: "counter" },
        { key: "perMessage", title: "per message" }
      ],
      rows: rows.filter((row) => row.kind === "per message")
    }
  ]
}
