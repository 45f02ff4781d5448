/**
 * The admin API and app-token logins in clustered mode: a gateway checks a JWT login (the runner
 * makes the account), and the admin ports of a runner and of a gateway both reach the owning
 * actors — a user imported through one, a system notice sent through the other, the user's
 * presence on the gateway seen from the runner.
 */
import { SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LocalCluster, startLocalCluster } from "../../src/cli/localCluster.ts"
import { WeftClient } from "../../src/client/WeftClient.ts"
import type { Message } from "../../src/protocol/Proto.ts"
import { uniqueUser } from "../support/wait.ts"

const ADMIN_TOKEN = "a-clustered-admin-token-for-tests"
const SECRET = "a-clustered-jwt-secret-for-tests-0123456789"
let cluster: LocalCluster
const saved = { admin: process.env["WEFT_ADMIN_TOKEN"], jwt: process.env["WEFT_JWT_SECRET"] }

beforeAll(async () => {
  // The members read both from their environment, as an operator would set them.
  process.env["WEFT_ADMIN_TOKEN"] = ADMIN_TOKEN
  process.env["WEFT_JWT_SECRET"] = SECRET
  try {
    cluster = await startLocalCluster({ runners: 1, gateways: 1 })
  } finally {
    for (const [name, value] of [["WEFT_ADMIN_TOKEN", saved.admin], ["WEFT_JWT_SECRET", saved.jwt]] as const) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}, 90_000)
afterAll(() => cluster?.stop())

const admin = async (port: number, method: string, path: string, body?: unknown) => {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: response.status, body: await response.json() as any }
}

describe("clustered mode", () => {
  it("a JWT logs in through a gateway; the runner's and the gateway's admin APIs act on the user", async () => {
    const runner = cluster.runners[0]!
    const gateway = cluster.gateways[0]!
    const [kim, lee] = [uniqueUser("kim"), uniqueUser("lee")]
    expect((await admin(runner.adminPort, "POST", "/users/import", { users: [{ userId: lee }] })).status).toBe(200)

    const appToken = () => new SignJWT({ sub: kim }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("5m").sign(new TextEncoder().encode(SECRET))
    const client = new WeftClient({ host: "127.0.0.1", port: gateway.port, userId: kim, appToken, transport: "tcp" })
    await client.connect()
    const heard = new Promise<Message>((resolve) => client.on("message", (message) => resolve(message)))

    const notice = await admin(gateway.adminPort, "POST", "/notices", { to: [kim, lee], text: "the cluster says hi" })
    expect(notice.status).toBe(200)
    expect(notice.body.stored.map((stored: { userId: string }) => stored.userId)).toEqual([kim, lee])
    expect(await heard).toMatchObject({ from: "@system", text: "the cluster says hi" })

    const devices = await admin(runner.adminPort, "GET", `/users/${kim}/devices`)
    expect(devices.body).toMatchObject({ online: true, gateways: [`127.0.0.1:${gateway.pushPort}`], sessions: [{ sessionId: expect.any(String) }] })
    expect((await fetch(`http://127.0.0.1:${runner.adminPort}/api/v1/users/${kim}/devices`)).status).toBe(401)
    client.close()
  })
})
