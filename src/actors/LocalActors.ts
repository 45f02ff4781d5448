/**
 * Local calls are local. Every actor is an effect/cluster Entity (placement, shard locks,
 * rebalancing and redirection between processes stay the engine's), but a call to an actor
 * that is active on this process, on a shard this process holds, does not go through the
 * engine's rpc client and server: it takes the actor's lock and runs the handler in the
 * caller's fiber, as the actor (its entity address). That costs a few microseconds instead of
 * the ~30-50 µs of an in-process Entity call (../shared/research/effect-cluster-local-calls.md).
 *
 * One lock serialises every caller of an actor, local (fast path) or not (Entity handlers,
 * which take the same lock), so the actor stays the single writer of its user's data. The
 * registry entry (a "cell") is anchored in the Entity's activation scope: effect/cluster closes
 * that scope before it releases the shard's lock, and the cell's finalizer waits for the
 * handler that is running and sends queued callers back through the engine, which finds the
 * actor's new home. Calls are checked synchronously (cell open and `hasShardId`) right before
 * they take the lock, so a shard that starts moving stops taking fast-path calls at once — but
 * for calls from a handler of the same shard still running, which the engine waits for anyway.
 */
import { Cause, Context, Effect, Exit, type Fiber } from "effect"
import { ClusterSchema, Entity, type EntityAddress, type ShardId, Sharding } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { isRecording } from "../metrics/Instruments.ts"
import { unavailable, type WeftError } from "../protocol/WeftError.ts"

/**
 * How long a caller waits for an actor: for its answer through the engine (ActorCall.ts), and
 * for its lock on the fast path. 5 s unless the process's settings say otherwise
 * (`actors.callTimeoutMs`, `--call-timeout-ms`).
 */
export const CallTimeout = Context.Reference<number>("weft/actors/CallTimeout", { defaultValue: () => 5_000 })

/**
 * A fast-path caller also takes the slow path (the engine) once in a while, which refreshes the
 * engine's idle clock for the actor: the engine does not see fast-path calls, and would
 * otherwise passivate a busy actor after its maxIdleTime (1 minute at the least in weft).
 */
export const KEEP_ALIVE_MS = 20_000

/**
 * An actor type: an Entity whose engine calls open no client tracing span (about a third of an
 * in-process Entity call's cost, measured in the research note); weft's own metrics and request
 * ids cover what the spans would show.
 */
export const actorEntity = <Type extends string, Rpcs extends Rpc.Any>(
  entity: Entity.Entity<Type, Rpcs>
): Entity.Entity<Type, Rpcs> => entity.annotate(ClusterSchema.ClientTracingEnabled, false)

/** What a local handler receives: the parts of an Entity request envelope weft's handlers read. */
export interface LocalEnvelope {
  readonly payload: unknown
  readonly headers: Record<string, string>
}

type Handler = (envelope: any) => unknown

/**
 * How one message type of an actor is served on the fast path: its own handler, and the
 * measuring Supervision does around an engine call (queue time, handling time, outcome, the
 * log line of a failure), done here in the call's one exit handler instead of a wrapper of its own.
 */
export interface LocalHandler {
  readonly handle: Handler
  /** The handler's plain form, when it has one (`answersNow`). */
  readonly now?: AnswerNow | undefined
  /**
   * The call ended, after `queueSeconds` waiting for the actor's lock and `handleSeconds` holding
   * it (0 and 0 when metrics are off); an effect to run if it has something to log.
   */
  readonly finish: (
    exit: Exit.Exit<unknown, unknown>,
    queueSeconds: number,
    handleSeconds: number,
    envelope: LocalEnvelope
  ) => Effect.Effect<void> | undefined
}

/**
 * A handler's plain form: the answer when it can give it within this call — nothing to wait for,
 * here (the memory store's append, say) — or undefined, having done nothing, to take the effect;
 * or, having done part of the work, an effect doing the rest (it runs holding the actor, as the
 * handler's effect would).
 */
export type AnswerNow = (envelope: any) => Effect.Effect<unknown, unknown> | undefined

const NOW = Symbol.for("weft/actors/answersNow")

