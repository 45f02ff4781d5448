/**
 * The web chat page in a real browser (Debian's chromium, headless): people sign up, chat both
 * ways live, with each other and with a Node SDK user; a page forced to HTTP long polling
 * still chats; a gateway restart loses nothing.
 */
import { execFile, spawn } from "node:child_process"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createGroup, renameGroup, sendToGroup } from "../../src/client/groups.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { Command } from "../../src/protocol/Command.ts"
import type { Message } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { artifactsDir, launchBrowser, shows, signedIn } from "../support/browser.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

let server: DevServer
let browser: Browser
const PASSWORD = "secret-pw"

beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0] }, features: { webChat: true } })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

const pageUrl = (query = "") => `http://127.0.0.1:${server.httpPort}/chat${query}`

/** A new tab that signs up `userId` through the page's form; `setup` runs before the page loads. */
const signUp = async (userId: string, query = "", setup?: (page: Page) => Promise<void>): Promise<Page> => {
  const page = await browser.newPage()
  page.on("pageerror", (error) => console.error(`page error (${userId}):`, error))
  await setup?.(page)
  await page.goto(pageUrl(query))
  await page.fill("#user", userId)
  await page.fill("#password", PASSWORD)
  await page.click("#register")
  await signedIn(page)
  return page
}

const openChat = async (page: Page, peer: string) => {
  await page.fill("#peer", peer)
  await page.press("#peer", "Enter")
}

const say = async (page: Page, text: string) => {
  await page.fill("#text", text)
  await page.press("#text", "Enter")
}

