/**
 * The browser's long connection: a WebSocket to `/ws` on the gateway's HTTP port carrying the
 * TCP frames, one per binary message. Responses are matched to requests by request id; frames
 * with request id 0 (pushes, kicks, errors) go to `onPush`.
 */
import { Command } from "../../protocol/Command.ts"
import { encodeFrame, type Frame, FrameDecoder } from "../../protocol/Frame.ts"
import type { Schema } from "./Schema.ts"
import { type Answer, checked, type CommandSpec, DisconnectedError, type Transport, WeftRequestError } from "./Transport.ts"

export interface WebSocketOptions {
  /** ws:// or wss:// URL of the gateway's /ws. */
  readonly url: string
  readonly schema: Schema
  readonly connectTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly onPush: (frame: Frame) => void
  readonly onClose: () => void
}

interface Pending {
  readonly resolve: (frame: Frame) => void
  readonly reject: (error: Error) => void
  readonly timer: ReturnType<typeof setTimeout>
}

export class WebSocketTransport implements Transport {
  readonly kind = "ws"
  private readonly pending = new Map<number, Pending>()
  private readonly decoder = new FrameDecoder(16 * 1024 * 1024)
  private nextRequestId = 1
  private closed = false

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

  async request<Res extends Answer>(command: CommandSpec, body: object): Promise<Res> {
    const frame = await this.requestFrame(command.id, this.options.schema.codec<object>(command.request).encode(body))
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

  private requestFrame(command: number, body: Uint8Array): Promise<Frame> {
    if (this.closed) return Promise.reject(new DisconnectedError())
    const requestId = this.nextRequestId
    this.nextRequestId = this.nextRequestId >= 0xffffffff ? 1 : this.nextRequestId + 1
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The server answers well within this: silence means a half-open connection.
        this.pending.delete(requestId)
        reject(new DisconnectedError(`no answer to command ${command} within ${this.options.requestTimeoutMs} ms`))
        this.socket.close(4000, "no answer")
        this.shutdown("no answer")
      }, this.options.requestTimeoutMs)
      this.pending.set(requestId, { resolve, reject, timer })
      this.socket.send(encodeFrame(command, requestId, body) as Uint8Array<ArrayBuffer>)
    })
  }

  private onData(chunk: Uint8Array): void {
    const { frames, error } = this.decoder.push(chunk)
    for (const frame of frames) {
      const pending = frame.requestId === 0 ? undefined : this.pending.get(frame.requestId)
      if (pending === undefined) {
        this.options.onPush(frame)
        continue
      }
      this.pending.delete(frame.requestId)
      clearTimeout(pending.timer)
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
      pending.reject(new DisconnectedError(why))
    }
    this.pending.clear()
    this.options.onClose()
  }
}
