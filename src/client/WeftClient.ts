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
import {
  type AuthResponse,
  type Change,
  type Codec,
  codec,
  Codecs,
  type Kicked,
  type Message,
  type SendMessageResponse,
  type SyncResponse
} from "../protocol/Proto.ts"
import type { Media } from "../protocol/messages.ts"
import { MAX_REPORTED_TIMES, RouteCodecs, TransportId, type TransportName, transportName } from "../protocol/routes.ts"
import { Status } from "../protocol/Status.ts"
import { type BackoffSchedule, defaultBackoff, reconnectDelay } from "./Backoff.ts"
import { DisconnectedError, FrameConnection, type FrameConnectionOptions, WeftRequestError } from "./FrameConnection.ts"
import { AdaptiveHeartbeat, type HeartbeatSchedule } from "./Heartbeat.ts"
import { HttpLink } from "./HttpLink.ts"
import { type Endpoint, memoryRouteStore, type RouteState, type RouteStore } from "./RouteStore.ts"
import { type Measurement, planWaves, raceEndpoints } from "./Routing.ts"

export { DisconnectedError, WeftRequestError }
export type { Endpoint }

/** A long connection (TCP or WebSocket) or the HTTP-only link: the same requests on each. */
type Link = FrameConnection | HttpLink

/** Opens a link of the endpoint's transport (no request sent yet). */
const openLink = async (
  endpoint: Endpoint,
  handlers: Omit<FrameConnectionOptions, "host" | "port">,
  webSocket?: typeof WebSocket
): Promise<Link> => {
  if (endpoint.transport === "tcp") return FrameConnection.open({ host: endpoint.host, port: endpoint.port, ...handlers })
  if (endpoint.transport === "ws") {
    const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host
    return FrameConnection.openWebSocket(`ws://${host}:${endpoint.port}/ws`, handlers, webSocket)
  }
  return new HttpLink({ host: endpoint.host, port: endpoint.port, ...handlers })
}

const PollRequest = codec<{ readonly cursor: number; readonly limit: number; readonly timeoutMs: number }>("PollRequest")

export interface ClientOptions {
  /** The gateway's TCP long-connection address (tried first when no endpoint worked before). */
  readonly host?: string | undefined
  readonly port?: number | undefined
  /** The gateway's HTTP port on `host`: WebSocket (GET /ws) and HTTP (POST /cgi-bin/...) endpoints. */
  readonly httpPort?: number | undefined
  /**
   * More TCP gateways to use when one stops answering (raced with the other TCP endpoints).
   */
  readonly fallbacks?: ReadonlyArray<{ readonly host: string; readonly port: number }> | undefined
  /** Endpoints of any transport, besides host/port; the route list the server hands out is added. */
  readonly endpoints?: ReadonlyArray<Endpoint> | undefined
  /** Use only this transport (default: TCP, then WebSocket, then HTTP, as they get through). */
  readonly transport?: TransportName | undefined
  /** Where the last working endpoint, the route list and learned heartbeats are kept between runs. */
  readonly routeStore?: RouteStore | undefined
  /** The network the device is on (chosen by the app): the learned heartbeat is kept per network. */
  readonly network?: string | undefined
  /** How long a wave of the endpoint race runs before the next transport joins (default 300 ms). */
  readonly raceStaggerMs?: number | undefined
  /** Idle time after which measured connect times are reported to the server (default 10 s). */
  readonly reportAfterIdleMs?: number | undefined
  /** Longest wait of one long poll on HTTP (default 25 s). */
  readonly pollTimeoutMs?: number | undefined
  /** On HTTP, how long before trying TCP and WebSocket again (default 60 s, doubling while they fail). */
  readonly upgradeAfterMs?: number | undefined
  /** WebSocket implementation (default: the platform's). */
  readonly webSocket?: typeof WebSocket | undefined
  readonly userId: string
  readonly password?: string | undefined
  readonly resumeToken?: string | undefined
  readonly deviceId?: string | undefined
  /**
   * Where to resume the log from: the highest sequence already applied (default 0: the whole
   * history), or "head" to skip history and receive only what happens from now on.
   */
  readonly cursor?: number | "head" | undefined
  readonly epoch?: string | undefined
  /** Reconnect after a lost connection (default true), with exponential backoff and jitter. */
  readonly reconnect?: boolean | undefined
  readonly maxBackoffMs?: number | undefined
  /** A fixed heartbeat interval (no adaptation). */
  readonly heartbeatMs?: number | undefined
  /** The adaptive heartbeat's schedule; defaults to the bounds the server advertises at login. */
  readonly heartbeat?: HeartbeatSchedule | undefined
  readonly requestTimeoutMs?: number | undefined
}

