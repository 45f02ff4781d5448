/**
 * Response bodies assembled from change-log entries that are already protobuf-encoded
 * `Change` messages: an embedded message is its bytes behind a tag and a length, so the
 * stored bytes go to the wire as they are, without a decode and re-encode per change.
 */
import protobuf from "protobufjs"
import { Command } from "./Command.ts"
import { allocateFrame, encodeFrame, HEADER_SIZE } from "./Frame.ts"
import { type AuthResponse, Codecs } from "./Proto.ts"

const LEN = 2
const tag = (field: number) => (field << 3) | LEN

/**
 * A whole PUSH frame: the header, then weft.v1.Push { change = 1 } (the epoch is left out of
 * pushes, see sync.proto: 18 bytes saved per push), in one allocation: one is written for the
 * live connections of a user on every change (from Node's buffer pool, like every frame: Frame.ts).
 */
export const encodePushFrame = (change: Uint8Array): Uint8Array => {
  const out = allocateFrame(Command.PUSH, 0, 1 + varintLength(change.length) + change.length)
  out[HEADER_SIZE] = tag(1)
  out.set(change, writeVarint(out, HEADER_SIZE + 1, change.length))
  return out
}

/**
 * A PUSH frame of an entry of a read-diffusion group's log: weft.v1.Push { change = 1,
 * group_id = 3 }. Made once per entry, whatever the number of members it goes to.
 */
export const encodeGroupPushFrame = (groupId: string, change: Uint8Array): Uint8Array =>
  encodeFrame(Command.PUSH, 0, protobuf.Writer.create().uint32(tag(1)).bytes(change).uint32(tag(3)).string(groupId).finish())

/**
 * weft.v1.AuthResponse with its `sync` (field 8) given as an encoded SyncResponse (see
 * encodeSyncResponse): appended behind its tag, which protobuf reads as the field.
 */
export const encodeAuthResponse = (response: AuthResponse, syncPage: Uint8Array | undefined): Uint8Array => {
  const encoded = Codecs.AuthResponse.encode(response)
  if (syncPage === undefined) return encoded
  const writer = protobuf.Writer.create()
  writer.uint32(tag(8)).bytes(syncPage)
  const field = writer.finish()
  const out = new Uint8Array(encoded.length + field.length)
  out.set(encoded, 0)
  out.set(field, encoded.length)
  return out
}

/**
 * weft.v1.SyncResponse { base = 1 (OK: empty); changes = 2; cursor = 3; more = 4; epoch = 5 }.
 * `epoch` undefined: a page inside an AuthResponse whose own epoch is the page's, for a client
 * that asked to be told nothing twice (AuthRequest.omit_known): no base, no epoch.
 */
export const encodeSyncResponse = (
  changes: ReadonlyArray<Uint8Array>,
  cursor: number,
  more: boolean,
  epoch: string | undefined
): Uint8Array => {
  const writer = protobuf.Writer.create()
  if (epoch !== undefined) writer.uint32(tag(1)).bytes(Codecs.BaseResponse.encode({ code: 0, message: "" }))
  for (const change of changes) writer.uint32(tag(2)).bytes(change)
  if (cursor > 0) writer.uint32(3 << 3).uint64(cursor)
  if (more) writer.uint32(4 << 3).bool(true)
  if (epoch !== undefined) writer.uint32(tag(5)).string(epoch)
  return writer.finish()
}

/** The bytes of a non-negative safe integer as a protobuf varint. */
export const varintLength = (value: number): number => {
  let length = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    length++
  }
  return length
}

/** Writes a non-negative safe integer as a protobuf varint (7 bits a byte, low bits first); returns the next offset. */
export const writeVarint = (out: Uint8Array, at: number, value: number): number => {
  while (value >= 0x80) {
    out[at++] = (value % 0x80) | 0x80
    value = Math.floor(value / 0x80)
  }
  out[at++] = value
  return at
}

/** Writes a varint field (its tag, then the value); returns the next offset. */
const writeVarintField = (out: Uint8Array, at: number, field: number, value: number): number => {
  out[at] = field << 3
  return writeVarint(out, at + 1, value)
}

/**
 * The UTF-8 length of a string, as Buffer and TextEncoder write it (a lone surrogate as U+FFFD):
 * an ASCII string — most ids and many texts — is its length, counted without leaving JavaScript.
 */
export const utf8Length = (text: string): number => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return Buffer.byteLength(text, "utf8")
  return text.length
}

/** Writes `text` (of utf8Length `length`) as UTF-8 at `at`; returns the next offset. */
const writeUtf8 = (out: Buffer, at: number, text: string, length: number): number => {
  if (length !== text.length) return at + out.write(text, at, length, "utf8")
  for (let i = 0; i < length; i++) out[at + i] = text.charCodeAt(i)
  return at + length
}

/** A string field's bytes (tag, length, text) of a string of utf8Length `length`. */
const stringFieldLength = (length: number): number => 1 + varintLength(length) + length

