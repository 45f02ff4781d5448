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

const NO_NUMBERS = new Float64Array(0)
const NO_OFFSETS = new Uint32Array(0)

/**
 * The entries of one log as bytes, not objects: each entry is copied into the log's current
 * chunk, and three numbers per entry (its chunk, offset and length, in typed arrays) find it
 * again. A long dev-mode run keeps every change in memory, and the garbage collector traces and
 * copies what is kept: an object per entry (a Buffer each) made every scavenge copy and every
 * full collection trace each stored message. Entry i (from 0) of the kept ones is the log's
 * seq dropped + i + 1.
 */
class Entries {
  /** Chunk number firstChunk + i is chunks[i]; `used` bytes of the last one are taken. */
  private chunks: Array<Uint8Array> = []
  private firstChunk = 0
  private used = 0
  private chunkSize = 0
  // Empty until the first entry: a log that holds nothing (a user who only logged in) costs
  // no arrays of its own.
  private chunkOf = NO_NUMBERS
  private offsetOf = NO_OFFSETS
  private lengthOf = NO_OFFSETS
  /** When each entry's dedupe key stops counting (Infinity: never). */
  expires = NO_NUMBERS
  count = 0

  push(data: Uint8Array, expiresAt: number): void {
    if (this.chunks.length === 0 || this.used + data.length > this.chunkSize) {
      this.chunkSize = Math.min(CHUNK_MAX, Math.max(CHUNK_FIRST, this.chunkSize * 2))
      this.chunks.push(new Uint8Array(Math.max(this.chunkSize, data.length)))
      this.used = 0
    }
    const at = this.count
    if (at === this.expires.length) this.grow(Math.max(16, at * 2))
    this.chunks[this.chunks.length - 1]!.set(data, this.used)
    this.chunkOf[at] = this.firstChunk + this.chunks.length - 1
    this.offsetOf[at] = this.used
    this.lengthOf[at] = data.length
    this.expires[at] = expiresAt
    this.used += data.length
    this.count = at + 1
  }

  /** The bytes of kept entry `i`: a view of its chunk. */
  at(i: number): Uint8Array {
    const chunk = this.chunks[this.chunkOf[i]! - this.firstChunk]!
    const offset = this.offsetOf[i]!
    return chunk.subarray(offset, offset + this.lengthOf[i]!)
  }

  /** Forgets the oldest `n` entries, and the chunks only they used. */
  dropFront(n: number): void {
    const rest = this.count - n
    this.chunkOf.copyWithin(0, n, this.count)
    this.offsetOf.copyWithin(0, n, this.count)
    this.lengthOf.copyWithin(0, n, this.count)
    this.expires.copyWithin(0, n, this.count)
    this.count = rest
    const keepFrom = rest > 0 ? this.chunkOf[0]! : this.firstChunk + this.chunks.length - 1
    if (keepFrom > this.firstChunk) {
      this.chunks.splice(0, keepFrom - this.firstChunk)
      this.firstChunk = keepFrom
    }
  }

  private grow(size: number) {
    const grown = <T extends Float64Array | Uint32Array>(array: T, make: (n: number) => T): T => {
      const next = make(size)
      next.set(array)
      return next
    }
    this.chunkOf = grown(this.chunkOf, (n) => new Float64Array(n))
    this.offsetOf = grown(this.offsetOf, (n) => new Uint32Array(n))
    this.lengthOf = grown(this.lengthOf, (n) => new Uint32Array(n))
    this.expires = grown(this.expires, (n) => new Float64Array(n))
  }
}

/** A user's log: its entries, how many were dropped from its front, and each dedupe key's seq. */
interface Log {
  readonly epoch: string
  /** Entries dropped from the front by logTrim: kept entry i holds seq dropped + i + 1. */
  dropped: number
  readonly entries: Entries
  readonly dedupe: Map<string, number>
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
      log = { epoch: newEpoch(), dropped: 0, entries: new Entries(), dedupe: new Map() }
      logs.set(userId, log)
    }
    return log
  }

  const headOf = (log: Log) => ({ seq: log.dropped + log.entries.count, epoch: log.epoch, first: log.dropped + 1 })

  /** The entry a dedupe key names, while the key lives. */
  const deduped = (log: Log, dedupeKey: string, seq = log.dedupe.get(dedupeKey)): LogEntry | undefined => {
    const at = seq === undefined ? -1 : seq - log.dropped - 1
    return at < 0 || log.entries.expires[at]! <= now() ? undefined : { seq: seq!, data: log.entries.at(at) }
  }

  const append = (userId: string, request: AppendRequest): Exit.Exit<AppendResult, SequenceConflict> => {
    const log = logOf(userId)
    // Whether the key names an entry no longer live (expired, or dropped by a trim).
    let stale = false
    if (request.dedupeKey !== undefined) {
      const seq = log.dedupe.get(request.dedupeKey)
      if (seq !== undefined) {
        const seen = deduped(log, request.dedupeKey, seq)
        if (seen !== undefined) return Exit.succeed({ _tag: "Duplicate" as const, entry: seen })
        stale = true
      }
    }
    const head = log.dropped + log.entries.count
    if (request.seq !== head + 1) {
      return Exit.fail(new SequenceConflict({ userId, seq: request.seq, head }))
    }
    log.entries.push(request.data, request.dedupeKey === undefined || request.dedupeTtlMs === undefined ? Infinity : now() + request.dedupeTtlMs)
    if (request.dedupeKey !== undefined) {
      // A key that named an expired or dropped entry moves to the end: the keys stay in the
      // order of their seqs, which a trim relies on.
      if (stale) log.dedupe.delete(request.dedupeKey)
      log.dedupe.set(request.dedupeKey, request.seq)
    }
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
        return log === undefined ? undefined : deduped(log, dedupeKey)
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
          log.entries.dropFront(count)
          log.dropped += count
          // Dedupe keys of dropped entries go with them. The keys are in the order of their seqs
          // (append keeps them so), so the dropped ones are the first: the walk stops at the
          // first kept one instead of visiting every key of the log at every trim.
          for (const [key, seq] of log.dedupe) {
            if (seq > log.dropped) break
            log.dedupe.delete(key)
          }
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
