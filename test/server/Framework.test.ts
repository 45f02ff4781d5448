/**
 * weft as a framework, used as an application would: `weft dev --feature ...` with the
 * examples' roll feature (its own proto, command and actor) and moderation hook, plus an app
 * server's hooks over HTTP (signed webhook); and in-process `Weft.start` for the rules a
 * feature must follow and for a webhook that cannot be reached.
 */
import { readFileSync } from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Effect, Schema } from "effect"
import { Rpc } from "effect/rpc"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import { loadProtos } from "../../src/protocol/AppProtos.ts"
import { Command } from "../../src/protocol/Command.ts"
import { Codecs } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { actorClient, actorLayer, command, defineActor, feature } from "../../src/server/Feature.ts"
import * as Weft from "../../src/server/Weft.ts"
import { signWebhook, verifyWebhook, webhook } from "../../src/server/Webhook.ts"
import { launchBrowser } from "../support/browser.ts"
import { type DevProcess, startDevProcess } from "../support/devProcess.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

const example = (path: string) => new URL(`../../examples/${path}`, import.meta.url).pathname
const protos = loadProtos([example("roll-bot/roll.proto")])
const roll = { id: 1000, name: "roll", request: protos.codec<any>("roll.v1.RollRequest"), response: protos.codec<any>("roll.v1.RollResponse") }
const Rolled = protos.codec<any>("roll.v1.Rolled")

const SECRET = "app-server-shared-secret"

interface Received {
  readonly hook: string
  readonly data: any
  readonly signed: boolean
}

