/**
 * Which transport the browser client gets, and where: in "auto" mode the one that worked last,
 * else a WebSocket if one opens within the connect timeout, else HTTP short connections; "ws" and
 * "http" force one. The gateway is the one the client was given until a login is sent to the
 * user's home data centre (WRONG_IDC: `moveTo`). The client moves from HTTP back to a WebSocket
 * by itself (WeftBrowserClient).
 */
import type { Endpoint } from "../../client/RouteStore.ts"
import type { RttEstimator } from "../../client/RttEstimator.ts"
import type { Frame } from "../../protocol/Frame.ts"
import { HttpTransport } from "./HttpTransport.ts"
import type { Schema } from "./Schema.ts"
import type { Transport, TransportKind } from "./Transport.ts"
import { WebSocketTransport } from "./WebSocketTransport.ts"

/** Where the browser reaches a gateway: its WebSocket's URL and its HTTP origin. */
export interface Gateway {
  readonly webSocket: string
  readonly http: string
}

/** The gateway at an HTTP origin ("http://127.0.0.1:9380"): its WebSocket is `/ws` on the same port. */
export const gatewayAt = (origin: string): Gateway => ({ webSocket: `${origin.replace(/^http/, "ws")}/ws`, http: origin })

/**
 * The gateway a route list names for a browser (the home IDC's, from a WRONG_IDC refusal): its
 * first WebSocket and first HTTP endpoint, each standing in for the other when alone (a gateway
 * serves both on its HTTP port), reached with the scheme of the origin the client was given — a
 * page on TLS never follows to plain text. Undefined when it names neither (browsers open no TCP).
 */
export const gatewayIn = (endpoints: ReadonlyArray<Endpoint>, given: string): Gateway | undefined => {
  const webSocket = endpoints.find((endpoint) => endpoint.transport === "ws")
  const http = endpoints.find((endpoint) => endpoint.transport === "http")
  if (webSocket === undefined && http === undefined) return undefined
  const secure = given.startsWith("https:")
  const address = ({ host, port }: Endpoint) => `${host.includes(":") ? `[${host}]` : host}:${port}`
  return {
    webSocket: `${secure ? "wss" : "ws"}://${address((webSocket ?? http)!)}/ws`,
    http: `${secure ? "https" : "http"}://${address((http ?? webSocket)!)}`
  }
}

export interface ConnectorOptions {
  /** The gateway to connect to first. */
  readonly gateway: Gateway
  readonly mode: "auto" | TransportKind
  readonly preferred: TransportKind | undefined
  readonly connectTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly rtt: RttEstimator
  readonly onPush: (transport: Transport, frame: Frame) => void
  readonly onClose: (transport: Transport) => void
}

export class Connector {
  private preferred: TransportKind | undefined
  private where: Gateway

  constructor(private readonly options: ConnectorOptions) {
    this.preferred = options.preferred
    this.where = options.gateway
  }

  /** The gateway the next links go to. */
  get gateway(): Gateway {
    return this.where
  }

  /** The next links go to this gateway (the user's home IDC's). */
  moveTo(gateway: Gateway): void {
    this.where = gateway
  }

  /** Whether the client should keep trying to move from HTTP to a WebSocket. */
  get mayUpgrade(): boolean {
    return this.options.mode === "auto"
  }

  /** Remembers the transport that went online: tried first at the next connect. */
  worked(kind: TransportKind): void {
    this.preferred = kind
  }

  async open(schema: Schema): Promise<Transport> {
    const { mode } = this.options
    if (mode === "http" || (mode === "auto" && this.preferred === "http")) return this.openHttp(schema)
    try {
      return await this.openWebSocket(schema)
    } catch (error) {
      if (mode === "ws") throw error
      return this.openHttp(schema)
    }
  }

  async openWebSocket(schema: Schema): Promise<WebSocketTransport> {
    let transport: WebSocketTransport | undefined
    transport = await WebSocketTransport.open({
      url: this.where.webSocket,
      schema,
      connectTimeoutMs: this.options.connectTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs,
      rtt: this.options.rtt,
      onPush: (frame) => transport !== undefined && this.options.onPush(transport, frame),
      onClose: () => transport !== undefined && this.options.onClose(transport)
    })
    return transport
  }

  openHttp(schema: Schema): HttpTransport {
    const transport: HttpTransport = new HttpTransport({
      server: this.where.http,
      schema,
      requestTimeoutMs: this.options.requestTimeoutMs,
      onClose: () => this.options.onClose(transport)
    })
    return transport
  }
}
