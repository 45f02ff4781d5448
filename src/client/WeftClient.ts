/**
 * The weft client SDK (Node): one logged-in user on one connection that keeps itself alive.
 * It finds its way in by racing the endpoints it knows (TCP, then WebSocket, then HTTP with long
 * polling; see Routing.ts) and logs in in one round trip that also brings the changes it missed
 * and, if it changed, the route list (a reconnect with a session token resumes inside the race
 * itself). It applies pushed changes in sequence order, syncs when it sees a gap, and resends
 * messages whose acknowledgement it never saw (same client message id, so the server stores them
 * once) — whichever transport it ends up on. It learns the round-trip time: a request unanswered
 * for longer than the round trips allow gets the link probed, and a dead link is dropped in a few
 * round trips (RttEstimator.ts). On long connections it pings on an adaptive schedule (Heartbeat.ts).
 */
import { randomBytes, randomUUID } from "node:crypto"
import { Command } from "../protocol/Command.ts"
import type { Frame } from "../protocol/Frame.ts"
import { type AuthResponse, type Codec, codec, Codecs, type SendMessageResponse } from "../protocol/Proto.ts"
import { GroupCodecs } from "../protocol/groups.ts"
import { RouteCodecs, type TransportName } from "../protocol/routes.ts"
import { Status } from "../protocol/Status.ts"
import type { ClientEvents, ClientOptions, ClientState, OutgoingMessage } from "./ClientOptions.ts"
import { ClientSession, type Opened, type SessionCodecs } from "./core/ClientSession.ts"
import { commandName, exchange } from "./core/Wire.ts"
import { type ClientTls, DisconnectedError, WeftRequestError } from "./FrameConnection.ts"
import type { LearnedHeartbeat } from "./Heartbeat.ts"
import { HttpLink } from "./HttpLink.ts"
import { type Link, openLink } from "./Links.ts"
import { Router } from "./Router.ts"
import type { Endpoint } from "./RouteStore.ts"

export { DisconnectedError, WeftRequestError }
export type { ClientEvents, ClientOptions, ClientState, Endpoint, OutgoingMessage }
export type { HeartbeatEvent } from "./Heartbeat.ts"

type Answered = { readonly base?: { readonly code: number; readonly message: string } | null }

/** The codecs of the client core, from proto/ as compiled for Node. */
const codecs: SessionCodecs = {
  AuthRequest: Codecs.AuthRequest,
  AuthResponse: Codecs.AuthResponse,
  SyncRequest: Codecs.SyncRequest,
  SyncResponse: Codecs.SyncResponse,
  PollRequest: codec("PollRequest"),
  SendMessageRequest: Codecs.SendMessageRequest,
  SendMessageResponse: Codecs.SendMessageResponse,
  PingRequest: Codecs.PingRequest,
  PongResponse: Codecs.PongResponse,
  SyncGroupRequest: GroupCodecs.SyncGroupRequest,
  SyncGroupResponse: GroupCodecs.SyncGroupResponse,
  Push: Codecs.Push,
  Kicked: Codecs.Kicked,
  ErrorFrame: Codecs.ErrorFrame,
  Change: Codecs.Change
}

/** An endpoint's attempt in the race: the link, the login if the attempt resumed on it, the endpoint. */
interface Attempt extends Opened<Link> {
  readonly endpoint: Endpoint
  close(): void
}

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
  displayName = "",
  /** Several data centres: the IDC to be the user's home (docs/multi-idc.md); "" for the one reached. */
  homeIdc = ""
): Promise<void> => {
  const connection = await openLink({ host: options.host, port: options.port, transport: options.transport ?? "tcp" }, {
    onPush: () => {},
    onClose: () => {},
    tls: options.tls
  })
  try {
    await connection.exchange(exchange(Command.REGISTER, Codecs.RegisterRequest, Codecs.RegisterResponse), {
      userId,
      password,
      displayName,
      homeIdc
    })
  } finally {
    connection.close()
  }
}

