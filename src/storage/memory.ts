/**
 * In-memory storage: the dev-mode default and the reference for the contract tests.
 * Everything is lost when the process exits; a new process starts new log epochs, so clients
 * that synced against the old one know to reload.
 */
import { randomBytes } from "node:crypto"
import { Clock, Effect, Exit, Layer } from "effect"
import { type AppendRequest, type AppendResult, completesNow, type LogEntry, SequenceConflict, Storage } from "./Storage.ts"

interface Slot {
  value: Uint8Array
  expiresAt: number
}

/**
 * A log's entry bytes are kept back to back in chunks: the first small (most logs hold a few
 * entries), each next one twice the last, up to CHUNK_MAX (bigger only for a bigger entry).
 */
const CHUNK_FIRST = 512
const CHUNK_MAX = 64 * 1024

/**
 * Entries per page of numbers: a log's first page starts at PAGE_FIRST entries and doubles up
 * to PAGE; further pages are PAGE entries each and are never copied. Doubling one array for a
 * whole log made its growth a copy of every entry's numbers into fresh memory, and logs that grow
 * at one pace (a room's members, a load test's pairs) doubled in the same event-loop turn:
 * tens of milliseconds of stall once the logs held tens of thousands of entries.
 */
const PAGE_BITS = 10
const PAGE = 1 << PAGE_BITS
const PAGE_FIRST = 4

const NO_OFFSETS = new Uint32Array(0)

/**
 * Each entry's numbers in a page, FIELDS apart: its chunk, offset and length, when its dedupe key
 * stops counting (Infinity: never), the key's hash, and how its key is kept (`keyForm`: NO_KEY,
 * none or a later entry took it over). The key's units follow the entry's bytes in its chunk.
 */
const FIELDS = 6
const CHUNK = 0
const OFFSET = 1
const LENGTH = 2
const EXPIRES = 3
const HASH = 4
const KEY_FORM = 5
const NO_KEY = -1

/**
 * A key is kept as its UTF-16 units: one byte each when every unit is below 256 (ids are mostly
 * ASCII), else two, low byte first, so any string comes back exactly (UTF-8 would turn two lone
 * surrogates into one replacement character, and two keys into one). Its form, a number: 2 ×
 * units, plus 1 for two bytes a unit.
 */
const keyForm = (key: string): number => {
  for (let k = 0; k < key.length; k++) if (key.charCodeAt(k) > 0xff) return key.length * 2 + 1
  return key.length * 2
}
const keyBytes = (form: number): number => (form & 1) === 1 ? form - 1 : form >>> 1

/**
 * The numbers of up to `size` consecutive entries, in one array: a typed array costs its object on
 * the heap, and most logs hold a few entries.
 */
class Page {
  readonly numbers: Float64Array

  constructor(readonly size: number, from?: Page) {
    // Not zeroed: every number is written before it is read. (Logs that grow at one pace open
    // their pages in the same turn; zeroing is work for nothing.)
    const block = Buffer.allocUnsafeSlow(size * FIELDS * 8)
    this.numbers = new Float64Array(block.buffer, block.byteOffset, size * FIELDS)
    if (from !== undefined) this.numbers.set(from.numbers)
  }
}

/**
 * The entries of one log as bytes, not objects: each entry is copied into the log's current
 * chunk, and numbers per entry (its chunk, offset and length, in a typed array) find it again.
 * A long dev-mode run keeps every change in memory, and the garbage collector traces and copies
 * what is kept: an object per entry (a Buffer each) made every scavenge copy and every full
 * collection trace each stored message. The dedupe keys are bytes too, after their entries: a
 * string kept per message was ~90 bytes of the heap that every scavenge copied twice (once
 * surviving, once promoted), and the scavenge's pause grew with them (bench/README.md).
 * Kept entry i (from 0) is the log's seq dropped + i + 1; it sits at position skip + i of the pages.
 */
class Entries {
  /** Chunk number firstChunk + i is chunks[i]; `used` bytes of the last one are taken. */
  private chunks: Array<Buffer> = []
  private firstChunk = 0
  private used = 0
  private chunkSize = 0
  // Empty until the first entry: a log that holds nothing (a user who only logged in) costs
  // no arrays of its own.
  private pages: Array<Page> = []
  /** Positions of the first page whose entries were dropped. */
  private skip = 0
  count = 0

