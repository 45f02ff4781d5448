#!/usr/bin/env node
/**
 * Memory per idle, logged-in long connection of `weft dev`, against a raw node:net baseline.
 *
 *   npx tsc -p . && node bench/idle-connections.js [N ...] [options]
 *
 *   N                       connection counts: the steps, in one server per kind (default 1000 3000 10000)
 *   --idle-seconds S        how long the N connections sit idle before the "after" reading (5)
 *   --timeout-seconds S     the whole run's limit; children are killed when it passes (300)
 *   --concurrency C         logins in flight at once (200)
 *   --users U               accounts the connections are spread over (100)
 *   --warmup W              logins made and closed before the "before" reading (500)
 *   --only weft|weft-ws|raw run one kind of server only
 *
 * For each server kind (`raw`: bench/baseline-net-server.js, `weft`: `weft dev` over TCP,
 * `weft-ws`: `weft dev` over WebSocket, ws://<http port>/ws, one frame per message), in one server:
 *  1. start the server as a child process (node --expose-gc, with bench/mem-probe.js preloaded);
 *  2. warm up: for weft, register U users (idle-0 .. idle-<U-1>) and log each in once with its
 *     password (scrypt, ~50-100 ms each) to get a session token; then, for both kinds, log in
 *     and close --warmup connections the way the measured ones will (JIT, pools, heap growth);
 *  3. "before": full GC in the server (SIGUSR2 to mem-probe), then VmRSS from /proc/<pid>/status;
 *  4. for each N (ascending), open TCP connections to 127.0.0.1 until N are open in all, each
 *     sending one AUTH frame (connection i resumes the session of user idle-<i % U> by token, as
 *     device idle-dev-<i>) and waiting for its answer;
 *  5. leave them idle for --idle-seconds, then read memory the same way as "before";
 *  6. growth KB per connection = (reading at N - reading at the previous step) / connections
 *     added: the memory each further idle connection costs, with the server's fixed costs and
 *     the slack its warm-up left (committed but free V8 heap, which the first connections fill
 *     without growing RSS) mostly out of the figure; the table also gives (at N - before) / N.
 *     The client sockets live in this process, never in the server's RSS. The raw server gets
 *     the same AUTH frames (with a dummy token) and answers each with a fixed 48-byte frame.
 *
 * The bench process holds the client sockets. Node raises its own soft open-files limit to the
 * hard one at startup; if that is still below what the largest N needs, the bench re-runs itself
 * once under `bash -c 'ulimit -n 65536 || ulimit -Sn <hard>'` (raising the hard limit needs
 * root); the servers inherit the limit. Progress goes to stderr, the table to stdout, everything to
 * bench/results/idle-connections-<timestamp>.json.
 */
import { spawn, spawnSync } from "node:child_process"
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from "node:fs"
import * as Net from "node:net"
import { WebSocket } from "ws"
import * as Os from "node:os"
import * as Path from "node:path"
import { createInterface } from "node:readline"
import { randomBytes } from "node:crypto"
import { fileURLToPath, pathToFileURL } from "node:url"
import { parseArgs } from "node:util"
import { FrameConnection } from "../dist/client/FrameConnection.js"
import { Command } from "../dist/protocol/Command.js"
import { encodeFrame, FrameDecoder } from "../dist/protocol/Frame.js"
import { Codecs } from "../dist/protocol/Proto.js"
import { statusName } from "../dist/protocol/Status.js"

const HOST = "127.0.0.1"
const BENCH_DIR = Path.dirname(fileURLToPath(import.meta.url))
const ROOT = Path.resolve(BENCH_DIR, "..")
const SELF = fileURLToPath(import.meta.url)
const PROBE_URL = pathToFileURL(Path.join(BENCH_DIR, "mem-probe.js")).href
const PASSWORD = "idle-bench-password"
const LOGIN_TIMEOUT_MS = 15_000
const STARTUP_TIMEOUT_MS = 30_000
const PROBE_TIMEOUT_MS = 30_000
const MAX_FAILURES = 200

// ---------------------------------------------------------------------------------------------
// Arguments

const { values: options, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: {
    "idle-seconds": { type: "string", default: "5" },
    "timeout-seconds": { type: "string", default: "300" },
    concurrency: { type: "string", default: "200" },
    users: { type: "string", default: "100" },
    warmup: { type: "string", default: "500" },
    only: { type: "string" },
    help: { type: "boolean", short: "h", default: false }
  },
  allowPositionals: true,
  strict: true
})

