/**
 * The message actor: one per sender. A 1:1 message is stored in the sender's own log (so the
 * sender's other devices see it) and then in the recipient's log before it is acknowledged. A
 * group message goes to the group's actor, which writes it into every member's log (write
 * fan-out, Groups.ts). Every append carries the same dedupe key, "msg:<from>/<client_msg_id>",
 * and dedupe is per log, so a resend after a lost acknowledgement — or after a crash half-way
 * through the appends — stores nothing twice in any log and completes the ones missing.
 *
 * A recall finds a 1:1 message by its dedupe key in the sender's own log, so sending writes
 * nothing else; a group message's sent record says where it went (Conversations.ts recalls).
 *
 * Several data centres (docs/multi-idc.md): a recipient homed in another IDC gets the message
 * through this IDC's queue for that IDC instead (cluster/Idc.ts): the message is acknowledged
 * once the queue holds it, and the other IDC appends it under the same dedupe key.
 */
import { Effect, Exit, Option, Schema } from "effect"
import type { Mutable } from "effect/Types"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { isGroupId } from "../protocol/groups.ts"
import { ownerOfMedia } from "../protocol/media.ts"
import {
  MAX_CLIENT_MSG_ID_LENGTH,
  MAX_DURATION_MS,
  MAX_FILE_NAME_LENGTH,
  MAX_MEDIA_ID_LENGTH,
  MAX_MIME_TYPE_LENGTH,
  MAX_MENTIONS,
  MAX_TEXT_LENGTH,
  type MessageRecord,
  messageRecord,
  MessageType
} from "../protocol/messages.ts"
import { Codecs } from "../protocol/Proto.ts"
import { badRequest, conflict, notFound, recipientNotFound, unavailable, WeftError } from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError } from "../storage/Storage.ts"
import { actorClient, DirectCall } from "./ActorCall.ts"
import { Hooks, type MessageDraft, rejection } from "../server/Hooks.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity, answersNow, type LocalEnvelope } from "./LocalActors.ts"
import { Append, ChangeLog, encodeMessageBody } from "./ChangeLog.ts"
import { SENT_RECORD_TTL_MS, type SentRecord, sentDirectly, sentRecordKey } from "./Conversations.ts"
import { Group, MediaRecord } from "./Groups.ts"
import { accountHomes, isValidUserId } from "./Session.ts"
import { Idc } from "../cluster/Idc.ts"
import { Uploads } from "./Uploads.ts"

export { MAX_CLIENT_MSG_ID_LENGTH, MAX_TEXT_LENGTH }

export const Send = Rpc.make("Send", {
  payload: {
    /** The recipient of a 1:1 message, or "". */
    to: Schema.String,
    /** The group of a group message, or "". */
    groupId: Schema.String,
    type: Schema.Number,
    text: Schema.String,
    clientMsgId: Schema.String,
    media: Schema.NullOr(MediaRecord),
    /** The sender's connection that asked not to be pushed the message (Pusher.push). */
    origin: Schema.optional(Schema.String),
    /** Group messages: members mentioned, and the message answered (protocol/messages.ts). */
    mentions: Schema.optional(Schema.Array(Schema.String)),
    replyTo: Schema.optional(Schema.String)
  },
  success: Schema.Struct({
    messageId: Schema.String,
    seq: Schema.Number,
    sentAtMs: Schema.Number,
    duplicate: Schema.Boolean,
    /** The text as stored, when a hook rewrote the request's. */
    text: Schema.optional(Schema.String),
    /** A read-diffusion group: the message's sequence in the group's log (seq is then 0). */
    groupSeq: Schema.optional(Schema.Number)
  }),
  error: WeftError
}).annotate(DirectCall, true)

export const Messenger = actorEntity(Entity.make("Messenger", [Send]))

type SendRequest = typeof Send.payloadSchema.Type

/** What a change log answers an Append (ChangeLog.ts). */
type OwnEntry = typeof Append.successSchema.Type

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

/** A client message id names one message: reusing it for another conversation is refused. */
export const reused = (message: { readonly clientMsgId: string }) =>
  conflict(`client_msg_id ${JSON.stringify(message.clientMsgId)} was already used for a message to another conversation`)

const isMediaType = (type: number) =>
  type === MessageType.IMAGE || type === MessageType.VOICE || type === MessageType.VIDEO || type === MessageType.FILE

/** What is wrong with a message's mentions and reply_to, if anything. */
const validateNamed = (request: SendRequest): string | undefined => {
  const mentions = request.mentions ?? []
  const replyTo = request.replyTo ?? ""
  if (mentions.length === 0 && replyTo === "") return undefined
  if (request.groupId === "") return "mentions and reply_to are for group messages"
  if (mentions.length > MAX_MENTIONS) return `a message mentions at most ${MAX_MENTIONS} members`
  if (mentions.some((userId) => !isValidUserId(userId))) return "mentions must be user ids"
  if (replyTo.length > 2 * MAX_CLIENT_MSG_ID_LENGTH + 1) return "reply_to must be a message id"
  return undefined
}

