/**
 * Login storm: as many logins as fast as possible, from several client processes, each login a
 * new TCP connection and one AUTH round trip; the connections stay open until the storm is over
 * (as after a gateway restart). weft: `passwordLogins` password logins (each costs a salted
 * scrypt hash, N=2^14, on the server) and `resumeLogins` logins by resume token (the session
 * tokens the password logins returned, one device id per connection). The baselines accept any
 * token, so they show the cost of connection set-up alone (socket.io: its handshake + a login event).
 */
import { fork } from "node:child_process"
import { fileURLToPath } from "node:url"
import { performance } from "node:perf_hooks"
import { cpuMs, progress } from "../lib/servers.js"
import { summarize } from "../lib/stats.js"
import { PASSWORD, systems as known } from "../lib/systems.js"

const workerScript = fileURLToPath(new URL("../lib/login-worker.js", import.meta.url))

const startWorkers = (count) =>
  Promise.all(
    Array.from({ length: count }, () => {
      const child = fork(workerScript, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] })
      const queue = []
      const waiters = []
      child.on("message", (message) => (waiters.length > 0 ? waiters.shift()(message) : queue.push(message)))
      const next = (limitMs = 90_000) =>
        new Promise((resolve, reject) => {
          if (queue.length > 0) return resolve(queue.shift())
          const timer = setTimeout(() => reject(new Error("login worker: no answer")), limitMs)
          waiters.push((message) => (clearTimeout(timer), resolve(message)))
        })
      return { child, next, send: (message) => child.send(message) }
    })
  )

/** Runs `logins` spread over the workers; resolves with the combined outcome (tokens in order). */
const storm = async (workers, kind, endpoint, logins, concurrency, pids) => {
  const shares = workers.map((_, w) => logins.filter((_, i) => i % workers.length === w))
  workers.forEach((worker, w) => worker.send({ type: "prepare", kind, endpoint, logins: shares[w], concurrency }))
  for (const worker of workers) await worker.next()
  const cpu0 = pids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0)
  const started = performance.now()
  workers.forEach((worker) => worker.send({ type: "go" }))
  const results = []
  for (const worker of workers) results.push(await worker.next())
  const elapsed = performance.now() - started
  const serverCpu = pids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0) - cpu0
  workers.forEach((worker) => worker.send({ type: "close" }))
  for (const worker of workers) await worker.next()
  const ok = results.reduce((sum, r) => sum + r.ok, 0)
  const errors = {}
  for (const r of results) for (const [key, n] of Object.entries(r.errors)) errors[key] = (errors[key] ?? 0) + n
  const tokens = []
  logins.forEach((_, i) => tokens.push(results[i % workers.length].tokens[Math.floor(i / workers.length)]))
  const latency = summarize(results.flatMap((r) => r.latencies))
  return {
    attempted: logins.length,
    ok,
    failed: logins.length - ok,
    errors: Object.entries(errors).map(([key, n]) => `${key}: ${n}`).join(", "),
    seconds: Number((elapsed / 1000).toFixed(2)),
    loginsPerSecond: Math.round(ok / (elapsed / 1000)),
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    serverCpuMsPerLogin: ok > 0 ? Number((serverCpu / ok).toFixed(3)) : null,
    tokens
  }
}

export const run = async (options = {}) => {
  const {
    systems = ["weft", "net relay", "socket.io relay"],
    resumeLogins = 10_000,
    passwordLogins = 200,
    workers: workerCount = 2,
    concurrency = 100
  } = options
  const rows = []
  const workers = await startWorkers(workerCount)
  try {
    for (const name of systems) {
      const system = known[name]
      progress(`login storm: starting ${name}`)
      const server = await system.start()
      try {
        const endpoint = name === "socket.io relay" ? { url: server.url } : { host: server.senderEndpoint.host, port: server.senderEndpoint.port }
        const kind = name === "socket.io relay" ? "socketio" : "frames"
        const prefix = `l${process.pid.toString(36)}${name.replace(/[^a-z]/g, "").slice(0, 6)}u`
        const users = Array.from({ length: passwordLogins }, (_, i) => `${prefix}${i}`)
        let tokens = users.map(() => "resume-token")
        if (name !== "net relay" && name !== "socket.io relay") {
          progress(`login storm: ${name}: registering ${users.length} users`)
          await system.prepare(server, users)
          progress(`login storm: ${name}: ${users.length} password logins`)
          const logins = users.map((userId) => ({ userId, password: PASSWORD, deviceId: `${userId}-pw` }))
          const result = await storm(workers, kind, endpoint, logins, concurrency, server.pids)
          tokens = result.tokens
          delete result.tokens
          rows.push({ scenario: "login storm", system: name, login: "password (scrypt)", ...result })
          progress(`login storm: ${name}: ${result.ok} password logins in ${result.seconds} s (${result.loginsPerSecond}/s), ${result.failed} failed ${result.errors}`)
          const missing = users.map((userId, i) => ({ userId, i })).filter(({ i }) => !tokens[i])
          if (missing.length > 0) {
            // Not measured: the resume storm needs a token per user, so the failed ones log in again, gently.
            progress(`login storm: ${name}: logging ${missing.length} users in again (4 at a time) for their tokens`)
            const retry = await storm(workers, kind, endpoint, missing.map(({ userId }) => ({ userId, password: PASSWORD, deviceId: `${userId}-pw2` })), 2, server.pids)
            missing.forEach(({ i }, k) => (tokens[i] = retry.tokens[k]))
            if (tokens.some((t) => !t)) throw new Error("some users could not log in with their password")
          }
        }
        progress(`login storm: ${name}: ${resumeLogins} resume-token logins over ${workerCount} client processes`)
        const logins = Array.from({ length: resumeLogins }, (_, i) => ({
          userId: users[i % users.length],
          resumeToken: tokens[i % users.length],
          deviceId: `${users[i % users.length]}-d${i}`
        }))
        const result = await storm(workers, kind, endpoint, logins, concurrency, server.pids)
        delete result.tokens
        rows.push({ scenario: "login storm", system: name, login: "resume token", ...result })
        progress(`login storm: ${name}: ${result.ok} resume logins in ${result.seconds} s (${result.loginsPerSecond}/s), ${result.failed} failed`)
      } finally {
        await server.stop()
      }
    }
  } finally {
    for (const worker of workers) worker.child.kill()
  }
  return rows
}

export const tables = (rows) => [
  {
    title: "login storm (new TCP connection + one AUTH round trip each; connections kept open; 2 client processes)",
    columns: [
      { key: "system", title: "system" },
      { key: "login", title: "login" },
      { key: "attempted", title: "logins" },
      { key: "ok", title: "ok" },
      { key: "failed", title: "failed" },
      { key: "seconds", title: "seconds" },
      { key: "loginsPerSecond", title: "logins/s" },
      { key: "p50Ms", title: "p50 ms" },
      { key: "p99Ms", title: "p99 ms" },
      { key: "serverCpuMsPerLogin", title: "server CPU ms/login" },
      { title: "errors", value: (row) => row.errors || "" }
    ],
    rows
  }
]
