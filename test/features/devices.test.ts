/**
 * Sessions and devices: logout on both transports, the login policies, the device list, and
 * the DeviceEvents that tell a user's other devices.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { listDevices, logout } from "../../src/client/devices.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { Command } from "../../src/protocol/Command.ts"
import { DeviceCodecs, type DeviceEvent, DeviceEventKind } from "../../src/protocol/devices.ts"
import type { Kicked } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { sleep, uniqueUser, waitFor } from "../support/wait.ts"

const servers: Record<"allowMany" | "onePerPlatform" | "kickOlder", DevServer> = {} as any
beforeAll(async () => {
  const [allowMany, onePerPlatform, kickOlder] = await Promise.all([
    startDevServer({ gateway: { httpPorts: [0] } }),
    startDevServer({ gateway: { httpPorts: [0] }, features: { loginPolicy: "one-per-platform" } }),
    startDevServer({ gateway: { httpPorts: [0] }, features: { loginPolicy: "kick-older" } })
  ])
  Object.assign(servers, { allowMany, onePerPlatform, kickOlder })
})
afterAll(() => Promise.all(Object.values(servers).map((server) => server.stop())))

const clients: Array<WeftClient> = []
afterAll(() => clients.forEach((client) => client.close()))

/** An SDK client that records what a user would notice: kicks, states, device events. */
const device = async (server: DevServer, userId: string, options: Partial<ConstructorParameters<typeof WeftClient>[0]> = {}) => {
  const client = new WeftClient({ host: server.host, port: server.port, userId, password: "password", ...options })
  clients.push(client)
  const seen = { kicked: [] as Array<Kicked>, events: [] as Array<DeviceEvent>, order: [] as Array<string> }
  client.on("kicked", (kicked) => {
    seen.kicked.push(kicked)
    seen.order.push("kicked")
  })
  client.on("change", (change) => change.device && seen.events.push(change.device))
  await client.connect()
  return { client, seen }
}

const post = async (server: DevServer, command: string, body: unknown) => {
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/${command}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body)
  })
  expect(response.status).toBe(200)
  return (await response.json()) as any
}

/** A password login over the short connection; returns the base request of the new session. */
const httpLogin = async (server: DevServer, userId: string, device: Record<string, unknown>) => {
  const auth = await post(server, "auth", { userId, password: "password", device })
  expect(auth.base ?? {}).toEqual({})
  return { userId, sessionToken: auth.sessionToken as string }
}

const newUser = async (server: DevServer, name: string) => {
  const userId = uniqueUser(name)
  await register(server, userId, "password")
  return userId
}

/** The device events of the user's log, as a device syncing over HTTP gets them. */
const syncedEvents = async (server: DevServer, base: { userId: string; sessionToken: string }) => {
  const page = await post(server, "sync", { base, cursor: 0 })
  expect(page.base ?? {}).toEqual({})
  return ((page.changes ?? []) as Array<any>).filter((change) => change.device).map((change) => change.device)
}

const resumeFails = async (server: DevServer, userId: string, resumeToken: string) => {
  const again = new WeftClient({ host: server.host, port: server.port, userId, resumeToken, reconnect: false })
  clients.push(again)
  await expect(again.connect()).rejects.toMatchObject({ code: Status.INVALID_TOKEN })
}