/** The application's own server: answers weft's hooks, checking each request's signature. */
const startAppServer = async () => {
  const received: Array<Received> = []
  const server = Http.createServer((request, response) => {
    let body = ""
    request.on("data", (chunk) => (body += chunk))
    request.on("end", () => {
      const signed = verifyWebhook(SECRET, request.headers as Record<string, string>, body)
      const { hook, data } = JSON.parse(body)
      received.push({ hook, data, signed })
      if (!signed) return response.writeHead(401).end()
      const verdict = hook === "beforeMessage" && data.text.includes("webhook-no")
        ? { action: "reject", message: "the app server says no" }
        : { action: "allow" }
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(verdict))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, close: () => server.close() }
}

let dev: DevProcess
let app: Awaited<ReturnType<typeof startAppServer>>
const tcp = () => ({ host: "127.0.0.1", port: Number(dev.tcp.split(":")[1]) })
const httpUrl = () => `http://${dev.http}`

beforeAll(async () => {
  app = await startAppServer()
  dev = await startDevProcess(undefined, [
    "--feature",
    `${example("roll-bot/feature.js")},${example("moderation/feature.js")},${example("first-feature.js")}`,
    "--hook-url",
    app.url,
    "--hook-secret",
    SECRET
  ])
})
afterAll(async () => {
  await dev?.stop()
  app?.close()
})

const post = async (name: string, body: unknown) =>
  (await fetch(`${httpUrl()}/cgi-bin/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body)
  })).json() as Promise<any>

const login = async (name: string, transport?: "ws") => {
  const userId = uniqueUser(name)
  await register(tcp(), userId, "password-1")
  const client = new WeftClient({
    ...tcp(),
    httpPort: Number(dev.http.split(":")[1]),
    transport,
    userId,
    password: "password-1",
    reconnect: false
  })
  await client.connect()
  return { userId, client }
}

describe("an application's feature: its own proto, command and actor", () => {
  it("rolls over TCP and HTTP through the user's Dice actor, whose events sync like messages", async () => {
    const { userId, client } = await login("roller")
    const events: Array<{ type: string; payload: Uint8Array; seq: number }> = []
    client.on("appEvent", (event, seq) => events.push({ ...event, seq }))
    const first = await client.call(roll, { sides: 20 })
    expect(first.value).toBeGreaterThanOrEqual(1)
    expect(first.value).toBeLessThanOrEqual(20)
    expect(first.rolls).toBe(1)
    await waitFor("the Rolled event pushed", () => events.length === 1)
    expect(events[0]).toMatchObject({ type: "roll.v1.Rolled", seq: first.seq })
    expect(Rolled.decode(events[0]!.payload)).toEqual({ sides: 20, value: first.value, rolls: 1 })

    // The short connection: the same command by name, with the session in the base request.
    const auth = await post("auth", { userId, password: "password-1" })
    const base = { userId, sessionToken: auth.sessionToken }
    const second = await post("roll", { base, sides: 6 })
    expect(second.rolls).toBe("2")
    // In JSON, bytes are base64: the payload of the Rolled event in the log.
    const log = await post("sync", { base, cursor: 0 })
    const rolled = log.changes.find((change: any) => change.seq === second.seq)
    expect(Rolled.decode(Buffer.from(rolled.app.payload, "base64"))).toEqual({ sides: 6, value: second.value, rolls: 2 })
    const refused = await post("roll", { base, sides: 1 })
    expect(refused.base).toEqual({ code: "BAD_REQUEST", message: "sides must be 2..1000" })
    // What docs/framework.md shows for a value of the wrong type in a JSON body.
    expect((await post("roll", { base, sides: "many" })).message)
      .toBe(`undecodable roll body: roll.v1.RollRequest.sides: invalid integer: "many"`)
    expect((await post("roll", { sides: 6 })).base.code).toBe("INVALID_TOKEN")

    // The SDK on the short connection sends the command by its name.
    const overHttp = new WeftClient({
      host: "127.0.0.1",
      httpPort: Number(dev.http.split(":")[1]),
      transport: "http",
      userId,
      password: "password-1",
      deviceId: "browserless",
      reconnect: false
    })
    await overHttp.connect()
    expect((await overHttp.call(roll, { sides: 6 })).rolls).toBe(3)
    overHttp.close()

    // A device that was offline catches up on all three events by its cursor.
    const other = new WeftClient({ ...tcp(), userId, password: "password-1", deviceId: "tablet", reconnect: false })
    const synced: Array<number> = []
    other.on("appEvent", (_event, seq) => synced.push(seq))
    await other.connect()
    await waitFor("the other device synced the three rolls", () => synced.length === 3)
    client.close()
    other.close()
  })

  it("the browser SDK calls the command by its schema names (the app's types come with /web/schema.json)", async () => {
    const browser = await launchBrowser()
    try {
      const page = await browser.newPage()
      await page.goto(`${httpUrl()}/chat`)
      await page.addScriptTag({ type: "module", content: `import * as sdk from "/web/js/web/sdk/WeftBrowserClient.js"; window.sdk = sdk` })
      await page.waitForFunction(() => "sdk" in window)
      const user = uniqueUser("web-roller")
      const result = await page.evaluate(async (user) => {
        const { register, WeftBrowserClient } = (window as any).sdk
        await register(location.origin, user, "password-1")
        const client = new WeftBrowserClient({ userId: user, password: "password-1" })
        const events: Array<{ type: string; seq: number }> = []
        client.on("appEvent", (event: { type: string }, seq: number) => events.push({ type: event.type, seq }))
        await client.connect()
        const roll = { id: 1000, name: "roll", request: "roll.v1.RollRequest", response: "roll.v1.RollResponse" }
        const answer = await client.call(roll, { sides: 12 })
        const refused = await client.call(roll, { sides: 1 }).then(() => undefined, (error: { code: number }) => error.code)
        while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
        client.close()
        return { value: answer.value, rolls: answer.rolls, seq: answer.seq, refused, events }
      }, user)
      expect(result.value).toBeGreaterThanOrEqual(1)
      expect(result.value).toBeLessThanOrEqual(12)
      expect(result).toMatchObject({ rolls: 1, refused: Status.BAD_REQUEST, events: [{ type: "roll.v1.Rolled", seq: result.seq }] })
    } finally {
      await browser.close()
    }
  })

  it("the actor is supervised and measured like weft's own", async () => {
    const metrics = await (await fetch(`http://${dev.admin}/metrics`)).text()
    expect(metrics).toMatch(/weft_actor_messages_total\{[^}]*type="Dice"[^}]*\} [1-9]/)
    expect(metrics).toMatch(/weft_actor_activations_total\{[^}]*type="Dice"[^}]*\} [1-9]/)
  })
})

