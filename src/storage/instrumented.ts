/**
 * Storage with its operations measured: latency and errors per operation, whatever the
 * implementation underneath. `instrumented(layerMemory)` or `instrumented(layerRedis(...))`.
 */
import { Effect, Exit, Layer, Metric } from "effect"
import { completesNow, plainOf, Storage } from "./Storage.ts"
import { counter, histogram, isRecording, labelled, record } from "../metrics/Instruments.ts"

export const storageOperations = labelled((attributes) =>
  counter("weft_storage_operations_total", {
    description: "Storage operations, by operation and outcome (ok, error)",
    incremental: true,
    attributes
  })
)

export const storageLatency = labelled((attributes) =>
  histogram("weft_storage_operation_seconds", {
    description: "Latency of storage operations that wait for their store (Redis), by operation; one the store completes within the call (the memory store's log append) is counted, not timed",
    boundaries: Metric.exponentialBoundaries({ start: 0.00005, factor: 2, count: 18 }),
    attributes
  })
)

export const storageWrittenBytes = labelled((attributes) =>
  counter("weft_storage_written_bytes_total", {
    description: "Bytes of values and log entries written to storage, by operation (keys and dedupe keys not counted)",
    incremental: true,
    attributes
  })
)

/** The series of one operation (bytes written only for those that write values). */
const seriesOf = (operation: string, writes: boolean) => ({
  latency: storageLatency({ operation }),
  ok: storageOperations({ operation, outcome: "ok" }),
  error: storageOperations({ operation, outcome: "error" }),
  written: writes ? storageWrittenBytes({ operation }) : undefined
})

const always = () => true

/**
 * Measures every run of the operation's effects: one closure per operation, made once. An
 * operation that writes `value` counts its bytes once it succeeds and `stored` says it wrote
 * them — in the same exit handler as its latency and outcome.
 */
const measurer = (operation: string, writes = false) => {
  const series = seriesOf(operation, writes)
  const recorded = <A, E>(exit: Exit.Exit<A, E>, started: number, value: Uint8Array | undefined, stored: (result: A) => boolean) => {
    record(series.latency, (performance.now() - started) / 1000)
    counted(exit, value, stored)
  }
  const counted = <A, E>(exit: Exit.Exit<A, E>, value: Uint8Array | undefined, stored: (result: A) => boolean) => {
    if (Exit.isSuccess(exit)) {
      record(series.ok, 1)
      if (series.written !== undefined && value !== undefined && stored(exit.value)) record(series.written, value.length)
    } else {
      record(series.error, 1)
    }
  }
  const measure = <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    value?: Uint8Array,
    stored: (result: A) => boolean = always
  ): Effect.Effect<A, E, R> => {
    if (!isRecording()) return effect
    return Effect.suspend(() => {
      const started = performance.now()
      // onExitPrimitive: a handler with nothing to run after it returns undefined, which saves
      // the step (and the allocations) an effect returned would cost, for every operation.
      return Effect.onExitPrimitive(effect, (exit) => {
        recorded(exit, started, value, stored)
        return undefined
      })
    })
  }
  /**
   * An operation the store completes within the call (the memory store's log append: a Map
   * operation and a copy), run as a plain call and counted, bytes included, but not timed: two
   * clock readings would cost about what the operation does, on every message of dev mode. Its
   * two arguments are passed on, not closed over: no closure per operation.
   */
  const plain = <A, E, P, Q>(
    run: (first: P, second: Q) => Exit.Exit<A, E>,
    first: P,
    second: Q,
    value?: Uint8Array,
    stored: (result: A) => boolean = always
  ): Exit.Exit<A, E> => {
    const exit = run(first, second)
    if (isRecording()) counted(exit, value, stored)
    return exit
  }
  return Object.assign(measure, { plain })
}

const wroteIt = (stored: boolean) => stored
const appended = (result: { readonly _tag: string }) => result._tag === "Appended"

export const instrumented = <E, R>(inner: Layer.Layer<Storage, E, R>): Layer.Layer<Storage, E, R> =>
  Layer.effect(
    Storage,
    Effect.map(Storage, (storage) => {
      const measure = {
        get: measurer("get"),
        set: measurer("set", true),
        remove: measurer("remove"),
        increment: measurer("increment"),
        logHead: measurer("log_head"),
        logAppend: measurer("log_append", true),
        logRead: measurer("log_read"),
        logDeduped: measurer("log_deduped"),
        logTrim: measurer("log_trim"),
        mapGet: measurer("map_get"),
        mapSet: measurer("map_set", true),
        mapRemove: measurer("map_remove"),
        mapEntries: measurer("map_entries")
      }
      const appendNow = plainOf(storage.logAppend)
      return Storage.of({
        get: (key) => measure.get(storage.get(key)),
        set: (key, value, options) => measure.set(storage.set(key, value, options), value, wroteIt),
        remove: (key) => measure.remove(storage.remove(key)),
        increment: (key, by, ttlMs) => measure.increment(storage.increment(key, by, ttlMs)),
        logHead: (userId) => measure.logHead(storage.logHead(userId)),
        logAppend: appendNow === undefined
          ? (userId, request) => measure.logAppend(storage.logAppend(userId, request), request.data, appended)
          : completesNow(
            // Run and counted in one step.
            (userId, request) => Effect.suspend(() => measure.logAppend.plain(appendNow, userId, request, request.data, appended)),
            (userId, request) => measure.logAppend.plain(appendNow, userId, request, request.data, appended)
          ),
        logRead: (userId, afterSeq, limit) => measure.logRead(storage.logRead(userId, afterSeq, limit)),
        logDeduped: (userId, dedupeKey) => measure.logDeduped(storage.logDeduped(userId, dedupeKey)),
        logTrim: (userId, beforeSeq, maxEntries) => measure.logTrim(storage.logTrim(userId, beforeSeq, maxEntries)),
        mapGet: (key, field) => measure.mapGet(storage.mapGet(key, field)),
        mapSet: (key, field, value) => measure.mapSet(storage.mapSet(key, field, value), value),
        mapRemove: (key, field) => measure.mapRemove(storage.mapRemove(key, field)),
        mapEntries: (key) => measure.mapEntries(storage.mapEntries(key))
      })
    })
  ).pipe(Layer.provide(inner))