if (options.help) {
  process.stdout.write(readFileSync(SELF, "utf8").split("*/")[0].replace(/^#!.*\n\/\*\*\n/, "").replace(/^ \* ?/gm, ""))
  process.exit(0)
}

const positiveInt = (name, text, max) => {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`idle-connections: ${name} must be an integer in 1..${max}, not ${JSON.stringify(text)}`)
    process.exit(64)
  }
  return value
}

const counts = (positionals.length === 0 ? ["1000", "3000", "10000"] : positionals.flatMap((p) => p.split(",")))
  .filter((p) => p !== "")
  .map((p) => positiveInt("N", p, 250_000))
const idleSeconds = positiveInt("--idle-seconds", options["idle-seconds"], 600)
const timeoutSeconds = positiveInt("--timeout-seconds", options["timeout-seconds"], 3600)
const concurrency = positiveInt("--concurrency", options.concurrency, 2000)
const users = positiveInt("--users", options.users, 10_000)
const warmup = positiveInt("--warmup", options.warmup, 100_000)
if (options.only !== undefined && !["weft", "weft-ws", "raw"].includes(options.only)) {
  console.error(`idle-connections: --only must be weft, weft-ws or raw`)
  process.exit(64)
}
const kinds = options.only === undefined ? ["raw", "weft", "weft-ws"] : [options.only]
/** `weft dev`, over TCP or over WebSocket. */
const isWeft = (kind) => kind !== "raw"

// ---------------------------------------------------------------------------------------------
// Open-files limit: re-run under a raised `ulimit -n` when the largest N needs it.

const readFdLimit = (pid) => {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, "utf8").split("\n").find((l) => l.startsWith("Max open files"))
    const [soft, hard] = line.slice("Max open files".length).trim().split(/\s+/)
    const num = (v) => (v === "unlimited" ? Infinity : Number(v))
    return { soft: num(soft), hard: num(hard) }
  } catch {
    return undefined
  }
}

const fdsNeeded = Math.max(...counts) + 1024
const ownLimit = readFdLimit("self")
if (ownLimit !== undefined && ownLimit.soft < fdsNeeded && process.env.WEFT_BENCH_ULIMIT_RAISED === undefined) {
  const hard = Number.isFinite(ownLimit.hard) ? ownLimit.hard : 65536
  console.error(
    `idle-connections: open-files limit ${ownLimit.soft} < ${fdsNeeded} needed; re-running under ulimit -n 65536 (or the hard limit ${hard})`
  )
  const script = `ulimit -n 65536 2>/dev/null || ulimit -Sn ${hard}; exec "$0" "$@"`
  const result = spawnSync("bash", ["-c", script, process.execPath, ...process.execArgv, SELF, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, WEFT_BENCH_ULIMIT_RAISED: "1" }
  })
  process.exit(result.status ?? 1)
}
if (ownLimit !== undefined && ownLimit.soft < fdsNeeded) {
  console.error(
    `idle-connections: warning: open-files limit is ${ownLimit.soft} (hard ${ownLimit.hard}), the largest N needs about ${fdsNeeded}: ` +
      "expect EMFILE; raise the hard limit (ulimit -Hn, as root) to measure it"
  )
}

// ---------------------------------------------------------------------------------------------
// Children, cleanup and the overall deadline

const startedAt = new Date()
const deadline = Date.now() + timeoutSeconds * 1000
const children = new Set()
const results = []
let finished = false

const log = (message) => process.stderr.write(`[${((Date.now() - startedAt.getTime()) / 1000).toFixed(1).padStart(6)}s] ${message}\n`)

const killChildren = () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill("SIGKILL")
      } catch {}
    }
  }
}

process.on("exit", killChildren)
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    log(`${signal}: stopping the servers`)
    killChildren()
    writeResults("interrupted")
    process.stdout.write(`${table()}\n`)
    process.exit(130)
  })
}
process.on("uncaughtException", (error) => {
  log(`uncaught: ${error?.stack ?? error}`)
  killChildren()
  writeResults("crashed")
  process.exit(1)
})
const overall = setTimeout(() => {
  log(`overall timeout of ${timeoutSeconds} s passed: stopping`)
  killChildren()
  writeResults("timed out")
  process.stdout.write(`${table()}\n`)
  process.exit(2)
}, timeoutSeconds * 1000)