/** Logs out through the page: the session token stops working (and a waiting long poll ends). */
const logOut = async (page: Page) => {
  const session = JSON.parse((await page.evaluate(() => sessionStorage.getItem("weft.session")))!)
  await page.click("#logout")
  await page.waitForSelector("#login:not([hidden])")
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/sync`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ base: { userId: session.userId, sessionToken: session.token }, cursor: 0 })
  })
  expect((await response.json()).base.code).toBe("INVALID_TOKEN")
}

const nodeUser = async (userId: string) => {
  const tcp = { host: server.host, port: server.port }
  await register(tcp, userId, PASSWORD)
  const client = new WeftClient({ ...tcp, userId, password: PASSWORD })
  const received: Array<Message> = []
  client.on("message", (message) => message.from !== userId && received.push(message))
  await client.connect()
  return { client, received, userId }
}

describe("the web chat page", () => {
  it("two pages chat both ways live over WebSocket, and a Node SDK user chats with a page", async () => {
    const alice = uniqueUser("alice")
    const bob = uniqueUser("bob")
    const carol = uniqueUser("carol")
    const pageA = await signUp(alice)
    const pageB = await signUp(bob)
    expect(await pageA.getAttribute("#status", "data-transport")).toBe("ws")

    await openChat(pageA, bob)
    await say(pageA, "hello bob, from a browser")
    await shows(pageA, "hello bob, from a browser")
    // Bob did nothing: the conversation arrives by push, with an unread badge.
    await pageB.locator(`#conversations li[data-peer="${alice}"] .badge`, { hasText: "1" }).waitFor()
    await pageB.click(`#conversations li[data-peer="${alice}"]`)
    await shows(pageB, "hello bob, from a browser")
    await say(pageB, "hi alice, bob here")
    await shows(pageA, "hi alice, bob here")

    const terminal = await nodeUser(carol)
    await terminal.client.send(alice, "hello from the terminal")
    await pageA.click(`#conversations li[data-peer="${carol}"]`)
    await shows(pageA, "hello from the terminal")
    await say(pageA, "hello carol, from the page")
    await waitFor("carol gets the page's answer", () => terminal.received.some((m) => m.text === "hello carol, from the page"))
    expect(terminal.received.map((m) => [m.from, m.text])).toEqual([[alice, "hello carol, from the page"]])

    // Each message once, in order, on both sides.
    await pageA.click(`#conversations li[data-peer="${bob}"]`)
    expect(await pageA.$$eval("#messages .msg .text", (nodes) => nodes.map((n) => n.textContent))).toEqual([
      "hello bob, from a browser",
      "hi alice, bob here"
    ])
    await pageA.screenshot({ path: join(artifactsDir, "webchat.png") })
    terminal.client.close()
    await pageA.close()
    await pageB.close()
  })

  it("contacts: a request from one page shows live on the other, is accepted there, and both can chat from the list", async () => {
    const jo = uniqueUser("jo")
    const kai = uniqueUser("kai")
    const pageJo = await signUp(jo)
    const pageKai = await signUp(kai)
    await pageJo.fill("#peer", kai)
    await pageJo.click("#add-contact")
    await pageJo.locator(`#contacts li[data-user="${kai}"]`, { hasText: "request sent" }).waitFor()
    await pageKai.click(`#contacts li[data-user="${jo}"] button.accept`)
    // Both lists follow the log: the contact events reach each page by push.
    await pageKai.locator(`#contacts li[data-user="${jo}"][data-state="1"]`).waitFor()
    await pageJo.locator(`#contacts li[data-user="${kai}"][data-state="1"]`).waitFor()
    await pageJo.click(`#contacts li[data-user="${kai}"]`)
    await say(pageJo, "we are contacts now")
    await pageKai.click(`#contacts li[data-user="${jo}"]`)
    await shows(pageKai, "we are contacts now")

    await pageJo.fill("#peer", kai)
    await pageJo.click("#add-contact")
    await pageJo.locator("#chat-error", { hasText: "CONFLICT" }).waitFor()
    await pageJo.close()
    await pageKai.close()
  })

  it("a group a terminal user made shows by its name; the page chats in it", async () => {
    const uma = uniqueUser("uma")
    const vic = uniqueUser("vic")
    const page = await signUp(vic)
    const terminal = await nodeUser(uma)
    const group = await createGroup(terminal.client, "hiking club", [vic])
    await sendToGroup(terminal.client, group.groupId, "saturday at nine?")
    await page.click(`#conversations li[data-peer="${group.groupId}"]`)
    expect(await page.textContent("#title")).toBe("hiking club")
    await shows(page, "saturday at nine?")
    await say(page, "count me in")
    await shows(page, "count me in")
    await waitFor("uma gets the answer in the group", () => terminal.received.some((m) => m.text === "count me in"))
    expect(terminal.received.find((m) => m.text === "count me in")).toMatchObject({ from: vic, groupId: group.groupId, to: "" })
    await renameGroup(terminal.client, group.groupId, "hiking & coffee")
    await page.locator("#title", { hasText: "hiking & coffee" }).waitFor()
    terminal.client.close()
    await page.close()
  })

  it("unread counts are the server's: they survive a reload, and reading on one device clears them on the other", async () => {
    const wes = uniqueUser("wes")
    const xan = uniqueUser("xan")
    const page = await signUp(wes)
    const terminal = await nodeUser(xan)
    const badge = (on: Page) => on.locator(`#conversations li[data-peer="${xan}"] .badge`)
    await terminal.client.send(wes, "one")
    await terminal.client.send(wes, "two")
    await badge(page).filter({ hasText: "2" }).waitFor()
    await page.click(`#conversations li[data-peer="${xan}"]`)
    await shows(page, "two")
    await openChat(page, wes)
    await terminal.client.send(wes, "three")
    await badge(page).filter({ hasText: "1" }).waitFor()

    // Three messages in the history, one unread: the reloaded page asks the server.
    await page.reload()
    await signedIn(page)
    await badge(page).filter({ hasText: "1" }).waitFor()
    const laptop = await browser.newPage()
    await laptop.goto(pageUrl())
    await laptop.fill("#user", wes)
    await laptop.fill("#password", PASSWORD)
    await laptop.click("#signin")
    await signedIn(laptop)
    await badge(laptop).filter({ hasText: "1" }).waitFor()
    await laptop.click(`#conversations li[data-peer="${xan}"]`)
    await shows(laptop, "three")
    await badge(page).waitFor({ state: "detached" })
    terminal.client.close()
    await laptop.close()
    await page.close()
  })

  it("a message typed while the gateway is down is delivered once it is back, once", async () => {
    const fay = uniqueUser("fay")
    const gus = uniqueUser("gus")
    const page = await signUp(fay)
    const terminal = await nodeUser(gus)
    await openChat(page, gus)

    await server.stopGateway()
    await page.waitForSelector("#status:not([data-state=online])")
    await say(page, "sent while offline")
    await page.locator("#messages .msg.pending", { hasText: "sent while offline" }).waitFor()
    await server.startGateway()

    await shows(page, "sent while offline")
    await waitFor("gus gets it", () => terminal.received.length > 0, 20_000)
    await page.waitForSelector("#status[data-state=online]")
    await terminal.client.sync()
    expect(terminal.received.map((m) => m.text)).toEqual(["sent while offline"])
    expect(await page.$$eval("#messages .msg", (nodes) => nodes.length)).toBe(1)
    terminal.client.close()
    await page.close()
  })

  const chatsOverHttp = async (page: Page, pageUser: string) => {
    expect(await page.getAttribute("#status", "data-transport")).toBe("http")
    const terminal = await nodeUser(uniqueUser("erin"))
    await terminal.client.send(pageUser, "are you there over http?")
    await page.click(`#conversations li[data-peer="${terminal.userId}"]`)
    await shows(page, "are you there over http?")
    await say(page, "yes, polling")
    await shows(page, "yes, polling")
    await waitFor("the terminal user gets the answer", () => terminal.received.some((m) => m.text === "yes, polling"))
    await terminal.client.send(pageUser, "second one")
    await shows(page, "second one")
    terminal.client.close()
    await logOut(page)
  }

  it("a page forced to HTTP sends by short connections and receives by long polling, without a WebSocket", async () => {
    const dave = uniqueUser("dave")
    const sockets: Array<string> = []
    const page = await signUp(dave, "?transport=http", async (page) => {
      page.on("websocket", (socket) => sockets.push(socket.url()))
    })
    await chatsOverHttp(page, dave)
    expect(sockets).toEqual([])
    await page.close()
  })

  it("a page whose WebSocket is refused falls back to HTTP by itself and chats", async () => {
    const finn = uniqueUser("finn")
    let refused = 0
    const page = await signUp(finn, "", async (page) => {
      // A proxy that lets plain HTTP through but not WebSockets.
      await page.routeWebSocket(/\/ws$/, (socket) => {
        refused++
        return socket.close({ code: 1008, reason: "blocked" })
      })
    })
    await chatsOverHttp(page, finn)
    expect(refused).toBeGreaterThan(0)
    await page.close()
  })

  it("a lost acknowledgement: the page resends with the same client message id, and the message is stored once", async () => {
    const lia = uniqueUser("lia")
    const mo = uniqueUser("mo")
    let dropNextSendAck = false
    const sends: Array<string> = []
    const page = await signUp(lia, "", async (page) => {
      // A network that delivers the page's SEND_MESSAGE but loses the answer, then the connection.
      await page.routeWebSocket(/\/ws$/, (socket) => {
        const upstream = socket.connectToServer()
        socket.onMessage((frame) => {
          const bytes = frame as Buffer
          if (bytes.readUInt16BE(5) === Command.SEND_MESSAGE) sends.push(bytes.subarray(11).toString("hex"))
          upstream.send(frame)
        })
        upstream.onMessage((frame) => {
          const bytes = frame as Buffer
          if (dropNextSendAck && bytes.readUInt16BE(5) === Command.SEND_MESSAGE && bytes.readUInt32BE(7) !== 0) {
            dropNextSendAck = false
            void socket.close({ code: 4000, reason: "network lost" })
            void upstream.close()
            return
          }
          socket.send(frame)
        })
      })
    })
    const terminal = await nodeUser(mo)
    await openChat(page, mo)
    dropNextSendAck = true
    await say(page, "only once, please")
    await shows(page, "only once, please")
    await page.waitForSelector("#status[data-state=online]")
    expect(dropNextSendAck).toBe(false)
    await waitFor("the resend after the reconnect", () => sends.length === 2)
    await say(page, "and the next one")
    await shows(page, "and the next one")
    await waitFor("mo gets both", () => terminal.received.length >= 2)
    await terminal.client.sync()
    expect(terminal.received.map((m) => m.text)).toEqual(["only once, please", "and the next one"])
    // The resend was the same request, client message id included.
    expect(sends).toHaveLength(3)
    expect(sends[1]).toBe(sends[0])
    expect(await page.$$eval("#messages .msg .text", (nodes) => nodes.map((n) => n.textContent))).toEqual([
      "only once, please",
      "and the next one"
    ])
    terminal.client.close()
    await page.close()
  })

  it("a page whose WebSocket breaks and stays blocked moves to HTTP, losing and repeating nothing", async () => {
    const ned = uniqueUser("ned")
    const ola = uniqueUser("ola")
    let blocked = false
    let cut = (): void => {}
    const page = await signUp(ned, "", async (page) => {
      await page.routeWebSocket(/\/ws$/, (socket) => {
        if (blocked) return socket.close({ code: 1008, reason: "blocked" })
        const upstream = socket.connectToServer()
        cut = () => {
          void socket.close({ code: 4000, reason: "network lost" })
          void upstream.close()
        }
      })
    })
    const terminal = await nodeUser(ola)
    await terminal.client.send(ned, "before the switch")
    await page.click(`#conversations li[data-peer="${ola}"]`)
    await shows(page, "before the switch")
    expect(await page.getAttribute("#status", "data-transport")).toBe("ws")

    blocked = true
    cut()
    await terminal.client.send(ned, "during the switch")
    await say(page, "typed during the switch")
    await page.waitForSelector("#status[data-transport=http]")
    await terminal.client.send(ned, "after the switch")
    await shows(page, "after the switch")
    await shows(page, "typed during the switch")
    await waitFor("ola gets the page's message", () => terminal.received.length >= 1)
    await terminal.client.sync()
    expect(terminal.received.map((m) => m.text)).toEqual(["typed during the switch"])
    const shown = await page.$$eval("#messages .msg .text", (nodes) => nodes.map((n) => n.textContent))
    expect([...shown].sort()).toEqual(["after the switch", "before the switch", "during the switch", "typed during the switch"])
    terminal.client.close()
    await logOut(page)
    await page.close()
  })

  it("a page on HTTP moves back to the WebSocket once one gets through, losing and repeating nothing", async () => {
    const quin = uniqueUser("quin")
    const rae = uniqueUser("rae")
    let blocked = true
    const page = await signUp(quin, "", async (page) => {
      await page.routeWebSocket(/\/ws$/, (socket) => {
        if (blocked) return socket.close({ code: 1008, reason: "blocked" })
        socket.connectToServer()
      })
    })
    expect(await page.getAttribute("#status", "data-transport")).toBe("http")
    const terminal = await nodeUser(rae)
    await terminal.client.send(quin, "while on http")
    await page.click(`#conversations li[data-peer="${rae}"]`)
    await shows(page, "while on http")

    blocked = false
    await terminal.client.send(quin, "around the move")
    await say(page, "typed around the move")
    await page.waitForSelector("#status[data-transport=ws]")
    // The page remembers what worked: the next start tries the WebSocket first.
    expect(await page.evaluate(() => localStorage.getItem("weft.transport"))).toBe("ws")
    await terminal.client.send(quin, "after the move")
    await shows(page, "after the move")
    await shows(page, "typed around the move")
    await say(page, "over the websocket")
    await waitFor("rae gets both", () => terminal.received.length >= 2)
    await terminal.client.sync()
    expect(terminal.received.map((m) => m.text)).toEqual(["typed around the move", "over the websocket"])
    const shown = await page.$$eval("#messages .msg .text", (nodes) => nodes.map((n) => n.textContent))
    expect([...shown].sort()).toEqual(["after the move", "around the move", "over the websocket", "typed around the move", "while on http"])
    terminal.client.close()
    await page.close()
  })

  it("a page on HTTP whose session is ended elsewhere is signed out, not left polling", async () => {
    const pia = uniqueUser("pia")
    const page = await signUp(pia, "?transport=http")
    const session = JSON.parse((await page.evaluate(() => sessionStorage.getItem("weft.session")))!)
    const logout = await fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/logout`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ base: { userId: pia, sessionToken: session.token } })
    })
    expect((await logout.json()).base).toEqual({})
    await page.locator("#login-error", { hasText: "signed out" }).waitFor()
    expect(await page.isVisible("#login")).toBe(true)
    expect(await page.getAttribute("#status", "data-state")).toBe("offline")
    await page.close()
  })

  it("a reload resumes the session with its token: no password asked, history shown", async () => {
    const hal = uniqueUser("hal")
    const page = await signUp(hal)
    await openChat(page, hal)
    await say(page, "note to self")
    await shows(page, "note to self")
    await page.reload()
    await signedIn(page)
    expect(await page.isHidden("#login")).toBe(true)
    await page.click(`#conversations li[data-peer="${hal}"]`)
    await shows(page, "note to self")
    await page.close()
  })

  it("a wrong password or a taken user id is told on the form", async () => {
    const ida = uniqueUser("ida")
    const first = await signUp(ida)
    await first.close()
    const page = await browser.newPage()
    await page.goto(pageUrl())
    await page.fill("#user", ida)
    await page.fill("#password", "not-the-password")
    await page.click("#signin")
    await page.locator("#login-error", { hasText: "WRONG_CREDENTIALS" }).waitFor()
    await page.click("#register")
    await page.locator("#login-error", { hasText: "USER_EXISTS" }).waitFor()
    await page.fill("#user", uniqueUser("ivy"))
    await page.fill("#password", "short")
    await page.click("#register")
    await page.locator("#login-error", { hasText: "password must have 8..256 characters" }).waitFor()
    expect(await page.isVisible("#login")).toBe(true)
    await page.close()
  })

  it("a message to nobody is marked not sent with the reason, and the next one goes through", async () => {
    const zed = uniqueUser("zed")
    const page = await signUp(zed)
    await openChat(page, "nobody-at-all")
    await say(page, "hello?")
    await page.locator("#messages .msg.failed", { hasText: "hello?" }).waitFor()
    await page.locator("#chat-error", { hasText: "RECIPIENT_NOT_FOUND" }).waitFor()
    await openChat(page, zed)
    await say(page, "still working")
    await shows(page, "still working")
    await page.close()
  })
})

