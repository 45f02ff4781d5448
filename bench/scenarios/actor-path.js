/**
 * The actor path of one 1:1 message, in one process and without sockets: what a send costs
 * from the command handler down (Messenger -> ChangeLog of the recipient -> ChangeLog of the
 * sender, memory storage, two pushes handed to registered connections), against a baseline of
 * plain functions doing the same storage work on Maps (dedupe, two log appends, the sent
 * record, the change and push encodings). Rounds alternate between the two in one process.
 * CPU time per message from process.cpuUsage (user + system), so a busy machine skews it less
 * than wall time.
 */
import { fileURLToPath } from "node:url"
import { encodePushFrame } from "../../dist/protocol/prebuilt.js"
import { Codecs } from "../../dist/protocol/Proto.js"
import { progress } from "../lib/servers.js"
import { round } from "../lib/stats.js"

const here = fileURLToPath(new URL("../..", import.meta.url))

/**
 * weft's actors, as dev mode composes them, driven through the sendmessage command handler —
 * from the checkout at `root` (its dist/ and its own node_modules: bench/ab-actor-path.js loads
 * two checkouts into one process this way).
 */
export const weftActors = async (root = here) => {
  const { Layer, ManagedRuntime, Scope } = await import(`${root}/node_modules/effect/dist/index.js`)
  const Commands = await import(`${root}/dist/gateway/Commands.js`)
  const { ConnectionRegistry } = await import(`${root}/dist/gateway/ConnectionRegistry.js`)
  const { engine } = await import(`${root}/dist/cluster/Dev.js`)
  const { withOverrides } = await import(`${root}/dist/cluster/Settings.js`)
  const runtime = ManagedRuntime.make(Commands.layer.pipe(Layer.provideMerge(engine(withOverrides()))))
  const commands = await runtime.runPromise(Commands.Commands)
  const registry = await runtime.runPromise(ConnectionRegistry)
  for (const userId of ["alice", "bob"]) {
    await runtime.runPromise(commands.register({ userId, password: "password-1", displayName: "" }))
  }
  const login = await runtime.runPromise(commands.auth({ userId: "alice", password: "password-1" }))
  const scope = Scope.makeUnsafe()
  let pushed = 0
  const target = { connectionId: 1, deviceId: "", platform: 0, sessionToken: "", offer: () => pushed++, kick: () => {} }
  for (const userId of ["alice", "bob"]) await runtime.runPromise(registry.register(userId, target).pipe(Scope.provide(scope)))
  const send = commands.byName("sendmessage")
  const caller = { userId: "alice", deviceId: "", sessionToken: login.response.sessionToken, transport: "tcp" }
  return {
    send: (clientMsgId) => runtime.runPromise(send.handle(caller, { to: "bob", type: 0, text: "hello bob", clientMsgId })),
    pushed: () => pushed,
    close: () => runtime.dispose()
  }
}

/** The same storage work as plain functions over Maps: the floor of this runtime for it. */
const plainFunctions = async () => {
  const accounts = new Set(["alice", "bob"])
  const logs = new Map()
  const sent = new Map()
  let pushed = 0
  const logOf = (userId) => {
    let log = logs.get(userId)
    if (log === undefined) logs.set(userId, log = { entries: [], dedupe: new Map() })
    return log
  }
  const append = (userId, message, dedupeKey) => {
    const log = logOf(userId)
    const seen = log.dedupe.get(dedupeKey)
    if (seen !== undefined) return seen
    const entry = { seq: log.entries.length + 1, data: Codecs.Change.encode({ seq: log.entries.length + 1, atMs: Date.now(), message }) }
    log.entries.push(entry)
    log.dedupe.set(dedupeKey, entry)
    encodePushFrame(entry.data)
    pushed++
    return entry
  }
  const send = async (from, to, text, clientMsgId) => {
    const key = `${from}/${clientMsgId}`
    if (sent.has(key) || !accounts.has(to)) throw new Error("refused")
    const message = { messageId: key, from, to, groupId: "", type: 0, text, clientMsgId, sentAtMs: Date.now() }
    append(to, message, `msg:${key}`)
    const own = append(from, message, `msg:${key}`)
    sent.set(key, new TextEncoder().encode(JSON.stringify({ to, groupId: "", sentAtMs: message.sentAtMs })))
    return { messageId: key, seq: own.seq }
  }
  return { send: (clientMsgId) => send("alice", "bob", "hello bob", clientMsgId), pushed: () => pushed, close: async () => {} }
}

const measure = async (system, tag, count) => {
  const wallStart = performance.now()
  const cpuStart = process.cpuUsage()
  for (let i = 0; i < count; i++) await system.send(`${tag}-${i}`)
  const cpu = process.cpuUsage(cpuStart)
  const wall = performance.now() - wallStart
  return { cpuMicros: (cpu.user + cpu.system) / count, perSecond: count / (wall / 1000) }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

export const run = async (options = {}) => {
  const { messages = 20_000, rounds = 3 } = options
  const systems = { "weft actors": await weftActors(), "plain functions": await plainFunctions() }
  const samples = Object.fromEntries(Object.keys(systems).map((name) => [name, []]))
  try {
    for (const [name, system] of Object.entries(systems)) await measure(system, `warm-${name}`, Math.min(2000, messages))
    for (let r = 0; r < rounds; r++) {
      for (const [name, system] of Object.entries(systems)) {
        const sample = await measure(system, `r${r}-${name}`, messages)
        samples[name].push(sample)
        progress(`actor-path: round ${r + 1}, ${name}: ${round(sample.cpuMicros)} µs CPU per message`)
      }
    }
  } finally {
    for (const system of Object.values(systems)) await system.close()
  }
  const floor = median(samples["plain functions"].map((s) => s.cpuMicros))
  return Object.entries(samples).map(([system, list]) => {
    const cpu = median(list.map((s) => s.cpuMicros))
    return {
      system,
      messages: messages * rounds,
      cpuMicrosPerMessage: round(cpu),
      cpuMin: round(Math.min(...list.map((s) => s.cpuMicros))),
      cpuMax: round(Math.max(...list.map((s) => s.cpuMicros))),
      messagesPerSecond: Math.round(median(list.map((s) => s.perSecond))),
      vsPlain: round(cpu / floor)
    }
  })
}

export const tables = (rows) => [{
  title: "actor path of a 1:1 message, in one process (command handler -> actors -> memory storage -> pushes), median of the rounds",
  columns: [
    { key: "system", title: "system" },
    { key: "messages", title: "messages" },
    { key: "cpuMicrosPerMessage", title: "CPU µs/message" },
    { key: "cpuMin", title: "min" },
    { key: "cpuMax", title: "max" },
    { key: "messagesPerSecond", title: "messages/s (one caller)" },
    { key: "vsPlain", title: "x plain functions" }
  ],
  rows
}]
