/**
 * What a WeftClient is told (its options) and what it tells (its events): the client core's
 * (core/SessionOptions.ts) and the Node SDK's own — its endpoints, transports and route store.
 */
import type { TransportName } from "../protocol/routes.ts"
import type { SessionEvents, SessionOptions } from "./core/SessionOptions.ts"
import type { ClientTls } from "./FrameConnection.ts"
import type { Endpoint, RouteStore } from "./RouteStore.ts"

export interface ClientOptions extends SessionOptions {
  /** The gateway's TCP long-connection address (tried first when no endpoint worked before). */
  readonly host?: string | undefined
  readonly port?: number | undefined
  /** The gateway's HTTP port on `host`: WebSocket (GET /ws) and HTTP (POST /cgi-bin/...) endpoints. */
  readonly httpPort?: number | undefined
  /**
   * More TCP gateways to use when one stops answering (raced with the other TCP endpoints).
   */
  readonly fallbacks?: ReadonlyArray<{ readonly host: string; readonly port: number }> | undefined
  /** Endpoints of any transport, besides host/port; the route list the server hands out is added. */
  readonly endpoints?: ReadonlyArray<Endpoint> | undefined
  /** Use only this transport (default: TCP, then WebSocket, then HTTP, as they get through). */
  readonly transport?: TransportName | undefined
  /** Where the last working endpoint, the route list and learned heartbeats are kept between runs. */
  readonly routeStore?: RouteStore | undefined
  /** The network the device is on (chosen by the app): the learned heartbeat is kept per network. */
  readonly network?: string | undefined
  /** How long a wave of the endpoint race runs before the next transport joins (default 300 ms). */
  readonly raceStaggerMs?: number | undefined
  /** Idle time after which measured connect times are reported to the server (default 10 s). */
  readonly reportAfterIdleMs?: number | undefined
  /** On HTTP, how long before trying TCP and WebSocket again (default 1 s, doubling while they fail, up to 5 min). */
  readonly upgradeAfterMs?: number | undefined
  /** WebSocket implementation (default: the platform's). */
  readonly webSocket?: typeof WebSocket | undefined
  /** TLS to the gateway (its --tls-cert): tls:// on TCP, wss:// and https:// on the others. */
  readonly tls?: ClientTls | undefined
}

/** Everything the client core tells (core/SessionOptions.ts), and which endpoint it logged in through. */
export interface ClientEvents extends SessionEvents {
  /** Logged in through this endpoint (after each connect). */
  connected: (endpoint: Endpoint) => void
}

export type { ClientState, OutgoingMessage } from "./core/SessionOptions.ts"