describe("the browser SDK used directly by a page script (as docs/web.md shows)", () => {
  it("registers, logs in, sends and receives; a resumed client with a cursor gets only what is new", async () => {
    const sal = uniqueUser("sal")
    const tom = uniqueUser("tom")
    const terminal = await nodeUser(tom)
    const page = await browser.newPage()
    // What the page's WebSockets receive, by command (a frame's bytes 5-6).
    const received: Array<number> = []
    page.on("websocket", (socket) => socket.on("framereceived", ({ payload }) => typeof payload !== "string" && received.push(payload.readUInt16BE(5))))
    await page.goto(pageUrl())
    // A module script of the page imports the SDK, as in docs/web.md.
    await page.addScriptTag({ type: "module", content: `import * as sdk from "/web/js/web/sdk/WeftBrowserClient.js"; window.sdk = sdk` })
    await page.waitForFunction(() => "sdk" in window)
    const first = await page.evaluate(async ({ sal, tom }) => {
      const { register, WeftBrowserClient } = (window as any).sdk
      await register(location.origin, sal, "sal-password")
      const client = new WeftBrowserClient({ userId: sal, password: "sal-password" })
      const texts: Array<string> = []
      client.on("message", (message: { text: string }) => texts.push(message.text))
      await client.connect()
      const ack = await client.send(tom, "hi from a script")
      const state = { transport: client.transport, token: client.sessionToken, cursor: client.cursor, seq: ack.seq, texts }
      client.close()
      return state
    }, { sal, tom })
    expect(first.transport).toBe("ws")
    // Its own message is in its log once, from the ack: the server pushed it no copy.
    expect(first.texts).toEqual(["hi from a script"])
    expect(first.cursor).toBe(first.seq)
    expect(received).toContain(Command.SEND_MESSAGE)
    expect(received).not.toContain(Command.PUSH)
    await waitFor("tom gets it", () => terminal.received.length === 1)
    await terminal.client.send(sal, "news while sal was away")

    const requests: Array<string> = []
    page.on("request", (request) => request.url().includes("/cgi-bin/") && requests.push(request.url().split("/cgi-bin/")[1]!))
    // The logout's answer is held back a second after the server sent it, so the long poll
    // hears the session end first (the ended token answers it, the client closes): the logout
    // still resolves, the session being over as it asked.
    await page.route("**/cgi-bin/logout", async (route) => {
      const answer = await route.fetch()
      await new Promise((resolve) => setTimeout(resolve, 1000))
      await route.fulfill({ response: answer }).catch(() => {})
    })
    const resumed = await page.evaluate(async ({ sal, token, cursor }) => {
      const { WeftBrowserClient } = (window as any).sdk
      const client = new WeftBrowserClient({ userId: sal, resumeToken: token, cursor, transport: "http" })
      const texts: Array<string> = []
      client.on("message", (message: { text: string }) => texts.push(message.text))
      await client.connect()
      const state = { token: client.sessionToken, transport: client.transport, texts: [...texts] }
      const kicks: Array<number> = []
      client.on("kicked", (kicked: { code: number }) => kicks.push(kicked.code))
      await client.logout()
      return { ...state, kicks, closed: client.state }
    }, { sal, token: first.token!, cursor: first.cursor })
    // The long poll heard the end first (the ended token), and the logout resolved all the same.
    expect(resumed.kicks).toEqual([Status.INVALID_TOKEN])
    expect(resumed.closed).toBe("closed")
    // The same session (no password sent), and only the change after the cursor — brought by
    // the login itself: no SYNC request came before it (the long poll starts after).
    expect({ token: resumed.token, transport: resumed.transport, texts: resumed.texts }).toEqual({
      token: first.token,
      transport: "http",
      texts: ["news while sal was away"]
    })
    expect(requests.filter((name) => name !== "poll" && name !== "logout")).toEqual(["auth"])
    terminal.client.close()
    await page.close()
  })

  it("in a read-diffusion group: what was missed comes from the group's log, what is new by push, each once", async () => {
    const uli = uniqueUser("uli")
    const vic = await nodeUser(uniqueUser("vic"))
    await register({ host: server.host, port: server.port }, uli, PASSWORD)
    // Above its own threshold from the start: the group keeps its messages in its own log.
    const group = await createGroup(vic.client, "big room", [uli], { readDiffusionThreshold: 1 })
    expect(group.readDiffusion).toBe(true)
    await sendToGroup(vic.client, group.groupId, "while uli was away")
    const page = await browser.newPage()
    await page.goto(pageUrl())
    await page.addScriptTag({ type: "module", content: `import * as sdk from "/web/js/web/sdk/WeftBrowserClient.js"; window.sdk = sdk` })
    await page.waitForFunction(() => "sdk" in window)
    await page.evaluate(async ({ uli, password }) => {
      const { WeftBrowserClient } = (window as any).sdk
      const client = new WeftBrowserClient({ userId: uli, password })
      const w = window as any
      w.texts = []
      client.on("message", (message: { text: string }) => w.texts.push(message.text))
      await client.connect()
      w.client = client
    }, { uli, password: PASSWORD })
    await page.waitForFunction(() => (window as any).texts.length === 1)
    await sendToGroup(vic.client, group.groupId, "live")
    await page.waitForFunction(() => (window as any).texts.length === 2)
    const seen = await page.evaluate(() => {
      const w = window as any
      const state = { texts: w.texts, cursors: w.client.groupCursors }
      w.client.close()
      return state
    })
    expect(seen).toEqual({ texts: ["while uli was away", "live"], cursors: { [group.groupId]: 2 } })
    vic.client.close()
    await page.close()
  })
})

