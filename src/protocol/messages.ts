/**
 * The message-state messages of proto/weft/v1/sync.proto: media references, recall, read
 * receipts and unread counts. (Message and SendMessageRequest themselves are in Proto.ts.)
 */
import { typed, type Message } from "./Proto.ts"
import type { Decoded, Leaving, weft } from "./Shapes.ts"

/** weft.v1.MessageType. */
export const MessageType = {
  TEXT: 0,
  IMAGE: 1,
  VOICE: 2,
  VIDEO: 3,
  FILE: 4,
  /** A notice from the app's server (admin API): from SYSTEM_SENDER, text only. */
  SYSTEM: 5
} as const

/** The sender of system notices: not a user id (those have no "@"), so nobody can be it. */
export const SYSTEM_SENDER = "@system"

export type MessageTypeName = Lowercase<keyof typeof MessageType>

/** weft.v1.Media: a reference to uploaded media; the ids are opaque here. */
export type Media = Decoded<weft.v1.Media.$Properties>

/** Bounds of SendMessageRequest (see sync.proto). */
export const MAX_TEXT_LENGTH = 4096
export const MAX_CLIENT_MSG_ID_LENGTH = 64
export const MAX_MEDIA_ID_LENGTH = 128
export const MAX_MIME_TYPE_LENGTH = 128
export const MAX_FILE_NAME_LENGTH = 255
export const MAX_DURATION_MS = 24 * 3600_000

/** weft.v1.Change.recalled. */
export type MessageRecalled = Decoded<weft.v1.MessageRecalled.$Properties>

/** weft.v1.Change.read. */
export type ReadReceipt = Leaving<Decoded<weft.v1.ReadReceipt.$Properties>, "groupSeq">
export type RecallMessageRequest = Decoded<weft.v1.RecallMessageRequest.$Properties>
export type RecallMessageResponse = Decoded<weft.v1.RecallMessageResponse.$Properties>
export type MarkReadRequest = Decoded<weft.v1.MarkReadRequest.$Properties>
export type MarkReadResponse = Decoded<weft.v1.MarkReadResponse.$Properties>
export type UnreadCountsRequest = Decoded<weft.v1.UnreadCountsRequest.$Properties>
export type UnreadCount = Decoded<weft.v1.UnreadCount.$Properties>
export type UnreadCountsResponse = Decoded<weft.v1.UnreadCountsResponse.$Properties>

/** A Media with every field present (empty or 0 for none): the form actors pass around. */
export type MediaRecord = Media

/** A weft.v1.Message with every field present: what is written into logs. */
export type MessageRecord = Omit<Message, "media" | "mentions" | "replyTo"> & {
  readonly media: MediaRecord | null
  /** Group messages: members mentioned (absent when none). */
  readonly mentions?: ReadonlyArray<string> | undefined
  /** Group messages: the message answered (absent when none). */
  readonly replyTo?: string | undefined
}

/** A weft.v1.MessageRecalled with every field present. */
export type RecalledRecord = MessageRecalled

export const mediaRecord = (media: Media | null | undefined): MediaRecord | null =>
  media === null || media === undefined
    ? null
    : {
      mediaId: media.mediaId,
      mimeType: media.mimeType,
      size: media.size,
      thumbnailMediaId: media.thumbnailMediaId ?? "",
      durationMs: media.durationMs ?? 0,
      fileName: media.fileName ?? ""
    }

/** A decoded weft.v1.Message as a MessageRecord. */
export const messageRecord = (message: Message): MessageRecord => ({
  messageId: message.messageId,
  from: message.from,
  to: message.to,
  groupId: message.groupId ?? "",
  type: message.type,
  text: message.text,
  clientMsgId: message.clientMsgId,
  sentAtMs: message.sentAtMs,
  media: mediaRecord(message.media),
  ...(message.mentions !== undefined && message.mentions.length > 0 ? { mentions: message.mentions } : {}),
  ...(message.replyTo ? { replyTo: message.replyTo } : {})
})

/** Mentions and replies at most per message. */
export const MAX_MENTIONS = 50

/** The users a group message names: its mentions and the sender of the message it answers. */
export const namedUsers = (message: MessageRecord): ReadonlyArray<string> => {
  const named = new Set(message.mentions ?? [])
  const slash = message.replyTo?.indexOf("/") ?? -1
  if (slash > 0) named.add(message.replyTo!.slice(0, slash))
  named.delete(message.from)
  return [...named]
}

export const MessageCodecs = {
  Media: typed<weft.v1.Media.$Properties>("Media"),
  MessageRecalled: typed<weft.v1.MessageRecalled.$Properties>("MessageRecalled"),
  ReadReceipt: typed<weft.v1.ReadReceipt.$Properties, ReadReceipt>("ReadReceipt"),
  RecallMessageRequest: typed<weft.v1.RecallMessageRequest.$Properties>("RecallMessageRequest"),
  RecallMessageResponse: typed<weft.v1.RecallMessageResponse.$Properties>("RecallMessageResponse"),
  MarkReadRequest: typed<weft.v1.MarkReadRequest.$Properties>("MarkReadRequest"),
  MarkReadResponse: typed<weft.v1.MarkReadResponse.$Properties>("MarkReadResponse"),
  UnreadCountsRequest: typed<weft.v1.UnreadCountsRequest.$Properties>("UnreadCountsRequest"),
  UnreadCountsResponse: typed<weft.v1.UnreadCountsResponse.$Properties>("UnreadCountsResponse")
} as const
