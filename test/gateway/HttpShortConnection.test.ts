import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import type { Message } from "../../src/protocol/Proto.ts"
import { Codecs } from "../../src/protocol/Proto.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0], maxFrameBytes: 4096 } })
})
afterAll(() => server.stop())

const post = (command: string, body: unknown, contentType = "application/json") =>
  fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/${command}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: contentType === "application/json" ? JSON.stringify(body) : (body as Uint8Array)
  })

const json = async (command: string, body: unknown) => {
  const response = await post(command, body)
  expect(response.status).toBe(200)
  return (await response.json()) as any
}

describe("the short connection (HTTP POST /cgi-bin/<command>)", () => {
  it("register, auth, send and sync work with JSON bodies, the token in the base request", async () => {
    const a = uniqueUser("hana")
    const b = uniqueUser("ivan")
    expect(await json("register", { userId: a, password: "password" })).toEqual({ base: {} })
    await register(server, b, "password")
    const bob = new WeftClient({ ...server, userId: b, password: "password" })
    const received: Array<Message> = []
    bob.on("message", (message) => received.push(message))
    await bob.connect()

    const auth = await json("auth", { userId: a, password: "password", device: { deviceId: "curl" } })
    expect(auth.sessionToken).toMatch(/^[\w-]{20,}$/)
    const base = { userId: a, sessionToken: auth.sessionToken }

    const sent = await json("sendmessage", { base, to: b, text: "over http", clientMsgId: "h1" })
    expect(sent).toMatchObject({ base: {}, messageId: `${a}/h1`, seq: "1" })
    await waitFor("the push on the long connection", () => received.length === 1)
    expect(received[0]).toMatchObject({ from: a, text: "over http" })

    const synced = await json("sync", { base, cursor: 0 })
    expect(synced.changes.map((c: any) => [c.seq, c.message.text])).toEqual([["1", "over http"]])
    expect(synced.epoch).toMatch(/^[0-9a-f]+$/)
    bob.close()
  })

  it("protobuf bodies work the same way", async () => {
    const a = uniqueUser("jun")
    await register(server, a, "password")
    const response = await post("auth", Codecs.AuthRequest.encode({ userId: a, password: "password" }), "application/x-protobuf")
    expect(response.headers.get("content-type")).toBe("application/x-protobuf")
    const auth = Codecs.AuthResponse.decode(new Uint8Array(await response.arrayBuffer()))
    expect(auth.base.code).toBe(0)
    const ping = await post(
      "ping",
      Codecs.PingRequest.encode({ base: { userId: a, sessionToken: auth.sessionToken, deviceId: "" } }),
      "application/x-protobuf"
    )
    expect(Codecs.PongResponse.decode(new Uint8Array(await ping.arrayBuffer())).base.code).toBe(0)
  })

  it("application errors are HTTP 200 with a status code in the base response", async () => {
    const a = uniqueUser("kim")
    await register(server, a, "password")
    expect((await json("auth", { userId: a, password: "wrong-one" })).base.code).toBe("WRONG_CREDENTIALS")
    expect((await json("sync", { cursor: 0 })).base.code).toBe("INVALID_TOKEN")
    expect((await json("sync", { base: { userId: a, sessionToken: "forged" } })).base.code).toBe("INVALID_TOKEN")
  })

  it("another user's id with my token is refused", async () => {
    const a = uniqueUser("lea")
    const b = uniqueUser("max")
    await register(server, a, "password")
    await register(server, b, "password")
    const auth = await json("auth", { userId: a, password: "password" })
    const asB = await json("sync", { base: { userId: b, sessionToken: auth.sessionToken }, cursor: 0 })
    expect(asB.base.code).toBe("INVALID_TOKEN")
  })

  it("long polling answers when the log grows, and empty at the timeout", async () => {
    const a = uniqueUser("nia")
    const b = uniqueUser("oto")
    await register(server, a, "password")
    await register(server, b, "password")
    const auth = await json("auth", { userId: b, password: "password" })
    const base = { userId: b, sessionToken: auth.sessionToken }

    const started = Date.now()
    const empty = await json("poll", { base, cursor: 0, timeoutMs: 300 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(280)
    expect(empty.changes ?? []).toEqual([])

    const waiting = json("poll", { base, cursor: 0, timeoutMs: 20_000 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    const alice = new WeftClient({ ...server, userId: a, password: "password" })
    await alice.connect()
    const sentAt = Date.now()
    await alice.send(b, "wake up")
    const woken = await waiting
    expect(Date.now() - sentAt).toBeLessThan(5_000)
    expect(woken.changes.map((c: any) => c.message.text)).toEqual(["wake up"])

    // Behind the head: answered at once.
    const behind = await json("poll", { base, cursor: 0, timeoutMs: 20_000 })
    expect(behind.changes).toHaveLength(1)
    const caughtUp = await json("poll", { base, cursor: 1, timeoutMs: 200 })
    expect(caughtUp.changes ?? []).toEqual([])
    alice.close()
  })

  it("a message sent with no_echo does not wake the session's own long poll; the sender's other sessions get it", async () => {
    const [a, b] = [uniqueUser("echo"), uniqueUser("echo-peer")]
    for (const user of [a, b]) await json("register", { userId: user, password: "password" })
    const login = async (user: string) => {
      const auth = await json("auth", { userId: user, password: "password" })
      return { base: { userId: user, sessionToken: auth.sessionToken }, cursor: Number(auth.currentSeq ?? 0) }
    }
    const [alice, aliceElsewhere, bob] = [await login(a), await login(a), await login(b)]
    const texts = (page: any): Array<string> => (page.changes ?? []).map((change: any) => change.message?.text)
    const poll = (session: { base: object; cursor: number }) =>
      json("poll", { base: session.base, cursor: session.cursor, timeoutMs: 20_000 })

    for (const noEcho of [true, false]) {
      const [own, elsewhere] = [poll(alice), poll(aliceElsewhere)]
      // The polls are registered before the send (a poll checks the log after registering).
      await new Promise((resolve) => setTimeout(resolve, 300))
      const ack = await json("sendmessage", { base: alice.base, to: b, text: `mine-${noEcho}`, clientMsgId: `m-${noEcho}`, noEcho })
      expect(texts(await elsewhere)).toEqual([`mine-${noEcho}`])
      // Only after the ack does bob write: a poll that woke at alice's own message answered without his.
      await json("sendmessage", { base: bob.base, to: a, text: `reply-${noEcho}`, clientMsgId: `r-${noEcho}` })
      expect(texts(await own)).toEqual(noEcho ? [`mine-${noEcho}`, `reply-${noEcho}`] : [`mine-${noEcho}`])
      expect(Number(ack.seq)).toBe(alice.cursor + 1)
      for (const session of [alice, aliceElsewhere]) session.cursor = Number(ack.seq) + 1
      if (!noEcho) {
        // The poll that answered early has the reply still to come.
        expect(texts(await poll({ base: alice.base, cursor: Number(ack.seq) }))).toEqual([`reply-${noEcho}`])
      }
    }
  })

  it("stopping the gateway cuts a waiting long poll instead of waiting for its timeout", async () => {
    const own = await startDevServer({ gateway: { httpPorts: [0] } })
    const user = uniqueUser("pia")
    await register(own, user, "password")
    const auth = await (await fetch(`http://127.0.0.1:${own.httpPort}/cgi-bin/auth`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: user, password: "password" })
    })).json() as any
    const waiting = fetch(`http://127.0.0.1:${own.httpPort}/cgi-bin/poll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ base: { userId: user, sessionToken: auth.sessionToken }, cursor: 0, timeoutMs: 50_000 })
    }).then(() => "answered", () => "cut")
    await new Promise((resolve) => setTimeout(resolve, 300))
    const stopping = Date.now()
    await own.stop()
    // The poll's 50 s timeout did not hold the shutdown; its client sees the cut and polls again.
    expect(Date.now() - stopping).toBeLessThan(10_000)
    expect(["answered", "cut"]).toContain(await waiting)
  })

  it("protocol-level failures use HTTP status codes", async () => {
    expect((await post("nosuchcommand", {})).status).toBe(404)
    expect((await post("sync", "{not json")).status).toBe(400)
    expect((await post("sync", "x", "text/plain")).status).toBe(415)
    const big = await post("sendmessage", { text: "x".repeat(5000) })
    expect(big.status).toBe(413)
    expect((await big.json() as any).code).toBe("FRAME_TOO_LARGE")
    const get = await fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/sync`)
    expect(get.status).toBe(405)
  })

  it("answers pages of other origins, without credentials: a browser's preflight and every answer allow any origin", async () => {
    const preflight = await fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/auth`, {
      method: "OPTIONS",
      headers: { origin: "http://elsewhere.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" }
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*")
    expect(preflight.headers.get("access-control-allow-methods")).toBe("POST")
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type")
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull()
    for (const answer of [await post("auth", { userId: "nobody-here", password: "wrong-password" }), await post("nosuchcommand", {})]) {
      expect(answer.headers.get("access-control-allow-origin")).toBe("*")
    }
  })

  it("a JSON body with unknown fields or wrong types gets a clear 400 naming the field, not a 500", async () => {
    const message = async (response: Response) => {
      expect(response.status).toBe(400)
      return (await response.json() as any).message as string
    }
    expect(await message(await post("auth", { userId: "x", password: "y", admin: true })))
      .toContain(`weft.v1.AuthRequest: unknown field: "admin"`)
    expect(await message(await post("sync", { base: { userId: "x", sessionToken: "t" }, cursor: "soon" })))
      .toContain(`weft.v1.SyncRequest.cursor: invalid integer: "soon"`)
    expect(await message(await post("sendmessage", { base: { userId: 7 }, to: "b", text: "t", clientMsgId: "c" })))
      .toContain("weft.v1.BaseRequest.userId: expected string: 7")
    expect(await message(await post("sync", { cursor: -1 }))).toContain("weft.v1.SyncRequest.cursor: out of range for uint64: -1")
    expect(await message(await post("sendmessage", { to: "b", type: "IMAGE" })))
      .toContain(`weft.v1.SendMessageRequest.type: unknown enum value: "IMAGE"`)
    expect(await message(await post("sync", [1, 2]))).toContain("weft.v1.SyncRequest: expected object")
  })

  it("JSON bodies follow the proto3 JSON mapping: 64-bit integers as strings, enums by name, snake_case names", async () => {
    const a = uniqueUser("jm")
    const b = uniqueUser("jn")
    await json("register", { userId: a, password: "password" })
    await json("register", { user_id: b, password: "password" })
    const auth = await json("auth", { user_id: a, password: "password", device: { deviceId: "curl", platform: "PLATFORM_WEB" } })
    expect(auth.base).toEqual({})
    const base = { userId: a, sessionToken: auth.sessionToken }
    const sent = await json("sendmessage", { base, to: b, type: "MESSAGE_TYPE_TEXT", text: "by name", client_msg_id: "j1" })
    expect(sent.seq).toMatch(/^[1-9]\d*$/)
    const synced = await json("sync", { base, cursor: "0", limit: 10 })
    const messages = synced.changes.filter((change: any) => change.message !== undefined)
    expect(messages.map((change: any) => [change.seq, change.message.text, change.message.type])).toEqual([[sent.seq, "by name", undefined]])
  })
})
