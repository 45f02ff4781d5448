/**
 * Sync catch-up: a device that missed N changes connects with cursor 0 and pulls them all.
 * Measured from the start of the login (by resume token: one round trip, no password hash) to
 * the last change applied, at three sizes; the median of three devices.
 */
import { register, WeftClient } from "../../dist/index.js"
import { progress, startDevServer } from "../lib/servers.js"

const fill = async (server, from, to, count) => {
  const sender = new WeftClient({ ...server, userId: from, password: "bench-password", cursor: "head" })
  await sender.connect()
  // Pipelined in windows of 200: bounded, and fast enough to fill 10k in a few seconds.
  for (let i = 0; i < count; i += 200) {
    const batch = []
    for (let j = i; j < Math.min(count, i + 200); j++) batch.push(sender.send(to, `change ${j}`, `fill-${j}`))
    await Promise.all(batch)
  }
  sender.close()
}

export const run = async ({ sizes = [1000, 10000, 30000] } = {}) => {
  const server = await startDevServer()
  const rows = []
  try {
    for (const size of sizes) {
      const from = `catchup-from-${size}`
      const to = `catchup-to-${size}`
      await register(server, from, "bench-password")
      await register(server, to, "bench-password")
      progress(`sync catch-up: writing ${size} changes`)
      await fill(server, from, to, size)
      // A device coming back resumes its session by token (no scrypt on the way), as the SDK does.
      const first = new WeftClient({ ...server, userId: to, password: "bench-password", cursor: "head", reconnect: false })
      await first.connect()
      const resumeToken = first.sessionToken
      first.close()
      const timings = []
      for (let attempt = 0; attempt < 3; attempt++) {
        const device = new WeftClient({ ...server, userId: to, resumeToken, cursor: 0, reconnect: false })
        let applied = 0
        device.on("change", () => applied++)
        const started = performance.now()
        await device.connect() // logs in and syncs every page before resolving
        timings.push(performance.now() - started)
        if (applied !== size) throw new Error(`synced ${applied} of ${size} changes`)
        device.close()
      }
      timings.sort((a, b) => a - b)
      rows.push({ scenario: "sync catch-up", size, medianMs: Number(timings[1].toFixed(1)), changesPerSecond: Math.round(size / (timings[1] / 1000)) })
      progress(`sync catch-up: ${size} changes in ${timings[1].toFixed(1)} ms (median of 3)`)
    }
  } finally {
    await server.stop()
  }
  return rows
}

export const tables = (rows) => [
  {
    title: "sync catch-up (a device resumes by token with cursor 0 and pulls the whole log; median of 3)",
    columns: [
      { key: "size", title: "changes" },
      { key: "medianMs", title: "login + sync ms" },
      { key: "changesPerSecond", title: "changes/s" }
    ],
    rows
  }
]
