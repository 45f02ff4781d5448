/**
 * The message-state messages of proto/weft/v1/sync.proto: media references, recall, read
 * receipts and unread counts. (Message and SendMessageRequest themselves are in Proto.ts.)
 */
import { type BaseRequest, type BaseResponse, codec, type Message } from "./Proto.ts"

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
export interface Media {
  readonly mediaId: string
  readonly mimeType: string
  readonly size: number
  /** Empty: none. */
  readonly thumbnailMediaId?: string | undefined
  /** 0: none. */
  readonly durationMs?: number | undefined
  /** Empty: none. */
  readonly fileName?: string | undefined
}

/** Bounds of SendMessageRequest (see sync.proto). */
export const MAX_TEXT_LENGTH = 4096
export const MAX_CLIENT_MSG_ID_LENGTH = 64
export const MAX_MEDIA_ID_LENGTH = 128
export const MAX_MIME_TYPE_LENGTH = 128
export const MAX_FILE_NAME_LENGTH = 255
export const MAX_DURATION_MS = 24 * 3600_000

/** weft.v1.Change.recalled. */
export interface MessageRecalled {
  readonly messageId: string
  readonly from: string
  readonly to: string
  readonly groupId: string
  readonly recalledAtMs: number
}

/** weft.v1.Change.read. */
export interface ReadReceipt {
  readonly reader: string
  readonly peer: string
  readonly groupId: string
  readonly messageId: string
  readonly readerSeq: number
  readonly readAtMs: number
  /** A read-diffusion group: read up to this sequence of the group's log. */
  readonly groupSeq?: number | undefined
}

export interface RecallMessageRequest {
  readonly messageId: string
  readonly base?: BaseRequest | null | undefined
}

export interface RecallMessageResponse {
  readonly base: BaseResponse
  readonly seq: number
  readonly recalledAtMs: number
}

export interface MarkReadRequest {
  readonly conversation: string
  readonly seq: number
  readonly base?: BaseRequest | null | undefined
}

export interface MarkReadResponse {
  readonly base: BaseResponse
  readonly unread: number
  readonly receiptSeq: number
  readonly messageId: string
}

export interface UnreadCountsRequest {
  readonly base?: BaseRequest | null | undefined
}

export interface UnreadCount {
  readonly conversation: string
  readonly count: number
  readonly lastSeq: number
  readonly lastMessageId: string
  readonly lastGroupSeq?: number | undefined
}

export interface UnreadCountsResponse {
  readonly base: BaseResponse
  readonly conversations: ReadonlyArray<UnreadCount>
  readonly total: number
  readonly seq: number
}

/** A Media with every field present (empty or 0 for none): the form actors pass around. */
export interface MediaRecord {
  readonly mediaId: string
  readonly mimeType: string
  readonly size: number
  readonly thumbnailMediaId: string
  readonly durationMs: number
  readonly fileName: string
}

/** A weft.v1.Message with every field present: what is written into logs. */
export interface MessageRecord {
  readonly messageId: string
  readonly from: string
  readonly to: string
  readonly groupId: string
  readonly type: number
  readonly text: string
  readonly clientMsgId: string
  readonly sentAtMs: number
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
  Media: codec<Media>("Media"),
  MessageRecalled: codec<MessageRecalled>("MessageRecalled"),
  ReadReceipt: codec<ReadReceipt>("ReadReceipt"),
  RecallMessageRequest: codec<RecallMessageRequest>("RecallMessageRequest"),
  RecallMessageResponse: codec<RecallMessageResponse>("RecallMessageResponse"),
  MarkReadRequest: codec<MarkReadRequest>("MarkReadRequest"),
  MarkReadResponse: codec<MarkReadResponse>("MarkReadResponse"),
  UnreadCountsRequest: codec<UnreadCountsRequest>("UnreadCountsRequest"),
  UnreadCountsResponse: codec<UnreadCountsResponse>("UnreadCountsResponse")
} as const
