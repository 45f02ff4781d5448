/**
 * The weft client SDK (Node): one logged-in user on one connection that keeps itself alive.
 * It finds its way in by racing the endpoints it knows (TCP, then WebSocket, then HTTP with long
 * polling; see Routing.ts), logs in in one round trip, applies pushed changes in sequence order,
 * syncs when it sees a gap or after a reconnect, and resends messages whose acknowledgement it
 * never saw (same client message id, so the server stores them once) — whichever transport it
 * ends up on. On long connections it pings on an adaptive schedule (Heartbeat.ts).
 */
import { randomUUID } from "node:crypto"
import { Command } from "../protocol/Command.ts"
import type { Frame } from "../protocol/Frame.ts"
import { type AuthResponse, type Change, type Codec, codec, Codecs, type SendMessageResponse, type SyncResponse } from "../protocol/Proto.ts"
import { RouteCodecs, type TransportName } from "../protocol/routes.ts"
import { Status } from "../protocol/Status.ts"
import { type BackoffSchedule, defaultBackoff, reconnectDelay } from "./Backoff.ts"
import type { ClientEvents, ClientOptions, ClientState, OutgoingMessage } from "./ClientOptions.ts"
import { type ClientTls, DisconnectedError, type FrameConnection, WeftRequestError } from "./FrameConnection.ts"
import { AdaptiveHeartbeat, type HeartbeatSchedule, pingOnSchedule } from "./Heartbeat.ts"
import { HttpLink } from "./HttpLink.ts"
import { type Link, openLink } from "./Links.ts"
import { isRetryable, Outbox } from "./Outbox.ts"
import { Router } from "./Router.ts"
import type { Endpoint } from "./RouteStore.ts"

export { DisconnectedError, WeftRequestError }
export type { ClientEvents, ClientOptions, ClientState, Endpoint, OutgoingMessage }
export type { HeartbeatEvent } from "./Heartbeat.ts"

const PollRequest = codec<{ readonly cursor: number; readonly limit: number; readonly timeoutMs: number }>("PollRequest")

/** Registers a new account; needs no login. Over TCP unless another transport is given. */
export const register = async (
  options: {
    readonly host: string
    readonly port: number
    readonly transport?: TransportName | undefined
    readonly tls?: ClientTls | undefined
  },
  userId: string,
  password: string,
  displayName = ""
): Promise<void> => {
  const connection = await openLink({ host: options.host, port: options.port, transport: options.transport ?? "tcp" }, {
    onPush: () => {},
    onClose: () => {},
    tls: options.tls
  })
  try {
    await connection.request(Command.REGISTER, Codecs.RegisterRequest, Codecs.RegisterResponse, {
      userId,
      password,
      displayName
    })
  } finally {
    connection.close()
  }
}

export class WeftClient {
  private connection: Link | undefined
  private listeners: { [K in keyof ClientEvents]: Set<ClientEvents[K]> } = {
    change: new Set(),
    message: new Set(),
    state: new Set(),
    reset: new Set(),
    error: new Set(),
    kicked: new Set(),
    unsolicited: new Set(),
    connected: new Set(),
    heartbeat: new Set()
  }
  private readonly outbox = new Outbox(() => (this.stateValue === "online" ? this.connection : undefined))
  private cursorValue: number
  private epochValue: string | undefined
  private token: string | undefined
  private stateValue: ClientState = "offline"
  private stopPinging: (() => void) | undefined
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private reportTimer: ReturnType<typeof setTimeout> | undefined
  private upgradeTimer: ReturnType<typeof setTimeout> | undefined
  private upgradeDelayMs: number
  private attempt = 0
  private syncing: Promise<void> | undefined
  private readonly deviceId: string
  private firstLogin: ((error?: Error) => void) | undefined
  private startAtHead: boolean
  private readonly router: Router
  private endpointInUse: Endpoint | undefined
  private pacer: AdaptiveHeartbeat | undefined