  /** `form`: the key's keyForm (NO_KEY without one). */
  push(data: Uint8Array, expiresAt: number, key: string | undefined, hash: number, form: number): void {
    const size = data.length + (key === undefined ? 0 : keyBytes(form))
    if (this.chunks.length === 0 || this.used + size > this.chunkSize) {
      this.chunkSize = Math.min(CHUNK_MAX, Math.max(CHUNK_FIRST, this.chunkSize * 2))
      // Not zeroed (only written bytes are read back): its pages are touched as entries fill it,
      // not all at once — logs that grow at one pace open their chunks in the same turn.
      this.chunks.push(Buffer.allocUnsafeSlow(Math.max(this.chunkSize, size)))
      this.used = 0
    }
    const position = this.skip + this.count
    const pages = this.pages
    const last = pages.length - 1
    if (last < 0) {
      pages.push(new Page(PAGE_FIRST))
    } else if (position - (last << PAGE_BITS) >= pages[last]!.size) {
      // Only a log's first page is ever smaller than PAGE, and it grows before a second is made.
      if (pages[last]!.size < PAGE) pages[last] = new Page(pages[last]!.size * 2, pages[last])
      else pages.push(new Page(PAGE))
    }
    const page = pages[position >> PAGE_BITS]!
    const at = position & (PAGE - 1)
    const chunk = this.chunks[this.chunks.length - 1]!
    chunk.set(data, this.used)
    const numbers = page.numbers
    const base = at * FIELDS
    numbers[base + CHUNK] = this.firstChunk + this.chunks.length - 1
    numbers[base + OFFSET] = this.used
    numbers[base + LENGTH] = data.length
    numbers[base + EXPIRES] = expiresAt
    numbers[base + HASH] = hash
    numbers[base + KEY_FORM] = form
    // The key's units, one byte or two each (low byte first), copied by Node in one call.
    if (key !== undefined) chunk.write(key, this.used + data.length, (form & 1) === 0 ? "latin1" : "utf16le")
    this.used += size
    this.count++
  }

  /** The bytes of kept entry `i`: a view of its chunk. */
  at(i: number): Uint8Array {
    const chunk = this.chunks[this.numberOf(i, CHUNK) - this.firstChunk]!
    const offset = this.numberOf(i, OFFSET)
    return chunk.subarray(offset, offset + this.numberOf(i, LENGTH))
  }

  expiresAt(i: number): number {
    return this.numberOf(i, EXPIRES)
  }

  /** Kept entry `i` names a dedupe key. */
  hasKey(i: number): boolean {
    return this.numberOf(i, KEY_FORM) !== NO_KEY
  }

  /** Kept entry `i` names `key`. */
  keyIs(i: number, key: string): boolean {
    const form = this.numberOf(i, KEY_FORM)
    if (form === NO_KEY || form >>> 1 !== key.length) return false
    const chunk = this.chunks[this.numberOf(i, CHUNK) - this.firstChunk]!
    let from = this.numberOf(i, OFFSET) + this.numberOf(i, LENGTH)
    if ((form & 1) === 0) {
      for (let k = 0; k < key.length; k++) if (chunk[from++] !== key.charCodeAt(k)) return false
      return true
    }
    for (let k = 0; k < key.length; k++, from += 2) {
      if ((chunk[from]! | (chunk[from + 1]! << 8)) !== key.charCodeAt(k)) return false
    }
    return true
  }

  hashOf(i: number): number {
    return this.numberOf(i, HASH)
  }

  /** Kept entry `i` no longer names its key (a later entry took it over). */
  forgetKey(i: number): void {
    const position = this.skip + i
    this.pages[position >> PAGE_BITS]!.numbers[(position & (PAGE - 1)) * FIELDS + KEY_FORM] = NO_KEY
  }

  /** Forgets the oldest `n` entries, the pages and the chunks only they used. */
  dropFront(n: number): void {
    this.count -= n
    this.skip += n
    if (this.count === 0) {
      // Nothing kept: the log starts again with a small page (its chunk stays, half used).
      this.pages = []
      this.skip = 0
    } else if (this.skip >= PAGE) {
      this.pages.splice(0, this.skip >> PAGE_BITS)
      this.skip &= PAGE - 1
    }
    const keepFrom = this.count > 0 ? this.numberOf(0, CHUNK) : this.firstChunk + this.chunks.length - 1
    if (keepFrom > this.firstChunk) {
      this.chunks.splice(0, keepFrom - this.firstChunk)
      this.firstChunk = keepFrom
    }
  }

