import { assert, it } from "@effect/vitest"
import { Effect, Layer, Metric } from "effect"
import { instrumented, storageOperations } from "../../src/storage/instrumented.ts"
import { layerMemory, makeMemory } from "../../src/storage/memory.ts"
import { Storage } from "../../src/storage/Storage.ts"
import { storageContract } from "./contract.ts"

storageContract("memory", layerMemory)
// Dev mode's store: the memory store measured (its appends run in the wrapper's own step).
storageContract("memory, instrumented", instrumented(layerMemory))

const appendsCounted = Metric.value(storageOperations({ operation: "log_append", outcome: "ok" }))

it.effect("instrumented memory storage counts its appends, and a wrapper that replaces the append is what runs", () =>
  Effect.gen(function*() {
    const request = { seq: 1, data: new Uint8Array([1, 2, 3]), dedupeKey: "k", dedupeTtlMs: 60_000 }
    const before = (yield* appendsCounted).count
    const plain = yield* Effect.provide(Storage, instrumented(layerMemory))
    assert.strictEqual((yield* plain.logAppend("counted", request))._tag, "Appended")
    assert.strictEqual((yield* appendsCounted).count - before, 1)
    // A store made from the memory store with its append replaced (as a test or an app may do):
    // the measured store runs the replacement, not the memory store's own append.
    let replaced = 0
    const wrapped = Layer.effect(
      Storage,
      Effect.map(makeMemory, (inner) =>
        Storage.of({
          ...inner,
          logAppend: (userId, appended) => Effect.andThen(Effect.sync(() => replaced++), inner.logAppend(userId, appended))
        }))
    )
    const storage = yield* Effect.provide(Storage, instrumented(wrapped))
    assert.strictEqual((yield* storage.logAppend("wrapped", request))._tag, "Appended")
    assert.strictEqual(replaced, 1)
    assert.strictEqual((yield* appendsCounted).count - before, 2)
  }))
