/**
 * Messages: media types, recall, read receipts and unread counts, over the long connection
 * (SDK) and the short connection (HTTP): what the other party and the user's other devices see,
 * and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createGroup, leaveGroup, sendToGroup } from "../../src/client/groups.ts"
import { markRead, recallMessage, unreadCounts } from "../../src/client/messages.ts"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import { type MessageRecalled, MessageType, type ReadReceipt } from "../../src/protocol/messages.ts"
import type { Change, Message } from "../../src/protocol/Proto.ts"
import { withOverrides } from "../../src/cluster/Settings.ts"
import { Status } from "../../src/protocol/Status.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { sleep, uniqueUser, waitFor } from "../support/wait.ts"

const SHORT_WINDOW_MS = 300

let server: DevServer
let shortWindow: DevServer
beforeAll(async () => {
  ;[server, shortWindow] = await Promise.all([
    startDevServer({ gateway: { httpPorts: [0] } }),
    startDevServer({ gateway: { httpPorts: [0] }, features: { recallWindowMs: SHORT_WINDOW_MS } })
  ])
})
afterAll(() => Promise.all([server.stop(), shortWindow.stop()]))

const clients: Array<WeftClient> = []
afterAll(() => clients.forEach((client) => client.close()))

const newUser = async (name: string, on = server) => {
  const userId = uniqueUser(name)
  await register(on, userId, "password")
  return userId
}

/** A logged-in device that records what is pushed to it. */
const device = async (userId: string, deviceId?: string, on = server) => {
  const client = new WeftClient({ host: on.host, port: on.port, userId, password: "password", deviceId })
  clients.push(client)
  const seen = {
    client,
    changes: [] as Array<Change>,
    messages: [] as Array<Message & { seq: number }>,
    recalls: [] as Array<MessageRecalled>,
    receipts: [] as Array<ReadReceipt>
  }
  client.on("change", (change) => {
    seen.changes.push(change)
    if (change.message) seen.messages.push({ ...change.message, seq: change.seq })
    if (change.recalled) seen.recalls.push(change.recalled)
    if (change.read) seen.receipts.push(change.read)
  })
  await client.connect()
  return seen
}

