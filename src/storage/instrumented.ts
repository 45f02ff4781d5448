/**
 * Storage with its operations measured: latency and errors per operation, whatever the
 * implementation underneath. `instrumented(layerMemory)` or `instrumented(layerRedis(...))`.
 */
import { Effect, Exit, Layer, Metric } from "effect"
import { Storage } from "./Storage.ts"
import { isRecording, labelled, record } from "../metrics/Instruments.ts"

export const storageOperations = labelled((attributes) =>
  Metric.counter("weft_storage_operations_total", {
    description: "Storage operations, by operation and outcome (ok, error)",
    incremental: true,
    attributes
  })
)

export const storageLatency = labelled((attributes) =>
  Metric.histogram("weft_storage_operation_seconds", {
    description: "Latency of storage operations, by operation",
    boundaries: Metric.exponentialBoundaries({ start: 0.00005, factor: 2, count: 18 }),
    attributes
  })
)

export const storageWrittenBytes = labelled((attributes) =>
  Metric.counter("weft_storage_written_bytes_total", {
    description: "Bytes of values and log entries written to storage, by operation (keys and dedupe keys not counted)",
    incremental: true,
    attributes
  })
)

/** Counts the bytes of `value` once the operation succeeds and `stored` says it wrote them. */
const written = (operation: string) => {
  const counter = storageWrittenBytes({ operation })
  return <A, E>(effect: Effect.Effect<A, E>, value: Uint8Array, stored: (result: A) => boolean = () => true) =>
    Effect.map(effect, (result) => {
      if (stored(result)) record(counter, value.length)
      return result
    })
}

/** The series of one operation. */
const seriesOf = (operation: string) => ({
  latency: storageLatency({ operation }),
  ok: storageOperations({ operation, outcome: "ok" }),
  error: storageOperations({ operation, outcome: "error" })
})

/** Measures every run of the operation's effects: one closure per operation, made once. */
const measurer = (operation: string) => {
  const series = seriesOf(operation)
  return <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
    if (!isRecording()) return effect
    return Effect.suspend(() => {
      const started = performance.now()
      return Effect.onExit(effect, (exit) => {
        record(series.latency, (performance.now() - started) / 1000)
        record(Exit.isSuccess(exit) ? series.ok : series.error, 1)
        return Effect.void
      })
    })
  }
}

export const instrumented = <E, R>(inner: Layer.Layer<Storage, E, R>): Layer.Layer<Storage, E, R> =>
  Layer.effect(
    Storage,
    Effect.map(Storage, (storage) => {
      const measure = {
        get: measurer("get"),
        set: measurer("set"),
        remove: measurer("remove"),
        increment: measurer("increment"),
        logHead: measurer("log_head"),
        logAppend: measurer("log_append"),
        logRead: measurer("log_read"),
        logDeduped: measurer("log_deduped"),
        logTrim: measurer("log_trim"),
        mapGet: measurer("map_get"),
        mapSet: measurer("map_set"),
        mapRemove: measurer("map_remove"),
        mapEntries: measurer("map_entries")
      }
      const bytes = { set: written("set"), logAppend: written("log_append"), mapSet: written("map_set") }
      return Storage.of({
        get: (key) => measure.get(storage.get(key)),
        set: (key, value, options) => measure.set(bytes.set(storage.set(key, value, options), value, (stored) => stored)),
        remove: (key) => measure.remove(storage.remove(key)),
        increment: (key, by, ttlMs) => measure.increment(storage.increment(key, by, ttlMs)),
        logHead: (userId) => measure.logHead(storage.logHead(userId)),
        logAppend: (userId, request) =>
          measure.logAppend(bytes.logAppend(storage.logAppend(userId, request), request.data, (result) => result._tag === "Appended")),
        logRead: (userId, afterSeq, limit) => measure.logRead(storage.logRead(userId, afterSeq, limit)),
        logDeduped: (userId, dedupeKey) => measure.logDeduped(storage.logDeduped(userId, dedupeKey)),
        logTrim: (userId, beforeSeq, maxEntries) => measure.logTrim(storage.logTrim(userId, beforeSeq, maxEntries)),
        mapGet: (key, field) => measure.mapGet(storage.mapGet(key, field)),
        mapSet: (key, field, value) => measure.mapSet(bytes.mapSet(storage.mapSet(key, field, value), value)),
        mapRemove: (key, field) => measure.mapRemove(storage.mapRemove(key, field)),
        mapEntries: (key) => measure.mapEntries(storage.mapEntries(key))
      })
    })
  ).pipe(Layer.provide(inner))