const remainingMs = () => deadline - Date.now()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(ms, remainingMs()))))
/** A sleep that does not keep the process alive: for the losing side of a race. */
const sleepUnref = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref())
const withTimeout = (promise, ms, what) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
    timer.unref()
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error) => {
        clearTimeout(timer)
        reject(error)
      }
    )
  })

// ---------------------------------------------------------------------------------------------
// /proc readings

const CLK_TCK = (() => {
  const out = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" })
  const value = Number(out.stdout?.trim())
  return Number.isInteger(value) && value > 0 ? value : 100
})()

// The server's /proc files are opened once, when it starts, and re-read with pread: the bench
// can still read them when its own descriptors run out (EMFILE while opening sockets).
const procHandles = new Map()
const procBuffer = Buffer.alloc(64 * 1024)

const openProcFiles = (pid) => {
  for (const name of ["status", "stat"]) procHandles.set(`${pid}/${name}`, openSync(`/proc/${pid}/${name}`, "r"))
}

const closeProcFiles = (pid) => {
  for (const name of ["status", "stat"]) {
    const fd = procHandles.get(`${pid}/${name}`)
    procHandles.delete(`${pid}/${name}`)
    if (fd !== undefined) {
      try {
        closeSync(fd)
      } catch {}
    }
  }
}

const readProc = (pid, name) => {
  const fd = procHandles.get(`${pid}/${name}`)
  if (fd === undefined) return readFileSync(`/proc/${pid}/${name}`, "utf8")
  const length = readSync(fd, procBuffer, 0, procBuffer.length, 0)
  return procBuffer.toString("utf8", 0, length)
}

const readStatus = (pid) => {
  const fields = {}
  for (const line of readProc(pid, "status").split("\n")) {
    const match = /^(\w+):\s+(\d+)/.exec(line)
    if (match) fields[match[1]] = Number(match[2])
  }
  return { vmRssKB: fields.VmRSS, vmHwmKB: fields.VmHWM, rssAnonKB: fields.RssAnon, rssFileKB: fields.RssFile, threads: fields.Threads }
}

const readCpuMs = (pid) => {
  const stat = readProc(pid, "stat")
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  // Fields 14 and 15 of stat (utime, stime); `rest` starts at field 3.
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK
}

const countFds = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Servers

const startServer = (kind) =>
  new Promise((resolve, reject) => {
    const script = isWeft(kind)
      ? ["bin/weft.js", "dev", "--port", "0", "--http-port", "0", "--admin-port", "0"]
      : ["bench/baseline-net-server.js", "--port", "0"]
    const child = spawn(process.execPath, ["--expose-gc", "--import", PROBE_URL, ...script], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      // A fixed mmap threshold: glibc's default one rises to the size of the largest block freed
      // (scrypt's 16 MB, at every warm-up login), after which those blocks stay in malloc's arenas
      // when freed and go back to the kernel at unpredictable times — RSS then moves by tens of
      // MB while the connections sit idle. Blocks of 1 MB and more are mapped and unmapped now;
      // a connection's own allocations are far smaller, so their cost is unchanged.
      env: { ...process.env, WEFT_BENCH_PARENT_PID: String(process.pid), MALLOC_MMAP_THRESHOLD_: "1048576" }
    })
    children.add(child)
    const server = {
      kind,
      child,
      pid: child.pid,
      port: undefined,
      adminPort: undefined,
      probes: [],
      output: [],
      suspicious: [],
      exited: undefined
    }
    const timer = setTimeout(() => {
      reject(new Error(`${kind} server printed no listening line within ${STARTUP_TIMEOUT_MS} ms`))
    }, STARTUP_TIMEOUT_MS)
    const ready = () =>
      server.port !== undefined && (!isWeft(kind) || (server.adminPort !== undefined && server.httpPort !== undefined))
    const onLine = (stream) => (line) => {
      if (line.startsWith("MEMPROBE ")) {
        const waiter = server.probes.shift()
        waiter?.(JSON.parse(line.slice("MEMPROBE ".length)))
        return
      }
      if (server.output.length < 500) server.output.push(`${stream}: ${line}`)
      const tcp = /long connections \(TCP\) on ([\d.]+):(\d+)/.exec(line)
      const admin = /admin .* on ([\d.]+):(\d+)/.exec(line)
      const http = /short connections \(HTTP[^)]*\) on ([\d.]+):(\d+)/.exec(line)
      if (tcp) server.port = Number(tcp[2])
      else if (admin) server.adminPort = Number(admin[2])
      else if (http) server.httpPort = Number(http[2])
      else if (stream === "stderr" || /error|fail|warn|exception|defect|interrupt/i.test(line)) {
        if (server.suspicious.length < 50) server.suspicious.push(line)
        if (server.suspicious.length <= 10) log(`  ${kind} server ${stream}: ${line}`)
      }
      if (ready()) {
        clearTimeout(timer)
        resolve(server)
      }
    }
    createInterface({ input: child.stdout }).on("line", onLine("stdout"))
    createInterface({ input: child.stderr }).on("line", onLine("stderr"))
    child.on("exit", (code, signal) => {
      server.exited = { code, signal, atMs: Date.now() }
      children.delete(child)
      clearTimeout(timer)
      reject(new Error(`${kind} server exited (code ${code}, signal ${signal}) before listening`))
    })
  })

