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

interface Log {
  readonly epoch: string
  readonly entries: Array<LogEntry>
  readonly dedupe: Map<string, Slot & { seq: number }>
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
      log = { epoch: newEpoch(), entries: [], dedupe: new Map() }
      logs.set(userId, log)
    }
    return log
  }

  const headOf = (log: Log) => ({ seq: log.entries.length === 0 ? 0 : log.entries[log.entries.length - 1]!.seq, epoch: log.epoch })

  const append = (userId: string, request: AppendRequest): Effect.Effect<AppendResult, SequenceConflict> => {
    const log = logOf(userId)
    if (request.dedupeKey !== undefined) {
      const seen = log.dedupe.get(request.dedupeKey)
      if (seen !== undefined && seen.expiresAt > now()) {
        return Effect.succeed({ _tag: "Duplicate" as const, entry: { seq: seen.seq, data: seen.value } })
      }
    }
    const head = headOf(log).seq
    if (request.seq !== head + 1) {
      return Effect.fail(new SequenceConflict({ userId, seq: request.seq, head }))
    }
    const entry: LogEntry = { seq: request.seq, data: request.data }
    log.entries.push(entry)
    if (request.dedupeKey !== undefined) {
      log.dedupe.set(request.dedupeKey, {
        seq: entry.seq,
        value: entry.data,
        expiresAt: request.dedupeTtlMs === undefined ? Infinity : now() + request.dedupeTtlMs
      })
    }
    return Effect.succeed({ _tag: "Appended" as const, entry })
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
        const seen = logs.get(userId)?.dedupe.get(dedupeKey)
        return seen === undefined || seen.expiresAt <= now() ? undefined : { seq: seen.seq, data: seen.value }
      }),
    logRead: (userId, afterSeq, limit) =>
      Effect.sync(() => {
        const log = logOf(userId)
        const first = log.entries[0]?.seq ?? 1
        const start = Math.max(0, afterSeq + 1 - first)
        return { entries: log.entries.slice(start, start + Math.max(0, limit)), head: headOf(log) }
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
