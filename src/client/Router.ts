/**
 * The client's knowledge of the ways in: the endpoints it was given, the route list the server
 * handed out, the endpoint that worked last, the heartbeat learned per network (all kept in the
 * route store), and the connect times measured since the last report.
 */
import type { ConnectTime, WireEndpoint } from "../protocol/routes.ts"
import { MAX_CONNECT_MS, MAX_REPORTED_TIMES, TransportId, type TransportName, transportName } from "../protocol/routes.ts"
import type { ClientOptions } from "./ClientOptions.ts"
import { isSilence } from "./errors.ts"
import type { LearnedHeartbeat } from "./Heartbeat.ts"
import { type Endpoint, homeForgotten, memoryRouteStore, type RouteState, type RouteStore, sentHome } from "./RouteStore.ts"
import { type Measurement, planWaves, raceEndpoints } from "./Routing.ts"

type RouterOptions = Pick<ClientOptions, "host" | "port" | "httpPort" | "fallbacks" | "endpoints" | "routeStore" | "raceStaggerMs">

/** The stagger between waves when neither configured nor measured. */
const DEFAULT_STAGGER_MS = 300
/** HTTP waits this many staggers: it costs ~4x the bytes per message and a poll per push. */
const HTTP_HEAD_START = 3

const isHttp = (wave: ReadonlyArray<Endpoint>) => wave.every((endpoint) => endpoint.transport === "http")
/**
 * While nothing answers, the preferred endpoint is dialled again at least this far apart (two
 * staggers if longer), up to this many attempts in one race: a silent race does not outlast its
 * last attempts by much, and the next one starts within offlineRetryMs.
 */
const KEEP_DIALING_MS = 1000
const MAX_ATTEMPTS = 12
/** The transports in the order of preference. */
const TIER: Readonly<Record<TransportName, number>> = { tcp: 0, ws: 1, http: 2 }

export class Router {
  private readonly store: RouteStore
  private state: RouteState
  private measurements: Array<Measurement> = []

  constructor(private readonly options: RouterOptions) {
    this.store = options.routeStore ?? memoryRouteStore()
    this.state = this.store.load() ?? {}
    if (this.configured().length === 0 && (this.state.routes ?? []).length === 0) {
      throw new Error("a client needs host and port, or endpoints")
    }
  }

  /**
   * Races the known endpoints (of the given transports only, if given): `attempt` opens a link
   * and completes one round trip on it. See Routing.ts. The stagger scales with the measured
   * round trip (`srttMs`): twice it, at least the configured stagger (default 300 ms), and HTTP
   * joins only after three staggers. An HTTP endpoint that worked last is not tried first: the
   * long connections get their chance again at every reconnect. When a wave of a less
   * preferred transport joins (WebSocket, HTTP), an endpoint of a preferred one whose attempt
   * has heard nothing (still unanswered, or given up as silent) is dialled again beside it: a
   * connect made while the link was down waits for its SYN's retransmission (1, 3, 7 s...)
   * after the link returns, where a new one goes at once — without it, the newcomer would win
   * the race the moment the link came back though TCP works. A refused one is not dialled again.
   * Once every wave is in and while nothing answers, the first endpoint is dialled again every
   * two staggers (at least every second), so the link's return is found by a fresh connection.
   */
  race<L extends { close(): void }>(
    attempt: (endpoint: Endpoint) => Promise<L>,
    transports?: ReadonlyArray<TransportName>,
    srttMs?: number | undefined
  ): Promise<{ readonly endpoint: Endpoint; readonly link: L }> {
    const candidates = [...this.entrances(), ...(this.state.routes ?? [])]
      .filter((endpoint) => transports === undefined || transports.includes(endpoint.transport))
    const lastGood = this.state.lastGood?.transport === "http" ? this.primary() : this.state.lastGood ?? this.primary()
    const stagger = Math.max(this.options.raceStaggerMs ?? DEFAULT_STAGGER_MS, Math.round(2 * (srttMs ?? 0)))
    return raceEndpoints<L>({
      waves: planWaves(candidates, { lastGood }),
      staggerMs: (wave) => (isHttp(wave) ? HTTP_HEAD_START * stagger : stagger),
      attempt,
      redial: (wave, earlier, failed) =>
        TIER[earlier.transport] < Math.min(...wave.map((endpoint) => TIER[endpoint.transport])) &&
        (failed === undefined || isSilence(failed.error)),
      redialEveryMs: Math.max(KEEP_DIALING_MS, 2 * stagger),
      maxAttempts: MAX_ATTEMPTS,
      close: (loser) => loser.close(),
      measured: (measurement) => {
        this.measurements.push(measurement)
        if (this.measurements.length > MAX_REPORTED_TIMES) this.measurements.shift()
      }
    })
  }

