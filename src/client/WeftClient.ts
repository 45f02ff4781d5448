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
import {
  type AuthRequest,
  type AuthResponse,
  type Change,
  type Codec,
  codec,
  Codecs,
  type SendMessageResponse,
  type SyncResponse
} from "../protocol/Proto.ts"
import { GroupCodecs } from "../protocol/groups.ts"
import { RouteCodecs, type TransportName } from "../protocol/routes.ts"
import { Status } from "../protocol/Status.ts"
import { type BackoffSchedule, defaultBackoff, reconnectDelay } from "./Backoff.ts"
import type { ClientEvents, ClientOptions, ClientState, OutgoingMessage } from "./ClientOptions.ts"
import { isSilence } from "./errors.ts"
import { type ClientTls, DisconnectedError, type FrameConnection, WeftRequestError } from "./FrameConnection.ts"
import { groupEmitting, GroupCursors, readingGroups } from "./GroupCursors.ts"
import { AdaptiveHeartbeat, type HeartbeatSchedule, pingOnSchedule } from "./Heartbeat.ts"
import { HttpLink, nameCommand } from "./HttpLink.ts"
import { type Link, openLink } from "./Links.ts"
import { LogCursor } from "./LogCursor.ts"
import { isRetryable, Outbox } from "./Outbox.ts"
import { Router } from "./Router.ts"
import type { Endpoint } from "./RouteStore.ts"
import { RttEstimator } from "./RttEstimator.ts"

export { DisconnectedError, WeftRequestError }
export type { ClientEvents, ClientOptions, ClientState, Endpoint, OutgoingMessage }
export type { HeartbeatEvent } from "./Heartbeat.ts"

type Answered = { readonly base?: { readonly code: number; readonly message: string } | null }

const PollRequest = codec<{ readonly cursor: number; readonly limit: number; readonly timeoutMs: number }>("PollRequest")

/** Pushes kept for a link whose login has not completed yet (more: a gap, and a sync). */
const MAX_EARLY_PUSHES = 1000

