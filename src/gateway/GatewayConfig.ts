/** Settings of the connection layer, with the defaults dev mode uses. */
import { Context, Layer } from "effect"
import type { TransportName } from "../protocol/routes.ts"

/** An endpoint handed to clients in the route list (COMMAND_ROUTE_LIST). */
export interface AdvertisedEndpoint {
  readonly address: string
  readonly port: number
  readonly transport: TransportName
  /** Relative preference before any report, 1..1000 (default 100). */
  readonly weight?: number | undefined
}

export interface GatewaySettings {
  readonly host: string
  /** TCP long-connection ports; 0 picks a free one. Several at once, for carriers that block some. */
  readonly tcpPorts: ReadonlyArray<number>
  /** HTTP short-connection ports (POST /cgi-bin/<command>); empty for none. */
  readonly httpPorts: ReadonlyArray<number>
  /** Largest frame body accepted; a bigger frame is answered with FRAME_TOO_LARGE and a close. */
  readonly maxFrameBytes: number
  /** Advertised at login: ping no more often than min, and at least every max. */
  readonly heartbeatMinSeconds: number
  readonly heartbeatMaxSeconds: number
  /** Silence tolerated beyond heartbeatMaxSeconds before the server closes the connection. */
  readonly idleGraceMs: number
  /**
   * Time a new connection has to log in (AUTH answered), whatever it sends meanwhile; also the
   * time an HTTP connection has to send its request headers.
   */
  readonly loginTimeoutMs: number
  /** Bytes a connection may send before it is logged in (REGISTER and AUTH need a few hundred). */
  readonly preLoginBytes: number
  /** Frames queued for one connection; a consumer that falls further behind is disconnected. */
  readonly outboundQueueFrames: number
  /** Largest sync page. */
  readonly maxSyncPage: number
  /**
   * What the route list offers clients (addresses they can reach: a public IP, a load
   * balancer). Empty: this gateway's own listeners on `host` (TCP ports; WebSocket and HTTP on
   * the HTTP ports).
   */
  readonly advertisedEndpoints: ReadonlyArray<AdvertisedEndpoint>
  /**
   * TLS for every client listener (TCP long connections become TLS, HTTP becomes HTTPS and
   * WebSocket WSS): the certificate chain and private key, PEM. Undefined: plain listeners.
   */
  readonly tls?: { readonly cert: string; readonly key: string } | undefined
}

export const defaultGatewaySettings: GatewaySettings = {
  host: "127.0.0.1",
  tcpPorts: [0],
  httpPorts: [],
  maxFrameBytes: 64 * 1024,
  heartbeatMinSeconds: 30,
  heartbeatMaxSeconds: 270,
  idleGraceMs: 15_000,
  loginTimeoutMs: 10_000,
  preLoginBytes: 16 * 1024,
  outboundQueueFrames: 1024,
  maxSyncPage: 200,
  advertisedEndpoints: []
}

export class GatewayConfig extends Context.Service<GatewayConfig, GatewaySettings>()("weft/gateway/GatewayConfig") {
  static readonly layer = (settings: Partial<GatewaySettings> = {}) =>
    Layer.succeed(GatewayConfig, { ...defaultGatewaySettings, ...settings })
}

export const idleTimeoutMs = (settings: GatewaySettings): number =>
  settings.heartbeatMaxSeconds * 1000 + settings.idleGraceMs