/**
 * Marks an actor's handler with its plain form: a fast-path call to the actor while it is free
 * tries it first, under the actor's lock, and skips the effect's steps when it answers. The mark
 * is on the function, so a wrapper that replaces the handler drops it.
 */
export const answersNow = <H extends Handler>(handler: H, now: AnswerNow): H => Object.assign(handler, { [NOW]: now })

/** The plain form `answersNow` gave a handler, if any. */
export const answerNowOf = (handler: Handler): AnswerNow | undefined => (handler as { [NOW]?: AnswerNow })[NOW]

interface Waiter {
  readonly run: () => void
  readonly moved: () => void
}

/** One active actor of this process. */
export interface Cell {
  readonly address: EntityAddress.EntityAddress
  /** The caller's context with this actor's address added (made once per activation, not per call). */
  readonly asActor: (context: Context.Context<never>) => Context.Context<never>
  /** The actor's handlers for fast-path calls, by rpc tag. */
  readonly local: Readonly<Record<string, LocalHandler>>
  busy: boolean
  closed: boolean
  /** A handler of this actor died on the fast path: the engine must restart the actor. */
  crashed: unknown
  lastSlowAt: number
  readonly waiting: Array<Waiter>
  /** Called when the lock is released (the activation's finalizer waits on it). */
  onIdle: (() => void) | undefined
}

/** Sent to callers queued behind an actor that stopped: they re-issue the call through the engine. */
class Moved {
  readonly _tag = "ActorMoved"
}
const moved = new Moved()

/** The registry of one process's actors, by entity type, then entity id. */
export type Registry = Map<string, Map<string, Cell>>

// The registry belongs to a Sharding instance (one per runtime: dev mode, a runner, each test's
// engine), so it is attached to it rather than provided as a service of its own.
const registries = new WeakMap<object, Registry>()

/** The actors of one type active on the process of `sharding`. */
export const registryOf = (sharding: object, type: string): Map<string, Cell> => {
  let registry = registries.get(sharding)
  if (registry === undefined) {
    registry = new Map()
    registries.set(sharding, registry)
  }
  let cells = registry.get(type)
  if (cells === undefined) {
    cells = new Map()
    registry.set(type, cells)
  }
  return cells
}

/** Releases the lock: the next queued caller runs, or everyone queued is sent back if the actor stopped. */
const release = (cell: Cell) => {
  cell.busy = false
  if (cell.closed) {
    const waiting = cell.waiting.splice(0)
    for (const waiter of waiting) waiter.moved()
  } else {
    const next = cell.waiting.shift()
    if (next !== undefined) {
      cell.busy = true
      next.run()
      return
    }
  }
  const onIdle = cell.onIdle
  if (onIdle !== undefined) {
    cell.onIdle = undefined
    onIdle()
  }
}

/** Runs `effect` holding the actor's lock; `closedError` is what a caller gets if the actor stops while it waits. */
export const locked = <A, E, R, E2>(
  cell: Cell,
  effect: Effect.Effect<A, E, R>,
  closedError: () => E2
): Effect.Effect<A, E | E2 | WeftError, R> => {
  const run = Effect.onExit(effect, () => Effect.sync(() => release(cell)))
  return Effect.suspend(() => {
    if (cell.closed) return Effect.fail(closedError())
    if (!cell.busy) {
      cell.busy = true
      return run
    }
    return Effect.flatten(wait(cell, run, closedError))
  })
}

/** Waits for the actor's lock: resumes with `run` once it holds it, or with a failure. */
const wait = <A, E, R, E2>(
  cell: Cell,
  run: Effect.Effect<A, E, R>,
  closedError: () => E2,
  acquired?: () => void
): Effect.Effect<Effect.Effect<A, E | E2 | WeftError, R>> =>
  Effect.withFiber((fiber) => Effect.callback<Effect.Effect<A, E | E2 | WeftError, R>>((resume) => {
    const waitMs = fiber.getRef(CallTimeout)
    let waiting = true
    const leave = () => {
      waiting = false
      clearTimeout(timer)
      const index = cell.waiting.indexOf(waiter)
      if (index >= 0) cell.waiting.splice(index, 1)
    }
    const timer = setTimeout(() => {
      leave()
      resume(Effect.succeed(Effect.fail(busyTooLong(waitMs))))
    }, waitMs)
    const waiter: Waiter = {
      run: () => {
        waiting = false
        clearTimeout(timer)
        acquired?.()
        resume(Effect.succeed(run))
      },
      moved: () => {
        waiting = false
        clearTimeout(timer)
        resume(Effect.succeed(Effect.fail(closedError())))
      }
    }
    cell.waiting.push(waiter)
    // A caller that stops waiting (interrupted) leaves the queue; one that already holds the
    // lock releases it as its effect ends.
    return Effect.sync(() => {
      if (waiting) leave()
    })
  }))

