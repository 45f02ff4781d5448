import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { growingPercent } from "../../src/server/GcHeadroom.ts"

const MB = 1024 * 1024
const child = fileURLToPath(new URL("./gc-headroom-child.mjs", import.meta.url))
const module = new URL("../../dist/server/GcHeadroom.js", import.meta.url).href

/** Full collections while ~60 MB is promoted, in a process whose V8 keeps its smallest growing factor. */
const fullCollections = (headroomMb: number) =>
  new Promise<{ full: number; grewMb: number; liveMb: number }>((resolve, reject) =>
    execFile(
      process.execPath,
      ["--expose-gc", "--heap-growing-percent=10", child, String(headroomMb)],
      { env: { ...process.env, GC_HEADROOM_MODULE: module }, timeout: 60_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)))
    ))

describe("the collector's headroom", () => {
  it("a small live heap may grow by the headroom, and at least fourfold; a large one keeps V8's rule", () => {
    expect(growingPercent(40 * MB, 128 * MB)).toBe(320) // 40 MB live: the next full collection at ~168 MB
    expect(growingPercent(100 * MB, 128 * MB)).toBe(300) // never sooner than V8's own largest step
    expect(growingPercent(200 * MB, 128 * MB)).toBe(0) // beyond the headroom: V8 decides
    expect(growingPercent(40 * MB, 0)).toBe(0) // --gc-headroom-mb 0: V8 decides
  })

  it("a process whose collector V8 keeps busy runs no full collection while it grows within the headroom", async () => {
    const without = await fullCollections(0)
    const withHeadroom = await fullCollections(128)
    // The same promoted garbage: V8's smallest factor collects every few megabytes of it...
    expect(without.full).toBeGreaterThanOrEqual(3)
    // ...the headroom lets the heap take all of it first.
    expect(withHeadroom.grewMb).toBeGreaterThanOrEqual(55)
    expect(withHeadroom.full).toBe(0)
  }, 90_000)
})
