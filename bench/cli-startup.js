#!/usr/bin/env node
/**
 * node bench/cli-startup.js [--runs N] — how soon the weft command is useful:
 * - `weft help`: from spawn to exit;
 * - `weft client … send`: from spawn to the first byte on the wire, at a loopback listener that
 *   only records when the first byte arrives (the login frame) and then hangs up.
 * Medians over N runs (10 by default), one after another on 127.0.0.1. Targets (issue 16):
 * help <= 300 ms, first byte <= 500 ms. `node -e 0` is timed alongside: on a busy machine every
 * figure grows, and the difference to it is what weft's own start-up costs.
 */
import { spawn } from "node:child_process"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

const { values } = parseArgs({ options: { runs: { type: "string", default: "10" } } })
const runs = Math.max(1, Math.min(100, Number(values.runs) || 10))
const bin = fileURLToPath(new URL("../bin/weft.js", import.meta.url))

const timeToExit = (args) => () =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, args, { stdio: "ignore" })
    child.once("error", reject)
    child.once("exit", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(" ")} exited ${code}`))))
  })

const listener = await new Promise((resolve) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => resolve(server))
})
const port = listener.address().port
let firstByte = () => {}
listener.on("connection", (socket) => {
  socket.once("data", () => {
    firstByte()
    socket.destroy()
  })
  socket.on("error", () => {})
})

const timeToFirstByte = () =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, [bin, "client", "--server", `127.0.0.1:${port}`, "--user", "bench", "--password", "bench-password", "send", "someone", "hello"], { stdio: "ignore" })
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error("no byte within 10 s"))
    }, 10_000)
    firstByte = () => {
      clearTimeout(timer)
      resolve(performance.now() - start)
    }
    child.once("error", reject)
  }).finally(() => new Promise((resolve) => setTimeout(resolve, 50)))

const summary = async (measure) => {
  await measure() // warm-up: the file system cache
  const times = []
  for (let i = 0; i < runs; i++) times.push(await measure())
  times.sort((a, b) => a - b)
  return { min: times[0], median: times[Math.floor(times.length / 2)], max: times[times.length - 1] }
}

const rows = [
  // The floor on this machine at this moment: Node itself, doing nothing.
  ["node -e 0: spawn to exit", await summary(timeToExit(["-e", "0"])), undefined],
  ["weft help: spawn to exit", await summary(timeToExit([bin, "help"])), 300],
  ["weft client send: spawn to first byte", await summary(timeToFirstByte), 500]
]
listener.close()

console.log(`CLI start-up, ${runs} runs each (Node ${process.versions.node})`)
console.log("what                                    min ms  median ms  max ms  target ms  met")
for (const [what, { min, median, max }, target] of rows) {
  console.log(
    `${what.padEnd(38)}  ${min.toFixed(0).padStart(6)}  ${median.toFixed(0).padStart(9)}  ${max.toFixed(0).padStart(6)}  ${String(target ?? "").padStart(9)}  ${target === undefined ? "" : median <= target ? "yes" : "no"}`
  )
}
