/**
 * In-memory storage: the dev-mode default and the reference for the contract tests.
 * Everything is lost when the process exits; a new process starts new log epochs, so clients
 * that synced against the old one know to reload.
 */
import { randomBytes } from "node:crypto"
import { Clock, Effect, Layer } from "effect"
import { type AppendRequest, type AppendResult, type LogEntry, SequenceConflict, Storage } from "./Storage.ts"

interface Slot {
  value: Uint8Array
  expiresAt: number
}

/**
 * A user's log: entry n at data[n - dropped - 1], its dedupe expiry at the same index of
 * expires, and each dedupe key's seq. No object per entry: a long dev-mode run keeps every change in memory,
 * and the garbage collector traces what is kept.
 */
interface Log {
  readonly epoch: string
  /** Entries dropped from the front by logTrim: data[i] holds seq dropped + i + 1. */
  dropped: number
  readonly data: Array<Uint8Array>
  expires: Float64Array
  readonly dedupe: Map<string, number>
}

export const newEpoch = (): string => randomBytes(8).toString("hex")

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
      log = { epoch: newEpoch(), dropped: 0, data: [], expires: new Float64Array(16), dedupe: new Map() }
      logs.set(userId, log)
    }
    return log
  }

  const headOf = (log: Log) => ({ seq: log.dropped + log.data.length, epoch: log.epoch, first: log.dropped + 1 })

  /** The entry a dedupe key names, while the key lives. */
  const deduped = (log: Log, dedupeKey: string): LogEntry | undefined => {
    const seq = log.dedupe.get(dedupeKey)
    const at = seq === undefined ? -1 : seq - log.dropped - 1
    return at < 0 || log.expires[at]! <= now() ? undefined : { seq: seq!, data: log.data[at]! }
  }

  const append = (userId: string, request: AppendRequest): Effect.Effect<AppendResult, SequenceConflict> => {
    const log = logOf(userId)
    if (request.dedupeKey !== undefined) {
      const seen = deduped(log, request.dedupeKey)
      if (seen !== undefined) return Effect.succeed({ _tag: "Duplicate" as const, entry: seen })
    }
    const head = log.dropped + log.data.length
    if (request.seq !== head + 1) {
      return Effect.fail(new SequenceConflict({ userId, seq: request.seq, head }))
    }
    const at = log.data.length
    log.data.push(request.data)
    if (at >= log.expires.length) {
      const grown = new Float64Array(log.expires.length * 2)
      grown.set(log.expires)
      log.expires = grown
    }
    log.expires[at] = request.dedupeKey === undefined || request.dedupeTtlMs === undefined ? Infinity : now() + request.dedupeTtlMs
    if (request.dedupeKey !== undefined) log.dedupe.set(request.dedupeKey, request.seq)
    return Effect.succeed({ _tag: "Appended" as const, entry: { seq: request.seq, data: request.data } })
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
    logAppend: (userId, request) => Effect.suspend(() => append(userId, request)),
    logDeduped: (userId, dedupeKey) =>
      Effect.sync(() => {
        const log = logs.get(userId)
        return log === undefined ? undefined : deduped(log, dedupeKey)
      }),
    logRead: (userId, afterSeq, limit) =>
      Effect.sync(() => {
        const log = logOf(userId)
        const start = Math.max(0, afterSeq - log.dropped)
        const page = log.data.slice(start, start + Math.max(0, limit))
        return { entries: page.map((data, i) => ({ seq: log.dropped + start + i + 1, data })), head: headOf(log) }
      }),
    logTrim: (userId, beforeSeq, maxEntries) =>
      Effect.sync(() => {
        const log = logOf(userId)
        const count = Math.min(Math.max(0, beforeSeq - log.dropped - 1), log.data.length, Math.max(0, maxEntries))
        if (count > 0) {
          log.data.splice(0, count)
          log.expires.copyWithin(0, count, count + log.data.length)
          log.dropped += count
          // Dedupe keys of dropped entries go with them (a key of a kept entry maps to a higher seq).
          for (const [key, seq] of log.dedupe) if (seq <= log.dropped) log.dedupe.delete(key)
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
