/** Message state from a browser (sync.proto): read receipts and unread counts, on a connected client. */
import { Command } from "../../protocol/Command.ts"
import type { Answer, CommandSpec } from "./Transport.ts"
import type { WeftBrowserClient } from "./WeftBrowserClient.ts"

export const MessageCommands = {
  markRead: { id: Command.MARK_READ, name: "markread", request: "MarkReadRequest", response: "MarkReadResponse" },
  unreadCounts: { id: Command.UNREAD_COUNTS, name: "unreadcounts", request: "UnreadCountsRequest", response: "UnreadCountsResponse" }
} as const satisfies Record<string, CommandSpec>

export interface UnreadCount {
  /** The other user's id, or the group id. */
  readonly conversation: string
  readonly count: number
  readonly lastSeq: number
  readonly lastMessageId: string
}

/**
 * Marks a conversation read up to `seq` of the user's log (0: everything so far), on every
 * device of the user; resolves with what is still unread in it.
 */
export const markRead = async (client: WeftBrowserClient, conversation: string, seq = 0): Promise<number> =>
  (await client.call<{ base?: Answer["base"]; unread: number }>(MessageCommands.markRead, { conversation, seq })).unread

/** The user's unread messages per conversation, the same on every device. */
export const unreadCounts = async (client: WeftBrowserClient): Promise<ReadonlyArray<UnreadCount>> =>
  (await client.call<{ base?: Answer["base"]; conversations: ReadonlyArray<UnreadCount> }>(MessageCommands.unreadCounts, {}))
    .conversations
