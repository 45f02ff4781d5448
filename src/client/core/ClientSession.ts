/**
 * The client core: one logged-in user on one link that keeps itself alive, whatever the link is
 * made of. Both SDKs are this plus their transports and storage (client/WeftClient.ts in Node,
 * web/sdk/WeftBrowserClient.ts in the browser). It logs in in one round trip (a resume token
 * first, else the password or an app token) that also brings the first page of what was missed,
 * applies pushed changes once in sequence order and syncs on a gap, resends the messages whose
 * acknowledgement it never saw (same client message id, stored once), polls on HTTP and moves
 * back to a long connection when one gets through, pings on an adaptive schedule, and
 * reconnects with backoff and jitter. Node-free.
 */
import { Command } from "../../protocol/Command.ts"
import type { Frame } from "../../protocol/Frame.ts"
import type { AuthResponse, Change, Kicked, Push, SendMessageResponse, SyncResponse } from "../../protocol/Proto.ts"
import { Status } from "../../protocol/Status.ts"
import { type BackoffSchedule, defaultBackoff, reconnectDelay } from "../Backoff.ts"
import { DisconnectedError, isSilence, WeftRequestError } from "../errors.ts"
import { groupEmitting, GroupCursors, readingGroups } from "../GroupCursors.ts"
import { AdaptiveHeartbeat, type HeartbeatSchedule, type LearnedHeartbeat, pingOnSchedule } from "../Heartbeat.ts"
import { LogCursor } from "../LogCursor.ts"
import type { Endpoint } from "../RouteStore.ts"
import { RttEstimator } from "../RttEstimator.ts"
import { type DeviceInfo, Login, type Opened } from "./Login.ts"
import { isRetryable, Outbox } from "./Outbox.ts"
import type { ClientState, OutgoingMessage, SessionEvents, SessionOptions } from "./SessionOptions.ts"
import { type Answer, type Exchange, exchange, type SessionLink, type WireCodec } from "./Wire.ts"

export type { DeviceInfo, Opened }

/** The codecs the core speaks with, from the platform (Node's compiled proto/, the browser's schema). */
export interface SessionCodecs {
  readonly AuthRequest: WireCodec<object>
  readonly AuthResponse: WireCodec<AuthResponse>
  readonly SyncRequest: WireCodec<{ readonly cursor: number; readonly limit: number }>
  readonly SyncResponse: WireCodec<SyncResponse>
  readonly PollRequest: WireCodec<{ readonly cursor: number; readonly limit: number; readonly timeoutMs: number }>
  readonly SendMessageRequest: WireCodec<object>
  readonly SendMessageResponse: WireCodec<SendMessageResponse>
  readonly PingRequest: WireCodec<object>
  readonly PongResponse: WireCodec<Answer>
  readonly SyncGroupRequest: WireCodec<{ readonly groupId: string; readonly cursor: number; readonly limit: number }>
  readonly SyncGroupResponse: WireCodec<SyncResponse>
  readonly Push: WireCodec<Push>
  readonly Kicked: WireCodec<Kicked>
  readonly ErrorFrame: WireCodec<{ readonly code: number; readonly message: string }>
  readonly Change: WireCodec<Change>
}

/** Pushes kept for a link whose login has not completed yet (more: a gap, and a sync). */
const MAX_EARLY_PUSHES = 1000

type Listener = (...args: Array<any>) => void

const commandsOf = (codecs: SessionCodecs) => ({
  auth: exchange(Command.AUTH, codecs.AuthRequest, codecs.AuthResponse),
  sync: exchange(Command.SYNC, codecs.SyncRequest, codecs.SyncResponse),
  poll: exchange(Command.POLL, codecs.PollRequest, codecs.SyncResponse),
  send: exchange(Command.SEND_MESSAGE, codecs.SendMessageRequest, codecs.SendMessageResponse),
  ping: exchange(Command.PING, codecs.PingRequest, codecs.PongResponse),
  syncGroup: exchange(Command.SYNC_GROUP, codecs.SyncGroupRequest, codecs.SyncGroupResponse)
})