  /** Number `field` (CHUNK, OFFSET, ...) of kept entry `i`. */
  private numberOf(i: number, field: number): number {
    const position = this.skip + i
    return this.pages[position >> PAGE_BITS]!.numbers[(position & (PAGE - 1)) * FIELDS + field]!
  }
}

/** A KeyIndex slot never used; one whose key was removed or moved (probes go on past it). */
const EMPTY = 0
const GONE = 0xffff_ffff
/** Slots of the table being retired that each insert moves to the new one. */
const MOVES_PER_INSERT = 8

/** FNV-1a over the key's UTF-16 units, then murmur3's finalizer: where a key's probe starts. */
const hashKey = (key: string): number => {
  let h = 0x811c_9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x0100_0193)
  h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/**
 * A log's dedupe keys, each naming the seq of the entry it appended. Not a Map: a Map that
 * grows rehashes every key at once (~200 ns a key here: 12 ms at 65,000 keys, and a log keeps
 * up to ~112,000 at the default retention), and logs written at one pace double together,
 * in one event-loop turn. Here the keys sit beside the entries (Entries), and an open-addressing
 * table (linear probing, at most 65% full) finds them: a slot is two numbers, the seq and the
 * key's hash, so a probe that passes other keys reads one array, not each passed entry's
 * numbers (a miss in the processor's cache each, in a big log). A full table is retired a little
 * at a time: a new one with three slots a key takes the inserts, each insert moves
 * MOVES_PER_INSERT slots of the old one over (by their stored hashes, comparing no strings), and
 * lookups try the new table, then the old. Each key is in one table once: an entry that takes
 * over a key (it had expired) clears it from the older entry.
 */
class KeyIndex {
  /** Slot i is slots[2i] (a seq, EMPTY or GONE) and slots[2i + 1] (its key's hash). */
  private slots: Uint32Array = NO_OFFSETS
  /** Slots of `slots` not EMPTY (keys and GONE marks), and how many it may have. */
  private used = 0
  private limit = 0
  /** The table being retired, and the next of its slots to move. */
  private old: Uint32Array = NO_OFFSETS
  private moved = 0
  /** Keys in both tables. */
  private live = 0

  constructor(private readonly entries: Entries) {}

  /** The seq of the entry `key` appended, if the log keeps one. */
  find(key: string, hash: number, dropped: number): number | undefined {
    if (this.live === 0) return undefined
    let at = this.slotOf(this.slots, key, hash, dropped)
    if (at >= 0) return this.slots[at]!
    if (this.old.length === 0) return undefined
    at = this.slotOf(this.old, key, hash, dropped)
    return at < 0 ? undefined : this.old[at]!
  }

  /**
   * The entry just appended, `seq`, holds a key with this hash (pushed to Entries already): the
   * key names it now. `previous` is the entry the key named (`find`), if any — its entry expired,
   * or append would not have appended: the new entry takes its slot, and the older one lets go.
   */
  add(seq: number, hash: number, dropped: number, previous: number | undefined): void {
    if (this.old.length > 0) this.move(MOVES_PER_INSERT)
    if (previous !== undefined) {
      this.entries.forgetKey(previous - dropped - 1)
      this.replace(previous, hash, seq)
      return
    }
    if (this.used >= this.limit) this.retire()
    this.place(seq, hash)
    this.live++
  }

  /** Forgets the keys of the oldest `n` kept entries (before Entries drops them). */
  dropFront(n: number, dropped: number): void {
    for (let i = 0; i < n; i++) {
      if (!this.entries.hasKey(i)) continue
      this.replace(dropped + i + 1, this.entries.hashOf(i), GONE)
      this.live--
    }
    if (this.live === 0) {
      this.slots = NO_OFFSETS
      this.old = NO_OFFSETS
      this.used = 0
      this.limit = 0
    }
  }

  /** Where in `table` the seq of `key`'s slot is, or -1. */
  private slotOf(table: Uint32Array, key: string, hash: number, dropped: number): number {
    const mask = (table.length >>> 1) - 1
    for (let slot = hash & mask;; slot = (slot + 1) & mask) {
      const at = slot << 1
      const seq = table[at]!
      if (seq === EMPTY) return -1
      if (seq === GONE || table[at + 1] !== hash) continue
      if (this.entries.keyIs(seq - dropped - 1, key)) return at
    }
  }

