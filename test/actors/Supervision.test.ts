import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Metric } from "effect"
import { callActor } from "../../src/actors/ActorCall.ts"
import { ChangeLog, encodeChangeBody } from "../../src/actors/ChangeLog.ts"
import { actorRestarts } from "../../src/actors/Supervision.ts"
import { devEngine } from "../../src/cluster/Engine.ts"
import { WeftConfig, withOverrides } from "../../src/cluster/Settings.ts"
import { GatewayConfig } from "../../src/gateway/GatewayConfig.ts"
import { makeMemory } from "../../src/storage/memory.ts"
import { Storage } from "../../src/storage/Storage.ts"

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
})
