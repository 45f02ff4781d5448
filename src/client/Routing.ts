/**
 * How the client picks its way in: the candidate endpoints in waves (the endpoint that worked
 * last time first, then TCP, WebSocket and HTTP), raced concurrently. A wave starts after the
 * stagger (longer before HTTP: the long connections get a head start), or at once when every
 * attempt started so far has failed; a wave may dial an earlier endpoint again (Router: HTTP's
 * wave re-dials a long connection that is still silent); the first attempt to answer
 * a round trip wins and the others are closed as they finish. Every attempt's time is recorded,
 * for the report the client sends the server when idle.
 */
import type { TransportName } from "../protocol/routes.ts"
import { type Endpoint, endpointKey } from "./RouteStore.ts"

export interface Measurement {
  readonly endpoint: Endpoint
  readonly connectMs: number
  readonly failed: boolean
}

const TIERS: ReadonlyArray<TransportName> = ["tcp", "ws", "http"]

/** The candidates in the order they are tried: one array per wave. */
export const planWaves = (
  endpoints: ReadonlyArray<Endpoint>,
  options: { readonly lastGood?: Endpoint | undefined; readonly transport?: TransportName | undefined } = {}
): ReadonlyArray<ReadonlyArray<Endpoint>> => {
  const unique = new Map<string, Endpoint>()
  for (const endpoint of endpoints) {
    if (options.transport !== undefined && endpoint.transport !== options.transport) continue
    const key = endpointKey(endpoint)
    const known = unique.get(key)
    // Keep the server's weight when the same endpoint is also configured.
    if (known === undefined || (known.weight === undefined && endpoint.weight !== undefined)) unique.set(key, endpoint)
  }
  const lastGood = options.lastGood === undefined ? undefined : unique.get(endpointKey(options.lastGood))
  const waves: Array<ReadonlyArray<Endpoint>> = lastGood === undefined ? [] : [[lastGood]]
  for (const tier of TIERS) {
    const wave = [...unique.values()]
      .filter((endpoint) => endpoint.transport === tier && endpoint !== lastGood)
      .map((endpoint, index) => ({ endpoint, index }))
      // Server-ranked first (by weight), configured ones in their given order.
      .sort((a, b) => (b.endpoint.weight ?? 0) - (a.endpoint.weight ?? 0) || a.index - b.index)
      .map(({ endpoint }) => endpoint)
    if (wave.length > 0) waves.push(wave)
  }
  return waves
}

export interface RaceOptions<L> {
  readonly waves: ReadonlyArray<ReadonlyArray<Endpoint>>
  /** How long the waves before `wave` run alone before it joins. */
  readonly staggerMs: number | ((wave: ReadonlyArray<Endpoint>) => number)
  /** Opens a link and completes one round trip on it; rejects if the endpoint cannot be used. */
  readonly attempt: (endpoint: Endpoint) => Promise<L>
  readonly close: (link: L) => void
  /** Called as each attempt settles, the winner's and the losers'. */
  readonly measured: (measurement: Measurement) => void
  /**
   * Whether `wave`, as it starts, dials `earlier` (an endpoint of an earlier wave) again: its
   * attempts are still unanswered (`failed` undefined) or the last to fail failed with
   * `failed.error`. At most once per endpoint and wave; the attempts before keep running.
   */
  readonly redial?: ((wave: ReadonlyArray<Endpoint>, earlier: Endpoint, failed: { readonly error: unknown } | undefined) => boolean) | undefined
  /**
   * Once every wave has started and while nothing has answered, the first wave's endpoint is
   * dialled again this often (if `redial` agrees, as for the last wave), up to `maxAttempts`
   * attempts in the race: a connect that waits for its SYN's retransmission after an outage is
   * overtaken by a new one. Undefined: no such dialling.
   */
  readonly redialEveryMs?: number | undefined
  readonly maxAttempts?: number | undefined
}

export class NoRouteError extends Error {
  constructor(readonly failures: ReadonlyArray<{ readonly endpoint: Endpoint; readonly error: unknown }>) {
    super(
      failures.length === 0
        ? "no endpoint to connect to"
        : `no endpoint answered: ${failures.map((f) => `${endpointKey(f.endpoint)} (${errorText(f.error)})`).join(", ")}`
    )
    this.name = "NoRouteError"
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

export const raceEndpoints = <L>(options: RaceOptions<L>): Promise<{ readonly endpoint: Endpoint; readonly link: L }> =>
  new Promise((resolve, reject) => {
    let winner: Endpoint | undefined
    let started = 0
    let settled = 0
    let nextWave = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    const failures: Array<{ endpoint: Endpoint; error: unknown }> = []
    /** Each endpoint dialled so far: how its last failed attempt failed (undefined: none failed yet). */
    const dialled = new Map<Endpoint, { failed?: { readonly error: unknown } }>()
    const lastWave = options.waves.at(-1) ?? []
    const redials = (wave: ReadonlyArray<Endpoint>, endpoint: Endpoint) =>
      options.redial?.(wave, endpoint, dialled.get(endpoint)?.failed) === true

    const startWave = () => {
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      const wave = options.waves[nextWave++]
      if (wave === undefined) return
      for (const endpoint of [...dialled.keys()]) if (redials(wave, endpoint)) start(endpoint)
      for (const endpoint of wave) start(endpoint)
      const upcoming = options.waves[nextWave]
      if (upcoming !== undefined) {
        const delay = typeof options.staggerMs === "number" ? options.staggerMs : options.staggerMs(upcoming)
        timer = setTimeout(startWave, delay)
      } else {
        keepDialing()
      }
    }

    const keepDialing = () => {
      const every = options.redialEveryMs
      if (every === undefined) return
      timer = setTimeout(() => {
        timer = undefined
        const first = options.waves[0]?.[0]
        if (winner !== undefined || settled === started || first === undefined) return
        if (started >= (options.maxAttempts ?? Infinity)) return
        if (redials(lastWave, first)) start(first)
        keepDialing()
      }, every)
    }

    const start = (endpoint: Endpoint) => {
      started++
      const startedAt = performance.now()
      if (!dialled.has(endpoint)) dialled.set(endpoint, {})
      options.attempt(endpoint).then(
        (link) => {
          settled++
          options.measured({ endpoint, connectMs: Math.round(performance.now() - startedAt), failed: false })
          if (winner !== undefined) return options.close(link)
          winner = endpoint
          if (timer !== undefined) clearTimeout(timer)
          resolve({ endpoint, link })
        },
        (error: unknown) => {
          settled++
          options.measured({ endpoint, connectMs: Math.round(performance.now() - startedAt), failed: true })
          failures.push({ endpoint, error })
          dialled.get(endpoint)!.failed = { error }
          if (winner !== undefined || settled < started) return
          // Everything tried so far failed: the next wave need not wait for the stagger.
          if (nextWave < options.waves.length) return startWave()
          if (timer !== undefined) clearTimeout(timer)
          reject(new NoRouteError(failures))
        }
      )
    }

    if (options.waves.length === 0) return reject(new NoRouteError([]))
    startWave()
  })
