/**
 * Where a client is in its user's change log: the highest sequence applied and the log's epoch.
 * Changes are applied once, in sequence order, from whichever source brings them — a push, a
 * sync page, a long-poll answer, the acknowledgement of the client's own message — so a switch
 * of transport repeats and skips nothing. Node-free: both SDKs use it (the gateway serves it to
 * browsers).
 */
import type { AppEvent, AuthResponse, Change, Message, Push, SendMessageResponse, SyncResponse } from "../protocol/Proto.ts"

export interface LogCursorEvents {
  readonly change: (change: Change) => void
  /** The log's epoch changed: its history is gone; the cursor restarted from 0. */
  readonly reset: (epoch: string) => void
}

/** How an SDK tells its listeners what its log applied (its `emit`). */
export interface ChangeEmitter {
  (event: "change", change: Change): void
  (event: "message", message: Message, seq: number): void
  (event: "appEvent", appEvent: AppEvent, seq: number): void
  (event: "reset", epoch: string): void
}

/** The events of both SDKs for an applied change: `change`, then `message` or `appEvent`; `reset`. */
export const emitting = (emit: ChangeEmitter): LogCursorEvents => ({
  change: (change) => {
    emit("change", change)
    if (change.message) emit("message", change.message, change.seq)
    else if (change.app) emit("appEvent", change.app, change.seq)
  },
  reset: (epoch) => emit("reset", epoch)
})

/** Own messages acknowledged ahead of changes not yet here, kept at most. */
const MAX_AHEAD = 1000

export class LogCursor {
  private startAtHead: boolean
  private seq: number
  /** The client's own acknowledged messages waiting for the changes before them, by sequence. */
  private readonly ahead = new Map<number, Change>()

  constructor(start: number | "head" | undefined, private epochValue: string | undefined, private readonly events: LogCursorEvents) {
    this.startAtHead = start === "head"
    this.seq = typeof start === "number" ? start : 0
  }

  get cursor(): number {
    return this.seq
  }

  get epoch(): string | undefined {
    return this.epochValue
  }

  /** The cursor a login asks the first page after (AuthRequest.sync_cursor); none when starting at the head. */
  get resumeFrom(): number | undefined {
    return this.startAtHead ? undefined : this.seq
  }

  /**
   * After a login: checks the epoch, skips history if asked to, applies the first page the login
   * brought (AuthResponse.sync); true if a sync is still needed.
   */
  loggedIn(auth: AuthResponse): boolean {
    const restarted = this.epochValue !== undefined && this.epochValue !== auth.epoch
    if (restarted) this.restart(auth.epoch)
    this.epochValue = auth.epoch
    if (this.startAtHead) {
      this.startAtHead = false
      this.seq = auth.currentSeq
    }
    // A page after a cursor of the old epoch is no use: sync from 0 instead.
    if (auth.sync !== undefined && auth.sync !== null && !restarted) return this.applyPage(auth.sync)
    return auth.currentSeq > this.seq
  }

  /** Applies a sync or poll page; true if more pages follow (or the log restarted). */
  applyPage(page: SyncResponse): boolean {
    if (this.epochValue !== undefined && page.epoch !== "" && page.epoch !== this.epochValue) {
      this.restart(page.epoch)
      return true
    }
    for (const change of page.changes) this.apply(change)
    return page.more
  }

  /** Applies a push if it is the next change; false if it shows a gap (or a new epoch): sync instead. */
  applyPush(push: Push): boolean {
    const epochChanged = push.epoch !== "" && push.epoch !== this.epochValue
    if (epochChanged || push.change.seq > this.seq + 1) return false
    this.apply(push.change)
    return true
  }

  /**
   * The client's own message, acknowledged (sent with no_echo: the server pushes it to the
   * client's other connections but not to this one). Applied as the push would have been when it
   * is the next change; when it is ahead of changes not here yet (their pushes are on the way),
   * kept until they are applied. `normalize` gives it the shape a decoded push has (the Change
   * codec's encode and decode). Answers what the client must still do: nothing, or sync up to
   * `seq` — at once (a resend: the stored content is the log's to tell), or if the gap is still
   * open after a while (a push that should have come was lost).
   */
  acknowledged(
    message: SentMessage,
    clientMsgId: string,
    ack: SendMessageResponse,
    normalize: (change: Change) => Change
  ): { readonly seq: number; readonly now: boolean } | undefined {
    if (ack.seq <= this.seq) return undefined
    const change = ownChange(message, clientMsgId, ack)
    if (change === undefined) return { seq: ack.seq, now: true }
    if (ack.seq === this.seq + 1) {
      this.apply(normalize(change))
      return undefined
    }
    if (this.ahead.size < MAX_AHEAD) this.ahead.set(change.seq, normalize(change))
    return { seq: ack.seq, now: false }
  }

  private apply(change: Change): void {
    if (change.seq <= this.seq) return
    this.seq = change.seq
    this.events.change(change)
    if (this.ahead.size === 0) return
    this.ahead.delete(change.seq)
    const next = this.ahead.get(this.seq + 1)
    if (next !== undefined) this.apply(next)
    else for (const seq of this.ahead.keys()) if (seq <= this.seq) this.ahead.delete(seq)
  }

  private restart(epoch: string): void {
    this.epochValue = epoch
    this.seq = 0
    this.ahead.clear()
    this.events.reset(epoch)
  }
}

/** What a client sends as a message (SendMessageRequest's fields). */
export interface SentMessage {
  readonly to?: string | undefined
  readonly groupId?: string | undefined
  readonly type?: number | undefined
  readonly text?: string | undefined
  readonly media?: Message["media"] | undefined
}

/**
 * The change the sender's own log holds for a message it sent, from its request and its
 * acknowledgement (sync.proto, SendMessageResponse); undefined for a resend of a stored message,
 * whose stored content only a sync tells. `at_ms` is the acknowledgement's sent_at_ms (the log's
 * is a few milliseconds later). Normalize it with the Change codec for the shape a push decodes to.
 */
export const ownChange = (
  message: SentMessage,
  clientMsgId: string,
  ack: SendMessageResponse
): Change | undefined =>
  ack.duplicate
    ? undefined
    : {
      seq: ack.seq,
      atMs: ack.sentAtMs,
      message: {
        messageId: ack.messageId,
        // The message id is "<from>/<client_msg_id>".
        from: ack.messageId.slice(0, ack.messageId.length - clientMsgId.length - 1),
        to: message.to ?? "",
        groupId: message.groupId ?? "",
        type: message.type ?? 0,
        text: ack.text ?? message.text ?? "",
        clientMsgId,
        sentAtMs: ack.sentAtMs,
        media: message.media ?? null
      }
    } as Change
