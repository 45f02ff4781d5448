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

/** The series of one operation, looked up once. */
const seriesOf = (operation: string) => ({
  latency: storageLatency({ operation }),
  ok: storageOperations({ operation, outcome: "ok" }),
  error: storageOperations({ operation, outcome: "error" })
})
const series = new Map<string, ReturnType<typeof seriesOf>>()

const measure = <A, E, R>(operation: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  if (!isRecording()) return effect
  let of = series.get(operation)
  if (of === undefined) series.set(operation, of = seriesOf(operation))
  const measured = of
  return Effect.suspend(() => {
    const started = performance.now()
    return effect.pipe(
      Effect.onExit((exit) =>
        Effect.sync(() => {
          record(measured.latency, (performance.now() - started) / 1000)
          record(Exit.isSuccess(exit) ? measured.ok : measured.error, 1)
        })
      )
    )
  })
}

export const instrumented = <E, R>(inner: Layer.Layer<Storage, E, R>): Layer.Layer<Storage, E, R> =>
  Layer.effect(
    Storage,
    Effect.map(Storage, (storage) =>
      Storage.of({
        get: (key) => measure("get", storage.get(key)),
        set: (key, value, options) => measure("set", storage.set(key, value, options)),
        remove: (key) => measure("remove", storage.remove(key)),
        increment: (key, by, ttlMs) => measure("increment", storage.increment(key, by, ttlMs)),
        logHead: (userId) => measure("log_head", storage.logHead(userId)),
        logAppend: (userId, request) => measure("log_append", storage.logAppend(userId, request)),
        logRead: (userId, afterSeq, limit) => measure("log_read", storage.logRead(userId, afterSeq, limit)),
        mapGet: (key, field) => measure("map_get", storage.mapGet(key, field)),
        mapSet: (key, field, value) => measure("map_set", storage.mapSet(key, field, value)),
        mapRemove: (key, field) => measure("map_remove", storage.mapRemove(key, field)),
        mapEntries: (key) => measure("map_entries", storage.mapEntries(key))
      }))
  ).pipe(Layer.provide(inner))