export class WeftClient extends ClientSession<Link, Attempt, ClientEvents> {
  private readonly router: Router
  private endpointInUse: Endpoint | undefined
  private reportTimer: ReturnType<typeof setTimeout> | undefined
  private network: string

  constructor(private readonly options: ClientOptions) {
    super(options, options.deviceId ?? randomUUID(), { platform: 0, name: "" })
    this.router = new Router(options)
    this.network = options.network ?? "default"
    // A device the app names keeps its connection id in the route store: after a restart, the
    // connection the last run left open is closed at the first login.
    if (options.deviceId !== undefined) this.login.lastConnectionId = this.router.connectionOf(this.deviceKey)
  }

  /** The endpoint of the current connection (undefined while offline). */
  get endpoint(): Endpoint | undefined {
    return this.link === undefined ? undefined : this.endpointInUse
  }

  /** The current heartbeat interval of the long connection, as learned so far. */
  get heartbeatIntervalMs(): number | undefined {
    return this.pacer?.intervalMs
  }

  private get deviceKey(): string {
    return `${this.options.userId} ${this.deviceId}`
  }

  /**
   * Tells the client the device's network changed (the app got an OS network event: Wi-Fi to
   * cellular, back online, ...): the current connection is given up and a new one raced at once,
   * without waiting for a timeout or a backoff. `network` names the new network for the learned
   * heartbeat (see ClientOptions.network).
   */
  override networkChanged(network?: string): void {
    if (network !== undefined) this.network = network
    super.networkChanged()
  }

  /**
   * Sends any command and resolves with its response; rejects with WeftRequestError on a
   * non-zero status, DisconnectedError when offline. The building block of the feature
   * helpers in client/ (contacts, groups, ...).
   */
  call<Req, Res extends Answered>(
    command: number,
    requestCodec: Codec<Req>,
    responseCodec: Codec<Res>,
    request: Req
  ): Promise<Res>
  /** An application's command (its spec from the app's protos: weft/server's `command`). */
  call<Req, Res extends Answered>(
    spec: { readonly id: number; readonly name: string; readonly request: Codec<Req>; readonly response: Codec<Res> },
    request: Req
  ): Promise<Res>
  call<Req, Res extends Answered>(
    command: number | { readonly id: number; readonly name: string; readonly request: Codec<Req>; readonly response: Codec<Res> },
    requestCodecOrRequest: Codec<Req> | Req,
    responseCodec?: Codec<Res>,
    request?: Req
  ): Promise<Res> {
    if (typeof command !== "number") return this.request(command, requestCodecOrRequest as Req)
    const name = commandName(command) ?? ""
    return this.request({ id: command, name, request: requestCodecOrRequest as Codec<Req>, response: responseCodec! }, request as Req)
  }

  /** The server's route list, best first (also remembered for the next connects). */
  async routes(): Promise<ReadonlyArray<Endpoint>> {
    const response = await this.call(Command.ROUTE_LIST, RouteCodecs.RouteListRequest, RouteCodecs.RouteListResponse, {})
    return this.router.learn(response.endpoints, response.routeListVersion ?? 0)
  }

  protected get codecs(): SessionCodecs {
    return codecs
  }

  protected override get routeListVersion(): number {
    return this.router.routeListVersion
  }

  protected open(): Promise<Attempt> {
    const only = this.options.transport === undefined ? undefined : [this.options.transport]
    return this.race(only)
  }

  /** After a win of HTTP, the first try of TCP and WebSocket again; doubles while they fail. */
  protected openLong(): Promise<Attempt> | undefined {
    return this.options.transport === undefined ? this.race(["tcp", "ws"]) : undefined
  }

  protected get upgradeDelays() {
    return { firstMs: this.options.upgradeAfterMs ?? 1_000, maxMs: 5 * 60_000 }
  }

  protected override relocate(home: ReadonlyArray<Endpoint>): boolean {
    return this.router.relocate(home)
  }

  protected override forgetHome(): boolean {
    return this.router.forgetHome()
  }

