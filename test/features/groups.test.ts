/**
 * Groups: creating, adding, removing, leaving, renaming and listing, over the long connection
 * (SDK) and the short connection (HTTP); what members see in their logs; group messages fanned
 * out into every member's log; and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { addMembers, createGroup, leaveGroup, listMembers, removeMember, renameGroup, sendToGroup } from "../../src/client/groups.ts"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import { type GroupEvent, GroupEventKind } from "../../src/protocol/groups.ts"
import type { Change, Message } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { sleep, uniqueUser, waitFor } from "../support/wait.ts"

const MAX_MEMBERS = 4

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0] }, features: { maxGroupMembers: MAX_MEMBERS } })
})
afterAll(() => server.stop())

const clients: Array<WeftClient> = []
afterAll(() => clients.forEach((client) => client.close()))

const newUser = async (name: string) => {
  const userId = uniqueUser(name)
  await register(server, userId, "password")
  return userId
}

/** A logged-in device that records the group events and messages pushed to it. */
const device = async (userId: string, deviceId?: string) => {
  const client = new WeftClient({ host: server.host, port: server.port, userId, password: "password", deviceId })
  clients.push(client)
  const events: Array<GroupEvent> = []
  const messages: Array<Message> = []
  client.on("change", (change: Change) => {
    if (change.group) events.push(change.group)
    if (change.message) messages.push(change.message)
  })
  await client.connect()
  return { client, events, messages }
}

const post = async (command: string, body: unknown) => {
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/${command}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body)
  })
  expect(response.status).toBe(200)
  return (await response.json()) as any
}

const httpLogin = async (userId: string) => {
  const auth = await post("auth", { userId, password: "password" })
  return { userId, sessionToken: auth.sessionToken as string }
}

/** The whole log of a user, as a device syncing over HTTP gets it. */
const httpLog = async (base: { userId: string; sessionToken: string }): Promise<Array<any>> =>
  (await post("sync", { base, cursor: 0, limit: 1000 })).changes ?? []

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(WeftRequestError)
  return (error as WeftRequestError).code
}

describe("creating a group and its members", () => {
  it("over the long connection: every initial member gets the CREATED event, and members can list the group", async () => {
    const [a, b, c] = [await newUser("ada"), await newUser("bo"), await newUser("cy")]
    const alice = await device(a)
    const bob = await device(b)
    const carol = await device(c)
    const group = await createGroup(alice.client, "book club", [b, c, b, a])
    expect(group.groupId).toMatch(/^g:[\w-]{22}$/)
    expect(group).toMatchObject({ name: "book club", owner: a })
    expect(group.members.map((m) => m.userId)).toEqual([a, b, c])

    for (const member of [alice, bob, carol]) {
      await waitFor("the CREATED event", () => member.events.length === 1)
      expect(member.events[0]).toMatchObject({
        kind: GroupEventKind.CREATED,
        groupId: group.groupId,
        actor: a,
        userIds: [a, b, c],
        name: "book club",
        owner: a,
        memberCount: 3
      })
    }
    const listed = await listMembers(carol.client, group.groupId)
    expect(listed).toMatchObject({ groupId: group.groupId, name: "book club", owner: a })
    expect(listed.members.map((m) => m.userId)).toEqual([a, b, c])
  })

  it("over HTTP: creategroup, addmembers, renamegroup, listmembers, leavegroup and removemember, each seen in the members' logs", async () => {
    const [a, b, c, d] = [await newUser("dee"), await newUser("eli"), await newUser("fay"), await newUser("gus")]
    const [baseA, baseB, baseC, baseD] = await Promise.all([a, b, c, d].map(httpLogin))

    const created = await post("creategroup", { base: baseA, name: "climbers", members: [b] })
    expect(created.base ?? {}).toEqual({})
    const groupId = created.group.groupId as string
    expect(created.group.members.map((m: any) => m.userId)).toEqual([a, b])

    const added = await post("addmembers", { base: baseB, groupId, userIds: [c, d, a] })
    expect(added).toMatchObject({ added: [c, d], memberCount: 4 })
    expect((await post("renamegroup", { base: baseC, groupId, name: "boulderers" })).base ?? {}).toEqual({})
    const listed = await post("listmembers", { base: baseD, groupId })
    expect(listed.group).toMatchObject({ name: "boulderers", owner: a })
    expect(listed.group.members.map((m: any) => m.userId)).toEqual([a, b, c, d])

    expect((await post("leavegroup", { base: baseC, groupId })).base ?? {}).toEqual({})
    expect((await post("removemember", { base: baseA, groupId, userId: d })).base ?? {}).toEqual({})

    const kinds = (log: Array<any>) => log.filter((change) => change.group).map((change) => change.group.kind)
    expect(kinds(await httpLog(baseA))).toEqual([
      "GROUP_EVENT_KIND_CREATED",
      "GROUP_EVENT_KIND_MEMBERS_ADDED",
      "GROUP_EVENT_KIND_RENAMED",
      "GROUP_EVENT_KIND_MEMBER_LEFT",
      "GROUP_EVENT_KIND_MEMBER_REMOVED"
    ])
    // c and d joined late: they see from their addition on, up to their own departure.
    expect(kinds(await httpLog(baseC))).toEqual([
      "GROUP_EVENT_KIND_MEMBERS_ADDED",
      "GROUP_EVENT_KIND_RENAMED",
      "GROUP_EVENT_KIND_MEMBER_LEFT"
    ])
    const dLog = (await httpLog(baseD)).filter((change) => change.group)
    expect(dLog.map((change) => change.group.kind)).toEqual([
      "GROUP_EVENT_KIND_MEMBERS_ADDED",
      "GROUP_EVENT_KIND_RENAMED",
      "GROUP_EVENT_KIND_MEMBER_LEFT",
      "GROUP_EVENT_KIND_MEMBER_REMOVED"
    ])
    expect(dLog.at(-1).group).toMatchObject({ actor: a, userIds: [d], memberCount: 2 })

    const after = await post("listmembers", { base: baseA, groupId })
    expect(after.group.members.map((m: any) => m.userId)).toEqual([a, b])
    expect((await post("listmembers", { base: baseD, groupId })).base.code).toBe("NOT_A_MEMBER")
  })
})

