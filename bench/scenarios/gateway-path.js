/**
 * The whole server path of a 1:1 message in one process, without the kernel: frames go into
 * weft's LongConnection objects (the gateway's per-connection code: frame decoding, a fiber per
 * command, request id, the sendmessage handler, the actors, memory storage, pushes, the ack and
 * the coalesced writes) and come out of a wire that hands them straight back to the sender's
 * loop. What `bench:one-to-one` measures beyond this is the sockets: reads, writes and wake-ups,
 * which the net relay pays as well. Batches alternate between metrics on and off (`--metrics
 * off`), so the metrics' share of this path comes from the same process and the same minutes.
 * CPU time from process.cpuUsage (user + system).
 */
import { fileURLToPath } from "node:url"
import { progress } from "../lib/servers.js"
import { quantile, round } from "../lib/stats.js"

const here = fileURLToPath(new URL("../..", import.meta.url))

/**
 * `pairs` logged-in sender/receiver pairs of in-process connections of the `root` build.
 * `measure(batch)` has every lane send until `batch` more messages are acknowledged and returns
 * the CPU µs per acknowledged message; `dispose()` ends it. bench/allocation.js drives it too.
 */
export const harness = async ({ pairs = 16, root = here } = {}) => {
  const { Layer, ManagedRuntime, Scope } = await import(`${root}/node_modules/effect/dist/index.js`)
  const Instruments = await import(`${root}/dist/metrics/Instruments.js`)
  const Commands = await import(`${root}/dist/gateway/Commands.js`)
  const { engine } = await import(`${root}/dist/cluster/Dev.js`)
  const { withOverrides } = await import(`${root}/dist/cluster/Settings.js`)
  const Presence = await import(`${root}/dist/cluster/Presence.js`)
  const { GatewayConfig, defaultGatewaySettings } = await import(`${root}/dist/gateway/GatewayConfig.js`)
  const { makeConnections } = await import(`${root}/dist/gateway/Connection.js`)
  const { encodeFrame, HEADER_SIZE } = await import(`${root}/dist/protocol/Frame.js`)
  const { Command } = await import(`${root}/dist/protocol/Command.js`)
  const { Codecs } = await import(`${root}/dist/protocol/Proto.js`)

  const runtime = ManagedRuntime.make(
    Layer.mergeAll(Presence.layerLocal, Layer.succeed(GatewayConfig, { ...defaultGatewaySettings, tcpPorts: [] }))
      .pipe(Layer.provideMerge(Commands.layer.pipe(Layer.provideMerge(engine(withOverrides())))))
  )
  const scope = Scope.makeUnsafe()
  try {
    const connections = await runtime.runPromise(Scope.provide(makeConnections("tcp", 0), scope))
    const commands = await runtime.runPromise(Commands.Commands)
    /**
     * A connection whose wire hands the command of each frame the server writes to `onCommand`:
     * read from the frame's header, without decoding it (each buffer written is whole frames),
     * so the harness allocates nothing of its own there.
     */
    const connect = (onCommand) => {
      const wire = {
        write: (frames) => {
          for (const bytes of frames) {
            // The header (Frame.ts): body length u32, version u8, command u16, request id u32.
            for (let at = 0; at + HEADER_SIZE <= bytes.length;) {
              const length = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0
              onCommand((bytes[at + 5] << 8) | bytes[at + 6])
              at += HEADER_SIZE + length
            }
          }
        },
        buffered: () => 0,
        pause() {},
        resume() {},
        end() {}
      }
      return connections.accept(wire, "127.0.0.1")
    }
    let requestId = 1
    let acked = 0
    let target = 0
    let batchDone = () => {}
    const lanes = []
    const requestOf = (lane, sequence, requestId) => encodeFrame(Command.SEND_MESSAGE, requestId, Codecs.SendMessageRequest.encode({
      to: lane.to,
      type: 0,
      text: "hello",
      clientMsgId: `m${sequence}`
    }))
    // A request made ahead (`prepare`), else made now (counted: `madeOnTheWay`).
    let madeOnTheWay = 0
    const sendNext = (lane) => {
      const frame = lane.ready.pop() ?? (madeOnTheWay++, requestOf(lane, lane.sent, requestId++))
      lane.sent++
      lane.sender.received(frame)
    }
    /** Makes the next `count` requests of every lane ahead, so that sending them allocates nothing of the harness's. */
    const prepare = (count) => {
      for (const lane of lanes) {
        const made = []
        for (let i = 0; i < count; i++) made.push(requestOf(lane, lane.sent + i, requestId++))
        lane.ready = made.reverse()
      }
    }
    for (let i = 0; i < pairs; i++) {
      const lane = { sent: 0, ready: [], to: `gp${i}r`, busy: false }
      for (const userId of [`gp${i}s`, lane.to]) {
        // One address per pair: registrations are rate-limited per address.
        await runtime.runPromise(commands.register({ userId, password: "password-1", displayName: "" }, `10.9.${i}.1`))
      }
      lane.receiver = connect(() => {})
      lane.sender = connect((command) => {
        if (command !== Command.SEND_MESSAGE) return
        acked++
        if (acked < target) return sendNext(lane)
        lane.busy = false
        if (lanes.every((each) => !each.busy)) batchDone()
      })
      for (const [connection, userId] of [[lane.sender, `gp${i}s`], [lane.receiver, lane.to]]) {
        connection.received(encodeFrame(Command.AUTH, requestId++, Codecs.AuthRequest.encode({ userId, password: "password-1", deviceId: "bench" })))
      }
      lanes.push(lane)
    }
    const started = performance.now()
    while (!lanes.every((lane) => lane.sender.caller !== undefined && lane.receiver.caller !== undefined)) {
      if (performance.now() - started > 30_000) throw new Error("gateway-path: the logins did not finish within 30 s")
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    /** CPU µs per acknowledged message over one batch (every lane sends until `batch` more are acked). */
    const measure = async (batch = 5000) => {
      const from = acked
      target = acked + batch
      const cpu = process.cpuUsage()
      await new Promise((resolve) => {
        batchDone = resolve
        for (const lane of lanes) {
          lane.busy = true
          sendNext(lane)
        }
      })
      const used = process.cpuUsage(cpu)
      return (used.user + used.system) / (acked - from)
    }
    const { setRecording } = Instruments
    return { measure, prepare, setRecording, acked: () => acked, madeOnTheWay: () => madeOnTheWay, dispose: () => runtime.dispose() }
  } catch (error) {
    await runtime.dispose()
    throw error
  }
}

export const run = async (options = {}) => {
  const { pairs = 16, batch = 5000, rounds = 12, root = here } = options
  const { measure, setRecording, acked, dispose } = await harness({ pairs, root })
  try {
    await measure()
    await measure()
    const on = []
    const off = []
    const ratios = []
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [true, false] : [false, true]
      const got = new Map()
      for (const recording of order) {
        setRecording(recording)
        got.set(recording, await measure(batch))
      }
      on.push(got.get(true))
      off.push(got.get(false))
      ratios.push(got.get(false) / got.get(true))
      progress(`gateway-path: round ${r + 1}: ${round(got.get(true))} µs with metrics, ${round(got.get(false))} without`)
    }
    setRecording(true)
    return [{
      pairs,
      messages: acked(),
      withMetrics: round(quantile(on, 0.5)),
      withoutMetrics: round(quantile(off, 0.5)),
      metricsShareQ1: round(100 * (1 - quantile(ratios, 0.75)), 1),
      metricsShare: round(100 * (1 - quantile(ratios, 0.5)), 1),
      metricsShareQ3: round(100 * (1 - quantile(ratios, 0.25)), 1)
    }]
  } finally {
    await dispose()
  }
}

export const tables = (rows) => [{
  title: "the server path of a 1:1 message in one process, without sockets (CPU µs per message, medians of alternating batches)",
  columns: [
    { key: "pairs", title: "sender/receiver pairs" },
    { key: "messages", title: "messages" },
    { key: "withMetrics", title: "µs, metrics on" },
    { key: "withoutMetrics", title: "µs, metrics off" },
    { key: "metricsShareQ1", title: "metrics' share q1 %" },
    { key: "metricsShare", title: "median %" },
    { key: "metricsShareQ3", title: "q3 %" }
  ],
  rows
}]