const stopServer = async (server) => {
  if (server.exited !== undefined) return { alreadyExited: server.exited }
  const started = Date.now()
  const exited = new Promise((resolve) => server.child.once("exit", resolve))
  server.child.kill("SIGTERM")
  const graceful = await Promise.race([exited.then(() => true), sleepUnref(5000).then(() => false)])
  if (!graceful) {
    server.child.kill("SIGKILL")
    await Promise.race([exited, sleepUnref(2000)])
  }
  return { graceful, stopMs: Date.now() - started }
}

/** A full GC in the server, then its memory: /proc VmRSS (the figure compared) and V8's view. */
const measure = async (server) => {
  const probed = new Promise((resolve) => server.probes.push(resolve))
  process.kill(server.pid, "SIGUSR2")
  const heap = await withTimeout(probed, PROBE_TIMEOUT_MS, `${server.kind} memory probe`)
  // Let V8's background threads hand freed pages back, then take the median of three readings.
  await sleep(1000)
  const readings = []
  for (let i = 0; i < 3; i++) {
    readings.push(readStatus(server.pid))
    await sleep(250)
  }
  readings.sort((a, b) => a.vmRssKB - b.vmRssKB)
  const status = readings[1]
  return {
    ...status,
    rssSpreadKB: readings[2].vmRssKB - readings[0].vmRssKB,
    heapUsed: heap.heapUsed,
    heapTotal: heap.heapTotal,
    external: heap.external,
    arrayBuffers: heap.arrayBuffers,
    gc: heap.gc,
    spaces: heap.spaces,
    fds: countFds(server.pid)
  }
}