export abstract class ClientSession<L extends SessionLink, O extends Opened<L>, Events extends SessionEvents> {
  /** The logged-in link (or the one logging in), undefined while there is none. */
  protected link: L | undefined
  protected readonly log: LogCursor
  protected readonly groupLogs: GroupCursors
  protected readonly rtt: RttEstimator
  protected readonly outbox: Outbox
  /** The credentials, the session token and the connections named as replaced. */
  protected readonly login: Login<L>
  protected stateValue: ClientState = "offline"
  protected attempt = 0
  /** Connects in a row that reached no gateway (see forgetHome). */
  private unreached = 0
  /** Whether the first connect already went back from a remembered home to the given gateways. */
  private firstForgot = false
  protected pacer: AdaptiveHeartbeat | undefined
  private readonly listeners = new Map<keyof Events, Set<Listener>>()
  private syncing: Promise<void> | undefined
  private firstLogin: ((error?: Error) => void) | undefined
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private upgradeTimer: ReturnType<typeof setTimeout> | undefined
  private upgradeDelayMs: number | undefined
  private stopPinging: (() => void) | undefined
  private establishing = 0
  /** Pushes that came on a link before its login completed, applied after the login's page. */
  private readonly early = new Map<L, Array<Frame>>()
  private commandsFor: { readonly codecs: SessionCodecs; readonly commands: ReturnType<typeof commandsOf> } | undefined

  constructor(private readonly settings: SessionOptions, readonly deviceId: string, device: DeviceInfo) {
    this.login = new Login(settings, deviceId, device, () => this.commands.auth, () => ({
      syncCursor: this.log.resumeFrom,
      routeListVersion: this.routeListVersion,
      onLongConnection: this.stateValue === "online" && this.link !== undefined && this.link.transport !== "http"
    }))
    this.groupLogs = new GroupCursors(
      settings.groupCursors,
      settings.userId,
      (groupId, cursor) => this.request(this.commands.syncGroup, { groupId, cursor, limit: 0 }),
      groupEmitting(this.tell.bind(this))
    )
    this.log = new LogCursor(settings.cursor, settings.epoch, readingGroups(this.tell.bind(this), this.groupLogs))
    this.rtt = new RttEstimator({ floorMs: settings.minRequestTimeoutMs ?? 1000, ceilingMs: settings.requestTimeoutMs ?? 15_000 })
    this.outbox = new Outbox(
      () => (this.stateValue === "online" ? this.link : undefined),
      (link, message, clientMsgId) =>
        link.exchange(this.commands.send, {
          to: message.to ?? "",
          groupId: message.groupId ?? "",
          type: message.type ?? 0,
          text: message.text ?? "",
          clientMsgId,
          media: message.media ?? null,
          noEcho: true,
          mentions: message.mentions ?? [],
          replyTo: message.replyTo ?? ""
        }),
      (message, clientMsgId, ack) => this.acknowledged(message, clientMsgId, ack)
    )
  }

  // --- what the platform adds ---

  /** The platform's codecs (read once online). */
  protected abstract get codecs(): SessionCodecs
  /** Finds a way in: a link, maybe already logged in (a resume raced on several endpoints). */
  protected abstract open(): Promise<O>
  /** On HTTP: finds a long connection again; undefined when the client stays where it is. */
  protected abstract openLong(): Promise<O> | undefined
  /** The first wait before trying a long connection again while on HTTP, and the longest (doubling between). */
  protected abstract get upgradeDelays(): { readonly firstMs: number; readonly maxMs: number }
  /** Online on this link (after a login, a fallback or a move back to a long connection). */
  protected abstract wentOnline(link: L, opened: O, auth: AuthResponse): void
  /** The route list version this client holds (the login's answer brings the list if it changed). */
  protected get routeListVersion(): number {
    return 0
  }
  /** The heartbeat learned on the device's network before, to start from. */
  protected learnedHeartbeat(): LearnedHeartbeat | undefined {
    return undefined
  }
  /** Keeps what the heartbeat learned (after each beat). */
  protected rememberHeartbeat(_learned: LearnedHeartbeat): void {}

  /**
   * A login refused WRONG_IDC named the gateways of the user's home data centre: whether this
   * client now goes there (its next connect races them). None does by default.
   */
  protected relocate(_home: ReadonlyArray<Endpoint>): boolean {
    return false
  }
  /**
   * The home's gateways did not answer (see HOME_MISSES): forget them, so that the next connect
   * goes to the gateways this client was given, which send it home again — to new gateways if a
   * failover moved the home. False when no home was remembered.
   */
  protected forgetHome(): boolean {
    return false
  }
  /** Everything is caught up after a login. */
  protected settled(): void {}
  /** A client message id (see randomId); Node's own crypto makes it without loading Web Crypto. */
  protected newClientMsgId(): string {
    return randomId()
  }

