/**
 * The HTTP-only way in, for networks that let neither TCP nor WebSocket through: every request
 * is a `POST /cgi-bin/<command>` (protobuf) carrying the session in its base request, and pushes
 * come by long polling (COMMAND_POLL, driven by the client core). It offers the same `exchange` as a
 * FrameConnection (core/Wire.ts SessionLink), so the client above does not care which way it is connected.
 */
import * as Https from "node:https"
import { Command } from "../protocol/Command.ts"
import { type BaseRequest, Codecs } from "../protocol/Proto.ts"
import { Status } from "../protocol/Status.ts"
import { isSilence } from "./errors.ts"
import { type Answer, commandName, type Exchange } from "./core/Wire.ts"
import { checkedResponse, type ClientTls, DisconnectedError, WeftRequestError } from "./FrameConnection.ts"

const PROTOBUF = "application/x-protobuf"

/**
 * A POST over HTTPS that trusts the given CA (fetch cannot be given one): the status and body,
 * like fetch's; aborted by `signal`.
 */
const postWithCa = (url: string, body: Uint8Array, tls: { readonly ca?: string | undefined; readonly servername?: string | undefined }, signal: AbortSignal) =>
  new Promise<{ readonly ok: boolean; readonly bytes: Uint8Array }>((resolve, reject) => {
    const request = Https.request(url, {
      method: "POST",
      headers: { "content-type": PROTOBUF, "content-length": body.length },
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls.servername === undefined ? {} : { servername: tls.servername }),
      signal
    }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () => {
        const status = response.statusCode ?? 0
        resolve({ ok: status >= 200 && status < 300, bytes: new Uint8Array(Buffer.concat(chunks)) })
      })
      response.on("error", reject)
    })
    request.on("error", reject)
    request.end(body)
  })

/** `base` is field 15 of every request that needs a login; appended bytes merge into the message. */
const BASE_FIELD_TAG = (15 << 3) | 2

const withBase = (body: Uint8Array, base: BaseRequest): Uint8Array => {
  const encoded = Codecs.BaseRequest.encode(base)
  const length: Array<number> = []
  for (let n = encoded.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n)
      break
    }
    length.push((n & 0x7f) | 0x80)
  }
  const out = new Uint8Array(body.length + 1 + length.length + encoded.length)
  out.set(body, 0)
  out[body.length] = BASE_FIELD_TAG
  out.set(length, body.length + 1)
  out.set(encoded, body.length + 1 + length.length)
  return out
}

export interface HttpLinkOptions {
  /** HTTPS (a gateway with --tls-cert). */
  readonly secure?: boolean | undefined
  /** A CA (or server name) of its own for HTTPS; the system's CAs otherwise. */
  readonly tls?: ClientTls | undefined
  readonly host: string
  readonly port: number
  readonly requestTimeoutMs?: number | undefined
  /** Called once, when the link is closed or a request could not reach the server. */
  readonly onClose: (error: Error | undefined) => void
}

export class HttpLink {
  readonly transport = "http" as const
  private session: BaseRequest | undefined
  private closed = false
  private readonly inFlight = new Set<AbortController>()

  constructor(private readonly options: HttpLinkOptions) {}

  /** Who the following requests come from (after AUTH). */
  setSession(session: BaseRequest): void {
    this.session = session
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** The client core's request: the command's own name is its path. */
  async exchange<Req, Res extends Answer>(command: Exchange<Req, Res>, body: Req, timeoutMs?: number): Promise<Res> {
    return checkedResponse(command.response, await this.requestRaw(command.id, command.request.encode(body), timeoutMs, command.name))
  }

  async requestRaw(command: number, body: Uint8Array, timeoutMs?: number, name = commandName(command)): Promise<Uint8Array> {
    if (this.closed) throw new DisconnectedError()
    if (name === undefined) throw new WeftRequestError(Status.UNKNOWN_COMMAND, `unknown command ${command}`)
    const signed = this.session !== undefined && command !== Command.AUTH && command !== Command.REGISTER
      ? withBase(body, this.session)
      : body
    const controller = new AbortController()
    this.inFlight.add(controller)
    const timeout = timeoutMs ?? this.options.requestTimeoutMs ?? 15_000
    const timer = setTimeout(() => controller.abort(), timeout)
    try {
      const scheme = this.options.secure === true ? "https" : "http"
      const url = `${scheme}://${this.options.host}:${this.options.port}/cgi-bin/${name}`
      const tls = this.options.tls
      const response = this.options.secure === true && typeof tls === "object"
        ? await postWithCa(url, signed, tls, controller.signal)
        : await fetch(url, {
          method: "POST",
          headers: { "content-type": PROTOBUF },
          body: signed as Uint8Array<ArrayBuffer>,
          signal: controller.signal
        }).then(async (answer) => ({ ok: answer.ok, bytes: new Uint8Array(await answer.arrayBuffer()) }))
      const bytes = response.bytes
      if (!response.ok) {
        const error = Codecs.ErrorFrame.decode(bytes)
        throw new WeftRequestError(error.code, error.message)
      }
      return bytes
    } catch (error) {
      if (error instanceof WeftRequestError) throw error
      const timedOut = controller.signal.aborted && !this.closed
      const reason = timedOut
        ? `no answer to ${name} within ${timeout} ms`
        : `cannot reach ${this.options.host}:${this.options.port}: ${String((error as Error)?.message ?? error)}`
      // fetch's own failure names the system error in its cause.
      const silent = timedOut || isSilence((error as { readonly cause?: unknown })?.cause) || isSilence(error)
      // A request that cannot get through means this way in is gone: the client picks another.
      this.shutdown(new DisconnectedError(reason, silent))
      throw new DisconnectedError(reason, silent)
    } finally {
      clearTimeout(timer)
      this.inFlight.delete(controller)
    }
  }

  close(): void {
    this.shutdown(undefined)
  }

  destroy(): void {
    this.shutdown(new DisconnectedError("dropped"))
  }

  private shutdown(error: Error | undefined): void {
    if (this.closed) return
    this.closed = true
    for (const controller of this.inFlight) controller.abort()
    this.options.onClose(error)
  }
}