  /** Puts a key not in either table into the new one. */
  private place(seq: number, hash: number) {
    const slots = this.slots
    const mask = (slots.length >>> 1) - 1
    let at = (hash & mask) << 1
    while (slots[at] !== EMPTY && slots[at] !== GONE) at = (at + 2) & (slots.length - 1)
    if (slots[at] === EMPTY) this.used++
    slots[at] = seq
    slots[at + 1] = hash
  }

  /** The slot holding `seq` (a key's, with this hash), in whichever table has it, holds `by`. */
  private replace(seq: number, hash: number, by: number) {
    if (!this.replaceIn(this.slots, seq, hash, by)) this.replaceIn(this.old, seq, hash, by)
  }

  private replaceIn(table: Uint32Array, seq: number, hash: number, by: number): boolean {
    if (table.length === 0) return false
    const mask = (table.length >>> 1) - 1
    for (let slot = hash & mask;; slot = (slot + 1) & mask) {
      const at = slot << 1
      if (table[at] === EMPTY) return false
      if (table[at] === seq) {
        table[at] = by
        return true
      }
    }
  }

  /**
   * A new table of at least three slots a key; the full one is retired. A table is full at a
   * load between 0.5 and 0.65, drawn for each: logs that grow at one pace then make their new
   * tables in different turns, not all in one (fresh memory costs its page faults).
   */
  private retire() {
    // Never two retiring at once (at MOVES_PER_INSERT a retiring table is gone long before the
    // new one fills, but a table full of GONE marks can be retired sooner).
    if (this.old.length > 0) this.move(this.old.length >>> 1)
    let size = 16
    while (size < (this.live + 1) * 3) size *= 2
    this.old = this.live > 0 ? this.slots : NO_OFFSETS
    this.moved = 0
    this.slots = new Uint32Array(size * 2)
    this.used = 0
    this.limit = Math.floor(size * (0.5 + 0.15 * Math.random()))
  }

  /** Moves up to `count` slots of the retiring table into the new one (by their stored hashes). */
  private move(count: number) {
    const old = this.old
    const end = Math.min(old.length >>> 1, this.moved + count)
    for (let slot = this.moved; slot < end; slot++) {
      const at = slot << 1
      const seq = old[at]!
      if (seq === EMPTY || seq === GONE) continue
      old[at] = GONE
      this.place(seq, old[at + 1]!)
    }
    this.moved = end
    if (end === old.length >>> 1) this.old = NO_OFFSETS
  }
}

/** A user's log: its entries, how many were dropped from its front, and its dedupe keys. */
interface Log {
  readonly epoch: string
  /** Entries dropped from the front by logTrim: kept entry i holds seq dropped + i + 1. */
  dropped: number
  readonly entries: Entries
  readonly dedupe: KeyIndex
}

// Epochs name a log's life: unique, not secret. A random prefix per process and a counter (16 hex
// digits, as 8 random bytes were): no system call per call — the Redis store passes a new one
// with every append, for the case the log does not exist yet.
const epochPrefix = randomBytes(4).toString("hex")
let epochs = Math.floor(Math.random() * 0x1_0000_0000)
export const newEpoch = (): string => {
  epochs = (epochs + 1) % 0x1_0000_0000
  return epochPrefix + epochs.toString(16).padStart(8, "0")
}

