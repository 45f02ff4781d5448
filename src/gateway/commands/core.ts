/** The commands of a logged-in caller that every deployment has: ping, send message, sync. */
import { Effect, Exit } from "effect"
import { actorClient } from "../../actors/ActorCall.ts"
import { ChangeLog } from "../../actors/ChangeLog.ts"
import { Messenger } from "../../actors/Messenger.ts"
import { Command } from "../../protocol/Command.ts"
import { encodeSendMessageResponse, encodeSyncResponse, type SentAck } from "../../protocol/prebuilt.ts"
import { mediaRecord } from "../../protocol/messages.ts"
import { Codecs, type SendMessageRequest } from "../../protocol/Proto.ts"
import type { WeftError } from "../../protocol/WeftError.ts"
import { type Caller, handler } from "../CommandTable.ts"
import { GatewayConfig } from "../GatewayConfig.ts"

const ok = { code: 0, message: "" }

/** Messenger's Send, from a SEND_MESSAGE request. */
const sendOf = (caller: Caller, request: SendMessageRequest) => ({
  to: request.to,
  groupId: request.groupId ?? "",
  type: request.type,
  text: request.text,
  clientMsgId: request.clientMsgId,
  media: mediaRecord(request.media),
  origin: request.noEcho === true ? caller.origin : undefined,
  mentions: request.mentions,
  replyTo: request.replyTo
})

export const handlers = Effect.gen(function*() {
  const config = yield* GatewayConfig
  const messengers = yield* actorClient(Messenger)
  const changeLogs = yield* actorClient(ChangeLog)
  return [
    handler(
      { id: Command.PING, name: "ping", request: Codecs.PingRequest, response: Codecs.PongResponse },
      () => Effect.sync(() => ({ base: ok, serverTimeMs: Date.now() }))
    ),
    handler(
      {
        id: Command.SEND_MESSAGE,
        name: "sendmessage",
        request: Codecs.SendMessageRequest,
        response: Codecs.SendMessageResponse
      },
      (caller, request) => messengers(caller.userId).Send(sendOf(caller, request)).pipe(Effect.map(encodeSendMessageResponse)),
      // The commonest message answered within the call (Messenger's plain form): no fiber.
      (caller, request, headers) => {
        const sent = messengers.now(caller.userId, "Send", sendOf(caller, request), undefined, headers) as
          | Effect.Effect<SentAck, WeftError>
          | undefined
        if (sent === undefined) return undefined
        if (!Exit.isExit(sent)) return Effect.map(sent, encodeSendMessageResponse)
        const exit = sent as Exit.Exit<SentAck, WeftError>
        return Exit.isSuccess(exit) ? Exit.succeed(encodeSendMessageResponse(exit.value)) : Exit.failCause(exit.cause)
      }
    ),
    handler(
      { id: Command.SYNC, name: "sync", request: Codecs.SyncRequest, response: Codecs.SyncResponse },
      (caller, request) => {
        const limit = request.limit === 0 ? config.maxSyncPage : Math.min(request.limit, config.maxSyncPage)
        return changeLogs(caller.userId).Sync({ cursor: request.cursor, limit }).pipe(
          // Stored changes go to the wire as they are, without a decode and re-encode.
          Effect.map((page) => encodeSyncResponse(page.entries, page.cursor, page.more, page.epoch))
        )
      }
    )
  ]
})
