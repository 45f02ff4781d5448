/**
 * The instruments weft measures itself with (effect/Metric), exposed in Prometheus text on the
 * admin port. Names and labels are stable: dashboards and alerts depend on them.
 */
import { Context, Effect, Metric } from "effect"
import { statusName } from "../protocol/Status.ts"

/**
 * A metric with labels, one series per combination of label values. Each series is its own metric
 * object with its labels fixed when it is first used, so an update is a map lookup: no key is
 * rebuilt per update (which is what `Metric.withAttributes` on a shared metric costs).
 */
export const labelled = <M>(make: (attributes: Readonly<Record<string, string>>) => M) => {
  const series = new Map<string, M>()
  return (attributes: Readonly<Record<string, string>>): M => {
    let key = ""
    for (const name in attributes) key += `${attributes[name]}\u0000`
    let metric = series.get(key)
    if (metric === undefined) {
      metric = make(attributes)
      series.set(key, metric)
    }
    return metric
  }
}

let recording = true

/**
 * Turns recording of weft's own metrics on or off for this process (`--metrics off`). Off exists
 * to measure what the metrics cost (bench/metrics-overhead.js); /metrics then shows no traffic.
 */
export const setRecording = (on: boolean): void => {
  recording = on
}

/** Whether this process records its metrics. */
export const isRecording = (): boolean => recording

// weft never provides a MetricRegistry of its own: every series lives in the default registry,
// which an empty context resolves to (the one /metrics reads). Recording then needs no effect:
// hot paths record synchronously.
const defaultRegistry = Context.empty()

interface Hooks {
  readonly update: (input: any, context: Context.Context<never>) => void
}
// Kept on the metric object itself: a property read per update instead of a lookup.
const HOOKS = Symbol("weft/metrics/hooks")
const hooksOf = (metric: Metric.Metric<any, any>): Hooks => {
  let found = (metric as unknown as { [HOOKS]?: Hooks })[HOOKS]
  if (found === undefined) {
    // A gauge, or a metric weft did not make: effect's hooks, found once (`hook` is effect
    // 4.1's, not in its typings; without it every update takes the public path).
    const hook = (metric as unknown as { hook?: (context: Context.Context<never>) => Hooks }).hook
    found = typeof hook === "function"
      ? hook.call(metric, defaultRegistry)
      : { update: (input, context) => metric.updateUnsafe(input, context) }
    ;(metric as unknown as { [HOOKS]?: Hooks })[HOOKS] = found
  }
  return found
}

/**
 * weft's counters and histograms are effect metrics — /metrics, the dashboard and Metric.value
 * read them like any other — whose series keep their state in weft's own numbers, registered in
 * the default registry (`Metric.registerUnsafe`): an observation is a few array writes. effect's
 * own histogram keeps its sum and bounds in closure variables (a heap number allocated per update)
 * and costs ~3x as much (bench/README.md, eighth session), and a message makes a dozen
 * observations and as many counts. Such a series is updated through `record`/`update` only
 * (effect's `Metric.update` would not reach it). One state per series: two metric objects with
 * the same name and labels share it.
 */
const series = new Map<string, Metric.Metric.Hooks<number, any>>()
const seriesKey = (name: string, attributes: Readonly<Record<string, string>> | undefined) =>
  attributes === undefined ? name : `${name}${JSON.stringify(Object.entries(attributes).sort())}`

/**
 * The series' numbers, side by side in a few large arrays, in the order the series are made: the
 * series one actor message updates together (made together) share cache lines, where an array
 * each would touch a line per series and per array header — on a path a message takes with ~30
 * updates, that is most of their cost once other work has evicted them.
 */
const ARENA_SIZE = 8192
let arena = new Float64Array(ARENA_SIZE)
let arenaUsed = 0
const claim = (length: number): { readonly array: Float64Array; readonly at: number } => {
  if (arenaUsed + length > arena.length) {
    arena = new Float64Array(Math.max(ARENA_SIZE, length))
    arenaUsed = 0
  }
  const at = arenaUsed
  arenaUsed += length
  return { array: arena, at }
}

