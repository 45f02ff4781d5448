/** Group ids start with "g:" (protocol/groups.ts); user ids never do. */
export const isGroup = (conversation: string): boolean => conversation.startsWith("g:")

/**
 * What the chat page shows, rebuilt from the user's log: conversations (1:1 by the other user,
 * groups by group id), their messages in log order, and messages still on their way.
 */
import type { Change, Message } from "../../protocol/Proto.ts"

export interface Entry {
  /** The server's message id once stored; until then "<me>/<client message id>" as the server will name it. */
  readonly messageId: string
  readonly from: string
  text: string
  readonly sentAtMs: number
  state: "stored" | "pending" | "failed" | "recalled"
}

export interface Conversation {
  /** The other user's id, or the group id ("g:..."). */
  readonly id: string
  /** What to call it: the user id, or the group's name. */
  title: string
  readonly entries: Array<Entry>
  unread: number
}

export class Conversations {
  private readonly byId = new Map<string, Conversation>()

  constructor(readonly me: string) {}

  /** Takes the server's unread counts (the same on all the user's devices) over the page's own. */
  setUnread(counts: ReadonlyArray<{ readonly conversation: string; readonly count: number }>): void {
    for (const conversation of this.byId.values()) conversation.unread = 0
    for (const { conversation, count } of counts) this.get(conversation).unread = count
  }

  /** Newest activity first. */
  list(): Array<Conversation> {
    const last = (c: Conversation) => c.entries.at(-1)?.sentAtMs ?? Number.MAX_SAFE_INTEGER
    return [...this.byId.values()].sort((a, b) => last(b) - last(a))
  }

  get(id: string): Conversation {
    let conversation = this.byId.get(id)
    if (conversation === undefined) {
      conversation = { id, title: id, entries: [], unread: 0 }
      this.byId.set(id, conversation)
    }
    return conversation
  }

  /** The conversation a message belongs to, as this user sees it. */
  conversationOf(message: Message): string {
    if (message.groupId) return message.groupId
    return message.from === this.me ? message.to : message.from
  }

  /** Applies one change of the log; returns the conversation it touched, if any. */
  apply(change: Change, open: string | undefined): string | undefined {
    if (change.message) return this.addMessage(change.message, open)
    if (change.group) {
      // Group events name the group (created, renamed, joined): the conversation shows the name.
      this.get(change.group.groupId).title = change.group.name || change.group.groupId
      return change.group.groupId
    }
    const recalled = change.recalled
    if (recalled) {
      const id = recalled.groupId || (recalled.from === this.me ? recalled.to : recalled.from)
      const entry = this.byId.get(id)?.entries.find((e) => e.messageId === recalled.messageId)
      if (entry !== undefined) {
        entry.state = "recalled"
        entry.text = "message recalled"
      }
      return id
    }
    return undefined
  }

  /** Shows a message being sent before the server stores it. */
  addPending(to: string, clientMsgId: string, text: string): Entry {
    const entry: Entry = { messageId: `${this.me}/${clientMsgId}`, from: this.me, text, sentAtMs: Date.now(), state: "pending" }
    this.get(to).entries.push(entry)
    return entry
  }

  private addMessage(message: Message, open: string | undefined): string {
    const id = this.conversationOf(message)
    const conversation = this.get(id)
    const known = conversation.entries.find((e) => e.messageId === message.messageId)
    if (known !== undefined) {
      // Our own message coming back from the log: it is stored now.
      if (known.state === "pending" || known.state === "failed") known.state = "stored"
      return id
    }
    conversation.entries.push({ messageId: message.messageId, from: message.from, text: message.text, sentAtMs: message.sentAtMs, state: "stored" })
    if (message.from !== this.me && id !== open) conversation.unread++
    return id
  }
}