  // --- the public surface both SDKs share ---

  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    let set = this.listeners.get(event)
    if (set === undefined) this.listeners.set(event, set = new Set())
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
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

  /** The session token: pass it as `resumeToken` to log in again without the password. */
  get sessionToken(): string | undefined {
    return this.login.token
  }

  get state(): ClientState {
    return this.stateValue
  }

  /** Messages sent but not yet acknowledged. */
  get unacknowledged(): number {
    return this.outbox.size
  }

  /** The smoothed round-trip time measured so far (undefined before the first answer). */
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
    return new Promise((resolve, reject) => {
      this.firstLogin = (error) => (error ? reject(error) : resolve())
      void this.establish()
    })
  }

  /**
   * The device's network changed (an OS network event, the window's `online` event): the current
   * link is given up and a new one raced at once, without waiting for a timeout or a backoff.
   */
  networkChanged(): void {
    if (this.stateValue === "closed") return
    this.attempt = 0
    if (this.reconnectTimer !== undefined) {
      clearTimeout(this.reconnectTimer)
      this.reconnectTimer = undefined
      void this.establish()
      return
    }
    // Connecting: the race under way is the reconnect. Online: drop the link, which reconnects.
    this.link?.destroy()
  }

  /** Sends a text message. Resolves with the server's acknowledgement: the message is stored. */
  send(to: string, text: string, clientMsgId: string = this.newClientMsgId()): Promise<SendMessageResponse> {
    return this.sendMessage({ to, text }, clientMsgId)
  }

  /**
   * Sends any message — 1:1 or to a group, text or media — through the outbox: resolves once
   * the server stored it; kept and resent with the same client message id after a reconnect.
   */
  sendMessage(message: OutgoingMessage, clientMsgId: string = this.newClientMsgId()): Promise<SendMessageResponse> {
    if (this.stateValue === "closed") return Promise.reject(new Error("client is closed"))
    return this.outbox.add(message, clientMsgId)
  }

  /** Pulls every change after the cursor. Called automatically on gaps and reconnects. */
  sync(): Promise<void> {
    this.syncing ??= this.syncPages().finally(() => (this.syncing = undefined))
    return this.syncing
  }

  /** Closes for good: no reconnect. Unacknowledged sends are rejected. */
  close(): void {
    this.setState("closed")
    this.stopTimers()
    this.link?.close()
    this.link = undefined
    this.outbox.rejectAll(new Error("client closed"))
  }

  /** Cuts the connection as a failing network would; the client reconnects by itself. */
  dropConnection(): void {
    this.link?.destroy()
  }

  // --- for the platform's links and commands ---

  /** A command on the logged-in link; rejects with DisconnectedError while offline. */
  protected request<Req, Res extends Answer>(command: Exchange<Req, Res>, body: Req, timeoutMs?: number): Promise<Res> {
    const link = this.link
    if (link === undefined || this.stateValue !== "online") return Promise.reject(new DisconnectedError("offline"))
    return link.exchange(command, body, timeoutMs)
  }

  /** A link was opened: its pushes are kept until its login is done. */
  protected opening(link: L): void {
    this.early.set(link, [])
  }

  /** A frame the server sent unasked on `link`. */
  protected pushed(link: L, frame: Frame): void {
    if (link !== this.link) {
      // A link still logging in keeps its pushes for after its login's page; the frames of a
      // link given up on (a Kicked when the server closes it for the newer one) go nowhere.
      const early = this.early.get(link)
      if (early !== undefined && early.length < MAX_EARLY_PUSHES) early.push(frame)
      return
    }
    const codecs = this.codecs
    if (frame.command === Command.ERROR) {
      const error = codecs.ErrorFrame.decode(frame.body)
      this.tell("error", new WeftRequestError(error.code, error.message))
      return
    }
    if (frame.command === Command.KICKED) {
      // Closed because this client named the connection as replaced: its own doing, not an end
      // of the session. The link goes; the client reconnects if it still needs one.
      if (this.login.replaced(link)) return link.destroy()
      this.kicked(codecs.Kicked.decode(frame.body))
      return
    }
    if (frame.command !== Command.PUSH) {
      this.tell("unsolicited", frame.command, frame.body)
      return
    }
    const push = codecs.Push.decode(frame.body)
    if (push.groupId) return this.groupLogs.pushed(push.groupId, push.change)
    // A gap (or a sync already running): pull instead of trusting the push order.
    if (this.syncing !== undefined || !this.log.applyPush(push)) this.sync().catch((error) => this.tell("error", error))
  }

  /** `link` closed or broke. */
  protected lost(link: L): void {
    this.early.delete(link)
    if (link !== this.link) return
    this.link = undefined
    this.stopTimers()
    if (this.stateValue === "closed") return
    this.setState("offline")
    this.scheduleReconnect()
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K] extends Listener ? Parameters<Events[K]> : never): void {
    this.fire(event, args)
  }

  /** The core's own events, typed by SessionEvents. */
  private tell<K extends keyof SessionEvents>(event: K, ...args: Parameters<SessionEvents[K]>): void {
    this.fire(event as unknown as keyof Events, args)
  }

  private fire(event: keyof Events, args: ReadonlyArray<unknown>): void {
    const set = this.listeners.get(event)
    if (set !== undefined) for (const listener of set) listener(...args)
  }

  protected setState(state: ClientState): void {
    if (this.stateValue === state || this.stateValue === "closed") return
    this.stateValue = state
    this.tell("state", state)
  }

  protected stopTimers(): void {
    this.stopPinging?.()
    this.stopPinging = undefined
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.upgradeTimer)
    this.reconnectTimer = this.upgradeTimer = undefined
  }

  /** Messages on their way or a sync under way (a report waits for quiet). */
  protected get busy(): boolean {
    return this.outbox.size > 0 || this.syncing !== undefined
  }

  // --- the session ---

  private get commands(): ReturnType<typeof commandsOf> {
    const codecs = this.codecs
    if (this.commandsFor?.codecs !== codecs) this.commandsFor = { codecs, commands: commandsOf(codecs) }
    return this.commandsFor.commands
  }

  private async establish(): Promise<void> {
    // A link that dies while this one is still syncing starts the next establish: from then on,
    // this one's failure is no reason to schedule yet another (two would name each other's
    // connection as replaced).
    const generation = ++this.establishing
    this.setState("connecting")
    let link: L | undefined
    try {
      const opened = await this.open()
      link = opened.link
      if (this.stateValue === "closed") return link.close()
      this.link = link
      if (opened.refused !== undefined) throw opened.refused
      const auth = opened.auth ?? (await this.login.logIn(link))
      await this.startSession(link, opened, auth, false)
      this.firstLogin?.()
      this.firstLogin = undefined
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error))
      // Sent home (another data centre serves this user): connect there at once.
      const sentHome = failure instanceof WeftRequestError && failure.code === Status.WRONG_IDC && this.settings.followHome !== false
      if (sentHome && this.relocate(failure.endpoints)) {
        this.unreached = 0
        this.connectAgain(link, generation)
        return
      }
      // No gateway answered (not a refusal: a server's answer is a WeftRequestError). With a home
      // remembered, that may be a home a failover moved: after HOME_MISSES such connects in a
      // row — at once for the first connect, which would otherwise fail — the next goes to the
      // given gateways, which send the client home again, wherever that is now.
      if (!(failure instanceof WeftRequestError)) {
        const first = this.firstLogin !== undefined
        if ((first ? !this.firstForgot : ++this.unreached >= HOME_MISSES) && this.forgetHome()) {
          this.unreached = 0
          if (first) {
            this.firstForgot = true
            // A link that closed as it failed scheduled a reconnect (`lost`), which would race
            // this connect from where it is now.
            this.stopTimers()
            this.connectAgain(link, generation)
            return
          }
        }
      }
      // A server that says "try again" (UNAVAILABLE: the user's actors are between runners) is
      // tried again, the first login too; anything else fails the first connect().
      const unavailable = failure instanceof WeftRequestError && failure.code === Status.UNAVAILABLE
      if ((this.firstLogin !== undefined && !unavailable) || isFatal(failure)) {
        this.firstLogin?.(failure)
        this.firstLogin = undefined
        this.tell("error", failure)
        this.link?.close()
        this.link = undefined
        this.stopTimers()
        this.outbox.rejectAll(failure)
        this.setState(isFatal(failure) ? "closed" : "offline")
        return
      }
      if (link !== undefined && link === this.link) this.link = undefined
      link?.destroy()
      if (generation === this.establishing) this.scheduleReconnect(isSilence(failure))
    }
  }

  /** Drops the link a connect failed on and connects again at once (unless a newer connect runs). */
  private connectAgain(link: L | undefined, generation: number): void {
    if (link !== undefined && link === this.link) this.link = undefined
    link?.destroy()
    if (generation === this.establishing) void this.establish()
  }

  /**
   * Everything after a login on the client's (new) link: pushes or polls, heartbeat, the sync
   * from the cursor (always after a switch of link: pushes that came before it were not
   * applied), then the resend of the outbox.
   */
  private async startSession(link: L, opened: O, auth: AuthResponse, switched: boolean): Promise<void> {
    this.attempt = 0
    this.unreached = 0
    if (link.transport !== "http") this.login.lastConnectionId = auth.connectionId ?? 0
    if (link.transport === "http") {
      void this.pollLoop(link)
    } else {
      this.startHeartbeat(link, auth)
    }
    this.setState("online")
    this.wentOnline(link, opened, auth)
    // The login's page was read after the connection registered for pushes: with it and the
    // pushes that came meanwhile, nothing is missing unless the page says more. Without a page,
    // a switch of link syncs (pushes that came before it were not applied).
    const withPage = auth.sync !== undefined && auth.sync !== null
    const behind = this.log.loggedIn(auth) || (switched && !withPage)
    const early = this.early.get(link) ?? []
    this.early.delete(link)
    for (const frame of early) this.pushed(link, frame)
    if (behind) await this.sync()
    void this.groupLogs.resume()
    this.outbox.flush()
    this.settled()
    this.scheduleUpgrade()
  }

  /** On HTTP, tries a long connection again from time to time: it is cheaper. */
  private scheduleUpgrade(): void {
    if (this.link?.transport !== "http") return
    this.upgradeDelayMs ??= this.upgradeDelays.firstMs
    clearTimeout(this.upgradeTimer)
    this.upgradeTimer = setTimeout(() => {
      this.upgradeTimer = undefined
      void this.upgrade()
    }, this.upgradeDelayMs)
  }

  /**
   * Moves from HTTP to a long connection that got through: logs in on it (resume token), swaps,
   * then syncs and resends what HTTP left unacknowledged — the cursor and the client message ids
   * make the move lose and repeat nothing.
   */
  private async upgrade(): Promise<void> {
    const current = this.link
    if (current?.transport !== "http" || this.stateValue !== "online") return
    const finding = this.openLong()
    if (finding === undefined) return
    let won: O | undefined
    try {
      won = await finding
      if (won.refused !== undefined) throw won.refused
      const auth = won.auth ?? (await this.login.logIn(won.link))
      if (this.link !== current || this.stateValue !== "online") return won.link.close()
      this.link = won.link
      this.upgradeDelayMs = undefined
      current.close()
      await this.startSession(won.link, won, auth, true)
    } catch {
      // Not through yet: stay on HTTP and try later. (A link that broke after the move reconnects by itself.)
      if (won !== undefined && won.link !== this.link) won.link.close()
      if (this.link !== current) return
      this.upgradeDelayMs = Math.min(2 * (this.upgradeDelayMs ?? this.upgradeDelays.firstMs), this.upgradeDelays.maxMs)
      this.scheduleUpgrade()
    }
  }

  private async syncPages(): Promise<void> {
    let more = true
    while (more) {
      const link = this.link
      if (link === undefined) return
      more = this.log.applyPage(await link.exchange(this.commands.sync, { cursor: this.log.cursor, limit: 0 }))
    }
  }

  /**
   * The acknowledgement of the client's own message: applied to the log as its push would have
   * been (the server does not push it to the connection that sent it), or, when that cannot be
   * done now, caught up by a sync.
   */
  private acknowledged(message: OutgoingMessage, clientMsgId: string, ack: SendMessageResponse): void {
    const codec = this.codecs.Change
    const normalize = (change: Change) => codec.decode(codec.encode(change))
    if (this.groupLogs.acknowledged(message, clientMsgId, ack, normalize)) return
    const missing = this.log.acknowledged(message, clientMsgId, ack, normalize)
    if (missing === undefined) return
    const timer = setTimeout(() => void this.catchUpTo(missing.seq), missing.now ? 0 : this.rtt.timeoutMs)
    ;(timer as { unref?: () => void }).unref?.()
  }

  /** Syncs if the log is still short of `seq` once the sync under way (if any) is done. */
  private async catchUpTo(seq: number): Promise<void> {
    await this.syncing?.catch(() => {})
    if (this.log.cursor >= seq || this.stateValue !== "online") return
    await this.sync().catch((error: Error) => this.tell("error", error))
  }

  /**
   * The push path of HTTP: one long poll after another, from the cursor. A poll that cannot get
   * through ends the link, and the client looks for a way in again.
   */
  private async pollLoop(link: L): Promise<void> {
    const timeoutMs = this.settings.pollTimeoutMs ?? 25_000
    while (link === this.link && !link.isClosed) {
      try {
        const page = await link.exchange(this.commands.poll, { cursor: this.log.cursor, limit: 0, timeoutMs }, timeoutMs + 10_000)
        if (link !== this.link) return
        this.log.applyPage(page)
      } catch (error) {
        if (link !== this.link || error instanceof DisconnectedError) return
        // The session was ended (logout elsewhere, a login policy): what a kick says on a socket.
        if (isFatal(error as Error)) return this.kicked({ code: (error as WeftRequestError).code, reason: (error as Error).message })
        this.tell("error", error as Error)
        if (!isRetryable(error as Error)) return link.destroy()
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
  }

  private kicked(kicked: Kicked): void {
    this.close()
    this.tell("kicked", kicked)
  }

  /**
   * The next connect after a backoff with jitter: up to maxBackoffMs after a server refused, up
   * to offlineRetryMs after a connect that heard nothing (`silent`: see errors.ts isSilence).
   */
  private scheduleReconnect(silent = false): void {
    if (this.stateValue === "closed" || this.settings.reconnect === false || this.reconnectTimer !== undefined) {
      if (this.settings.reconnect === false) this.setState("offline")
      return
    }
    this.setState("offline")
    const maxMs = this.settings.maxBackoffMs ?? defaultBackoff.maxMs
    const schedule: BackoffSchedule = { ...defaultBackoff, maxMs: silent ? Math.min(maxMs, this.settings.offlineRetryMs ?? 1000) : maxMs }
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
  private startHeartbeat(link: L, auth: AuthResponse): void {
    const fixed = this.settings.heartbeatMs
    const schedule: HeartbeatSchedule = this.settings.heartbeat ??
      (fixed !== undefined
        ? { minMs: fixed, maxMs: fixed }
        : { minMs: auth.heartbeatMinSeconds * 1000, maxMs: auth.heartbeatMaxSeconds * 1000 })
    const pacer = this.pacer?.schedule === schedule
      ? this.pacer
      : new AdaptiveHeartbeat(schedule, fixed === undefined ? this.learnedHeartbeat() : undefined)
    this.pacer = pacer
    this.stopPinging?.()
    this.stopPinging = pingOnSchedule(
      pacer,
      // A pong is due within the learned round-trip timeout (unless the schedule fixes one).
      (timeoutMs) =>
        link.exchange(this.commands.ping, {}, schedule.pongTimeoutMs === undefined ? Math.min(timeoutMs, this.rtt.timeoutMs) : timeoutMs),
      (beat) => {
        if (this.stateValue === "closed") return
        this.rememberHeartbeat(pacer.learned)
        this.tell("heartbeat", beat)
        // No pong: the connection is presumed half-open (the timed-out ping has dropped it already).
        if (!beat.ok) link.destroy()
      }
    )
  }
}

/** Connects in a row that reach no gateway of a remembered home before the client asks the given ones (forgetHome). */
const HOME_MISSES = 3

/** Failures that reconnecting cannot fix: the credentials are wrong. */
const isFatal = (error: Error) =>
  error instanceof WeftRequestError &&
  (error.code === Status.WRONG_CREDENTIALS || error.code === Status.INVALID_TOKEN || error.code === Status.INVALID_USER_ID)

/**
 * A client message id: 96 random bits in 16 characters (base64url), from the platform's crypto
 * (which works on plain-HTTP pages too). It travels twice in every message (as itself and in the
 * message id): a UUID's 36 characters cost 40 bytes more per message.
 */
export const randomId = (): string =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(12)))).replaceAll("+", "-").replaceAll("/", "_")