describe("hooks around messages", () => {
  it("a moderation hook vetoes a message on TCP, WebSocket and HTTP, and nothing of it is stored", async () => {
    const { userId: reader, client: readerClient } = await login("reader")
    const texts: Array<string> = []
    readerClient.on("message", (message) => texts.push(message.text))
    const senders = [await login("tcp-sender"), await login("ws-sender", "ws")]
    for (const { client } of senders) {
      const refused = await client.send(reader, "cheap spam here").then(() => undefined, (error) => error)
      expect(refused).toBeInstanceOf(WeftRequestError)
      expect(refused.code).toBe(Status.REJECTED)
      expect(refused.message).toContain("house rules")
    }
    const httpSender = uniqueUser("http-sender")
    await register(tcp(), httpSender, "password-1")
    const auth = await post("auth", { userId: httpSender, password: "password-1" })
    const base = { userId: httpSender, sessionToken: auth.sessionToken }
    const refused = await post("sendmessage", { base, to: reader, text: "SPAM!", clientMsgId: "h1" })
    expect(refused.base.code).toBe("REJECTED")

    // Allowed and rewritten messages get through; the refused ones never reached the reader.
    await senders[0]!.client.send(reader, "well, darn")
    const allowed = await post("sendmessage", { base, to: reader, text: "hello there", clientMsgId: "h2" })
    expect(allowed.messageId).toBe(`${httpSender}/h2`)
    await waitFor("two messages delivered", () => texts.length === 2)
    expect(texts.sort()).toEqual(["hello there", "well, d*rn"])
    for (const { client } of senders) client.close()
    readerClient.close()
  })

  it("a resend of a moderated message is not asked about again, and its id cannot be reused for someone else", async () => {
    const reader = uniqueUser("resend-reader")
    const other = uniqueUser("resend-other")
    const sender = uniqueUser("resender")
    for (const userId of [reader, other, sender]) await register(tcp(), userId, "password-1")
    const auth = await post("auth", { userId: sender, password: "password-1" })
    const base = { userId: sender, sessionToken: auth.sessionToken }
    const text = `asked once ${sender}`
    const asked = () => app.received.filter((r) => r.hook === "beforeMessage" && r.data.text === text).length
    const first = await post("sendmessage", { base, to: reader, text, clientMsgId: "r1" })
    expect(first.messageId).toBe(`${sender}/r1`)
    const again = await post("sendmessage", { base, to: reader, text, clientMsgId: "r1" })
    expect(again.messageId).toBe(`${sender}/r1`)
    expect(again.duplicate).toBe(true)
    expect(again.seq).toBe(first.seq)
    expect(asked()).toBe(1)
    const elsewhere = await post("sendmessage", { base, to: other, text, clientMsgId: "r1" })
    expect(elsewhere.base.code).toBe("CONFLICT")
    // The 1:1 message is still the sender's to recall, found by its entry in the sender's log.
    const recalled = await post("recallmessage", { base, messageId: `${sender}/r1` })
    expect(recalled.base?.code ?? "OK").toBe("OK")
    expect(Number(recalled.recalledAtMs)).toBeGreaterThan(0)
  })

  it("the README's first feature is the one served, and it tones down shouting", async () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8")
    expect(readme).toContain(readFileSync(example("first-feature.js"), "utf8"))
    const { userId: reader, client: readerClient } = await login("quiet-reader")
    const texts: Array<string> = []
    readerClient.on("message", (message) => texts.push(message.text))
    const { userId: shouter, client } = await login("shouter")
    const own: Array<string> = []
    client.on("message", (message) => message.from === shouter && own.push(message.text))
    const ack = await client.send(reader, "HELLO THERE friend")
    await waitFor("the message delivered", () => texts.length === 1)
    expect(texts).toEqual(["hello there friend"])
    // The sender's own log holds what was stored: the ack says it (no push of it comes back).
    expect(ack.text).toBe("hello there friend")
    expect(own).toEqual(["hello there friend"])
    client.close()
    readerClient.close()
  })

  it("an app server's webhook is signed, can refuse a message, and hears of stored messages and logins", async () => {
    const { userId: reader, client: readerClient } = await login("hook-reader")
    const { userId: sender, client } = await login("hook-sender")
    const refused = await client.send(reader, "webhook-no please").then(() => undefined, (error) => error)
    expect(refused?.code).toBe(Status.REJECTED)
    expect(refused?.message).toContain("the app server says no")
    const sent = await client.send(reader, "webhook fine")
    await waitFor("afterMessage reached the app server", () =>
      app.received.some((r) => r.hook === "afterMessage" && r.data.messageId === sent.messageId))
    const after = app.received.find((r) => r.hook === "afterMessage" && r.data.messageId === sent.messageId)!
    expect(after.data).toMatchObject({ from: sender, to: reader, text: "webhook fine", seq: sent.seq })
    expect(app.received.some((r) => r.hook === "afterLogin" && r.data.userId === sender && r.data.method === "password")).toBe(true)
    expect(app.received.every((r) => r.signed)).toBe(true)
    // The moderation feature runs first: a message it refuses never reaches the app server.
    await client.send(reader, "scam").catch(() => {})
    expect(app.received.some((r) => r.hook === "beforeMessage" && r.data.text === "scam")).toBe(false)
    const metrics = await (await fetch(`http://${dev.admin}/metrics`)).text()
    expect(metrics).toMatch(/weft_hook_calls_total\{[^}]*hook="beforeMessage"[^}]*outcome="reject"[^}]*\} [1-9]/)
    client.close()
    readerClient.close()
  })

  it("a request signed with another secret, or replayed late, does not verify", () => {
    const body = JSON.stringify({ hook: "afterLogin", data: {} })
    const now = String(Date.now())
    expect(verifyWebhook(SECRET, { "x-weft-timestamp": now, "x-weft-signature": signWebhook(SECRET, now, body) }, body)).toBe(true)
    expect(verifyWebhook(SECRET, { "x-weft-timestamp": now, "x-weft-signature": signWebhook("another-secret-xxxxx", now, body) }, body)).toBe(false)
    const old = String(Date.now() - 10 * 60_000)
    expect(verifyWebhook(SECRET, { "x-weft-timestamp": old, "x-weft-signature": signWebhook(SECRET, old, body) }, body)).toBe(false)
    expect(verifyWebhook(SECRET, { "x-weft-timestamp": now, "x-weft-signature": signWebhook(SECRET, now, body) }, `${body} `)).toBe(false)
  })
})