describe("logout", () => {
  it("over the long connection: the caller gets its answer, then every connection of the session is kicked and the token is dead on both transports", async () => {
    const server = servers.allowMany
    const user = await newUser(server, "lou")
    const phone = await device(server, user, { deviceId: "phone" })
    const token = phone.client.sessionToken!
    // A second connection of the same session (the same device, resumed by token).
    const phoneAgain = await device(server, user, { deviceId: "phone", password: undefined, resumeToken: token })
    const laptop = await device(server, user, { deviceId: "laptop" })

    const response = await phone.client.call(
      Command.LOGOUT,
      DeviceCodecs.LogoutRequest,
      DeviceCodecs.LogoutResponse,
      {}
    )
    phone.seen.order.push("response")
    expect(response.base.code).toBe(Status.OK)

    await waitFor("both connections of the session kicked", () => phone.seen.kicked.length === 1 && phoneAgain.seen.kicked.length === 1)
    // The answer came first, on the connection that the Kicked then closed.
    expect(phone.seen.order).toEqual(["response", "kicked"])
    for (const connection of [phone, phoneAgain]) {
      expect(connection.seen.kicked[0]).toEqual({ code: Status.LOGGED_OUT, reason: "logged out" })
      expect(connection.client.state).toBe("closed")
    }

    // The token is revoked everywhere: short connection and resume.
    expect((await post(server, "ping", { base: { userId: user, sessionToken: token } })).base.code).toBe("INVALID_TOKEN")
    await resumeFails(server, user, token)

    // The other device stays, and learns of the logout from its log.
    await waitFor("the laptop's logout event", () => laptop.seen.events.length === 1)
    expect(laptop.client.state).toBe("online")
    expect(laptop.seen.kicked).toEqual([])
    expect(laptop.seen.events[0]).toMatchObject({ kind: DeviceEventKind.LOGOUT, device: { deviceId: "phone" } })
    expect((await listDevices(laptop.client)).map((session) => session.device.deviceId)).toEqual(["laptop"])
  })

  it("over the short connection: the token stops working and the same session's long connection is kicked; other devices stay", async () => {
    const server = servers.allowMany
    const user = await newUser(server, "hal")
    const phone = await device(server, user, { deviceId: "phone" })
    const laptop = await device(server, user, { deviceId: "laptop" })
    const web = await httpLogin(server, user, { deviceId: "browser", platform: "PLATFORM_WEB", name: "Firefox" })
    const phoneBase = { userId: user, sessionToken: phone.client.sessionToken! }

    expect(await post(server, "logout", { base: phoneBase })).toEqual({ base: {} })

    await waitFor("the phone kicked", () => phone.seen.kicked.length === 1)
    expect(phone.seen.kicked[0]).toEqual({ code: Status.LOGGED_OUT, reason: "logged out" })
    expect(phone.client.state).toBe("closed")
    expect((await post(server, "ping", { base: phoneBase })).base.code).toBe("INVALID_TOKEN")
    expect((await post(server, "logout", { base: phoneBase })).base.code).toBe("INVALID_TOKEN")
    await resumeFails(server, user, phoneBase.sessionToken)

    await sleep(300)
    expect(laptop.client.state).toBe("online")
    expect(laptop.seen.kicked).toEqual([])
    expect((await post(server, "ping", { base: web })).base ?? {}).toEqual({})

    // The web session learns it by sync: its own login, then the phone's logout.
    const events = await syncedEvents(server, web)
    expect(events.map((event) => [event.kind, event.device.deviceId])).toEqual([
      ["DEVICE_EVENT_KIND_LOGIN", "browser"],
      ["DEVICE_EVENT_KIND_LOGOUT", "phone"]
    ])
  })

  it("the SDK's logout resolves and closes the client; a logout can't name another user", async () => {
    const server = servers.allowMany
    const user = await newUser(server, "sid")
    const other = await newUser(server, "ted")
    const phone = await device(server, user, { deviceId: "phone" })
    const otherWeb = await httpLogin(server, other, { deviceId: "web" })

    // My token with another user's id is refused before anything happens.
    const forged = await post(server, "logout", { base: { userId: other, sessionToken: phone.client.sessionToken } })
    expect(forged.base.code).toBe("INVALID_TOKEN")
    expect((await post(server, "ping", { base: otherWeb })).base ?? {}).toEqual({})
    expect((await post(server, "logout", {})).base.code).toBe("INVALID_TOKEN")

    const token = phone.client.sessionToken!
    await logout(phone.client)
    expect(phone.client.state).toBe("closed")
    await resumeFails(server, user, token)
  })
})

describe("the device list", () => {
  it("lists every active session over both transports, marks the caller's, and never shows a token", async () => {
    const server = servers.allowMany
    const user = await newUser(server, "dee")
    const before = Date.now()
    const iphone = await httpLogin(server, user, { deviceId: "iphone-1", platform: "PLATFORM_IOS", name: "Dee's iPhone" })
    const laptop = await device(server, user, { deviceId: "laptop" })

    const overTcp = await listDevices(laptop.client)
    expect(overTcp.map((session) => [session.device.deviceId, session.current])).toEqual([["laptop", true], ["iphone-1", false]])
    expect(overTcp[1]).toMatchObject({ device: { platform: 1, name: "Dee's iPhone" }, sessionId: expect.stringMatching(/^[0-9a-f]{16}$/) })
    expect(overTcp[1]!.issuedAtMs).toBeGreaterThanOrEqual(before)
    expect(overTcp[1]!.lastSeenAtMs).toBeGreaterThanOrEqual(overTcp[1]!.issuedAtMs)

    const overHttp = await post(server, "listdevices", { base: iphone })
    expect(overHttp.sessions.map((session: any) => [session.device.deviceId, session.current ?? false])).toEqual([
      ["laptop", false],
      ["iphone-1", true]
    ])
    const shown = JSON.stringify([overTcp, overHttp])
    expect(shown).not.toContain(iphone.sessionToken)
    expect(shown).not.toContain(laptop.client.sessionToken!)

    // Another user's list is not reachable with my token.
    const other = await newUser(server, "eve")
    expect((await post(server, "listdevices", { base: { userId: other, sessionToken: iphone.sessionToken } })).base.code)
      .toBe("INVALID_TOKEN")
  })

  it("a resume keeps its session (and refreshes last seen) rather than adding one", async () => {
    const server = servers.allowMany
    const user = await newUser(server, "ray")
    const first = await device(server, user, { deviceId: "tablet" })
    const issued = (await listDevices(first.client))[0]!
    await sleep(20)
    const resumed = await device(server, user, { deviceId: "tablet", password: undefined, resumeToken: first.client.sessionToken })
    const sessions = await listDevices(resumed.client)
    expect(sessions).toHaveLength(1)
    expect(sessions[0]).toMatchObject({ sessionId: issued.sessionId, issuedAtMs: issued.issuedAtMs, current: true })
    expect(sessions[0]!.lastSeenAtMs).toBeGreaterThan(issued.lastSeenAtMs)
  })

  it("a new login of a named device reaches the user's other devices as a DeviceEvent", async () => {
    const server = servers.allowMany
    const user = await newUser(server, "amy")
    const laptop = await device(server, user, { deviceId: "laptop" })
    await httpLogin(server, user, { deviceId: "pixel", platform: "PLATFORM_ANDROID", name: "Amy's Pixel" })
    await waitFor("the login event", () => laptop.seen.events.length === 1)
    expect(laptop.seen.events[0]).toMatchObject({
      kind: DeviceEventKind.LOGIN,
      device: { deviceId: "pixel", platform: 2, name: "Amy's Pixel" }
    })
    // Logins that name no platform (scripts, the CLI, this SDK) are not announced.
    await device(server, user, { deviceId: "script" })
    await sleep(200)
    expect(laptop.seen.events).toHaveLength(1)
  })
})