const fetchMetrics = async (server) => {
  if (server.adminPort === undefined) return undefined
  try {
    const response = await withTimeout(fetch(`http://${HOST}:${server.adminPort}/metrics`), 10_000, "GET /metrics")
    const text = await response.text()
    return text.split("\n").filter((line) =>
      /^weft_connections(_closed_total)?\{/.test(line) || /^weft_commands_total\{command="(auth|register)"/.test(line)
    )
  } catch (error) {
    return [`(metrics unavailable: ${error.message})`]
  }
}

// ---------------------------------------------------------------------------------------------
// Clients

/**
 * The source address of connection i of n. One source address has about 28k ephemeral ports
 * towards one server port, so past 25k connections they are spread over 127.0.0.2, .3, ...
 * (all of 127.0.0.0/8 is loopback on Linux).
 */
const sourceAddress = (i, n) => (n <= 25_000 ? undefined : `127.0.0.${2 + (i % Math.ceil(n / 25_000))}`)

const authFrame = (userId, credential, deviceId) =>
  encodeFrame(
    Command.AUTH,
    1,
    Codecs.AuthRequest.encode({ userId, ...credential, device: { deviceId, platform: 0, name: "" } })
  )

/**
 * One connection — TCP, or a WebSocket to the HTTP port for weft-ws (the `ws` package's client):
 * connect, send `frame` (an AUTH), wait for its answer. Resolves, never rejects, with { socket }
 * on success or { error }; a success keeps the socket open and `onClose` learns of a later close.
 */
const connectAndLogin = (server, frame, kind, onClose, localAddress) =>
  new Promise((resolve) => {
    const overWebSocket = kind === "weft-ws"
    const started = performance.now()
    let sentAt = 0
    let settled = false
    const decoder = new FrameDecoder(1024 * 1024)
    const socket = overWebSocket
      ? new WebSocket(`ws://${HOST}:${server.httpPort}/ws`, { localAddress, perMessageDeflate: false })
      : Net.connect({ host: HOST, port: server.port, noDelay: true, localAddress })
    const finish = (result) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (result.error !== undefined) cut(socket)
      resolve(result)
    }
    const timer = setTimeout(() => finish({ error: "login timeout" }), LOGIN_TIMEOUT_MS)
    socket.once(overWebSocket ? "open" : "connect", () => {
      sentAt = performance.now()
      if (overWebSocket) socket.send(frame)
      else socket.write(frame)
    })
    socket.on(overWebSocket ? "message" : "data", (chunk) => {
      if (settled) {
        onClose.unexpectedBytes += chunk.length
        return
      }
      const { frames, error } = decoder.push(chunk)
      for (const f of frames) {
        if (f.command === Command.AUTH) {
          const code = isWeft(kind) ? Codecs.AuthResponse.decode(f.body).base?.code ?? 0 : 0
          if (code !== 0) return finish({ error: `AUTH answered ${statusName(code)}` })
          const now = performance.now()
          return finish({ socket, connectMs: sentAt - started, authMs: now - sentAt, totalMs: now - started })
        }
        if (f.command === Command.ERROR) {
          const e = Codecs.ErrorFrame.decode(f.body)
          return finish({ error: `ERROR frame ${statusName(e.code)}: ${e.message}` })
        }
      }
      if (error !== undefined) finish({ error: `framing error ${error._tag}` })
    })
    socket.on("error", (error) => {
      if (!settled) finish({ error: error.code === undefined ? error.message : `${error.code}${error.syscall ? ` (${error.syscall})` : ""}` })
    })
    socket.on("close", () => {
      if (!settled) finish({ error: "closed before the AUTH answer" })
      else onClose(socket)
    })
  })

/** Runs task(0..count-1) with at most `limit` in flight, stopping early at the deadline or on `stop()`. */
const pool = async (count, limit, task, stop = () => false) => {
  let next = 0
  const worker = async () => {
    while (next < count && remainingMs() > 0 && !stop()) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
  return next
}

/** Registers idle-0 .. idle-<U-1> and logs each in with its password; returns their tokens. */
const setupUsers = async (port) => {
  const tokens = new Array(users)
  const timings = []
  let failed
  await pool(users, 8, async (u) => {
    const userId = `idle-${u}`
    const started = performance.now()
    let connection
    try {
      connection = await FrameConnection.open({
        host: HOST,
        port,
        requestTimeoutMs: 30_000,
        onPush: () => {},
        onClose: () => {}
      })
      await connection.request(Command.REGISTER, Codecs.RegisterRequest, Codecs.RegisterResponse, {
        userId,
        password: PASSWORD,
        displayName: userId
      })
      const auth = await connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, {
        userId,
        password: PASSWORD,
        device: { deviceId: "idle-setup", platform: 0, name: "" }
      })
      tokens[u] = auth.sessionToken
      timings.push(performance.now() - started)
    } catch (error) {
      failed ??= `${userId}: ${error.message}`
    } finally {
      connection?.close()
    }
  }, () => failed !== undefined)
  if (failed !== undefined) throw new Error(`registering users failed: ${failed}`)
  if (tokens.some((t) => t === undefined)) throw new Error("registering users did not finish before the deadline")
  return { tokens, registerAndLoginMs: summarize(timings) }
}

const summarize = (values) => {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  const round = (v) => Math.round(v * 100) / 100
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length)
  }
}

/** A TCP socket or a WebSocket (weft-ws), cut at once. */
const isOpen = (s) => (s instanceof WebSocket ? s.readyState !== WebSocket.CLOSED : !s.destroyed)
const cut = (s) => (s instanceof WebSocket ? s.terminate() : s.destroy())

const destroyAll = async (sockets) => {
  const closed = sockets.filter(isOpen).map((s) => new Promise((resolve) => s.once("close", resolve)))
  for (const s of sockets) cut(s)
  await Promise.race([Promise.all(closed), sleepUnref(10_000)])
}

// ---------------------------------------------------------------------------------------------
// One scenario: one server kind, N connections, a fresh server

