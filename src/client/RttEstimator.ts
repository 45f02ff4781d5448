/**
 * How long to wait for an answer, learned from the answers so far (RFC 6298's estimator, as TCP
 * uses it): a smoothed round-trip time and its variation, and from them the retransmission
 * timeout — here, how long a request may go unanswered before the client probes the link.
 * Bounded below by a floor (a server doing real work needs a moment) and above by a ceiling.
 */
export interface RttBounds {
  /** The shortest timeout (default 1 s). */
  readonly floorMs: number
  /** The longest timeout (default 15 s). Before any sample the timeout is min(3 s, this). */
  readonly ceilingMs: number
}

export class RttEstimator {
  private smoothed: number | undefined
  private variation = 0

  constructor(readonly bounds: RttBounds) {}

  /** One measured round trip. */
  sample(ms: number): void {
    if (!(ms >= 0)) return
    if (this.smoothed === undefined) {
      this.smoothed = ms
      this.variation = ms / 2
      return
    }
    this.variation = 0.75 * this.variation + 0.25 * Math.abs(this.smoothed - ms)
    this.smoothed = 0.875 * this.smoothed + 0.125 * ms
  }

  /** The smoothed round-trip time, once measured. */
  get srttMs(): number | undefined {
    return this.smoothed
  }

  /** How long an answer may take before the link is in doubt. */
  get timeoutMs(): number {
    if (this.smoothed === undefined) return Math.min(3000, this.bounds.ceilingMs)
    const rto = this.smoothed + Math.max(4 * this.variation, 50)
    return Math.round(Math.min(this.bounds.ceilingMs, Math.max(this.bounds.floorMs, rto)))
  }
}
