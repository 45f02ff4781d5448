/**
 * The behaviour every `Storage` implementation must have, run against each of them (memory,
 * Redis, Redis Cluster). Time is real — Redis expires keys by its own clock — so TTLs are short
 * and the tests sleep a little past them. Every test uses its own user ids and keys, so the
 * suite can share one Redis with other runs.
 */
import { randomUUID } from "node:crypto"
import { assert, it } from "@effect/vitest"
import { Effect, type Layer, Result } from "effect"
import { type AppendResult, type LogEntry, SequenceConflict, Storage, userKey } from "../../src/storage/Storage.ts"

const unique = (name: string): string => `${name}-${randomUUID().slice(0, 8)}`
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
/** Every byte value, and a sequence that is not valid UTF-8, so nothing can pass through a string. */
const binary = new Uint8Array([0, 255, 0xc3, 0x28, ...Array.from({ length: 256 }, (_, i) => i)])

const assertBytes = (actual: Uint8Array | undefined, expected: Uint8Array) => {
  assert.instanceOf(actual, Uint8Array)
  assert.deepStrictEqual(Array.from(actual!), Array.from(expected))
}

const assertEntries = (actual: ReadonlyArray<LogEntry>, expected: ReadonlyArray<readonly [number, string]>) =>
  assert.deepStrictEqual(
    actual.map((entry) => [entry.seq, new TextDecoder().decode(entry.data)]),
    expected.map(([seq, text]) => [seq, text])
  )

const assertAppended = (result: AppendResult, seq: number) => {
  assert.strictEqual(result._tag, "Appended")
  assert.strictEqual(result.entry.seq, seq)
}

