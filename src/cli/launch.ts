/** How a server command runs once its flags are checked: its program until stopped, logging JSON. */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Logger } from "effect"

/** Server processes log one JSON object per line, with level, time and annotations (requestId...). */
export const jsonLogs = Logger.layer([Logger.consoleJson])

/** The innermost system error (EADDRINUSE, EACCES, ...) said in one line, naming the address. */
export const explainStartupFailure = (error: unknown): string => {
  let current: unknown = error
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    const { code, address, port } = current as { code?: unknown; address?: unknown; port?: unknown }
    if (typeof code === "string" && code.startsWith("E")) {
      const where = port === undefined ? "" : ` ${String(address)}:${String(port)}`
      const hint = code === "EADDRINUSE" ? " (port in use: choose another with --port/--http-port/--admin-port, or 0)" : ""
      return `${code}${where}${hint}`
    }
    current = (current as { cause?: unknown }).cause ?? (current as { reason?: unknown }).reason
  }
  // The first message along the chain: a wrapper (a StorageError, say) may carry none itself.
  for (let depth = 0, at: unknown = error; depth < 8 && at !== undefined && at !== null; depth++) {
    const message = (at as { message?: unknown }).message
    if (typeof message === "string" && message !== "") return message
    at = (at as { cause?: unknown }).cause ?? (at as { reason?: unknown }).reason
  }
  return String(error)
}

/** Runs `program` until the process is stopped; a failure to start is one line and exit code 1. */
export const launch = (name: string, program: Effect.Effect<unknown, unknown>) =>
  NodeRuntime.runMain(
    program.pipe(
      Effect.provide(jsonLogs),
      Effect.catchCause((cause) =>
        Effect.sync(() => {
          console.error(`weft ${name}: cannot start: ${explainStartupFailure(Cause.squash(cause))}`)
          process.exitCode = 1
        })
      )
    ),
    { disableErrorReporting: true }
  )
