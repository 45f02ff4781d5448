/**
 * Which transport the browser client gets: in "auto" mode the one that worked last, else a
 * WebSocket if one opens within the connect timeout, else HTTP short connections; "ws" and
 * "http" force one. The client moves from HTTP back to a WebSocket by itself (WeftBrowserClient).
 */
import type { RttEstimator } from "../../client/RttEstimator.ts"
import type { Frame } from "../../protocol/Frame.ts"
import { HttpTransport } from "./HttpTransport.ts"
import type { Schema } from "./Schema.ts"
import type { Transport, TransportKind } from "./Transport.ts"
import { WebSocketTransport } from "./WebSocketTransport.ts"

export interface ConnectorOptions {
  /** The gateway's HTTP origin. */
  readonly server: string
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

  constructor(private readonly options: ConnectorOptions) {
    this.preferred = options.preferred
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
      url: `${this.options.server.replace(/^http/, "ws")}/ws`,
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
      server: this.options.server,
      schema,
      requestTimeoutMs: this.options.requestTimeoutMs,
      onClose: () => this.options.onClose(transport)
    })
    return transport
  }
}