const post = async (command: string, body: unknown, on = server) => {
  const response = await fetch(`http://127.0.0.1:${on.httpPort}/cgi-bin/${command}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body)
  })
  expect(response.status).toBe(200)
  return (await response.json()) as any
}

const httpLogin = async (userId: string, on = server) => {
  const auth = await post("auth", { userId, password: "password" }, on)
  return { userId, sessionToken: auth.sessionToken as string }
}

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(WeftRequestError)
  return (error as WeftRequestError).code
}

/** Unread counts as { conversation: count }. */
const countsOf = (response: { conversations: ReadonlyArray<{ conversation: string; count: number | string }> }) =>
  Object.fromEntries((response.conversations ?? []).map((c) => [c.conversation, Number(c.count)]))

const photo = { mediaId: "m-123", mimeType: "image/jpeg", size: 48_000, thumbnailMediaId: "m-123-thumb" }

describe("1:1 resends and reused ids, once the sender has written to both recipients", () => {
  // Both recipients are known to the sender's actor, so these sends are answered within the
  // actor calls (the plain forms, actors/LocalActors.ts) rather than through their effects.
  it("a resend answers the first acknowledgement and stores nothing; an id reused for another user is refused and that user gets nothing", async () => {
    const [a, b, c] = [await newUser("ria"), await newUser("sol"), await newUser("tam")]
    const alice = await device(a)
    const bob = await device(b)
    const carol = await device(c)
    await alice.client.send(b, "warm up bob", "w-1")
    await alice.client.send(c, "warm up carol", "w-2")
    const first = await alice.client.send(b, "hello bob", "same-1")
    expect(first).toMatchObject({ messageId: `${a}/same-1`, duplicate: false })
    const again = await alice.client.send(b, "hello bob", "same-1")
    expect(again).toMatchObject({ messageId: `${a}/same-1`, seq: first.seq, sentAtMs: first.sentAtMs, duplicate: true })
    expect(await failure(alice.client.send(c, "hello carol", "same-1"))).toBe(Status.CONFLICT)
    const self = await alice.client.send(a, "a note to myself", "note-1")
    expect(self).toMatchObject({ duplicate: false, seq: first.seq + 1 })
    await waitFor("bob's messages", () => bob.messages.length === 2)
    await sleep(100)
    expect(bob.messages.map((m) => m.text)).toEqual(["warm up bob", "hello bob"])
    expect(carol.messages.map((m) => m.text)).toEqual(["warm up carol"])
  })
})

describe("media messages", () => {
  it("an image sent with the SDK reaches the recipient with its media reference and caption", async () => {
    const [a, b] = [await newUser("amy"), await newUser("ben")]
    const alice = await device(a)
    const bob = await device(b)
    const ack = await alice.client.sendMessage({ to: b, type: MessageType.IMAGE, text: "the view", media: photo }, "img-1")
    expect(ack).toMatchObject({ messageId: `${a}/img-1`, duplicate: false })
    await waitFor("the image", () => bob.messages.length === 1)
    expect(bob.messages[0]).toMatchObject({
      type: MessageType.IMAGE,
      text: "the view",
      media: { ...photo, durationMs: 0, fileName: "" }
    })
    const again = await alice.client.sendMessage({ to: b, type: MessageType.IMAGE, media: photo }, "img-1")
    expect(again).toMatchObject({ duplicate: true, seq: ack.seq })
  })

  it("voice, video and file messages over HTTP, and a media message to a group", async () => {
    const [a, b] = [await newUser("cal"), await newUser("dot")]
    const bob = await device(b)
    const base = await httpLogin(a)
    const voice = await post("sendmessage", {
      base,
      to: b,
      type: "MESSAGE_TYPE_VOICE",
      clientMsgId: "v-1",
      media: { mediaId: "voice-1", mimeType: "audio/ogg", size: 9000, durationMs: 4200 }
    })
    expect(voice.base ?? {}).toEqual({})
    await post("sendmessage", {
      base,
      to: b,
      type: "MESSAGE_TYPE_FILE",
      clientMsgId: "f-1",
      media: { mediaId: "file-1", mimeType: "application/pdf", size: 123456, fileName: "report.pdf" }
    })
    const { group } = await post("creategroup", { base, name: "media", members: [b] })
    await post("sendmessage", {
      base,
      groupId: group.groupId,
      type: MessageType.VIDEO,
      clientMsgId: "g-1",
      media: { mediaId: "video-1", mimeType: "video/mp4", size: 5_000_000, durationMs: 60_000, thumbnailMediaId: "t-1" }
    })
    await waitFor("three media messages", () => bob.messages.length === 3)
    expect(bob.messages.map((m) => [m.type, m.media?.mediaId, m.groupId])).toEqual([
      [MessageType.VOICE, "voice-1", ""],
      [MessageType.FILE, "file-1", ""],
      [MessageType.VIDEO, "video-1", group.groupId]
    ])
    expect(bob.messages[0]!.media).toMatchObject({ durationMs: 4200 })
    expect(bob.messages[1]!.media).toMatchObject({ fileName: "report.pdf", size: 123456 })
    const synced = await post("sync", { base, cursor: 0 })
    const image = synced.changes.find((c: any) => c.message?.clientMsgId === "f-1")
    expect(image.message).toMatchObject({ type: "MESSAGE_TYPE_FILE", media: { mediaId: "file-1", size: "123456" } })
  })

  it("refuses a message whose type, media or target does not fit, and stores nothing", async () => {
    const [a, b] = [await newUser("eve"), await newUser("fin")]
    const alice = await device(a)
    const base = await httpLogin(a)
    const send = (message: Parameters<WeftClient["sendMessage"]>[0]) => failure(alice.client.sendMessage(message))
    expect(await send({ to: b, type: MessageType.IMAGE, text: "no media" })).toBe(Status.BAD_REQUEST)
    expect(await send({ to: b, text: "text with media", media: photo })).toBe(Status.BAD_REQUEST)
    expect(await send({ to: b, type: MessageType.IMAGE, media: { ...photo, mediaId: "x".repeat(129) } })).toBe(Status.BAD_REQUEST)
    expect(await send({ to: b, type: MessageType.IMAGE, media: { ...photo, size: 0 } })).toBe(Status.BAD_REQUEST)
    expect(await send({ to: b, type: MessageType.FILE, media: { ...photo, fileName: "f".repeat(256) } })).toBe(Status.BAD_REQUEST)
    expect(await send({ to: b, type: 9, text: "unknown type" })).toBe(Status.BAD_REQUEST)
    expect(await send({ text: "nobody" })).toBe(Status.BAD_REQUEST)
    const both = await post("sendmessage", { base, to: b, groupId: "g:AAAAAAAAAAAAAAAAAAAAAA", text: "t", clientMsgId: "c" })
    expect(both.base.code).toBe("BAD_REQUEST")
    const caption = await post("sendmessage", {
      base,
      to: b,
      type: "MESSAGE_TYPE_IMAGE",
      text: "c".repeat(4097),
      clientMsgId: "c2",
      media: photo
    })
    expect(caption.base.code).toBe("BAD_REQUEST")
    expect((await post("sync", { base, cursor: 0 })).changes ?? []).toEqual([])
  })
})

describe("recall", () => {
  it("settings whose dedupe window is shorter than the recall window are refused at start, naming both", () => {
    // A 1:1 message is recalled through its dedupe key in the sender's log, which must outlive the window.
    expect(() => withOverrides({ changeLog: { dedupeTtlMs: 60_000 }, features: { recallWindowMs: 120_000 } }))
      .toThrow(/changeLog\.dedupeTtlMs \(60000 ms\) must be at least features\.recallWindowMs \(120000 ms\)/)
    expect(withOverrides({ changeLog: { dedupeTtlMs: 120_000 }, features: { recallWindowMs: 120_000 } }).changeLog.dedupeTtlMs).toBe(120_000)
  })

  it("1:1: the sender recalls within the window; the recipient and the sender's other device learn it", async () => {
    const [a, b] = [await newUser("gia"), await newUser("hugo")]
    const phone = await device(a, "phone")
    const laptop = await device(a, "laptop")
    const bob = await device(b)
    const ack = await phone.client.send(b, "oops, wrong chat", "r-1")
    await waitFor("the message", () => bob.messages.length === 1)

    const recalled = await recallMessage(phone.client, ack.messageId)
    expect(recalled.seq).toBe(ack.seq + 1)
    for (const seen of [bob, laptop]) {
      await waitFor("the recall", () => seen.recalls.length === 1)
      expect(seen.recalls[0]).toMatchObject({ messageId: ack.messageId, from: a, to: b, groupId: "", recalledAtMs: recalled.recalledAtMs })
    }
    // Again: the same answer, nothing new in any log.
    const again = await recallMessage(laptop.client, ack.messageId)
    expect(again).toMatchObject({ seq: recalled.seq, recalledAtMs: recalled.recalledAtMs })
    await sleep(100)
    expect(bob.recalls).toHaveLength(1)
    expect(bob.client.cursor).toBe(2)
  })

  it("only the sender may recall (FORBIDDEN); an unknown message is NOT_FOUND; over HTTP too", async () => {
    const [a, b] = [await newUser("ian"), await newUser("jas")]
    const alice = await device(a)
    const bob = await device(b)
    const ack = await alice.client.send(b, "mine", "r-2")
    expect(await failure(recallMessage(bob.client, ack.messageId))).toBe(Status.FORBIDDEN)
    expect(await failure(recallMessage(alice.client, `${a}/never-sent`))).toBe(Status.NOT_FOUND)
    expect(await failure(recallMessage(alice.client, ""))).toBe(Status.BAD_REQUEST)
    expect(await failure(recallMessage(alice.client, `${a}/${"x".repeat(65)}`))).toBe(Status.BAD_REQUEST)

    const baseA = await httpLogin(a)
    const baseB = await httpLogin(b)
    expect((await post("recallmessage", { base: baseB, messageId: ack.messageId })).base.code).toBe("FORBIDDEN")
    const recalled = await post("recallmessage", { base: baseA, messageId: ack.messageId })
    expect(recalled).toMatchObject({ seq: String(ack.seq + 1) })
    await waitFor("the recall at bob", () => bob.recalls.length === 1)
  })

  it("a group message: every member who holds it gets the recall; a member who left does not", async () => {
    const [a, b, c] = [await newUser("kit"), await newUser("lia"), await newUser("max")]
    const alice = await device(a)
    const bob = await device(b)
    const carol = await device(c)
    const group = await createGroup(alice.client, "recalls", [b, c])
    const ack = await sendToGroup(alice.client, group.groupId, "to everyone", "g-r-1")
    await waitFor("the message at carol", () => carol.messages.length === 1)
    await leaveGroup(carol.client, group.groupId)

    const recalled = await recallMessage(alice.client, ack.messageId)
    await waitFor("the recall at bob", () => bob.recalls.length === 1)
    expect(bob.recalls[0]).toMatchObject({ messageId: ack.messageId, groupId: group.groupId, to: "" })
    await waitFor("the recall in the sender's log", () => alice.recalls.length === 1)
    expect(alice.client.cursor).toBe(recalled.seq)
    await sleep(100)
    expect(carol.recalls).toEqual([])
  })

  it("past the recall window: RECALL_WINDOW_PASSED, over both connections, and nothing is recalled", async () => {
    const [a, b] = [await newUser("ned", shortWindow), await newUser("oda", shortWindow)]
    const alice = await device(a, undefined, shortWindow)
    const bob = await device(b, undefined, shortWindow)
    const ack = await alice.client.send(b, "too late to take back", "late-1")
    await sleep(SHORT_WINDOW_MS + 100)
    expect(await failure(recallMessage(alice.client, ack.messageId))).toBe(Status.RECALL_WINDOW_PASSED)
    const base = await httpLogin(a, shortWindow)
    expect((await post("recallmessage", { base, messageId: ack.messageId }, shortWindow)).base.code)
      .toBe("RECALL_WINDOW_PASSED")
    await sleep(100)
    expect(bob.recalls).toEqual([])
  })
})

describe("read receipts and unread counts", () => {
  it("counts per conversation, the same on every device; marking read on one device reaches the others and the sender; a recall stops counting", async () => {
    const [a, b, c] = [await newUser("pam"), await newUser("rob"), await newUser("sue")]
    const alice = await device(a)
    const carol = await device(c)
    const bobPhone = await device(b, "phone")
    const bobLaptop = await device(b, "laptop")
    const bobHttp = await httpLogin(b)
    const group = await createGroup(carol.client, "trio", [a, b])
    const first = await alice.client.send(b, "one", "u-1")
    const second = await alice.client.send(b, "two", "u-2")
    const third = await alice.client.send(b, "three", "u-3")
    await sendToGroup(carol.client, group.groupId, "group hello")
    await bobPhone.client.send(a, "my own message never counts")
    await waitFor("everything at bob's phone", () => bobPhone.messages.length === 5)

    const phoneCounts = await unreadCounts(bobPhone.client)
    expect(countsOf(phoneCounts)).toEqual({ [a]: 3, [group.groupId]: 1 })
    expect(phoneCounts.total).toBe(4)
    expect(phoneCounts.conversations[0]).toMatchObject({ conversation: group.groupId })
    expect(countsOf(await post("unreadcounts", { base: bobHttp }))).toEqual({ [a]: 3, [group.groupId]: 1 })

    // Bob reads alice's first two messages on his phone, by the seq of the second in his log.
    const secondSeq = bobPhone.messages.find((m) => m.messageId === second.messageId)!.seq
    const read = await markRead(bobPhone.client, a, secondSeq)
    expect(read).toMatchObject({ unread: 1, messageId: second.messageId })
    await waitFor("the receipt on bob's laptop", () => bobLaptop.receipts.length === 1)
    expect(bobLaptop.receipts[0]).toMatchObject({ reader: b, peer: a, groupId: "", messageId: second.messageId, readerSeq: secondSeq })
    await waitFor("the receipt at alice", () => alice.receipts.length === 1)
    expect(alice.receipts[0]).toMatchObject({ reader: b, peer: a, messageId: second.messageId, readerSeq: 0 })
    expect(countsOf(await unreadCounts(bobLaptop.client))).toEqual({ [a]: 1, [group.groupId]: 1 })
    expect(first.messageId).not.toBe(second.messageId)

    // Alice recalls the third: it stops counting everywhere.
    await recallMessage(alice.client, third.messageId)
    await waitFor("the recall at bob", () => bobLaptop.recalls.length === 1)
    expect(countsOf(await post("unreadcounts", { base: bobHttp }))).toEqual({ [group.groupId]: 1 })

    // The group, read over HTTP with seq 0 (everything so far): only bob's devices learn it.
    const groupRead = await post("markread", { base: bobHttp, conversation: group.groupId, seq: 0 })
    expect(groupRead).toMatchObject({ messageId: expect.stringContaining(`${c}/`) })
    expect(groupRead.unread ?? 0).toBe(0)
    await waitFor("the group receipt on bob's phone", () => bobPhone.receipts.length === 2)
    expect(bobPhone.receipts[1]).toMatchObject({ reader: b, groupId: group.groupId, peer: "" })
    expect((await unreadCounts(bobPhone.client)).total).toBe(0)
    await sleep(100)
    expect(carol.receipts).toEqual([])
    expect(alice.receipts).toHaveLength(1)
  })

  it("marking read what is already read changes nothing and appends nothing", async () => {
    const [a, b] = [await newUser("tom"), await newUser("una")]
    const alice = await device(a)
    const bob = await device(b)
    await alice.client.send(b, "hello")
    await waitFor("the message", () => bob.messages.length === 1)
    const read = await markRead(bob.client, a)
    expect(read.receiptSeq).toBe(2)
    const cursor = bob.client.cursor
    const again = await markRead(bob.client, a)
    expect(again).toMatchObject({ unread: 0, receiptSeq: 0, messageId: "" })
    await sleep(100)
    expect(bob.client.cursor).toBe(cursor)
    expect(alice.receipts).toHaveLength(1)
  })

  it("refuses a conversation that is neither a user nor a group, and a seq past the end of the log", async () => {
    const [a] = [await newUser("val")]
    const alice = await device(a)
    await alice.client.send(a, "note to self")
    expect(await failure(markRead(alice.client, "not a user!", 1))).toBe(Status.BAD_REQUEST)
    expect(await failure(markRead(alice.client, a, 99))).toBe(Status.BAD_REQUEST)
    const base = await httpLogin(a)
    expect((await post("markread", { base, conversation: "", seq: 1 })).base.code).toBe("BAD_REQUEST")
    expect((await post("markread", { base, conversation: a, seq: 5 })).base.code).toBe("BAD_REQUEST")
    // A note to oneself is one's own message: never unread.
    expect((await unreadCounts(alice.client)).total).toBe(0)
  })
})
