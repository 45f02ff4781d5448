#!/usr/bin/env node
/**
 * node bench/cluster-probe.js [senders] [seconds] — where a clustered 1:1 message's time and CPU
 * go, on the local cluster under a closed loop:
 *  - CPU of each process (runners, gateways, Redis) per message, from /proc;
 *  - Redis commands per message (INFO commandstats before and after; scripts count the commands
 *    they run too), and the round trip of a side client's serial SETs (each waits for the fsync);
 *  - a trace of every message: the Redis commands carrying its id (MONITOR, Redis's clock) against
 *    its send and acknowledgement here (the same wall clock), as ms between steps.
 * With WEFT_PROBE_CPU_PROF=dir the runners and gateways each write a CPU profile of the measured
 * window into dir (bench/lib/cpu-prof-on-signal.cjs; summarize with bench/lib/cpuprofile.js).
 */
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { Redis } from "ioredis"
import { performance } from "node:perf_hooks"
import { cpuMs } from "./lib/servers.js"
import { sleep } from "./lib/stats.js"
import { weftCluster } from "./lib/systems.js"

const senders = Number(process.argv[2] ?? 16)
const seconds = Number(process.argv[3] ?? 5)
if (process.env.WEFT_PROBE_CPU_PROF) Object.assign(process.env, { NODE_OPTIONS: `--require ${new URL("./lib/cpu-prof-on-signal.cjs", import.meta.url).pathname}`, PROF_DIR: process.env.WEFT_PROBE_CPU_PROF })
const server = await weftCluster.start()
delete process.env.NODE_OPTIONS
const redisPort = server.redisPort
try {
  const users = []
  for (let i = 0; i < senders; i++) users.push(`ps${i}`, `pr${i}`)
  await weftCluster.prepare(server, users)
  const pairs = []
  for (let i = 0; i < senders; i++) {
    pairs.push({ receiver: await weftCluster.connect(server, `pr${i}`, "receiver"), sender: await weftCluster.connect(server, `ps${i}`, "sender"), to: `pr${i}` })
  }
  const redis = new Redis({ port: redisPort, host: "127.0.0.1" })
  const stats = async () => {
    const info = await redis.info("commandstats")
    const out = {}
    for (const m of info.matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g)) out[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) }
    return out
  }
  const persistence = async () => {
    const info = await redis.info("persistence")
    return Number(/aof_delayed_fsync:(\d+)/.exec(info)?.[1] ?? 0)
  }
  let errors = 0
  let running = true, counting = false, delivered = 0, acked = 0
  for (const p of pairs) p.receiver.onMessage = () => counting && delivered++
  let inflight = 0
  let tracer = () => {}
  let acker = () => {}
  pairs.forEach((pair, lane) => {
    let k = 0
    inflight++
    const next = () => {
      if (!running) return inflight--
      const id = `x${lane}.${k++}`
      tracer(id, pair.to)
      pair.sender.send(pair.to, "hello", id, (error) => {
        acker(id)
        if (error) errors++
        else if (counting) acked++
        setImmediate(next)
      })
    }
    next()
  })
  await sleep(1500)
  const names = ["runner 1", "runner 2", "gateway 1", "gateway 2", "redis"]
  const profiling = process.env.WEFT_PROBE_CPU_PROF !== undefined
  const signal = () => server.pids.slice(0, 4).forEach((pid) => process.kill(pid, "SIGUSR2"))
  if (profiling) signal()
  const cpu0 = server.pids.map(cpuMs)
  const s0 = await stats()
  await redis.config("SET", "latency-monitor-threshold", "2")
  await redis.latency("RESET")
  // A side client timing serial writes (each one waits for Redis's fsync) while the load runs.
  const side = new Redis({ port: redisPort, host: "127.0.0.1" })
  const rtts = []
  let siding = true
  const sideLoop = (async () => {
    while (siding) {
      const t = performance.now()
      await side.set("probe:side", String(t))
      rtts.push(performance.now() - t)
    }
  })()
  // Trace: the Redis commands of each message (MONITOR, Redis's wall clock) against its send,
  // ack and push times here (the same clock: performance.timeOrigin + now).
  const wall = () => performance.timeOrigin + performance.now()
  const trace = new Map()
  const monitor = spawn("redis-cli", ["-p", String(redisPort), "monitor"], { stdio: ["ignore", "pipe", "ignore"] })
  createInterface({ input: monitor.stdout }).on("line", (line) => {
    const m = /(?:sent:|msg:ps\d+\/)(x\d+\.\d+)/.exec(line)
    if (m === null || line.includes(" lua] ")) return // the commands a script runs are listed too
    const t = trace.get(m[1])
    if (t === undefined) return
    const at = Number(line.slice(0, line.indexOf(" "))) * 1000
    const command = /\] "([a-zA-Z]+)"/.exec(line)?.[1]?.toLowerCase()
    const kind = command === "get" ? "get" : command === "evalsha" ? (line.includes(`{${t.to}}:log`) ? "appendTo" : "appendFrom") : command === "set" ? "set" : undefined
    if (kind && t[kind] === undefined) t[kind] = at
  })
  await sleep(300)
  tracer = (id, to) => trace.set(id, { sent: wall(), to })
  acker = (id) => { const t = trace.get(id); if (t) t.acked = wall() }
  counting = true
  const t0 = performance.now()
  await sleep(seconds * 1000)
  counting = false
  const elapsed = (performance.now() - t0) / 1000
  const cpu1 = server.pids.map(cpuMs)
  const s1 = await stats()
  if (profiling) signal()
  siding = false
  await sideLoop
  side.disconnect()
  rtts.sort((a, b) => a - b)
  console.log(`side SET round trips: ${rtts.length}, p50 ${rtts[rtts.length >> 1]?.toFixed(2)} ms, p90 ${rtts[Math.floor(rtts.length * 0.9)]?.toFixed(2)} ms, max ${rtts.at(-1)?.toFixed(2)} ms`)
  console.log("latency latest:", JSON.stringify(await redis.latency("LATEST")))
  running = false
  while (inflight > 0) await sleep(20)
  console.log(`senders ${senders}: ${Math.round(delivered / elapsed)} delivered/s, ${Math.round(acked / elapsed)} acked/s, ${errors} errors`)
  server.pids.forEach((pid, i) => {
    const used = cpu1[i] - cpu0[i]
    console.log(`${(names[i] ?? pid).padEnd(10)} CPU ${(used / elapsed / 10).toFixed(0).padStart(4)}%  ${(used * 1000 / Math.max(1, acked)).toFixed(0).padStart(6)} µs/msg`)
  })
  const rows = Object.entries(s1).map(([name, v]) => [name, v.calls - (s0[name]?.calls ?? 0), v.usec - (s0[name]?.usec ?? 0)]).filter((r) => r[1] > 0).sort((a, b) => b[1] - a[1])
  let total = 0
  for (const [name, calls, usec] of rows) {
    total += calls
    console.log(`${name.padEnd(20)} ${(calls / acked).toFixed(2).padStart(7)} /msg  ${(usec / Math.max(1, calls)).toFixed(1)} µs/call`)
  }
  console.log(`redis commands per message: ${(total / acked).toFixed(2)}`)
  monitor.kill()
  const steps = [["sent", "appendFrom"], ["appendFrom", "appendTo"], ["appendFrom", "set"], ["appendTo", "acked"], ["set", "acked"], ["sent", "acked"]]
  const complete = [...trace.values()].filter((t) => t.acked && t.appendTo && t.appendFrom && t.set)
  console.log(`traced ${complete.length} messages; ms between steps (p50 / p90):`)
  for (const [a, b] of steps) {
    const d = complete.map((t) => t[b] - t[a]).sort((x, y) => x - y)
    console.log(`  ${a} -> ${b}: ${d[d.length >> 1]?.toFixed(1)} / ${d[Math.floor(d.length * 0.9)]?.toFixed(1)}`)
  }
  for (const p of pairs) { p.sender.close(); p.receiver.close() }
  redis.disconnect()
} finally {
  await server.stop()
}
