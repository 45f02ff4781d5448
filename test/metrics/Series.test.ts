/**
 * weft's counters and histograms keep their series' numbers themselves (metrics/Instruments.ts)
 * but are read through effect's registry: what /metrics and the dashboard show must be exactly
 * what effect's own metrics would show for the same observations.
 */
import { Context, Effect, Metric } from "effect"
import { describe, expect, it } from "vitest"
import { counter, histogram, record } from "../../src/metrics/Instruments.ts"
import { prometheusText } from "../../src/metrics/Prometheus.ts"

const boundaries = Metric.exponentialBoundaries({ start: 0.0001, factor: 2, count: 18 })
// Below the first bound, on bounds, between them and past the last one.
const observations = [0, 0.00005, 0.0001, 0.00015, 0.0004, 0.003, 1.7, 13.1, 26.2, 1000]

/** The state effect's own histogram reaches for `values`, in a registry of its own. */
const effectsOwn = (values: ReadonlyArray<number>) => {
  const isolated = Context.add(Context.empty(), Metric.MetricRegistry, new Map())
  const own = Metric.histogram("weft_test_reference_seconds", { boundaries })
  for (const value of values) own.updateUnsafe(value, isolated)
  return own.valueUnsafe(isolated)
}

const stateOf = (id: string, attributes: Record<string, string>) =>
  Metric.snapshotUnsafe(Context.empty()).find((snapshot) =>
    snapshot.id === id && JSON.stringify(snapshot.attributes ?? {}) === JSON.stringify(attributes)
  )?.state

describe("weft's own metric series", () => {
  it("a histogram holds what effect's would: buckets, count, sum, min and max", () => {
    const mine = histogram("weft_test_series_seconds", { description: "test", boundaries, attributes: { case: "same" } })
    for (const value of observations) record(mine, value)
    expect(stateOf("weft_test_series_seconds", { case: "same" })).toEqual(effectsOwn(observations))
  })

  it("two metric objects with the same name and labels are one series", () => {
    const made = () => histogram("weft_test_shared_seconds", { description: "test", boundaries, attributes: { case: "shared" } })
    const first = made()
    const second = made()
    record(first, 0.002)
    record(second, 0.5)
    const state = stateOf("weft_test_shared_seconds", { case: "shared" }) as Metric.HistogramState
    expect(state.count).toBe(2)
    expect(state.sum).toBeCloseTo(0.502)
    const hits = Metric.snapshotUnsafe(Context.empty()).filter((snapshot) => snapshot.id === "weft_test_shared_seconds")
    expect(hits).toHaveLength(1)
  })

  it("an incremental counter ignores a decrease; a plain one takes it", () => {
    const up = counter("weft_test_up_total", { description: "test", incremental: true })
    const any = counter("weft_test_any_total", { description: "test" })
    for (const metric of [up, any]) {
      record(metric, 5)
      record(metric, -2)
      record(metric, 1)
    }
    expect(stateOf("weft_test_up_total", {})).toEqual({ count: 6, incremental: true })
    expect(stateOf("weft_test_any_total", {})).toEqual({ count: 4, incremental: false })
  })

  it("the Prometheus text shows them with their help, labels and cumulative buckets", async () => {
    const latency = histogram("weft_test_exposed_seconds", { description: "A test histogram", boundaries: [0.001, 0.01], attributes: { op: "x" } })
    for (const value of [0.0005, 0.002, 0.002, 5]) record(latency, value)
    const text = await Effect.runPromise(prometheusText)
    expect(text).toContain("# HELP weft_test_exposed_seconds A test histogram")
    expect(text).toMatch(/weft_test_exposed_seconds_bucket\{op="x",le="0\.001"\} 1\b/)
    expect(text).toMatch(/weft_test_exposed_seconds_bucket\{op="x",le="0\.01"\} 3\b/)
    expect(text).toMatch(/weft_test_exposed_seconds_bucket\{op="x",le="\+Inf"\} 4\b/)
    expect(text).toMatch(/weft_test_exposed_seconds_count\{op="x"\} 4\b/)
  })
})