/**
 * Checks everything that does not need storage: the message's shape and sizes. A plain function
 * (what is wrong, or undefined): it runs for every message.
 */
const invalid = (request: SendRequest): WeftError | undefined => {
  if ((request.to === "") === (request.groupId === "")) {
    return badRequest("exactly one of to and group_id must be set")
  }
  const named = validateNamed(request)
  if (named !== undefined) return badRequest(named)
  if (request.clientMsgId.length === 0 || request.clientMsgId.length > MAX_CLIENT_MSG_ID_LENGTH) {
    return badRequest(`client_msg_id must have 1..${MAX_CLIENT_MSG_ID_LENGTH} characters`)
  }
  if (request.type === MessageType.TEXT) {
    if (request.media !== null) return badRequest("a text message carries no media")
    if (request.text.length === 0 || request.text.length > MAX_TEXT_LENGTH) {
      return badRequest(`text must have 1..${MAX_TEXT_LENGTH} characters`)
    }
    return undefined
  }
  if (!isMediaType(request.type)) return badRequest(`message type ${request.type} is not supported`)
  if (request.text.length > MAX_TEXT_LENGTH) {
    return badRequest(`a caption must have at most ${MAX_TEXT_LENGTH} characters`)
  }
  const media = request.media
  if (media === null) return badRequest("an image, voice, video or file message needs media")
  if (media.mediaId.length === 0 || media.mediaId.length > MAX_MEDIA_ID_LENGTH) {
    return badRequest(`media.media_id must have 1..${MAX_MEDIA_ID_LENGTH} characters`)
  }
  if (media.mimeType.length === 0 || media.mimeType.length > MAX_MIME_TYPE_LENGTH) {
    return badRequest(`media.mime_type must have 1..${MAX_MIME_TYPE_LENGTH} characters`)
  }
  if (!Number.isSafeInteger(media.size) || media.size < 1) {
    return badRequest("media.size must be a whole number of bytes, at least 1")
  }
  if (media.thumbnailMediaId.length > MAX_MEDIA_ID_LENGTH) {
    return badRequest(`media.thumbnail_media_id must have at most ${MAX_MEDIA_ID_LENGTH} characters`)
  }
  if (!Number.isInteger(media.durationMs) || media.durationMs < 0 || media.durationMs > MAX_DURATION_MS) {
    return badRequest(`media.duration_ms must be 0..${MAX_DURATION_MS}`)
  }
  if (media.fileName.length > MAX_FILE_NAME_LENGTH) {
    return badRequest(`media.file_name must have at most ${MAX_FILE_NAME_LENGTH} characters`)
  }
  return undefined
}

/** A message as the application's hooks see it. */
const draftOf = (from: string, request: SendRequest): MessageDraft => ({
  from,
  to: request.to,
  groupId: request.groupId,
  type: request.type,
  text: request.text,
  clientMsgId: request.clientMsgId,
  mediaId: request.media?.mediaId ?? ""
})