/** One heartbeat's outcome: the silence it followed and whether the pong came back. */
export interface HeartbeatEvent {
  readonly intervalMs: number
  readonly ok: boolean
}

export type ClientState = "connecting" | "online" | "offline" | "closed"

export interface ClientEvents {
  /** Every change of the user's log, once, in sequence order. */
  change: (change: Change) => void
  /** A change that is a message (sent or received by this user). */
  message: (message: Message, seq: number) => void
  state: (state: ClientState) => void
  /**
   * The server ended this session (logout, or a newer login under the login policy). The
   * client closes for good: reconnecting would need a new login.
   */
  kicked: (kicked: Kicked) => void
  /** A frame the server sent unasked that this client does not handle itself. */
  unsolicited: (command: number, body: Uint8Array) => void
  /** The server's log epoch changed: history was lost; the cursor restarted from 0. */
  reset: (epoch: string) => void
  error: (error: Error) => void
  /** Logged in through this endpoint (after each connect). */
  connected: (endpoint: Endpoint) => void
  heartbeat: (beat: HeartbeatEvent) => void
}

/** A message to send: 1:1 (`to`) or to a group (`groupId`), text or media (see sync.proto). */
export interface OutgoingMessage {
  readonly to?: string | undefined
  readonly groupId?: string | undefined
  /** weft.v1.MessageType (MessageType in protocol/messages.ts); TEXT by default. */
  readonly type?: number | undefined
  /** The text, or the caption of a media message. */
  readonly text?: string | undefined
  /** Required for IMAGE, VOICE, VIDEO and FILE messages. */
  readonly media?: Media | null | undefined
}

interface Outgoing {
  readonly message: OutgoingMessage
  readonly clientMsgId: string
  readonly resolve: (ack: SendMessageResponse) => void
  readonly reject: (error: Error) => void
  inFlight: boolean
  /** The link of the attempt in flight. */
  link?: Link | undefined
}

