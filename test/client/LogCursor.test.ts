/**
 * A client's place in its log when its own messages come from their acknowledgements (the
 * server does not push them back to the connection that sent them): each change is applied once,
 * in sequence order, whichever arrives first — the ack, or the push of an earlier change.
 */
import { describe, expect, it } from "vitest"
import { LogCursor } from "../../src/client/LogCursor.ts"
import type { Change, SendMessageResponse } from "../../src/protocol/Proto.ts"

const base = { code: 0, message: "" }
const ack = (seq: number, clientMsgId: string, duplicate = false): SendMessageResponse =>
  ({ base, messageId: `me/${clientMsgId}`, seq, sentAtMs: 1000 + seq, duplicate })
const push = (seq: number, text: string) => ({ change: { seq, atMs: 0, message: { text } } as Change, epoch: "" })
const same = (change: Change) => change

const cursorAt = (seq: number) => {
  const applied: Array<{ seq: number; text: string; from: string }> = []
  const log = new LogCursor(seq, "e", {
    change: (change) => applied.push({ seq: change.seq, text: change.message!.text, from: change.message!.from }),
    reset: () => {}
  })
  return { log, applied }
}

describe("the sender's own messages in its log", () => {
  it("an acknowledged message that is the next change is applied at once, as its push would have been", () => {
    const { log, applied } = cursorAt(4)
    expect(log.acknowledged({ to: "bob", text: "hi" }, "c1", ack(5, "c1"), same)).toBeUndefined()
    expect(applied).toEqual([{ seq: 5, text: "hi", from: "me" }])
    expect(log.cursor).toBe(5)
    // Its push, if a server sends one anyway, changes nothing.
    expect(log.applyPush(push(5, "hi"))).toBe(true)
    expect(applied).toHaveLength(1)
  })

  it("one acknowledged ahead of a change still on its way waits for it, then both apply in order", () => {
    const { log, applied } = cursorAt(4)
    expect(log.acknowledged({ to: "bob", text: "mine" }, "c2", ack(6, "c2"), same)).toEqual({ seq: 6, now: false })
    expect(applied).toEqual([])
    log.applyPush(push(5, "theirs"))
    expect(applied.map((change) => change.seq)).toEqual([5, 6])
    expect(log.cursor).toBe(6)
  })

  it("a resend of a stored message is left to a sync (its stored content is the log's to tell)", () => {
    const { log, applied } = cursorAt(4)
    expect(log.acknowledged({ to: "bob", text: "again" }, "c3", ack(5, "c3", true), same)).toEqual({ seq: 5, now: true })
    expect(applied).toEqual([])
    // An ack of what the log already holds needs nothing.
    expect(log.acknowledged({ to: "bob", text: "old" }, "c0", ack(3, "c0"), same)).toBeUndefined()
  })

  it("a hook's rewrite comes in the ack and is what the log holds", () => {
    const { log, applied } = cursorAt(0)
    log.acknowledged({ to: "bob", text: "darn" }, "c4", { ...ack(1, "c4"), text: "d**n" }, same)
    expect(applied[0]!.text).toBe("d**n")
  })
})