  protected wentOnline(link: Link, attempt: Attempt, auth: AuthResponse): void {
    this.endpointInUse = attempt.endpoint
    this.router.worked(attempt.endpoint)
    if (link.transport !== "http" && this.options.deviceId !== undefined) {
      this.router.rememberConnection(this.deviceKey, this.login.lastConnectionId)
    }
    const version = auth.routeListVersion ?? 0
    if (version === 0) {
      // A server that sends no route list with the login: ask for it, off the critical path.
      this.routes().catch(() => {})
    } else if (version !== this.router.routeListVersion) {
      this.router.learn(auth.endpoints ?? [], version)
    }
    this.emit("connected", attempt.endpoint)
  }

  protected override learnedHeartbeat(): LearnedHeartbeat | undefined {
    return this.router.heartbeat(this.network)
  }

  protected override rememberHeartbeat(learned: LearnedHeartbeat): void {
    this.router.rememberHeartbeat(this.network, learned)
  }

  /** 96 random bits in 16 characters, as the core's randomId, from node:crypto (Web Crypto loads lazily, ~0.5 ms at the first send). */
  protected override newClientMsgId(): string {
    return randomBytes(12).toString("base64url")
  }

  protected override settled(): void {
    this.scheduleReport()
  }

  protected override stopTimers(): void {
    super.stopTimers()
    clearTimeout(this.reportTimer)
    this.reportTimer = undefined
  }

  private async race(transports: ReadonlyArray<TransportName> | undefined): Promise<Attempt> {
    const won = await this.router.race((endpoint) => this.attemptEndpoint(endpoint), transports, this.rtt.srttMs)
    return won.link
  }

  /**
   * Opens a link to one endpoint and completes the round trip the race times. With a session
   * token that round trip is the resume itself (idempotent, so a race of several is harmless:
   * the losers are closed): the winner is logged in and caught up as it wins. Without one, a
   * long connection's handshake is the round trip and the password login follows on the winner
   * alone (a race of password logins would issue a session per attempt); HTTP, which has no
   * handshake of its own, asks for the route list.
   */
  private async attemptEndpoint(endpoint: Endpoint): Promise<Attempt> {
    const handlers = {
      requestTimeoutMs: this.options.requestTimeoutMs,
      rtt: this.rtt,
      onPush: (frame: Frame) => this.pushed(link, frame),
      onClose: () => this.lost(link),
      tls: this.options.tls
    }
    // (The handshake is not sampled: a proxy or middlebox near the client completes it at once.)
    const link: Link = await openLink(endpoint, handlers, this.options.webSocket)
    this.opening(link)
    const close = () => link.close()
    // HTTP cannot probe beside a request: its round trip in the race gets the three learned
    // timeouts a long connection's probe takes to call a link dead, not the request ceiling.
    const deadlineMs = link instanceof HttpLink ? Math.min(3 * this.rtt.timeoutMs, this.rtt.bounds.ceilingMs) : undefined
    try {
      if (this.sessionToken === undefined && link instanceof HttpLink) {
        const routes = await link.exchange(exchange(Command.ROUTE_LIST, RouteCodecs.RouteListRequest, RouteCodecs.RouteListResponse), {}, deadlineMs)
        this.router.learn(routes.endpoints, routes.routeListVersion ?? 0)
      }
      return { ...(await this.login.resumeOn(link, deadlineMs)), endpoint, close }
    } catch (error) {
      // The server answered: the way in works, whatever it said.
      if (error instanceof WeftRequestError) {
        return { link, endpoint, close, refused: error.code === Status.UNKNOWN_COMMAND ? undefined : error }
      }
      link.close()
      throw error
    }
  }

  /** Reports the race measurements once the client has been idle for a while. */
  private scheduleReport(): void {
    clearTimeout(this.reportTimer)
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined
      if (this.link === undefined || !this.router.hasMeasurements) return
      if (this.busy) return this.scheduleReport()
      const times = this.router.takeReport()
      this.call(Command.REPORT_CONNECT_TIMES, RouteCodecs.ReportConnectTimesRequest, RouteCodecs.ReportConnectTimesResponse, { times })
        .catch(() => {})
    }, this.options.reportAfterIdleMs ?? 10_000)
  }
}
