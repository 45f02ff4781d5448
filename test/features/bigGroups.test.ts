/**
 * Big groups (read diffusion, docs/groups.md): a group past its threshold keeps its messages in
 * a log of its own; members' logs get their membership events, GroupNews markers and the
 * messages that mention them; devices pull the group's log from a cursor per group. The server
 * here converts groups above 3 members and serves pages of at most 10 changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  addMembers,
  createGroup,
  leaveGroup,
  removeMember,
  sendToGroup,
  setGroupSettings,
  syncGroup
} from "../../src/client/groups.ts"
import { markRead, recallMessage, unreadCounts } from "../../src/client/messages.ts"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import { GroupEventKind } from "../../src/protocol/groups.ts"
import { FrameConnection } from "../../src/client/FrameConnection.ts"
import { Command } from "../../src/protocol/Command.ts"
import { type Change, Codecs, type Message, type Push } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

const THRESHOLD = 3
const PAGE = 10

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({
    gateway: { maxSyncPage: PAGE },
    features: { readDiffusionThreshold: THRESHOLD, maxGroupMembers: 50 }
  })
})
afterAll(() => server.stop())

const clients: Array<WeftClient> = []
afterAll(() => clients.forEach((client) => client.close()))

const newUsers = (...names: Array<string>) =>
  Promise.all(names.map(async (name) => {
    const userId = uniqueUser(name)
    await register(server, userId, "password")
    return userId
  }))

/** A logged-in device that records every message it is shown (from its own log and from groups' logs). */
const device = async (userId: string) => {
  const client = new WeftClient({ host: server.host, port: server.port, userId, password: "password" })
  clients.push(client)
  const messages: Array<Message> = []
  const changes: Array<Change> = []
  client.on("message", (message) => void messages.push(message))
  client.on("change", (change) => void changes.push(change))
  await client.connect()
  return { userId, client, messages, changes, texts: () => messages.map((m) => m.text) }
}

/** What a user's own log holds, straight from storage. */
const ownLog = async (userId: string): Promise<Array<Change>> => {
  const { Effect } = await import("effect")
  const page = await Effect.runPromise(server.storage.logRead(userId, 0, 10_000))
  return page.entries.map((entry) => Codecs.Change.decode(entry.data))
}

const logHead = async (id: string) => {
  const { Effect } = await import("effect")
  return (await Effect.runPromise(server.storage.logHead(id))).seq
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(WeftRequestError)
  return (error as WeftRequestError).code
}

