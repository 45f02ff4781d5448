/**
 * One long connection from the client's side, whatever carries its bytes (a TCP socket, a Node
 * WebSocket, a browser WebSocket): frames out, frames in, answers matched to requests by request
 * id, frames sent unasked (pushes, kicks, error frames) handed to `onPush`. It learns the round
 * trip from its answers and probes the link with a ping when a request stays unanswered longer
 * than the round trips allow: no answer within twice that drops the link as dead, any answer
 * lets the request wait on. Knows nothing of login or retries. Node-free.
 */
import { Command } from "../../protocol/Command.ts"
import { encodeFrame, type Frame, FrameDecoder } from "../../protocol/Frame.ts"
import { DisconnectedError, WeftRequestError } from "../errors.ts"
import type { TransportName, WireEndpoint } from "../../protocol/routes.ts"
import type { Endpoint } from "../RouteStore.ts"
import type { RttEstimator } from "../RttEstimator.ts"
import type { Answer, Exchange, LinkSession } from "./Wire.ts"

/** The byte pipe under a channel. */
export interface Pipe {
  write(bytes: Uint8Array): void
  /** Half-close politely. */
  end(): void
  /** Drop at once. */
  destroy(): void
}

export interface ChannelOptions {
  /** The longest wait for an answer while the link itself still answers probes (default 15 s). */
  readonly requestTimeoutMs?: number | undefined
  /**
   * Round trips measured on this link go here, and its timeout decides how long a request may
   * go unanswered before the link is probed.
   */
  readonly rtt?: RttEstimator | undefined
  /** Frames the server sends unasked (request id 0): pushes and error frames. */
  readonly onPush: (frame: Frame) => void
  readonly onClose: (error: Error | undefined) => void
  /** Byte counters, for measuring wire cost. */
  readonly onBytes?: ((direction: "in" | "out", bytes: number) => void) | undefined
}

/** How an error frame's body reads (weft.v1.ErrorFrame): given by the platform's codecs. */
export type ErrorFrameDecoder = (body: Uint8Array) => { readonly code: number; readonly message: string }

interface Pending {
  readonly command: number
  readonly sentAt: number
  readonly resolve: (body: Uint8Array) => void
  readonly reject: (error: Error) => void
  timer: ReturnType<typeof setTimeout>
  /** When the link gets probed if this is still unanswered. */
  probeTimer: ReturnType<typeof setTimeout> | undefined
}

/** Answers that take long on purpose (a password is hashed): no round-trip sample. */
const SLOW_BY_DESIGN = new Set<number>([Command.AUTH, Command.REGISTER])

/** weft.v1.Transport values (routes.ts has them too, but this file is also the browser SDK's). */
const transports: Readonly<Record<number, TransportName>> = { 1: "tcp", 2: "ws", 3: "http" }

/** The route list a refusal carries (an AUTH answered WRONG_IDC names the home's gateways). */
const endpointsOf = (response: object): Array<Endpoint> => {
  const listed = (response as { readonly endpoints?: ReadonlyArray<WireEndpoint> }).endpoints ?? []
  return listed.flatMap((wire) => {
    const transport = transports[wire.transport]
    return transport === undefined ? [] : [{ host: wire.address, port: wire.port, transport }]
  })
}

/** A response body decoded, with a non-zero status in its base response thrown as a WeftRequestError. */
export const checkedResponse = <Res extends Answer>(codec: { readonly decode: (bytes: Uint8Array) => Res }, body: Uint8Array): Res => {
  const response = codec.decode(body)
  const code = response.base?.code ?? 0
  if (code !== 0) throw new WeftRequestError(code, response.base?.message ?? "", endpointsOf(response))
  return response
}

export class FrameChannel {
  private readonly pending = new Map<number, Pending>()
  private readonly decoder = new FrameDecoder(16 * 1024 * 1024)
  private nextRequestId = 1
  private closed = false
  /** When the last frame came in: a probe is needed only if nothing did since a request went out. */
  private heardAt = performance.now()
  private probing = false

  protected constructor(
    private readonly pipe: Pipe,
    private readonly channel: ChannelOptions,
    private readonly decodeError: ErrorFrameDecoder
  ) {}

  /** Sends a command and resolves with its checked response; `timeoutMs` overrides the request timeout. */
  async exchange<Req, Res extends Answer>(command: Exchange<Req, Res>, body: Req, timeoutMs?: number): Promise<Res> {
    return checkedResponse(command.response, await this.requestRaw(command.id, command.request.encode(body), timeoutMs))
  }

  /** A long connection's login is its identity: nothing to sign. */
  setSession(_session: LinkSession): void {}

