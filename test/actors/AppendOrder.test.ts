/**
 * Callers queued behind a busy change log: each append takes its sequence number once it holds
 * the actor, so none of them is refused by the store as stale and retried (with Redis, a
 * refused append and the head it then re-reads are two more round trips).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { actorClient } from "../../src/actors/ActorCall.ts"
import { ChangeLog, encodeChangeBody } from "../../src/actors/ChangeLog.ts"
import { devEngine } from "../../src/cluster/Engine.ts"
import { WeftConfig, withOverrides } from "../../src/cluster/Settings.ts"
import { GatewayConfig } from "../../src/gateway/GatewayConfig.ts"
import { makeMemory } from "../../src/storage/memory.ts"
import { Storage } from "../../src/storage/Storage.ts"

/** The memory store answering appends a millisecond later, as a store across a network does; its appends counted. */
const calls = { append: 0, refused: 0 }
const slowStorage = Layer.effect(
  Storage,
  Effect.map(makeMemory, (inner) =>
    Storage.of({
      ...inner,
      logAppend: (userId, request) =>
        Effect.andThen(Effect.sleep("1 millis"), () => {
          calls.append++
          return inner.logAppend(userId, request).pipe(Effect.tapError(() => Effect.sync(() => calls.refused++)))
        })
    }))
)

const settings = withOverrides()
const engine = devEngine(settings).pipe(
  Layer.provideMerge(slowStorage),
  Layer.provideMerge(GatewayConfig.layer(settings.gateway)),
  Layer.provideMerge(WeftConfig.layer(settings))
)

const body = (text: string) =>
  encodeChangeBody({ message: { messageId: `x/${text}`, from: "x", to: "busy", type: 0, text, clientMsgId: text, sentAtMs: 1 } })

describe("a change log with callers queued behind it", () => {
  it.live("gives each queued append the next sequence number when its turn comes: no append is refused as stale", () =>
    Effect.gen(function*() {
      const logs = yield* actorClient(ChangeLog)
      // The first call activates the actor; the rest take the fast path and queue behind each other.
      expect((yield* logs("busy").Append({ body: body("first") })).seq).toBe(1)
      calls.append = 0
      calls.refused = 0
      const results = yield* Effect.forEach([1, 2, 3, 4, 5, 6, 7, 8], (i) => logs("busy").Append({ body: body(`m${i}`) }), {
        concurrency: "unbounded"
      })
      expect(results.map((result) => result.seq).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9])
      expect(calls.refused, "appends the store refused as stale").toBe(0)
      expect(calls.append, "appends the store was asked for").toBe(8)
    }).pipe(Effect.provide(engine)))
})