describe("conversion", () => {
  it("past its threshold a group keeps its messages in its own log: one write per message, each member shown each once", async () => {
    const [a, b, c, d] = await newUsers("ana", "ben", "cat", "dan")
    const [alice, bob, carol, dave] = await Promise.all([a, b, c, d].map(device))
    const group = await createGroup(alice.client, "grows", [b, c])
    expect(group.readDiffusion).toBe(false)
    await sendToGroup(alice.client, group.groupId, "fanned out", "m0")
    await addMembers(bob.client, group.groupId, [d])

    for (const member of [alice, bob, carol, dave]) {
      await waitFor("the conversion", () => member.changes.some((change) => change.group?.kind === GroupEventKind.CONVERTED))
    }
    const sent = await sendToGroup(alice.client, group.groupId, "diffused", "m1")
    // Nothing in alice's own log: the message is the group log's first entry.
    expect(sent).toMatchObject({ seq: 0, groupSeq: 1 })
    for (const member of [bob, carol, dave]) await waitFor("the group's message", () => member.texts().includes("diffused"))
    expect(dave.texts()).toEqual(["diffused"])
    expect(carol.texts()).toEqual(["fanned out", "diffused"])

    // Five more messages: the group's log grows by five, no member's own log by anything.
    const heads = await Promise.all([a, b, c, d].map(logHead))
    for (let i = 0; i < 5; i++) await sendToGroup(bob.client, group.groupId, `more ${i}`)
    expect(await logHead(group.groupId)).toBe(6)
    expect(await Promise.all([a, b, c, d].map(logHead))).toEqual(heads)
    for (const member of [alice, carol, dave]) await waitFor("the five", () => member.texts().includes("more 4"))
    expect(carol.texts()).toEqual(["fanned out", "diffused", "more 0", "more 1", "more 2", "more 3", "more 4"])
    expect((await ownLog(c)).filter((change) => change.message).map((change) => change.message!.text)).toEqual(["fanned out"])
  })

  it("a message sent with no_echo is pushed to every member's connections but the one that sent it, the sender's other devices included", async () => {
    const [a, b, c, d] = await newUsers("sol", "tia", "uma", "vic")
    const bob = await device(b)
    const alicePhone = await device(a)
    const group = await createGroup(alicePhone.client, "quiet echo", [b, c, d])
    expect(group.readDiffusion).toBe(true)
    // Alice's laptop: a bare connection, so every frame pushed to it is seen.
    const pushes: Array<Push> = []
    const laptop = await FrameConnection.open({
      host: server.host,
      port: server.port,
      onPush: (frame) => frame.command === Command.PUSH && pushes.push(Codecs.Push.decode(frame.body)),
      onClose: () => {}
    })
    await laptop.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId: a, password: "password" })
    const send = (text: string, noEcho: boolean) =>
      laptop.request(Command.SEND_MESSAGE, Codecs.SendMessageRequest, Codecs.SendMessageResponse, {
        groupId: group.groupId,
        type: 0,
        text,
        clientMsgId: text,
        noEcho
      })
    const quiet = await send("from the laptop", true)
    expect(quiet.groupSeq).toBeGreaterThan(0)
    await waitFor("bob and alice's phone get it", () => bob.texts().includes("from the laptop") && alicePhone.texts().includes("from the laptop"))
    // Without no_echo the laptop gets its own message back: the push the first one did not get.
    await send("echoed", false)
    await waitFor("the echo", () => pushes.some((push) => push.groupId === group.groupId && push.change?.message?.text === "echoed"))
    const texts = pushes
      .filter((push) => push.groupId === group.groupId)
      .map((push) => push.change?.message?.text)
    expect(texts).toEqual(["echoed"])
    laptop.close()
  })

  it("messages sent while the group grows past its threshold are each shown once to every member, live and after a resync", async () => {
    const [a, b, c, ...joiners] = await newUsers("eve", "fay", "gus", "hal", "ida", "jon")
    const [alice, bob, carol] = await Promise.all([a, b, c].map(device))
    const group = await createGroup(alice.client, "busy", [b, c])
    const sending = Promise.all([alice, bob, carol].map(async (sender) => {
      for (let i = 0; i < 15; i++) await sendToGroup(sender.client, group.groupId, `${sender.userId} ${i}`)
    }))
    for (const joiner of joiners) await addMembers(alice.client, group.groupId, [joiner])
    await sending
    const all = [alice, bob, carol].flatMap((sender) => Array.from({ length: 15 }, (_, i) => `${sender.userId} ${i}`)).sort()
    const shownOnce = (texts: Array<string>) => [...texts].sort()
    for (const member of [alice, bob, carol]) {
      await waitFor("every message", () => member.messages.length >= all.length)
      expect(shownOnce(member.texts())).toEqual(all)
    }
    // A new device of the same user, from an empty cursor: its own log, then the group's.
    const fresh = await device(b)
    await waitFor("every message again", () => fresh.messages.length >= all.length)
    expect(shownOnce(fresh.texts())).toEqual(all)
  })

  it("a message whose fan-out was cut short before the conversion, resent after it, is finished in the members' logs, not posted again", async () => {
    const [a, b, c, d] = await newUsers("ora", "pia", "rae", "sid")
    const alice = await device(a)
    const group = await createGroup(alice.client, "cut short", [b, c])
    // What a runner that died right after the sender's own append leaves behind: the message in alice's log only.
    const message = { messageId: `${a}/cut-1`, from: a, to: "", groupId: group.groupId, type: 0, text: "half delivered", clientMsgId: "cut-1", sentAtMs: Date.now() }
    const seq = (await logHead(a)) + 1
    const { Effect } = await import("effect")
    await Effect.runPromise(server.storage.logAppend(a, {
      seq,
      data: Codecs.Change.encode({ seq, atMs: Date.now(), message }),
      dedupeKey: `msg:${message.messageId}`,
      dedupeTtlMs: 60_000
    }))
    // Dave joins after it was sent (and the group converts): he is not one of its members.
    await waitFor("the clock to move on", () => Date.now() > message.sentAtMs)
    await addMembers(alice.client, group.groupId, [d])
    const ack = await sendToGroup(alice.client, group.groupId, "half delivered", "cut-1")
    expect(ack).toMatchObject({ messageId: message.messageId, duplicate: true })
    for (const member of [b, c]) {
      expect((await ownLog(member)).filter((change) => change.message).map((change) => change.message!.text)).toEqual(["half delivered"])
    }
    expect((await ownLog(d)).some((change) => change.message)).toBe(false)
    expect(await logHead(group.groupId)).toBe(0)
  })

  it("a group created above its threshold, or one whose owner lowers it, reads from its own log; the owner alone changes settings", async () => {
    const [a, b, c, d] = await newUsers("kim", "lea", "max", "ned")
    const alice = await device(a)
    const big = await createGroup(alice.client, "born big", [b, c, d])
    expect(big.readDiffusion).toBe(true)
    const small = await createGroup(alice.client, "lowered", [b])
    const bob = await device(b)
    expect(await refusal(setGroupSettings(bob.client, small.groupId, { readDiffusionThreshold: 1 }))).toBe(Status.FORBIDDEN)
    await setGroupSettings(alice.client, small.groupId, { readDiffusionThreshold: 1 })
    await sendToGroup(alice.client, small.groupId, "now from the group's log")
    await waitFor("the message", () => bob.texts().includes("now from the group's log"))
    expect((await ownLog(b)).some((change) => change.message?.text === "now from the group's log")).toBe(false)
  })
})

