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

const utf8 = new TextEncoder()

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
  const id = utf8.encode(ack.messageId)
  const text = ack.text === undefined ? undefined : utf8.encode(ack.text)
  const groupSeq = ack.groupSeq ?? 0
  const length = 2 +
    1 + varintLength(id.length) + id.length +
    (ack.seq > 0 ? 1 + varintLength(ack.seq) : 0) +
    (ack.sentAtMs > 0 ? 1 + varintLength(ack.sentAtMs) : 0) +
    (ack.duplicate ? 2 : 0) +
    (text === undefined ? 0 : 1 + varintLength(text.length) + text.length) +
    (groupSeq > 0 ? 1 + varintLength(groupSeq) : 0)
  const out = new Uint8Array(length)
  out[0] = tag(1) // base: an empty BaseResponse is code OK
  out[1] = 0
  out[2] = tag(2)
  let at = writeVarint(out, 3, id.length)
  out.set(id, at)
  at += id.length
  if (ack.seq > 0) at = writeVarintField(out, at, 3, ack.seq)
  if (ack.sentAtMs > 0) at = writeVarintField(out, at, 4, ack.sentAtMs)
  if (ack.duplicate) {
    out[at++] = 5 << 3
    out[at++] = 1
  }
  if (text !== undefined) {
    out[at++] = tag(6)
    at = writeVarint(out, at, text.length)
    out.set(text, at)
    at += text.length
  }
  if (groupSeq > 0) writeVarintField(out, at, 7, groupSeq)
  return out
}