describe("group messages", () => {
  it("fan out into every member's log, the sender's other device included; a resend is stored once in each", async () => {
    const [a, b, c] = [await newUser("hal"), await newUser("ivy"), await newUser("jo")]
    const phone = await device(a, "phone")
    const laptop = await device(a, "laptop")
    const bob = await device(b)
    const carol = await device(c)
    const group = await createGroup(phone.client, "team", [b, c])

    const ack = await sendToGroup(phone.client, group.groupId, "standup in 5", "m-1")
    expect(ack).toMatchObject({ messageId: `${a}/m-1`, duplicate: false })
    for (const member of [laptop, bob, carol]) {
      await waitFor("the group message", () => member.messages.length === 1)
      expect(member.messages[0]).toMatchObject({
        messageId: `${a}/m-1`,
        from: a,
        to: "",
        groupId: group.groupId,
        text: "standup in 5",
        sentAtMs: ack.sentAtMs
      })
    }

    const again = await sendToGroup(phone.client, group.groupId, "standup in 5", "m-1")
    expect(again).toMatchObject({ messageId: ack.messageId, seq: ack.seq, sentAtMs: ack.sentAtMs, duplicate: true })
    await sendToGroup(bob.client, group.groupId, "on my way")
    for (const member of [laptop, bob, carol]) {
      await waitFor("the second message", () => member.messages.length === 2)
    }
    await sleep(100)
    for (const member of [laptop, bob, carol]) {
      expect(member.messages.map((m) => m.text)).toEqual(["standup in 5", "on my way"])
    }
  })

  it("the SDK keeps a group message sent while offline and delivers it once after reconnecting", async () => {
    const [a, b] = [await newUser("kai"), await newUser("lou")]
    const alice = await device(a)
    const bob = await device(b)
    const group = await createGroup(alice.client, "pair", [b])
    alice.client.dropConnection()
    const sending = sendToGroup(alice.client, group.groupId, "sent while offline", "offline-1")
    const ack = await sending
    expect(ack.messageId).toBe(`${a}/offline-1`)
    await waitFor("the message at the member", () => bob.messages.length === 1)
    await sleep(200)
    expect(bob.messages).toHaveLength(1)
    expect(bob.messages[0]).toMatchObject({ text: "sent while offline", groupId: group.groupId })
    expect(alice.client.unacknowledged).toBe(0)
  })

  it("a member added later sees messages from then on; a removed member gets the removal and then nothing more", async () => {
    const [a, b, c] = [await newUser("mo"), await newUser("ned"), await newUser("oli")]
    const alice = await device(a)
    const bob = await device(b)
    const carol = await device(c)
    const group = await createGroup(alice.client, "family", [b])
    await sendToGroup(alice.client, group.groupId, "before carol")
    await addMembers(bob.client, group.groupId, [c])
    await sendToGroup(alice.client, group.groupId, "with carol")
    await waitFor("carol's first message", () => carol.messages.length === 1)
    expect(carol.messages.map((m) => m.text)).toEqual(["with carol"])
    expect(carol.events.map((e) => e.kind)).toEqual([GroupEventKind.MEMBERS_ADDED])

    await removeMember(alice.client, group.groupId, b)
    await waitFor("the removal at bob", () => bob.events.length === 3)
    expect(bob.events[2]).toMatchObject({ kind: GroupEventKind.MEMBER_REMOVED, userIds: [b], actor: a })
    await sendToGroup(alice.client, group.groupId, "without bob")
    await renameGroup(carol.client, group.groupId, "family 2")
    await waitFor("the message and rename at carol", () => carol.messages.length === 2 && carol.events.length === 3)
    await sleep(100)
    expect(bob.messages.map((m) => m.text)).toEqual(["before carol", "with carol"])
    expect(bob.events).toHaveLength(3)

    expect(await failure(sendToGroup(bob.client, group.groupId, "let me back in"))).toBe(Status.NOT_A_MEMBER)
    expect(await failure(listMembers(bob.client, group.groupId))).toBe(Status.NOT_A_MEMBER)
  })

  it("a group message over HTTP reaches the members; a non-member's is refused with NOT_A_MEMBER", async () => {
    const [a, b, x] = [await newUser("pia"), await newUser("quin"), await newUser("rex")]
    const bob = await device(b)
    const baseA = await httpLogin(a)
    const baseX = await httpLogin(x)
    const { group } = await post("creategroup", { base: baseA, name: "duo", members: [b] })
    const sent = await post("sendmessage", { base: baseA, groupId: group.groupId, text: "hi over http", clientMsgId: "h-1" })
    expect(sent).toMatchObject({ messageId: `${a}/h-1` })
    await waitFor("the message at bob", () => bob.messages.length === 1)
    expect(bob.messages[0]).toMatchObject({ groupId: group.groupId, text: "hi over http" })

    const refused = await post("sendmessage", { base: baseX, groupId: group.groupId, text: "let me in", clientMsgId: "x-1" })
    expect(refused.base.code).toBe("NOT_A_MEMBER")
    const both = await post("sendmessage", { base: baseA, to: b, groupId: group.groupId, text: "t", clientMsgId: "h-2" })
    expect(both.base.code).toBe("BAD_REQUEST")
    expect((await httpLog(baseX)).length).toBe(0)
  })
})

