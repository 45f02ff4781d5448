/**
 * The whole feature set together: three users with two devices each become contacts, form a
 * group, chat, read, recall, change a profile and share a moment. Afterwards every device
 * rebuilds its state from nothing but the log it synced, and the devices agree: both devices
 * of a user hold the same state, and what users share (the group, its messages, the moment,
 * each other as contacts) looks the same from every device.
 */
import { afterAll, beforeAll, expect, it } from "vitest"
import { createGroup, renameGroup, sendToGroup } from "../../src/client/groups.ts"
import { markRead, recallMessage, unreadCounts } from "../../src/client/messages.ts"
import { commentMoment, likeMoment, listFeed, postMoment } from "../../src/client/moments.ts"
import { setProfile } from "../../src/client/profile.ts"
import { ContactEventKind } from "../../src/protocol/contacts.ts"
import { MomentEventKind } from "../../src/protocol/moments.ts"
import type { Change } from "../../src/protocol/Proto.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { harness } from "../support/Harness.ts"

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0] } })
})
const { newUser, device, befriend, closeAll } = harness(() => server)
afterAll(async () => {
  closeAll()
  await server.stop()
})

interface MessageView {
  from: string
  to: string
  groupId: string
  text: string
  recalled: boolean
}

/** What a device knows, rebuilt from the changes of its log alone, in order. */
const rebuild = (changes: ReadonlyArray<Change>) => {
  const contacts: Record<string, string> = {}
  const groups: Record<string, { name: string; owner: string; memberCount: number }> = {}
  const messages: Record<string, MessageView> = {}
  const reads: Record<string, string> = {}
  const profiles: Record<string, unknown> = {}
  const moments: Record<string, { text: string; comments: Array<string>; likes: Array<string> }> = {}
  for (const change of changes) {
    if (change.contact) {
      const { kind, peer } = change.contact
      if (kind === ContactEventKind.ACCEPTED) contacts[peer] = "contact"
      else if (kind === ContactEventKind.REQUEST_SENT) contacts[peer] = "request sent"
      else if (kind === ContactEventKind.REQUEST_RECEIVED) contacts[peer] = "request received"
      else delete contacts[peer]
    }
    if (change.group) groups[change.group.groupId] = { name: change.group.name, owner: change.group.owner, memberCount: change.group.memberCount }
    if (change.message) {
      const { messageId, from, to, groupId, text } = change.message
      messages[messageId] = { from, to, groupId: groupId ?? "", text, recalled: false }
    }
    if (change.recalled) messages[change.recalled.messageId]!.recalled = true
    if (change.read) reads[`${change.read.reader} read ${change.read.peer || change.read.groupId}`] = change.read.messageId
    if (change.profile) profiles[change.profile.profile.userId] = change.profile.profile
    if (change.moment) {
      const { kind, postId, actor, moment, comment } = change.moment
      if (kind === MomentEventKind.POSTED) moments[postId] = { text: moment.text, comments: [], likes: [] }
      if (kind === MomentEventKind.COMMENTED) moments[postId]!.comments.push(`${comment.from}: ${comment.text}`)
      if (kind === MomentEventKind.LIKED) moments[postId]!.likes.push(actor)
      if (kind === MomentEventKind.UNLIKED) moments[postId]!.likes = moments[postId]!.likes.filter((user) => user !== actor)
    }
  }
  return { contacts, groups, messages, reads, profiles, moments }
}