describe("catching up", () => {
  it("an offline member gets one GroupNews marker for many messages and pulls the group's log a page per round trip", async () => {
    const [a, b, c, d] = await newUsers("oda", "pam", "quy", "rob")
    const alice = await device(a)
    const group = await createGroup(alice.client, "catch-up", [b, c, d])
    for (let i = 0; i < 25; i++) await sendToGroup(alice.client, group.groupId, `news ${i}`)

    const pages = []
    let cursor = 0
    const bobTools = await device(b)
    for (;;) {
      const page = await syncGroup(bobTools.client, group.groupId, cursor)
      pages.push(page.changes.length)
      cursor = page.cursor
      if (!page.more) break
    }
    expect(pages).toEqual([PAGE, PAGE, 5])
    await waitFor("bob's device pulled the group", () => bobTools.messages.length === 25)

    // Carol was never online: her login's sync brings a single marker, at the group's head.
    const carol = await device(c)
    await waitFor("carol's catch-up", () => carol.messages.length === 25)
    expect(carol.texts()).toEqual(Array.from({ length: 25 }, (_, i) => `news ${i}`))
    const markers = (await ownLog(c)).filter((change) => change.groupNews)
    expect(markers.map((change) => change.groupNews)).toEqual([{ groupId: group.groupId, seq: 25 }])
  })
})

