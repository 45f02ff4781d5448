/**
 * docs/devices.md: "A user keeps at most 32 sessions; a login beyond that ends the least recently
 * seen session the same way (reason "signed out: more than 32 devices signed in")." Two sessions
 * hold long connections, thirty more are short-connection logins; the first is then resumed, so
 * the second is the least recently seen when the 33rd device signs in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { listDevices } from "../../src/client/devices.ts"
import type { Kicked } from "../../src/protocol/Proto.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { harness } from "../support/Harness.ts"
import { sleep, waitFor } from "../support/wait.ts"

let server: DevServer
const { newUser, device, post, statusOf, closeAll } = harness(() => server)
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0] } })
})
afterAll(async () => {
  closeAll()
  await server?.stop()
})

/** A device on the long connection, recording the kicks it gets. */
const connected = async (userId: string, deviceId: string) => {
  const { client } = await device(userId, deviceId)
  const kicked: Array<Kicked> = []
  client.on("kicked", (kick) => kicked.push(kick))
  return { client, kicked }
}

describe("the session cap", () => {
  it("a 33rd signed-in device ends the least recently seen session: kicked with the reason, its token dead", async () => {
    const user = await newUser("many")
    const first = await connected(user, "device-1")
    const second = await connected(user, "device-2")
    const firstToken = first.client.sessionToken!
    const secondToken = second.client.sessionToken!
    for (let i = 3; i <= 32; i++) {
      expect(statusOf(await post("auth", { userId: user, password: "password", device: { deviceId: `device-${i}` } }))).toBe(0)
    }
    expect(await listDevices(first.client)).toHaveLength(32)
    // Seen again: the first is now the most recently seen, the second the least.
    await sleep(5)
    expect(statusOf(await post("auth", { userId: user, resumeToken: firstToken }))).toBe(0)

    await sleep(5)
    expect(statusOf(await post("auth", { userId: user, password: "password", device: { deviceId: "device-33" } }))).toBe(0)

    await waitFor("the second device kicked", () => second.kicked.length === 1)
    expect(second.kicked[0]!.reason).toBe("signed out: more than 32 devices signed in")
    expect((await post("auth", { userId: user, resumeToken: secondToken })).base).toMatchObject({ code: "INVALID_TOKEN" })
    // The first stays: not kicked, its token alive; still 32 sessions, the new one among them.
    await sleep(200)
    expect(first.kicked).toEqual([])
    expect(statusOf(await post("auth", { userId: user, resumeToken: firstToken }))).toBe(0)
    const deviceIds = (await listDevices(first.client)).map((session) => session.device.deviceId)
    expect(deviceIds).toHaveLength(32)
    expect(deviceIds).toContain("device-33")
    expect(deviceIds).not.toContain("device-2")
  }, 60_000)
})