  /** `timeoutMs` overrides the connection's request timeout (a ping waits less). */
  requestRaw(command: number, body: Uint8Array, timeoutMs?: number): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new DisconnectedError())
    const ceiling = this.channel.requestTimeoutMs ?? 15_000
    const timeout = timeoutMs ?? ceiling
    const requestId = this.nextRequestId
    this.nextRequestId = this.nextRequestId >= 0xffffffff ? 1 : this.nextRequestId + 1
    const sentAt = performance.now()
    const rtt = this.channel.rtt
    return new Promise((resolve, reject) => {
      const expire = () => {
        // A shorter wait than the ceiling (a probe's ping) is about silence: while bytes keep
        // coming in (a large answer ahead of this one on a slow link), the link is alive, and
        // the wait goes on until the link has been silent that long or the ceiling is reached.
        const now = performance.now()
        const silentMs = now - this.heardAt
        if (silentMs < timeout && now - sentAt < ceiling) {
          pending.timer = setTimeout(expire, Math.max(1, Math.min(Math.ceil(timeout - silentMs), Math.ceil(ceiling - (now - sentAt)))))
          return
        }
        this.pending.delete(requestId)
        const silence = new DisconnectedError(`no answer to command ${command} within ${timeout} ms`, true)
        reject(silence)
        // The server answers every request well within this (its own calls give up sooner), so
        // silence means a half-open connection: drop it, and the client reconnects and resends.
        this.pipe.destroy()
        this.shutdown(silence)
      }
      const pending: Pending = { command, sentAt, resolve, reject, timer: setTimeout(expire, timeout), probeTimer: undefined }
      this.pending.set(requestId, pending)
      this.writeFrame(encodeFrame(command, requestId, body))
      // A request that waits longer than the link's round trips allow: probe the link, so a dead
      // one is noticed in a few round trips instead of at the request's own timeout. A link that
      // was heard from meanwhile is checked again once it has been silent that long (a timer may
      // also fire a millisecond before performance.now() says it is due: checked again too).
      if (rtt !== undefined && timeoutMs === undefined && rtt.timeoutMs < timeout) {
        const probeAfter = rtt.timeoutMs
        const check = () => {
          const silentMs = performance.now() - this.heardAt
          if (silentMs >= probeAfter) return void this.probe()
          pending.probeTimer = setTimeout(check, Math.max(1, Math.ceil(probeAfter - silentMs)))
        }
        pending.probeTimer = setTimeout(check, probeAfter)
      }
    })
  }

  /**
   * Asks the server for any answer within twice the learned timeout (backed off, as TCP backs off
   * a retransmission): a ping (before a login the server answers it with an error frame, which
   * proves the link as well). No answer in time drops the link (requestRaw's timeout).
   */
  probe(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false)
    if (this.probing) return Promise.resolve(true)
    this.probing = true
    const rtt = this.channel.rtt
    const deadline = rtt === undefined ? 3000 : Math.min(2 * rtt.timeoutMs, rtt.bounds.ceilingMs)
    return this.requestRaw(Command.PING, new Uint8Array(0), deadline).then(
      () => true,
      (error: unknown) => !(error instanceof DisconnectedError)
    ).finally(() => (this.probing = false))
  }

  /** Writes raw bytes (tests use it to send malformed input). */
  writeFrame(bytes: Uint8Array): void {
    this.channel.onBytes?.("out", bytes.length)
    this.pipe.write(bytes)
  }

  close(): void {
    this.pipe.end()
    this.shutdown(undefined)
  }

  /** Drops the connection without a goodbye, as a dying network would. */
  destroy(): void {
    this.pipe.destroy()
    // A half-open WebSocket may take long to report its close: the connection ends now.
    this.shutdown(new DisconnectedError("connection dropped"))
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Bytes that came in on the pipe. */
  protected received(chunk: Uint8Array): void {
    this.channel.onBytes?.("in", chunk.length)
    this.heardAt = performance.now()
    const { frames, error } = this.decoder.push(chunk)
    for (const frame of frames) {
      const pending = frame.requestId === 0 ? undefined : this.pending.get(frame.requestId)
      if (pending === undefined) {
        this.channel.onPush(frame)
        continue
      }
      this.pending.delete(frame.requestId)
      clearTimeout(pending.timer)
      clearTimeout(pending.probeTimer)
      if (!SLOW_BY_DESIGN.has(pending.command)) this.channel.rtt?.sample(this.heardAt - pending.sentAt)
      if (frame.command === Command.ERROR) {
        const error = this.decodeError(frame.body)
        pending.reject(new WeftRequestError(error.code, error.message))
      } else {
        pending.resolve(frame.body)
      }
    }
    if (error !== undefined) {
      this.pipe.destroy()
      this.shutdown(new Error(`server sent an invalid frame: ${error._tag}`))
    }
  }

  /** The pipe ended (or is given up on): every pending request fails, and the owner hears of it once. */
  protected shutdown(error: Error | undefined): void {
    if (this.closed) return
    this.closed = true
    const silent = error instanceof DisconnectedError && error.silent
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer)
      clearTimeout(pending.probeTimer)
      pending.reject(new DisconnectedError(error?.message, silent))
    }
    this.pending.clear()
    this.channel.onClose(error)
  }
}
