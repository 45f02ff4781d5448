/**
 * Supervision of actors. The engine restarts an actor whose handler dies with a defect, after
 * a backoff (`restartPolicy`), and the actor rebuilds its state from storage when it starts
 * again; one actor's crash never touches its neighbours. `supervised` makes that visible:
 * every activation and every crash of an actor type is counted in the metrics.
 */
import { Cause, Effect, Metric, Schedule } from "effect"
import { Rpc } from "effect/rpc"

/** Backoff between restarts of a crashed actor: 100 ms doubling, at most 5 s apart. */
export const restartPolicy = Schedule.min([Schedule.exponential("100 millis"), Schedule.spaced("5 seconds")])

export const actorActivations = Metric.counter("weft_actor_activations_total", {
  description: "Actors started (first activation or restart after a crash), by actor type",
  incremental: true
})

export const actorRestarts = Metric.counter("weft_actor_restarts_total", {
  description: "Actor crashes that led to a supervised restart, by actor type",
  incremental: true
})

const crashed = (type: string) => Metric.update(Metric.withAttributes(actorRestarts, { type }), 1)

/** Wraps an entity's build: counts activations, and crashes of the build or of any handler. */
export const supervised = <Handlers extends Record<string, (...args: Array<any>) => any>, E, R>(
  type: string,
  build: Effect.Effect<Handlers, E, R>
): Effect.Effect<Handlers, E, R> =>
  Effect.gen(function*() {
    yield* Metric.update(Metric.withAttributes(actorActivations, { type }), 1)
    const handlers = yield* build.pipe(Effect.tapCause((cause) => Cause.hasDies(cause) ? crashed(type) : Effect.void))
    const wrapped: Record<string, unknown> = {}
    for (const [name, handle] of Object.entries(handlers)) {
      // A handler returns an effect, or an effect wrapped by Rpc.fork and friends.
      wrapped[name] = (...args: Array<any>) =>
        Rpc.wrapMap(handle(...args), (result: any) =>
          Effect.isEffect(result)
            ? result.pipe(Effect.tapCause((cause) => Cause.hasDies(cause) ? crashed(type) : Effect.void))
            : result)
    }
    return wrapped as Handlers
  })