export const storageContract = (name: string, layer: Layer.Layer<Storage, unknown>): void =>
  // Live services: the sleeps below must pass real time, for the implementation too.
  it.layer(layer, { excludeTestServices: true, timeout: "30 seconds" })(`Storage contract: ${name}`, (it) => {
    it.effect("a value set is read back byte for byte, and is gone after remove", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const key = userKey(unique("user"), "blob")
        assert.strictEqual(yield* storage.get(key), undefined)
        assert.isTrue(yield* storage.set(key, binary))
        assertBytes(yield* storage.get(key), binary)
        assert.isTrue(yield* storage.set(key, bytes("second")))
        assertBytes(yield* storage.get(key), bytes("second"))
        yield* storage.remove(key)
        assert.strictEqual(yield* storage.get(key), undefined)
        yield* storage.remove(key) // removing a missing key is not an error
      }))

    it.effect("set with onlyIfAbsent writes a new key but keeps an existing value", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const key = userKey(unique("user"), "claim")
        assert.isTrue(yield* storage.set(key, bytes("first"), { onlyIfAbsent: true }))
        assert.isFalse(yield* storage.set(key, bytes("second"), { onlyIfAbsent: true }))
        assertBytes(yield* storage.get(key), bytes("first"))
      }))

    it.effect("a value with a ttl is gone after it, and can then be claimed again", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const key = userKey(unique("user"), "token")
        const lasting = userKey(unique("user"), "lasting")
        yield* storage.set(key, bytes("short"), { ttlMs: 60 })
        yield* storage.set(lasting, bytes("long"), { ttlMs: 10_000 })
        assertBytes(yield* storage.get(key), bytes("short"))
        yield* Effect.sleep("150 millis")
        assert.strictEqual(yield* storage.get(key), undefined)
        assertBytes(yield* storage.get(lasting), bytes("long"))
        assert.isTrue(yield* storage.set(key, bytes("again"), { onlyIfAbsent: true }))
      }))

    it.effect("increment counts from zero by any step", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const key = userKey(unique("user"), "counter")
        assert.strictEqual(yield* storage.increment(key, 1), 1)
        assert.strictEqual(yield* storage.increment(key, 5), 6)
        assert.strictEqual(yield* storage.increment(key, -2), 4)
        assert.strictEqual(yield* storage.increment(userKey(unique("user"), "counter"), 7), 7)
      }))

    it.effect("a counter expires a ttl after it was created; later increments do not extend it", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const key = userKey(unique("user"), "window")
        assert.strictEqual(yield* storage.increment(key, 1, 80), 1)
        assert.strictEqual(yield* storage.increment(key, 1, 10_000), 2)
        yield* Effect.sleep("180 millis")
        assert.strictEqual(yield* storage.increment(key, 1, 10_000), 1)
      }))

    it.effect("a new log has head 0 and an epoch that stays the same", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const user = unique("user")
        const head = yield* storage.logHead(user)
        assert.strictEqual(head.seq, 0)
        assert.isAbove(head.epoch.length, 0)
        assert.deepStrictEqual(yield* storage.logHead(user), head)
        assertAppended(yield* storage.logAppend(user, { seq: 1, data: bytes("a") }), 1)
        assert.deepStrictEqual(yield* storage.logHead(user), { seq: 1, epoch: head.epoch, first: 1 })
        assert.deepStrictEqual((yield* storage.logRead(user, 0, 10)).head, { seq: 1, epoch: head.epoch, first: 1 })
      }))

    it.effect("an append must be head + 1; any other seq fails with SequenceConflict and writes nothing", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const user = unique("user")
        const skipped = yield* Effect.flip(storage.logAppend(user, { seq: 2, data: bytes("too far") }))
        assert.instanceOf(skipped, SequenceConflict)
        assert.deepStrictEqual({ ...skipped }, { _tag: "SequenceConflict", userId: user, seq: 2, head: 0 })

        const appended = yield* storage.logAppend(user, { seq: 1, data: bytes("one") })
        assertAppended(appended, 1)
        assertBytes(appended.entry.data, bytes("one"))

        for (const seq of [1, 0, 3]) {
          const error = yield* Effect.flip(storage.logAppend(user, { seq, data: bytes("fenced") }))
          assert.instanceOf(error, SequenceConflict)
          assert.strictEqual((error as SequenceConflict).head, 1)
        }
        const page = yield* storage.logRead(user, 0, 10)
        assert.strictEqual(page.head.seq, 1)
        assertEntries(page.entries, [[1, "one"]])
      }))

    it.effect("a second append with the same dedupe key returns the first entry and writes nothing", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const user = unique("user")
        assertAppended(yield* storage.logAppend(user, { seq: 1, data: binary, dedupeKey: "m1", dedupeTtlMs: 10_000 }), 1)
        // The same key again, at the next seq and with other data: the original is returned.
        const again = yield* storage.logAppend(user, { seq: 2, data: bytes("other"), dedupeKey: "m1", dedupeTtlMs: 10_000 })
        assert.strictEqual(again._tag, "Duplicate")
        assert.strictEqual(again.entry.seq, 1)
        assertBytes(again.entry.data, binary)
        // A resend with the stale seq is a duplicate too, not a conflict.
        assert.strictEqual((yield* storage.logAppend(user, { seq: 1, data: binary, dedupeKey: "m1" }))._tag, "Duplicate")
        assert.strictEqual((yield* storage.logHead(user)).seq, 1)
        // Another key is appended normally; the same key of another user is unrelated.
        assertAppended(yield* storage.logAppend(user, { seq: 2, data: bytes("two"), dedupeKey: "m2" }), 2)
        assertAppended(yield* storage.logAppend(unique("user"), { seq: 1, data: bytes("x"), dedupeKey: "m1" }), 1)
        const page = yield* storage.logRead(user, 1, 10)
        assertEntries(page.entries, [[2, "two"]])
      }))

    it.effect("logDeduped finds the entry a dedupe key appended, without writing; nothing for an unknown or expired key", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const user = unique("g:log")
        assert.strictEqual(yield* storage.logDeduped(user, "m1"), undefined)
        yield* storage.logAppend(user, { seq: 1, data: bytes("one") })
        assertAppended(yield* storage.logAppend(user, { seq: 2, data: binary, dedupeKey: "m1", dedupeTtlMs: 10_000 }), 2)
        assertAppended(yield* storage.logAppend(user, { seq: 3, data: bytes("short"), dedupeKey: "m2", dedupeTtlMs: 60 }), 3)
        const found = yield* storage.logDeduped(user, "m1")
        assert.strictEqual(found?.seq, 2)
        assertBytes(found?.data, binary)
        assert.strictEqual(yield* storage.logDeduped(user, "other"), undefined)
        assert.strictEqual(yield* storage.logDeduped(unique("user"), "m1"), undefined)
        assert.strictEqual((yield* storage.logHead(user)).seq, 3)
        yield* Effect.sleep("150 millis")
        assert.strictEqual(yield* storage.logDeduped(user, "m2"), undefined)
      }))

    it.effect("a dedupe key is forgotten after its ttl", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const user = unique("user")
        assertAppended(yield* storage.logAppend(user, { seq: 1, data: bytes("one"), dedupeKey: "m", dedupeTtlMs: 60 }), 1)
        yield* Effect.sleep("150 millis")
        assertAppended(yield* storage.logAppend(user, { seq: 2, data: bytes("two"), dedupeKey: "m", dedupeTtlMs: 60 }), 2)
      }))

    it.effect("a dedupe key used again after its ttl names its new entry, also after the old one is trimmed", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const user = unique("user")
        assertAppended(yield* storage.logAppend(user, { seq: 1, data: bytes("one"), dedupeKey: "again", dedupeTtlMs: 60 }), 1)
        assertAppended(yield* storage.logAppend(user, { seq: 2, data: bytes("two"), dedupeKey: "k2", dedupeTtlMs: 60_000 }), 2)
        yield* Effect.sleep("150 millis")
        assertAppended(yield* storage.logAppend(user, { seq: 3, data: bytes("three"), dedupeKey: "k3", dedupeTtlMs: 60_000 }), 3)
        assertAppended(yield* storage.logAppend(user, { seq: 4, data: bytes("four"), dedupeKey: "again", dedupeTtlMs: 60_000 }), 4)
        assertAppended(yield* storage.logAppend(user, { seq: 5, data: bytes("five"), dedupeKey: "k5", dedupeTtlMs: 60_000 }), 5)
        // Entries 1-3 go: their keys go with them; the reused key and the later one still answer.
        assert.strictEqual(yield* storage.logTrim(user, 4, 10), 4)
        assert.strictEqual(yield* storage.logDeduped(user, "k2"), undefined)
        assert.strictEqual(yield* storage.logDeduped(user, "k3"), undefined)
        assertBytes((yield* storage.logDeduped(user, "again"))?.data, bytes("four"))
        assert.strictEqual((yield* storage.logDeduped(user, "k5"))?.seq, 5)
        const resent = yield* storage.logAppend(user, { seq: 6, data: bytes("other"), dedupeKey: "again", dedupeTtlMs: 60_000 })
        assert.strictEqual(resent._tag, "Duplicate")
        assert.strictEqual(resent.entry.seq, 4)
      }))

    it.effect("logRead pages through the log in order, after a seq and up to a limit, with the head", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const user = unique("user")
        const { epoch } = yield* storage.logHead(user)
        for (let seq = 1; seq <= 5; seq++) {
          yield* storage.logAppend(user, { seq, data: bytes(`entry ${seq}`) })
        }
        const pages = [] as Array<ReadonlyArray<number>>
        let after = 0
        for (;;) {
          const page = yield* storage.logRead(user, after, 2)
          assert.deepStrictEqual(page.head, { seq: 5, epoch, first: 1 })
          if (page.entries.length === 0) break
          pages.push(page.entries.map((entry) => entry.seq))
          after = page.entries[page.entries.length - 1]!.seq
        }
        assert.deepStrictEqual(pages, [[1, 2], [3, 4], [5]])
        assertEntries((yield* storage.logRead(user, 0, 100)).entries, [1, 2, 3, 4, 5].map((seq) => [seq, `entry ${seq}`] as const))
        assertEntries((yield* storage.logRead(user, 3, 1)).entries, [[4, "entry 4"]])
        assert.deepStrictEqual((yield* storage.logRead(user, 5, 10)).entries, [])
        assert.deepStrictEqual((yield* storage.logRead(user, 0, 0)).entries, [])
      }))

    it.effect("logTrim drops the oldest entries, a step at a time; reads start after them and seqs go on", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const user = unique("user")
        const { epoch } = yield* storage.logHead(user)
        for (let seq = 1; seq <= 10; seq++) {
          yield* storage.logAppend(user, { seq, data: bytes(`entry ${seq}`), dedupeKey: `k${seq}`, dedupeTtlMs: 60_000 })
        }
        // At most 3 per call: entries 1-3 go, then 4-6; the log keeps 7-10.
        assert.strictEqual(yield* storage.logTrim(user, 7, 3), 4)
        assert.strictEqual(yield* storage.logTrim(user, 7, 3), 7)
        assert.strictEqual(yield* storage.logTrim(user, 7, 3), 7)
        assert.deepStrictEqual(yield* storage.logHead(user), { seq: 10, epoch, first: 7 })
        const page = yield* storage.logRead(user, 2, 3)
        assert.deepStrictEqual(page.head, { seq: 10, epoch, first: 7 })
        assertEntries(page.entries, [[7, "entry 7"], [8, "entry 8"], [9, "entry 9"]])
        assertEntries((yield* storage.logRead(user, 8, 10)).entries, [[9, "entry 9"], [10, "entry 10"]])
        // A kept entry's dedupe key still answers; a dropped entry's key went with it.
        assert.strictEqual((yield* storage.logDeduped(user, "k8"))?.seq, 8)
        assert.strictEqual(yield* storage.logDeduped(user, "k2"), undefined)
        assertAppended(yield* storage.logAppend(user, { seq: 11, data: bytes("entry 11"), dedupeKey: "k2" }), 11)
        // Never past the head: trimming everything leaves an empty log whose seqs go on.
        assert.strictEqual(yield* storage.logTrim(user, 100, 100), 12)
        assert.deepStrictEqual((yield* storage.logRead(user, 0, 10)).entries, [])
        assertAppended(yield* storage.logAppend(user, { seq: 12, data: bytes("entry 12") }), 12)
        assertEntries((yield* storage.logRead(user, 0, 10)).entries, [[12, "entry 12"]])
      }))

    it.effect("entries of every size read back byte for byte, before and after trims", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const user = unique("user")
        // Sizes from 1 byte to past 64 KB, so a store that packs entries together crosses its
        // own boundaries many times; every entry's bytes say which entry they are.
        const sizes = [1, 90, 700, 3_000, 17, 70_000, 250]
        const entryOf = (seq: number) => {
          const size = sizes[seq % sizes.length]!
          const data = new Uint8Array(size)
          for (let i = 0; i < size; i++) data[i] = (seq * 31 + i) & 0xff
          return data
        }
        const count = 300
        for (let seq = 1; seq <= count; seq++) assertAppended(yield* storage.logAppend(user, { seq, data: entryOf(seq) }), seq)
        const readAll = Effect.fnUntraced(function*(from: number) {
          const seen: Array<LogEntry> = []
          let cursor = from
          while (true) {
            const page = yield* storage.logRead(user, cursor, 64)
            if (page.entries.length === 0) return seen
            seen.push(...page.entries)
            cursor = page.entries[page.entries.length - 1]!.seq
          }
        })
        const check = (entries: ReadonlyArray<LogEntry>, first: number) => {
          assert.deepStrictEqual(entries.map((entry) => entry.seq), Array.from({ length: count - first + 1 }, (_, i) => first + i))
          for (const entry of entries) assertBytes(entry.data, entryOf(entry.seq))
        }
        check(yield* readAll(0), 1)
        assert.strictEqual(yield* storage.logTrim(user, 101, 1_000), 101)
        check(yield* readAll(0), 101)
        assert.strictEqual(yield* storage.logTrim(user, 250, 1_000), 250)
        check(yield* readAll(0), 250)
        assert.strictEqual(yield* storage.logTrim(user, count + 1, 1_000), count + 1)
        assertAppended(yield* storage.logAppend(user, { seq: count + 1, data: entryOf(count + 1) }), count + 1)
        assertBytes((yield* storage.logRead(user, 0, 10)).entries[0]!.data, entryOf(count + 1))
        // An empty entry, first in its log, and one after it.
        const other = unique("user")
        assertAppended(yield* storage.logAppend(other, { seq: 1, data: new Uint8Array(0), dedupeKey: "e", dedupeTtlMs: 60_000 }), 1)
        assertAppended(yield* storage.logAppend(other, { seq: 2, data: entryOf(2) }), 2)
        const both = (yield* storage.logRead(other, 0, 10)).entries
        assertBytes(both[0]!.data, new Uint8Array(0))
        assertBytes(both[1]!.data, entryOf(2))
        assertBytes((yield* storage.logDeduped(other, "e"))?.data, new Uint8Array(0))
      }))

    it.effect("the logs of different users are independent", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const alice = unique("alice")
        const bob = unique("bob")
        yield* storage.logAppend(alice, { seq: 1, data: bytes("a1") })
        yield* storage.logAppend(alice, { seq: 2, data: bytes("a2") })
        assert.strictEqual((yield* storage.logHead(bob)).seq, 0)
        assertAppended(yield* storage.logAppend(bob, { seq: 1, data: bytes("b1") }), 1)
        assertEntries((yield* storage.logRead(alice, 0, 10)).entries, [[1, "a1"], [2, "a2"]])
        assertEntries((yield* storage.logRead(bob, 0, 10)).entries, [[1, "b1"]])
        assert.notStrictEqual((yield* storage.logHead(alice)).epoch, (yield* storage.logHead(bob)).epoch)
      }))

    it.effect("of two concurrent appends of the same seq exactly one wins", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const user = unique("user")
        for (let seq = 1; seq <= 10; seq++) {
          const results = yield* Effect.all(
            [
              Effect.result(storage.logAppend(user, { seq, data: bytes(`first ${seq}`) })),
              Effect.result(storage.logAppend(user, { seq, data: bytes(`second ${seq}`) }))
            ],
            { concurrency: "unbounded" }
          )
          const winners = results.filter(Result.isSuccess)
          const losers = results.filter(Result.isFailure)
          assert.strictEqual(winners.length, 1, `seq ${seq}: exactly one append wins`)
          assert.strictEqual(losers.length, 1)
          assert.instanceOf(losers[0]!.failure, SequenceConflict)
          const winner = winners[0]!.success
          const stored = (yield* storage.logRead(user, seq - 1, 1)).entries
          assert.strictEqual(stored.length, 1)
          assertBytes(stored[0]!.data, winner.entry.data)
        }
        assert.strictEqual((yield* storage.logHead(user)).seq, 10)
      }))

    it.effect("a map keeps its fields apart: set, read back byte for byte, list, remove", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const key = userKey(unique("user"), "contacts")
        assert.deepStrictEqual(yield* storage.mapEntries(key), [])
        assert.strictEqual(yield* storage.mapGet(key, "bob"), undefined)
        yield* storage.mapSet(key, "bob", binary)
        yield* storage.mapSet(key, "carol", bytes("c1"))
        yield* storage.mapSet(key, "carol", bytes("c2"))
        assertBytes(yield* storage.mapGet(key, "bob"), binary)
        const entries = [...(yield* storage.mapEntries(key))].sort(([a], [b]) => a.localeCompare(b))
        assert.deepStrictEqual(entries.map(([field]) => field), ["bob", "carol"])
        assertBytes(entries[0]![1], binary)
        assertBytes(entries[1]![1], bytes("c2"))
        yield* storage.mapRemove(key, "bob")
        yield* storage.mapRemove(key, "nobody") // removing a missing field is not an error
        assert.strictEqual(yield* storage.mapGet(key, "bob"), undefined)
        assert.deepStrictEqual((yield* storage.mapEntries(key)).map(([field]) => field), ["carol"])
        yield* storage.remove(key)
        assert.deepStrictEqual(yield* storage.mapEntries(key), [])
      }))

    it.effect("concurrent writers of different fields of one map lose nothing", () =>
      Effect.gen(function*() {
        const storage = yield* Storage
        const key = userKey(unique("user"), "contacts")
        const fields = Array.from({ length: 20 }, (_, i) => `peer-${i}`)
        yield* Effect.forEach(fields, (field) => storage.mapSet(key, field, bytes(field)), { concurrency: "unbounded" })
        const entries = yield* storage.mapEntries(key)
        assert.deepStrictEqual(entries.map(([field]) => field).sort(), [...fields].sort())
        for (const [field, value] of entries) assertBytes(value, bytes(field))
      }))
  })