const registered = <M extends Metric.Metric<number, any>>(
  metric: M,
  key: string,
  make: () => Metric.Metric.Hooks<number, any>
): M => {
  let hooks = series.get(key)
  if (hooks === undefined) {
    hooks = make()
    series.set(key, hooks)
    Metric.registerUnsafe(metric, defaultRegistry, hooks)
  }
  ;(metric as unknown as { [HOOKS]?: Hooks })[HOOKS] = hooks
  return metric
}

/** A counter (numbers): effect's, with its series' state kept by weft (see above). */
export const counter = (
  name: string,
  options: { readonly description: string; readonly incremental?: boolean; readonly attributes?: Readonly<Record<string, string>> }
): Metric.Counter<number> =>
  registered(Metric.counter(name, options), seriesKey(name, options.attributes), () => {
    const { array, at } = claim(1)
    const incremental = options.incremental === true
    const add = (input: number) => {
      if (!incremental || input >= 0) array[at] = array[at]! + input
    }
    return { get: () => ({ count: array[at]!, incremental }), update: add, modify: add }
  })

/** A histogram: effect's, with its series' state kept by weft (see above). */
export const histogram = (
  name: string,
  options: { readonly description: string; readonly boundaries: ReadonlyArray<number>; readonly attributes?: Readonly<Record<string, string>> }
): Metric.Histogram<number> =>
  registered(Metric.histogram(name, options), seriesKey(name, options.attributes), () => {
    const bounds = Float64Array.from(options.boundaries).sort()
    const size = bounds.length
    // count, sum, min, max, then the buckets (not cumulated; the last one past every bound):
    // the first buckets, where most observations fall, on the same cache line as the count.
    const { array, at } = claim(4 + size + 1)
    array[at + 2] = Number.MAX_VALUE
    array[at + 3] = -Number.MAX_VALUE
    const first = at + 4
    const observe = (value: number) => {
      // A scan from the bottom: it ends soonest for the commonest values.
      let i = 0
      while (i < size && value > bounds[i]!) i++
      array[first + i] = array[first + i]! + 1
      array[at] = array[at]! + 1
      array[at + 1] = array[at + 1]! + value
      if (value < array[at + 2]!) array[at + 2] = value
      if (value > array[at + 3]!) array[at + 3] = value
    }
    const get = (): Metric.HistogramState => {
      const cumulated: Array<[number, number]> = []
      let below = 0
      for (let i = 0; i < size; i++) cumulated.push([bounds[i]!, below += array[first + i]!])
      return { buckets: cumulated, count: array[at]!, sum: array[at + 1]!, min: array[at + 2]!, max: array[at + 3]! }
    }
    return { get, update: observe, modify: observe }
  })

/** Records `input` into `metric` now (a counter's increment, a histogram's observation). */
export const record = <Input, State>(metric: Metric.Metric<Input, State>, input: Input): void => {
  if (recording) hooksOf(metric).update(input, defaultRegistry)
}

/** `record` as an effect. */
export const update = <Input, State>(metric: Metric.Metric<Input, State>, input: Input): Effect.Effect<void> =>
  recording ? Effect.sync(() => hooksOf(metric).update(input, defaultRegistry)) : Effect.void

/** Adds `input` to a gauge now. */
export const adjust = <Input, State>(metric: Metric.Metric<Input, State>, input: Input): void => {
  if (recording) metric.modifyUnsafe(input, defaultRegistry)
}

/** Adds `input` to a gauge, as an effect. */
export const modify = <Input, State>(metric: Metric.Metric<Input, State>, input: Input): Effect.Effect<void> =>
  recording ? Effect.sync(() => metric.modifyUnsafe(input, defaultRegistry)) : Effect.void

