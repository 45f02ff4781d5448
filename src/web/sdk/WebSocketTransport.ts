/**
 * The browser's long connection: a WebSocket to `/ws` on the gateway's HTTP port carrying the
 * TCP frames, one per binary message, under the client core's FrameChannel (the Node SDK's long
 * connections use it too): answers matched to requests, the round trip learned, a silent link
 * probed and dropped. Frames with request id 0 (pushes, kicks, errors) go to `onPush`.
 */
import type { RttEstimator } from "../../client/RttEstimator.ts"
import { FrameChannel } from "../../client/core/FrameChannel.ts"
import type { Frame } from "../../protocol/Frame.ts"
import type { Schema } from "./Schema.ts"
import { DisconnectedError, type Transport } from "./Transport.ts"

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

export class WebSocketTransport extends FrameChannel implements Transport {
  readonly transport = "ws"

  private constructor(socket: WebSocket, options: WebSocketOptions) {
    super(
      {
        write: (bytes) => socket.send(bytes as Uint8Array<ArrayBuffer>),
        end: () => socket.close(1000),
        destroy: () => socket.close(4000, "dropped")
      },
      { requestTimeoutMs: options.requestTimeoutMs, rtt: options.rtt, onPush: options.onPush, onClose: () => options.onClose() },
      (body) => options.schema.codec<{ code: number; message: string }>("ErrorFrame").decode(body)
    )
    socket.onmessage = (event) => this.received(new Uint8Array(event.data as ArrayBuffer))
    socket.onclose = () => this.shutdown(new DisconnectedError("connection closed"))
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
}
