/**
 * Profiles and avatars: reading and changing a profile over the long connection (SDK) and the
 * short connection (HTTP), uploading an avatar (as a command, and as a plain HTTP POST of the
 * image) and fetching it by its URL; the change in the user's and the contacts' logs (not in
 * strangers'); and the refusals, which change nothing.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { getProfile, setAvatar, setProfile } from "../../src/client/profile.ts"
import { register } from "../../src/client/WeftClient.ts"
import { ProfileCodecs } from "../../src/protocol/profile.ts"
import { Status } from "../../src/protocol/Status.ts"
import { encodeJson, userKey } from "../../src/storage/Storage.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { harness } from "../support/Harness.ts"

const MAX_AVATAR = 4096
/** A 1x1 PNG. */
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64"
)
const gif = Buffer.concat([Buffer.from("GIF89a"), Buffer.alloc(20, 1)])

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0] }, features: { maxAvatarBytes: MAX_AVATAR } })
})
const { newUser, device, post, httpLogin, httpLog, failure, received, statusOf, befriend, closeAll } = harness(() => server)
afterAll(async () => {
  closeAll()
  await server.stop()
})

const url = (path: string) => `http://127.0.0.1:${server.httpPort}${path}`

const postAvatar = (base: { userId: string; sessionToken: string } | undefined, body: Uint8Array, contentType: string) =>
  fetch(url("/avatars"), {
    method: "POST",
    headers: {
      "content-type": contentType,
      ...(base === undefined ? {} : { authorization: `Bearer ${base.userId}:${base.sessionToken}` })
    },
    body
  })

describe("over the long connection", () => {
  it("a profile starts from the registration; a change reaches the user's devices and contacts, not strangers", async () => {
    const [a, b, c] = [await newUser("ada", "Ada L."), await newUser("bo"), await newUser("cy")]
    const ada = await device(a, "phone")
    const adaLaptop = await device(a, "laptop")
    const bo = await device(b)
    const cy = await device(c)
    await befriend(ada, bo)

    expect(await getProfile(bo.client, a)).toMatchObject({ userId: a, displayName: "Ada L.", signature: "", avatarUrl: "" })
    expect(await getProfile(cy.client)).toMatchObject({ userId: c, displayName: c })

    const changed = await setProfile(adaLaptop.client, { signature: "counting things" })
    expect(changed).toMatchObject({ displayName: "Ada L.", signature: "counting things" })
    for (const who of [ada, adaLaptop, bo]) {
      expect(await received(who, "profile", 1)).toEqual([{ profile: changed }])
    }
    const renamed = await setProfile(ada.client, { displayName: "Ada" })
    expect(renamed).toMatchObject({ displayName: "Ada", signature: "counting things", version: changed.version + 1 })
    expect((await received(bo, "profile", 2))[1].profile).toEqual(renamed)
    // The same values again change nothing, and nothing is sent.
    expect(await setProfile(ada.client, { displayName: "Ada", signature: "counting things" })).toEqual(renamed)
    expect(await getProfile(cy.client, a)).toEqual(renamed)
    await cy.client.sync()
    expect(cy.changes.filter((change) => change.profile)).toEqual([])
    await ada.client.sync()
    expect(ada.changes.filter((change) => change.profile)).toHaveLength(2)
  })

  it("an avatar set over the long connection is served at the profile's avatar URL", async () => {
    const [a, b] = [await newUser("di"), await newUser("ed")]
    const di = await device(a)
    const ed = await device(b)
    await befriend(di, ed)
    const profile = await setAvatar(di.client, png, "image/png")
    expect(profile.avatarUrl).toBe(`/avatars/${a}?v=1`)
    expect((await received(ed, "profile", 1))[0].profile.avatarUrl).toBe(`/avatars/${a}?v=1`)
    const response = await fetch(url(profile.avatarUrl))
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("image/png")
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png)

    expect((await setAvatar(di.client, gif, "image/gif")).avatarUrl).toBe(`/avatars/${a}?v=2`)
    const second = await fetch(url(`/avatars/${a}`))
    expect(second.headers.get("content-type")).toBe("image/gif")
    expect(Buffer.from(await second.arrayBuffer())).toEqual(gif)
  })

  it("refuses bad names, signatures, unknown users and bad avatars; the profile stays as it was", async () => {
    const a = await newUser("flo")
    const flo = await device(a)
    const before = await getProfile(flo.client)
    expect(await failure(setProfile(flo.client, { displayName: "" }))).toBe(Status.BAD_REQUEST)
    expect(await failure(setProfile(flo.client, { displayName: "   " }))).toBe(Status.BAD_REQUEST)
    expect(await failure(setProfile(flo.client, { displayName: "x".repeat(65) }))).toBe(Status.BAD_REQUEST)
    expect(await failure(setProfile(flo.client, { signature: "x".repeat(257) }))).toBe(Status.BAD_REQUEST)
    expect(await failure(setProfile(flo.client, {}))).toBe(Status.BAD_REQUEST)
    expect(await failure(getProfile(flo.client, "no-such-user-here"))).toBe(Status.NOT_FOUND)
    expect(await failure(getProfile(flo.client, "not valid!"))).toBe(Status.INVALID_USER_ID)
    expect(await failure(setAvatar(flo.client, new Uint8Array(), "image/png"))).toBe(Status.BAD_REQUEST)
    expect(await failure(setAvatar(flo.client, png, "image/svg+xml"))).toBe(Status.BAD_REQUEST)
    expect(await failure(setAvatar(flo.client, png, "image/jpeg"))).toBe(Status.BAD_REQUEST)
    const big = Buffer.concat([png, Buffer.alloc(MAX_AVATAR)])
    expect(await failure(setAvatar(flo.client, big, "image/png"))).toBe(Status.TOO_LARGE)
    expect(await getProfile(flo.client)).toEqual(before)
    expect((await fetch(url(`/avatars/${a}`))).status).toBe(404)
    await flo.client.sync()
    expect(flo.client.cursor).toBe(0)
  })
})