/** Calls of each protocol command, by command, transport and status. */
export const commandsTotal = labelled((attributes) =>
  counter("weft_commands_total", {
    description: "Protocol commands handled, by command, transport and status code name",
    incremental: true,
    attributes
  })
)

/** Latency of each protocol command, in seconds. */
export const commandDuration = labelled((attributes) =>
  histogram("weft_command_duration_seconds", {
    description: "Time from a command's arrival to its response being queued",
    boundaries: Metric.exponentialBoundaries({ start: 0.0005, factor: 2, count: 16 }),
    attributes
  })
)

/** Live connections, by transport and listening port. */
export const connectionsOpen = labelled((attributes) =>
  Metric.gauge("weft_connections", {
    description: "Open client connections, by transport and listening port",
    attributes
  })
)

/** Connections closed, by reason (peer closed, idle timeout, framing error, slow consumer). */
export const connectionsClosed = labelled((attributes) =>
  counter("weft_connections_closed_total", {
    description: "Client connections closed, by reason",
    incremental: true,
    attributes
  })
)

/** Bytes read from and written to client connections, by transport and direction (in, out). */
export const bytesTotal = labelled((attributes) =>
  counter("weft_bytes_total", {
    description: "Bytes on client connections, by transport and direction",
    incremental: true,
    attributes
  })
)

/** Changes pushed to live connections. */
export const pushesTotal = counter("weft_pushes_total", {
  description: "Changes pushed to live connections",
  incremental: true
})

/** A command answered with an error: internal failures at error level, the rest at info. */
export const logFailure = (error: { readonly code: number; readonly message: string }) =>
  error.code >= 5000
    ? Effect.logError("command failed", { status: statusName(error.code), message: error.message })
    : Effect.logInfo("command refused", { status: statusName(error.code), message: error.message })

interface CommandSeries {
  readonly ok: Metric.Metric<number, unknown>
  readonly duration: Metric.Metric<number, unknown>
}

// The series of each command and transport, by transport then command name: two lookups of
// strings whose hashes V8 keeps, instead of a label key built per command (a flattened string
// and its hash, twice per command, on the hot path).
const commandSeries = new Map<string, Map<string, CommandSeries>>()
const seriesOfCommand = (command: string, transport: string): CommandSeries => {
  let byCommand = commandSeries.get(transport)
  if (byCommand === undefined) commandSeries.set(transport, byCommand = new Map())
  let series = byCommand.get(command)
  if (series === undefined) {
    series = { ok: commandsTotal({ command, transport, status: statusName(0) }), duration: commandDuration({ command, transport }) }
    byCommand.set(command, series)
  }
  return series
}

/** Records one command now: count by status, latency. */
export const countCommand = (command: string, transport: string, code: number, startedAt: number): void => {
  if (!recording) return
  const series = seriesOfCommand(command, transport)
  record(code === 0 ? series.ok : commandsTotal({ command, transport, status: statusName(code) }), 1)
  record(series.duration, (performance.now() - startedAt) / 1000)
}

/** `countCommand` as an effect. */
export const recordCommand = (command: string, transport: string, code: number, startedAt: number) =>
  !recording ? Effect.void : Effect.sync(() => countCommand(command, transport, code, startedAt))

/**
 * Offline notifications, by provider (apns, fcm, webpush, webhook) and outcome: sent,
 * invalid_token, throttled, failed (an attempt that is retried), rejected (a refusal not worth
 * retrying), expired (dropped at its deadline), skipped (the device came online or the
 * conversation was read before it was sent).
 */
export const notificationsTotal = labelled((attributes) =>
  counter("weft_notifications_total", {
    description: "Offline notifications handled, by provider and outcome",
    incremental: true,
    attributes
  })
)

/** Notifications waiting in this process's outbox view (dev mode: all of them). */
export const notificationsWaiting = Metric.gauge("weft_notifications_waiting", {
  description: "Offline notifications waiting to be sent"
})
