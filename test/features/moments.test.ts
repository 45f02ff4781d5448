/**
 * Moments: posting, the feed of one's contacts newest first in pages, comments and likes, over
 * the long connection (SDK) and the short connection (HTTP); who learns of what by sync (the
 * author and the author's contacts, never a stranger); and the refusals, which store nothing.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { removeContact } from "../../src/client/contacts.ts"
import { commentMoment, likeMoment, listFeed, postMoment } from "../../src/client/moments.ts"
import { type Moment, MomentEventKind } from "../../src/protocol/moments.ts"
import { Status } from "../../src/protocol/Status.ts"
import { encodeJson, userKey } from "../../src/storage/Storage.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { type Device, harness } from "../support/Harness.ts"

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0] } })
})
const { newUser, device, post, httpLogin, httpLog, failure, received, statusOf, befriend, closeAll } = harness(() => server)
afterAll(async () => {
  closeAll()
  await server.stop()
})

const momentKinds = (who: Device) => who.changes.filter((change) => change.moment).map((change) => change.moment.kind)

/** Every page of a feed, following the page tokens. */
const wholeFeed = async (who: Device, limit: number) => {
  const pages: Array<ReadonlyArray<Moment>> = []
  let pageToken = ""
  do {
    const page = await listFeed(who.client, { limit, pageToken })
    pages.push(page.moments)
    pageToken = page.nextPageToken
  } while (pageToken !== "")
  return pages
}