describe("who may read the group's log", () => {
  it("a member who left reads up to their leaving; a new member from their join, or from the start if the group shows its history", async () => {
    const [a, b, c, d, e, x] = await newUsers("sam", "tia", "uma", "val", "wes", "xan")
    const alice = await device(a)
    const group = await createGroup(alice.client, "visibility", [b, c, d])
    await sendToGroup(alice.client, group.groupId, "before")
    const bob = await device(b)
    await leaveGroup(bob.client, group.groupId)
    await sendToGroup(alice.client, group.groupId, "after bob left")
    const bobsView = await syncGroup(bob.client, group.groupId, 0)
    expect(bobsView.changes.map((change) => change.message?.text ?? change.group?.kind)).toEqual(["before", GroupEventKind.MEMBER_LEFT])
    expect(bobsView.more).toBe(false)
    await expect(sendToGroup(bob.client, group.groupId, "let me back")).rejects.toMatchObject({ code: Status.NOT_A_MEMBER })

    await addMembers(alice.client, group.groupId, [e])
    await sendToGroup(alice.client, group.groupId, "welcome")
    const erin = await device(e)
    await waitFor("erin's first message", () => erin.messages.length === 1)
    expect(erin.texts()).toEqual(["welcome"])
    const erinsView = await syncGroup(erin.client, group.groupId, 0)
    expect(erinsView.changes.map((change) => change.message?.text ?? change.group?.kind)).toEqual([GroupEventKind.MEMBERS_ADDED, "welcome"])

    await removeMember(alice.client, group.groupId, e)
    await setGroupSettings(alice.client, group.groupId, { historyVisible: true })
    await addMembers(alice.client, group.groupId, [e])
    const again = await syncGroup(erin.client, group.groupId, 0, 50)
    expect(again.changes.filter((change) => change.message).map((change) => change.message!.text)).toEqual(["before", "after bob left", "welcome"])

    const stranger = await device(x)
    expect(await refusal(syncGroup(stranger.client, group.groupId, 0))).toBe(Status.NOT_A_MEMBER)
  })
})

describe("mentions, unread counts, read receipts and recall", () => {
  it("a mention and a reply reach the named members' own logs; unread counts come from read cursors; a recall reaches every copy", async () => {
    const [a, b, c, d] = await newUsers("yan", "zoe", "abe", "bea")
    const alice = await device(a)
    const group = await createGroup(alice.client, "talk", [b, c, d])
    const first = await sendToGroup(alice.client, group.groupId, "hello all", "u1")
    await sendToGroup(alice.client, group.groupId, "@zoe look", "u2", { mentions: [b] })
    const bob = await device(b)
    await waitFor("two messages", () => bob.messages.length === 2)
    const reply = await sendToGroup(bob.client, group.groupId, "yes alice", "u3", { replyTo: first.messageId })
    const carol = await device(c)
    await waitFor("carol's three", () => carol.messages.length === 3)

    // The mention is in bob's own log and the reply in alice's; carol's has neither.
    expect((await ownLog(b)).filter((change) => change.message).map((change) => change.message!.text)).toEqual(["@zoe look"])
    expect((await ownLog(a)).filter((change) => change.message).map((change) => change.message!.text)).toEqual(["yes alice"])
    expect((await ownLog(c)).some((change) => change.message)).toBe(false)
    // Bob's device shows the mention once (its copy and the group's entry are one message).
    expect(bob.texts()).toEqual(["hello all", "@zoe look", "yes alice"])

    const unreadOf = async (client: WeftClient) =>
      (await unreadCounts(client)).conversations.find((entry) => entry.conversation === group.groupId)
    expect(await unreadOf(carol.client)).toMatchObject({ count: 3, lastMessageId: reply.messageId, lastGroupSeq: reply.groupSeq })
    expect(await unreadOf(bob.client)).toMatchObject({ count: 2 })
    const read = await markRead(carol.client, group.groupId, first.groupSeq! + 1)
    expect(read).toMatchObject({ unread: 1, messageId: `${a}/u2` })
    await waitFor("the receipt on carol's device", () => carol.changes.some((change) => change.read?.groupSeq === first.groupSeq! + 1))

    await recallMessage(alice.client, `${a}/u2`)
    // Bob had a copy (the mention): the recall is in his own log too.
    await waitFor("the recall at bob", () => bob.changes.some((change) => change.recalled?.messageId === `${a}/u2`))
    expect(await unreadOf(bob.client)).toMatchObject({ count: 1 })
    expect(await unreadOf(carol.client)).toMatchObject({ count: 1, lastMessageId: reply.messageId })
    const dave = await device(d)
    await waitFor("dave's view", () => dave.messages.length === 3)
    expect((await unreadOf(dave.client))?.count).toBe(2)
  })
})
