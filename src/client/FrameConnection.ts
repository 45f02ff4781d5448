/**
 * One long connection from the client's side: frames out, frames in, responses matched to
 * requests by request id, pushes handed to a callback. Knows nothing of login or retries.
 */
import { createRequire } from "node:module"
import * as Net from "node:net"
import * as Tls from "node:tls"
import { Command } from "../protocol/Command.ts"
import { encodeFrame, type Frame, FrameDecoder } from "../protocol/Frame.ts"
import { type Codec, Codecs } from "../protocol/Proto.ts"
import { DisconnectedError, WeftRequestError } from "./errors.ts"
import type { RttEstimator } from "./RttEstimator.ts"

export { DisconnectedError, WeftRequestError }

/** A response body decoded, with a non-zero status in its base response thrown as a WeftRequestError. */
export const checkedResponse = <Res extends { readonly base?: { readonly code: number; readonly message: string } | null }>(
  codec: Codec<Res>,
  body: Uint8Array
): Res => {
  const response = codec.decode(body)
  const code = response.base?.code ?? 0
  if (code !== 0) throw new WeftRequestError(code, response.base?.message ?? "")
  return response
}

interface Pending {
  readonly command: number
  readonly sentAt: number
  readonly resolve: (body: Uint8Array) => void
  readonly reject: (error: Error) => void
  readonly timer: ReturnType<typeof setTimeout>
  /** When the link gets probed if this is still unanswered. */
  probeTimer: ReturnType<typeof setTimeout> | undefined
}

export interface FrameConnectionOptions {
  readonly host: string
  readonly port: number
  readonly connectTimeoutMs?: number
  /** The longest wait for an answer while the link itself still answers probes (default 15 s). */
  readonly requestTimeoutMs?: number
  /**
   * Round trips measured on this link go here, and its timeout decides how long a request may
   * go unanswered before the link is probed: a ping that is not answered within it either
   * drops the link (dead), while any answer proves it alive and the request waits on.
   */
  readonly rtt?: RttEstimator | undefined
  /** Frames the server sends unasked (request id 0): pushes and error frames. */
  readonly onPush: (frame: Frame) => void
  readonly onClose: (error: Error | undefined) => void
  /** Byte counters, for measuring wire cost. */
  readonly onBytes?: (direction: "in" | "out", bytes: number) => void
  /** TLS on the TCP connection (a gateway with --tls-cert); see ClientTls. */
  readonly tls?: ClientTls | undefined
}

/**
 * TLS to a gateway: `true` trusts the system's certificate authorities (and NODE_EXTRA_CA_CERTS);
 * `ca` trusts these PEM certificates instead, on every transport.
 */
export type ClientTls = true | { readonly ca?: string | undefined; readonly servername?: string | undefined }

/** The byte pipe under a FrameConnection: a TCP socket or a WebSocket. */
interface Pipe {
  write(bytes: Uint8Array): void
  /** Half-close politely. */
  end(): void
  /** Drop at once. */
  destroy(): void
}

/** Answers that take long on purpose (a password is hashed): no round-trip sample. */
const SLOW_BY_DESIGN = new Set<number>([Command.AUTH, Command.REGISTER])

export class FrameConnection {
  private readonly pending = new Map<number, Pending>()
  private readonly decoder = new FrameDecoder(16 * 1024 * 1024)
  private nextRequestId = 1
  private closed = false
  /** When the last frame came in: a probe is needed only if nothing did since a request went out. */
  private heardAt = performance.now()
  private probing = false
  private readonly socket: Pipe
  /** How the frames travel: a TCP socket or a WebSocket. */
  readonly transport: "tcp" | "ws"

