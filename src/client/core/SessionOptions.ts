/**
 * What both SDKs' clients are told alike (ClientOptions in Node, BrowserClientOptions in the
 * browser add their transports and storage), and what they send and tell alike. Node-free.
 */
import type { Media } from "../../protocol/messages.ts"
import type { AppEvent, Change, Kicked, Message } from "../../protocol/Proto.ts"
import type { HeartbeatEvent, HeartbeatSchedule } from "../Heartbeat.ts"

export interface SessionOptions {
  /** The user (with an app token: the user it names; the server refuses another). */
  readonly userId: string
  readonly password?: string | undefined
  /**
   * A token your app's server signed for this user (a JWT; docs/app-auth.md), instead of a
   * password; or a function that fetches a fresh one, called at every login that needs it (the
   * first, and a reconnect whose session ended), so an expired token is never reused.
   */
  readonly appToken?: string | (() => string | Promise<string>) | undefined
  readonly resumeToken?: string | undefined
  readonly deviceId?: string | undefined
  /**
   * Where to resume the log from: the highest sequence already applied (default 0: the whole
   * history), or "head" to skip history and receive only what happens from now on.
   */
  readonly cursor?: number | "head" | undefined
  /** Read-diffusion groups: the cursor of each group's log to resume from (`client.groupCursors`). */
  readonly groupCursors?: Readonly<Record<string, number>> | undefined
  readonly epoch?: string | undefined
  /** Reconnect after a lost connection (default true), with exponential backoff and jitter. */
  readonly reconnect?: boolean | undefined
  /**
   * Several data centres (docs/multi-idc.md): a login refused WRONG_IDC sends the client to the
   * gateways of the user's home IDC that the refusal names (default true). False: connect()
   * fails with that WeftRequestError, its `endpoints` the home's.
   */
  readonly followHome?: boolean | undefined
  /**
   * The longest backoff (default 10 s) after a connect that a server refused (refused or reset
   * connection, an error answer): a server that is down or overloaded is not hammered.
   */
  readonly maxBackoffMs?: number | undefined
  /**
   * The longest backoff (default 1 s) after a connect that heard nothing at all from any server
   * before its deadlines (learned from the round trips): the network is down or silent (an
   * outage, a dead radio link). Such an attempt costs no server anything and lasts a few learned
   * timeouts itself, so trying again soon finds the link the moment it returns.
   */
  readonly offlineRetryMs?: number | undefined
  /** A fixed heartbeat interval (no adaptation). */
  readonly heartbeatMs?: number | undefined
  /** The adaptive heartbeat's schedule; defaults to the bounds the server advertises at login. */
  readonly heartbeat?: HeartbeatSchedule | undefined
  /**
   * The longest wait for an answer (default 15 s) while the link still answers probes. A request
   * unanswered for longer than the learned round-trip timeout (see minRequestTimeoutMs) gets the
   * link probed with a ping; no pong within that timeout drops the link and reconnects.
   */
  readonly requestTimeoutMs?: number | undefined
  /** The floor of the learned round-trip timeout (default 1 s); its ceiling is requestTimeoutMs. */
  readonly minRequestTimeoutMs?: number | undefined
  /** Longest wait of one long poll on HTTP (default 25 s). */
  readonly pollTimeoutMs?: number | undefined
}

export type ClientState = "connecting" | "online" | "offline" | "closed"

/** What both clients tell (each SDK adds events of its own transports). */
export interface SessionEvents {
  /** Every change of the user's log, once, in sequence order. */
  change: (change: Change) => void
  /**
   * A change that is a message (sent or received by this user). For a message of a
   * read-diffusion group's log, `seq` is its position in the group's log.
   */
  message: (message: Message, seq: number) => void
  /** An entry of a read-diffusion group's log (GroupCursors.ts), once, in the group's order. */
  groupChange: (groupId: string, change: Change) => void
  /** A change that is an event of an application's own feature (server: userLogs().append). */
  appEvent: (event: AppEvent, seq: number) => void
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
  /** Group messages: members mentioned (@user). */
  readonly mentions?: ReadonlyArray<string> | undefined
  /** Group messages: the message_id this one answers. */
  readonly replyTo?: string | undefined
}
