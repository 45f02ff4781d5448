/**
 * When to try again after a lost connection: exponential backoff with jitter. The ceiling
 * doubles per failed attempt up to `maxMs`; the delay is drawn uniformly from the upper half of
 * the ceiling, so clients dropped together by one gateway restart come back spread over that
 * window instead of in one storm, and none comes back sooner than half the ceiling.
 */
export interface BackoffSchedule {
  /** Ceiling of the first retry. */
  readonly initialMs: number
  /** The largest ceiling: the window the retries of a long outage spread over is [maxMs/2, maxMs]. */
  readonly maxMs: number
}

export const defaultBackoff: BackoffSchedule = { initialMs: 100, maxMs: 10_000 }

/** The ceiling of retry number `attempt` (0 for the first). */
export const backoffCeiling = (attempt: number, schedule: BackoffSchedule = defaultBackoff): number =>
  Math.min(schedule.maxMs, schedule.initialMs * 2 ** Math.min(attempt, 30))

/** The delay before retry number `attempt`; `random` in [0, 1). */
export const reconnectDelay = (
  attempt: number,
  schedule: BackoffSchedule = defaultBackoff,
  random: () => number = Math.random
): number => {
  const ceiling = backoffCeiling(attempt, schedule)
  return ceiling / 2 + random() * (ceiling / 2)
}
