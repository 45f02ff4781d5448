/**
 * The weft client SDK for browsers: one logged-in user over a WebSocket, or over HTTP short
 * connections with long polling when no WebSocket gets through. The protocol is the Node SDK's
 * (client/WeftClient.ts): login in one round trip (a resume token first) that also brings the
 * first page of what was missed, changes applied once in sequence order, a sync by cursor on a
 * gap, an outbox resent with the same client message ids (in order per conversation on HTTP),
 * reconnect with exponential backoff and jitter — at once when the browser says it is back
 * online. No Node modules.
 */
import { reconnectDelay } from "../../client/Backoff.ts"
import { RttEstimator } from "../../client/RttEstimator.ts"
import { Command } from "../../protocol/Command.ts"
import type { Frame } from "../../protocol/Frame.ts"
import type { AuthResponse, Change, Kicked, Message, Push, SendMessageResponse, SyncResponse } from "../../protocol/Proto.ts"
import { Status } from "../../protocol/Status.ts"
import { HttpTransport } from "./HttpTransport.ts"
import { Schema } from "./Schema.ts"
import { type Answer, type CommandSpec, Commands, DisconnectedError, type Transport, type TransportKind, WeftRequestError } from "./Transport.ts"
import type { WebSocketTransport } from "./WebSocketTransport.ts"
import { Connector } from "./Connector.ts"
import { groupEmitting, GroupCursors, readingGroups } from "../../client/GroupCursors.ts"
import { LogCursor } from "../../client/LogCursor.ts"
import { Outbox, type OutgoingMessage, randomId } from "./Outbox.ts"

export { Commands, DisconnectedError, Schema, WeftRequestError }
export type { CommandSpec, OutgoingMessage, TransportKind }

export interface BrowserClientOptions {
  /** The gateway's HTTP origin, e.g. "http://127.0.0.1:9380" (default: the page's origin). */
  readonly server?: string | undefined
  /** The schema (default: loaded from the server at connect). */
  readonly schema?: Schema | undefined
  /** The user (with an app token: the user it names; the server refuses another). */
  readonly userId: string
  readonly password?: string | undefined
  /**
   * A token your app's server signed for this user (a JWT; docs/app-auth.md), or a function that
   * fetches a fresh one — called at every login that needs one, so an expired token is not reused.
   */
  readonly appToken?: string | (() => string | Promise<string>) | undefined
  readonly resumeToken?: string | undefined
  readonly deviceId?: string | undefined
  readonly deviceName?: string | undefined
  /** The highest sequence already applied (default 0: the whole history), or "head". */
  readonly cursor?: number | "head" | undefined
  readonly epoch?: string | undefined
  /** Read-diffusion groups: the cursor of each group's log to resume from (`client.groupCursors`). */
  readonly groupCursors?: Readonly<Record<string, number>> | undefined
  /**
   * "auto" (default): WebSocket, else HTTP long polling, moving back to the WebSocket when it
   * gets through again. "ws" or "http" force one.
   */
  readonly transport?: "auto" | TransportKind | undefined
  /** In "auto" mode, the transport to try first: the one that worked last time (keep `transport`). */
  readonly preferTransport?: TransportKind | undefined
  readonly reconnect?: boolean | undefined
  readonly maxBackoffMs?: number | undefined
  readonly heartbeatMs?: number | undefined
  readonly connectTimeoutMs?: number | undefined
  /**
   * The longest wait for an answer (default 15 s). How long a request may go unanswered before
   * the WebSocket is probed is learned from the round trips (as the Node SDK does), at least
   * `minRequestTimeoutMs` (default 1 s).
   */
  readonly requestTimeoutMs?: number | undefined
  readonly minRequestTimeoutMs?: number | undefined
  /** How long one long poll may wait for news (HTTP transport). */
  readonly pollTimeoutMs?: number | undefined
}

export type ClientState = "connecting" | "online" | "offline" | "closed"

export interface ClientEvents {
  change: (change: Change) => void
  message: (message: Message, seq: number) => void
  /** An event of an application's own feature; its payload as the feature encoded it. */
  appEvent: (event: { readonly type: string; readonly payload: Uint8Array; readonly from: string }, seq: number) => void
  state: (state: ClientState) => void
  /** The client is online over this transport (after a login, a fallback or a move back to the WebSocket). */
  transport: (transport: TransportKind) => void
  kicked: (kicked: Kicked) => void
  reset: (epoch: string) => void
  error: (error: Error) => void
  /** An entry of a read-diffusion group's log (client/GroupCursors.ts), once, in the group's order. */
  groupChange: (groupId: string, change: Change) => void
}

