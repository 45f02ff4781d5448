#!/usr/bin/env node
/**
 * Send throughput of 1:1 messages: dev mode (one process) vs clustered mode (Redis, two runners,
 * two gateways), measured in the same run so the ratio survives a noisy machine.
 *
 *   node bench/send-throughput.js [--senders 16] [--seconds 5]
 *
 * The servers run as child processes; this process is the load generator: each sender sends
 * to its own receiver as fast as acknowledgements come back (a closed loop), through gateway
 * 1 while the receivers listen on the last gateway. Bounded in time: warm-up 1 s, measurement
 * --seconds, hard stop after 3 minutes.
 */
import { spawn } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { startLocalCluster } from "../dist/cli/localCluster.js"
import { register, WeftClient } from "../dist/index.js"

const { values } = parseArgs({ options: { senders: { type: "string" }, seconds: { type: "string" } } })
const senders = Number(values.senders ?? 16)
const seconds = Number(values.seconds ?? 5)
const bin = fileURLToPath(new URL("../bin/weft.js", import.meta.url))
const hardStop = setTimeout(() => {
  console.error("bench: hard time limit reached")
  process.exit(2)
}, 180_000)

const progress = (line) => process.stderr.write(`bench: ${line}\n`)

const startDev = () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "dev", "--port", "0", "--http-port", "0", "--admin-port", "0"], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.on("data", (chunk) => {
      out += chunk
      const match = /long connections \(TCP\) on ([\d.]+):(\d+)/.exec(out)
      if (match) resolve({ endpoints: [{ host: match[1], port: Number(match[2]) }], stop: async () => child.kill("SIGINT") })
    })
    child.once("exit", (code) => reject(new Error(`weft dev exited with ${code}`)))
  })

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0

const measure = async (name, server) => {
  const [first] = server.endpoints
  const last = server.endpoints[server.endpoints.length - 1]
  const run = `${name}-${process.pid}`
  progress(`${name}: registering ${senders * 2} users`)
  const pairs = []
  for (let i = 0; i < senders; i++) {
    const from = `${run}-s${i}`
    const to = `${run}-r${i}`
    await register(first, from, "bench-password")
    await register(first, to, "bench-password")
    const sender = new WeftClient({ ...first, userId: from, password: "bench-password", cursor: "head" })
    const receiver = new WeftClient({ ...last, userId: to, password: "bench-password", cursor: "head" })
    await sender.connect()
    await receiver.connect()
    pairs.push({ sender, receiver, to })
  }
  let received = 0
  for (const { receiver } of pairs) receiver.on("message", () => received++)

  const latencies = []
  let counting = false
  let running = true
  const loops = pairs.map(async ({ sender, to }, p) => {
    for (let i = 0; running; i++) {
      const started = performance.now()
      await sender.send(to, `message ${i}`, `${p}-${i}`)
      if (counting) latencies.push(performance.now() - started)
    }
  })
  progress(`${name}: warming up for 1 s`)
  await new Promise((resolve) => setTimeout(resolve, 1000))
  counting = true
  const receivedBefore = received
  progress(`${name}: measuring for ${seconds} s with ${senders} senders`)
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  counting = false
  const sent = latencies.length
  const pushed = received - receivedBefore
  running = false
  await Promise.all(loops)
  for (const { sender, receiver } of pairs) {
    sender.close()
    receiver.close()
  }
  latencies.sort((a, b) => a - b)
  return {
    mode: name,
    senders,
    sentPerSecond: Math.round(sent / seconds),
    pushedPerSecond: Math.round(pushed / seconds),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(2))
  }
}

const results = []
try {
  progress("starting dev mode")
  const dev = await startDev()
  results.push(await measure("dev", dev))
  await dev.stop()

  progress("starting the local cluster (Redis, 2 runners, 2 gateways)")
  const cluster = await startLocalCluster({ runners: 2, gateways: 2, redisUrl: "redis://127.0.0.1:1" })
  try {
    results.push(
      await measure("cluster", {
        endpoints: cluster.gateways.map((gateway) => ({ host: "127.0.0.1", port: gateway.port }))
      })
    )
  } finally {
    await cluster.stop()
  }
} finally {
  clearTimeout(hardStop)
}

const base = results[0].sentPerSecond
const rows = results.map((r) => ({ ...r, ratioVsDev: Number((r.sentPerSecond / base).toFixed(2)) }))
console.log("\n1:1 send throughput (closed loop, acknowledged = stored in both logs)")
console.log("mode     senders  sent/s  pushed/s  p50 ms  p99 ms  ratio vs dev")
for (const r of rows) {
  console.log(
    `${r.mode.padEnd(8)} ${String(r.senders).padStart(7)} ${String(r.sentPerSecond).padStart(7)} ${String(r.pushedPerSecond).padStart(9)} ${String(r.p50Ms).padStart(7)} ${String(r.p99Ms).padStart(7)} ${String(r.ratioVsDev).padStart(13)}`
  )
}
mkdirSync(new URL("./results/", import.meta.url), { recursive: true })
const file = new URL(`./results/send-throughput-${new Date().toISOString().replace(/[:.]/g, "-")}.json`, import.meta.url)
writeFileSync(file, JSON.stringify({ machine: { cpus: (await import("node:os")).cpus().length }, results: rows }, null, 2))
console.log(`\nresults: ${fileURLToPath(file)}`)
process.exit(0)
