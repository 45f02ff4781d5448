/** The SDK side of message state: recall, read marks, unread counts, on a connected WeftClient. */
import { Command } from "../protocol/Command.ts"
import {
  type MarkReadResponse,
  MessageCodecs,
  type RecallMessageResponse,
  type UnreadCountsResponse
} from "../protocol/messages.ts"
import type { WeftClient } from "./WeftClient.ts"

/** Recalls a message this user sent ("<me>/<client_msg_id>") within the server's recall window. */
export const recallMessage = (client: WeftClient, messageId: string): Promise<RecallMessageResponse> =>
  client.call(Command.RECALL_MESSAGE, MessageCodecs.RecallMessageRequest, MessageCodecs.RecallMessageResponse, {
    messageId
  })

/**
 * Marks a conversation (a user id or a group id) read up to `seq` of this user's log — e.g. the
 * seq of the newest message shown; 0 (the default) for everything so far.
 */
export const markRead = (client: WeftClient, conversation: string, seq = 0): Promise<MarkReadResponse> =>
  client.call(Command.MARK_READ, MessageCodecs.MarkReadRequest, MessageCodecs.MarkReadResponse, { conversation, seq })

/** Unread messages per conversation, the same on every device of the user. */
export const unreadCounts = (client: WeftClient): Promise<UnreadCountsResponse> =>
  client.call(Command.UNREAD_COUNTS, MessageCodecs.UnreadCountsRequest, MessageCodecs.UnreadCountsResponse, {})