/**
 * Registers an actor being activated (called from its Entity build, in the activation scope)
 * and returns the handlers the engine serves: they take the same lock as fast-path calls.
 */
export const activate = Effect.fnUntraced(function*(
  type: string,
  handlers: Record<string, Handler>,
  local: Record<string, LocalHandler>
) {
  const sharding = yield* Sharding.Sharding
  const address = yield* Entity.CurrentAddress
  const cells = registryOf(sharding, type)
  const cell: Cell = {
    address,
    asActor: (context) => Context.add(context, Entity.CurrentAddress, address),
    local,
    busy: false,
    closed: false,
    crashed: undefined,
    lastSlowAt: performance.now(),
    waiting: [],
    onIdle: undefined
  }
  cells.set(address.entityId, cell)
  yield* Effect.addFinalizer(() => {
    cell.closed = true
    if (cells.get(address.entityId) === cell) cells.delete(address.entityId)
    const waiting = cell.waiting.splice(0)
    for (const waiter of waiting) waiter.moved()
    if (!cell.busy) return Effect.void
    // The handler that is running finishes before the shard's lock can be released to
    // another runner; bounded, so a stuck handler cannot hold a shard forever.
    return Effect.callback<void>((resume) => {
      cell.onIdle = () => resume(Effect.void)
    }).pipe(Effect.timeoutOption(5_000), Effect.asVoid)
  })
  const served: Record<string, Handler> = {}
  for (const [tag, handle] of Object.entries(handlers)) {
    served[tag] = (envelope: unknown) => {
      cell.lastSlowAt = performance.now()
      // Crashed on the fast path: dying here makes the engine restart the actor and replay this request.
      if (cell.crashed !== undefined) return Effect.die(cell.crashed)
      const result = handle(envelope) as any
      if (!Effect.isEffect(result) && (result as Rpc.Wrapper<any>).fork) return result
      return Rpc.wrapMap(result, (effect: Effect.Effect<unknown, unknown>) => locked(cell, effect, restarting))
    }
  }
  return served
})

const busyTooLong = (waitMs: number) => unavailable(`the actor did not take the call within ${waitMs} ms; retry`)

const restarting = () => unavailable("the actor is moving or restarting; retry")

/**
 * The fast path of a call: runs the handler here if the actor is active on a shard this process
 * holds, else returns undefined (the caller takes the engine's path). A call that finds the
 * actor stopped while it waited, or that crashed it, is re-issued through the engine:
 * `fallback()` when given, else it fails with `Moved`. `done` sees every other outcome (for the
 * call's metrics).
 *
 * An actor that is free and whose handler has a plain form (`answersNow`) gets that first, under
 * its lock: an answer ends the call within it; `plainOnly` calls (actorClient's `now`) stop there.
 * Otherwise the handler is called here, before the call may have the actor to itself (it learns
 * whether the handler forks, which takes no lock); its effect runs once it has. So a handler reads
 * the actor's state in its effect, not while building it (ChangeLog's Append:
 * test/actors/AppendOrder.test.ts).
 */
