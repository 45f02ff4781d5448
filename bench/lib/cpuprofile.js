/** Summaries of a V8 .cpuprofile (node --cpu-prof): self time by function and by where the code lives. */
import { readFileSync } from "node:fs"

/** Where a function's code lives: a package, weft itself, Node, or the engine. */
export const origin = (url, functionName) => {
  if (url === "") {
    if (functionName === "(garbage collector)") return "garbage collector"
    if (functionName === "(idle)") return "idle"
    if (functionName === "(program)") return "native / program"
    return "native / builtins"
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]
  if (url.startsWith("node:")) return "node internals"
  if (url.includes("/dist/")) return "weft (dist/)"
  return url.split("/").slice(-2).join("/")
}

const shortUrl = (url) => url.replace(/^file:\/\/.*?\/node_modules\//, "").replace(/^file:\/\/.*?\/dist\//, "dist/")

/**
 * Self time per function, per origin and per file of the effect package, as ms and % of the
 * non-idle time. `fromMs`/`toMs` (since the profile's start) keep only the samples of a window.
 */
export const summarizeProfile = (file, { top = 15, fromMs = 0, toMs = Infinity } = {}) => {
  const profile = JSON.parse(readFileSync(file, "utf8"))
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map()
  let at = 0
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] / 1000
    if (at < fromMs || at > toMs) continue
    const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + delta)
  }
  const functions = new Map()
  const origins = new Map()
  const effectFiles = new Map()
  let busy = 0
  let idle = 0
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame
    const where = origin(url, functionName)
    if (where === "idle") {
      idle += ms
      continue
    }
    busy += ms
    const key = `${functionName || "(anonymous)"} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ""}`.trim()
    const entry = functions.get(key) ?? { function: key, origin: where, selfMs: 0 }
    entry.selfMs += ms
    functions.set(key, entry)
    origins.set(where, (origins.get(where) ?? 0) + ms)
    if (where === "effect") {
      const module = /node_modules\/effect\/dist\/(.*)$/.exec(url)?.[1] ?? url
      effectFiles.set(module, (effectFiles.get(module) ?? 0) + ms)
    }
  }
  const pct = (ms) => Number(((ms / busy) * 100).toFixed(1))
  const ranked = (map, name) => [...map.entries()].sort((a, b) => b[1] - a[1]).map(([key, ms]) => ({ [name]: key, selfMs: Math.round(ms), selfPct: pct(ms) }))
  return {
    busyMs: Math.round(busy),
    idleMs: Math.round(idle),
    functions: [...functions.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top).map((f) => ({ ...f, selfMs: Math.round(f.selfMs), selfPct: pct(f.selfMs) })),
    origins: ranked(origins, "origin"),
    effectFiles: ranked(effectFiles, "file").slice(0, top)
  }
}