describe("the browser SDK on a weak network", () => {
  const withSdk = async () => {
    const page = await browser.newPage()
    await page.goto(pageUrl())
    await page.addScriptTag({ type: "module", content: `import * as sdk from "/web/js/web/sdk/WeftBrowserClient.js"; window.sdk = sdk` })
    await page.waitForFunction(() => "sdk" in window)
    return page
  }

  it("messages sent at once over HTTP are stored in the order they were sent, though the first takes a slow route", async () => {
    const [kim, lou] = [uniqueUser("kim"), uniqueUser("lou")]
    const terminal = await nodeUser(lou)
    const page = await withSdk()
    // The first send takes a slow route: sent at once, the others would overtake it.
    let first = true
    await page.route("**/cgi-bin/sendmessage", async (route) => {
      if (first) {
        first = false
        await new Promise((resolve) => setTimeout(resolve, 300))
      }
      await route.continue()
    })
    const sent = Array.from({ length: 20 }, (_, i) => `ordered-${i}`)
    const own = await page.evaluate(async ({ kim, lou, sent }) => {
      const { register, WeftBrowserClient } = (window as any).sdk
      await register(location.origin, kim, "kim-password")
      const client = new WeftBrowserClient({ userId: kim, password: "kim-password", transport: "http" })
      const texts: Array<string> = []
      client.on("message", (message: { text: string }) => texts.push(message.text))
      await client.connect()
      const acks = await Promise.all(sent.map((text: string) => client.send(lou, text)))
      await client.sync()
      client.close()
      return { texts, cursor: client.cursor, last: Math.max(...acks.map((ack: { seq: number }) => ack.seq)) }
    }, { kim, lou, sent })
    await waitFor("lou gets them all", () => terminal.received.length >= sent.length)
    expect(terminal.received.map((m) => m.text)).toEqual(sent)
    // The sender's own log: each message once, in order, from the acks and the polls.
    expect(own.texts).toEqual(sent)
    expect(own.cursor).toBe(own.last)
    terminal.client.close()
    await page.close()
  })

  it("back online (the window's online event), the client reconnects at once instead of waiting for a timeout", async () => {
    const [max, nia] = [uniqueUser("max"), uniqueUser("nia")]
    const terminal = await nodeUser(nia)
    const page = await withSdk()
    await page.evaluate(async ({ max }) => {
      const { register, WeftBrowserClient } = (window as any).sdk
      await register(location.origin, max, "max-password")
      // A heartbeat far away: only the online event can make it reconnect within the test.
      const client = new WeftBrowserClient({ userId: max, password: "max-password", heartbeatMs: 120_000 })
      const w = window as any
      w.transports = []
      w.texts = []
      client.on("transport", (kind: string) => w.transports.push(kind))
      client.on("message", (message: { text: string }) => w.texts.push(message.text))
      await client.connect()
      w.client = client
    }, { max })
    expect(await page.evaluate(() => (window as any).transports)).toEqual(["ws"])
    await page.context().setOffline(true)
    await page.context().setOffline(false)
    await page.waitForFunction(() => (window as any).transports.length === 2, undefined, { timeout: 10_000 })
    await terminal.client.send(max, "after the network came back")
    await page.waitForFunction(() => (window as any).texts.includes("after the network came back"), undefined, { timeout: 10_000 })
    expect(await page.evaluate(() => (window as any).texts)).toEqual(["after the network came back"])
    await page.evaluate(() => (window as any).client.close())
    terminal.client.close()
    await page.close()
  })
})

