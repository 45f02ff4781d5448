/**
 * The instruments weft measures itself with (effect/Metric), exposed in Prometheus text on the
 * admin port. Names and labels are stable: dashboards and alerts depend on them.
 */
import { Effect, Metric } from "effect"
import { statusName } from "../protocol/Status.ts"

/** Calls of each protocol command, by command, transport and status. */
export const commandsTotal = Metric.counter("weft_commands_total", {
  description: "Protocol commands handled, by command, transport and status code name",
  incremental: true
})

/** Latency of each protocol command, in seconds. */
export const commandDuration = Metric.histogram("weft_command_duration_seconds", {
  description: "Time from a command's arrival to its response being queued",
  boundaries: Metric.exponentialBoundaries({ start: 0.0005, factor: 2, count: 16 })
})

/** Live connections, by transport. */
export const connectionsOpen = Metric.gauge("weft_connections", {
  description: "Open client connections, by transport"
})

/** Connections closed, by reason (peer closed, idle timeout, framing error, slow consumer). */
export const connectionsClosed = Metric.counter("weft_connections_closed_total", {
  description: "Client connections closed, by reason",
  incremental: true
})

/** Bytes read from and written to client connections, by transport and direction (in, out). */
export const bytesTotal = Metric.counter("weft_bytes_total", {
  description: "Bytes on client connections, by transport and direction",
  incremental: true
})

/** Changes pushed to live connections. */
export const pushesTotal = Metric.counter("weft_pushes_total", {
  description: "Changes pushed to live connections",
  incremental: true
})

/** A command answered with an error: internal failures at error level, the rest at info. */
export const logFailure = (error: { readonly code: number; readonly message: string }) =>
  error.code >= 5000
    ? Effect.logError("command failed", { status: statusName(error.code), message: error.message })
    : Effect.logInfo("command refused", { status: statusName(error.code), message: error.message })

/** Records one command: count by status, latency. */
export const recordCommand = (command: string, transport: string, code: number, startedAt: number) =>
  Effect.andThen(
    Metric.update(
      Metric.withAttributes(commandsTotal, { command, transport, status: statusName(code) }),
      1
    ),
    Metric.update(Metric.withAttributes(commandDuration, { command, transport }), (performance.now() - startedAt) / 1000)
  )
