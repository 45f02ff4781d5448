/**
 * What the SDK remembers between runs about reaching the server: the endpoint that last worked
 * (tried first next time), the route list the server handed out, and the heartbeat learned per
 * network, and the gateways of the user's home data centre. The store is pluggable (an app keeps
 * it wherever it keeps settings); a JSON file suits the CLI (FileRouteStore.ts), Web Storage a
 * page (web/sdk/WebStorageRouteStore.ts). Node-free: the browser SDK keeps its home here too.
 */
import type { TransportName } from "../protocol/routes.ts"
import type { LearnedHeartbeat } from "./Heartbeat.ts"

export interface Endpoint {
  readonly host: string
  readonly port: number
  readonly transport: TransportName
  /** The server's ranking (higher first within a transport); absent for configured endpoints. */
  readonly weight?: number | undefined
}

export interface RouteState {
  readonly lastGood?: Endpoint | undefined
  readonly routes?: ReadonlyArray<Endpoint> | undefined
  /** The server's version of `routes` (AuthRequest.route_list_version). */
  readonly routeListVersion?: number | undefined
  /**
   * The id of each device's last long connection, by "user device": a restarted app names it as
   * replaced at its first login, and the server closes it if it is still open.
   */
  readonly connections?: Readonly<Record<string, number>> | undefined
  /** Learned heartbeat per network key (chosen by the app: "wifi:home", "cell:310-260", ...). */
  readonly heartbeats?: Readonly<Record<string, LearnedHeartbeat>> | undefined
  /**
   * The gateways of the user's home data centre, from a login refused WRONG_IDC
   * (docs/multi-idc.md): the ways in from then on, instead of the configured endpoints.
   */
  readonly home?: ReadonlyArray<Endpoint> | undefined
}

export interface RouteStore {
  load(): RouteState | undefined
  save(state: RouteState): void
}

export const endpointKey = (endpoint: Endpoint): string => `${endpoint.transport}://${endpoint.host}:${endpoint.port}`

/**
 * A login was refused WRONG_IDC, naming the gateways of the user's home data centre (those a
 * client can use): the state that makes them the ways in from now on, with the route list and
 * the endpoint that worked forgotten (they lead to another IDC). Undefined when they already
 * were, or none was named: following again would go round in circles.
 */
export const sentHome = (state: RouteState, home: ReadonlyArray<Endpoint>): RouteState | undefined => {
  const key = (endpoints: ReadonlyArray<Endpoint>) => endpoints.map(endpointKey).join(",")
  if (home.length === 0 || key(home) === key(state.home ?? [])) return undefined
  return { ...state, home, routes: [], routeListVersion: 0, lastGood: undefined }
}

/**
 * The home's gateways stopped answering (a failover may have moved them): the state without them,
 * nor the route list and endpoint that worked (they were the home's), so the next connect goes to
 * the configured gateways, which send the client home again. Undefined when no home was kept.
 */
export const homeForgotten = (state: RouteState): RouteState | undefined =>
  state.home === undefined || state.home.length === 0
    ? undefined
    : { ...state, home: undefined, routes: [], routeListVersion: 0, lastGood: undefined }

/** Kept for the life of the process (several clients may share one). */
export const memoryRouteStore = (initial?: RouteState): RouteStore => {
  let state = initial
  return {
    load: () => state,
    save: (next) => void (state = next)
  }
}
