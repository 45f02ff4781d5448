/**
 * The browser client with several data centres, in a real browser (Debian's chromium, headless)
 * against real processes: two IDCs as `weft local-idc` starts them (src/cli/localIdc.ts), their
 * gateways serving the web chat page. A user homed in IDC b who signs in on IDC a's page is sent
 * to b's gateway by the refusal (WRONG_IDC), chats there with a user of a, and a reload goes
 * straight to b; over HTTP too (another origin: the short connections answer it); an SDK client
 * with `followHome: false` gets the refusal and its endpoints instead; one whose remembered home
 * answers no more (a failover moved it) asks the gateway it was given again.
 */
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freePort } from "../../src/cli/localCluster.ts"
import { type LocalIdcs, startLocalIdcs } from "../../src/cli/localIdc.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import type { Message } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { launchBrowser, shows, signedIn } from "../support/browser.ts"
import { runnerFlags } from "../support/clusterFlags.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

const PASSWORD = "password-1"

let world: LocalIdcs
let browser: Browser
beforeAll(async () => {
  ;[world, browser] = await Promise.all([
    startLocalIdcs({ runnerArgs: runnerFlags, gatewayArgs: ["--web-chat", "on"] }),
    launchBrowser()
  ])
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await world?.stop()
}, 30_000)

const clients: Array<WeftClient> = []
afterAll(() => clients.forEach((client) => client.close()))

const gateway = (idc: string) => world.idc(idc).cluster.gateways[0]!
const tcpOf = (idc: string) => ({ host: "127.0.0.1", port: gateway(idc).port })
/** The HTTP origin of an IDC's gateway: its page, its WebSocket and its short connections. */
const originOf = (idc: string) => `http://127.0.0.1:${gateway(idc).httpPort}`

/** A user homed in `idc` (registered through its gateway). */
const newUser = async (name: string, idc: string) => {
  const user = uniqueUser(name)
  await register(tcpOf(idc), user, PASSWORD)
  return user
}

/** A Node SDK user online at its home, with the messages it receives from others. */
const nodeUser = async (name: string, idc: string) => {
  const userId = await newUser(name, idc)
  const client = new WeftClient({ ...tcpOf(idc), userId, password: PASSWORD })
  clients.push(client)
  const received: Array<Message> = []
  client.on("message", (message) => message.from !== userId && received.push(message))
  await client.connect()
  return { client, received, userId }
}

/** A tab, with the WebSockets it opens and the origins its short connections go to, in order. */
const newTab = async () => {
  const page = await browser.newPage()
  page.on("pageerror", (error) => console.error("page error:", error))
  // What the page logged (a failed WebSocket, say): told when a wait fails, not printed.
  const logged: Array<string> = []
  page.on("console", (message) => logged.push(`${message.type()}: ${message.text()}`))
  const webSockets: Array<string> = []
  const posts: Array<string> = []
  page.on("websocket", (socket) => webSockets.push(socket.url()))
  page.on("request", (request) => {
    const url = new URL(request.url())
    if (request.method() === "POST" && url.pathname.startsWith("/cgi-bin/")) posts.push(`${url.origin}${url.pathname}`)
  })
  return { page, webSockets, posts, logged }
}

/** Signs in through the page's form and waits until the chat shows; says what the page says if not. */
const signIn = async (page: Page, userId: string) => {
  await page.fill("#user", userId)
  await page.fill("#password", PASSWORD)
  await page.click("#signin")
  await signedIn(page)
}

const say = async (page: Page, peer: string, text: string) => {
  await page.fill("#peer", peer)
  await page.press("#peer", "Enter")
  await page.fill("#text", text)
  await page.press("#text", "Enter")
  await shows(page, text)
}

/** Waits until the conversation with `peer` previews `text` (it came by push or poll), then opens it. */
const receives = async (page: Page, peer: string, text: string) => {
  await page.locator(`#conversations li[data-peer="${peer}"]`, { hasText: text }).waitFor()
  await page.click(`#conversations li[data-peer="${peer}"]`)
  await shows(page, text)
}

