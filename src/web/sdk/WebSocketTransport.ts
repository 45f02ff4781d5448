/**
 * The browser's long connection: a WebSocket to `/ws` on the gateway's HTTP port carrying the
 * TCP frames, one per binary message. Responses are matched to requests by request id; frames
 * with request id 0 (pushes, kicks, errors) go to `onPush`. As the Node SDK's long connection
 * does (client/FrameConnection.ts), it learns the round trip from its answers and probes the
 * link with a ping when a request stays unanswered longer than the round trips allow: no pong
 * within twice that closes it as dead, a pong lets the request wait on.
 */
import type { RttEstimator } from "../../client/RttEstimator.ts"
import { Command } from "../../protocol/Command.ts"
import { encodeFrame, type Frame, FrameDecoder } from "../../protocol/Frame.ts"
import type { Schema } from "./Schema.ts"
import { type Answer, checked, type CommandSpec, DisconnectedError, type Transport, WeftRequestError } from "./Transport.ts"

export interface WebSocketOptions {
  /** ws:// or wss:// URL of the gateway's /ws. */
  readonly url: string
  readonly schema: Schema
  readonly connectTimeoutMs: number
  /** The longest wait for an answer while the link still answers probes. */
  readonly requestTimeoutMs: number
  /** The round trips measured so far (shared by the client's transports). */
  readonly rtt: RttEstimator
  readonly onPush: (frame: Frame) => void
  readonly onClose: () => void
}

interface Pending {
  readonly command: number
  readonly sentAt: number
  readonly resolve: (frame: Frame) => void
  readonly reject: (error: Error) => void
  readonly timer: ReturnType<typeof setTimeout>
  probeTimer: ReturnType<typeof setTimeout> | undefined
}

/** Answers that take long on purpose (a password is hashed): no round-trip sample. */
const SLOW_BY_DESIGN = new Set<number>([Command.AUTH, Command.REGISTER])

export class WebSocketTransport implements Transport {
  readonly kind = "ws"
  private readonly pending = new Map<number, Pending>()
  private readonly decoder = new FrameDecoder(16 * 1024 * 1024)
  private nextRequestId = 1
  private closed = false
  /** When the last frame came in: a probe is needed only if nothing did since a request went out. */
  private heardAt = performance.now()
  private probing = false

  private constructor(private readonly socket: WebSocket, private readonly options: WebSocketOptions) {
    socket.onmessage = (event) => this.onData(new Uint8Array(event.data as ArrayBuffer))
    socket.onclose = () => this.shutdown("connection closed")
  }

  /** Resolves once the WebSocket is open; rejects if it cannot open within the timeout. */
  static open(options: WebSocketOptions): Promise<WebSocketTransport> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(options.url)
      socket.binaryType = "arraybuffer"
      const fail = (why: string) => {
        clearTimeout(timer)
        socket.onopen = socket.onerror = socket.onclose = null
        socket.close()
        reject(new DisconnectedError(why))
      }
      const timer = setTimeout(() => fail(`connect to ${options.url} timed out`), options.connectTimeoutMs)
      socket.onerror = () => fail(`cannot connect to ${options.url}`)
      socket.onclose = () => fail(`cannot connect to ${options.url}`)
      socket.onopen = () => {
        clearTimeout(timer)
        socket.onerror = null
        resolve(new WebSocketTransport(socket, options))
      }
    })
  }

  authenticate(): void {
    // The login on this connection is its identity.
  }

  /** `timeoutMs` overrides the learned wait (a heartbeat's ping waits less). */
  async request<Res extends Answer>(command: CommandSpec, body: object, timeoutMs?: number): Promise<Res> {
    const frame = await this.requestFrame(command.id, this.options.schema.codec<object>(command.request).encode(body), timeoutMs)
    if (frame.command === Command.ERROR) {
      const error = this.options.schema.codec<{ code: number; message: string }>("ErrorFrame").decode(frame.body)
      throw new WeftRequestError(error.code, error.message)
    }
    return checked(this.options.schema.codec<Res>(command.response).decode(frame.body))
  }

  close(): void {
    this.socket.close(1000)
    this.shutdown("closed")
  }

  private requestFrame(command: number, body: Uint8Array, timeoutMs?: number): Promise<Frame> {
    if (this.closed) return Promise.reject(new DisconnectedError())
    const requestId = this.nextRequestId
    this.nextRequestId = this.nextRequestId >= 0xffffffff ? 1 : this.nextRequestId + 1
    const timeout = timeoutMs ?? this.options.requestTimeoutMs
    const { rtt } = this.options
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The server answers well within this: silence means a half-open connection.
        this.pending.delete(requestId)
        reject(new DisconnectedError(`no answer to command ${command} within ${timeout} ms`))
        this.socket.close(4000, "no answer")
        this.shutdown("no answer")
      }, timeout)
      const pending: Pending = { command, sentAt: performance.now(), resolve, reject, timer, probeTimer: undefined }
      this.pending.set(requestId, pending)
      this.socket.send(encodeFrame(command, requestId, body) as Uint8Array<ArrayBuffer>)
      // Unanswered for longer than the round trips allow: probe the link, so a dead one is
      // noticed in a few round trips instead of at the request's own timeout.
      if (timeoutMs === undefined && rtt.timeoutMs < timeout) {
        const probeAfter = rtt.timeoutMs
        pending.probeTimer = setTimeout(() => performance.now() - this.heardAt >= probeAfter && this.probe(), probeAfter)
      }
    })
  }

  /** A ping that must come back within twice the learned timeout, or the link is closed as dead. */
  private probe(): void {
    if (this.closed || this.probing) return
    this.probing = true
    const { rtt } = this.options
    this.requestFrame(Command.PING, new Uint8Array(0), Math.min(2 * rtt.timeoutMs, rtt.bounds.ceilingMs))
      .catch(() => {})
      .finally(() => (this.probing = false))
  }

  private onData(chunk: Uint8Array): void {
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
      if (!SLOW_BY_DESIGN.has(pending.command)) this.options.rtt.sample(this.heardAt - pending.sentAt)
      pending.resolve(frame)
    }
    if (error !== undefined) {
      this.socket.close(4000, "invalid frame")
      this.shutdown(`server sent an invalid frame: ${error._tag}`)
    }
  }

  private shutdown(why: string): void {
    if (this.closed) return
    this.closed = true
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer)
      clearTimeout(pending.probeTimer)
      pending.reject(new DisconnectedError(why))
    }
    this.pending.clear()
    this.options.onClose()
  }
}
