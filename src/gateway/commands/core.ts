/** The commands of a logged-in caller that every deployment has: ping, send message, sync. */
import { Effect } from "effect"
import { actorClient } from "../../actors/ActorCall.ts"
import { ChangeLog } from "../../actors/ChangeLog.ts"
import { Messenger } from "../../actors/Messenger.ts"
import { Command } from "../../protocol/Command.ts"
import { encodeSendMessageResponse, encodeSyncResponse } from "../../protocol/prebuilt.ts"
import { mediaRecord } from "../../protocol/messages.ts"
import { Codecs } from "../../protocol/Proto.ts"
import { handler } from "../CommandTable.ts"
import { GatewayConfig } from "../GatewayConfig.ts"

const ok = { code: 0, message: "" }

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
      (caller, request) =>
        messengers(caller.userId).Send({
            to: request.to,
            groupId: request.groupId ?? "",
            type: request.type,
            text: request.text,
            clientMsgId: request.clientMsgId,
            media: mediaRecord(request.media),
            origin: request.noEcho === true ? caller.origin : undefined,
            mentions: request.mentions,
            replyTo: request.replyTo
          }).pipe(Effect.map(encodeSendMessageResponse))
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
