/**
 * The browser's fallback when no WebSocket gets through: every command is a short connection,
 * `POST /cgi-bin/<command>` with a protobuf body carrying `base { user_id, session_token }`,
 * and pushes come by long polling (the client's poll loop, COMMAND_POLL). A request that
 * cannot reach the server closes the transport, as a broken socket would.
 */
import type { Schema } from "./Schema.ts"
import { type Answer, checked, type CommandSpec, DisconnectedError, type Transport, WeftRequestError } from "./Transport.ts"

export interface HttpOptions {
  /** The gateway's HTTP origin, e.g. "http://127.0.0.1:9380". */
  readonly server: string
  readonly schema: Schema
  readonly requestTimeoutMs: number
  readonly onClose: () => void
}

const PROTOBUF = "application/x-protobuf"

export class HttpTransport implements Transport {
  readonly kind = "http"
  private base: object | undefined
  private closed = false
  private readonly inFlight = new Set<AbortController>()

  constructor(private readonly options: HttpOptions) {}

  authenticate(base: { readonly userId: string; readonly sessionToken: string; readonly deviceId: string }): void {
    this.base = base
  }

  /** `extraTimeMs`: how much longer than usual the server may take (a long poll's wait). */
  async request<Res extends Answer>(command: CommandSpec, body: object, extraTimeMs = 0): Promise<Res> {
    if (this.closed) throw new DisconnectedError()
    const { schema } = this.options
    const abort = new AbortController()
    this.inFlight.add(abort)
    const timer = setTimeout(() => abort.abort(), this.options.requestTimeoutMs + extraTimeMs)
    let response: Response
    let bytes: Uint8Array
    try {
      const payload = schema.codec<object>(command.request).encode(this.base === undefined ? body : { ...body, base: this.base })
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
      const error = schema.codec<{ code: number; message: string }>("ErrorFrame").decode(bytes)
      throw new WeftRequestError(error.code, error.message)
    }
    return checked(schema.codec<Res>(command.response).decode(bytes))
  }

  close(): void {
    this.closed = true
    for (const abort of this.inFlight) abort.abort()
    this.inFlight.clear()
  }

  private shutdown(): void {
    if (this.closed) return
    this.close()
    this.options.onClose()
  }
}