describe("over the long connection", () => {
  it("a post, its comments and likes reach the author's devices and contacts; strangers see nothing", async () => {
    const [a, b, c] = [await newUser("ada"), await newUser("bo"), await newUser("cy")]
    const ada = await device(a, "phone")
    const adaTablet = await device(a, "tablet")
    const bo = await device(b)
    const cy = await device(c)
    await befriend(ada, bo)

    const media = [{ mediaId: "m-1", mimeType: "image/jpeg", thumbnailMediaId: "m-1-thumb" }]
    const { moment, duplicate } = await postMoment(ada.client, { text: "sunrise", media })
    expect(duplicate).toBe(false)
    expect(moment).toMatchObject({ postId: `${a}/1`, author: a, text: "sunrise", media, comments: [], likes: [] })
    for (const who of [ada, adaTablet, bo]) {
      expect(await received(who, "moment", 1)).toEqual([
        { kind: MomentEventKind.POSTED, postId: moment.postId, author: a, actor: a, moment, comment: null }
      ])
    }

    const comment = await commentMoment(bo.client, moment.postId, "lovely")
    expect(comment).toMatchObject({ commentId: `${moment.postId}/c1`, from: b, text: "lovely" })
    expect(await likeMoment(bo.client, moment.postId)).toEqual([b])
    expect(await likeMoment(bo.client, moment.postId)).toEqual([b]) // liked already: nothing new
    expect(await likeMoment(adaTablet.client, moment.postId)).toEqual([b, a])
    for (const who of [ada, adaTablet, bo]) {
      const events = await received(who, "moment", 4)
      expect(events.map((event) => event.kind)).toEqual([
        MomentEventKind.POSTED,
        MomentEventKind.COMMENTED,
        MomentEventKind.LIKED,
        MomentEventKind.LIKED
      ])
      expect(events[1]).toMatchObject({ actor: b, comment })
      expect(events.slice(2).map((event) => event.actor)).toEqual([b, a])
    }
    const [seen] = (await listFeed(bo.client)).moments
    expect(seen).toEqual({ ...moment, comments: [comment], likes: [b, a] })

    await cy.client.sync()
    expect(momentKinds(cy)).toEqual([])
    expect((await listFeed(cy.client)).moments).toEqual([])
    expect(await failure(commentMoment(cy.client, moment.postId, "hi"))).toBe(Status.NOT_A_CONTACT)
    expect(await failure(likeMoment(cy.client, moment.postId))).toBe(Status.NOT_A_CONTACT)
    expect(await failure(listFeed(cy.client, { author: a }))).toBe(Status.NOT_A_CONTACT)

    expect(await likeMoment(bo.client, moment.postId, true)).toEqual([a])
    expect((await received(ada, "moment", 5))[4]).toMatchObject({ kind: MomentEventKind.UNLIKED, actor: b })
  })

  it("the feed holds one's own and the contacts' posts, newest first, page by page without gaps or repeats", async () => {
    const [a, b, c] = [await newUser("di"), await newUser("ed"), await newUser("flo")]
    const di = await device(a)
    const ed = await device(b)
    const flo = await device(c)
    await befriend(di, ed)
    const posted: Array<string> = []
    for (let i = 0; i < 7; i++) {
      const author = [di, ed, di, flo, ed, di, flo][i]!
      const { moment } = await postMoment(author.client, { text: `post ${i}` })
      if (author !== flo) posted.push(moment.postId)
      // Each post in a millisecond of its own: the feed orders by time, and two posts of the same
      // millisecond by author (a tie the posting order below does not decide).
      const at = moment.postedAtMs
      while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, 1))
    }
    const pages = await wholeFeed(di, 2)
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1])
    const feed = pages.flat()
    expect(feed.map((moment) => moment.postId)).toEqual([...posted].reverse())
    for (let i = 1; i < feed.length; i++) expect(feed[i - 1]!.postedAtMs).toBeGreaterThanOrEqual(feed[i]!.postedAtMs)
    expect((await listFeed(di.client, { author: b })).moments.map((moment) => moment.author)).toEqual([b, b])
    // Flo is nobody's contact: only her own posts.
    expect((await wholeFeed(flo, 10)).flat().map((moment) => moment.text)).toEqual(["post 6", "post 3"])

    // A removed contact's posts leave the feed, and their posts can no longer be commented on.
    await removeContact(ed.client, a)
    expect((await listFeed(di.client, { limit: 50 })).moments.every((moment) => moment.author === a)).toBe(true)
    expect(await failure(commentMoment(di.client, posted[1]!, "still there?"))).toBe(Status.NOT_A_CONTACT)
  })

  it("a resend with the same client post id returns the first post and posts nothing new", async () => {
    const a = await newUser("gil")
    const gil = await device(a)
    const first = await postMoment(gil.client, { text: "once" }, "p-1")
    const again = await postMoment(gil.client, { text: "once" }, "p-1")
    expect(again).toMatchObject({ duplicate: true, moment: first.moment })
    await gil.client.sync()
    expect(momentKinds(gil)).toEqual([MomentEventKind.POSTED])
    expect((await listFeed(gil.client)).moments).toHaveLength(1)
  })

  it("refuses empty or oversized posts, bad media, bad comments, unknown posts and page tokens; nothing is stored", async () => {
    const a = await newUser("hal")
    const hal = await device(a)
    const media = (mediaId: string, mimeType = "image/png") => ({ mediaId, mimeType, thumbnailMediaId: "" })
    expect(await failure(postMoment(hal.client, { text: "  " }))).toBe(Status.BAD_REQUEST)
    expect(await failure(postMoment(hal.client, { text: "x".repeat(2049) }))).toBe(Status.BAD_REQUEST)
    expect(await failure(postMoment(hal.client, { media: Array.from({ length: 10 }, (_, i) => media(`m${i}`)) })))
      .toBe(Status.BAD_REQUEST)
    expect(await failure(postMoment(hal.client, { media: [media("")] }))).toBe(Status.BAD_REQUEST)
    expect(await failure(postMoment(hal.client, { media: [media("m", "")] }))).toBe(Status.BAD_REQUEST)
    expect(await failure(postMoment(hal.client, { text: "hi" }, "x".repeat(65)))).toBe(Status.BAD_REQUEST)
    expect(await failure(commentMoment(hal.client, `${a}/1`, "first!"))).toBe(Status.NOT_FOUND)
    expect(await failure(commentMoment(hal.client, "not a post id", "first!"))).toBe(Status.NOT_FOUND)
    expect(await failure(likeMoment(hal.client, `${a}/0`))).toBe(Status.NOT_FOUND)
    expect(await failure(listFeed(hal.client, { pageToken: "garbage" }))).toBe(Status.BAD_REQUEST)
    expect(await failure(listFeed(hal.client, { author: "bad id!" }))).toBe(Status.INVALID_USER_ID)
    expect((await listFeed(hal.client)).moments).toEqual([])

    const { moment } = await postMoment(hal.client, { text: "ok" })
    expect(await failure(commentMoment(hal.client, moment.postId, ""))).toBe(Status.BAD_REQUEST)
    expect(await failure(commentMoment(hal.client, moment.postId, "x".repeat(513)))).toBe(Status.BAD_REQUEST)
    expect((await listFeed(hal.client)).moments).toEqual([moment])
    await hal.client.sync()
    expect(momentKinds(hal)).toEqual([MomentEventKind.POSTED])
  })
})

