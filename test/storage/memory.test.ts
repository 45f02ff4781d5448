import { assert, it } from "@effect/vitest"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { Clock, Effect, Layer, Metric } from "effect"
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

// The store keeps dedupe keys as their UTF-16 units beside their entries (one byte a unit when all
// fit in one, else two): keys that differ only in a lone surrogate (one and the same in UTF-8),
// the empty key, a key and its prefix, a one-byte key against a two-byte one of the same length
// stay apart, and the entries around them read back byte for byte.
it.effect("dedupe keys that UTF-8 would confuse, the empty key and prefixes stay distinct", () =>
  Effect.gen(function*() {
    const storage = yield* Effect.provide(Storage, layerMemory)
    const user = "odd-keys"
    const keys = ["\uD800x", "\uDBFFx", "\uDC00x", "", "ab", "abc", "a\u0000b", "a\u0100b", "😀"]
    for (const [i, key] of keys.entries()) {
      const appended = yield* storage.logAppend(user, { seq: i + 1, data: new TextEncoder().encode(`entry ${i}`), dedupeKey: key, dedupeTtlMs: 60_000 })
      assert.strictEqual(appended._tag, "Appended", JSON.stringify(key))
    }
    for (const [i, key] of keys.entries()) {
      const found = yield* storage.logDeduped(user, key)
      assert.strictEqual(found?.seq, i + 1, JSON.stringify(key))
      assert.strictEqual(new TextDecoder().decode(found!.data), `entry ${i}`)
    }
    assert.strictEqual(yield* storage.logDeduped(user, "\uD801x"), undefined)
    assert.strictEqual(yield* storage.logDeduped(user, "a"), undefined)
    const page = yield* storage.logRead(user, 0, 100)
    assert.deepStrictEqual(page.entries.map((entry) => new TextDecoder().decode(entry.data)), keys.map((_, i) => `entry ${i}`))
  }))

// A long dev-mode run keeps every message in memory: the entries and their dedupe keys are bytes
// off the collector's heap, so what the heap keeps per stored message stays a few bytes (a string
// per dedupe key was ~90 bytes that every scavenge copied and every full collection traced).
it.effect("stored entries and their dedupe keys keep almost nothing on the JavaScript heap", () =>
  Effect.gen(function*() {
    setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as () => void
    const storage = yield* Effect.provide(Storage, layerMemory)
    const appendNow = (user: string, seq: number) =>
      storage.logAppend(user, { seq, data: new TextEncoder().encode(`a stored change ${seq}`), dedupeKey: `msg:${user}.${seq}-${Math.random()}`, dedupeTtlMs: 60_000 })
    const users = Array.from({ length: 8 }, (_, i) => `heap-${i}`)
    // Every log exists and has grown a little before the baseline.
    for (const user of users) yield* appendNow(user, 1)
    gc()
    const before = process.memoryUsage().heapUsed
    const perLog = 25_000
    for (let seq = 2; seq <= perLog + 1; seq++) for (const user of users) yield* appendNow(user, seq)
    gc()
    const perEntry = (process.memoryUsage().heapUsed - before) / (perLog * users.length)
    assert.isBelow(perEntry, 16, `${perEntry.toFixed(1)} bytes of heap per stored entry`)
    // And all of it is there: the last key of each log names its entry.
    const page = yield* storage.logRead(users[0]!, perLog, 10)
    assert.strictEqual(page.head.seq, perLog + 1)
    assert.strictEqual(new TextDecoder().decode(page.entries[0]!.data), `a stored change ${perLog + 1}`)
  }))

// The store's dedupe index against a plain model, through everything that moves keys around:
// its table growing and being retired a few slots per insert, keys resent while live
// (duplicates) and after they expired (the new entry takes the key over), trims of every size,
// a log trimmed to nothing and written again. Several logs at once, written in turn.
it.effect("dedupe keys match a model through 60,000 appends: growth, expiry takeovers, trims", () =>
  Effect.gen(function*() {
    let time = 1_000
    const clock: Clock.Clock = Object.create(yield* Clock.Clock)
    clock.currentTimeMillisUnsafe = () => time
    const storage = yield* Effect.provideService(makeMemory, Clock.Clock, clock)
    let seed = 7
    const random = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32
    const users = ["m-a", "m-b", "m-c"]
    const model = new Map(users.map((user) => [user, { head: 0, first: 1, keys: new Map<string, { seq: number; expiresAt: number }>() }]))
    const liveSeq = (log: { first: number; keys: Map<string, { seq: number; expiresAt: number }> }, key: string) => {
      const known = log.keys.get(key)
      return known !== undefined && known.seq >= log.first && known.expiresAt > time ? known.seq : undefined
    }
    let duplicates = 0
    let takeovers = 0
    for (let step = 0; step < 60_000; step++) {
      const user = users[step % users.length]!
      const log = model.get(user)!
      const r = random()
      if (r < 0.002) {
        // A trim: up to everything kept.
        const beforeSeq = log.first + Math.floor(random() * (log.head - log.first + 2))
        const first = yield* storage.logTrim(user, beforeSeq, 1_000_000)
        log.first = Math.min(Math.max(log.first, beforeSeq), log.head + 1)
        assert.strictEqual(first, log.first)
        continue
      }
      if (r < 0.01) time += Math.floor(random() * 200)
      // Mostly new keys; some resent from a small pool (live ones are duplicates, expired ones
      // are taken over by the new entry).
      const key = random() < 0.8 ? `new-${step}` : `pool-${Math.floor(random() * 300)}`
      const ttl = 50 + Math.floor(random() * 2_000)
      const expected = liveSeq(log, key)
      const result = yield* storage.logAppend(user, { seq: log.head + 1, data: new TextEncoder().encode(`${user} ${step}`), dedupeKey: key, dedupeTtlMs: ttl })
      if (expected !== undefined) {
        assert.strictEqual(result._tag, "Duplicate")
        assert.strictEqual(result.entry.seq, expected)
        duplicates++
      } else {
        assert.strictEqual(result._tag, "Appended")
        if (log.keys.has(key)) takeovers++
        log.head++
        log.keys.set(key, { seq: log.head, expiresAt: time + ttl })
      }
      if (step % 97 === 0) {
        // Lookups without writing: pool keys, a recent key, a key never used.
        for (const probe of [`pool-${Math.floor(random() * 300)}`, `new-${step - 3}`, `never-${step}`]) {
          assert.strictEqual((yield* storage.logDeduped(user, probe))?.seq, liveSeq(log, probe), probe)
        }
      }
    }
    // Every key the model still holds answers with its entry, bytes and all.
    for (const user of users) {
      const log = model.get(user)!
      for (const [key, { seq }] of log.keys) {
        const found = yield* storage.logDeduped(user, key)
        assert.strictEqual(found?.seq, liveSeq(log, key), key)
        if (found !== undefined) assert.strictEqual(new TextDecoder().decode(found.data).split(" ")[0], user)
        if (found !== undefined) assert.strictEqual(found.seq, seq)
      }
    }
    // The run went through what it is for.
    assert.isAbove(duplicates, 1_000)
    assert.isAbove(takeovers, 500)
  }))
