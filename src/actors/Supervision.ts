/**
 * Supervision of actors. The engine restarts an actor whose handler dies with a defect, after
 * a backoff (`restartPolicy`), and the actor rebuilds its state from storage when it starts
 * again; one actor's crash never touches its neighbours. `supervised` makes that visible:
 * every activation and every crash of an actor type is counted in the metrics, and so is every
 * message: its mailbox time, its handling time and its outcome.
 */
import { Cause, Effect, Exit, Metric, Schedule, type Scope } from "effect"
import type { Entity, Sharding } from "effect/cluster"
import * as Snowflake from "effect/cluster/Snowflake"
import { Rpc } from "effect/rpc"
import { activate, answerNowOf, type LocalHandler } from "./LocalActors.ts"
import { requestIdOf, withRequestId } from "../metrics/RequestId.ts"
import { counter, histogram, isRecording, labelled, modify, record, update } from "../metrics/Instruments.ts"

/** Backoff between restarts of a crashed actor: 100 ms doubling, at most 5 s apart. */
export const restartPolicy = Schedule.min([Schedule.exponential("100 millis"), Schedule.spaced("5 seconds")])

export const actorActivations = labelled((attributes) =>
  counter("weft_actor_activations_total", {
    description: "Actors started (first activation or restart after a crash), by actor type",
    incremental: true,
    attributes
  })
)

export const actorPassivations = labelled((attributes) =>
  counter("weft_actor_passivations_total", {
    description: "Actors stopped (idle passivation, shard handed to another runner, crash or shutdown), by actor type",
    incremental: true,
    attributes
  })
)

export const actorsLive = labelled((attributes) =>
  Metric.gauge("weft_actors", {
    description: "Actors active in this process, by actor type",
    attributes
  })
)

export const actorRestarts = labelled((attributes) =>
  counter("weft_actor_restarts_total", {
    description: "Actor crashes that led to a supervised restart, by actor type",
    incremental: true,
    attributes
  })
)

export const actorMessages = labelled((attributes) =>
  counter("weft_actor_messages_total", {
    description: "Messages handled by actors, by actor type, message (rpc) and outcome (ok, error, defect)",
    incremental: true,
    attributes
  })
)

const secondsBuckets = Metric.exponentialBoundaries({ start: 0.0001, factor: 2, count: 18 })

export const actorQueueTime = labelled((attributes) =>
  histogram("weft_actor_queue_seconds", {
    description: "Mailbox time of an actor message: from its send to its handler starting",
    boundaries: secondsBuckets,
    attributes
  })
)

export const actorHandleTime = labelled((attributes) =>
  histogram("weft_actor_handle_seconds", {
    description: "Time an actor spends handling one message, by actor type and message",
    boundaries: secondsBuckets,
    attributes
  })
)

const crashed = (type: string) => update(actorRestarts({ type }), 1)

/** The series one message type of one actor type updates, looked up once per entity build. */
const seriesOf = (type: string, rpc: string) => ({
  queue: actorQueueTime({ type, rpc }),
  handle: actorHandleTime({ type, rpc }),
  ok: actorMessages({ type, rpc, outcome: "ok" }),
  error: actorMessages({ type, rpc, outcome: "error" }),
  defect: actorMessages({ type, rpc, outcome: "defect" })
})

/**
 * The end of one message: its mailbox time (when given), handling time and outcome recorded
 * (when metrics are on), and an effect that logs a failure under the message's request id
 * (whether or not metrics are on), or undefined when there is nothing to log.
 */
const finished = (
  type: string,
  rpc: string,
  series: ReturnType<typeof seriesOf>,
  exit: Exit.Exit<unknown, unknown>,
  queueSeconds: number | undefined,
  handleSeconds: number,
  envelope: unknown
): Effect.Effect<void> | undefined => {
  if (isRecording()) {
    if (queueSeconds !== undefined) record(series.queue, queueSeconds)
    record(series.handle, handleSeconds)
    record(Exit.isSuccess(exit) ? series.ok : Cause.hasDies(exit.cause) ? series.defect : series.error, 1)
  }
  if (Exit.isSuccess(exit) || Cause.hasInterruptsOnly(exit.cause)) return undefined
  const requestId = requestIdOf(envelope)
  const annotations = requestId === undefined ? { actor: type, rpc } : { requestId, actor: type, rpc }
  return Cause.hasDies(exit.cause)
    ? Effect.andThen(crashed(type), Effect.annotateLogs(Effect.logError("actor crashed", exit.cause), annotations))
    : Effect.annotateLogs(Effect.logInfo("actor message failed", Cause.squash(exit.cause)), annotations)
}

/**
 * Per message that came through the engine: queue time (from the snowflake request id),
 * handling time, outcome; failures logged under the message's request id, which it gets from
 * the request's headers (an engine request runs in the engine's fiber). Fast-path calls are
 * measured the same way by `callLocal` (LocalActors.ts), with the clock readings it takes anyway.
 */
const measured = (
  type: string,
  rpc: string,
  series: ReturnType<typeof seriesOf>,
  envelope: unknown,
  effect: Effect.Effect<unknown, unknown, unknown>
) => {
  const { requestId } = (envelope ?? {}) as { requestId?: unknown }
  const messageRequestId = requestIdOf(envelope)
  const handled = Effect.suspend(() => {
    const recording = isRecording()
    if (recording && typeof requestId === "bigint") {
      record(series.queue, Math.max(0, Date.now() - Snowflake.timestamp(requestId as Snowflake.Snowflake)) / 1000)
    }
    const startedAt = recording ? performance.now() : 0
    return Effect.onExitPrimitive(effect, (exit) =>
      finished(type, rpc, series, exit, undefined, recording ? (performance.now() - startedAt) / 1000 : 0, envelope))
  })
  return messageRequestId === undefined
    ? Effect.annotateLogs(handled, { actor: type, rpc })
    : withRequestId(messageRequestId, { actor: type, rpc })(handled)
}

/**
 * Wraps an entity's build: counts activations, and crashes of the build or of any handler, and
 * registers the actor for local calls (LocalActors.ts).
 */
export const supervised = <Handlers extends Record<string, (...args: Array<any>) => any>, E, R>(
  type: string,
  build: Effect.Effect<Handlers, E, R>
): Effect.Effect<Handlers, E, R | Scope.Scope | Sharding.Sharding | Entity.CurrentAddress> =>
  Effect.gen(function*() {
    yield* update(actorActivations({ type }), 1)
    const live = actorsLive({ type })
    yield* modify(live, 1)
    // The entity's scope closes when the actor stops, whatever the reason.
    yield* Effect.addFinalizer(() => Effect.andThen(modify(live, -1), update(actorPassivations({ type }), 1)))
    const handlers = yield* build.pipe(Effect.tapCause((cause) => Cause.hasDies(cause) ? crashed(type) : Effect.void))
    const wrapped: Record<string, unknown> = {}
    const local: Record<string, LocalHandler> = {}
    for (const [name, handle] of Object.entries(handlers)) {
      const series = seriesOf(type, name)
      // A handler returns an effect, or an effect wrapped by Rpc.fork and friends.
      wrapped[name] = (...args: Array<any>) =>
        Rpc.wrapMap(handle(...args), (result: any) =>
          Effect.isEffect(result) ? measured(type, name, series, args[0], result) : result)
      local[name] = {
        handle,
        now: answerNowOf(handle),
        finish: (exit, queueSeconds, handleSeconds, envelope) =>
          finished(type, name, series, exit, queueSeconds, handleSeconds, envelope)
      }
    }
    return (yield* activate(type, wrapped as any, local)) as Handlers
  })
