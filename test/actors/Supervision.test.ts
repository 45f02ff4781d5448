import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Metric } from "effect"
import { actorClient, callActor } from "../../src/actors/ActorCall.ts"
import { ChangeLog, encodeChangeBody } from "../../src/actors/ChangeLog.ts"
import { actorRestarts } from "../../src/actors/Supervision.ts"
import { devEngine } from "../../src/cluster/Engine.ts"
import { WeftConfig, withOverrides } from "../../src/cluster/Settings.ts"
import { GatewayConfig } from "../../src/gateway/GatewayConfig.ts"
import { makeMemory } from "../../src/storage/memory.ts"
import { completesNow, plainOf, Storage } from "../../src/storage/Storage.ts"

/** In-memory storage that crashes (a defect, as a bug or a lost disk would) on chosen calls. */
const faultyStorage = (faults: { headFailures: number; appendFailures: number }) =>
  Layer.effect(
    Storage,
    Effect.map(makeMemory, (inner) =>
      Storage.of({
        ...inner,
        logHead: (userId) =>
          userId === "fragile" && faults.headFailures-- > 0 ? Effect.die(new Error("disk on fire")) : inner.logHead(userId),
        logAppend: (userId, request) =>
          userId === "fragile" && faults.appendFailures-- > 0
            ? Effect.die(new Error("disk on fire"))
            : inner.logAppend(userId, request)
      }))
  )

/**
 * In-memory storage whose append, answered within the call (the form a fast-path call to a free
 * actor runs), throws on chosen calls — a bug in a store or in the actor's plain code.
 */
const faultyPlainStorage = (faults: { appendFailures: number }) =>
  Layer.effect(
    Storage,
    Effect.map(makeMemory, (inner) => {
      const plain = plainOf(inner.logAppend)!
      const appendNow: typeof plain = (userId, request) => {
        if (userId === "fragile-now" && faults.appendFailures > 0) {
          faults.appendFailures--
          throw new Error("disk on fire")
        }
        return plain(userId, request)
      }
      return Storage.of({
        ...inner,
        logAppend: completesNow((userId, request) => Effect.suspend(() => appendNow(userId, request)), appendNow)
      })
    })
  )

const settings = withOverrides()
const engineWith = (faults: { headFailures: number; appendFailures: number }) =>
  devEngine(settings).pipe(
    Layer.provideMerge(faultyStorage(faults)),
    Layer.provideMerge(GatewayConfig.layer(settings.gateway)),
    Layer.provideMerge(WeftConfig.layer(settings))
  )

const append = (userId: string, text: string) =>
  Effect.flatMap(ChangeLog.client, (logs) =>
    callActor(
      logs(userId).Append({
        body: encodeChangeBody({
          message: { messageId: text, from: "x", to: userId, type: 0, text, clientMsgId: text, sentAtMs: 0 }
        })
      }),
      "change log"
    ))

const restarts = Metric.value(actorRestarts({ type: "ChangeLog" }))

const plainEngineWith = (faults: { appendFailures: number }) =>
  devEngine(settings).pipe(
    Layer.provideMerge(faultyPlainStorage(faults)),
    Layer.provideMerge(GatewayConfig.layer(settings.gateway)),
    Layer.provideMerge(WeftConfig.layer(settings))
  )

/** An append through actorClient: the fast path, which answers a free change log within the call. */
const appendFast = (userId: string, text: string) =>
  Effect.flatMap(actorClient(ChangeLog), (logs) =>
    logs(userId).Append({
      body: encodeChangeBody({
        message: { messageId: text, from: "x", to: userId, type: 0, text, clientMsgId: text, sentAtMs: 0 }
      })
    }))

describe("supervision", () => {
  it.live("an actor that crashes while starting is restarted with backoff; its neighbours are untouched", () =>
    Effect.gen(function*() {
      const before = (yield* restarts).count
      const fragile = yield* Effect.forkChild(append("fragile", "one"))
      // While "fragile" crashes and restarts, another user's actor answers at once.
      const sturdy = yield* append("sturdy", "hello").pipe(Effect.timeout("1 second"))
      expect(sturdy.seq).toBe(1)
      const appended = yield* Fiber.join(fragile)
      expect(appended.seq).toBe(1)
      expect((yield* restarts).count - before).toBeGreaterThanOrEqual(2)
    }).pipe(Effect.provide(engineWith({ headFailures: 2, appendFailures: 0 }))))

  it.live("an actor that crashes in a handler is restarted, rebuilds its state and finishes the request", () =>
    Effect.gen(function*() {
      const before = (yield* restarts).count
      expect((yield* append("fragile", "first")).seq).toBe(1)
      // The append crashes; the engine restarts the actor, which re-reads its head from
      // storage, and replays the request that was in flight: the caller sees it succeed.
      expect((yield* append("fragile", "second")).seq).toBe(2)
      expect((yield* append("fragile", "third")).seq).toBe(3)
      expect((yield* restarts).count - before).toBe(1)
    }).pipe(Effect.provide(engineWith({ headFailures: 0, appendFailures: 1 }))))

  const plainFaults = { appendFailures: 0 }
  it.live("a handler that crashes while answering within a fast-path call is restarted and the call answered through the engine", () =>
    Effect.gen(function*() {
      const before = (yield* restarts).count
      // The first call activates the actor (through the engine); the next ones find it free.
      expect((yield* appendFast("fragile-now", "first")).seq).toBe(1)
      expect((yield* appendFast("fragile-now", "second")).seq).toBe(2)
      // This one throws inside the plain append: the actor is restarted (its head re-read from
      // storage) and the call re-issued through the engine, where it succeeds.
      plainFaults.appendFailures = 1
      expect((yield* appendFast("fragile-now", "third")).seq).toBe(3)
      expect((yield* restarts).count - before).toBe(1)
      expect((yield* appendFast("fragile-now", "fourth")).seq).toBe(4)
      expect(plainFaults.appendFailures, "the fault was hit").toBe(0)
    }).pipe(Effect.provide(plainEngineWith(plainFaults))))
})
