/**
 * Servers for benchmarks, each in its own process (the load generator is never the server):
 * weft dev mode, the two baselines (bench/baselines/), and the local cluster. Every server is
 * started with bench/lib/orphan-guard.js preloaded, so it exits if the bench dies.
 */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
const guard = new URL("./orphan-guard.js", import.meta.url).href
const baseline = (name) => fileURLToPath(new URL(`../baselines/${name}`, import.meta.url))

export const progress = (line) => process.stderr.write(`bench: ${line}\n`)

/** CPU time (ms) a process has used so far, from /proc: { user, kernel }; undefined if unknown. */
export const cpuTimesMs = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    // clock ticks: 100 per second on Linux
    return { user: (Number(fields[11]) * 1000) / 100, kernel: (Number(fields[12]) * 1000) / 100 }
  } catch {
    return undefined
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc; undefined if unknown. */
export const cpuMs = (pid) => {
  const times = cpuTimesMs(pid)
  return times === undefined ? undefined : times.user + times.kernel
}

/**
 * The whole machine's CPU time so far, from the first line of /proc/stat, in clock ticks: `steal`
 * (time the hypervisor ran something else while this machine's CPUs wanted to run) and `all`;
 * undefined if unknown.
 */
export const machineTicks = () => {
  try {
    // user nice system idle iowait irq softirq steal
    const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0].trim().split(/\s+/).slice(1, 9).map(Number)
    return { steal: fields[7], all: fields.reduce((a, b) => a + b, 0) }
  } catch {
    return undefined
  }
}

/** Read and write system calls (reads of sockets and files included) a process has made so far, from /proc; undefined if unknown. */
export const syscallsOf = (pid) => {
  try {
    const io = readFileSync(`/proc/${pid}/io`, "utf8")
    return Number(/syscr: (\d+)/.exec(io)[1]) + Number(/syscw: (\d+)/.exec(io)[1])
  } catch {
    return undefined
  }
}

/** Resident memory (KB) of a process, from /proc. */
export const rssKb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1])
  } catch {
    return undefined
  }
}

/**
 * Spawns `node [nodeArgs] script args`, waits for `ready` (a RegExp) on its stdout and resolves
 * with the match, the pid and stop() (SIGINT, then SIGKILL after `killAfterMs`).
 */
export const spawnServer = (name, script, args, ready, { nodeArgs = [], killAfterMs = 3000, env } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", guard, ...nodeArgs, script, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      env: env === undefined ? process.env : { ...process.env, ...env }
    })
    let out = ""
    let started = false
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${name} did not start within 20 s: ${out}`))
    }, 20_000)
    child.stdout.on("data", (chunk) => {
      if (started) return
      out += chunk
      const match = ready.exec(out)
      if (match) {
        started = true
        clearTimeout(timer)
        let exited = false
        child.once("exit", () => (exited = true))
        resolve({
          match,
          pid: child.pid,
          stop: () =>
            new Promise((done) => {
              if (exited) return done()
              child.once("exit", () => done())
              child.kill("SIGINT")
              setTimeout(() => child.kill("SIGKILL"), killAfterMs).unref()
            })
        })
      }
    })
    child.stdout.resume()
    child.once("exit", (code, signal) => {
      clearTimeout(timer)
      if (!started) reject(new Error(`${name} exited with ${code ?? signal}: ${out}`))
    })
  })

/** `weft dev` on free ports; resolves with its TCP, HTTP and admin ports, its pid and a stop(). */
export const startDevServer = async (extraArgs = [], options = {}) => {
  const { checkout, ...spawnOptions } = options
  const server = await spawnServer(
    "weft dev",
    checkout === undefined ? bin : `${checkout}/bin/weft.js`,
    ["dev", "--port", "0", "--http-port", "0", "--admin-port", "0", ...extraArgs],
    /long connections \(TCP\) on ([\d.]+):(\d+)[\s\S]*short connections \(HTTP[^)]*\) on ([\d.]+):(\d+)[\s\S]*admin [^\n]* on ([\d.]+):(\d+)/,
    spawnOptions
  )
  return {
    host: server.match[1],
    port: Number(server.match[2]),
    httpPort: Number(server.match[4]),
    adminPort: Number(server.match[6]),
    pid: server.pid,
    stop: server.stop
  }
}

/** bench/baselines/net-relay.js: weft's framing and codecs, no storage. */
export const startNetRelay = async () => {
  const server = await spawnServer("net relay", baseline("net-relay.js"), ["--port", "0"], /long connections \(TCP\) on ([\d.]+):(\d+)/)
  return { host: server.match[1], port: Number(server.match[2]), pid: server.pid, stop: server.stop }
}

/** bench/baselines/socketio-relay.js: a socket.io relay, no storage. */
export const startSocketIoRelay = async () => {
  const server = await spawnServer("socket.io relay", baseline("socketio-relay.js"), ["--port", "0"], /listening on ([\d.]+):(\d+)/)
  return { host: server.match[1], port: Number(server.match[2]), url: `http://${server.match[1]}:${server.match[2]}`, pid: server.pid, stop: server.stop }
}