describe("the browser client with several data centres", () => {
  it("a user homed in IDC b signs in on IDC a's page, is sent to b's WebSocket at once, chats with a user of a, and a reload goes straight to b", async () => {
    const alice = await nodeUser("alice", "a")
    const bob = await newUser("bob", "b")
    const { page, webSockets, logged } = await newTab()
    await page.goto(`${originOf("a")}/chat`)
    await signIn(page, bob)

    // The page tells where it is connected: b's gateway, over a WebSocket.
    const wsOf = (idc: string) => `${originOf(idc).replace("http:", "ws:")}/ws`
    expect(await page.textContent("#status")).toBe(`online · WebSocket · 127.0.0.1:${gateway("b").httpPort}`)
    expect(await page.getAttribute("#status", "data-server")).toBe(originOf("b"))
    // One refused login at a, then b: no backoff, no other attempt.
    expect(webSockets).toEqual([wsOf("a"), wsOf("b")])

    await say(page, alice.userId, "hello alice, from bob's page")
    await waitFor("alice (in a) gets bob's message", () => alice.received.length === 1)
    expect(alice.received.map((m) => [m.from, m.text])).toEqual([[bob, "hello alice, from bob's page"]])
    await alice.client.send(bob, "hi bob, from a terminal in a")
    await shows(page, "hi bob, from a terminal in a")

    // The home is remembered: a reload resumes with the session's token straight at b.
    webSockets.length = 0
    await page.reload()
    // Rare (2 of ~17 runs of test/web on 2026-12-02, not found why): the resume after the reload
    // did not end within the wait. What the page opened says which gateway it was waiting on.
    await signedIn(page).catch((error) => {
      const tail = (text: string) => text.trim().split("\n").slice(-12).join("\n")
      const b = world.idc("b").cluster
      const servers = [...b.gateways, ...b.runners].map((member) => `--- ${member.name}:\n${tail(member.output())}`).join("\n")
      throw new Error(`${error.message}; WebSockets opened since the reload: ${JSON.stringify(webSockets)}; the page logged: ${JSON.stringify(logged.slice(-10))}; IDC b's processes:\n${servers}`)
    })
    expect(webSockets).toEqual([wsOf("b")])
    await page.click(`#conversations li[data-peer="${alice.userId}"]`)
    expect(await page.$$eval("#messages .msg .text", (nodes) => nodes.map((n) => n.textContent))).toEqual([
      "hello alice, from bob's page",
      "hi bob, from a terminal in a"
    ])
    await page.close()
  })

  it("over HTTP the page follows too: its short connections and long polls go to b's gateway, another origin", async () => {
    const carol = await nodeUser("carol", "a")
    const dan = await newUser("dan", "b")
    const { page, webSockets, posts } = await newTab()
    await page.goto(`${originOf("a")}/chat?transport=http`)
    await signIn(page, dan)
    expect(await page.textContent("#status")).toBe(`online · HTTP · 127.0.0.1:${gateway("b").httpPort}`)
    expect(webSockets).toEqual([])
    // The login refused at a, then everything at b.
    expect(posts.slice(0, 2)).toEqual([`${originOf("a")}/cgi-bin/auth`, `${originOf("b")}/cgi-bin/auth`])
    expect(posts.slice(1).every((post) => post.startsWith(`${originOf("b")}/`))).toBe(true)

    await carol.client.send(dan, "dan, from a to your page on HTTP")
    await receives(page, carol.userId, "dan, from a to your page on HTTP")
    await say(page, carol.userId, "got it, carol")
    await waitFor("carol gets dan's answer", () => carol.received.some((m) => m.text === "got it, carol"))
    expect(posts).toContain(`${originOf("b")}/cgi-bin/poll`)
    expect(posts.filter((post) => post.startsWith(originOf("a")))).toEqual([`${originOf("a")}/cgi-bin/auth`])
    await page.close()
  })

  it("a client whose remembered home answers no more goes back to the gateway it was given, which sends it to the home's gateway now", async () => {
    const fay = await newUser("fay", "b")
    const dead = await freePort() // nothing listens there: a gateway that is gone
    const { page, webSockets } = await newTab()
    await page.goto(`${originOf("a")}/chat`)
    await page.addScriptTag({ type: "module", content: `import * as sdk from "/web/js/web/sdk/WeftBrowserClient.js"; window.sdk = sdk` })
    await page.waitForFunction(() => "sdk" in window)
    const result = await page.evaluate(async ({ fay, password, dead }) => {
      const { WeftBrowserClient } = (window as any).sdk
      // What a page restarted after a failover remembers: the home's gateway of before.
      let kept: any = { home: [{ host: "127.0.0.1", port: dead, transport: "ws" }, { host: "127.0.0.1", port: dead, transport: "http" }] }
      const routeStore = { load: () => kept, save: (state: any) => void (kept = state) }
      const client = new WeftBrowserClient({ userId: fay, password, routeStore })
      await client.connect()
      const out = { state: client.state, server: client.server, home: kept.home }
      client.close()
      return out
    }, { fay, password: PASSWORD, dead })
    expect(result.state).toBe("online")
    expect(result.server).toBe(originOf("b"))
    expect(result.home).toContainEqual({ host: "127.0.0.1", port: gateway("b").httpPort, transport: "ws" })
    // The dead home first, then the given gateway (refused: WRONG_IDC), then b's.
    const wsOf = (idc: string) => `${originOf(idc).replace("http:", "ws:")}/ws`
    expect(webSockets[0]).toBe(`ws://127.0.0.1:${dead}/ws`)
    expect(webSockets.slice(-2)).toEqual([wsOf("a"), wsOf("b")])
    await page.close()
  })

  it("with followHome: false the SDK's connect fails with the refusal, naming b's gateways; a wrong password learns nothing", async () => {
    const erin = await newUser("erin", "b")
    const { page, webSockets } = await newTab()
    await page.goto(`${originOf("a")}/chat`)
    await page.addScriptTag({ type: "module", content: `import * as sdk from "/web/js/web/sdk/WeftBrowserClient.js"; window.sdk = sdk` })
    await page.waitForFunction(() => "sdk" in window)
    const attempt = (password: string) =>
      page.evaluate(async ({ erin, password }) => {
        const { WeftBrowserClient } = (window as any).sdk
        const client = new WeftBrowserClient({ userId: erin, password, followHome: false })
        const failure = await client.connect().then(() => undefined, (error: any) => error)
        return { state: client.state, server: client.server, code: failure?.code, message: String(failure?.message), endpoints: failure?.endpoints }
      }, { erin, password })

    const refused = await attempt(PASSWORD)
    expect(refused.code).toBe(Status.WRONG_IDC)
    expect(refused.message).toContain("the home of")
    expect(refused.endpoints).toEqual(expect.arrayContaining([
      { host: "127.0.0.1", port: gateway("b").port, transport: "tcp" },
      { host: "127.0.0.1", port: gateway("b").httpPort, transport: "ws" },
      { host: "127.0.0.1", port: gateway("b").httpPort, transport: "http" }
    ]))
    // It stayed where it was told: offline, at a, never at b.
    expect(refused.state).toBe("offline")
    expect(refused.server).toBe(originOf("a"))

    const wrong = await attempt("not-the-password")
    expect(wrong.code).toBe(Status.WRONG_CREDENTIALS)
    expect(wrong.endpoints).toEqual([])
    expect(webSockets.every((url) => url.includes(`:${gateway("a").httpPort}/`))).toBe(true)
    await page.close()
  })
})