/** Registers a new account over a short connection; needs no login. */
export const register = async (server: string, userId: string, password: string, displayName = "", schema?: Schema) => {
  const transport = new HttpTransport({ server, schema: schema ?? await Schema.load(server), requestTimeoutMs: 15_000, onClose: () => {} })
  await transport.request(Commands.register, { userId, password, displayName })
}

export class WeftBrowserClient {
  private transportValue: Transport | undefined
  private readonly listeners: { [K in keyof ClientEvents]: Set<ClientEvents[K]> } = {
    change: new Set(), message: new Set(), appEvent: new Set(), state: new Set(), transport: new Set(), kicked: new Set(), reset: new Set(), error: new Set(),
    groupChange: new Set()
  }
  private readonly outbox = new Outbox(
    (outgoing) => this.transmit(outgoing),
    () => this.transportValue instanceof HttpTransport
  )
  /** The server's id of the last WebSocket connection: named as replaced at the next login. */
  private lastConnectionId = 0
  /** Each WebSocket's id on its gateway, and the ids this client named as replaced. */
  private readonly connectionIds = new WeakMap<Transport, number>()
  private readonly replacedIds = new Set<number>()
  private readonly onOnline = () => this.networkChanged()
  private readonly server: string
  private schema: Schema | undefined
  private readonly log: LogCursor
  private readonly groupLogs: GroupCursors
  private token: string | undefined
  private stateValue: ClientState = "offline"
  private attempt = 0
  private heartbeatTimer: ReturnType<typeof setTimeout> | undefined
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private upgradeTimer: ReturnType<typeof setTimeout> | undefined
  private readonly connector: Connector
  private readonly rtt: RttEstimator
  private syncing: Promise<void> | undefined
  private firstLogin: ((error?: Error) => void) | undefined
  readonly deviceId: string

  constructor(private readonly options: BrowserClientOptions) {
    this.server = options.server ?? globalThis.location.origin
    this.schema = options.schema
    this.groupLogs = new GroupCursors(
      options.groupCursors,
      options.userId,
      (groupId, cursor) => this.call<SyncResponse>(Commands.syncGroup, { groupId, cursor, limit: 0 }),
      groupEmitting(this.emit.bind(this))
    )
    this.log = new LogCursor(options.cursor, options.epoch, readingGroups(this.emit.bind(this), this.groupLogs))
    this.token = options.resumeToken
    this.rtt = new RttEstimator({ floorMs: options.minRequestTimeoutMs ?? 1000, ceilingMs: options.requestTimeoutMs ?? 15_000 })
    this.connector = new Connector({
      rtt: this.rtt,
      server: this.server,
      mode: options.transport ?? "auto",
      preferred: options.preferTransport,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
      onPush: (transport, frame) => this.onPush(transport, frame),
      onClose: (transport) => this.onDisconnect(transport)
    })
    this.deviceId = options.deviceId ?? `web-${randomId()}`
  }