describe("over the short connection", () => {
  it("getprofile, setprofile and setavatar (JSON, the image in base64), seen in a contact's log", async () => {
    const [a, b] = [await newUser("gil"), await newUser("hal")]
    const [baseA, baseB] = [await httpLogin(a), await httpLogin(b)]
    await post("friendrequest", { base: baseA, userId: b })
    await post("friendrespond", { base: baseB, userId: a, accept: true })

    const set = await post("setprofile", { base: baseA, displayName: "Gil", signature: "hello" })
    expect(set.profile).toMatchObject({ userId: a, displayName: "Gil", signature: "hello" })
    expect((await post("getprofile", { base: baseB, userId: a })).profile).toEqual(set.profile)
    const avatar = await post("setavatar", { base: baseA, image: png.toString("base64"), contentType: "image/png" })
    expect(avatar.profile.avatarUrl).toBe(`/avatars/${a}?v=1`)
    expect(Buffer.from(await (await fetch(url(avatar.profile.avatarUrl))).arrayBuffer())).toEqual(png)

    const seen = (await httpLog(baseB)).filter((change) => change.profile).map((change) => change.profile.profile)
    expect(seen).toEqual([set.profile, avatar.profile])
    expect((await httpLog(baseA)).filter((change) => change.profile)).toHaveLength(2)
  })

  it("POST /avatars takes the image itself as the body", async () => {
    const a = await newUser("ivy")
    const base = await httpLogin(a)
    const response = await postAvatar(base, png, "image/png")
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.profile).toMatchObject({ userId: a, avatarUrl: `/avatars/${a}?v=1` })
    const fetched = await fetch(url(`/avatars/${a}?v=1`))
    expect(fetched.headers.get("content-type")).toBe("image/png")
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(png)
    expect((await httpLog(base)).at(-1).profile.profile.avatarUrl).toBe(`/avatars/${a}?v=1`)
  })

  it("with a limit above the frame size, a large avatar goes by POST /avatars; as a command it is too large a frame", async () => {
    // A server of its own, whose avatars may be larger than a frame (64 KiB by default).
    const roomy = await startDevServer({ gateway: { httpPorts: [0] }, features: { maxAvatarBytes: 100_000 } })
    try {
      const at = (path: string) => `http://127.0.0.1:${roomy.httpPort}${path}`
      const a = "kay"
      await register(roomy, a, "password")
      const auth = await (await fetch(at("/cgi-bin/auth"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: a, password: "password" })
      })).json()
      const base = { userId: a, sessionToken: auth.sessionToken as string }
      const large = Buffer.concat([png, Buffer.alloc(80_000, 7)])
      const asCommand = await fetch(at("/cgi-bin/setavatar"), {
        method: "POST",
        headers: { "content-type": "application/x-protobuf" },
        body: ProfileCodecs.SetAvatarRequest.encode({ base: { ...base, deviceId: "" }, image: large, contentType: "image/png" })
      })
      expect(asCommand.status).toBe(413)
      const response = await fetch(at("/avatars"), {
        method: "POST",
        headers: { "content-type": "image/png", authorization: `Bearer ${a}:${base.sessionToken}` },
        body: large
      })
      expect(statusOf(await response.json())).toBe(Status.OK)
      expect(Buffer.from(await (await fetch(at(`/avatars/${a}`))).arrayBuffer())).toEqual(large)
    } finally {
      await roomy.stop()
    }
  })

  it("refusals: status codes in the body, 413 for an image over the limit, 404 for no avatar; nothing stored", async () => {
    const a = await newUser("jo")
    const base = await httpLogin(a)
    expect(statusOf(await post("setprofile", { base, displayName: "" }))).toBe(Status.BAD_REQUEST)
    expect(statusOf(await post("getprofile", { base, userId: "ghost-user-y" }))).toBe(Status.NOT_FOUND)
    expect(statusOf(await post("setavatar", { base, image: png.toString("base64"), contentType: "text/plain" })))
      .toBe(Status.BAD_REQUEST)

    expect(statusOf(await (await postAvatar(undefined, png, "image/png")).json())).toBe(Status.INVALID_TOKEN)
    expect(statusOf(await (await postAvatar({ ...base, sessionToken: "forged" }, png, "image/png")).json()))
      .toBe(Status.INVALID_TOKEN)
    expect(statusOf(await (await postAvatar(base, png, "image/gif")).json())).toBe(Status.BAD_REQUEST)
    expect(statusOf(await (await postAvatar(base, Buffer.from("not an image"), "image/png")).json())).toBe(Status.BAD_REQUEST)
    const tooBig = await postAvatar(base, Buffer.concat([png, Buffer.alloc(MAX_AVATAR)]), "image/png")
    expect(tooBig.status).toBe(413)
    expect(statusOf(await tooBig.json())).toBe(Status.TOO_LARGE)

    expect((await fetch(url(`/avatars/${a}`))).status).toBe(404)
    expect((await fetch(url("/avatars/nobody-at-all"))).status).toBe(404)
    expect((await fetch(url("/avatars/bad%20id"))).status).toBe(404)
    const profile = (await post("getprofile", { base })).profile
    expect(profile.avatarUrl ?? "").toBe("")
    expect(profile.version).toBe("1") // proto3 JSON writes 64-bit integers as strings
    expect(await httpLog(base)).toEqual([])
  })
})

describe("a change cut short", () => {
  it("is announced to the contacts before the profile is next used", async () => {
    const [a, b] = [await newUser("ray"), await newUser("sol")]
    const ray = await device(a)
    const sol = await device(b)
    await befriend(ray, sol)
    // What a crash right after a change was stored, before any log had it, leaves behind.
    const stored = { displayName: "Ray", signature: "", avatarVersion: 0, avatarType: "", version: 2, updatedAtMs: 1, announced: false }
    await Effect.runPromise(server.storage.set(userKey(a, "profile"), encodeJson(stored)))

    expect(await getProfile(sol.client, a)).toMatchObject({ displayName: "Ray", version: 2 })
    expect((await received(sol, "profile", 1))[0].profile).toMatchObject({ userId: a, displayName: "Ray", version: 2 })
    expect((await received(ray, "profile", 1))[0].profile).toMatchObject({ displayName: "Ray" })
    // Announced once: the next change is the only other one.
    await setProfile(ray.client, { signature: "back" })
    expect((await received(sol, "profile", 2)).map((event) => event.profile.version)).toEqual([2, 3])
  })
})