export const layer = Messenger.toLayer(
  supervised("Messenger", Effect.gen(function*() {
    const storage = yield* Storage
    const changeLogs = yield* actorClient(ChangeLog)
    const groups = yield* actorClient(Group)
    const self = yield* Entity.CurrentAddress
    const from = self.entityId
    const uploads = yield* actorClient(Uploads)
    const hooks = yield* Hooks
    const idc = Option.getOrUndefined(yield* Effect.serviceOption(Idc))
    /** Recipients known to exist, with their home IDC: storage is asked once per recipient. */
    const recipients = accountHomes(storage, idc)

    /** Shares the message's media (ids weft issued; others are opaque) with its recipients. */
    const shareMedia = (request: SendRequest) =>
      request.media === null ? Effect.void : Effect.forEach([request.media?.mediaId ?? "", request.media?.thumbnailMediaId ?? ""], (mediaId) => {
        const owner = ownerOfMedia(mediaId)
        return owner === undefined
          ? Effect.void
          : uploads(owner).Share({ mediaId, by: from, to: request.to, groupId: request.groupId })
      }, { discard: true })

    /** Where a message this sender already stored went: its sent record, or a 1:1 message's entry in the sender's log. */
    const sentBefore = (direct: boolean, clientMsgId: string) =>
      (direct ? sentDirectly(storage, from, clientMsgId) : storage.get(sentRecordKey(from, clientMsgId)).pipe(
        Effect.map((found) => found === undefined ? undefined : decodeJson<SentRecord>(found))
      )).pipe(Effect.mapError(storageFailed))

    /** What a recall of a group message needs later. The first record wins: a resend does not move sentAtMs. */
    const remember = (record: SentRecord, clientMsgId: string) =>
      storage.set(sentRecordKey(from, clientMsgId), encodeJson(record), {
        ttlMs: SENT_RECORD_TTL_MS,
        onlyIfAbsent: true
      }).pipe(Effect.mapError(storageFailed))

    /**
     * After the sender's own log took a 1:1 message (or had it: a resend): the ack, and the body of
     * the recipient's entry (none for a message to oneself) — or the refusal of an id already
     * used for another conversation. The sender's own log comes first: its dedupe key answers
     * what a read of the sent record would (a resend keeps the first content), so nothing is read
     * before the writes — each storage round trip waits for Redis's fsync.
     */
    const afterOwn = (message: MessageRecord, ownBody: Uint8Array, own: OwnEntry) => {
      const decoded = own.duplicate ? Codecs.Change.decode(own.data).message : undefined
      const stored = decoded ? messageRecord(decoded) : message
      if (stored.to !== message.to || stored.groupId !== "") return reused(message)
      const sent = { messageId: message.messageId, seq: own.seq, sentAtMs: stored.sentAtMs, duplicate: own.duplicate }
      // What a recall needs later is the sender's log entry, found by its dedupe key
      // (Conversations.ts): no record of its own is written for a 1:1 message.
      if (message.to === from) return { sent, body: undefined }
      // The recipient's entry has the same body (encoded once), or a resend's first content.
      return { sent, body: decoded ? encodeMessageBody(stored) : ownBody }
    }

    /** The recipient's entry: appended to their log, or queued for their home IDC. */
    const deliverTheirs = (to: string, body: Uint8Array, dedupeKey: string) => {
      const away = recipients.homeOf(to)
      return away !== undefined && idc !== undefined
        ? idc.enqueue(away, { to, dedupeKey, change: body })
        : changeLogs(to).Append({ body, dedupeKey })
    }

    /** The rest of a 1:1 message once the sender's log answered. */
    const onOwn = (message: MessageRecord, ownBody: Uint8Array, dedupeKey: string, own: OwnEntry) => {
      const next = afterOwn(message, ownBody, own)
      if (next instanceof WeftError) return Effect.fail(next)
      return next.body === undefined ? Effect.succeed(next.sent) : Effect.as(deliverTheirs(message.to, next.body, dedupeKey), next.sent)
    }

    // A 1:1 message: two appends in a row, written as one chain of steps (it runs for every message).
    const deliverDirect = (message: MessageRecord, origin: string | undefined) => {
      const dedupeKey = `msg:${message.messageId}`
      const ownBody = encodeMessageBody(message)
      return Effect.flatMap(changeLogs(from).Append({ body: ownBody, dedupeKey, origin }), (own) => onOwn(message, ownBody, dedupeKey, own))
    }

    const sendDirect = (message: MessageRecord, origin: string | undefined) => {
      if (!isValidUserId(message.to)) return Effect.fail(recipientNotFound(`no user ${JSON.stringify(message.to)}`))
      if (recipients.known(message.to)) return deliverDirect(message, origin)
      return Effect.matchEffect(recipients.lookUp(message.to), {
        onFailure: (error) => Effect.fail(storageFailed(error)),
        onSuccess: (exists) => exists ? deliverDirect(message, origin) : Effect.fail(recipientNotFound(`no user ${message.to}`))
      })
    }

    const sendToGroup = Effect.fnUntraced(function*(message: MessageRecord, origin: string | undefined) {
      if (!isGroupId(message.groupId)) return yield* notFound(`no group ${JSON.stringify(message.groupId)}`)
      const posted = yield* groups(message.groupId).Post({ message, origin })
      yield* remember(
        { to: "", groupId: message.groupId, sentAtMs: posted.sentAtMs, groupVersion: posted.version, copies: posted.copies },
        message.clientMsgId
      )
      return {
        messageId: message.messageId,
        seq: posted.seq,
        sentAtMs: posted.sentAtMs,
        duplicate: posted.duplicate,
        ...(posted.groupSeq > 0 ? { groupSeq: posted.groupSeq } : {})
      }
    })

    /**
     * The application's verdict on a new message (server/Hooks.ts): the request as it is to be
     * stored, or the refusal. A resend of a stored message is not asked again: its content
     * was decided the first time.
     */
    const moderated = Effect.fnUntraced(function*(request: SendRequest) {
      const verdict = yield* hooks.beforeMessage!(draftOf(from, request))
      if (verdict.action === "reject") return yield* rejection(verdict)
      if (verdict.action === "allow") return request
      const rewritten = { ...request, text: verdict.text }
      const error = invalid(rewritten)
      if (error !== undefined) return yield* new WeftError({ code: error.code, message: `rewritten by a hook: ${error.message}` })
      return rewritten
    })

    /** The message as stored, from the request as it is to be stored. */
    const messageOf = (request: SendRequest): MessageRecord => {
      const message: Mutable<MessageRecord> = {
        messageId: `${from}/${request.clientMsgId}`,
        from,
        to: request.to,
        groupId: request.groupId,
        type: request.type,
        text: request.text,
        clientMsgId: request.clientMsgId,
        sentAtMs: Date.now(),
        media: request.media
      }
      // Set only when there are some (no object spread per message for the fields most lack).
      if (request.mentions !== undefined && request.mentions.length > 0) message.mentions = request.mentions
      if (request.replyTo) message.replyTo = request.replyTo
      return message
    }

    // Every message but the commonest: a group's, one with media, or one the application's hooks see.
    const sendInFull = Effect.fnUntraced(function*(original: SendRequest) {
      let request = original
      // A 1:1 message learns whether it is a resend from the sender's log (sendDirect), without
      // a read — unless a beforeMessage hook must not be asked again about a stored message.
      const previous = request.groupId === "" && hooks.beforeMessage === undefined
        ? undefined
        : yield* sentBefore(request.groupId === "", request.clientMsgId)
      if (previous !== undefined) {
        if (previous.to !== request.to || previous.groupId !== request.groupId) return yield* reused(request)
      } else if (hooks.beforeMessage !== undefined) {
        request = yield* moderated(request)
      }
      if (request.media !== null) yield* shareMedia(request)
      const message = messageOf(request)
      const sent = yield* (request.groupId === "" ? sendDirect(message, original.origin) : sendToGroup(message, original.origin))
      if (hooks.afterMessage !== undefined && !sent.duplicate) {
        yield* hooks.afterMessage({ ...draftOf(from, request), messageId: sent.messageId, sentAtMs: sent.sentAtMs, seq: sent.seq })
      }
      return request.text === original.text ? sent : { ...sent, text: request.text }
    })

    /** The commonest message — 1:1, no media, no hooks: what every chat sends most. */
    const commonest = (request: SendRequest) =>
      request.groupId === "" && request.media === null && hooks.beforeMessage === undefined && hooks.afterMessage === undefined

    const send = (request: SendRequest) => {
      const error = invalid(request)
      if (error !== undefined) return Effect.fail(error)
      // The commonest message as a plain chain of steps (no generator).
      return commonest(request) ? sendDirect(messageOf(request), request.origin) : sendInFull(request)
    }

    /**
     * Send's plain form (answersNow, LocalActors.ts): the commonest message to a recipient known
     * here, answered within the call when both logs answer within theirs (their actors free here,
     * the store answering at once); once the sender's log took it, what is left runs as an
     * effect; undefined, nothing done, when it cannot start so.
     */
    const sendNow = ({ payload: request, headers }: LocalEnvelope): Effect.Effect<unknown, WeftError> | undefined => {
      const payload = request as SendRequest
      if (!commonest(payload) || invalid(payload) !== undefined || !isValidUserId(payload.to) || !recipients.known(payload.to)) {
        return undefined
      }
      const message = messageOf(payload)
      const dedupeKey = `msg:${message.messageId}`
      const ownBody = encodeMessageBody(message)
      const own = changeLogs.now(from, "Append", { body: ownBody, dedupeKey, origin: payload.origin }, self, headers)
      if (own === undefined) return undefined
      if (!Exit.isExit(own)) return Effect.flatMap(own, (entry) => onOwn(message, ownBody, dedupeKey, entry as OwnEntry))
      if (Exit.isFailure(own)) return own
      const next = afterOwn(message, ownBody, own.value as OwnEntry)
      if (next instanceof WeftError) return Exit.fail(next)
      if (next.body === undefined) return Exit.succeed(next.sent)
      const theirs = idc === undefined || recipients.homeOf(message.to) === undefined
        ? changeLogs.now(message.to, "Append", { body: next.body, dedupeKey }, self, headers)
        : undefined
      if (theirs === undefined) return Effect.as(deliverTheirs(message.to, next.body, dedupeKey), next.sent)
      if (!Exit.isExit(theirs)) return Effect.as(theirs, next.sent)
      return Exit.isFailure(theirs) ? theirs : Exit.succeed(next.sent)
    }

    return Messenger.of({ Send: answersNow(({ payload }) => send(payload), sendNow) })
  })),
  { maxIdleTime: "1 minute", defectRetryPolicy: restartPolicy }
)
