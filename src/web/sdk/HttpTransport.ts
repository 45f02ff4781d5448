/**
 * The browser's fallback when no WebSocket gets through: every command is a short connection,
 * `POST /cgi-bin/<command>` with a protobuf body carrying `base { user_id, session_token }`,
 * and pushes come by long polling (the client core's poll loop, COMMAND_POLL). A request that
 * cannot reach the server closes the transport, as a broken socket would.
 */
import { checkedResponse } from "../../client/core/FrameChannel.ts"
import type { Answer, Exchange, LinkSession } from "../../client/core/Wire.ts"
import type { Schema } from "./Schema.ts"
import { DisconnectedError, type Transport, WeftRequestError } from "./Transport.ts"

export interface HttpOptions {
  /** The gateway's HTTP origin, e.g. "http://127.0.0.1:9380". */
  readonly server: string
  readonly schema: Schema
  readonly requestTimeoutMs: number
  readonly onClose: () => void
}

const PROTOBUF = "application/x-protobuf"

export class HttpTransport implements Transport {
  readonly transport = "http"
  private base: LinkSession | undefined
  private closed = false
  private readonly inFlight = new Set<AbortController>()

  constructor(private readonly options: HttpOptions) {}

  get isClosed(): boolean {
    return this.closed
  }

  setSession(base: LinkSession): void {
    this.base = base
  }

  /** `timeoutMs`: the longest wait (default the request timeout; a long poll waits longer). */
  async exchange<Req, Res extends Answer>(command: Exchange<Req, Res>, body: Req, timeoutMs?: number): Promise<Res> {
    if (this.closed) throw new DisconnectedError()
    const abort = new AbortController()
    this.inFlight.add(abort)
    const timer = setTimeout(() => abort.abort(), timeoutMs ?? this.options.requestTimeoutMs)
    let response: Response
    let bytes: Uint8Array
    try {
      const payload = command.request.encode(this.base === undefined ? body : { ...body, base: this.base })
      response = await fetch(`${this.options.server}/cgi-bin/${command.name}`, {
        method: "POST",
        headers: { "content-type": PROTOBUF },
        body: payload as Uint8Array<ArrayBuffer>,
        signal: abort.signal
      })
      bytes = new Uint8Array(await response.arrayBuffer())
    } catch (error) {
      if (this.closed) throw new DisconnectedError("closed")
      this.shutdown()
      throw new DisconnectedError(`POST /cgi-bin/${command.name} failed: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      clearTimeout(timer)
      this.inFlight.delete(abort)
    }
    if (response.status >= 500) {
      this.shutdown()
      throw new DisconnectedError(`POST /cgi-bin/${command.name}: HTTP ${response.status}`)
    }
    if (response.status !== 200) {
      const error = this.options.schema.codec<{ code: number; message: string }>("ErrorFrame").decode(bytes)
      throw new WeftRequestError(error.code, error.message)
    }
    return checkedResponse(command.response, bytes)
  }

  close(): void {
    this.closed = true
    for (const abort of this.inFlight) abort.abort()
    this.inFlight.clear()
  }

  /** Given up on as a broken link would be: the client hears of it and finds another way in. */
  destroy(): void {
    this.shutdown()
  }

  private shutdown(): void {
    if (this.closed) return
    this.close()
    this.options.onClose()
  }
}