export const callLocal = <R = never>(
  sharding: Sharding.Sharding["Service"],
  cells: Map<string, Cell>,
  entityId: string,
  tag: string,
  payload: unknown,
  headers: Record<string, string>,
  caller: EntityAddress.EntityAddress | undefined,
  done: (success: boolean, seconds: number) => void,
  /** Re-issues the call through the engine (made once per client: no closure per call). */
  fallback?: (entityId: string, tag: string, payload: unknown) => Effect.Effect<unknown, unknown, R>,
  fiber?: Fiber.Fiber<unknown, unknown>,
  /** Only an answer within the call (the actor free, its handler's plain form answering): else undefined. */
  plainOnly = false
): Effect.Effect<unknown, unknown, R> | undefined => {
  const cell = cells.get(entityId)
  // When the call came (also for the keep-alive).
  const calledAt = performance.now()
  if (cell === undefined || cell.closed || calledAt - cell.lastSlowAt > KEEP_ALIVE_MS) return undefined
  // A shard on its way out takes no new local calls, except from an actor of the same shard
  // (the same user's SET) whose handler is running: the engine waits for that handler before it
  // releases the shard, so its call stays local, where it can still be answered.
  if (!sharding.hasShardId(cell.address.shardId) && !(caller !== undefined && sameShard(caller.shardId, cell.address.shardId))) {
    return undefined
  }
  const local = cell.local[tag]!
  const envelope: LocalEnvelope = { payload, headers }
  /** The rest of the work a plain form left as an effect (it holds the lock already). */
  let continued: Effect.Effect<unknown, unknown> | undefined
  if (!cell.busy && local.now !== undefined) {
    // The actor is free and its handler has a plain form: tried first, holding the lock. An
    // answer ends the call here — measured, the lock released, a crash handled as below — with
    // no step of its own; an effect (the rest of the work) runs holding the lock; undefined
    // (nothing done) goes on to the handler's effect.
    cell.busy = true
    let answered: Effect.Effect<unknown, unknown> | undefined
    try {
      answered = local.now(envelope)
    } catch (defect) {
      answered = Exit.die(defect)
    }
    if (answered !== undefined && Exit.isExit(answered)) {
      // The commonest end, with no call object: it ran at once, holding the lock it just took.
      if (Exit.isSuccess(answered) || !Cause.hasDies(answered.cause)) {
        const logged = measured(local, done, envelope, answered, false, calledAt, calledAt, isRecording())
        release(cell)
        return logged === undefined ? answered : Effect.andThen(logged, answered)
      }
      return new LocalCall<R>(cells, cell, entityId, tag, envelope, local, done, fallback, fiber, calledAt).ended(answered)
    }
    if (answered === undefined) release(cell)
    continued = answered
  }
  if (continued === undefined && plainOnly) return undefined
  const call = new LocalCall<R>(cells, cell, entityId, tag, envelope, local, done, fallback, fiber, calledAt)
  if (continued !== undefined) return call.holding(continued)
  const result = local.handle(call.envelope) as any
  const wrapped = !Effect.isEffect(result)
  let handler: Effect.Effect<unknown, unknown> = wrapped ? result.value : result
  if (wrapped && result.uninterruptible) handler = Effect.uninterruptible(handler)
  // The handler runs in the caller's fiber and context (its request id and log annotations), as
  // the actor: its handlers need no service at run time beyond what every process hosting
  // actors provides.
  if (wrapped && result.fork) {
    return Effect.onExitPrimitive(Effect.updateContext(handler, cell.asActor), (exit) => call.measure(exit, false))
  }
  if (!cell.busy && fiber !== undefined) {
    // The commonest call: the actor is free.
    cell.busy = true
    return call.holding(handler)
  }
  const run = call.matched(Effect.updateContext(handler, cell.asActor))
  if (!cell.busy) {
    cell.busy = true
    return run
  }
  const waited = Effect.flatten(wait(cell, run, () => moved, call.timed ? () => call.lockTaken() : undefined))
  return fallback === undefined ? waited : Effect.catchIf(waited, isMoved, () => fallback(entityId, tag, payload))
}

/**
 * A fast-path call's end, recorded as the actor's message (`lockedAt`: when it took the lock)
 * and, unless it crashed the actor (then the engine answers it), as the call's edge; returns the
 * effect logging its failure, if any. Untimed (metrics off), both durations are 0.
 */
const measured = (
  local: LocalHandler,
  done: (success: boolean, seconds: number) => void,
  envelope: LocalEnvelope,
  exit: Exit.Exit<unknown, unknown>,
  crashed: boolean,
  calledAt: number,
  lockedAt: number,
  timed: boolean
) => {
  const endedAt = timed ? performance.now() : calledAt
  if (!crashed) done(Exit.isSuccess(exit), (endedAt - calledAt) / 1000)
  return local.finish(exit, (lockedAt - calledAt) / 1000, (endedAt - lockedAt) / 1000, envelope)
}

