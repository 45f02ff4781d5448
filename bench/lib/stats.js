/** Percentiles and small numeric helpers shared by the scenarios. */

/**
 * Percentiles of a list of latencies (ms). Missing samples (messages never delivered) count as
 * Infinity, so a loss shows up in the tail instead of silently improving it.
 */
export const summarize = (samples, missing = 0) => {
  const sorted = Float64Array.from(samples).sort()
  const count = sorted.length + missing
  const at = (p) => {
    if (count === 0) return null
    const index = Math.min(count - 1, Math.ceil(count * p) - 1)
    return index < sorted.length ? round(sorted[Math.max(0, index)]) : Infinity
  }
  return {
    count,
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    max: missing > 0 ? Infinity : count === 0 ? null : round(sorted[sorted.length - 1])
  }
}

export const round = (value, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value)

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Infinity is not JSON: written as the string "Infinity" (a sample that never arrived). */
export const jsonReplacer = (_key, value) => (value === Infinity ? "Infinity" : value)

/** Resolves when predicate() holds, polling every `every` ms, or rejects after `ms`. */
export const until = async (predicate, ms, what, every = 5) => {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${ms} ms`)
    await sleep(every)
  }
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight. */
export const pool = async (count, concurrency, work) => {
  let next = 0
  const lanes = Array.from({ length: Math.min(count, concurrency) }, async () => {
    while (next < count) {
      const i = next++
      await work(i)
    }
  })
  await Promise.all(lanes)
}

/** The median of a list of numbers (the mean of the middle two for an even count). */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The value at quantile `q` (0..1) of a list of numbers: the nearest rank at or below it. */
export const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}
