/**
 * A call to an actor through the engine. Where the actor lives is the engine's business
 * (transparent redirection); the caller only sees the actor's own WeftError or, when the
 * engine cannot deliver in time (mailbox full, shard moving, runner gone), UNAVAILABLE,
 * which a client may retry with the same ids.
 *
 * Every call is also an edge of the call topology: caller (the calling actor's type, or
 * "gateway") → callee (`to`, the called actor's type), counted with its latency and outcome.
 */
import { Duration, Effect, Exit, Fiber, Metric, Option } from "effect"
import { Entity } from "effect/cluster"
import { unavailable, WeftError } from "../protocol/WeftError.ts"
import { labelled, record } from "../metrics/Instruments.ts"

export const callTimeout = Duration.seconds(5)
const timeoutMs = Duration.toMillis(callTimeout)

export const callsTotal = labelled((attributes) =>
  Metric.counter("weft_calls_total", {
    description: "Calls between components (the call topology), by caller, callee and outcome",
    incremental: true,
    attributes
  })
)

export const callDuration = labelled((attributes) =>
  Metric.histogram("weft_call_seconds", {
    description: "Latency of calls between components, by caller and callee",
    boundaries: Metric.exponentialBoundaries({ start: 0.0001, factor: 2, count: 18 }),
    attributes
  })
)

const edge = (to: string, started: number, exit: Exit.Exit<unknown, unknown>) =>
  Effect.flatMap(Effect.serviceOption(Entity.CurrentAddress), (address) => {
    const from = Option.match(address, { onNone: () => "gateway", onSome: (a) => a.entityType })
    record(callDuration({ from, to }), (performance.now() - started) / 1000)
    record(callsTotal({ from, to, outcome: Exit.isSuccess(exit) ? "ok" : "error" }), 1)
    return Effect.void
  })

/**
 * Calls an actor; `to` names the called actor's type (ChangeLog, Session, ...).
 *
 * The call runs in a fiber of its own, and the caller stops waiting after `callTimeout`
 * without waiting for that fiber to wind down: a request already delivered to a runner that
 * then died may never be answered, and the engine's wait for its reply does not end when
 * interrupted. The abandoned call is interrupted in the background.
 */
export const callActor = <A, E, R>(
  call: Effect.Effect<A, E, R>,
  to: string
): Effect.Effect<A, WeftError, R> =>
  Effect.gen(function*() {
    const started = performance.now()
    const fiber = yield* Effect.forkDetach(call)
    // Waits for the call's fiber or the timeout, whichever comes first: an observer and a Node
    // timer, not a race of fibers (this runs for every actor call).
    const exit = yield* Effect.callback<Option.Option<Exit.Exit<A, E>>>((resume) => {
      const timer = setTimeout(() => {
        stop()
        resume(Effect.succeed(Option.none()))
      }, timeoutMs)
      const stop = fiber.addObserver((exit) => {
        clearTimeout(timer)
        resume(Effect.succeed(Option.some(exit)))
      })
      return Effect.sync(() => {
        clearTimeout(timer)
        stop()
        fiber.interruptUnsafe()
      })
    })
    if (Option.isNone(exit)) {
      fiber.interruptUnsafe()
      const timedOut = unavailable(`${to}: no answer within ${Duration.format(callTimeout)}`)
      yield* edge(to, started, Exit.fail(timedOut))
      return yield* Effect.fail(timedOut)
    }
    yield* edge(to, started, exit.value)
    return yield* exit.value.pipe(
      Effect.catch((error: unknown) =>
        Effect.fail(error instanceof WeftError ? error : unavailable(`${to}: ${describe(error)}`))
      )
    )
  })

const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : String(error)