it("three users, two devices each: after a final sync every device holds the same state", async () => {
  const [a, b, c] = [await newUser("alice"), await newUser("bob"), await newUser("carol")]
  const alice = await device(a, "phone")
  const bob = await device(b, "phone")
  const bobLaptop = await device(b, "laptop")
  const carol = await device(c, "phone")
  const carolLaptop = await device(c, "laptop")

  await befriend(alice, bob)
  await befriend(carolLaptop, alice)
  await befriend(bobLaptop, carol)

  const group = await createGroup(alice.client, "trip", [b, c])
  await renameGroup(carol.client, group.groupId, "trip to the lake")
  await sendToGroup(alice.client, group.groupId, "who brings the tent?", "a-1")
  await sendToGroup(bobLaptop.client, group.groupId, "me", "b-1")
  const oops = await sendToGroup(alice.client, group.groupId, "wrong chat, sorry", "a-2")
  await carol.client.send(a, "psst: bring snacks", "c-1")
  await alice.client.send(c, "deal", "a-3")
  await recallMessage(alice.client, oops.messageId)
  await markRead(bob.client, group.groupId)
  await markRead(alice.client, c)

  await setProfile(bob.client, { signature: "always bring a tent" })
  const { moment } = await postMoment(carolLaptop.client, { text: "the lake at dawn" })
  await commentMoment(alice.client, moment.postId, "gorgeous")
  await likeMoment(bob.client, moment.postId)
  await likeMoment(alice.client, moment.postId)

  // Alice's laptop was never online: it logs in now and syncs the whole log.
  const aliceLaptop = await device(a, "laptop")
  const devices = [alice, aliceLaptop, bob, bobLaptop, carol, carolLaptop]
  await Promise.all(devices.map((each) => each.client.sync()))

  const states = devices.map((each) => rebuild(each.changes))
  const [aliceState, , bobState, , carolState] = [states[0]!, states[1]!, states[2]!, states[3]!, states[4]!]
  // The two devices of each user agree on everything, and on where they are in the log.
  for (let i = 0; i < devices.length; i += 2) {
    expect(states[i + 1]).toEqual(states[i])
    expect(devices[i + 1]!.client.cursor).toBe(devices[i]!.client.cursor)
    expect(await unreadCounts(devices[i + 1]!.client)).toEqual(await unreadCounts(devices[i]!.client))
  }

  // What they share looks the same from everywhere.
  expect(aliceState.contacts).toEqual({ [b]: "contact", [c]: "contact" })
  expect(bobState.contacts).toEqual({ [a]: "contact", [c]: "contact" })
  expect(carolState.contacts).toEqual({ [a]: "contact", [b]: "contact" })
  for (const state of states) {
    expect(state.groups).toEqual({ [group.groupId]: { name: "trip to the lake", owner: a, memberCount: 3 } })
    const groupMessages = Object.entries(state.messages).filter(([, message]) => message.groupId !== "")
    expect(groupMessages).toEqual(Object.entries(aliceState.messages).filter(([, message]) => message.groupId !== ""))
    expect(state.messages[oops.messageId]).toMatchObject({ recalled: true })
    expect(state.moments).toEqual({ [moment.postId]: { text: "the lake at dawn", comments: [`${a}: gorgeous`], likes: [b, a] } })
  }
  // The 1:1 chat is in the logs of its two users only, the same in both.
  const oneToOne = (state: typeof aliceState) =>
    Object.entries(state.messages).filter(([, message]) => message.groupId === "")
  expect(oneToOne(aliceState)).toEqual(oneToOne(carolState))
  expect(oneToOne(aliceState).map(([, message]) => message.text)).toEqual(["psst: bring snacks", "deal"])
  expect(oneToOne(bobState)).toEqual([])
  // Bob's new signature reached his contacts; the receipts reached whoever they concern.
  for (const state of [aliceState, bobState, carolState]) {
    expect(state.profiles[b]).toMatchObject({ signature: "always bring a tent" })
  }
  expect(aliceState.reads[`${a} read ${c}`]).toBe(`${c}/c-1`)
  expect(carolState.reads[`${a} read ${c}`]).toBe(`${c}/c-1`)
  // The newest message read that counts: neither his own nor the recalled one.
  expect(bobState.reads[`${b} read ${group.groupId}`]).toBe(`${a}/a-1`)
  // Bob read the group; the recalled message does not count for Carol, who did not.
  expect((await unreadCounts(bob.client)).total).toBe(0)
  expect((await unreadCounts(carol.client)).conversations).toMatchObject([
    { conversation: a, count: 1 },
    { conversation: group.groupId, count: 2 }
  ])
  // The server's feed agrees with what the devices rebuilt.
  const [served] = (await listFeed(bob.client)).moments
  expect(served).toMatchObject({ postId: moment.postId, likes: [b, a], comments: [{ from: a, text: "gorgeous" }] })
})
