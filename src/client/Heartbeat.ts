/**
 * The adaptive heartbeat: how long the client stays silent before it pings. It starts at the
 * shortest interval, widens step by step while pings come back, and after a failure (no pong,
 * or the connection died while waiting) falls back to the widest interval that worked and holds
 * there for a while before probing wider again. The learned state belongs to one network (a NAT
 * forgets idle mappings after its own timeout), so the app keys it by network and persists it.
 */
export interface HeartbeatSchedule {
  readonly minMs: number
  readonly maxMs: number
  /** How much wider each successful beat makes the next (default: a quarter of the range, at least minMs). */
  readonly stepMs?: number | undefined
  /** After a failure, successful beats at the held interval before probing wider again (default 30). */
  readonly holdBeats?: number | undefined
  /** A ping with no pong within this is a failure: the connection is presumed half-open (default min(minMs, 10 s)). */
  readonly pongTimeoutMs?: number | undefined
}

/** What is remembered per network. */
export interface LearnedHeartbeat {
  readonly intervalMs: number
  /** The widest interval known to work on this network. */
  readonly provenMs: number
  /** True once a wider interval failed here. */
  readonly holding: boolean
}

export class AdaptiveHeartbeat {
  private interval: number
  private proven: number
  private holding: boolean
  private beatsSinceHold = 0
  readonly step: number
  readonly holdBeats: number
  readonly pongTimeoutMs: number

  constructor(readonly schedule: HeartbeatSchedule, learned?: LearnedHeartbeat | undefined) {
    this.step = schedule.stepMs ?? Math.max(schedule.minMs, Math.round((schedule.maxMs - schedule.minMs) / 4))
    this.holdBeats = schedule.holdBeats ?? 30
    this.pongTimeoutMs = schedule.pongTimeoutMs ?? Math.min(schedule.minMs, 10_000)
    this.interval = this.clamp(learned?.intervalMs ?? schedule.minMs)
    this.proven = learned === undefined ? 0 : this.clamp(learned.provenMs)
    this.holding = learned?.holding ?? false
  }

  /** The silence to keep before the next ping. */
  get intervalMs(): number {
    return this.interval
  }

  get learned(): LearnedHeartbeat {
    return { intervalMs: this.interval, provenMs: this.proven, holding: this.holding }
  }

  /** A ping sent after `intervalMs` of silence came back. */
  succeeded(): void {
    this.proven = Math.max(this.proven, this.interval)
    if (this.holding) {
      this.beatsSinceHold++
      if (this.beatsSinceHold < this.holdBeats) return
      this.holding = false
      this.beatsSinceHold = 0
    }
    this.interval = this.clamp(this.interval + this.step)
  }

  /** The beat at `intervalMs` failed: back off to what is known to work and hold there. */
  failed(): void {
    const fallback = this.proven > 0 && this.proven < this.interval ? this.proven : this.interval - this.step
    this.interval = this.clamp(fallback)
    this.proven = Math.min(this.proven, this.interval)
    this.holding = true
    this.beatsSinceHold = 0
  }

  private clamp(ms: number): number {
    return Math.max(this.schedule.minMs, Math.min(this.schedule.maxMs, ms))
  }
}

/** One heartbeat's outcome: the silence it followed and whether the pong came back. */
export interface HeartbeatEvent {
  readonly intervalMs: number
  readonly ok: boolean
}

/**
 * Pings after each interval of the pacer's schedule until stopped (the returned function).
 * `ping` resolves on a pong; each outcome goes to the pacer, then to `onBeat`. A failed ping
 * ends the loop: the caller drops the connection and a new one starts its own loop.
 */
export const pingOnSchedule = (
  pacer: AdaptiveHeartbeat,
  ping: (timeoutMs: number) => Promise<unknown>,
  onBeat: (beat: HeartbeatEvent) => void
): (() => void) => {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const next = () => {
    const intervalMs = pacer.intervalMs
    timer = setTimeout(() => {
      ping(pacer.pongTimeoutMs).then(
        () => {
          if (stopped) return
          pacer.succeeded()
          onBeat({ intervalMs, ok: true })
          next()
        },
        () => {
          // Counted even if stopped meanwhile: a ping that timed out has dropped its connection,
          // which stops the loop before this runs.
          pacer.failed()
          onBeat({ intervalMs, ok: false })
        }
      )
    }, intervalMs)
  }
  next()
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
