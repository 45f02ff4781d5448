import protobuf from "protobufjs"
import { describe, expect, it } from "vitest"
import { codec, Codecs, type SendMessageRequest } from "../../src/protocol/Proto.ts"
import { readPlainSendMessage } from "../../src/protocol/sendMessageReader.ts"

// protobufjs alone: what the hand-written reader must agree with.
const reference = codec<SendMessageRequest>("SendMessageRequest")

/** A small seeded generator, so a failure names a case that can be run again. */
const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
}

const outcome = (decode: () => unknown): unknown => {
  try {
    return { value: decode() }
  } catch (error) {
    return { threw: true }
  }
}

describe("the hand-written SendMessageRequest reader", () => {
  const next = random(20261203)
  const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(next() * items.length)]!
  const text = (ascii: boolean) => {
    const alphabet = ascii ? "abcXYZ019 _.-/!~" : "ab 你好ü😀\u00e9"
    let out = ""
    const length = pick([0, 1, 5, 16, 17, 40, 200])
    for (let i = 0; i < length; i++) out += pick([...alphabet])
    return out
  }
  const request = (): Record<string, unknown> => {
    const ascii = next() < 0.8
    const value: Record<string, unknown> = {}
    if (next() < 0.9) value.to = text(ascii)
    if (next() < 0.5) value.type = pick([0, 1, 2, 5, 127, 128, 300, 2 ** 27, 2 ** 30, -1])
    if (next() < 0.9) value.text = text(ascii)
    if (next() < 0.9) value.clientMsgId = text(true)
    if (next() < 0.2) value.groupId = text(true)
    if (next() < 0.1) value.media = { mediaId: text(true), mimeType: "image/png", size: 5 }
    if (next() < 0.3) value.noEcho = next() < 0.5
    if (next() < 0.2) value.mentions = [text(ascii), text(true)].slice(0, pick([1, 2]))
    if (next() < 0.2) value.replyTo = text(ascii)
    if (next() < 0.05) value.base = { userId: "u", sessionToken: "t" }
    return value
  }

  it("reads every plain request as protobufjs does, and leaves the rest to it", () => {
    let plain = 0
    for (let i = 0; i < 3000; i++) {
      const value = request()
      let bytes = Codecs.SendMessageRequest.encode(value)
      // Now and then an unknown field, a field twice (the last wins) or a field with another wire type.
      const extra = next()
      if (extra < 0.05) bytes = concat(bytes, protobuf.Writer.create().uint32((12 << 3) | 2).string("x").finish())
      else if (extra < 0.1) bytes = concat(bytes, protobuf.Writer.create().uint32((1 << 3) | 2).string("again").finish())
      else if (extra < 0.13) bytes = concat(bytes, protobuf.Writer.create().uint32((3 << 3) | 5).fixed32(7).finish())
      const expected = reference.decode(bytes)
      const read = readPlainSendMessage(bytes)
      if (read !== undefined) {
        plain++
        expect(read).toEqual(expected)
      }
      expect(Codecs.SendMessageRequest.decode(bytes)).toEqual(expected)
    }
    // Most of these requests are plain ones: the reader answered them itself.
    expect(plain).toBeGreaterThan(1000)
  })

  it("a plain text message is read without protobufjs", () => {
    const bytes = Codecs.SendMessageRequest.encode({ to: "bob", type: 0, text: "hello", clientMsgId: "m1", noEcho: true })
    expect(readPlainSendMessage(bytes)).toEqual(reference.decode(bytes))
    expect(readPlainSendMessage(bytes)?.text).toBe("hello")
  })

  it("cut or corrupted bytes get protobufjs's answer: an error where it throws", () => {
    let threw = 0
    for (let i = 0; i < 3000; i++) {
      const bytes = Codecs.SendMessageRequest.encode(request())
      const damaged = bytes.slice(0, Math.floor(next() * (bytes.length + 1)))
      if (damaged.length > 0 && next() < 0.5) damaged[Math.floor(next() * damaged.length)] = Math.floor(next() * 256)
      const expected = outcome(() => reference.decode(damaged))
      if ((expected as { threw?: boolean }).threw === true) threw++
      expect(outcome(() => Codecs.SendMessageRequest.decode(damaged))).toEqual(expected)
    }
    expect(threw).toBeGreaterThan(100)
  })
})

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}