  constructor(private readonly options: ClientOptions) {
    this.startAtHead = options.cursor === "head"
    this.cursorValue = typeof options.cursor === "number" ? options.cursor : 0
    this.epochValue = options.epoch
    this.token = options.resumeToken
    this.deviceId = options.deviceId ?? randomUUID()
    this.upgradeDelayMs = options.upgradeAfterMs ?? 60_000
    this.router = new Router(options)
  }

  on<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): () => void {
    this.listeners[event].add(listener)
    return () => this.listeners[event].delete(listener)
  }

  /** The highest sequence applied. Persist it (with `epoch`) to resume on the next start. */
  get cursor(): number {
    return this.cursorValue
  }

  get epoch(): string | undefined {
    return this.epochValue
  }

  get sessionToken(): string | undefined {
    return this.token
  }

  get state(): ClientState {
    return this.stateValue
  }

  /** The endpoint of the current connection (undefined while offline). */
  get endpoint(): Endpoint | undefined {
    return this.connection === undefined ? undefined : this.endpointInUse
  }

  /** The current heartbeat interval of the long connection, as learned so far. */
  get heartbeatIntervalMs(): number | undefined {
    return this.pacer?.intervalMs
  }

  /** Messages sent but not yet acknowledged. */
  get unacknowledged(): number {
    return this.outbox.size
  }

  /** Connects and logs in; resolves once online and synced. The first login must succeed. */
  connect(): Promise<void> {
    if (this.stateValue !== "offline") return Promise.reject(new Error(`cannot connect while ${this.stateValue}`))
    return new Promise((resolve, reject) => {
      this.firstLogin = (error) => (error ? reject(error) : resolve())
      void this.establish()
    })
  }

  /** Sends a text message. Resolves with the server's acknowledgement: the message is stored. */
  send(to: string, text: string, clientMsgId: string = randomUUID()): Promise<SendMessageResponse> {
    return this.sendMessage({ to, text }, clientMsgId)
  }

  /**
   * Sends any message — 1:1 or to a group, text or media — through the outbox: resolves once
   * the server stored it; kept and resent with the same client message id after a reconnect.
   */
  sendMessage(message: OutgoingMessage, clientMsgId: string = randomUUID()): Promise<SendMessageResponse> {
    if (this.stateValue === "closed") return Promise.reject(new Error("client is closed"))
    return this.outbox.add(message, clientMsgId)
  }

  /**
   * Sends any command and resolves with its response; rejects with WeftRequestError on a
   * non-zero status, DisconnectedError when offline. The building block of the feature
   * helpers in client/ (contacts, groups, ...).
   */
  call<Req, Res extends { readonly base?: { readonly code: number; readonly message: string } | null }>(
    command: number,
    requestCodec: Codec<Req>,
    responseCodec: Codec<Res>,
    request: Req
  ): Promise<Res> {
    const connection = this.connection
    if (connection === undefined || this.stateValue !== "online") return Promise.reject(new DisconnectedError("offline"))
    return connection.request(command, requestCodec, responseCodec, request)
  }

  /** The server's route list, best first (also remembered for the next connects). */
  async routes(): Promise<ReadonlyArray<Endpoint>> {
    const response = await this.call(Command.ROUTE_LIST, RouteCodecs.RouteListRequest, RouteCodecs.RouteListResponse, {})
    return this.router.learn(response.endpoints)
  }

  /** Pulls every change after the cursor. Called automatically on gaps and reconnects. */
  sync(): Promise<void> {
    if (this.syncing === undefined) {
      this.syncing = this.syncPages().finally(() => (this.syncing = undefined))
    }
    return this.syncing
  }

  /** Closes for good: no reconnect. Unacknowledged sends are rejected. */
  close(): void {
    this.setState("closed")
    this.stopTimers()
    this.connection?.close()
    this.connection = undefined
    this.outbox.rejectAll(new Error("client closed"))
  }

  /** Cuts the connection as a failing network would; the client reconnects by itself. */
  dropConnection(): void {
    this.connection?.destroy()
  }

  private async establish(): Promise<void> {
    this.setState("connecting")
    let link: Link | undefined
    try {
      const won = await this.router.race(
        (endpoint) => this.attemptEndpoint(endpoint),
        this.options.transport === undefined ? undefined : [this.options.transport]
      )
      link = won.link
      if (this.stateValue === "closed") return link.close()
      this.connection = link
      this.endpointInUse = won.endpoint
      const auth = await this.login(link)
      await this.startSession(link, won.endpoint, auth, false)
      this.firstLogin?.()
      this.firstLogin = undefined
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error))
      if (this.firstLogin !== undefined || isFatal(failure)) {
        this.firstLogin?.(failure)
        this.firstLogin = undefined
        this.emit("error", failure)
        this.connection?.close()
        this.connection = undefined
        this.stopTimers()
        this.outbox.rejectAll(failure)
        this.setState(isFatal(failure) ? "closed" : "offline")
        return
      }
      if (link !== undefined && link === this.connection) this.connection = undefined
      link?.destroy()
      this.scheduleReconnect()
    }
  }

  /**
   * Everything after a login on the client's (new) connection: pushes or polls, heartbeat, the
   * sync from the cursor (always after a switch of link: pushes that came before it were not
   * applied), then the resend of the outbox.
   */
  private async startSession(link: Link, endpoint: Endpoint, auth: AuthResponse, switched: boolean): Promise<void> {
    this.attempt = 0
    this.router.worked(endpoint)
    if (link instanceof HttpLink) {
      void this.pollLoop(link)
    } else {
      this.startHeartbeat(link, auth)
    }
    if (this.epochValue !== undefined && this.epochValue !== auth.epoch) {
      this.cursorValue = 0
      this.emit("reset", auth.epoch)
    }
    this.epochValue = auth.epoch
    if (this.startAtHead) {
      this.startAtHead = false
      this.cursorValue = auth.currentSeq
    }
    this.setState("online")
    this.emit("connected", endpoint)
    if (switched || auth.currentSeq > this.cursorValue) await this.sync()
    this.outbox.flush()
    this.scheduleReport()
    this.scheduleUpgrade()
  }

  /** On HTTP, tries TCP and WebSocket again from time to time: a long connection is cheaper. */
  private scheduleUpgrade(): void {
    if (!(this.connection instanceof HttpLink) || this.options.transport !== undefined) return
    if (this.upgradeTimer !== undefined) clearTimeout(this.upgradeTimer)
    this.upgradeTimer = setTimeout(() => {
      this.upgradeTimer = undefined
      void this.upgrade()
    }, this.upgradeDelayMs)
  }

  private async upgrade(): Promise<void> {
    const current = this.connection
    if (!(current instanceof HttpLink) || this.stateValue !== "online") return
    let won: { readonly endpoint: Endpoint; readonly link: Link } | undefined
    try {
      won = await this.router.race((endpoint) => this.attemptEndpoint(endpoint), ["tcp", "ws"])
      const auth = await this.login(won.link)
      if (this.connection !== current || this.stateValue !== "online") return won.link.close()
      this.connection = won.link
      this.endpointInUse = won.endpoint
      this.upgradeDelayMs = this.options.upgradeAfterMs ?? 60_000
      current.close()
      await this.startSession(won.link, won.endpoint, auth, true)
    } catch {
      if (won !== undefined && won.link !== this.connection) won.link.close()
      this.upgradeDelayMs = Math.min(this.upgradeDelayMs * 2, 10 * 60_000)
      this.scheduleUpgrade()
    }
  }

  /** Opens a link to one endpoint and asks it for the route list: the round trip the race times. */
  private async attemptEndpoint(endpoint: Endpoint): Promise<Link> {
    const handlers = {
      requestTimeoutMs: this.options.requestTimeoutMs,
      onPush: (frame: Frame) => this.onPush(link, frame),
      onClose: () => this.onDisconnect(link),
      tls: this.options.tls
    }
    const link: Link = await openLink(endpoint, handlers, this.options.webSocket)
    try {
      const routes = await link.request(Command.ROUTE_LIST, RouteCodecs.RouteListRequest, RouteCodecs.RouteListResponse, {})
      this.router.learn(routes.endpoints)
    } catch (error) {
      // A server without route lists still answered the round trip.
      if (!(error instanceof WeftRequestError && error.code === Status.UNKNOWN_COMMAND)) {
        link.close()
        throw error
      }
    }
    return link
  }

  private async login(connection: Link): Promise<AuthResponse> {
    const device = { deviceId: this.deviceId, platform: 0, name: "" }
    if (this.token !== undefined) {
      try {
        return this.loggedIn(
          connection,
          await connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, {
            userId: this.options.userId,
            resumeToken: this.token,
            device
          })
        )
      } catch (error) {
        if (!(error instanceof WeftRequestError && error.code === Status.INVALID_TOKEN) || !this.options.password) {
          throw error
        }
        this.token = undefined
      }
    }
    return this.loggedIn(
      connection,
      await connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, {
        userId: this.options.userId,
        password: this.options.password,
        device
      })
    )
  }

  private loggedIn(connection: Link, auth: AuthResponse): AuthResponse {
    this.token = auth.sessionToken
    if (connection instanceof HttpLink) {
      connection.setSession({ userId: this.options.userId, sessionToken: auth.sessionToken, deviceId: this.deviceId })
    }
    return auth
  }

  private async syncPages(): Promise<void> {
    let more = true
    while (more) {
      const connection = this.connection
      if (connection === undefined) return
      const page = await connection.request(Command.SYNC, Codecs.SyncRequest, Codecs.SyncResponse, {
        cursor: this.cursorValue,
        limit: 0
      })
      more = this.applyPage(page)
    }
  }

  /** Applies a page of the log (sync or poll); answers whether more is waiting. */
  private applyPage(page: SyncResponse): boolean {
    if (this.epochValue !== undefined && page.epoch !== this.epochValue) {
      this.epochValue = page.epoch
      this.cursorValue = 0
      this.emit("reset", page.epoch)
      return true
    }
    for (const change of page.changes) this.apply(change)
    return page.more
  }

  /**
   * The push path of the HTTP-only link: one long poll after another, from the cursor. A poll
   * that cannot get through ends the link (HttpLink), and the client looks for a way in again.
   */
  private async pollLoop(link: HttpLink): Promise<void> {
    const timeoutMs = this.options.pollTimeoutMs ?? 25_000
    while (link === this.connection && !link.isClosed) {
      try {
        const page = await link.request(Command.POLL, PollRequest, Codecs.SyncResponse, {
          cursor: this.cursorValue,
          limit: 0,
          timeoutMs
        }, timeoutMs + 10_000)
        if (link !== this.connection) return
        this.applyPage(page)
      } catch (error) {
        if (link !== this.connection || error instanceof DisconnectedError) return
        this.emit("error", error as Error)
        if (!isRetryable(error as Error)) return link.destroy()
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
  }

  private apply(change: Change): void {
    if (change.seq <= this.cursorValue) return
    this.cursorValue = change.seq
    this.emit("change", change)
    if (change.message) this.emit("message", change.message, change.seq)
  }

  private onPush(connection: Link, frame: Frame): void {
    if (frame.command === Command.ERROR) {
      const error = Codecs.ErrorFrame.decode(frame.body)
      this.emit("error", new WeftRequestError(error.code, error.message))
      return
    }
    if (frame.command === Command.KICKED) {
      const kicked = Codecs.Kicked.decode(frame.body)
      this.close()
      this.emit("kicked", kicked)
      return
    }
    if (frame.command !== Command.PUSH) {
      this.emit("unsolicited", frame.command, frame.body)
      return
    }
    if (connection !== this.connection) return
    const push = Codecs.Push.decode(frame.body)
    const epochChanged = push.epoch !== "" && push.epoch !== this.epochValue
    if (epochChanged || push.change.seq > this.cursorValue + 1 || this.syncing !== undefined) {
      // A gap (or a sync already running): pull instead of trusting the push order.
      this.sync().catch((error) => this.emit("error", error))
      return
    }
    this.apply(push.change)
  }

  private onDisconnect(connection: Link): void {
    if (connection !== this.connection) return
    this.connection = undefined
    this.stopTimers()
    if (this.stateValue === "closed") return
    this.setState("offline")
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (this.stateValue === "closed" || this.options.reconnect === false || this.reconnectTimer !== undefined) {
      if (this.options.reconnect === false && this.stateValue !== "closed") this.setState("offline")
      return
    }
    this.setState("offline")
    const schedule: BackoffSchedule = { ...defaultBackoff, maxMs: this.options.maxBackoffMs ?? defaultBackoff.maxMs }
    const delay = reconnectDelay(this.attempt++, schedule)
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      void this.establish()
    }, delay)
  }

  /**
   * Pings after each interval of the adaptive schedule; a ping with no pong in time means the
   * connection is half-open: the schedule backs off, and the client drops it and reconnects.
   */
  private startHeartbeat(connection: FrameConnection, auth: AuthResponse): void {
    const network = this.options.network ?? "default"
    const fixed = this.options.heartbeatMs
    const schedule: HeartbeatSchedule = this.options.heartbeat ??
      (fixed !== undefined
        ? { minMs: fixed, maxMs: fixed }
        : { minMs: auth.heartbeatMinSeconds * 1000, maxMs: auth.heartbeatMaxSeconds * 1000 })
    const pacer = this.pacer?.schedule === schedule
      ? this.pacer
      : new AdaptiveHeartbeat(schedule, fixed === undefined ? this.router.heartbeat(network) : undefined)
    this.pacer = pacer
    this.stopPinging?.()
    this.stopPinging = pingOnSchedule(
      pacer,
      (timeoutMs) => connection.request(Command.PING, Codecs.PingRequest, Codecs.PongResponse, {}, timeoutMs),
      (beat) => {
        if (this.stateValue === "closed") return
        this.router.rememberHeartbeat(network, pacer.learned)
        this.emit("heartbeat", beat)
        // No pong: the connection is presumed half-open (the timed-out ping has dropped it already).
        if (!beat.ok) connection.destroy()
      }
    )
  }

  /** Reports the race measurements once the client has been idle for a while. */
  private scheduleReport(): void {
    if (this.reportTimer !== undefined) clearTimeout(this.reportTimer)
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined
      const connection = this.connection
      if (connection === undefined || !this.router.hasMeasurements) return
      if (this.outbox.size > 0 || this.syncing !== undefined) return this.scheduleReport()
      const times = this.router.takeReport()
      connection
        .request(Command.REPORT_CONNECT_TIMES, RouteCodecs.ReportConnectTimesRequest, RouteCodecs.ReportConnectTimesResponse, { times })
        .catch(() => {})
    }, this.options.reportAfterIdleMs ?? 10_000)
  }

  private stopTimers(): void {
    this.stopPinging?.()
    this.stopPinging = undefined
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
    if (this.reportTimer !== undefined) clearTimeout(this.reportTimer)
    this.reportTimer = undefined
    if (this.upgradeTimer !== undefined) clearTimeout(this.upgradeTimer)
    this.upgradeTimer = undefined
  }

  private setState(state: ClientState): void {
    if (this.stateValue === state) return
    if (this.stateValue === "closed") return
    this.stateValue = state
    this.emit("state", state)
  }

  private emit<K extends keyof ClientEvents>(event: K, ...args: Parameters<ClientEvents[K]>): void {
    for (const listener of this.listeners[event]) (listener as (...a: Parameters<ClientEvents[K]>) => void)(...args)
  }
}

/** Failures that reconnecting cannot fix: the credentials are wrong. */
const isFatal = (error: Error) =>
  error instanceof WeftRequestError &&
  (error.code === Status.WRONG_CREDENTIALS || error.code === Status.INVALID_TOKEN || error.code === Status.INVALID_USER_ID)
