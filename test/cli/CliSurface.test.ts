/**
 * The weft command's surface, as a shell user meets it: --help on every command, a quiet exit
 * when the reader of a pipe goes away, downloads through the server named on the command line,
 * WebSocket on every supported Node, and client commands that load no server code.
 */
import { execFile, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { clientCommands } from "../../src/cli/clientCommands.ts"
import { type DevProcess, startDevProcess, weftBin } from "../support/devProcess.ts"

let dev: DevProcess
beforeAll(async () => {
  dev = await startDevProcess()
})
afterAll(() => dev.stop())

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const weft = (args: ReadonlyArray<string>, nodeArgs: ReadonlyArray<string> = [], env: NodeJS.ProcessEnv = {}): Promise<Run> =>
  new Promise((resolve) => {
    execFile(process.execPath, [...nodeArgs, weftBin, ...args], { timeout: 20_000, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }))
  })

const as = (user: string, ...rest: Array<string>) => ["client", "--server", dev.tcp, "--user", user, "--password", "secret-pw", ...rest]

const json = (run: Run) => run.stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line))

describe("weft <command> --help", () => {
  it.each(["dev", "runner", "gateway", "status", "local-cluster", "local-idc", "local-redis-cluster", "client"])("weft %s --help prints its usage and starts nothing", async (command) => {
    const run = await weft([command, "--help"])
    expect(run).toMatchObject({ code: 0, stderr: "" })
    expect(run.stdout).toMatch(new RegExp(`^usage:\\n  weft ${command}`))
  })

  it("every client command answers --help with its own usage line, without connecting", async () => {
    for (const name of ["register", ...clientCommands.map((command) => command.name)]) {
      const run = await weft(["client", name, "--help"])
      expect(run.code, name).toBe(0)
      expect(run.stdout, name).toContain(`\n      ${name}`)
    }
  })

  it("a wrong command line names the mistake and where the usage is, in one line", async () => {
    const run = await weft(["gateway", "--colour", "blue"])
    expect(run.code).toBe(2)
    expect(run.stderr.trim().split("\n")).toEqual(["weft: Unknown option '--colour' (usage: weft gateway --help)"])
  })

  it("a runner of one data centre among several names what its IDC settings lack", async () => {
    const env = { WEFT_CLUSTER_SECRET: "a-cluster-secret-of-32-characters" }
    const lines = async (args: Array<string>, more: NodeJS.ProcessEnv = {}) => {
      const run = await weft(["runner", ...args], [], { ...env, ...more })
      expect(run.code).toBe(2)
      return run.stderr.trim()
    }
    expect(await lines(["--idc", "Paris"])).toMatch(/--idc must match \[a-z0-9-\]\{1,32\}, got "Paris"/)
    expect(await lines(["--idc", "a"])).toMatch(/--idc needs --idc-directory redis:\/\/HOST:PORT/)
    expect(await lines(["--idc", "a", "--idc-directory", "redis://127.0.0.1:1"])).toMatch(/set WEFT_IDC_SECRET/)
    expect(await lines(["--idc-link-port", "9460"])).toMatch(/--idc-link-port needs --idc/)
  })
})

describe("weft client", () => {
  beforeAll(async () => {
    for (const user of ["ann", "ben"]) expect((await weft(as(user, "register"))).code).toBe(0)
  })

  it("stops quietly when the reader of its output goes away (listen | head -1)", async () => {
    const listen = spawn(process.execPath, [weftBin, ...as("ben", "listen", "--seconds", "20")], { stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    listen.stderr.on("data", (chunk) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => listen.once("exit", (code) => resolve(code)))
    const firstLine = new Promise<void>((resolve) => listen.stdout.once("data", () => resolve()))
    // Until the first push arrives, keep sending (listen starts at the head of the log).
    for (let i = 0; i < 20 && listen.stdout.readableLength === 0 && !(await Promise.race([firstLine.then(() => true), new Promise((r) => setTimeout(() => r(false), 500))])); i++) {
      expect((await weft(as("ann", "send", "ben", `before ${i}`))).code).toBe(0)
    }
    await firstLine
    listen.stdout.destroy() // what `head -1` does after its line
    expect((await weft(as("ann", "send", "ben", "after the reader left"))).code).toBe(0)
    expect(await exited).toBe(0)
    expect(stderr).not.toContain("EPIPE")
  })

  it("downloads through the server it is given: --transport http, or the route list of a TCP --server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-cli-download-"))
    const file = join(dir, "notes.txt")
    writeFileSync(file, "the minutes of the meeting\n")
    const sent = await weft(as("ann", "send-file", "ben", file))
    expect(sent.code, sent.stderr).toBe(0)
    const { mediaId } = json(sent)[0]
    const overHttp = await weft(["client", "--server", dev.http, "--transport", "http", "--user", "ben", "--password", "secret-pw", "download", mediaId, join(dir, "a.txt")])
    expect(overHttp.code, overHttp.stderr).toBe(0)
    expect(readFileSync(join(dir, "a.txt"), "utf8")).toBe("the minutes of the meeting\n")
    const overTcp = await weft(as("ben", "download", mediaId, join(dir, "b.txt")))
    expect(overTcp.code, overTcp.stderr).toBe(0)
    expect(readFileSync(join(dir, "b.txt"), "utf8")).toBe("the minutes of the meeting\n")
  })

  it("--transport ws works on this Node (on Node 20 through the ws package's client)", async () => {
    const run = await weft(["client", "--server", dev.http, "--transport", "ws", "--user", "ann", "--password", "secret-pw", "send", "ben", "over a websocket"])
    expect(run.stderr).toBe("")
    expect(run.code).toBe(0)
    expect(json(run)[0]).toMatchObject({ duplicate: false })
  })

  it("weft help and a client command load no server code (no gateway, actors, cluster, storage, effect)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-cli-modules-"))
    const hooks = join(dir, "hooks.mjs")
    writeFileSync(hooks, `import { appendFileSync } from "node:fs"
export const load = (url, context, next) => { appendFileSync(process.env.WEFT_MODULE_LOG, url + "\\n"); return next(url, context) }\n`)
    const register = join(dir, "register.mjs")
    writeFileSync(register, `import { register } from "node:module"\nregister(${JSON.stringify(pathToFileURL(hooks).href)})\n`)
    const server = /\/dist\/(gateway|actors|cluster|storage|metrics|media)\/|node_modules\/(effect|@effect|ioredis)\//
    for (const [name, args] of [["help", ["help"]], ["send", as("ann", "send", "ben", "which modules?")]] as const) {
      const log = join(dir, `${name}.log`)
      const run = await weft(args, ["--import", pathToFileURL(register).href], { WEFT_MODULE_LOG: log })
      expect(run.code, run.stderr).toBe(0)
      const loaded = readFileSync(log, "utf8").split("\n").filter((url) => url !== "")
      expect(loaded.some((url) => url.endsWith("/dist/cli/main.js")), name).toBe(true)
      expect(loaded.filter((url) => server.test(url)), name).toEqual([])
    }
  })
})