describe("the browser SDK's round-trip timeouts", () => {
  it("learns the round trip, and a send on a WebSocket gone silent is noticed in a few learned timeouts, resent and stored once", async () => {
    const [oli, pam] = [uniqueUser("oli"), uniqueUser("pam")]
    const terminal = await nodeUser(pam)
    const page = await browser.newPage()
    // The network between the page and the gateway: when cut, nothing passes either way and
    // neither end hears of it (a dead radio link).
    let cut = false
    await page.routeWebSocket(/\/ws$/, (socket) => {
      const upstream = socket.connectToServer()
      socket.onMessage((frame) => !cut && upstream.send(frame))
      upstream.onMessage((frame) => !cut && socket.send(frame))
    })
    await page.goto(pageUrl())
    await page.addScriptTag({ type: "module", content: `import * as sdk from "/web/js/web/sdk/WeftBrowserClient.js"; window.sdk = sdk` })
    await page.waitForFunction(() => "sdk" in window)
    const learned = await page.evaluate(async ({ oli, pam }) => {
      const { register, WeftBrowserClient } = (window as any).sdk
      await register(location.origin, oli, "oli-password")
      // The heartbeat stays out of the way: the unanswered send itself must reveal the dead link.
      const client = new WeftBrowserClient({ userId: oli, password: "oli-password", transport: "ws", heartbeatMs: 120_000, minRequestTimeoutMs: 400 })
      const w = window as any
      w.client = client
      w.states = []
      client.on("state", (state: string) => w.states.push({ state, at: performance.now() }))
      await client.connect()
      for (let i = 0; i < 3; i++) await client.send(pam, `warm-${i}`)
      return { rttMs: client.rttMs, timeoutMs: client.requestTimeoutMs }
    }, { oli, pam })
    expect(learned.rttMs).toBeGreaterThan(0)
    // Learned from the round trips: far below the 15 s a request used to wait.
    expect(learned.timeoutMs).toBeGreaterThanOrEqual(400)
    expect(learned.timeoutMs).toBeLessThan(2000)
    cut = true
    const detectedMs = await page.evaluate(async ({ pam }) => {
      const w = window as any
      const cutAt = performance.now()
      void w.client.send(pam, "through the cut")
      const offline = () => w.states.find((s: { state: string; at: number }) => s.state === "offline" && s.at >= cutAt)
      while (offline() === undefined) await new Promise((resolve) => setTimeout(resolve, 20))
      return offline().at - cutAt
    }, { pam })
    cut = false
    // A probe after one timeout, dropped when its pong is not back within two more, plus slack.
    expect(detectedMs).toBeLessThan(3 * learned.timeoutMs + 1500)
    await waitFor("pam gets it", () => terminal.received.some((m) => m.text === "through the cut"))
    await terminal.client.sync()
    expect(terminal.received.filter((m) => m.text === "through the cut")).toHaveLength(1)
    await page.evaluate(() => (window as any).client.close())
    terminal.client.close()
    await page.close()
  })
})