  private constructor(socket: Net.Socket | Pipe, private readonly options: FrameConnectionOptions) {
    this.transport = socket instanceof Net.Socket ? "tcp" : "ws"
    if (socket instanceof Net.Socket) {
      socket.on("data", (chunk) => this.onData(chunk))
      socket.on("close", () => this.shutdown(new DisconnectedError("connection closed")))
      socket.on("error", (error) => this.shutdown(error))
      this.socket = {
        write: (bytes) => socket.write(bytes),
        end: () => {
          socket.end()
          socket.destroySoon()
        },
        destroy: () => socket.destroy()
      }
    } else {
      this.socket = socket
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
      socket.onmessage = (event) => connection?.onData(new Uint8Array(event.data as ArrayBuffer))
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
  async request<Req, Res extends { readonly base?: { readonly code: number; readonly message: string } | null }>(
    command: number,
    requestCodec: Codec<Req>,
    responseCodec: Codec<Res>,
    request: Req,
    timeoutMs?: number
  ): Promise<Res> {
    return checkedResponse(responseCodec, await this.requestRaw(command, requestCodec.encode(request), timeoutMs))
  }

  /** `timeoutMs` overrides the connection's request timeout (a ping waits less). */
  requestRaw(command: number, body: Uint8Array, timeoutMs?: number): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new DisconnectedError())
    const timeout = timeoutMs ?? this.options.requestTimeoutMs ?? 15000
    const requestId = this.nextRequestId
    this.nextRequestId = this.nextRequestId >= 0xffffffff ? 1 : this.nextRequestId + 1
    const sentAt = performance.now()
    const rtt = this.options.rtt
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId)
        const silence = new DisconnectedError(`no answer to command ${command} within ${timeout} ms`, true)
        reject(silence)
        // The server answers every request well within this (its own calls give up sooner), so
        // silence means a half-open connection: drop it, and the client reconnects and resends.
        this.socket.destroy()
        this.shutdown(silence)
      }, timeout)
      const pending: Pending = { command, sentAt, resolve, reject, timer, probeTimer: undefined }
      this.pending.set(requestId, pending)
      this.writeFrame(encodeFrame(command, requestId, body))
      // A request that waits longer than the link's round trips allow: probe the link, so a dead
      // one is noticed in a few round trips instead of at the request's own timeout.
      if (rtt !== undefined && timeoutMs === undefined && rtt.timeoutMs < timeout) {
        const probeAfter = rtt.timeoutMs
        pending.probeTimer = setTimeout(() => {
          if (performance.now() - this.heardAt >= probeAfter) void this.probe()
        }, probeAfter)
      }
    })
  }

  /**
   * Asks the server for any answer within twice the learned timeout (backed off, as TCP backs off
   * a retransmission): a ping (before a login the server answers it with an error frame, which
   * proves the link as well). No answer in time drops the link (requestRaw's timeout), and the
   * client reconnects.
   */
  probe(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false)
    if (this.probing) return Promise.resolve(true)
    this.probing = true
    const rtt = this.options.rtt
    const deadline = rtt === undefined ? 3000 : Math.min(2 * rtt.timeoutMs, rtt.bounds.ceilingMs)
    return this.requestRaw(Command.PING, new Uint8Array(0), deadline).then(
      () => true,
      (error: unknown) => !(error instanceof DisconnectedError)
    ).finally(() => (this.probing = false))
  }

  /** Writes raw bytes (tests use it to send malformed input). */
  writeFrame(bytes: Uint8Array): void {
    this.options.onBytes?.("out", bytes.length)
    this.socket.write(bytes)
  }

  close(): void {
    this.socket.end()
    this.shutdown(undefined)
  }

  /** Drops the connection without a goodbye, as a dying network would. */
  destroy(): void {
    this.socket.destroy()
    // A half-open WebSocket may take long to report its close: the connection ends now.
    this.shutdown(new DisconnectedError("connection dropped"))
  }

  get isClosed(): boolean {
    return this.closed
  }

  private onData(chunk: Uint8Array): void {
    this.options.onBytes?.("in", chunk.length)
    this.heardAt = performance.now()
    const { frames, error } = this.decoder.push(chunk)
    for (const frame of frames) {
      const pending = frame.requestId === 0 ? undefined : this.pending.get(frame.requestId)
      if (pending === undefined) {
        this.options.onPush(frame)
        continue
      }
      this.pending.delete(frame.requestId)
      clearTimeout(pending.timer)
      clearTimeout(pending.probeTimer)
      if (!SLOW_BY_DESIGN.has(pending.command)) this.options.rtt?.sample(this.heardAt - pending.sentAt)
      if (frame.command === Command.ERROR) {
        const error = Codecs.ErrorFrame.decode(frame.body)
        pending.reject(new WeftRequestError(error.code, error.message))
      } else {
        pending.resolve(frame.body)
      }
    }
    if (error !== undefined) {
      this.socket.destroy()
      this.shutdown(new Error(`server sent an invalid frame: ${error._tag}`))
    }
  }

  private shutdown(error: Error | undefined): void {
    if (this.closed) return
    this.closed = true
    const silent = error instanceof DisconnectedError && error.silent
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer)
      clearTimeout(pending.probeTimer)
      pending.reject(new DisconnectedError(error?.message, silent))
    }
    this.pending.clear()
    this.options.onClose(error)
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