describe("in process (Weft.start)", () => {
  const settings = { gateway: { tcpPorts: [0], httpPorts: [] } }

  it("a feature that breaks the rules stops the server at start, saying why", async () => {
    const taken = feature({
      name: "clash",
      commands: [command({ ...roll, id: 5 }, () => Effect.die("unused"))]
    })
    await expect(Weft.start({ settings, features: [taken] })).rejects.toThrow(/feature clash: command id 5 is outside the application range/)
    const named = feature({ name: "named", commands: [command({ ...roll, name: "sync" }, () => Effect.die("unused"))] })
    await expect(Weft.start({ settings, features: [named] })).rejects.toThrow(/command name sync is taken by weft/)
    const noBase = feature({ name: "nobase", commands: [command({ ...roll, response: Rolled }, () => Effect.die("unused"))] })
    await expect(Weft.start({ settings, features: [noBase] })).rejects.toThrow(/needs a field "base" of type weft.v1.BaseResponse/)
  })

  it("a caller waits for a busy actor as long as the settings' call timeout, then gets UNAVAILABLE", async () => {
    const Slow = defineActor("Slow", [Rpc.make("Work", { success: Schema.Number })])
    const slow = feature({
      name: "slow",
      actors: [actorLayer(Slow, Effect.succeed(Slow.of({ Work: () => Effect.as(Effect.sleep(1_500), 1) })))],
      commands: Effect.map(actorClient(Slow), (actors) => [
        command({ ...roll, id: 1001, name: "slow" }, (caller) =>
          Effect.map(actors(caller.userId).Work(), (value) => ({ base: { code: 0, message: "" }, value })))
      ])
    })
    // Cheap password hashing: a login must not itself come near the short timeout.
    const server = await Weft.start({
      settings: { ...settings, actors: { callTimeoutMs: 600 }, session: { passwordHash: { N: 1024, r: 8, p: 1 } } },
      features: [slow]
    })
    try {
      const port = server.tcp[0]!.port
      const user = uniqueUser("patient")
      await register({ host: "127.0.0.1", port }, user, "password-1")
      const client = new WeftClient({ host: "127.0.0.1", port, userId: user, password: "password-1", reconnect: false })
      await client.connect()
      const spec = { ...roll, id: 1001 }
      // The actor is not active yet: the call goes through the engine, which starts it; its
      // answer (1.5 s away) is not waited for longer than the setting (the call is abandoned).
      const cold = await client.call(spec, {}).then(() => undefined, (error) => error)
      expect(cold).toMatchObject({ code: Status.UNAVAILABLE })
      expect(cold.message).toMatch(/Slow: no answer within 600/)
      // Active now: a call runs on the fast path; one behind it (from the user's other device:
      // a connection's commands run one after the other) waits for the actor as long.
      const tablet = new WeftClient({ host: "127.0.0.1", port, userId: user, password: "password-1", deviceId: "tablet", reconnect: false })
      await tablet.connect()
      const [first, second] = await Promise.allSettled([client.call(spec, {}), tablet.call(spec, {})])
      tablet.close()
      expect(first).toMatchObject({ status: "fulfilled", value: { value: 1 } })
      expect(second).toMatchObject({ status: "rejected", reason: { code: Status.UNAVAILABLE } })
      expect((second as PromiseRejectedResult).reason.message).toContain("did not take the call within 600 ms")
      client.close()
    } finally {
      await server.stop()
    }
  })

  it("an unreachable webhook refuses messages when fail-closed, and lets them through when fail-open", async () => {
    const dead = "http://127.0.0.1:9/hooks"
    for (const failOpen of [false, true]) {
      const server = await Weft.start({ settings, hooks: webhook({ url: dead, secret: SECRET, hooks: ["beforeMessage"], failOpen, timeoutMs: 500, retries: 0 }) })
      try {
        const port = server.tcp[0]!.port
        const [a, b] = [uniqueUser("a"), uniqueUser("b")]
        await register({ host: "127.0.0.1", port }, a, "password-1")
        await register({ host: "127.0.0.1", port }, b, "password-1")
        const client = new WeftClient({ host: "127.0.0.1", port, userId: a, password: "password-1", reconnect: false })
        await client.connect()
        // One try, not the SDK's send (which retries UNAVAILABLE until it gets through).
        const outcome = await client.call(Command.SEND_MESSAGE, Codecs.SendMessageRequest, Codecs.SendMessageResponse, {
          to: b,
          type: 0,
          text: "hi",
          clientMsgId: "m1"
        }).then(() => "sent", (error) => error.code)
        expect(outcome).toBe(failOpen ? "sent" : Status.UNAVAILABLE)
        client.close()
      } finally {
        await server.stop()
      }
    }
  })
})