describe("what the gateway serves for the page", () => {
  it("serves only the browser scripts, never other compiled server code", async () => {
    const get = (path: string) => fetch(`http://127.0.0.1:${server.httpPort}${path}`)
    expect((await get("/web/js/web/sdk/WeftBrowserClient.js")).status).toBe(200)
    expect((await get("/web/js/protocol/Frame.js")).status).toBe(200)
    // The SDK modules shared with Node (no Node imports), but not the Node SDK itself.
    expect((await get("/web/js/client/errors.js")).status).toBe(200)
    expect((await get("/web/js/client/Backoff.js")).status).toBe(200)
    expect((await get("/web/js/client/SendOrder.js")).status).toBe(200)
    expect((await get("/web/js/client/LogCursor.js")).status).toBe(200)
    expect((await get("/web/js/client/RttEstimator.js")).status).toBe(200)
    expect((await get("/web/js/client/RouteStore.js")).status).toBe(200)
    // The client core both SDKs run (session, outbox, frame channel).
    expect((await get("/web/js/client/core/ClientSession.js")).status).toBe(200)
    expect((await get("/web/js/client/core/FrameChannel.js")).status).toBe(200)
    const nodeOnly = ["/web/js/client/FrameConnection.js", "/web/js/client/WeftClient.js", "/web/js/client/HttpLink.js", "/web/js/client/Router.js"]
    for (const path of ["/web/js/protocol/Proto.js", "/web/js/web/WebRoutes.js", "/web/js/cli/main.js", "/web/js/web/sdk/../../cli/main.js", ...nodeOnly]) {
      expect((await get(path)).status, path).toBe(404)
    }
    const redirect = await get("/")
    expect(redirect.url).toBe(pageUrl())
  })

  it("a gateway without features.webChat serves no page", async () => {
    const plain = await startDevServer({ gateway: { httpPorts: [0] } })
    try {
      const response = await fetch(`http://127.0.0.1:${plain.httpPort}/chat`)
      expect(response.status).toBe(404)
    } finally {
      await plain.stop()
    }
  })
})

