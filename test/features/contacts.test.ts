/**
 * Contacts: friend requests, accepting and declining, the list, removal, over the long
 * connection (SDK) and the short connection (HTTP); every step in both users' logs, seen by
 * each of their devices; and the refusals, which change nothing.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  acceptFriendRequest,
  declineFriendRequest,
  listContacts,
  removeContact,
  sendFriendRequest
} from "../../src/client/contacts.ts"
import { ContactEventKind, ContactState } from "../../src/protocol/contacts.ts"
import { Status } from "../../src/protocol/Status.ts"
import { encodeJson, userKey } from "../../src/storage/Storage.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { harness } from "../support/Harness.ts"

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0] } })
})
const { newUser, device, post, httpLogin, httpLog, failure, received, statusOf, closeAll } = harness(() => server)
afterAll(async () => {
  closeAll()
  await server.stop()
})

const kinds = (log: Array<any>) => log.filter((change) => change.contact).map((change) => change.contact.kind)

describe("over the long connection", () => {
  it("a request, then its acceptance, reach both users and every device of each; both lists agree", async () => {
    const [a, b] = [await newUser("ada"), await newUser("bo")]
    const ada = await device(a, "phone")
    const adaLaptop = await device(a, "laptop")
    const bo = await device(b)

    expect(await sendFriendRequest(ada.client, b, "hi, it's Ada")).toBe(false)
    expect(await received(bo, "contact", 1)).toEqual([
      { kind: ContactEventKind.REQUEST_RECEIVED, peer: a, actor: a, message: "hi, it's Ada" }
    ])
    for (const own of [ada, adaLaptop]) {
      expect(await received(own, "contact", 1)).toEqual([
        { kind: ContactEventKind.REQUEST_SENT, peer: b, actor: a, message: "hi, it's Ada" }
      ])
    }
    expect(await listContacts(ada.client)).toMatchObject([{ userId: b, state: ContactState.REQUEST_SENT }])
    expect(await listContacts(bo.client)).toMatchObject([
      { userId: a, state: ContactState.REQUEST_RECEIVED, message: "hi, it's Ada" }
    ])

    await acceptFriendRequest(bo.client, a)
    for (const [who, peer] of [[ada, b], [adaLaptop, b], [bo, a]] as const) {
      const events = await received(who, "contact", 2)
      expect(events[1]).toEqual({ kind: ContactEventKind.ACCEPTED, peer, actor: b, message: "" })
    }
    expect(await listContacts(ada.client)).toMatchObject([{ userId: b, state: ContactState.CONTACT }])
    expect(await listContacts(adaLaptop.client)).toMatchObject([{ userId: b, state: ContactState.CONTACT }])
    expect(await listContacts(bo.client)).toMatchObject([{ userId: a, state: ContactState.CONTACT }])

    await removeContact(adaLaptop.client, b)
    for (const [who, peer] of [[ada, b], [bo, a]] as const) {
      expect((await received(who, "contact", 3))[2]).toEqual({ kind: ContactEventKind.REMOVED, peer, actor: a, message: "" })
    }
    expect(await listContacts(ada.client)).toEqual([])
    expect(await listContacts(bo.client)).toEqual([])
  })

  it("two users who ask each other become contacts: the second request accepts the first", async () => {
    const [a, b] = [await newUser("cy"), await newUser("di")]
    const cy = await device(a)
    const di = await device(b)
    expect(await sendFriendRequest(cy.client, b)).toBe(false)
    expect(await sendFriendRequest(di.client, a)).toBe(true)
    expect((await received(cy, "contact", 2)).map((event) => event.kind)).toEqual([
      ContactEventKind.REQUEST_SENT,
      ContactEventKind.ACCEPTED
    ])
    expect(await listContacts(cy.client)).toMatchObject([{ userId: b, state: ContactState.CONTACT }])
    expect(await listContacts(di.client)).toMatchObject([{ userId: a, state: ContactState.CONTACT }])
  })

  it("a declined request is gone for both, and the requester may ask again", async () => {
    const [a, b] = [await newUser("ed"), await newUser("flo")]
    const ed = await device(a)
    const flo = await device(b)
    await sendFriendRequest(ed.client, b)
    await declineFriendRequest(flo.client, a)
    expect((await received(ed, "contact", 2))[1]).toEqual({ kind: ContactEventKind.DECLINED, peer: b, actor: b, message: "" })
    expect(await listContacts(ed.client)).toEqual([])
    expect(await listContacts(flo.client)).toEqual([])
    expect(await sendFriendRequest(ed.client, b, "please?")).toBe(false)
    expect(await listContacts(flo.client)).toMatchObject([{ userId: a, state: ContactState.REQUEST_RECEIVED, message: "please?" }])
  })

  it("refuses requests to oneself, unknown or malformed users, duplicates, answers to no request; nothing changes", async () => {
    const [a, b] = [await newUser("gil"), await newUser("hal")]
    const gil = await device(a)
    const hal = await device(b)
    expect(await failure(sendFriendRequest(gil.client, a))).toBe(Status.BAD_REQUEST)
    expect(await failure(sendFriendRequest(gil.client, "nobody-here-at-all"))).toBe(Status.NOT_FOUND)
    expect(await failure(sendFriendRequest(gil.client, "bad id!"))).toBe(Status.INVALID_USER_ID)
    expect(await failure(sendFriendRequest(gil.client, b, "x".repeat(257)))).toBe(Status.BAD_REQUEST)
    expect(await failure(acceptFriendRequest(gil.client, b))).toBe(Status.NOT_FOUND)
    expect(await failure(removeContact(gil.client, b))).toBe(Status.NOT_A_CONTACT)
    expect(gil.client.cursor).toBe(0)

    await sendFriendRequest(gil.client, b)
    expect(await failure(sendFriendRequest(gil.client, b))).toBe(Status.CONFLICT)
    // Only the recipient answers a request: the requester cannot accept their own.
    expect(await failure(acceptFriendRequest(gil.client, b))).toBe(Status.NOT_FOUND)
    // The recipient may not withdraw what they did not send.
    expect(await failure(removeContact(hal.client, a))).toBe(Status.NOT_A_CONTACT)
    await acceptFriendRequest(hal.client, a)
    expect(await failure(sendFriendRequest(hal.client, a))).toBe(Status.CONFLICT)
    expect(await failure(declineFriendRequest(hal.client, a))).toBe(Status.NOT_FOUND)

    await received(gil, "contact", 2)
    await received(hal, "contact", 2)
    expect(gil.changes.map((change) => change.contact.kind)).toEqual([ContactEventKind.REQUEST_SENT, ContactEventKind.ACCEPTED])
    expect(await listContacts(gil.client)).toMatchObject([{ userId: b, state: ContactState.CONTACT }])
  })
})

describe("a request belongs to its two users", () => {
  it("nobody else can accept or decline it, over either connection; it stays pending for its recipient", async () => {
    const [a, b, c] = [await newUser("mo"), await newUser("ned"), await newUser("oz")]
    const mo = await device(a)
    const oz = await device(c)
    await sendFriendRequest(mo.client, b, "for ned only")
    expect(await failure(acceptFriendRequest(oz.client, a))).toBe(Status.NOT_FOUND)
    expect(await failure(declineFriendRequest(oz.client, a))).toBe(Status.NOT_FOUND)
    const baseC = await httpLogin(c)
    expect(statusOf(await post("friendrespond", { base: baseC, userId: a, accept: true }))).toBe(Status.NOT_FOUND)
    // Oz's token does not let him act as Ned.
    const asNed = { userId: b, sessionToken: baseC.sessionToken }
    expect(statusOf(await post("friendrespond", { base: asNed, userId: a, accept: true }))).toBe(Status.INVALID_TOKEN)

    expect(await listContacts(oz.client)).toEqual([])
    expect(await httpLog(baseC)).toEqual([])
    const baseB = await httpLogin(b)
    expect((await post("listcontacts", { base: baseB })).contacts).toMatchObject([
      { userId: a, state: "CONTACT_STATE_REQUEST_RECEIVED", message: "for ned only" }
    ])
    expect(statusOf(await post("friendrespond", { base: baseB, userId: a, accept: true }))).toBe(Status.OK)
    expect(await listContacts(mo.client)).toMatchObject([{ userId: b, state: ContactState.CONTACT }])
  })
})

describe("over the short connection", () => {
  it("friendrequest, friendrespond, listcontacts and removecontact, each step in both users' logs", async () => {
    const [a, b] = [await newUser("ivy"), await newUser("jo")]
    const [baseA, baseB] = [await httpLogin(a), await httpLogin(b)]

    expect(statusOf(await post("friendrequest", { base: baseA, userId: b, message: "hello" }))).toBe(Status.OK)
    expect((await post("listcontacts", { base: baseB })).contacts).toMatchObject([
      { userId: a, state: "CONTACT_STATE_REQUEST_RECEIVED", message: "hello" }
    ])
    expect(statusOf(await post("friendrespond", { base: baseB, userId: a, accept: false }))).toBe(Status.OK)
    expect(statusOf(await post("friendrequest", { base: baseA, userId: b }))).toBe(Status.OK)
    expect(statusOf(await post("friendrespond", { base: baseB, userId: a, accept: true }))).toBe(Status.OK)
    expect((await post("listcontacts", { base: baseA })).contacts).toMatchObject([{ userId: b, state: "CONTACT_STATE_CONTACT" }])
    expect(statusOf(await post("removecontact", { base: baseB, userId: a }))).toBe(Status.OK)
    expect((await post("listcontacts", { base: baseA })).contacts ?? []).toEqual([])

    const steps = [
      "CONTACT_EVENT_KIND_DECLINED",
      "CONTACT_EVENT_KIND_REQUEST_SENT",
      "CONTACT_EVENT_KIND_ACCEPTED",
      "CONTACT_EVENT_KIND_REMOVED"
    ]
    expect(kinds(await httpLog(baseA))).toEqual(["CONTACT_EVENT_KIND_REQUEST_SENT", ...steps])
    expect(kinds(await httpLog(baseB))).toEqual(["CONTACT_EVENT_KIND_REQUEST_RECEIVED", ...steps.map((kind) =>
      kind === "CONTACT_EVENT_KIND_REQUEST_SENT" ? "CONTACT_EVENT_KIND_REQUEST_RECEIVED" : kind)])
    const last = (await httpLog(baseA)).at(-1).contact
    expect(last).toEqual({ kind: "CONTACT_EVENT_KIND_REMOVED", peer: b, actor: b })
  })

  it("refusals carry their status code; a body with an unknown field is a 400 naming it", async () => {
    const [a, b] = [await newUser("kit"), await newUser("lu")]
    const base = await httpLogin(a)
    expect(statusOf(await post("friendrequest", { base, userId: a }))).toBe(Status.BAD_REQUEST)
    expect(statusOf(await post("friendrequest", { base, userId: "ghost-user-x" }))).toBe(Status.NOT_FOUND)
    expect(statusOf(await post("friendrespond", { base, userId: b, accept: true }))).toBe(Status.NOT_FOUND)
    expect(statusOf(await post("removecontact", { base, userId: b }))).toBe(Status.NOT_A_CONTACT)
    expect(statusOf(await post("listcontacts", { base: { ...base, sessionToken: "forged" } }))).toBe(Status.INVALID_TOKEN)
    const response = await fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/friendrequest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ base, userId: b, friend: true })
    })
    expect(response.status).toBe(400)
    expect((await response.json()).message).toContain(`unknown field: "friend"`)
    expect(await httpLog(base)).toEqual([])
  })
})

describe("a change cut short", () => {
  it("is finished before the pair's next request: both sides and both logs", async () => {
    const [a, b] = [await newUser("pat"), await newUser("quin")]
    const pat = await device(a)
    const quin = await device(b)
    await sendFriendRequest(pat.client, b)
    // What a crash right after Quin's acceptance was stored, before it was carried out, leaves.
    const contact = { state: ContactState.CONTACT, sinceMs: Date.now(), message: "" }
    const accepted = (peer: string) => ({ kind: ContactEventKind.ACCEPTED, peer, actor: b, message: "" })
    const pending = {
      version: 2,
      sides: [[b, a, contact], [a, b, contact]],
      events: [[b, accepted(a)], [a, accepted(b)]],
      done: false
    }
    const [low, high] = a < b ? [a, b] : [b, a]
    await Effect.runPromise(server.storage.set(userKey(low, "friendship", high), encodeJson(pending)))

    // Pat's removal finds them contacts: the acceptance is finished first.
    await removeContact(pat.client, b)
    expect((await received(pat, "contact", 3)).map((event) => event.kind)).toEqual([
      ContactEventKind.REQUEST_SENT,
      ContactEventKind.ACCEPTED,
      ContactEventKind.REMOVED
    ])
    expect((await received(quin, "contact", 3)).map((event) => event.kind)).toEqual([
      ContactEventKind.REQUEST_RECEIVED,
      ContactEventKind.ACCEPTED,
      ContactEventKind.REMOVED
    ])
    expect(await listContacts(quin.client)).toEqual([])
  })

  it("a removal cut short is finished too: no side is left behind", async () => {
    const [a, b] = [await newUser("val"), await newUser("wes")]
    const val = await device(a)
    const wes = await device(b)
    await sendFriendRequest(val.client, b)
    await acceptFriendRequest(wes.client, a)
    const removed = (peer: string) => ({ kind: ContactEventKind.REMOVED, peer, actor: a, message: "" })
    const pending = { version: 3, sides: [[a, b, undefined], [b, a, undefined]], events: [[a, removed(b)], [b, removed(a)]], done: false }
    const [low, high] = a < b ? [a, b] : [b, a]
    await Effect.runPromise(server.storage.set(userKey(low, "friendship", high), encodeJson(pending)))

    // Wes's answer to a request that is not there still finishes the removal first.
    expect(await failure(acceptFriendRequest(wes.client, a))).toBe(Status.NOT_FOUND)
    expect(await listContacts(val.client)).toEqual([])
    expect(await listContacts(wes.client)).toEqual([])
    expect(await sendFriendRequest(wes.client, a)).toBe(false)
    expect((await received(val, "contact", 4)).map((event) => event.kind)).toEqual([
      ContactEventKind.REQUEST_SENT,
      ContactEventKind.ACCEPTED,
      ContactEventKind.REMOVED,
      ContactEventKind.REQUEST_RECEIVED
    ])
    expect(await listContacts(val.client)).toMatchObject([{ userId: b, state: ContactState.REQUEST_RECEIVED }])
  })
})