/** An endpoint's attempt in the race: the link, and the login if the attempt resumed on it. */
interface Attempt {
  readonly link: Link
  readonly auth: AuthResponse | undefined
  /** The server refused the resume for a reason other than the token (RATE_LIMITED, ...). */
  readonly refused: Error | undefined
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
    appEvent: new Set(),
    state: new Set(),
    reset: new Set(),
    error: new Set(),
    kicked: new Set(),
    unsolicited: new Set(),
    connected: new Set(),
    heartbeat: new Set(),
    groupChange: new Set()
  }
  private readonly outbox = new Outbox(
    () => (this.stateValue === "online" ? this.connection : undefined),
    (message, clientMsgId, ack) => this.acknowledged(message, clientMsgId, ack)
  )
  private readonly log: LogCursor
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
  private readonly router: Router
  private endpointInUse: Endpoint | undefined
  private pacer: AdaptiveHeartbeat | undefined
  private readonly rtt: RttEstimator
  /** Pushes that came on a link before its login completed, applied after the login's page. */
  private readonly early = new Map<Link, Array<Frame>>()
  /** The server's id of the last long connection: named as replaced at the next login. */
  private lastConnectionId = 0
  /** Each long link's id on its gateway, and the ids this client named as replaced. */
  private readonly connectionIds = new WeakMap<Link, number>()
  private readonly replacedIds = new Set<number>()
  private establishing = 0
  private network: string
  private readonly groupLogs: GroupCursors

  constructor(private readonly options: ClientOptions) {
    this.groupLogs = new GroupCursors(
      options.groupCursors,
      options.userId,
      (groupId, cursor) =>
        this.call(Command.SYNC_GROUP, GroupCodecs.SyncGroupRequest, GroupCodecs.SyncGroupResponse, { groupId, cursor, limit: 0 }),
      groupEmitting(this.emit.bind(this))
    )
    this.log = new LogCursor(options.cursor, options.epoch, readingGroups(this.emit.bind(this), this.groupLogs))
    this.token = options.resumeToken
    this.deviceId = options.deviceId ?? randomUUID()
    this.upgradeDelayMs = options.upgradeAfterMs ?? DEFAULT_UPGRADE_MS
    this.router = new Router(options)
    this.network = options.network ?? "default"
    // A device the app names keeps its connection id in the route store: after a restart, the
    // connection the last run left open is closed at the first login.
    if (options.deviceId !== undefined) this.lastConnectionId = this.router.connectionOf(this.deviceKey)
    this.rtt = new RttEstimator({
      floorMs: options.minRequestTimeoutMs ?? 1000,
      ceilingMs: options.requestTimeoutMs ?? 15_000
    })
  }

  on<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): () => void {
    this.listeners[event].add(listener)
    return () => this.listeners[event].delete(listener)
  }

  /** The highest sequence applied. Persist it (with `epoch`) to resume on the next start. */
  get cursor(): number {
    return this.log.cursor
  }

  get epoch(): string | undefined {
    return this.log.epoch
  }

  /** Read-diffusion groups: the cursor of each group's log; persist it with `cursor`. */
  get groupCursors(): Record<string, number> {
    return this.groupLogs.snapshot
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

  private get deviceKey(): string {
    return `${this.options.userId} ${this.deviceId}`
  }

  /** The smoothed round-trip time measured so far (undefined before the first answer). */
  get rttMs(): number | undefined {
    return this.rtt.srttMs
  }

  /** How long a request may go unanswered before the link is probed: learned from the round trips. */
  get requestTimeoutMs(): number {
    return this.rtt.timeoutMs
  }

  /**
   * Tells the client the device's network changed (the app got an OS network event: Wi-Fi to
   * cellular, back online, ...): the current connection is given up and a new one raced at once,
   * without waiting for a timeout or a backoff. `network` names the new network for the learned
   * heartbeat (see ClientOptions.network).
   */
  networkChanged(network?: string): void {
    if (network !== undefined) this.network = network
    if (this.stateValue === "closed") return
    this.attempt = 0
    if (this.reconnectTimer !== undefined) {
      clearTimeout(this.reconnectTimer)
      this.reconnectTimer = undefined
      void this.establish()
      return
    }
    // Connecting: the race under way is the reconnect. Online: drop the link, which reconnects.
    this.connection?.destroy()
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
  send(to: string, text: string, clientMsgId: string = newClientMsgId()): Promise<SendMessageResponse> {
    return this.sendMessage({ to, text }, clientMsgId)
  }

  /**
   * Sends any message — 1:1 or to a group, text or media — through the outbox: resolves once
   * the server stored it; kept and resent with the same client message id after a reconnect.
   */
  sendMessage(message: OutgoingMessage, clientMsgId: string = newClientMsgId()): Promise<SendMessageResponse> {
    if (this.stateValue === "closed") return Promise.reject(new Error("client is closed"))
    return this.outbox.add(message, clientMsgId)
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
    const connection = this.connection
    if (connection === undefined || this.stateValue !== "online") return Promise.reject(new DisconnectedError("offline"))
    if (typeof command === "number") {
      return connection.request(command, requestCodecOrRequest as Codec<Req>, responseCodec!, request as Req)
    }
    // The short connection sends a command by its name.
    if ("name" in command && typeof command.name === "string") nameCommand(command.id, command.name)
    return connection.request(command.id, command.request, command.response, requestCodecOrRequest as Req)
  }

  /** The server's route list, best first (also remembered for the next connects). */
  async routes(): Promise<ReadonlyArray<Endpoint>> {
    const response = await this.call(Command.ROUTE_LIST, RouteCodecs.RouteListRequest, RouteCodecs.RouteListResponse, {})
    return this.router.learn(response.endpoints, response.routeListVersion ?? 0)
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
    // A link that dies while this one is still syncing starts the next establish: from then on,
    // this one's failure is no reason to schedule yet another (two would name each other's
    // connection as replaced).
    const generation = ++this.establishing
    this.setState("connecting")
    let link: Link | undefined
    try {
      const won = await this.router.race(
        (endpoint) => this.attemptEndpoint(endpoint),
        this.options.transport === undefined ? undefined : [this.options.transport],
        this.rtt.srttMs
      )
      link = won.link.link
      if (this.stateValue === "closed") return link.close()
      this.connection = link
      this.endpointInUse = won.endpoint
      if (won.link.refused !== undefined) throw won.link.refused
      const auth = won.link.auth ?? (await this.login(link))
      await this.startSession(link, won.endpoint, auth, false)
      this.firstLogin?.()
      this.firstLogin = undefined
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error))
      // A server that says "try again" (UNAVAILABLE: the user's actors are between runners) is
      // tried again, the first login too; anything else fails the first connect().
      const unavailable = failure instanceof WeftRequestError && failure.code === Status.UNAVAILABLE
      if ((this.firstLogin !== undefined && !unavailable) || isFatal(failure)) {
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
      if (generation === this.establishing) this.scheduleReconnect(isSilence(failure))
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
    if (!(link instanceof HttpLink)) {
      this.lastConnectionId = auth.connectionId ?? 0
      if (this.options.deviceId !== undefined) this.router.rememberConnection(this.deviceKey, this.lastConnectionId)
    }
    const version = auth.routeListVersion ?? 0
    if (version === 0) {
      // A server that sends no route list with the login: ask for it, off the critical path.
      this.routes().catch(() => {})
    } else if (version !== this.router.routeListVersion) {
      this.router.learn(auth.endpoints ?? [], version)
    }
    if (link instanceof HttpLink) {
      void this.pollLoop(link)
    } else {
      this.startHeartbeat(link, auth)
    }
    this.setState("online")
    this.emit("connected", endpoint)
    // The login's page was read after the connection registered for pushes: with it and the
    // pushes that came meanwhile, nothing is missing unless the page says more. Without a page,
    // a switch of link syncs (pushes that came before it were not applied).
    const withPage = auth.sync !== undefined && auth.sync !== null
    const behind = this.log.loggedIn(auth) || (switched && !withPage)
    const early = this.early.get(link) ?? []
    this.early.delete(link)
    for (const frame of early) this.onPush(link, frame)
    if (behind) await this.sync()
    void this.groupLogs.resume()
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
    let won: { readonly endpoint: Endpoint; readonly link: Attempt } | undefined
    try {
      won = await this.router.race((endpoint) => this.attemptEndpoint(endpoint), ["tcp", "ws"], this.rtt.srttMs)
      if (won.link.refused !== undefined) throw won.link.refused
      const auth = won.link.auth ?? (await this.login(won.link.link))
      if (this.connection !== current || this.stateValue !== "online") return won.link.close()
      this.connection = won.link.link
      this.endpointInUse = won.endpoint
      this.upgradeDelayMs = this.options.upgradeAfterMs ?? DEFAULT_UPGRADE_MS
      current.close()
      await this.startSession(won.link.link, won.endpoint, auth, true)
    } catch {
      if (won !== undefined && won.link.link !== this.connection) won.link.close()
      this.upgradeDelayMs = Math.min(this.upgradeDelayMs * 2, MAX_UPGRADE_MS)
      this.scheduleUpgrade()
    }
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
      onPush: (frame: Frame) => this.onPush(link, frame),
      onClose: () => {
        this.early.delete(link)
        this.onDisconnect(link)
      },
      tls: this.options.tls
    }
    // (The handshake is not sampled: a proxy or middlebox near the client completes it at once.)
    const link: Link = await openLink(endpoint, handlers, this.options.webSocket)
    this.early.set(link, [])
    const attempt = (auth?: AuthResponse, refused?: Error): Attempt => ({ link, auth, refused, close: () => link.close() })
    // HTTP cannot probe beside a request: its round trip in the race gets the three learned
    // timeouts a long connection's probe takes to call a link dead, not the request ceiling.
    const deadlineMs = link instanceof HttpLink ? Math.min(3 * this.rtt.timeoutMs, this.rtt.bounds.ceilingMs) : undefined
    try {
      if (this.token !== undefined) return attempt(await this.authenticate(link, { resumeToken: this.token }, deadlineMs))
      if (link instanceof HttpLink) {
        const routes = await link.request(Command.ROUTE_LIST, RouteCodecs.RouteListRequest, RouteCodecs.RouteListResponse, {}, deadlineMs)
        this.router.learn(routes.endpoints, routes.routeListVersion ?? 0)
      }
      return attempt()
    } catch (error) {
      // The server answered: the way in works, whatever it said.
      if (error instanceof WeftRequestError) {
        if (error.code === Status.UNKNOWN_COMMAND) return attempt()
        if (error.code === Status.INVALID_TOKEN && this.canLogInAfresh) {
          this.token = undefined
          return attempt()
        }
        return attempt(undefined, error)
      }
      link.close()
      throw error
    }
  }

  /** Logs in on a link that won the race without a login (no token, or the token was refused). */
  private async login(connection: Link): Promise<AuthResponse> {
    if (this.token !== undefined) {
      try {
        return await this.authenticate(connection, { resumeToken: this.token })
      } catch (error) {
        if (!(error instanceof WeftRequestError && error.code === Status.INVALID_TOKEN) || !this.canLogInAfresh) {
          throw error
        }
        this.token = undefined
      }
    }
    return this.authenticate(connection, await this.freshCredential())
  }

  /** A password or an app token: what logs in when there is no session to resume. */
  private get canLogInAfresh(): boolean {
    return Boolean(this.options.password || this.options.appToken)
  }

  /** The app token (fetched anew when it comes from a function), else the password. */
  private async freshCredential(): Promise<{ readonly password?: string; readonly appToken?: string }> {
    const appToken = this.options.appToken
    if (appToken === undefined) return { password: this.options.password }
    return { appToken: typeof appToken === "function" ? await appToken() : appToken }
  }

  /**
   * One AUTH: with the cursor (the answer brings the first page of what was missed), the route
   * list version held (the list comes only if it changed) and the long connection given up on
   * (the server closes it, so its pushes stop).
   */
  private async authenticate(
    connection: Link,
    credential: { readonly password?: string | undefined; readonly resumeToken?: string | undefined; readonly appToken?: string | undefined },
    timeoutMs?: number
  ): Promise<AuthResponse> {
    const request: AuthRequest = {
      userId: this.options.userId,
      ...credential,
      device: { deviceId: this.deviceId, platform: 0, name: "" },
      syncCursor: this.log.resumeFrom,
      syncLimit: 0,
      routeListVersion: this.router.routeListVersion,
      replacesConnectionId: this.lastConnectionId
    }
    if (this.lastConnectionId !== 0) this.replacedIds.add(this.lastConnectionId)
    if (this.replacedIds.size > 64) this.replacedIds.delete(this.replacedIds.values().next().value!)
    const auth = await connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, request, timeoutMs)
    if (auth.connectionId) this.connectionIds.set(connection, auth.connectionId)
    return this.loggedIn(connection, auth)
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
        cursor: this.log.cursor,
        limit: 0
      })
      more = this.log.applyPage(page)
    }
  }

  /**
   * The acknowledgement of the client's own message: applied to the log as its push would have
   * been (the server does not push it to the connection that sent it), or, when that cannot be
   * done now, caught up by a sync.
   */
  private acknowledged(message: OutgoingMessage, clientMsgId: string, ack: SendMessageResponse): void {
    const normalize = (change: Change) => Codecs.Change.decode(Codecs.Change.encode(change))
    if (this.groupLogs.acknowledged(message, clientMsgId, ack, normalize)) return
    const missing = this.log.acknowledged(message, clientMsgId, ack, normalize)
    if (missing === undefined) return
    setTimeout(() => void this.catchUpTo(missing.seq), missing.now ? 0 : this.rtt.timeoutMs).unref()
  }

  /** Syncs if the log is still short of `seq` once the sync under way (if any) is done. */
  private async catchUpTo(seq: number): Promise<void> {
    await this.syncing?.catch(() => {})
    if (this.log.cursor >= seq || this.stateValue !== "online") return
    await this.sync().catch((error: Error) => this.emit("error", error))
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
          cursor: this.log.cursor,
          limit: 0,
          timeoutMs
        }, timeoutMs + 10_000)
        if (link !== this.connection) return
        this.log.applyPage(page)
      } catch (error) {
        if (link !== this.connection || error instanceof DisconnectedError) return
        this.emit("error", error as Error)
        if (!isRetryable(error as Error)) return link.destroy()
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
  }

  private onPush(connection: Link, frame: Frame): void {
    if (connection !== this.connection) {
      // A link still logging in keeps its pushes for after its login's page; the frames of a
      // link given up on (a Kicked when the server closes it for the newer one) go nowhere.
      const early = this.early.get(connection)
      if (early !== undefined && early.length < MAX_EARLY_PUSHES) early.push(frame)
      return
    }
    if (frame.command === Command.ERROR) {
      const error = Codecs.ErrorFrame.decode(frame.body)
      this.emit("error", new WeftRequestError(error.code, error.message))
      return
    }
    if (frame.command === Command.KICKED) {
      // Closed because this client named the connection as replaced: its own doing, not an end
      // of the session. The link goes; the client reconnects if it still needs one.
      if (this.replacedIds.has(this.connectionIds.get(connection) ?? 0)) return connection.destroy()
      const kicked = Codecs.Kicked.decode(frame.body)
      this.close()
      this.emit("kicked", kicked)
      return
    }
    if (frame.command !== Command.PUSH) {
      this.emit("unsolicited", frame.command, frame.body)
      return
    }
    const push = Codecs.Push.decode(frame.body)
    if (push.groupId) return this.groupLogs.pushed(push.groupId, push.change)
    // A gap (or a sync already running): pull instead of trusting the push order.
    if (this.syncing !== undefined || !this.log.applyPush(push)) this.sync().catch((error) => this.emit("error", error))
  }

  private onDisconnect(connection: Link): void {
    if (connection !== this.connection) return
    this.connection = undefined
    this.stopTimers()
    if (this.stateValue === "closed") return
    this.setState("offline")
    this.scheduleReconnect()
  }

  /**
   * The next connect after a backoff with jitter: up to maxBackoffMs after a server refused, up
   * to offlineRetryMs after a connect that heard nothing (`silent`: see errors.ts isSilence).
   */
  private scheduleReconnect(silent = false): void {
    if (this.stateValue === "closed" || this.options.reconnect === false || this.reconnectTimer !== undefined) {
      if (this.options.reconnect === false && this.stateValue !== "closed") this.setState("offline")
      return
    }
    this.setState("offline")
    const maxMs = this.options.maxBackoffMs ?? defaultBackoff.maxMs
    const schedule: BackoffSchedule = { ...defaultBackoff, maxMs: silent ? Math.min(maxMs, this.options.offlineRetryMs ?? 1000) : maxMs }
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
    const network = this.network
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
      // A pong is due within the learned round-trip timeout (unless the schedule fixes one).
      (timeoutMs) =>
        connection.request(
          Command.PING,
          Codecs.PingRequest,
          Codecs.PongResponse,
          {},
          schedule.pongTimeoutMs === undefined ? Math.min(timeoutMs, this.rtt.timeoutMs) : timeoutMs
        ),
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

/**
 * A client message id: 96 random bits in 16 characters. It travels twice in every message (as
 * itself and in the message id): a UUID's 36 characters cost 40 bytes more per message.
 */
const newClientMsgId = () => randomBytes(12).toString("base64url")

/** After a win of HTTP, the first try of TCP and WebSocket again; doubles while they fail. */
const DEFAULT_UPGRADE_MS = 5_000
const MAX_UPGRADE_MS = 5 * 60_000

/** Failures that reconnecting cannot fix: the credentials are wrong. */
const isFatal = (error: Error) =>
  error instanceof WeftRequestError &&
  (error.code === Status.WRONG_CREDENTIALS || error.code === Status.INVALID_TOKEN || error.code === Status.INVALID_USER_ID)