const runScenario = async (kind, steps) => {
  const n = steps[0]
  let previousStep
  const result = { scenario: kind, n, ok: false, startedAt: new Date().toISOString() }
  results.push(result)
  log(`${kind} N=${n}: starting the server`)
  const server = await startServer(kind)
  result.serverPid = server.pid
  result.serverFdLimit = readFdLimit(server.pid)
  openProcFiles(server.pid)
  log(`${kind} N=${n}: pid ${server.pid} on ${HOST}:${server.port}, open-files limit ${result.serverFdLimit?.soft}`)
  const sockets = []
  let tearingDown = false
  const onClose = (socket) => {
    if (tearingDown) return
    onClose.closedAfterLogin++
    if (onClose.firstCloseAtMs === undefined) onClose.firstCloseAtMs = Date.now()
    void socket
  }
  onClose.closedAfterLogin = 0
  onClose.unexpectedBytes = 0
  try {
    // Warm-up
    let credentialOf
    if (isWeft(kind)) {
      log(`${kind} N=${n}: registering ${users} users and logging each in with its password`)
      const setup = await setupUsers(server.port)
      result.setup = { users, registerAndLoginMs: setup.registerAndLoginMs }
      log(`${kind} N=${n}: users ready (register+password login per user: p50 ${setup.registerAndLoginMs.p50} ms, max ${setup.registerAndLoginMs.max} ms, 8 at a time)`)
      credentialOf = (i) => ({ resumeToken: setup.tokens[i % users] })
    } else {
      const dummy = randomBytes(24).toString("base64url")
      credentialOf = () => ({ resumeToken: dummy })
    }
    const frameOf = (i) => authFrame(`idle-${i % users}`, credentialOf(i), `idle-dev-${i}`)
    const warmCount = warmup
    const warm = []
    let warmFailed = 0
    await pool(warmCount, concurrency, async (i) => {
      const r = await connectAndLogin(server, frameOf(i), kind, () => {})
      if (r.socket) warm.push(r.socket)
      else warmFailed++
    })
    await destroyAll(warm)
    if (warmFailed > 0) throw new Error(`${warmFailed} of ${warmCount} warm-up logins failed`)
    await sleep(2000)

    result.before = await measure(server)
    log(`${kind} N=${n}: before: RSS ${(result.before.vmRssKB / 1024).toFixed(1)} MiB, heap used ${(result.before.heapUsed / 1048576).toFixed(1)} MiB, ${result.before.fds ?? "?"} fds`)

    // The steps: N connections in all at each, added to those already open, in this one server.
    const first = result
    for (const n of steps) {
      const result = n === steps[0] ? first : { scenario: kind, n, ok: false, startedAt: new Date().toISOString(), serverPid: server.pid, step: true }
      if (result !== first) results.push(result)
      result.n = n
      result.before = first.before
      result.previous = previousStep?.after
      result.previousN = previousStep?.loginPhase.loggedIn ?? 0
      const already = sockets.length
      const add = n - already
      // N connections
      const cpuBefore = readCpuMs(server.pid)
      const phaseStart = performance.now()
      const timings = { connect: [], auth: [], total: [] }
      const errors = {}
      let failures = 0
      let lastProgress = Date.now()
      const attempted = await pool(add, concurrency, async (k) => {
        const i = already + k
        const r = await connectAndLogin(server, frameOf(i), kind, onClose, sourceAddress(i, n))
        if (r.socket) {
          sockets.push(r.socket)
          timings.connect.push(r.connectMs)
          timings.auth.push(r.authMs)
          timings.total.push(r.totalMs)
        } else {
          failures++
          errors[r.error] = (errors[r.error] ?? 0) + 1
        }
        if (Date.now() - lastProgress > 2000) {
          lastProgress = Date.now()
          log(`${kind} N=${n}: ${sockets.length} logged in, ${failures} failed`)
        }
      }, () => failures >= MAX_FAILURES)
      const phaseMs = performance.now() - phaseStart
      result.loginPhase = {
        attempted,
        loggedIn: sockets.length,
        failed: failures,
        errors,
        stoppedEarly: attempted < n ? (failures >= MAX_FAILURES ? `${MAX_FAILURES} failures` : "deadline") : undefined,
        seconds: Math.round(phaseMs) / 1000,
        loginsPerSecond: Math.round((sockets.length / phaseMs) * 1000),
        serverCpuMs: Math.round(readCpuMs(server.pid) - cpuBefore),
        serverFds: countFds(server.pid),
        connectMs: summarize(timings.connect),
        authMs: summarize(timings.auth),
        totalMs: summarize(timings.total)
      }
      result.loginPhase.serverCpuMsPerLogin = sockets.length > 0
        ? Math.round((result.loginPhase.serverCpuMs / sockets.length) * 1000) / 1000
        : undefined
      log(
        `${kind} N=${n}: ${sockets.length}/${n} logged in in ${result.loginPhase.seconds} s ` +
          `(${result.loginPhase.loginsPerSecond}/s; AUTH round trip p50 ${result.loginPhase.authMs?.p50} ms, ` +
          `p99 ${result.loginPhase.authMs?.p99} ms, max ${result.loginPhase.authMs?.max} ms; ` +
          `server CPU ${result.loginPhase.serverCpuMsPerLogin} ms/login)` +
          (failures > 0
            ? `; failures: ${JSON.stringify(errors)}; server holds ${result.loginPhase.serverFds ?? "?"} fds of its limit ${result.serverFdLimit?.soft}`
            : "")
      )

      log(`${kind} N=${n}: idle for ${idleSeconds} s`)
      await sleep(idleSeconds * 1000)
      result.after = await measure(server)
      result.openAfterIdle = sockets.filter((s) => s instanceof WebSocket ? s.readyState === WebSocket.OPEN : !s.destroyed && s.readyState === "open").length
      result.closedWhileIdle = onClose.closedAfterLogin
      result.unexpectedBytes = onClose.unexpectedBytes
      result.metrics = await fetchMetrics(server)
      log(`${kind} N=${n}: after: RSS ${(result.after.vmRssKB / 1024).toFixed(1)} MiB, heap used ${(result.after.heapUsed / 1048576).toFixed(1)} MiB, ${result.after.fds ?? "?"} server fds, ${result.openAfterIdle} client sockets still open`)

      // Per connection: over all of them (from the reading before any), and over the ones this
      // step added (from the previous step's reading) — the growth between counts, which the
      // server's fixed costs and its slack after the warm-up distort least.
      const perConn = (before, after, count) => Math.round(((after - before) / count) * 100) / 100
      const base = result.previous ?? result.before
      const connections = sockets.length - result.previousN
      if (sockets.length > 0) {
        result.kbPerConnection = perConn(result.before.vmRssKB, result.after.vmRssKB, sockets.length)
        result.heapKbPerConnection = perConn(result.before.heapUsed / 1024, result.after.heapUsed / 1024, sockets.length)
      }
      if (connections > 0) {
        result.stepKbPerConnection = perConn(base.vmRssKB, result.after.vmRssKB, connections)
        result.stepHeapKbPerConnection = perConn(base.heapUsed / 1024, result.after.heapUsed / 1024, connections)
        result.externalKbPerConnection = perConn(base.external / 1024, result.after.external / 1024, connections)
        // RSS that grew less than the live JS heap did means the connections filled memory the
        // server already held (V8 heap committed but unused after the warm-up, malloc arenas):
        // the RSS figure is then an understatement, within the noise of the process's slack.
        result.rssBelowHeapGrowth = result.after.vmRssKB - base.vmRssKB < (result.after.heapUsed - base.heapUsed) / 1024
      }
      result.ok = sockets.length === n && result.closedWhileIdle === 0
      previousStep = result
      if (!result.ok) break
    }
  } catch (error) {
    result.error = error.message
    log(`${kind} N=${n}: FAILED: ${error.message}`)
  } finally {
    tearingDown = true
    closeProcFiles(server.pid)
    result.serverStop = await stopServer(server)
    await destroyAll(sockets)
    result.serverOutput = server.output
    result.serverSuspiciousLines = server.suspicious
    result.finishedAt = new Date().toISOString()
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// Report

const table = () => {
  const rawByN = new Map(results.filter((r) => r.scenario === "raw" && r.stepKbPerConnection !== undefined).map((r) => [r.n, r]))
  const rows = [[
    "scenario",
    "N",
    "logged in",
    "RSS at 0 MiB",
    "RSS at N MiB",
    "KB/conn 0..N",
    "growth from",
    "growth KB/conn",
    "vs raw net",
    "growth heap KB/conn",
    "AUTH p50/p99 ms",
    "note"
  ]]
  for (const r of results) {
    const raw = rawByN.get(r.n)
    const ratio = r.stepKbPerConnection === undefined || raw === undefined
      ? "-"
      : r.rssBelowHeapGrowth || raw.rssBelowHeapGrowth || raw.stepKbPerConnection <= 0
      ? "n/a*"
      : `${(r.stepKbPerConnection / raw.stepKbPerConnection).toFixed(2)}x`
    const mb = (kb) => (kb === undefined ? "-" : (kb / 1024).toFixed(1))
    const problem = r.error ??
      (r.ok
        ? ""
        : r.after === undefined
        ? "incomplete"
        : r.loginPhase !== undefined && r.loginPhase.loggedIn < r.n
        ? `${r.loginPhase.failed} logins failed`
        : `${r.closedWhileIdle} closed while idle`)
    const note = [problem, r.rssBelowHeapGrowth ? "* RSS grew less than the JS heap: slack reused, KB/conn understated" : ""]
      .filter((text) => text !== "")
      .join("; ")
    rows.push([
      r.scenario,
      String(r.n),
      r.loginPhase ? String(r.loginPhase.loggedIn) : "-",
      mb(r.before?.vmRssKB),
      mb(r.after?.vmRssKB),
      r.kbPerConnection === undefined ? "-" : r.kbPerConnection.toFixed(2),
      `N=${r.previousN ?? 0}`,
      r.stepKbPerConnection === undefined ? "-" : r.stepKbPerConnection.toFixed(2),
      ratio,
      r.stepHeapKbPerConnection === undefined ? "-" : r.stepHeapKbPerConnection.toFixed(2),
      r.loginPhase?.authMs ? `${r.loginPhase.authMs.p50}/${r.loginPhase.authMs.p99}` : "-",
      note
    ])
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)))
  return rows.map((row, i) => {
    const line = row.map((cell, c) => (c <= 0 || c === row.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")
    return i === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line
  }).join("\n").replace(/ +$/gm, "")
}

let resultsPath
function writeResults(status) {
  if (finished) return resultsPath
  finished = true
  const dir = Path.join(BENCH_DIR, "results")
  mkdirSync(dir, { recursive: true })
  resultsPath = Path.join(dir, `idle-connections-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`)
  let build
  try {
    build = { distDevJsModified: statSync(Path.join(ROOT, "dist/cli/dev.js")).mtime.toISOString() }
    const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" })
    if (head.status === 0) build.gitHead = head.stdout.trim()
  } catch {}
  const document = {
    bench: "idle-connections",
    status,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    method:
      "One server per kind; connections are added in steps (N in all at each) and memory is read at each step. " +
      "KB/conn 0..N = (VmRSS at N - VmRSS before any) / N; growth KB/conn = (VmRSS at N - VmRSS at the previous step) / the connections added, KB = 1024 bytes, MiB = 1024 KB; both readings after a forced full GC " +
      "(node --expose-gc, SIGUSR2 to bench/mem-probe.js) and 1 s of settling, median of 3 reads. " +
      "Connections are logged in (weft: AUTH by resume token) and idle, on 127.0.0.1.",
    options: { counts, idleSeconds, timeoutSeconds, concurrency, users, warmup, kinds },
    environment: {
      node: process.version,
      platform: `${Os.type()} ${Os.release()} ${Os.arch()}`,
      cpus: Os.cpus().length,
      totalMemoryMB: Math.round(Os.totalmem() / 1048576),
      benchFdLimit: readFdLimit("self"),
      build
    },
    results
  }
  writeFileSync(resultsPath, `${JSON.stringify(document, null, 2)}\n`)
  return resultsPath
}

// ---------------------------------------------------------------------------------------------

const main = async () => {
  log(
    `idle-connections: N = ${counts.join(", ")}; servers ${kinds.join(" and ")}; ${users} users; ` +
      `idle ${idleSeconds} s; ${concurrency} logins in flight; overall limit ${timeoutSeconds} s; ` +
      `open-files limit ${ownLimit?.soft}`
  )
  const steps = [...new Set(counts)].sort((a, b) => a - b)
  for (const kind of kinds) {
    if (remainingMs() <= 0) break
    await runScenario(kind, steps)
  }
  clearTimeout(overall)
  const path = writeResults(results.every((r) => r.ok) ? "ok" : "some scenarios failed")
  process.stdout.write(`${table()}\n`)
  log(`results: ${Path.relative(process.cwd(), path)}`)
  process.exitCode = results.every((r) => r.ok) ? 0 : 1
}

main().catch((error) => {
  log(`failed: ${error?.stack ?? error}`)
  killChildren()
  writeResults("crashed")
  process.exitCode = 1
})
