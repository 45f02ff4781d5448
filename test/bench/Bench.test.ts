/**
 * The benchmarks as the README runs them: `npm run bench` (bench/run.js) and one scenario's own
 * command, each a real process with its servers in processes of their own on 127.0.0.1. Small
 * settings keep it to seconds; what is checked is what a reader of the README's tables relies on
 * (every row measured, nothing lost, the targets told), never how fast anything was.
 */
import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../..", import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), "weft-bench-test-"))
const written: Array<string> = []
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
  for (const file of written) rmSync(file, { force: true })
})

/** Runs `node <script> args` in the checkout; resolves with its exit code and output. */
const node = (args: ReadonlyArray<string>, timeoutMs: number) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, args, { cwd: root, timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }))
  })

interface Row {
  readonly system: string
  readonly phase: string
  readonly [key: string]: unknown
}

describe("the benchmarks", () => {
  it("the 1:1 scenario measures weft and the relay in one run: the peak, then the open loop at half of weft's peak for both, nothing lost", async () => {
    const json = join(scratch, "one-to-one.json")
    const options = {
      systems: ["weft", "net relay"],
      levels: [2],
      warmupSeconds: 0.2,
      peakSeconds: 0.5,
      openSeconds: 0.5,
      loads: [0.5],
      repeatShares: [],
      openPairs: 2
    }
    const { code, stdout, stderr } = await node(["bench/one-to-one.js", "--options", JSON.stringify(options), "--json", json], 60_000)
    expect(code, stderr).toBe(0)
    // The tables as the README shows them, with the columns it quotes.
    expect(stdout).toContain("1:1 messages — peak search (closed loop: each sender waits for its acknowledgement)")
    expect(stdout).toContain("1:1 messages — open loop at constant offered rates (latency: scheduled send -> push at the recipient)")
    for (const column of ["delivered/s", "server µs/msg", "of it kernel", "syscalls/msg", "p99 from send ms", "undelivered", "load gen late max ms"]) {
      expect(stdout).toContain(column)
    }
    const rows: ReadonlyArray<Row> = JSON.parse(readFileSync(json, "utf8")).rows
    const closed = (system: string) => rows.find((row) => row.system === system && row.phase === "closed loop")!
    const open = (system: string) => rows.find((row) => row.system === system && row.phase === "open loop")!
    // The systems take turns: every system's peak search ran before any system's open loop (one
    // system after the other, the relay's peak would have come after weft's open loop).
    const startedAt = (row: Row) => row.startedAt as number
    expect(Math.max(...options.systems.map((system) => startedAt(closed(system))))).toBeLessThan(
      Math.min(...options.systems.map((system) => startedAt(open(system))))
    )
    // And the machine's steal is read for each row (Linux's /proc/stat).
    expect(stdout).toContain("steal %")
    for (const row of rows) expect(row.machineStealPct).toBeGreaterThanOrEqual(0)
    for (const system of options.systems) {
      expect(closed(system)).toMatchObject({ senders: 2, errors: 0, peak: true })
      expect(closed(system).deliveredPerSecond).toBeGreaterThan(0)
      expect(closed(system).serverCpuUsPerMessage).toBeGreaterThan(0)
      // Both systems get the same offered rate: half of weft's peak, the reference.
      expect(open(system)).toMatchObject({
        load: "50% of weft dev peak",
        offeredPerSecond: Math.round(0.5 * (closed("weft").deliveredPerSecond as number)),
        undelivered: 0,
        errors: 0
      })
      const { p50Ms, p99Ms, p99FromSendMs } = open(system) as unknown as Record<string, number>
      expect(p50Ms).toBeLessThanOrEqual(p99Ms!)
      // Counted from the actual send, each message's latency is at most that from its schedule.
      expect(p99FromSendMs).toBeLessThanOrEqual(p99Ms!)
    }
  }, 90_000)

  it("bench:allocation names where the server's path allocates, per message and per function, with every request made ahead", async () => {
    const json = join(scratch, "allocation.json")
    const { code, stdout, stderr } = await node(["bench/allocation.js", "--options", JSON.stringify({ messages: 3000, pairs: 4 }), "--json", json], 90_000)
    expect(code, stderr).toBe(0)
    expect(stdout).toContain("what a 1:1 message allocates on the server's path")
    expect(stdout).toContain("where the server's path allocates")
    const rows: ReadonlyArray<Record<string, unknown>> = JSON.parse(readFileSync(json, "utf8")).rows
    const summary = rows.find((row) => row.summary === true)!
    const sites = rows.filter((row) => row.summary !== true)
    // Something was allocated per message, and the sites account for it (the top ones, at most all).
    expect(summary.bytes as number).toBeGreaterThan(0)
    expect(summary.messages).toBe(3000)
    const listed = sites.reduce((sum, row) => sum + (row.bytes as number), 0)
    expect(listed).toBeGreaterThan(0)
    expect(listed).toBeLessThanOrEqual((summary.bytes as number) + sites.length)
    // Every request was made before the profile started, and a harness function (bench/), which
    // V8 may inline server code into, is labelled as such.
    expect(summary.requestsMadeWhileProfiled).toBe(0)
    for (const row of sites) if (/ bench\//.test(row.site as string)) expect(row.site).toContain("(harness: what V8 inlined into it from the server)")
    // The server's own code is among the sites (its dist/).
    expect(sites.some((row) => /dist\//.test(row.site as string))).toBe(true)
  }, 120_000)

  it("npm run bench prints each scenario's tables and the targets, and writes the run as JSON and an SVG chart", async () => {
    const { code, stdout, stderr } = await node(["bench/run.js", "--quick", "--only", "wire-cost"], 90_000)
    expect(code, stderr).toBe(0)
    const json = /^results: (.+\.json)$/m.exec(stdout)?.[1]
    const svg = /^chart: +(.+\.svg)$/m.exec(stdout)?.[1]
    written.push(...[json, svg].filter((file) => file !== undefined))
    expect(stdout).toMatch(/^== wire-cost: ok \(\d+ s\)$/m)
    expect(stdout).toContain("targets (reported against, not asserted)")
    // A scenario not run is told as not measured, not left out.
    expect(stdout).toMatch(/^1:1 p99 <= 10 ms at 50% of peak +not measured +-$/m)
    const document = JSON.parse(readFileSync(json!, "utf8"))
    expect(document.scenarios["wire-cost"].status).toBe("ok")
    const target = (name: string) => document.targets.find((row: { target: string }) => row.target === name)
    // The README's two protocol targets, measured on the socket.
    expect(target("login <= 1 round trip")).toEqual({ target: "login <= 1 round trip", measured: "1 (password and resume token)", met: "yes" })
    expect(target("\"hello\" <= 60 bytes per direction")).toMatchObject({ met: "yes" })
    for (const row of document.targets) expect(stdout).toMatch(new RegExp(`^${row.target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} +`, "m"))
    expect(existsSync(svg!)).toBe(true)
    expect(readFileSync(svg!, "utf8")).toMatch(/^<svg[\s>]/)
  }, 120_000)
})
