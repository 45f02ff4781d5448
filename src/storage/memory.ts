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
 * A user's log: entry n (seq n, from 1) at data[n - 1], its dedupe expiry at expires[n - 1], and
 * each dedupe key's seq. No object per entry: a long dev-mode run keeps every change in memory,
 * and the garbage collector traces what is kept.
 */
interface Log {
  readonly epoch: string
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
      log = { epoch: newEpoch(), data: [], expires: new Float64Array(16), dedupe: new Map() }
      logs.set(userId, log)
    }
    return log
  }

  const headOf = (log: Log) => ({ seq: log.data.length, epoch: log.epoch })

  /** The entry a dedupe key names, while the key lives. */
  const deduped = (log: Log, dedupeKey: string): LogEntry | undefined => {
    const seq = log.dedupe.get(dedupeKey)
    return seq === undefined || log.expires[seq - 1]! <= now() ? undefined : { seq, data: log.data[seq - 1]! }
  }

  const append = (userId: string, request: AppendRequest): Effect.Effect<AppendResult, SequenceConflict> => {
    const log = logOf(userId)
    if (request.dedupeKey !== undefined) {
      const seen = deduped(log, request.dedupeKey)
      if (seen !== undefined) return Effect.succeed({ _tag: "Duplicate" as const, entry: seen })
    }
    const head = log.data.length
    if (request.seq !== head + 1) {
      return Effect.fail(new SequenceConflict({ userId, seq: request.seq, head }))
    }
    log.data.push(request.data)
    if (head >= log.expires.length) {
      const grown = new Float64Array(log.expires.length * 2)
      grown.set(log.expires)
      log.expires = grown
    }
    log.expires[head] = request.dedupeKey === undefined || request.dedupeTtlMs === undefined ? Infinity : now() + request.dedupeTtlMs
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
        const start = Math.max(0, afterSeq)
        const page = log.data.slice(start, start + Math.max(0, limit))
        return { entries: page.map((data, i) => ({ seq: start + i + 1, data })), head: headOf(log) }
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
