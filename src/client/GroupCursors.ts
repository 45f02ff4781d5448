/**
 * A device's places in the logs of its read-diffusion groups (docs/groups.md): one cursor per
 * group, moved by pushed entries of the group's log and by SYNC_GROUP pages, the way the user's
 * own cursor is moved by pushes and SYNC. The user's own log says when to pull: a membership event
 * gives a group's starting point, a GroupNews marker its new head. Entries are applied once, in
 * the group's sequence order, whatever brings them.
 *
 * Platform-free: the Node and browser SDKs give it their own way to send SYNC_GROUP.
 */
import { startsReading } from "../protocol/groupEvents.ts"
import type { Change, Message, SendMessageResponse } from "../protocol/Proto.ts"
import { DisconnectedError } from "./errors.ts"
import { type ChangeEmitter, emitting, type LogCursorEvents, ownChange, type SentMessage } from "./LogCursor.ts"

/** One SYNC_GROUP round trip: the page of the group's log after `cursor`. */
export type PullGroup = (groupId: string, cursor: number) => Promise<{
  readonly changes: ReadonlyArray<Change>
  readonly cursor: number
  readonly more: boolean
  readonly epoch: string
}>

export interface GroupCursorEvents {
  /** An entry of a group's log, once, in the group's sequence order. */
  readonly change: (groupId: string, change: Change) => void
  readonly error: (error: Error) => void
}

export class GroupCursors {
  private readonly cursors: Map<string, number>
  /** The newest head heard of (news, pushes): a device behind it pulls after a reconnect. */
  private readonly heads = new Map<string, number>()
  private readonly epochs = new Map<string, string>()
  private readonly pulling = new Map<string, Promise<void>>()
  private readonly pullAgain = new Set<string>()

  constructor(
    initial: Readonly<Record<string, number>> | undefined,
    private readonly userId: string,
    private readonly pull: PullGroup,
    private readonly events: GroupCursorEvents
  ) {
    this.cursors = new Map(Object.entries(initial ?? {}))
  }

  /** Each group's cursor: persist it (beside the log cursor) to resume after a restart. */
  get snapshot(): Record<string, number> {
    return Object.fromEntries(this.cursors)
  }

  /** Whether this device reads the group's messages from the group's log. */
  reads(groupId: string): boolean {
    return this.cursors.has(groupId)
  }

  /** A change of the user's own log: a group to start reading, or a group's news. */
  seen(change: Change): void {
    const event = change.group
    if (startsReading(event, this.userId)) {
      if (!this.cursors.has(event.groupId)) this.cursors.set(event.groupId, event.logSeq ?? 0)
      return
    }
    const news = change.groupNews
    if (news) this.heard(news.groupId, news.seq)
  }

  /**
   * The client's own message, acknowledged (sent with no_echo): in a group this device reads from
   * the group's log, it is that log's entry `ack.group_seq`, applied like its push. False for any
   * other message (the user's log takes it).
   */
  acknowledged(message: SentMessage, clientMsgId: string, ack: SendMessageResponse, normalize: (change: Change) => Change): boolean {
    const groupSeq = ack.groupSeq ?? 0
    if (groupSeq === 0 || !message.groupId) return false
    const change = ownChange(message, clientMsgId, { ...ack, seq: groupSeq })
    if (change !== undefined) this.pushed(message.groupId, normalize(change))
    return true
  }

  /** A pushed entry of a group's log: applied if it is the next, else the group is pulled. */
  pushed(groupId: string, change: Change): void {
    const cursor = this.cursors.get(groupId)
    if (cursor !== undefined && change.seq === cursor + 1 && !this.pulling.has(groupId)) {
      this.apply(groupId, change)
      return
    }
    this.heard(groupId, change.seq)
  }

  /** After a reconnect: pulls every group this device is behind in. */
  resume(): Promise<void> {
    const behind = [...this.heads].filter(([groupId, head]) => (this.cursors.get(groupId) ?? 0) < head)
    return Promise.all(behind.map(([groupId]) => this.catchUp(groupId))).then(() => {})
  }

  /** Pulls the group's log from the cursor to its head, a page per round trip. */
  catchUp(groupId: string): Promise<void> {
    const running = this.pulling.get(groupId)
    if (running !== undefined) {
      this.pullAgain.add(groupId)
      return running
    }
    const pulled = this.pullPages(groupId)
      .catch((error: unknown) => {
        // Offline: the next login's resume() pulls what is still missing.
        if (!(error instanceof DisconnectedError)) this.events.error(error instanceof Error ? error : new Error(String(error)))
      })
      .finally(() => {
        this.pulling.delete(groupId)
        // Asked for while a pull that failed was running: once more.
        if (this.pullAgain.has(groupId)) void this.catchUp(groupId)
      })
    this.pulling.set(groupId, pulled)
    return pulled
  }

  private heard(groupId: string, seq: number): void {
    if (seq > (this.heads.get(groupId) ?? 0)) this.heads.set(groupId, seq)
    // A group this device has no place in yet starts at 0: the server starts it at its join.
    if (seq > (this.cursors.get(groupId) ?? 0)) void this.catchUp(groupId)
  }

  private async pullPages(groupId: string): Promise<void> {
    do {
      this.pullAgain.delete(groupId)
      for (;;) {
        const cursor = this.cursors.get(groupId) ?? 0
        const page = await this.pull(groupId, cursor)
        const epoch = this.epochs.get(groupId)
        if (epoch !== undefined && page.epoch !== epoch) {
          // The group's history is gone: read it again from the start.
          this.epochs.set(groupId, page.epoch)
          this.cursors.set(groupId, 0)
          continue
        }
        this.epochs.set(groupId, page.epoch)
        for (const change of page.changes) this.apply(groupId, change)
        if (page.cursor > (this.cursors.get(groupId) ?? 0)) this.cursors.set(groupId, page.cursor)
        if (!page.more || page.cursor <= cursor) break
      }
    } while (this.pullAgain.has(groupId))
  }

  private apply(groupId: string, change: Change): void {
    if (change.seq <= (this.cursors.get(groupId) ?? 0)) return
    this.cursors.set(groupId, change.seq)
    this.events.change(groupId, change)
  }
}

/** How an SDK tells its listeners what it applied (its `emit`), groups' entries included. */
export interface GroupEmitter extends ChangeEmitter {
  (event: "groupChange", groupId: string, change: Change): void
  (event: "message", message: Message, seq: number): void
  (event: "error", error: Error): void
}

/** The events of both SDKs for a group's entry: `groupChange`, then `message` for a message. */
export const groupEmitting = (emit: GroupEmitter): GroupCursorEvents => ({
  change: (groupId, change) => {
    emit("groupChange", groupId, change)
    if (change.message) emit("message", change.message, change.seq)
  },
  error: (error) => emit("error", error)
})

/**
 * The events of the user's own log (LogCursor.ts) for a client that also reads groups' logs:
 * each change tells `groups` what it says (a group to start reading, a group's news), and a copy
 * of a group log's message (a mention's) is a `change` but not a second `message`.
 */
export const readingGroups = (emit: GroupEmitter, groups: GroupCursors): LogCursorEvents => {
  const events = emitting(emit)
  return {
    change: (change) => {
      if (change.message && groups.reads(change.message.groupId ?? "")) emit("change", change)
      else events.change(change)
      groups.seen(change)
    },
    reset: events.reset
  }
}
