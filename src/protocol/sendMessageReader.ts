/**
 * The SendMessageRequest of a plain message read without protobufjs: the commonest request a
 * server decodes, once per message. protobufjs builds a message object and then a plain copy of
 * it with the defaults filled in; this reads the fields straight into that plain object.
 *
 * It handles the shape a chat client sends — string fields of ASCII text, the message type,
 * no_echo, mentions — and hands anything else to protobufjs whole: a media or base
 * sub-message, non-ASCII text (protobufjs checks it is valid UTF-8), an unknown field, an
 * unexpected wire type, a varint longer than four bytes, a truncated body. So the answer, and
 * an error for bad bytes, is protobufjs's for every input (test/protocol/SendMessageReader.test.ts
 * compares the two on random requests and random bytes).
 */
import type { SendMessageRequest } from "./Proto.ts"

const VARINT = 0
const LENGTH_DELIMITED = 2

/**
 * The varint at `at` if it has at most four bytes (below 2^28), packed with its length as
 * `value * 8 + bytes` so the reader keeps its position in a local; -1 for a longer or truncated one.
 */
const shortVarintAt = (bytes: Uint8Array, at: number, end: number): number => {
  let value = 0
  for (let read = 1; read <= 4; read++) {
    if (at >= end) return -1
    const byte = bytes[at++]!
    value |= (byte & 0x7f) << (7 * (read - 1))
    if (byte < 0x80) return value * 8 + read
  }
  return -1
}

// Node's native Latin-1 slice; where there is no Buffer, every string goes to protobufjs.
const NodeBuffer = (globalThis as { Buffer?: { prototype: object } }).Buffer
const latin1Slice = (NodeBuffer?.prototype as { latin1Slice?(this: Uint8Array, start: number, end: number): string } | undefined)
  ?.latin1Slice

/** The bytes' string if they are all ASCII (then Latin-1 reads them as UTF-8 would), else undefined. */
const asciiAt = (bytes: Uint8Array, start: number, end: number): string | undefined => {
  if (start === end) return ""
  if (latin1Slice === undefined) return undefined
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return undefined
  return latin1Slice.call(bytes, start, end)
}

/**
 * The request, or undefined for a body this reader leaves to protobufjs (see the module's
 * comment): the caller then decodes it there, which also throws for bytes that are not one.
 */
export const readPlainSendMessage = (bytes: Uint8Array): SendMessageRequest | undefined => {
  let to = ""
  let type = 0
  let text = ""
  let clientMsgId = ""
  let groupId = ""
  let noEcho = false
  let replyTo = ""
  let mentions: Array<string> | undefined
  const end = bytes.length
  let at = 0
  while (at < end) {
    const tag = bytes[at++]!
    // Every field it reads has a number below 16: a one-byte tag.
    if (tag >= 0x80) return undefined
    const wire = tag & 7
    const field = tag >>> 3
    const read = shortVarintAt(bytes, at, end)
    if (read < 0) return undefined
    at += read & 7
    const number = read >>> 3
    if (wire === VARINT) {
      if (field === 2) type = number
      else if (field === 7) noEcho = number !== 0
      else return undefined
      continue
    }
    if (wire !== LENGTH_DELIMITED || number > end - at) return undefined
    const value = asciiAt(bytes, at, at + number)
    if (value === undefined) return undefined
    at += number
    switch (field) {
      case 1:
        to = value
        break
      case 3:
        text = value
        break
      case 4:
        clientMsgId = value
        break
      case 5:
        groupId = value
        break
      case 8:
        ;(mentions ??= []).push(value)
        break
      case 9:
        replyTo = value
        break
      default:
        return undefined
    }
  }
  return { mentions: mentions ?? [], to, type, text, clientMsgId, groupId, media: null, noEcho, replyTo, base: null } as unknown as SendMessageRequest
}