/** Writes a string field (its tag, its length, the text); returns the next offset. */
const writeStringField = (out: Buffer, at: number, field: number, text: string, length: number): number => {
  out[at] = tag(field)
  return writeUtf8(out, writeVarint(out, at + 1, length), text, length)
}

/** What a sendmessage acknowledges: the fields of weft.v1.SendMessageResponse after its (OK) base. */
export interface SentAck {
  readonly messageId: string
  readonly seq: number
  readonly sentAtMs: number
  readonly duplicate: boolean
  readonly text?: string | undefined
  readonly groupSeq?: number | undefined
}

/**
 * weft.v1.SendMessageResponse { base = 1 (OK: empty); message_id = 2; seq = 3; sent_at_ms = 4;
 * duplicate = 5; text = 6 (when given); group_seq = 7 } written by hand: one is encoded for every
 * message sent, and protobufjs's writer (a list of operations, then a copy) costs ~5x this. The
 * round trip through protobufjs is checked in test/protocol/Frame.test.ts.
 */
export const encodeSendMessageResponse = (ack: SentAck): Uint8Array => {
  const idLength = utf8Length(ack.messageId)
  const textLength = ack.text === undefined ? 0 : utf8Length(ack.text)
  const groupSeq = ack.groupSeq ?? 0
  const length = 2 +
    stringFieldLength(idLength) +
    (ack.seq > 0 ? 1 + varintLength(ack.seq) : 0) +
    (ack.sentAtMs > 0 ? 1 + varintLength(ack.sentAtMs) : 0) +
    (ack.duplicate ? 2 : 0) +
    (ack.text === undefined ? 0 : stringFieldLength(textLength)) +
    (groupSeq > 0 ? 1 + varintLength(groupSeq) : 0)
  // From Node's buffer pool, like the frame it is copied into.
  const out = Buffer.allocUnsafe(length)
  out[0] = tag(1) // base: an empty BaseResponse is code OK
  out[1] = 0
  let at = writeStringField(out, 2, 2, ack.messageId, idLength)
  if (ack.seq > 0) at = writeVarintField(out, at, 3, ack.seq)
  if (ack.sentAtMs > 0) at = writeVarintField(out, at, 4, ack.sentAtMs)
  if (ack.duplicate) {
    out[at++] = 5 << 3
    out[at++] = 1
  }
  if (ack.text !== undefined) at = writeStringField(out, at, 6, ack.text, textLength)
  if (groupSeq > 0) writeVarintField(out, at, 7, groupSeq)
  return out
}

/** The message fields `encodeMessageChange` writes itself: a message with media, mentions or a reply goes through protobufjs. */
export interface PlainMessage {
  readonly messageId: string
  readonly from: string
  readonly to: string
  readonly type: number
  readonly text: string
  readonly clientMsgId: string
  readonly sentAtMs: number
  readonly groupId: string
}

/**
 * weft.v1.Change { message = 10 } of a message without media, mentions or a reply — the body
 * of both log entries of every plain 1:1 message — written by hand: Message { message_id = 1;
 * from = 2; to = 3; type = 4; text = 5; client_msg_id = 6; sent_at_ms = 7; group_id = 8 }, each
 * left out when empty or zero as protobufjs does (proto3). protobufjs's fromObject + writer
 * allocate a message object and a list of operations first. The bytes are checked against
 * protobufjs's in test/protocol/Frame.test.ts.
 */
export const encodeMessageChange = (message: PlainMessage): Uint8Array => {
  const id = utf8Length(message.messageId)
  const from = utf8Length(message.from)
  const to = utf8Length(message.to)
  const text = utf8Length(message.text)
  const clientMsgId = utf8Length(message.clientMsgId)
  const groupId = utf8Length(message.groupId)
  const inner = (id > 0 ? stringFieldLength(id) : 0) +
    (from > 0 ? stringFieldLength(from) : 0) +
    (to > 0 ? stringFieldLength(to) : 0) +
    (message.type > 0 ? 1 + varintLength(message.type) : 0) +
    (text > 0 ? stringFieldLength(text) : 0) +
    (clientMsgId > 0 ? stringFieldLength(clientMsgId) : 0) +
    (message.sentAtMs > 0 ? 1 + varintLength(message.sentAtMs) : 0) +
    (groupId > 0 ? stringFieldLength(groupId) : 0)
  const out = Buffer.allocUnsafe(1 + varintLength(inner) + inner)
  out[0] = tag(10)
  let at = writeVarint(out, 1, inner)
  if (id > 0) at = writeStringField(out, at, 1, message.messageId, id)
  if (from > 0) at = writeStringField(out, at, 2, message.from, from)
  if (to > 0) at = writeStringField(out, at, 3, message.to, to)
  if (message.type > 0) at = writeVarintField(out, at, 4, message.type)
  if (text > 0) at = writeStringField(out, at, 5, message.text, text)
  if (clientMsgId > 0) at = writeStringField(out, at, 6, message.clientMsgId, clientMsgId)
  if (message.sentAtMs > 0) at = writeVarintField(out, at, 7, message.sentAtMs)
  if (groupId > 0) writeStringField(out, at, 8, message.groupId, groupId)
  return out
}
