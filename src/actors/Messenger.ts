/**
 * The message actor: one per sender. A send is stored in the recipient's log and then in the
 * sender's own log (so the sender's other devices see it) before it is acknowledged. Both
 * appends carry the same dedupe key, "<from>/<client_msg_id>", so a resend after a lost
 * acknowledgement — or after a crash between the two appends — stores nothing twice.
 */
import { Effect, Schedule, Schema } from "effect"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { Codecs } from "../protocol/Proto.ts"
import { badRequest, internal, recipientNotFound, WeftError } from "../protocol/WeftError.ts"
import { Storage } from "../storage/Storage.ts"
import { callActor } from "./ActorCall.ts"
import { ChangeLog, encodeChangeBody, type MessageRecord } from "./ChangeLog.ts"
import { accountKey, isValidUserId } from "./Session.ts"

export const MAX_TEXT_LENGTH = 4096
export const MAX_CLIENT_MSG_ID_LENGTH = 64

export const Send = Rpc.make("Send", {
  payload: { to: Schema.String, type: Schema.Number, text: Schema.String, clientMsgId: Schema.String },
  success: Schema.Struct({
    messageId: Schema.String,
    seq: Schema.Number,
    sentAtMs: Schema.Number,
    duplicate: Schema.Boolean
  }),
  error: WeftError
})

export const Messenger = Entity.make("Messenger", [Send])

export const layer = Messenger.toLayer(
  Effect.gen(function*() {
    const storage = yield* Storage
    const changeLogs = yield* ChangeLog.client
    const from = (yield* Entity.CurrentAddress).entityId

    const send = Effect.fn("Messenger.send")(function*(request: typeof Send.payloadSchema.Type) {
      if (!isValidUserId(request.to)) return yield* recipientNotFound(`no user ${JSON.stringify(request.to)}`)
      if (request.type !== 0) return yield* badRequest(`message type ${request.type} is not supported`)
      if (request.text.length === 0 || request.text.length > MAX_TEXT_LENGTH) {
        return yield* badRequest(`text must have 1..${MAX_TEXT_LENGTH} characters`)
      }
      if (request.clientMsgId.length === 0 || request.clientMsgId.length > MAX_CLIENT_MSG_ID_LENGTH) {
        return yield* badRequest(`client_msg_id must have 1..${MAX_CLIENT_MSG_ID_LENGTH} characters`)
      }
      const exists = yield* storage.get(accountKey(request.to)).pipe(
        Effect.mapError((error) => internal(`storage ${error.operation} failed`))
      )
      if (exists === undefined) return yield* recipientNotFound(`no user ${request.to}`)

      const messageId = `${from}/${request.clientMsgId}`
      const message: MessageRecord = {
        messageId,
        from,
        to: request.to,
        type: request.type,
        text: request.text,
        clientMsgId: request.clientMsgId,
        sentAtMs: Date.now()
      }
      const dedupeKey = `msg:${messageId}`
      const delivered = yield* callActor(
        changeLogs(request.to).Append({ body: encodeChangeBody({ message }), dedupeKey }),
        "recipient's change log"
      )
      // On a resend the recipient already holds the message: keep its original content.
      const stored = delivered.duplicate ? (Codecs.Change.decode(delivered.data).message ?? message) : message
      const own = request.to === from
        ? delivered
        : yield* callActor(changeLogs(from).Append({ body: encodeChangeBody({ message: stored }), dedupeKey }), "sender's change log")
      return { messageId, seq: own.seq, sentAtMs: stored.sentAtMs, duplicate: own.duplicate }
    })

    return Messenger.of({ Send: ({ payload }) => send(payload) })
  }),
  {
    maxIdleTime: "1 minute",
    defectRetryPolicy: Schedule.min([Schedule.exponential("100 millis"), Schedule.spaced("5 seconds")])
  }
)
