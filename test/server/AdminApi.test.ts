/**
 * The admin API on the admin port of dev mode (server/AdminApi.ts): every route refuses callers
 * without the admin token, and the port without a token serves no API at all; every route the
 * OpenAPI document lists exists; bad input is a 400 naming the field; and the operations do what
 * they say, seen by a real client: imported users log in, a system notice and a message sent as
 * a user arrive as pushes, groups are made and re-membered, revoked sessions are kicked.
 */
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { WeftClient } from "../../src/client/WeftClient.ts"
import { dev } from "../../src/cluster/Dev.ts"
import { withOverrides } from "../../src/cluster/Settings.ts"
import { TcpServer } from "../../src/gateway/TcpServer.ts"
import * as AdminServer from "../../src/metrics/AdminServer.ts"
import { MessageType, SYSTEM_SENDER } from "../../src/protocol/messages.ts"
import type { Kicked, Message } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { Admin } from "../../src/server/Admin.ts"
import { layerMemory } from "../../src/storage/memory.ts"
import { uniqueUser } from "../support/wait.ts"

const TOKEN = "an-admin-token-for-the-api-tests"
let scope: Scope.Closeable
let adminPort = 0
let tcpPort = 0
let admin: Admin["Service"]

beforeAll(async () => {
  scope = Effect.runSync(Scope.make())
  const settings = withOverrides({
    gateway: { tcpPorts: [0], httpPorts: [0] },
    admin: { port: 0, token: TOKEN },
    session: { throttle: withOverrides().session.throttle, passwordHash: { N: 16384, r: 8, p: 1 } }
  })
  const context = await Effect.runPromise(Layer.buildWithScope(dev(settings), scope))
  adminPort = Context.get(context, AdminServer.AdminServer).listening.port
  tcpPort = Context.get(context, TcpServer).listening[0]!.port
  admin = Context.get(context, Admin)
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

/** `token` null: no Authorization header. */
const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN, port = adminPort) => {
  const headers: Record<string, string> = {}
  if (token !== null) headers["authorization"] = `Bearer ${token}`
  if (body !== undefined) headers["content-type"] = "application/json"
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body)
  })
  const text = await response.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = text
  }
  return { status: response.status, body: json }
}

const importUsers = async (...users: Array<{ userId: string; displayName?: string; password?: string }>) => {
  const answer = await call("POST", "/api/v1/users/import", { users })
  expect(answer.status).toBe(200)
  return answer.body.results as Array<{ userId: string; created: boolean }>
}

const client = (userId: string, password: string) =>
  new WeftClient({ host: "127.0.0.1", port: tcpPort, userId, password, transport: "tcp", cursor: "head" })

interface Operation {
  readonly method: string
  readonly path: string
  readonly hasBody: boolean
}

const documented = async (): Promise<Array<Operation>> => {
  const document = await call("GET", "/api/v1/openapi.json")
  expect(document.status).toBe(200)
  expect(document.body.openapi).toMatch(/^3\./)
  return Object.entries(document.body.paths as Record<string, Record<string, { requestBody?: unknown }>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{[^}]+\}/g, "nobody"),
      hasBody: operation.requestBody !== undefined
    })))
}