describe("client message ids", () => {
  it("an id reused for another group or user is refused with CONFLICT, and the other conversation gets nothing", async () => {
    const [a, b, c] = [await newUser("abe"), await newUser("bea"), await newUser("cid")]
    const alice = await device(a)
    const bob = await device(b)
    const carol = await device(c)
    const first = await createGroup(alice.client, "first", [b])
    const second = await createGroup(alice.client, "second", [c])
    await sendToGroup(alice.client, first.groupId, "for the first group", "same-id")
    expect(await failure(sendToGroup(alice.client, second.groupId, "for the second group", "same-id")))
      .toBe(Status.CONFLICT)
    expect(await failure(alice.client.send(c, "to carol", "same-id"))).toBe(Status.CONFLICT)
    expect(await failure(alice.client.send(b, "to bob", "same-id"))).toBe(Status.CONFLICT)
    await alice.client.send(c, "direct", "direct-id")
    expect(await failure(sendToGroup(alice.client, second.groupId, "direct", "direct-id"))).toBe(Status.CONFLICT)
    await sleep(100)
    expect(bob.messages.map((m) => m.text)).toEqual(["for the first group"])
    expect(carol.messages.map((m) => m.text)).toEqual(["direct"])
  })
})

describe("who may do what", () => {
  it("only the owner removes others (FORBIDDEN); anyone may leave; when the owner leaves, the earliest member owns the group", async () => {
    const [a, b, c] = [await newUser("sam"), await newUser("tia"), await newUser("uma")]
    const alice = await device(a)
    const bob = await device(b)
    const carol = await device(c)
    const group = await createGroup(alice.client, "hikers", [b, c])
    expect(await failure(removeMember(bob.client, group.groupId, c))).toBe(Status.FORBIDDEN)

    await leaveGroup(alice.client, group.groupId)
    await waitFor("the leave at carol", () => carol.events.length === 2)
    expect(carol.events[1]).toMatchObject({ kind: GroupEventKind.MEMBER_LEFT, actor: a, userIds: [a], owner: b, memberCount: 2 })
    await waitFor("the leave at alice", () => alice.events.length === 2)
    expect((await listMembers(bob.client, group.groupId)).owner).toBe(b)
    await removeMember(bob.client, group.groupId, c)
    expect(await failure(removeMember(bob.client, group.groupId, c))).toBe(Status.NOT_A_MEMBER)
    expect(await failure(leaveGroup(alice.client, group.groupId))).toBe(Status.NOT_A_MEMBER)
    expect(await failure(renameGroup(carol.client, group.groupId, "mine now"))).toBe(Status.NOT_A_MEMBER)
  })

  it("refuses what is out of bounds, over both connections", async () => {
    const [a, b, c, d, e] = await Promise.all(["vic", "wes", "xia", "yan", "zed"].map(newUser))
    const alice = await device(a)
    const baseA = await httpLogin(a)
    const outsider = await device(e)
    const group = await createGroup(alice.client, "bounded", [b])

    // Names: 1..64 characters, not only blanks.
    expect(await failure(createGroup(alice.client, "x".repeat(65)))).toBe(Status.BAD_REQUEST)
    expect(await failure(createGroup(alice.client, "   "))).toBe(Status.BAD_REQUEST)
    expect((await post("creategroup", { base: baseA, name: "" })).base.code).toBe("BAD_REQUEST")
    expect((await post("renamegroup", { base: baseA, groupId: group.groupId, name: "y".repeat(65) })).base.code)
      .toBe("BAD_REQUEST")
    // Members: at most MAX_MEMBERS, the owner included; existing, well-formed users.
    expect(await failure(createGroup(alice.client, "crowd", [b, c, d, e]))).toBe(Status.BAD_REQUEST)
    expect(await failure(createGroup(alice.client, "ghosts", ["no-such-user"]))).toBe(Status.NOT_FOUND)
    expect(await failure(createGroup(alice.client, "bad ids", ["not a user id"]))).toBe(Status.INVALID_USER_ID)
    expect((await post("addmembers", { base: baseA, groupId: group.groupId, userIds: [c, d, e] })).base.code)
      .toBe("BAD_REQUEST")
    expect((await post("addmembers", { base: baseA, groupId: group.groupId, userIds: [] })).base.code).toBe("BAD_REQUEST")
    expect((await listMembers(alice.client, group.groupId)).members).toHaveLength(2)
    // Groups that do not exist, and groups the caller is not in.
    expect(await failure(listMembers(alice.client, "g:AAAAAAAAAAAAAAAAAAAAAA"))).toBe(Status.NOT_FOUND)
    expect((await post("listmembers", { base: baseA, groupId: "not-a-group" })).base.code).toBe("NOT_FOUND")
    expect((await post("sendmessage", { base: baseA, groupId: "g:nope", text: "t", clientMsgId: "c" })).base.code)
      .toBe("NOT_FOUND")
    expect(await failure(listMembers(outsider.client, group.groupId))).toBe(Status.NOT_A_MEMBER)
    expect(await failure(addMembers(outsider.client, group.groupId, [e]))).toBe(Status.NOT_A_MEMBER)
    expect(await failure(renameGroup(outsider.client, group.groupId, "taken over"))).toBe(Status.NOT_A_MEMBER)
    expect(outsider.events).toEqual([])
  })
})
