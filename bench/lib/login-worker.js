/**
 * A login-storm client process (started by scenarios/login-storm.js with fork): receives a list
 * of logins, performs them with `concurrency` in flight when told "go", keeps every connection
 * open, reports the outcome and closes everything when told "close". Messages (IPC):
 *
 *   in:  { type: "prepare", kind: "frames" | "socketio", endpoint, logins: [{ userId, password?,
 *          resumeToken?, deviceId }], concurrency }      out: { type: "ready" }
 *   in:  { type: "go" }      out: { type: "done", ok, failed, errors, latencies, tokens, elapsedMs }
 *   in:  { type: "close" }   out: { type: "closed" } (the parent ends the process)
 */
import { performance } from "node:perf_hooks"
import { io as ioClient } from "socket.io-client"
import { login } from "./frame-client.js"
import { pool } from "./stats.js"

let job
const open = []

const loginFrames = async (endpoint, spec) => {
  const client = await login(endpoint, spec)
  open.push(() => client.close())
  return client.sessionToken
}

const loginSocketIo = (endpoint, spec) =>
  new Promise((resolve, reject) => {
    const socket = ioClient(endpoint.url, { transports: ["websocket"], forceNew: true, reconnection: false, timeout: 15_000 })
    open.push(() => socket.close())
    socket.once("connect_error", reject)
    socket.once("connect", () => socket.emit("login", { userId: spec.userId, token: spec.resumeToken }, (answer) => (answer?.ok ? resolve(answer.token) : reject(new Error("refused")))))
  })

process.on("disconnect", () => process.exit(0))
process.on("message", async (message) => {
  if (message.type === "prepare") {
    job = message
    process.send({ type: "ready" })
  } else if (message.type === "go") {
    const { kind, endpoint, logins, concurrency } = job
    const latencies = new Array(logins.length)
    const tokens = new Array(logins.length)
    const errors = {}
    let ok = 0
    const started = performance.now()
    const deadline = started + 60_000
    await pool(logins.length, concurrency, async (i) => {
      if (performance.now() > deadline) {
        errors.timeout = (errors.timeout ?? 0) + 1
        return
      }
      const t0 = performance.now()
      try {
        const attempt = kind === "socketio" ? loginSocketIo(endpoint, logins[i]) : loginFrames(endpoint, logins[i])
        tokens[i] = await Promise.race([attempt, new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 15_000).unref())])
        latencies[i] = performance.now() - t0
        ok++
      } catch (error) {
        const key = error.code !== undefined ? `status ${error.code}` : String(error.message ?? error).slice(0, 60)
        errors[key] = (errors[key] ?? 0) + 1
      }
    })
    process.send({
      type: "done",
      ok,
      failed: logins.length - ok,
      errors,
      latencies: latencies.filter((l) => l !== undefined),
      tokens: logins.some((l) => l.password) ? tokens : [],
      elapsedMs: performance.now() - started
    })
  } else if (message.type === "close") {
    for (const close of open.splice(0)) close()
    process.send({ type: "closed" })
  }
})
