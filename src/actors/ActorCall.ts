/**
 * A call to an actor. Where the actor lives is the engine's business (transparent
 * redirection); the caller only sees the actor's own WeftError or, when the call cannot be
 * delivered in time (mailbox full, shard moving, runner gone), UNAVAILABLE, which a client may
 * retry with the same ids. `actorClient(Entity)` makes the calls: one to an actor active on this
 * process goes straight to it (LocalActors.ts), any other through the engine.
 *
 * Every call is also an edge of the call topology: caller (the calling actor's type, or
 * "gateway") → callee (`to`, the called actor's type), counted with its latency and outcome.
 */
import { Cause, Context, Duration, Effect, Exit, type Fiber, Metric, Option } from "effect"
import { Entity, type EntityAddress, type EntityId, type ShardId, Sharding } from "effect/cluster"
import { type Rpc, RpcClient } from "effect/rpc"
import { REQUEST_ID_HEADER } from "../metrics/RequestId.ts"
import { CallTimeout, callLocal, registryOf } from "./LocalActors.ts"
import { unavailable, WeftError } from "../protocol/WeftError.ts"
import { counter, histogram, labelled, record } from "../metrics/Instruments.ts"


export const callsTotal = labelled((attributes) =>
  counter("weft_calls_total", {
    description: "Calls between components (the call topology), by caller, callee and outcome",
    incremental: true,
    attributes
  })
)

export const callDuration = labelled((attributes) =>
  histogram("weft_call_seconds", {
    description: "Latency of calls between components, by caller and callee",
    boundaries: Metric.exponentialBoundaries({ start: 0.0001, factor: 2, count: 18 }),
    attributes
  })
)

export const localCallsTotal = labelled((attributes) =>
  counter("weft_actor_local_calls_total", {
    description: "Actor calls answered on the fast path (the actor active on this process), by callee",
    incremental: true,
    attributes
  })
)

export const directCallsTotal = labelled((attributes) =>
  counter("weft_actor_direct_calls_total", {
    description: "Actor calls sent straight to the runner holding the actor's shard (clustered mode), by callee",
    incremental: true,
    attributes
  })
)

/**
 * Marks an actor message whose payload and answer are plain data (numbers, strings, booleans,
 * null, byte arrays, arrays and plain objects of those): in clustered mode it may travel on the
 * direct channel to the runner holding the actor (cluster/DirectCalls.ts), which copies values
 * structurally, instead of the engine's rpc. Annotate the Rpc: `.annotate(DirectCall, true)`.
 */
export const DirectCall = Context.Reference<boolean>("weft/actors/DirectCall", { defaultValue: () => false })

/** Why a direct call was not taken: the runner does not host the actor now. The engine's path finds it. */
export class NotHere {
  readonly _tag = "ActorNotHere"
}
export const notHere = new NotHere()

/**
 * Calls to actors on other processes that bypass the engine's rpc (clustered mode provides it,
 * cluster/DirectCalls.ts). `call` returns undefined when it knows no direct route (the engine's
 * path is taken); its effect fails with `notHere` when the runner it asked does not host the
 * actor now, and otherwise with the actor's own WeftError or UNAVAILABLE.
 */
export interface RemoteCalls {
  readonly call: (
    type: string,
    entityId: string,
    shardId: ShardId.ShardId,
    tag: string,
    payload: unknown,
    requestId: string | undefined
  ) => Effect.Effect<unknown, unknown> | undefined
}
export const RemoteCalls = Context.Reference<RemoteCalls | undefined>("weft/actors/RemoteCalls", {
  defaultValue: () => undefined
})

/** The caller of an actor call: the calling actor's type, or "gateway". */
const callerOf = (fiber: Fiber.Fiber<unknown, unknown>): string => {
  const address = Context.getOption(fiber.context, Entity.CurrentAddress)
  return Option.isSome(address) ? address.value.entityType : "gateway"
}

const recordEdge = (from: string, to: string, started: number, success: boolean) => {
  record(callDuration({ from, to }), (performance.now() - started) / 1000)
  record(callsTotal({ from, to, outcome: success ? "ok" : "error" }), 1)
}

const edge = (to: string, started: number, exit: Exit.Exit<unknown, unknown>) =>
  Effect.withFiber((fiber) => {
    recordEdge(callerOf(fiber), to, started, Exit.isSuccess(exit))
    return Effect.void
  })

/**
 * Calls an actor through the engine (an Entity client's call); `to` names the called actor's type
 * (ChangeLog, Session, ...). `actorClient`'s calls use it when the actor is not local.
 *
 * The call runs in a fiber of its own, and the caller stops waiting after `CallTimeout`
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
    const timeoutMs = yield* CallTimeout
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
      const timedOut = unavailable(`${to}: no answer within ${Duration.format(Duration.millis(timeoutMs))}`)
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

const isNotHereCause = (cause: Cause.Cause<unknown>) => Cause.squash(cause) === notHere

/** An error's tag (or the error as text), for an UNAVAILABLE that names what went wrong. */
export const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : String(error)

