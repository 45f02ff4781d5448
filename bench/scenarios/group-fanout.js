/**
 * Group fan-out: one sender, groups of 10, 100 and 500 members (the sender included), every
 * member online on its own connection. For each size:
 *  - fan-out time: one message, from the send to the push reaching the last member (median of 3);
 *  - deliveries per second: M messages sent with a window of W unacknowledged, counted from the
 *    first send to the last push received by the other members (weft acknowledges a group
 *    message once it is in every member's log, so the window is a closed loop).
 * The same for the two baselines (in-memory member lists, no storage). If the server does not
 * serve groups (CREATE_GROUP answers UNKNOWN_COMMAND), the rows say "not available".
 */
import { performance } from "node:perf_hooks"
import { progress } from "../lib/servers.js"
import { pool, round, sleep } from "../lib/stats.js"
import { systems as known } from "../lib/systems.js"

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const fanOut = async (sender, members, groupId, { messages, window, limitMs, tag }) => {
  const recipients = members.length - 1
  const counts = new Map()
  let delivered = 0
  let waiting
  for (const member of members.slice(1)) {
    member.onMessage = (id) => {
      if (!id.startsWith(tag)) return
      delivered++
      const n = (counts.get(id) ?? 0) + 1
      counts.set(id, n)
      if (n === recipients) waiting?.(id)
    }
  }
  // Fan-out time of a single message, three times.
  const singles = []
  for (let k = 0; k < 3; k++) {
    const id = `${tag}single${k}`
    const started = performance.now()
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fan-out of one message to ${recipients} members not done within ${limitMs} ms`)), limitMs)
      waiting = (done) => done === id && (clearTimeout(timer), resolve())
      sender.sendGroup(groupId, "hello", id, (error) => error && reject(error))
    })
    singles.push(performance.now() - started)
  }
  // Throughput: `messages` sends, `window` unacknowledged at most.
  delivered = 0
  let errors = 0
  let acked = 0
  const target = messages * recipients
  const started = performance.now()
  let last = started
  for (const member of members.slice(1)) {
    const previous = member.onMessage
    member.onMessage = (id) => {
      previous(id)
      last = performance.now()
    }
  }
  const deadline = started + limitMs
  await pool(messages, window, (i) =>
    new Promise((resolve) => {
      if (performance.now() > deadline) return resolve()
      sender.sendGroup(groupId, "hello", `${tag}m${i}`, (error) => {
        if (error) errors++
        else acked++
        resolve()
      })
    })
  )
  while (delivered < acked * recipients && performance.now() < deadline) await sleep(5)
  const seconds = (last - started) / 1000
  return {
    fanOutMs: round(median(singles)),
    messages: acked,
    deliveries: delivered,
    deliveriesPerSecond: Math.round(delivered / seconds),
    messagesPerSecond: round(acked / seconds, 1),
    complete: delivered >= target,
    errors
  }
}

export const run = async (options = {}) => {
  const {
    systems = ["weft", "net relay", "socket.io relay"],
    sizes = [10, 100, 500],
    messages = { 10: 300, 100: 100, 500: 30 },
    window = 4,
    limitMs = 20_000
  } = options
  const rows = []
  const largest = Math.max(...sizes)
  for (const name of systems) {
    const system = known[name]
    progress(`group fan-out: starting ${name}`)
    const server = await system.start()
    try {
      const prefix = `g${process.pid.toString(36)}${name.replace(/[^a-z]/g, "").slice(0, 6)}m`
      const userIds = Array.from({ length: largest }, (_, i) => `${prefix}${i}`)
      progress(`group fan-out: ${name}: registering and connecting ${largest} members`)
      const started = performance.now()
      await system.prepare(server, userIds)
      const members = new Array(largest)
      await pool(largest, 16, async (i) => (members[i] = await system.connect(server, userIds[i], "receiver")))
      progress(`group fan-out: ${name}: ${largest} members online in ${((performance.now() - started) / 1000).toFixed(1)} s`)
      for (const size of sizes) {
        let groupId
        try {
          groupId = await members[0].createGroup(`bench ${size}`, userIds.slice(1, size))
        } catch (error) {
          if (error.code === 1001 || /1001|unknown command/i.test(String(error.message))) {
            progress(`group fan-out: ${name}: groups are not served (UNKNOWN_COMMAND): not available`)
            rows.push({ scenario: "group fan-out", system: name, members: size, available: false, note: "not available: CREATE_GROUP answered UNKNOWN_COMMAND" })
            continue
          }
          throw error
        }
        await sleep(200) // let the "group created" pushes settle
        const count = messages[size] ?? Math.max(10, Math.round(10_000 / size))
        progress(`group fan-out: ${name}: ${size} members, ${count} messages`)
        const result = await fanOut(members[0], members.slice(0, size), groupId, { messages: count, window, limitMs, tag: `${prefix}${size}.` })
        rows.push({ scenario: "group fan-out", system: name, members: size, available: true, ...result })
        progress(`group fan-out: ${name}: ${size} members: one message reaches all in ${result.fanOutMs} ms; ${result.deliveriesPerSecond} deliveries/s`)
      }
      for (const member of members) member?.close()
    } finally {
      await server.stop()
    }
  }
  return rows
}

export const tables = (rows) => [
  {
    title: "group fan-out (one sender; every member online; deliveries = pushes received by the other members)",
    columns: [
      { key: "system", title: "system" },
      { key: "members", title: "members" },
      { key: "fanOutMs", title: "1 message to all, ms" },
      { key: "messages", title: "messages" },
      { key: "deliveriesPerSecond", title: "deliveries/s" },
      { key: "messagesPerSecond", title: "messages/s" },
      { key: "complete", title: "all delivered" },
      { key: "errors", title: "errors" },
      { title: "note", value: (row) => row.note ?? "" }
    ],
    rows
  }
]