describe("the admin API", () => {
  it("every documented route exists (wrong input is a 400 or an unknown id a 404, never a missing route)", async () => {
    const operations = await documented()
    expect(operations.length).toBeGreaterThanOrEqual(8)
    for (const operation of operations) {
      const answer = await call(operation.method, operation.path, operation.hasBody ? {} : undefined)
      expect(answer.status, `${operation.method} ${operation.path}`).not.toBe(405)
      if (answer.status === 404) expect(answer.body.error.message, `${operation.method} ${operation.path}`).not.toMatch(/no route/)
    }
    expect((await call("GET", "/api/v1/no-such-route")).body.error.message).toMatch(/no route/)
  })

  it("refuses every route without the admin token, or with a wrong one; a port without a token serves no API", async () => {
    for (const operation of await documented()) {
      const body = operation.hasBody ? {} : undefined
      expect((await call(operation.method, operation.path, body, null)).status, operation.path).toBe(401)
      expect((await call(operation.method, operation.path, body, "not-the-admin-token-at-all")).status, operation.path).toBe(401)
    }
    const open = Effect.runSync(Scope.make())
    try {
      const context = await Effect.runPromise(Layer.buildWithScope(
        AdminServer.layer({ host: "127.0.0.1", port: 0, api: () => Effect.die("must not be called") }).pipe(Layer.provide(layerMemory)),
        open
      ))
      const port = Context.get(context, AdminServer.AdminServer).listening.port
      const refused = await call("POST", "/api/v1/notices", { to: ["anyone"], text: "hi" }, null, port)
      expect(refused.status).toBe(403)
      expect(refused.body.error.message).toMatch(/admin token/)
    } finally {
      await Effect.runPromise(Scope.close(open, Exit.void))
    }
  })

  it("answers bad input with a 400 that says what is wrong", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ from: 1, to: "x", text: "hi" }, /from/],
      [{ from: "a", to: "b", text: "hi", colour: "red" }, /colour/],
      [{ from: "a", text: "hi" }, /exactly one of to and groupId/],
      [{ from: "not a user!", to: "b", text: "hi" }, /not a user id/],
      ["{not json", /not JSON/]
    ]
    for (const [body, message] of cases) {
      const answer = await call("POST", "/api/v1/messages", body)
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.body.error.message, JSON.stringify(body)).toMatch(message)
    }
    const notJson = await fetch(`http://127.0.0.1:${adminPort}/api/v1/notices`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/plain" },
      body: "hello"
    })
    expect(notJson.status).toBe(415)
    expect((await call("POST", "/api/v1/notices", { to: [], text: "hi" })).status).toBe(400)
    expect((await call("POST", "/api/v1/users/import", { users: [{ userId: "x", password: "short" }] })).body.error.message).toMatch(/password/)
    expect((await call("POST", "/api/v1/notices", { to: [uniqueUser("nobody")], text: "hi" })).status).toBe(404)
    expect((await call("GET", "/api/v1/messages")).status).toBe(405)
  })

  it("imports users, who log in; sends a system notice and a message as a user; both arrive as pushes", async () => {
    const ann = uniqueUser("ann")
    const ben = uniqueUser("ben")
    expect(await importUsers({ userId: ann, displayName: "Ann", password: "ann-password" }, { userId: ben })).toEqual([
      { userId: ann, created: true },
      { userId: ben, created: true }
    ])
    expect(await importUsers({ userId: ann, password: "another-password" })).toEqual([{ userId: ann, created: false }])
    const annClient = client(ann, "ann-password")
    await annClient.connect()
    const received: Array<Message> = []
    annClient.on("message", (message) => void received.push(message))

    const notice = await call("POST", "/api/v1/notices", { to: [ann], text: "maintenance at noon", clientMsgId: "notice-1" })
    expect(notice.status).toBe(200)
    expect(notice.body).toMatchObject({ messageId: `${SYSTEM_SENDER}/notice-1`, stored: [{ userId: ann }] })
    // A retry with the same id stores nothing twice.
    const again = await call("POST", "/api/v1/notices", { to: [ann], text: "maintenance at noon", clientMsgId: "notice-1" })
    expect(again.body.stored).toEqual(notice.body.stored)
    const fromBen = await call("POST", "/api/v1/messages", { from: ben, to: ann, text: "hi ann, from the app's server" })
    expect(fromBen.status).toBe(200)

    await expect.poll(() => received.length).toBe(2)
    expect(received[0]).toMatchObject({ from: SYSTEM_SENDER, to: ann, type: MessageType.SYSTEM, text: "maintenance at noon" })
    expect(received[1]).toMatchObject({ from: ben, to: ann, type: MessageType.TEXT, text: "hi ann, from the app's server" })

    // Ben came in without a password: weft's password login is not his way in.
    const benClient = new WeftClient({ host: "127.0.0.1", port: tcpPort, userId: ben, password: "guessed-password", reconnect: false })
    await expect(benClient.connect()).rejects.toMatchObject({ code: Status.WRONG_CREDENTIALS })
    benClient.close()
    annClient.close()
  })

  it("creates a group and sets its members; a notice to the group reaches each member (in-process Admin service too)", async () => {
    const [owner, second, third] = [uniqueUser("own"), uniqueUser("sec"), uniqueUser("thi")]
    await importUsers({ userId: owner }, { userId: second }, { userId: third })
    const created = await call("POST", "/api/v1/groups", { owner, name: "team", members: [second] })
    expect(created.status).toBe(201)
    const groupId = created.body.groupId as string
    expect(created.body.members.map((member: { userId: string }) => member.userId)).toEqual([owner, second])

    const set = await call("PUT", `/api/v1/groups/${encodeURIComponent(groupId)}/members`, { members: [second, third] })
    expect(set.body).toEqual({ added: [third], removed: [owner] })
    const sent = await Effect.runPromise(admin.sendSystemNotice({ groupId, text: "welcome, team" }))
    expect(sent.stored.map((stored) => stored.userId).sort()).toEqual([second, third].sort())
    expect((await call("PUT", "/api/v1/groups/g:nope/members", { members: [second] })).status).toBe(404)
  })

  it("lists a user's devices and presence, and revoking the sessions kicks the device", async () => {
    const cy = uniqueUser("cy")
    await importUsers({ userId: cy, password: "cy-password" })
    const device = client(cy, "cy-password")
    await device.connect()
    const devices = await call("GET", `/api/v1/users/${cy}/devices`)
    expect(devices.body).toMatchObject({ userId: cy, online: true, sessions: [{ sessionId: expect.any(String) }] })
    expect(devices.body.connections).toHaveLength(1)

    const kicked = new Promise<Kicked>((resolve) => device.on("kicked", resolve))
    const revoked = await call("DELETE", `/api/v1/users/${cy}/sessions`)
    expect(revoked.body.revoked).toEqual([devices.body.sessions[0].sessionId])
    expect((await kicked).code).toBe(Status.LOGGED_OUT)
    await expect.poll(async () => (await call("GET", `/api/v1/users/${cy}/devices`)).body).toMatchObject({ online: false, sessions: [] })
    expect((await call("DELETE", `/api/v1/users/${cy}/sessions/no-such-session`)).status).toBe(404)
    device.close()
  })
})
