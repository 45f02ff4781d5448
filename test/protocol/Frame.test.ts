import { describe, expect, it } from "vitest"
import { Command } from "../../src/protocol/Command.ts"
import { encodeFrame, FrameDecoder, HEADER_SIZE } from "../../src/protocol/Frame.ts"
import { encodeMessageChange, encodePushFrame, encodeSendMessageResponse } from "../../src/protocol/prebuilt.ts"
import { Codecs } from "../../src/protocol/Proto.ts"

describe("frame codec", () => {
  it("a frame is an 11-byte header and the body", () => {
    const frame = encodeFrame(5, 42, new Uint8Array([1, 2, 3]))
    expect(frame.length).toBe(HEADER_SIZE + 3)
    expect([...frame.subarray(0, HEADER_SIZE)]).toEqual([0, 0, 0, 3, 1, 0, 5, 0, 0, 0, 42])
  })

  it("frames split across chunks at any byte come out whole and in order", () => {
    const bytes = new Uint8Array([
      ...encodeFrame(2, 1, new Uint8Array([9, 9])),
      ...encodeFrame(3, 2, new Uint8Array(0)),
      ...encodeFrame(4, 3, new Uint8Array(300).fill(7))
    ])
    for (let cut = 1; cut < bytes.length; cut += 13) {
      const decoder = new FrameDecoder(1024)
      const first = decoder.push(bytes.subarray(0, cut))
      const second = decoder.push(bytes.subarray(cut))
      expect(first.error ?? second.error).toBeUndefined()
      const frames = [...first.frames, ...second.frames]
      expect(frames.map((f) => [f.command, f.requestId, f.body.length])).toEqual([[2, 1, 2], [3, 2, 0], [4, 3, 300]])
      expect(decoder.pending).toBe(0)
    }
  })

  it("an oversized frame is refused from its header, before the body arrives", () => {
    const decoder = new FrameDecoder(100)
    const header = encodeFrame(5, 1, new Uint8Array(101)).subarray(0, HEADER_SIZE)
    expect(decoder.push(header).error).toEqual({ _tag: "FrameTooLarge", size: 101, max: 100, command: 5 })
  })

  it("an unknown protocol version is refused", () => {
    const frame = encodeFrame(5, 1, new Uint8Array(0))
    frame[4] = 9
    expect(new FrameDecoder(100).push(frame).error).toEqual({ _tag: "UnsupportedVersion", version: 9, command: 5 })
  })

  it("frames before a framing error in the same chunk are still delivered", () => {
    const good = encodeFrame(6, 1, new Uint8Array(2))
    const bad = encodeFrame(5, 2, new Uint8Array(0))
    bad[4] = 2
    const result = new FrameDecoder(100).push(new Uint8Array([...good, ...bad]))
    expect(result.frames.map((f) => f.requestId)).toEqual([1])
    expect(result.error?._tag).toBe("UnsupportedVersion")
  })

  it("a push frame built in one piece is a PUSH frame whose body decodes to the change, for short and long changes", () => {
    for (const size of [0, 1, 127, 128, 300, 20_000]) {
      const change = Codecs.Change.encode({ seq: 7, atMs: 1, message: { messageId: "m", from: "a", to: "b", text: "x".repeat(size) } } as any)
      const { frames } = new FrameDecoder(1 << 20).push(encodePushFrame(change))
      expect(frames).toHaveLength(1)
      expect(frames[0]!.command).toBe(Command.PUSH)
      expect(frames[0]!.requestId).toBe(0)
      const push = Codecs.Push.decode(frames[0]!.body)
      expect(push.change?.seq).toBe(7)
      expect(push.change?.message?.text).toBe("x".repeat(size))
    }
  })

  it("a sendmessage acknowledgement written by hand decodes as protobufjs's own encoding does, for every field", () => {
    const acks = [
      { messageId: "alice/m1", seq: 1, sentAtMs: 1_764_000_000_000, duplicate: false },
      { messageId: "ünï/çødé 💬", seq: 2 ** 53 - 1, sentAtMs: 127, duplicate: true },
      { messageId: "x".repeat(200), seq: 0, sentAtMs: 128, duplicate: false, groupSeq: 300 },
      { messageId: "", seq: 16_384, sentAtMs: 0, duplicate: false, text: "rewritten by a hook: ✓" },
      { messageId: "m", seq: 5, sentAtMs: 6, duplicate: false, text: "" }
    ]
    for (const ack of acks) {
      const expected = Codecs.SendMessageResponse.decode(Codecs.SendMessageResponse.encode({ base: { code: 0, message: "" }, ...ack }))
      const actual = Codecs.SendMessageResponse.decode(encodeSendMessageResponse(ack))
      expect(actual).toEqual(expected)
      expect(actual.base).toEqual({ code: 0, message: "" })
      expect(actual.messageId).toBe(ack.messageId)
      expect(actual.seq).toBe(ack.seq)
      expect(actual.text).toBe(ack.text)
    }
  })

  it("a message's change body written by hand is byte for byte protobufjs's encoding, for ASCII and other text", () => {
    const base = { messageId: "alice/m1", from: "alice", to: "bob", groupId: "", type: 0, text: "hello", clientMsgId: "m1", sentAtMs: 1_764_000_000_000 }
    const messages = [
      base,
      { ...base, text: "你好，世界 — ünïcødé 💬", from: "ällé", messageId: "ällé/m1" },
      { ...base, type: 3, groupId: "g-1", to: "", sentAtMs: 127 },
      { ...base, text: "x".repeat(300), clientMsgId: "c".repeat(128), sentAtMs: 2 ** 53 - 1 },
      { ...base, messageId: "", from: "", to: "", text: "", clientMsgId: "", sentAtMs: 0 }
    ]
    for (const message of messages) {
      const expected = Codecs.Change.encode({ message: { ...message, media: null } })
      const actual = encodeMessageChange(message)
      expect(Buffer.from(actual).toString("hex")).toBe(Buffer.from(expected).toString("hex"))
      expect(Codecs.Change.decode(actual).message?.text).toBe(message.text)
    }
  })
})