describe("over the short connection", () => {
  it("postmoment, listfeed, commentmoment and likemoment, each seen in the contact's log", async () => {
    const [a, b] = [await newUser("ivy"), await newUser("jo")]
    const [baseA, baseB] = [await httpLogin(a), await httpLogin(b)]
    await post("friendrequest", { base: baseA, userId: b })
    await post("friendrespond", { base: baseB, userId: a, accept: true })

    const posted = await post("postmoment", {
      base: baseA,
      text: "new bike",
      media: [{ mediaId: "bike-1", mimeType: "image/jpeg" }],
      clientPostId: "bike"
    })
    expect(statusOf(posted)).toBe(Status.OK)
    const postId = posted.moment.postId as string
    expect(posted.moment).toMatchObject({ postId: `${a}/1`, author: a, text: "new bike" })
    expect((await post("commentmoment", { base: baseB, postId, text: "nice!" })).comment).toMatchObject({ from: b })
    expect((await post("likemoment", { base: baseB, postId })).likes).toEqual([b])
    expect((await post("likemoment", { base: baseB, postId, unlike: true })).likes ?? []).toEqual([])

    const feed = await post("listfeed", { base: baseB, limit: 10 })
    expect(feed.moments).toHaveLength(1)
    expect(feed.moments[0]).toMatchObject({ postId, comments: [{ text: "nice!", from: b }] })
    expect(feed.moments[0].likes ?? []).toEqual([])
    expect(feed.nextPageToken ?? "").toBe("")

    const kinds = (log: Array<any>) => log.filter((change) => change.moment).map((change) => change.moment.kind)
    const expected = [
      "MOMENT_EVENT_KIND_POSTED",
      "MOMENT_EVENT_KIND_COMMENTED",
      "MOMENT_EVENT_KIND_LIKED",
      "MOMENT_EVENT_KIND_UNLIKED"
    ]
    expect(kinds(await httpLog(baseA))).toEqual(expected)
    expect(kinds(await httpLog(baseB))).toEqual(expected)
  })

  it("refusals carry their status code and store nothing", async () => {
    const [a, b] = [await newUser("kit"), await newUser("lu")]
    const [baseA, baseB] = [await httpLogin(a), await httpLogin(b)]
    const { moment } = await post("postmoment", { base: baseA, text: "mine" })
    expect(statusOf(await post("postmoment", { base: baseB, text: "" }))).toBe(Status.BAD_REQUEST)
    expect(statusOf(await post("commentmoment", { base: baseB, postId: moment.postId, text: "hey" }))).toBe(Status.NOT_A_CONTACT)
    expect(statusOf(await post("likemoment", { base: baseB, postId: moment.postId }))).toBe(Status.NOT_A_CONTACT)
    expect(statusOf(await post("likemoment", { base: baseB, postId: `${b}/9` }))).toBe(Status.NOT_FOUND)
    expect(statusOf(await post("listfeed", { base: baseB, pageToken: "1:2:3" }))).toBe(Status.BAD_REQUEST)
    expect((await post("listfeed", { base: baseB })).moments ?? []).toEqual([])
    expect(await httpLog(baseB)).toEqual([])
    expect((await post("listfeed", { base: baseA })).moments).toEqual([moment])
  })
})

describe("a change cut short", () => {
  it("a post stored but not yet announced is announced by the next request on it, before that one", async () => {
    const [a, b] = [await newUser("tam"), await newUser("uma")]
    const tam = await device(a)
    const uma = await device(b)
    await befriend(tam, uma)
    // What a crash right after a post was stored, before any log had it, leaves behind.
    const moment = { postId: `${a}/1`, author: a, text: "lost?", media: [], postedAtMs: Date.now(), comments: [], likes: [] }
    const posted = { kind: MomentEventKind.POSTED, postId: moment.postId, author: a, actor: a, moment }
    await Effect.runPromise(Effect.all([
      server.storage.set(userKey(a, "moment", "1"), encodeJson({ moment, nextComment: 1, version: 1, unannounced: posted })),
      server.storage.set(userKey(a, "moments"), encodeJson({ next: 2, posts: [[1, moment.postedAtMs]], clientPostIds: {} }))
    ]))

    expect(await likeMoment(uma.client, moment.postId)).toEqual([b])
    for (const who of [tam, uma]) {
      const events = await received(who, "moment", 2)
      expect(events.map((event) => event.kind)).toEqual([MomentEventKind.POSTED, MomentEventKind.LIKED])
      expect(events[0].moment).toMatchObject({ postId: moment.postId, text: "lost?" })
    }
    await commentMoment(tam.client, moment.postId, "not lost")
    await received(uma, "moment", 3)
    expect(momentKinds(uma)).toEqual([
      MomentEventKind.POSTED,
      MomentEventKind.LIKED,
      MomentEventKind.COMMENTED
    ])
  })
})