  on<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): () => void {
    this.listeners[event].add(listener)
    return () => this.listeners[event].delete(listener)
  }

  /** The highest sequence applied; keep it (with `epoch`) to resume without a full sync. */
  get cursor(): number {
    return this.log.cursor
  }
  /** Read-diffusion groups: the cursor of each group's log; persist it with `cursor`. */
  get groupCursors(): Record<string, number> {
    return this.groupLogs.snapshot
  }
  get epoch(): string | undefined {
    return this.log.epoch
  }
  /** The session token: pass it as `resumeToken` to log in again without the password. */
  get sessionToken(): string | undefined {
    return this.token
  }
  get state(): ClientState {
    return this.stateValue
  }
  /** The transport in use while online: "ws" or "http". */
  get transport(): TransportKind | undefined {
    return this.transportValue?.kind
  }
  get unacknowledged(): number {
    return this.outbox.size
  }
  /** The smoothed round-trip time measured on the WebSocket so far (undefined before the first answer). */
  get rttMs(): number | undefined {
    return this.rtt.srttMs
  }
  /** How long a request may go unanswered before the link is probed: learned from the round trips. */
  get requestTimeoutMs(): number {
    return this.rtt.timeoutMs
  }

  /** Connects and logs in; resolves once online and synced. The first login must succeed. */
  connect(): Promise<void> {
    if (this.stateValue !== "offline") return Promise.reject(new Error(`cannot connect while ${this.stateValue}`))
    globalThis.addEventListener?.("online", this.onOnline)
    return new Promise((resolve, reject) => {
      this.firstLogin = (error) => (error ? reject(error) : resolve())
      void this.establish()
    })
  }

  /**
   * The network changed (the window's `online` event calls this too): the current transport is
   * given up and a new one opened at once, without waiting for a timeout or a backoff.
   */
  networkChanged(): void {
    if (this.stateValue === "closed" || this.stateValue === "connecting") return
    this.attempt = 0
    if (this.reconnectTimer !== undefined) {
      clearTimeout(this.reconnectTimer)
      this.reconnectTimer = undefined
      void this.establish()
      return
    }
    this.dropConnection()
  }

  /** Sends a text message; resolves once the server stored it. */
  send(to: string, text: string, clientMsgId: string = randomId()): Promise<SendMessageResponse> {
    return this.sendMessage({ to, text }, clientMsgId)
  }

  /** Any message, through the outbox: kept and resent with the same client message id until acknowledged. */
  sendMessage(message: OutgoingMessage, clientMsgId: string = randomId()): Promise<SendMessageResponse> {
    if (this.stateValue === "closed") return Promise.reject(new Error("client is closed"))
    return this.outbox.add(message, clientMsgId, this.stateValue === "online")
  }

  /** Any command (`{ id, name, request, response }` type names of the schema); needs to be online. */
  call<Res extends Answer>(command: CommandSpec, request: object): Promise<Res> {
    const transport = this.transportValue
    if (transport === undefined || this.stateValue !== "online") return Promise.reject(new DisconnectedError("offline"))
    return transport.request<Res>(command, request)
  }

  /** Pulls every change after the cursor; called by itself on gaps and reconnects. */
  sync(): Promise<void> {
    this.syncing ??= this.syncPages().finally(() => (this.syncing = undefined))
    return this.syncing
  }

  /** Closes for good; unacknowledged sends are rejected. */
  close(): void {
    globalThis.removeEventListener?.("online", this.onOnline)
    this.setState("closed")
    this.stopTimers()
    this.transportValue?.close()
    this.transportValue = undefined
    this.outbox.rejectAll(new Error("client closed"))
  }

  /** Ends the session on the server (the token stops working on every device using it), then closes. */
  async logout(): Promise<void> {
    try {
      if (this.stateValue === "online") await this.call(Commands.logout, {})
    } finally {
      this.close()
    }
  }

  /** Cuts the transport as a failing network would; the client reconnects by itself. */
  dropConnection(): void {
    const transport = this.transportValue
    transport?.close()
    if (transport !== undefined) this.onDisconnect(transport)
  }

  private async establish(): Promise<void> {
    this.setState("connecting")
    try {
      this.schema ??= await Schema.load(this.server)
      const transport = await this.connector.open(this.schema)
      if (this.stateValue === "closed") return transport.close()
      this.transportValue = transport
      const auth = await this.login(transport)
      this.attempt = 0
      const behind = this.log.loggedIn(auth)
      this.setState("online")
      this.wentOnline(transport)
      if (behind) await this.sync()
      void this.groupLogs.resume()
      if (transport instanceof HttpTransport) {
        void this.pollLoop(transport)
        this.scheduleUpgrade(transport, 1000)
      } else {
        this.startHeartbeat(transport as WebSocketTransport, auth)
      }
      this.outbox.resendAll()
      this.firstLogin?.()
      this.firstLogin = undefined
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error))
      if (this.firstLogin !== undefined || isFatal(failure)) {
        this.firstLogin?.(failure)
        this.firstLogin = undefined
        this.emit("error", failure)
        this.transportValue?.close()
        this.transportValue = undefined
        this.stopTimers()
        this.outbox.rejectAll(failure)
        this.setState(isFatal(failure) ? "closed" : "offline")
        return
      }
      this.transportValue?.close()
      this.transportValue = undefined
      this.scheduleReconnect()
    }
  }

  private wentOnline(transport: Transport): void {
    this.connector.worked(transport.kind)
    this.emit("transport", transport.kind)
  }

  /** On HTTP in "auto" mode: try the WebSocket again after 1 s, then less and less often (at most every minute). */
  private scheduleUpgrade(http: HttpTransport, delayMs: number): void {
    if (!this.connector.mayUpgrade) return
    this.upgradeTimer = setTimeout(() => void this.upgrade(http, delayMs), delayMs)
  }

  /**
   * Moves from HTTP to a WebSocket that opened: logs in on it (resume token), swaps, then syncs
   * and resends what HTTP left unacknowledged — the cursor and the client message ids make the
   * move lose and repeat nothing.
   */
  private async upgrade(http: HttpTransport, delayMs: number): Promise<void> {
    let socket: WebSocketTransport | undefined
    try {
      if (this.schema === undefined || this.transportValue !== http) return
      socket = await this.connector.openWebSocket(this.schema)
      const auth = await this.login(socket)
      await this.syncing?.catch(() => {})
      if (this.transportValue !== http || this.stateValue !== "online") return socket.close()
      this.transportValue = socket
      http.close()
      this.wentOnline(socket)
      this.startHeartbeat(socket, auth)
      if (this.log.loggedIn(auth)) await this.sync()
      this.outbox.resendAll()
    } catch {
      // Not through yet: stay on HTTP and try later. (A socket that broke after the move reconnects by itself.)
      if (socket !== undefined && socket === this.transportValue) return
      socket?.close()
      if (this.transportValue === http) this.scheduleUpgrade(http, Math.min(delayMs * 2, 60_000))
    }
  }

  private async login(transport: Transport): Promise<AuthResponse> {
    // The cursor (the answer brings the first page after it) and the WebSocket given up on (the
    // server closes it, so its pushes stop): see AuthRequest in auth.proto.
    const resume = {
      device: { deviceId: this.deviceId, platform: 3, name: this.options.deviceName ?? "browser" },
      syncCursor: this.log.resumeFrom,
      replacesConnectionId: this.lastConnectionId
    }
    let auth: AuthResponse | undefined
    if (this.token !== undefined) {
      try {
        auth = await transport.request<AuthResponse>(Commands.auth, { userId: this.options.userId, resumeToken: this.token, ...resume })
      } catch (error) {
        if (!(error instanceof WeftRequestError && error.code === Status.INVALID_TOKEN) || !(this.options.password || this.options.appToken)) throw error
        this.token = undefined
      }
    }
    auth ??= await transport.request<AuthResponse>(Commands.auth, { userId: this.options.userId, ...await this.freshCredential(), ...resume })
    if (resume.replacesConnectionId !== 0) this.replacedIds.add(resume.replacesConnectionId)
    if (this.replacedIds.size > 64) this.replacedIds.delete(this.replacedIds.values().next().value!)
    if (transport.kind === "ws") {
      this.lastConnectionId = auth.connectionId ?? 0
      this.connectionIds.set(transport, this.lastConnectionId)
    }
    this.token = auth.sessionToken
    transport.authenticate({ userId: this.options.userId, sessionToken: auth.sessionToken, deviceId: this.deviceId })
    return auth
  }

  /** The app token (fetched anew when it comes from a function), else the password. */
  private async freshCredential(): Promise<{ readonly password?: string | undefined; readonly appToken?: string }> {
    const appToken = this.options.appToken
    if (appToken === undefined) return { password: this.options.password }
    return { appToken: typeof appToken === "function" ? await appToken() : appToken }
  }

  private async transmit(outgoing: { message: OutgoingMessage; clientMsgId: string }): Promise<SendMessageResponse> {
    const transport = this.transportValue
    if (transport === undefined || this.stateValue !== "online") throw new DisconnectedError("offline")
    const { message, clientMsgId } = outgoing
    const ack = await transport.request<SendMessageResponse>(Commands.sendMessage, {
      to: message.to ?? "", groupId: message.groupId ?? "", type: message.type ?? 0, text: message.text ?? "", clientMsgId, media: message.media ?? null,
      noEcho: true
    })
    // The server does not push the message to the connection that sent it: applied from the ack.
    const codec = this.schema!.codec<Change>("Change")
    const normalize = (change: Change) => codec.decode(codec.encode(change))
    if (this.groupLogs.acknowledged(message, clientMsgId, ack, normalize)) return ack
    const missing = this.log.acknowledged(message, clientMsgId, ack, normalize)
    if (missing !== undefined) setTimeout(() => void this.catchUpTo(missing.seq), missing.now ? 0 : this.rtt.timeoutMs)
    return ack
  }

  /** Syncs if the log is still short of `seq` once the sync under way (if any) is done. */
  private async catchUpTo(seq: number): Promise<void> {
    await this.syncing?.catch(() => {})
    if (this.log.cursor >= seq || this.stateValue !== "online") return
    await this.sync().catch((error: Error) => this.emit("error", error))
  }

  private async syncPages(): Promise<void> {
    let more = true
    while (more) {
      const transport = this.transportValue
      if (transport === undefined) return
      const page = await transport.request<SyncResponse>(Commands.sync, { cursor: this.log.cursor, limit: 0 })
      more = this.log.applyPage(page)
    }
  }

  /** Long polling: each answer brings the changes after the cursor, or nothing at its timeout. */
  private async pollLoop(transport: HttpTransport): Promise<void> {
    const timeoutMs = this.options.pollTimeoutMs ?? 25_000
    while (this.transportValue === transport && this.stateValue === "online") {
      try {
        const page = await transport.request<SyncResponse>(Commands.poll, { cursor: this.log.cursor, limit: 0, timeoutMs }, timeoutMs)
        if (this.transportValue === transport) this.log.applyPage(page)
      } catch (error) {
        if (error instanceof WeftRequestError && isFatal(error)) {
          // The session was ended (logout elsewhere, a login policy): what a kick says on a socket.
          this.close()
          this.emit("kicked", { code: error.code, reason: error.message })
          return
        }
        // A broken transport reports itself (onDisconnect); anything else is worth saying.
        if (!(error instanceof DisconnectedError)) this.emit("error", error as Error)
        if (this.transportValue === transport && !(error instanceof DisconnectedError)) await new Promise((r) => setTimeout(r, 1000))
      }
    }
  }

  private onPush(transport: Transport, frame: Frame): void {
    if (transport !== this.transportValue || this.schema === undefined) return
    if (frame.command === Command.KICKED) {
      // Closed because this client named it as replaced: its own doing, not the session's end.
      if (this.replacedIds.has(this.connectionIds.get(transport) ?? 0)) return this.dropConnection()
      const kicked = this.schema.codec<Kicked>("Kicked").decode(frame.body)
      this.close()
      this.emit("kicked", kicked)
    } else if (frame.command === Command.ERROR) {
      const error = this.schema.codec<{ code: number; message: string }>("ErrorFrame").decode(frame.body)
      this.emit("error", new WeftRequestError(error.code, error.message))
    } else if (frame.command === Command.PUSH) {
      const push = this.schema.codec<Push>("Push").decode(frame.body)
      if (push.groupId) return this.groupLogs.pushed(push.groupId, push.change)
      // A gap (or a sync already running): pull instead of trusting the push order.
      if (this.syncing !== undefined || !this.log.applyPush(push)) this.sync().catch((error) => this.emit("error", error))
    }
  }

  private onDisconnect(transport: Transport): void {
    if (transport !== this.transportValue) return
    this.transportValue = undefined
    this.stopTimers()
    if (this.stateValue === "closed") return
    this.setState("offline")
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (this.stateValue === "closed" || this.options.reconnect === false || this.reconnectTimer !== undefined) {
      this.setState(this.stateValue === "closed" ? "closed" : "offline")
      return
    }
    this.setState("offline")
    // The Node SDK's backoff with jitter: pages dropped by one gateway restart don't all come back at once.
    const delay = reconnectDelay(this.attempt, { initialMs: 100, maxMs: this.options.maxBackoffMs ?? 10_000 })
    this.attempt++
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      void this.establish()
    }, delay)
  }

  private startHeartbeat(transport: WebSocketTransport, auth: AuthResponse): void {
    const interval = this.options.heartbeatMs ?? auth.heartbeatMinSeconds * 1000
    const beat = () => {
      if (transport !== this.transportValue) return
      // A pong is due within the learned round-trip timeout.
      transport.request(Commands.ping, {}, this.rtt.timeoutMs).then(
        () => transport === this.transportValue && (this.heartbeatTimer = setTimeout(beat, interval)),
        () => transport === this.transportValue && this.dropConnection()
      )
    }
    this.heartbeatTimer = setTimeout(beat, interval)
  }

  private stopTimers(): void {
    clearTimeout(this.heartbeatTimer)
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.upgradeTimer)
    this.heartbeatTimer = this.reconnectTimer = this.upgradeTimer = undefined
  }

  private setState(state: ClientState): void {
    if (this.stateValue === state || this.stateValue === "closed") return
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
