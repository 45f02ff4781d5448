/**
 * One long connection of the Node SDK: a TCP socket (TLS if asked) or a WebSocket (the
 * platform's, or the `ws` package's) under the client core's FrameChannel, which matches answers
 * to requests, learns the round trip and probes a silent link. Knows nothing of login or retries.
 */
import { createRequire } from "node:module"
import * as Net from "node:net"
import * as Tls from "node:tls"
import { type Codec, Codecs } from "../protocol/Proto.ts"
import { type ChannelOptions, checkedResponse, FrameChannel, type Pipe } from "./core/FrameChannel.ts"
import { DisconnectedError, WeftRequestError } from "./errors.ts"

export { checkedResponse, DisconnectedError, WeftRequestError }

export interface FrameConnectionOptions extends ChannelOptions {
  readonly host: string
  readonly port: number
  readonly connectTimeoutMs?: number
  /** TLS on the TCP connection (a gateway with --tls-cert); see ClientTls. */
  readonly tls?: ClientTls | undefined
}

/**
 * TLS to a gateway: `true` trusts the system's certificate authorities (and NODE_EXTRA_CA_CERTS);
 * `ca` trusts these PEM certificates instead, on every transport.
 */
export type ClientTls = true | { readonly ca?: string | undefined; readonly servername?: string | undefined }

const decodeError = (body: Uint8Array) => Codecs.ErrorFrame.decode(body)

export class FrameConnection extends FrameChannel {
  /** How the frames travel: a TCP socket or a WebSocket. */
  readonly transport: "tcp" | "ws"

  private constructor(socket: Net.Socket | Pipe, options: FrameConnectionOptions) {
    super(
      socket instanceof Net.Socket
        ? {
          write: (bytes) => socket.write(bytes),
          end: () => {
            socket.end()
            socket.destroySoon()
          },
          destroy: () => socket.destroy()
        }
        : socket,
      options,
      decodeError
    )
    this.transport = socket instanceof Net.Socket ? "tcp" : "ws"
    if (socket instanceof Net.Socket) {
      socket.on("data", (chunk) => this.received(chunk))
      socket.on("close", () => this.shutdown(new DisconnectedError("connection closed")))
      socket.on("error", (error) => this.shutdown(error))
    }
  }

  /**
   * A long connection over WebSocket (`ws://host:port/ws` on the gateway's HTTP port): the same
   * frames, one per binary message. Uses the platform's WebSocket (Node 22+, or Node 20 with
   * --experimental-websocket), else the `ws` package's, unless one is passed.
   */
  static openWebSocket(
    url: string,
    options: Omit<FrameConnectionOptions, "host" | "port">,
    WebSocketImpl: typeof WebSocket | undefined = globalThis.WebSocket ?? wsPackageWebSocket()
  ): Promise<FrameConnection> {
    // A CA or server name of its own (a test certificate, a private CA) needs the `ws` package's
    // client: the platform's WebSocket takes no TLS options.
    const tls = typeof options.tls === "object" && (options.tls.ca !== undefined || options.tls.servername !== undefined)
      ? options.tls
      : undefined
    const WsPackage = tls === undefined ? undefined : wsPackageWebSocket()
    if (tls !== undefined && WsPackage === undefined) {
      return Promise.reject(new Error("a custom TLS CA over WebSocket needs the ws package"))
    }
    if (WebSocketImpl === undefined) return Promise.reject(new Error("no WebSocket implementation in this runtime"))
    return new Promise((resolve, reject) => {
      const socket = WsPackage === undefined
        ? new WebSocketImpl(url)
        : new (WsPackage as unknown as new(url: string, options: object) => WebSocket)(url, {
          ...(tls!.ca === undefined ? {} : { ca: tls!.ca }),
          ...(tls!.servername === undefined ? {} : { servername: tls!.servername })
        })
      socket.binaryType = "arraybuffer"
      let connection: FrameConnection | undefined
      const timer = setTimeout(() => {
        socket.close()
        reject(new DisconnectedError(`connect to ${url} timed out`, true))
      }, options.connectTimeoutMs ?? 5000)
      socket.onopen = () => {
        clearTimeout(timer)
        connection = new FrameConnection({
          write: (bytes: Uint8Array) => socket.send(bytes as Uint8Array<ArrayBuffer>),
          end: () => socket.close(1000),
          destroy: () => socket.close(4000, "dropped")
        }, { ...options, host: url, port: 0 })
        resolve(connection)
      }
      socket.onmessage = (event) => connection?.received(new Uint8Array(event.data as ArrayBuffer))
      socket.onerror = () => {
        clearTimeout(timer)
        if (connection === undefined) reject(new DisconnectedError(`cannot connect to ${url}`))
      }
      socket.onclose = () => connection?.shutdown(new DisconnectedError("connection closed"))
    })
  }

  static open(options: FrameConnectionOptions): Promise<FrameConnection> {
    return new Promise((resolve, reject) => {
      const tls = options.tls === true ? {} : options.tls
      const socket = tls === undefined
        ? Net.connect({ host: options.host, port: options.port, noDelay: true })
        : Tls.connect({
          host: options.host,
          port: options.port,
          ...(tls.ca === undefined ? {} : { ca: tls.ca }),
          ...(tls.servername === undefined ? {} : { servername: tls.servername })
        }).setNoDelay(true)
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new DisconnectedError(`connect to ${options.host}:${options.port} timed out`, true))
      }, options.connectTimeoutMs ?? 5000)
      socket.once("error", (error) => {
        clearTimeout(timer)
        reject(error)
      })
      socket.once(tls === undefined ? "connect" : "secureConnect", () => {
        clearTimeout(timer)
        socket.removeAllListeners("error")
        resolve(new FrameConnection(socket, options))
      })
    })
  }

  /** Sends a request and resolves with the decoded response; rejects on a non-zero status. */
  request<Req, Res extends { readonly base?: { readonly code: number; readonly message: string } | null }>(
    command: number,
    requestCodec: Codec<Req>,
    responseCodec: Codec<Res>,
    request: Req,
    timeoutMs?: number
  ): Promise<Res> {
    return this.exchange({ id: command, name: "", request: requestCodec, response: responseCodec }, request, timeoutMs)
  }
}

/**
 * The `ws` package's client (the platform's WebSocket server uses it too): Node 20 has no global
 * WebSocket without a flag. Its client speaks the same onopen/onmessage/send/close interface.
 */
const wsPackageWebSocket = (): typeof WebSocket | undefined => {
  try {
    return createRequire(import.meta.url)("ws") as typeof WebSocket
  } catch {
    return undefined
  }
}