/**
 * A call made by an actor's plain form (answersNow, LocalActors.ts), as `caller`, or by a
 * command's plain form (CommandTable.ts, no caller): the answer within the call (an Exit) when
 * the called actor is free here and its handler's plain form gives one; an effect when the call
 * started and has the rest to run; undefined, nothing done.
 */
export type ActorNow = (
  id: string,
  tag: string,
  payload: unknown,
  /** The calling actor, or undefined for a call from the gateway (a command's plain form). */
  caller: EntityAddress.EntityAddress | undefined,
  headers: Record<string, string>
) => Effect.Effect<unknown, WeftError> | undefined

/** An actor type's client (`client(id).Rpc(payload)`), and `now` for calls from plain forms. */
export type ActorClient<Rpcs extends Rpc.Any> = ((id: string) => RpcClient.RpcClient.From<Rpcs, WeftError>) & {
  readonly now: ActorNow
}

/**
 * A client for an actor type, shaped like the engine's (`client(id).Rpc(payload)`), whose calls
 * take the fast path to an actor active on this process and the engine's path otherwise.
 */
export const actorClient = <Type extends string, Rpcs extends Rpc.Any>(
  entity: Entity.Entity<Type, Rpcs>
): Effect.Effect<ActorClient<Rpcs>, never, Sharding.Sharding> =>
  Effect.gen(function*() {
    const sharding = yield* Sharding.Sharding
    const engine: (id: string) => any = yield* entity.client
    const cells = registryOf(sharding, entity.type)
    const to = entity.type
    const local = localCallsTotal({ to })
    const remote = yield* RemoteCalls
    const direct = directCallsTotal({ to })
    // The messages that may take the direct channel between processes.
    const directTags = new Set<string>()
    for (const [tag, rpc] of entity.protocol.requests) {
      if (Context.get(rpc.annotations, DirectCall)) directTags.add(tag)
    }
    // The call topology's edge from each caller type, recorded by functions made once per caller
    // type (not per call): one for fast-path calls, one for direct calls, each also counting its path.
    type Done = (success: boolean, seconds: number) => void
    const edges = new Map<string, { readonly local: Done; readonly direct: Done }>()
    const edgeOf = (from: string) => {
      let edge = edges.get(from)
      if (edge === undefined) {
        const duration = callDuration({ from, to })
        const ok = callsTotal({ from, to, outcome: "ok" })
        const error = callsTotal({ from, to, outcome: "error" })
        const recorder = (path: Metric.Metric<number, unknown>): Done => (success, seconds) => {
          record(duration, seconds)
          record(success ? ok : error, 1)
          record(path, 1)
        }
        edge = { local: recorder(local), direct: recorder(direct) }
        edges.set(from, edge)
      }
      return edge
    }
    const call = (id: string, tag: string, payload: unknown, options: unknown) => {
      const effect = Effect.withFiber((fiber) => {
        const callerAddress = Context.getOrUndefined(fiber.context, Entity.CurrentAddress)
        const headers = fiber.getRef(RpcClient.CurrentHeaders)
        const viaEngine = () => callActor(engine(id)[tag](payload, options), to)
        const fast = callLocal(sharding, cells, id, tag, payload, headers, callerAddress, edgeOf(callerAddress?.entityType ?? "gateway").local, viaEngine, fiber)
        if (fast !== undefined) return fast
        if (remote === undefined || !directTags.has(tag)) return viaEngine()
        const entityId = id as EntityId.EntityId
        const shardId = sharding.getShardId(entityId, entity.getShardGroup(entityId))
        const started = performance.now()
        const sent = remote.call(to, id, shardId, tag, payload, headers[REQUEST_ID_HEADER])
        if (sent === undefined) return viaEngine()
        return Effect.onExitPrimitive(sent, (exit) => {
          if (Exit.isFailure(exit) && isNotHereCause(exit.cause)) return undefined
          edgeOf(callerAddress?.entityType ?? "gateway").direct(Exit.isSuccess(exit), (performance.now() - started) / 1000)
          return undefined
        }).pipe(Effect.catchIf((error) => error === notHere, viaEngine))
      })
      return effect
    }
    const methods: Record<string, unknown> = {}
    for (const tag of entity.protocol.requests.keys()) {
      methods[tag] = function(this: { readonly id: string }, payload: unknown, options: unknown) {
        return call(this.id, tag, payload, options)
      }
    }
    const clientOf = (id: string): RpcClient.RpcClient.From<Rpcs, WeftError> => {
      const client = Object.create(methods)
      client.id = id
      return client
    }
    /**
     * A call from a plain form (an actor's, or a command's) by `caller`: answered within
     * the call when the called actor is free here and its handler's plain form answers (an Exit),
     * or started (an effect to run), or undefined having done nothing.
     */
    const reissue = (id: string, tag: string, payload: unknown) => callActor(engine(id)[tag](payload), to)
    const now: ActorNow = (id, tag, payload, caller, headers) =>
      callLocal(sharding, cells, id, tag, payload, headers, caller, edgeOf(caller?.entityType ?? "gateway").local, reissue, undefined, true) as
        | Effect.Effect<unknown, WeftError>
        | undefined
    return Object.assign(clientOf, { now })
  })