/**
 * One fast-path call under way: its clock readings (when it came, when it took the lock — the
 * same moment unless it waited — and when it ended; the actor's metrics and the call's edge share
 * them), the caller's context while its fiber is the actor's, and its end. One object with
 * methods rather than closures per call: a call answered within itself allocates it and its
 * envelope only.
 */
class LocalCall<R> {
  readonly timed = isRecording()
  lockedAt: number
  /** The caller's context, when the call switched its fiber to the actor's in place (`holding`). */
  callerContext: Context.Context<never> | undefined = undefined

  constructor(
    readonly cells: Map<string, Cell>,
    readonly cell: Cell,
    readonly entityId: string,
    readonly tag: string,
    readonly envelope: LocalEnvelope,
    readonly local: LocalHandler,
    readonly done: (success: boolean, seconds: number) => void,
    readonly fallback: ((entityId: string, tag: string, payload: unknown) => Effect.Effect<unknown, unknown, R>) | undefined,
    readonly fiber: Fiber.Fiber<unknown, unknown> | undefined,
    readonly calledAt: number
  ) {
    this.lockedAt = calledAt
  }

  lockTaken() {
    this.lockedAt = performance.now()
  }

  /** `measured`, for this call. */
  measure(exit: Exit.Exit<unknown, unknown>, crashed: boolean) {
    return measured(this.local, this.done, this.envelope, exit, crashed, this.calledAt, this.lockedAt, this.timed)
  }

  /** The handler's end, whatever it was (an interruption too): measured, the lock released. */
  ended(exit: Exit.Exit<unknown, unknown>): Effect.Effect<unknown, unknown, R> {
    const cell = this.cell
    if (this.callerContext !== undefined) {
      this.fiber!.setContext(this.callerContext)
      this.callerContext = undefined
    }
    const crashed = Exit.isFailure(exit) && Cause.hasDies(exit.cause)
    const logged = this.measure(exit, crashed)
    if (!crashed) {
      release(cell)
      return logged === undefined ? exit : Effect.andThen(logged, exit)
    }
    // Supervision: the actor's state may be broken. The call is re-issued through the engine,
    // which reaches this activation, sees the crash, restarts the actor (rebuilt from storage)
    // and replays the call, as for a crash under the engine; callers queued here are sent there
    // too (released after the cell is closed).
    if (cell.crashed === undefined) cell.crashed = Cause.squash(exit.cause)
    cell.closed = true
    if (this.cells.get(this.entityId) === cell) this.cells.delete(this.entityId)
    release(cell)
    const reissued = this.fallback === undefined ? Effect.fail(moved) : this.fallback(this.entityId, this.tag, this.envelope.payload)
    return logged === undefined ? reissued : Effect.andThen(logged, reissued)
  }

  /** `handler` then `ended`: one step after it, for its success and its failure alike. */
  matched(handler: Effect.Effect<unknown, unknown>): Effect.Effect<unknown, unknown, R> {
    return Effect.matchCauseEffect(handler, {
      onSuccess: (value: unknown) => this.ended(Exit.succeed(value)),
      onFailure: (cause: Cause.Cause<unknown>) => this.ended(Exit.failCause(cause))
    })
  }

  /** Runs `handler` holding the lock (taken): as the actor, then `ended`. */
  holding(handler: Effect.Effect<unknown, unknown>): Effect.Effect<unknown, unknown, R> {
    const fiber = this.fiber
    if (fiber === undefined) return this.matched(Effect.updateContext(handler, this.cell.asActor))
    // The caller's fiber is running this very call (actorClient evaluates it at once): it takes
    // the actor's context here and gets its own back in `ended`, which runs on every exit (an
    // interruption too): no context step and no exit frame of its own.
    this.callerContext = fiber.context
    fiber.setContext(this.cell.asActor(this.callerContext))
    return this.matched(handler)
  }
}

const sameShard = (a: ShardId.ShardId, b: ShardId.ShardId) => a === b || (a.id === b.id && a.group === b.group)

export const isMoved = (error: unknown): boolean => error === moved
