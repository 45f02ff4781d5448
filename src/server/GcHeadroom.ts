/**
 * How much the JavaScript heap may grow between two full collections.
 *
 * V8 sizes the next full collection's trigger from the live heap and from how fast the collector
 * is: a server whose collector is quick next to its allocation gets V8's smallest factor, 1.1.
 * weft's servers are such a process: with ~40 MB live, dev mode at 10,000 messages/s ran a full
 * collection every ~2 s (each 20-40 ms of the main thread in marking steps and a final pause),
 * and the messages that arrived meanwhile made the open loop's p99 (bench/README.md). V8 offers
 * no floor on the growth itself, only a fixed factor (`--heap-growing-percent`, read at each full
 * collection's end). So after every full collection this sets that factor from the live old
 * generation: while it is smaller than the headroom, the heap may grow by the headroom (and at
 * least to four times its live size, as far as V8 itself ever lets it) before the next one; from
 * there on V8's own rule decides again. The cost is memory: up to the headroom, or three times a
 * live heap smaller than it, of garbage held until the next full collection.
 */
import { constants, type PerformanceEntry, PerformanceObserver } from "node:perf_hooks"
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8"
import { Effect, Layer } from "effect"

/** What V8 counts as the old generation: every space but the young ones. */
const oldGenerationUsed = (): number => {
  let used = 0
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name !== "new_space" && space.space_name !== "new_large_object_space") used += space.space_used_size
  }
  return used
}

/**
 * The factor for a live old generation (bytes), as V8's flag has it: percent over 1. While the
 * live heap is under the headroom it grows by the headroom, and at least fourfold (V8's largest
 * factor: where V8 would wait that long itself, the override must not make it sooner); from the
 * headroom on, 0: V8's own rule.
 */
export const growingPercent = (liveBytes: number, headroomBytes: number): number =>
  headroomBytes <= 0 || liveBytes <= 0 || liveBytes > headroomBytes
    ? 0
    : Math.max(V8_LARGEST_PERCENT, Math.round((100 * headroomBytes) / liveBytes))

/** V8's largest growing factor, 4 (heap-controller.h, kMaxGrowingFactor), as a percent over 1. */
const V8_LARGEST_PERCENT = 300

const isFullCollection = (entry: PerformanceEntry) =>
  (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR

/**
 * Keeps `headroomMb` of growth between full collections while this process's live heap is
 * smaller; 0 leaves V8's rule alone. Process-wide (V8's flag). Returns what puts V8's rule back.
 */
export const keepGcHeadroom = (headroomMb: number): (() => void) => {
  if (headroomMb <= 0) return () => {}
  const headroom = headroomMb * 1024 * 1024
  let percent = -1
  const apply = () => {
    const next = growingPercent(oldGenerationUsed(), headroom)
    if (next === percent) return
    percent = next
    setFlagsFromString(`--heap-growing-percent=${next}`)
  }
  const observer = new PerformanceObserver((list) => {
    if (list.getEntries().some(isFullCollection)) apply()
  })
  observer.observe({ entryTypes: ["gc"] })
  apply()
  return () => {
    observer.disconnect()
    setFlagsFromString("--heap-growing-percent=0")
  }
}

/** keepGcHeadroom for a server command's lifetime: provided once, V8's rule back when it closes. */
export const layer = (headroomMb: number): Layer.Layer<never> =>
  headroomMb <= 0
    ? Layer.empty
    : Layer.effectDiscard(Effect.acquireRelease(Effect.sync(() => keepGcHeadroom(headroomMb)), (stop) => Effect.sync(stop)))