/** Registers a new account; needs no login. Over TCP unless another transport is given. */
export const register = async (
  options: { readonly host: string; readonly port: number; readonly transport?: TransportName | undefined },
  userId: string,
  password: string,
  displayName = ""
): Promise<void> => {
  const connection = await openLink({ host: options.host, port: options.port, transport: options.transport ?? "tcp" }, {
    onPush: () => {},
    onClose: () => {}
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
  private readonly outbox: Array<Outgoing> = []
  private cursorValue: number
  private epochValue: string | undefined
  private token: string | undefined
  private stateValue: ClientState = "offline"
  private heartbeat: ReturnType<typeof setTimeout> | undefined
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private reportTimer: ReturnType<typeof setTimeout> | undefined
  private upgradeTimer: ReturnType<typeof setTimeout> | undefined
  private upgradeDelayMs: number
  private attempt = 0
  private syncing: Promise<void> | undefined
  private readonly deviceId: string
  private firstLogin: ((error?: Error) => void) | undefined
  private startAtHead: boolean
  private readonly store: RouteStore
  private routeState: RouteState
  private endpointInUse: Endpoint | undefined
  private measurements: Array<Measurement> = []
  private pacer: AdaptiveHeartbeat | undefined

  constructor(private readonly options: ClientOptions) {
    this.startAtHead = options.cursor === "head"
    this.cursorValue = typeof options.cursor === "number" ? options.cursor : 0
    this.epochValue = options.epoch
    this.token = options.resumeToken
    this.deviceId = options.deviceId ?? randomUUID()
    this.upgradeDelayMs = options.upgradeAfterMs ?? 60_000
    this.store = options.routeStore ?? memoryRouteStore()
    this.routeState = this.store.load() ?? {}
    if (this.configuredEndpoints().length === 0 && (this.routeState.routes ?? []).length === 0) {
      throw new Error("a client needs host and port, or endpoints")
    }
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
    return this.outbox.length
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
    return new Promise((resolve, reject) => {
      const outgoing: Outgoing = { message, clientMsgId, resolve, reject, inFlight: false }
      this.outbox.push(outgoing)
      if (this.stateValue === "online") this.transmit(outgoing)
    })
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
    return this.learnRoutes(response.endpoints)
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
    for (const outgoing of this.outbox.splice(0)) outgoing.reject(new Error("client closed"))
  }

  /** Cuts the connection as a failing network would; the client reconnects by itself. */
  dropConnection(): void {
    this.connection?.destroy()
  }

  private async establish(): Promise<void> {
    this.setState("connecting")
    let link: Link | undefined
    try {
      const won = await this.race(this.options.transport === undefined ? undefined : [this.options.transport])
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
        for (const outgoing of this.outbox.splice(0)) outgoing.reject(failure)
        this.setState(isFatal(failure) ? "closed" : "offline")
        return
      }
      if (link !== undefined && link === this.connection) this.connection = undefined
      link?.destroy()
      this.scheduleReconnect()
    }
  }

  /** Races the known endpoints (of the given transports only, if given); see Routing.ts. */
  private race(transports?: ReadonlyArray<TransportName>): Promise<{ readonly endpoint: Endpoint; readonly link: Link }> {
    const candidates = [...this.configuredEndpoints(), ...(this.routeState.routes ?? [])]
    return raceEndpoints<Link>({
      waves: planWaves(candidates.filter((endpoint) => transports === undefined || transports.includes(endpoint.transport)), {
        lastGood: this.routeState.lastGood ?? this.primaryEndpoint()
      }),
      staggerMs: this.options.raceStaggerMs ?? 300,
      attempt: (endpoint) => this.attemptEndpoint(endpoint),
      close: (loser) => loser.close(),
      measured: (measurement) => {
        this.measurements.push(measurement)
        if (this.measurements.length > MAX_REPORTED_TIMES) this.measurements.shift()
      }
    })
  }

  /**
   * Everything after a login on the client's (new) connection: pushes or polls, heartbeat, the
   * sync from the cursor (always after a switch of link: pushes that came before it were not
   * applied), then the resend of the outbox.
   */
  private async startSession(link: Link, endpoint: Endpoint, auth: AuthResponse, switched: boolean): Promise<void> {
    this.attempt = 0
    this.saveRouteState({ lastGood: stripWeight(endpoint) })
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
    for (const outgoing of this.outbox) if (!outgoing.inFlight) this.transmit(outgoing)
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
      won = await this.race(["tcp", "ws"])
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
      onClose: () => this.onDisconnect(link)
    }
    const link: Link = await openLink(endpoint, handlers, this.options.webSocket)
    try {
      const routes = await link.request(Command.ROUTE_LIST, RouteCodecs.RouteListRequest, RouteCodecs.RouteListResponse, {})
      this.learnRoutes(routes.endpoints)
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

  private transmit(outgoing: Outgoing): void {
    const connection = this.connection
    if (connection === undefined) return
    outgoing.inFlight = true
    outgoing.link = connection
    connection
      .request(Command.SEND_MESSAGE, Codecs.SendMessageRequest, Codecs.SendMessageResponse, {
        to: outgoing.message.to ?? "",
        groupId: outgoing.message.groupId ?? "",
        type: outgoing.message.type ?? 0,
        text: outgoing.message.text ?? "",
        clientMsgId: outgoing.clientMsgId,
        media: outgoing.message.media ?? null
      })
      .then(
        (ack) => {
          this.removeOutgoing(outgoing)
          outgoing.resolve(ack)
        },
        (error: Error) => {
          // A later attempt on another link owns this message now.
          if (outgoing.link !== connection) return
          outgoing.inFlight = false
          outgoing.link = undefined
          // Lost or refused for now: kept, and resent after the next login.
          if (error instanceof DisconnectedError || isRetryable(error)) {
            if (isRetryable(error)) setTimeout(() => this.stateValue === "online" && this.transmit(outgoing), 500)
            // Lost with a link the client has since replaced (an upgrade): resend on the new one.
            else if (this.stateValue === "online" && this.connection !== undefined && this.connection !== connection) {
              this.transmit(outgoing)
            }
            return
          }
          this.removeOutgoing(outgoing)
          outgoing.reject(error)
        }
      )
  }

  private removeOutgoing(outgoing: Outgoing): void {
    const index = this.outbox.indexOf(outgoing)
    if (index >= 0) this.outbox.splice(index, 1)
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

  /** The endpoints given in the options, before any route list. */
  private configuredEndpoints(): ReadonlyArray<Endpoint> {
    const { host, port, httpPort } = this.options
    const configured: Array<Endpoint> = []
    if (host !== undefined && port !== undefined) configured.push({ host, port, transport: "tcp" })
    for (const fallback of this.options.fallbacks ?? []) configured.push({ ...fallback, transport: "tcp" })
    if (host !== undefined && httpPort !== undefined) {
      configured.push({ host, port: httpPort, transport: "ws" }, { host, port: httpPort, transport: "http" })
    }
    configured.push(...(this.options.endpoints ?? []))
    return configured
  }

  /** host/port, tried before the others when no endpoint has worked yet. */
  private primaryEndpoint(): Endpoint | undefined {
    const { host, port } = this.options
    return host === undefined || port === undefined ? undefined : { host, port, transport: "tcp" }
  }

  private learnRoutes(wire: ReadonlyArray<{ address: string; port: number; transport: number; weight: number }>) {
    const routes: Array<Endpoint> = []
    for (const endpoint of wire) {
      const transport = transportName(endpoint.transport)
      if (transport !== undefined) routes.push({ host: endpoint.address, port: endpoint.port, transport, weight: endpoint.weight })
    }
    this.saveRouteState({ routes })
    return routes
  }

  private saveRouteState(change: Partial<RouteState>): void {
    this.routeState = { ...this.routeState, ...change }
    this.store.save(this.routeState)
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
      : new AdaptiveHeartbeat(schedule, fixed === undefined ? this.routeState.heartbeats?.[network] : undefined)
    this.pacer = pacer
    const remember = () => this.saveRouteState({ heartbeats: { ...this.routeState.heartbeats, [network]: pacer.learned } })
    const beat = () => {
      const intervalMs = pacer.intervalMs
      this.heartbeat = setTimeout(() => {
        connection.request(Command.PING, Codecs.PingRequest, Codecs.PongResponse, {}, pacer.pongTimeoutMs).then(
          () => {
            if (connection !== this.connection) return
            pacer.succeeded()
            remember()
            this.emit("heartbeat", { intervalMs, ok: true })
            beat()
          },
          () => {
            // The timed-out ping has already dropped the connection; only closing the client is no failure.
            if (this.stateValue === "closed") return
            pacer.failed()
            remember()
            this.emit("heartbeat", { intervalMs, ok: false })
            connection.destroy()
          }
        )
      }, intervalMs)
    }
    if (this.heartbeat !== undefined) clearTimeout(this.heartbeat)
    beat()
  }

  /** Reports the race measurements once the client has been idle for a while. */
  private scheduleReport(): void {
    if (this.reportTimer !== undefined) clearTimeout(this.reportTimer)
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined
      const connection = this.connection
      if (connection === undefined || this.measurements.length === 0) return
      if (this.outbox.length > 0 || this.syncing !== undefined) return this.scheduleReport()
      const times = this.measurements.splice(0).map(({ endpoint, connectMs, failed }) => ({
        address: endpoint.host,
        port: endpoint.port,
        transport: TransportId[endpoint.transport],
        connectMs: Math.min(connectMs, 120_000),
        failed
      }))
      connection
        .request(Command.REPORT_CONNECT_TIMES, RouteCodecs.ReportConnectTimesRequest, RouteCodecs.ReportConnectTimesResponse, { times })
        .catch(() => {})
    }, this.options.reportAfterIdleMs ?? 10_000)
  }

  private stopTimers(): void {
    if (this.heartbeat !== undefined) clearTimeout(this.heartbeat)
    this.heartbeat = undefined
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

const stripWeight = ({ host, port, transport }: Endpoint): Endpoint => ({ host, port, transport })

const isRetryable = (error: Error) =>
  error instanceof WeftRequestError && (error.code === Status.UNAVAILABLE || error.code === Status.INTERNAL)

/** Failures that reconnecting cannot fix: the credentials are wrong. */
const isFatal = (error: Error) =>
  error instanceof WeftRequestError &&
  (error.code === Status.WRONG_CREDENTIALS || error.code === Status.INVALID_TOKEN || error.code === Status.INVALID_USER_ID)
