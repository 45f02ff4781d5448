/**
 * Commands of message state: recall a message, mark a conversation read, unread counts. Each
 * goes to the caller's own Conversations actor (sending itself is SEND_MESSAGE, in core.ts).
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../../actors/ActorCall.ts"
import { Conversations } from "../../actors/Conversations.ts"
import { Command } from "../../protocol/Command.ts"
import { MessageCodecs } from "../../protocol/messages.ts"
import { type CommandHandler, handler } from "../CommandTable.ts"

const ok = { code: 0, message: "" }

export const handlers: Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding> = Effect.gen(function*() {
  const conversations = yield* actorClient(Conversations)
  return [
    handler(
      {
        id: Command.RECALL_MESSAGE,
        name: "recallmessage",
        request: MessageCodecs.RecallMessageRequest,
        response: MessageCodecs.RecallMessageResponse
      },
      (caller, request) =>
        conversations(caller.userId).Recall({ messageId: request.messageId }).pipe(
          Effect.map((recalled) => ({ base: ok, ...recalled }))
        )
    ),
    handler(
      {
        id: Command.MARK_READ,
        name: "markread",
        request: MessageCodecs.MarkReadRequest,
        response: MessageCodecs.MarkReadResponse
      },
      (caller, request) =>
        conversations(caller.userId).MarkRead({ conversation: request.conversation, seq: request.seq })
          .pipe(Effect.map((read) => ({ base: ok, ...read })))
    ),
    handler(
      {
        id: Command.UNREAD_COUNTS,
        name: "unreadcounts",
        request: MessageCodecs.UnreadCountsRequest,
        response: MessageCodecs.UnreadCountsResponse
      },
      (caller) =>
        conversations(caller.userId).UnreadCounts().pipe(
          Effect.map((counts) => ({ base: ok, ...counts }))
        )
    )
  ]
})