export const makeMemory = Effect.gen(function*() {
  const kv = new Map<string, Slot>()
  const logs = new Map<string, Log>()
  const maps = new Map<string, Map<string, Uint8Array>>()
  const clock = yield* Clock.Clock
  const now = () => clock.currentTimeMillisUnsafe()

  const live = (key: string): Slot | undefined => {
    const slot = kv.get(key)
    if (slot === undefined) return undefined
    if (slot.expiresAt <= now()) {
      kv.delete(key)
      return undefined
    }
    return slot
  }

  const logOf = (userId: string): Log => {
    let log = logs.get(userId)
    if (log === undefined) {
      const entries = new Entries()
      log = { epoch: newEpoch(), dropped: 0, entries, dedupe: new KeyIndex(entries) }
      logs.set(userId, log)
    }
    return log
  }

  const headOf = (log: Log) => ({ seq: log.dropped + log.entries.count, epoch: log.epoch, first: log.dropped + 1 })

  /** The entry `seq` (the one a dedupe key names), while its key lives. */
  const deduped = (log: Log, seq: number | undefined): LogEntry | undefined => {
    const at = seq === undefined ? -1 : seq - log.dropped - 1
    return at < 0 || log.entries.expiresAt(at) <= now() ? undefined : { seq: seq!, data: log.entries.at(at) }
  }

  // The last dedupe key appended, its hash and form: a 1:1 message appends one key to two logs
  // in a row (the sender's and the recipient's), which then read its units once, not twice.
  let lastKey: string | undefined
  let lastHash = 0
  let lastForm = NO_KEY

  const append = (userId: string, request: AppendRequest): Exit.Exit<AppendResult, SequenceConflict> => {
    const log = logOf(userId)
    const key = request.dedupeKey
    if (key !== undefined && key !== lastKey) {
      lastKey = key
      lastHash = hashKey(key)
      lastForm = keyForm(key)
    }
    const hash = key === undefined ? 0 : lastHash
    // The entry the key names; if it expired, the key names the new one (KeyIndex.add).
    const previous = key === undefined ? undefined : log.dedupe.find(key, hash, log.dropped)
    const seen = deduped(log, previous)
    if (seen !== undefined) return Exit.succeed({ _tag: "Duplicate" as const, entry: seen })
    const head = log.dropped + log.entries.count
    if (request.seq !== head + 1) {
      return Exit.fail(new SequenceConflict({ userId, seq: request.seq, head }))
    }
    const expiresAt = key === undefined || request.dedupeTtlMs === undefined ? Infinity : now() + request.dedupeTtlMs
    log.entries.push(request.data, expiresAt, key, hash, key === undefined ? NO_KEY : lastForm)
    if (key !== undefined) log.dedupe.add(request.seq, hash, log.dropped, previous)
    return Exit.succeed({ _tag: "Appended" as const, entry: { seq: request.seq, data: request.data } })
  }

  return Storage.of({
    get: (key) => Effect.sync(() => live(key)?.value),
    set: (key, value, options) =>
      Effect.sync(() => {
        if (options?.onlyIfAbsent && live(key) !== undefined) return false
        kv.set(key, { value, expiresAt: options?.ttlMs === undefined ? Infinity : now() + options.ttlMs })
        return true
      }),
    remove: (key) => Effect.sync(() => void (kv.delete(key), maps.delete(key))),
    increment: (key, by, ttlMs) =>
      Effect.sync(() => {
        const slot = live(key)
        const next = (slot === undefined ? 0 : Number(new TextDecoder().decode(slot.value))) + by
        kv.set(key, {
          value: new TextEncoder().encode(String(next)),
          expiresAt: slot?.expiresAt ?? (ttlMs === undefined ? Infinity : now() + ttlMs)
        })
        return next
      }),
    logHead: (userId) => Effect.sync(() => headOf(logOf(userId))),
    logAppend: completesNow((userId, request) => Effect.suspend(() => append(userId, request)), append),
    logDeduped: (userId, dedupeKey) =>
      Effect.sync(() => {
        const log = logs.get(userId)
        return log === undefined ? undefined : deduped(log, log.dedupe.find(dedupeKey, hashKey(dedupeKey), log.dropped))
      }),
    logRead: (userId, afterSeq, limit) =>
      Effect.sync(() => {
        const log = logOf(userId)
        const start = Math.max(0, afterSeq - log.dropped)
        const end = Math.min(log.entries.count, start + Math.max(0, limit))
        const entries: Array<LogEntry> = []
        for (let i = start; i < end; i++) entries.push({ seq: log.dropped + i + 1, data: log.entries.at(i) })
        return { entries, head: headOf(log) }
      }),
    logTrim: (userId, beforeSeq, maxEntries) =>
      Effect.sync(() => {
        const log = logOf(userId)
        const count = Math.min(Math.max(0, beforeSeq - log.dropped - 1), log.entries.count, Math.max(0, maxEntries))
        if (count > 0) {
          // Dedupe keys of dropped entries go with them.
          log.dedupe.dropFront(count, log.dropped)
          log.entries.dropFront(count)
          log.dropped += count
        }
        return log.dropped + 1
      }),
    mapGet: (key, field) => Effect.sync(() => maps.get(key)?.get(field)),
    mapSet: (key, field, value) =>
      Effect.sync(() => {
        const map = maps.get(key) ?? new Map<string, Uint8Array>()
        map.set(field, value)
        maps.set(key, map)
      }),
    mapRemove: (key, field) =>
      Effect.sync(() => {
        const map = maps.get(key)
        map?.delete(field)
        if (map?.size === 0) maps.delete(key)
      }),
    mapEntries: (key) => Effect.sync(() => [...(maps.get(key) ?? [])])
  })
})

export const layerMemory: Layer.Layer<Storage> = Layer.effect(Storage, makeMemory)
