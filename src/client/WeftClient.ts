/**
 * The weft client SDK (Node): one logged-in user on one long connection that keeps itself
 * alive. It logs in in one round trip, applies pushed changes in sequence order, syncs when
 * it sees a gap or after a reconnect, and resends messages whose acknowledgement it never
 * saw (same client message id, so the server stores them once).
 */
import { randomUUID } from "node:crypto"
import { Command } from "../protocol/Command.ts"
import type { Frame } from "../protocol/Frame.ts"
import { type AuthResponse, type Change, type Codec, Codecs, type Kicked, type Message, type SendMessageResponse } from "../protocol/Proto.ts"
import type { Media } from "../protocol/messages.ts"
import { Status } from "../protocol/Status.ts"
import { DisconnectedError, FrameConnection, WeftRequestError } from "./FrameConnection.ts"

export { DisconnectedError, WeftRequestError }

export interface ClientOptions {
  readonly host: string
  readonly port: number
  /**
   * More gateways to use when one stops answering: the client moves to the next endpoint on
   * each failed connect or lost connection (host/port is the first).
   */
  readonly fallbacks?: ReadonlyArray<{ readonly host: string; readonly port: number }> | undefined
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
  /** Heartbeat interval; defaults to the server's advertised minimum. */
  readonly heartbeatMs?: number | undefined
  readonly requestTimeoutMs?: number | undefined
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
}

/** Registers a new account; needs no login. */
export const register = async (
  options: { readonly host: string; readonly port: number },
  userId: string,
  password: string,
  displayName = ""
): Promise<void> => {
  const connection = await FrameConnection.open({ ...options, onPush: () => {}, onClose: () => {} })
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
  private connection: FrameConnection | undefined
  private listeners: { [K in keyof ClientEvents]: Set<ClientEvents[K]> } = {
    change: new Set(),
    message: new Set(),
    state: new Set(),
    reset: new Set(),
    error: new Set(),
    kicked: new Set(),
    unsolicited: new Set()
  }
  private readonly outbox: Array<Outgoing> = []
  private cursorValue: number
  private epochValue: string | undefined
  private token: string | undefined
  private stateValue: ClientState = "offline"
  private heartbeat: ReturnType<typeof setInterval> | undefined
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private attempt = 0
  private syncing: Promise<void> | undefined
  private readonly deviceId: string
  private firstLogin: ((error?: Error) => void) | undefined
  private startAtHead: boolean

  constructor(private readonly options: ClientOptions) {
    this.startAtHead = options.cursor === "head"
    this.cursorValue = typeof options.cursor === "number" ? options.cursor : 0
    this.epochValue = options.epoch
    this.token = options.resumeToken
    this.deviceId = options.deviceId ?? randomUUID()
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
    try {
      const connection = await FrameConnection.open({
        host: this.endpoint.host,
        port: this.endpoint.port,
        requestTimeoutMs: this.options.requestTimeoutMs,
        onPush: (frame) => this.onPush(connection, frame),
        onClose: () => this.onDisconnect(connection)
      })
      if (this.stateValue === "closed") return connection.close()
      this.connection = connection
      const auth = await this.login(connection)
      this.attempt = 0
      this.startHeartbeat(connection, auth)
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
      if (auth.currentSeq > this.cursorValue) await this.sync()
      for (const outgoing of this.outbox) if (!outgoing.inFlight) this.transmit(outgoing)
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
      this.connection?.destroy()
      this.scheduleReconnect()
    }
  }

  private async login(connection: FrameConnection): Promise<AuthResponse> {
    const device = { deviceId: this.deviceId, platform: 0, name: "" }
    if (this.token !== undefined) {
      try {
        return this.loggedIn(
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
      await connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, {
        userId: this.options.userId,
        password: this.options.password,
        device
      })
    )
  }

  private loggedIn(auth: AuthResponse): AuthResponse {
    this.token = auth.sessionToken
    return auth
  }

  private transmit(outgoing: Outgoing): void {
    const connection = this.connection
    if (connection === undefined) return
    outgoing.inFlight = true
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
          outgoing.inFlight = false
          // Lost or refused for now: kept, and resent after the next login.
          if (error instanceof DisconnectedError || isRetryable(error)) {
            if (isRetryable(error)) setTimeout(() => this.stateValue === "online" && this.transmit(outgoing), 500)
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
      if (this.epochValue !== undefined && page.epoch !== this.epochValue) {
        this.epochValue = page.epoch
        this.cursorValue = 0
        this.emit("reset", page.epoch)
        continue
      }
      for (const change of page.changes) this.apply(change)
      more = page.more
    }
  }

  private apply(change: Change): void {
    if (change.seq <= this.cursorValue) return
    this.cursorValue = change.seq
    this.emit("change", change)
    if (change.message) this.emit("message", change.message, change.seq)
  }

  private onPush(connection: FrameConnection, frame: Frame): void {
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

  private onDisconnect(connection: FrameConnection): void {
    if (connection !== this.connection) return
    this.connection = undefined
    this.stopTimers()
    if (this.stateValue === "closed") return
    this.setState("offline")
    this.scheduleReconnect()
  }

  private endpointIndex = 0

  /** The gateway the next connection goes to. */
  private get endpoint(): { readonly host: string; readonly port: number } {
    const all = [{ host: this.options.host, port: this.options.port }, ...(this.options.fallbacks ?? [])]
    return all[this.endpointIndex % all.length]!
  }

  private scheduleReconnect(): void {
    this.endpointIndex++
    if (this.stateValue === "closed" || this.options.reconnect === false || this.reconnectTimer !== undefined) {
      if (this.options.reconnect === false && this.stateValue !== "closed") this.setState("offline")
      return
    }
    this.setState("offline")
    const ceiling = Math.min(this.options.maxBackoffMs ?? 10_000, 100 * 2 ** this.attempt)
    this.attempt++
    // Full jitter: clients dropped by the same gateway restart don't come back in step.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2)
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      void this.establish()
    }, delay)
  }

  private startHeartbeat(connection: FrameConnection, auth: AuthResponse): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat)
    const interval = this.options.heartbeatMs ?? auth.heartbeatMinSeconds * 1000
    this.heartbeat = setInterval(() => {
      connection.request(Command.PING, Codecs.PingRequest, Codecs.PongResponse, {}).catch(() => connection.destroy())
    }, interval)
  }

  private stopTimers(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat)
    this.heartbeat = undefined
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
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

const isRetryable = (error: Error) =>
  error instanceof WeftRequestError && (error.code === Status.UNAVAILABLE || error.code === Status.INTERNAL)

/** Failures that reconnecting cannot fix: the credentials are wrong. */
const isFatal = (error: Error) =>
  error instanceof WeftRequestError &&
  (error.code === Status.WRONG_CREDENTIALS || error.code === Status.INVALID_TOKEN || error.code === Status.INVALID_USER_ID)
