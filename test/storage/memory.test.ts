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

// Dedupe keys at scale: many keys (non-ASCII ones too), then a trim that drops most of their
// entries: every kept key still answers, a dropped one can name a new entry.
it.effect("thousands of dedupe keys, non-ASCII ones too, through growth and a trim: kept keys answer, dropped ones are free again", () =>
  Effect.gen(function*() {
    const storage = yield* Effect.provide(Storage, layerMemory)
    const user = "many-keys"
    const keyOf = (seq: number) => seq % 3 === 0 ? `ключ-${seq}-✓` : seq % 3 === 1 ? `msg:alice/${seq}` : `${seq}`
    const total = 5000
    for (let seq = 1; seq <= total; seq++) {
      const appended = yield* storage.logAppend(user, { seq, data: new TextEncoder().encode(`entry ${seq}`), dedupeKey: keyOf(seq), dedupeTtlMs: 60_000 })
      assert.strictEqual(appended._tag, "Appended")
    }
    // Every key resent names its own entry and writes nothing.
    for (let seq = 1; seq <= total; seq += 7) {
      const again = yield* storage.logAppend(user, { seq: total + 1, data: new Uint8Array([9]), dedupeKey: keyOf(seq), dedupeTtlMs: 60_000 })
      assert.strictEqual(again._tag, "Duplicate")
      assert.strictEqual(again.entry.seq, seq)
      assert.strictEqual(new TextDecoder().decode(again.entry.data), `entry ${seq}`)
    }
    assert.strictEqual((yield* storage.logHead(user)).seq, total)
    // A trim drops the first 3000: their keys are forgotten, the others still answer, also once
    // the table has been rebuilt by the appends that follow.
    yield* storage.logTrim(user, 3001, total)
    assert.strictEqual(yield* storage.logDeduped(user, keyOf(1)), undefined)
    assert.strictEqual((yield* storage.logDeduped(user, keyOf(3001)))?.seq, 3001)
    let seq = total
    for (let dropped = 1; dropped <= 3000; dropped += 13) {
      const reused = yield* storage.logAppend(user, { seq: ++seq, data: new Uint8Array([1]), dedupeKey: keyOf(dropped), dedupeTtlMs: 60_000 })
      assert.strictEqual(reused._tag, "Appended")
    }
    for (let kept = 3001; kept <= total; kept += 11) {
      assert.strictEqual((yield* storage.logDeduped(user, keyOf(kept)))?.seq, kept)
    }
    assert.strictEqual((yield* storage.logDeduped(user, keyOf(14)))?.seq, total + 2)
    assert.strictEqual(yield* storage.logDeduped(user, "never used"), undefined)
  }))
