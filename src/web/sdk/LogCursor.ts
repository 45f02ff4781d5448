/**
 * Where a client is in its user's change log: the highest sequence applied and the log's epoch.
 * Changes are applied once, in sequence order, from whichever source brings them — a push, a
 * sync page, a long-poll answer — so a switch of transport repeats and skips nothing.
 */
import type { AuthResponse, Change, Push, SyncResponse } from "../../protocol/Proto.ts"

export interface LogCursorEvents {
  readonly change: (change: Change) => void
  /** The log's epoch changed: its history is gone; the cursor restarted from 0. */
  readonly reset: (epoch: string) => void
}

export class LogCursor {
  private startAtHead: boolean
  private seq: number

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

  private apply(change: Change): void {
    if (change.seq <= this.seq) return
    this.seq = change.seq
    this.events.change(change)
  }

  private restart(epoch: string): void {
    this.epochValue = epoch
    this.seq = 0
    this.events.reset(epoch)
  }
}