describe("the README's 'Chat in a browser'", () => {
  const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
  const weft = (...args: Array<string>) =>
    new Promise<Array<any>>((resolve, reject) => {
      execFile(process.execPath, [bin, ...args], { timeout: 20_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`weft ${args.join(" ")}: ${stderr}`)) : resolve(stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l))))
    })

  it("weft dev prints the page's address; a page opened there chats with weft client processes", async () => {
    const dev = spawn(process.execPath, [bin, "dev", "--port", "0", "--http-port", "0", "--admin-port", "0"], { stdio: ["ignore", "pipe", "inherit"] })
    try {
      const { url, tcp } = await new Promise<{ url: string; tcp: string }>((resolve, reject) => {
        let out = ""
        dev.stdout!.on("data", (chunk) => {
          out += chunk
          const page = /web chat: open (http:\/\/\S+\/chat) in a browser/.exec(out)
          const tcp = /long connections \(TCP\) on (\S+:\d+)/.exec(out)
          if (page && tcp) resolve({ url: page[1]!, tcp: tcp[1]! })
        })
        dev.once("exit", (code) => reject(new Error(`weft dev exited with ${code}: ${out}`)))
      })
      const ada = uniqueUser("ada")
      const ben = uniqueUser("ben")
      const page = await browser.newPage()
      await page.goto(url)
      await page.fill("#user", ada)
      await page.fill("#password", "secret-pw")
      await page.click("#register")
      await signedIn(page)
      const client = (...args: Array<string>) => weft("client", "--server", tcp, "--user", ben, "--password", "secret-pw", ...args)
      expect(await client("register")).toEqual([{ registered: ben }])
      await client("send", ada, "hello ada, from a terminal")
      await page.click(`#conversations li[data-peer="${ben}"]`)
      await shows(page, "hello ada, from a terminal")
      await say(page, "hi ben, from the browser")
      await shows(page, "hi ben, from the browser")
      const synced = await client("sync")
      expect(synced.filter((change) => change.message).map((change) => [change.message.from, change.message.text])).toEqual([
        [ben, "hello ada, from a terminal"],
        [ada, "hi ben, from the browser"]
      ])
      // Opening the conversation read it: ben's log says so.
      expect(synced.find((change) => change.read)?.read).toMatchObject({ reader: ada, peer: ben })
      await page.close()
    } finally {
      dev.kill("SIGINT")
    }
  })
})