describe("login policies", () => {
  it("allow-many: a second device leaves the first signed in", async () => {
    const server = servers.allowMany
    const user = await newUser(server, "ana")
    const first = await device(server, user, { deviceId: "one" })
    const second = await device(server, user, { deviceId: "two" })
    await sleep(300)
    expect([first.client.state, second.client.state]).toEqual(["online", "online"])
    expect(first.seen.kicked).toEqual([])
    expect((await listDevices(first.client)).length).toBe(2)
  })

  it("one-per-platform: a new login on a platform kicks the older session on it, told why; other platforms stay", async () => {
    const server = servers.onePerPlatform
    const user = await newUser(server, "pia")
    const web = await httpLogin(server, user, { deviceId: "browser", platform: "PLATFORM_WEB" })
    const older = await device(server, user, { deviceId: "old-phone" })
    const oldToken = older.client.sessionToken!
    const newer = await device(server, user, { deviceId: "new-phone" })

    await waitFor("the older device kicked", () => older.seen.kicked.length === 1)
    expect(older.seen.kicked[0]).toEqual({ code: Status.CONFLICT, reason: "signed in on another device (new-phone)" })
    expect(older.client.state).toBe("closed")
    await sleep(300)
    expect(older.client.state).toBe("closed")
    await resumeFails(server, user, oldToken)

    expect(newer.client.state).toBe("online")
    expect((await post(server, "ping", { base: web })).base ?? {}).toEqual({})
    expect((await listDevices(newer.client)).map((session) => session.device.deviceId).sort()).toEqual(["browser", "new-phone"])

    // The new device learnt of the kick by its first sync; the web session by its sync.
    expect(newer.seen.events).toMatchObject([
      { kind: DeviceEventKind.LOGIN, device: { deviceId: "browser", platform: 3 } },
      { kind: DeviceEventKind.KICKED, device: { deviceId: "old-phone" }, reason: "signed in on another device (new-phone)", byDevice: { deviceId: "new-phone" } }
    ])
    expect((await syncedEvents(server, web)).map((event) => [event.kind, event.device.deviceId])).toEqual([
      ["DEVICE_EVENT_KIND_LOGIN", "browser"],
      ["DEVICE_EVENT_KIND_KICKED", "old-phone"]
    ])
  })

  it("kick-older: a new login kicks every older session, long or short connection", async () => {
    const server = servers.kickOlder
    const user = await newUser(server, "kai")
    const web = await httpLogin(server, user, { deviceId: "browser", platform: "PLATFORM_WEB" })
    const older = await device(server, user, { deviceId: "old-phone" })
    const oldToken = older.client.sessionToken!
    const newer = await device(server, user, { deviceId: "desk", password: "password" })

    await waitFor("the older device kicked", () => older.seen.kicked.length === 1)
    expect(older.seen.kicked[0]).toEqual({ code: Status.CONFLICT, reason: "signed in on another device (desk)" })
    expect(older.client.state).toBe("closed")
    await resumeFails(server, user, oldToken)
    // The short connection's session ended too (it had no connection to kick).
    expect((await post(server, "ping", { base: web })).base.code).toBe("INVALID_TOKEN")

    await sleep(300)
    expect(older.client.state).toBe("closed")
    expect(newer.client.state).toBe("online")
    expect((await listDevices(newer.client)).map((session) => session.device.deviceId)).toEqual(["desk"])
    expect(newer.seen.events.map((event) => `${event.kind} ${event.device?.deviceId}`).sort()).toEqual([
      `${DeviceEventKind.LOGIN} browser`,
      `${DeviceEventKind.KICKED} browser`,
      `${DeviceEventKind.KICKED} old-phone`
    ])
  })
})