  /** The version of the route list held (0: none yet): sent with each login. */
  get routeListVersion(): number {
    return this.state.routeListVersion ?? 0
  }

  /** The route list from the server (and its version, if it came with one); answers it as endpoints. */
  learn(wire: ReadonlyArray<WireEndpoint>, version = 0): ReadonlyArray<Endpoint> {
    const routes: Array<Endpoint> = []
    for (const endpoint of wire) {
      const transport = transportName(endpoint.transport)
      if (transport !== undefined) routes.push({ host: endpoint.address, port: endpoint.port, transport, weight: endpoint.weight })
    }
    this.save({ routes, routeListVersion: version })
    return routes
  }

  /** A login was refused WRONG_IDC: the home's gateways are the ways in from now on (RouteStore's sentHome); false if not followed. */
  relocate(home: ReadonlyArray<Endpoint>): boolean {
    const next = sentHome(this.state, home)
    if (next !== undefined) this.save(next)
    return next !== undefined
  }

  /** The home's gateways stopped answering: the next race starts at the configured endpoints (RouteStore's homeForgotten); false if no home was kept. */
  forgetHome(): boolean {
    const next = homeForgotten(this.state)
    if (next !== undefined) this.save(next)
    return next !== undefined
  }

  /** The endpoint a login went through: tried first next time. */
  worked({ host, port, transport }: Endpoint): void {
    this.save({ lastGood: { host, port, transport } })
  }

  /** The id of the last long connection of a user's device ("user device"), kept across restarts. */
  connectionOf(device: string): number {
    return this.state.connections?.[device] ?? 0
  }

  rememberConnection(device: string, connectionId: number): void {
    if (this.connectionOf(device) === connectionId) return
    this.save({ connections: { ...this.state.connections, [device]: connectionId } })
  }

  heartbeat(network: string): LearnedHeartbeat | undefined {
    return this.state.heartbeats?.[network]
  }

  rememberHeartbeat(network: string, learned: LearnedHeartbeat): void {
    this.save({ heartbeats: { ...this.state.heartbeats, [network]: learned } })
  }

  get hasMeasurements(): boolean {
    return this.measurements.length > 0
  }

  /** The measurements since the last report, as a report's connect times; forgets them. */
  takeReport(): Array<ConnectTime> {
    return this.measurements.splice(0).map(({ endpoint, connectMs, failed }) => ({
      address: endpoint.host,
      port: endpoint.port,
      transport: TransportId[endpoint.transport],
      connectMs: Math.min(connectMs, MAX_CONNECT_MS),
      failed
    }))
  }

  /** The endpoints given in the options, before any route list. */
  private configured(): ReadonlyArray<Endpoint> {
    const { host, port, httpPort } = this.options
    const configured: Array<Endpoint> = []
    if (host !== undefined && port !== undefined) configured.push({ host, port, transport: "tcp" })
    for (const fallback of this.options.fallbacks ?? []) configured.push({ ...fallback, transport: "tcp" })
    if (host !== undefined && httpPort !== undefined) {
      configured.push({ host, port: httpPort, transport: "ws" }, { host, port: httpPort, transport: "http" })
    }
    configured.push(...(this.options.endpoints ?? []))
    return configured
  }

  /** host/port, tried before the others when no endpoint has worked yet. */
  /** Where a race starts: the home IDC's gateways once a login was sent there, else the configured endpoints. */
  private entrances(): ReadonlyArray<Endpoint> {
    return this.state.home !== undefined && this.state.home.length > 0 ? this.state.home : this.configured()
  }

  private primary(): Endpoint | undefined {
    const home = this.state.home?.find((endpoint) => endpoint.transport === "tcp")
    if (home !== undefined) return home
    const { host, port } = this.options
    return host === undefined || port === undefined ? undefined : { host, port, transport: "tcp" }
  }

  private save(change: Partial<RouteState>): void {
    this.state = { ...this.state, ...change }
    this.store.save(this.state)
  }
}
