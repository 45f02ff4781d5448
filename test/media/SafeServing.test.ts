/**
 * Stored XSS through uploads: a user uploads a page with a script that steals the session from
 * the app origin's storage, and sends its signed link to a victim signed in to the web chat.
 * The file is served as a download with nosniff and a CSP sandbox; a file declared as an image
 * is shown as one and runs nothing. Checked in the headers, and in a real browser.
 */
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { downloadMedia, mediaInfo, uploadMedia } from "../../src/client/media.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { freePort } from "../../src/cli/localCluster.ts"
import { safeMediaHeaders } from "../../src/media/SafeServing.ts"
import { launchBrowser } from "../support/browser.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser } from "../support/wait.ts"

const STEAL = `<!doctype html><title>cute cats</title><script>
try { document.title = "PWNED " + JSON.stringify(Object.entries(sessionStorage)) } catch (e) { document.title = "PWNED but blocked" }
</script>`

let directory: string
let server: DevServer
let browser: Browser
const clients: Array<WeftClient> = []

beforeAll(async () => {
  directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "weft-safe-media-"))
  const httpPort = await freePort()
  server = await startDevServer({
    gateway: { httpPorts: [httpPort] },
    features: { webChat: true },
    // Links on another origin than the page's (127.0.0.1 and localhost are different origins).
    media: { directory, origin: `http://localhost:${httpPort}` }
  })
  browser = await launchBrowser()
}, 30_000)
afterAll(async () => {
  clients.forEach((client) => client.close())
  await browser?.close()
  await server?.stop()
  await Fs.rm(directory, { recursive: true, force: true })
})

const online = async (name: string) => {
  const userId = uniqueUser(name)
  await register(server, userId, "password")
  const client = new WeftClient({ host: server.host, port: server.port, userId, password: "password", reconnect: false })
  clients.push(client)
  await client.connect()
  return Object.assign(client, { userId })
}

/** Mallory's upload, and the signed link to it that works for anyone who has it. */
const upload = async (mallory: WeftClient, body: string, mimeType: string, fileName: string) => {
  const media = await uploadMedia(mallory, new TextEncoder().encode(body), { mimeType, fileName })
  const info = await mediaInfo(mallory, media.mediaId)
  return { mediaId: media.mediaId, url: info.url }
}

/** The link on the gateway's own address (the links point at localhost; Node fetch may prefer ::1). */
const onLoopback = (url: string) => url.replace(/^http:\/\/localhost:/, "http://127.0.0.1:")

describe("media is never served as a live page", () => {
  it("an uploaded text/html file is a download with nosniff and a CSP sandbox; images are inline, sandboxed too", async () => {
    const mallory = await online("mallory")
    const page = await upload(mallory, STEAL, "text/html", "cats.html")
    const html = await fetch(onLoopback(page.url))
    expect(html.status).toBe(200)
    expect(html.headers.get("content-disposition")).toBe('attachment; filename="cats.html"')
    expect(html.headers.get("x-content-type-options")).toBe("nosniff")
    expect(html.headers.get("content-security-policy")).toMatch(/^sandbox;/)
    expect(await html.text()).toBe(STEAL)

    for (const type of ["image/svg+xml", "application/xhtml+xml", "text/xml", "application/pdf", "text/javascript", "nonsense"]) {
      const headers = safeMediaHeaders(type)
      expect(headers["content-disposition"], type).toBe("attachment")
      expect(headers["x-content-type-options"]).toBe("nosniff")
    }
    expect(safeMediaHeaders("nonsense")["content-type"]).toBe("application/octet-stream")

    const image = await upload(mallory, STEAL + "<!-- png -->", "image/png", "cat.png")
    const inline = await fetch(onLoopback(image.url))
    expect(inline.headers.get("content-type")).toBe("image/png")
    expect(inline.headers.get("content-disposition")).toBe("inline")
    expect(inline.headers.get("x-content-type-options")).toBe("nosniff")
    expect(inline.headers.get("content-security-policy")).toMatch(/^sandbox;/)
  }, 30_000)

  it("avatars carry nosniff and the sandbox", async () => {
    const user = await online("avatar")
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a2e9d0a50000000049454e44ae426082", "hex")
    const set = await fetch(`http://127.0.0.1:${server.httpPort}/avatars`, {
      method: "POST",
      headers: { authorization: `Bearer ${user.userId}:${user.sessionToken}`, "content-type": "image/png" },
      body: png
    })
    expect(set.status).toBe(200)
    const avatar = await fetch(`http://127.0.0.1:${server.httpPort}/avatars/${user.userId}`)
    expect(avatar.status).toBe(200)
    expect(avatar.headers.get("x-content-type-options")).toBe("nosniff")
    expect(avatar.headers.get("content-security-policy")).toMatch(/^sandbox;/)
  })

  it("links point at the separate media origin when one is set, and the SDK downloads from it", async () => {
    const mallory = await online("origin")
    const file = await upload(mallory, "hello", "text/plain", "hello.txt")
    expect(file.url.startsWith(`http://localhost:${server.httpPort}/media/`)).toBe(true)
    const bytes = await downloadMedia(mallory, file.mediaId, { http: { host: "127.0.0.1", port: server.httpPort } })
    expect(new TextDecoder().decode(bytes)).toBe("hello")
  })

  it("in Chromium, a victim signed in to the web chat who opens the links has nothing read", async () => {
    const mallory = await online("mallory")
    const page = await upload(mallory, STEAL, "text/html", "cats.html")
    const disguised = await upload(mallory, STEAL + "<!-- png -->", "image/png", "cats.png")
    // Both links, on the app's own origin too (the default when no media origin is set).
    const sameOrigin = (url: string) => onLoopback(url)

    const tab = await browser.newPage()
    await tab.goto(`http://127.0.0.1:${server.httpPort}/chat`)
    await tab.fill("#user", uniqueUser("victim"))
    await tab.fill("#password", "password")
    await tab.click("#register")
    await tab.waitForSelector("#chat:not([hidden])", { timeout: 15_000 })
    const stored = await tab.evaluate(() => Object.keys(sessionStorage).length)
    expect(stored, "the page keeps its session in sessionStorage").toBeGreaterThan(0)
    const chatTitle = await tab.title()

    // The page is a download: the tab stays on the chat, and no script of the file ran in it.
    for (const url of [page.url, sameOrigin(page.url)]) {
      const download = tab.waitForEvent("download")
      await tab.goto(url).catch(() => undefined)
      await (await download).cancel()
      expect(tab.url()).toBe(`http://127.0.0.1:${server.httpPort}/chat`)
      expect(await tab.title()).toBe(chatTitle)
    }

    // The disguised one is shown as a (broken) image: no script ran, and the document cannot
    // reach the origin's storage (sandboxed: opaque origin).
    for (const url of [disguised.url, sameOrigin(disguised.url)]) {
      const response = await tab.goto(url)
      expect(response?.headers()["content-security-policy"]).toMatch(/^sandbox;/)
      expect(await tab.title()).not.toContain("PWNED")
      expect(await tab.evaluate(() => {
        try {
          return `readable: ${sessionStorage.length}`
        } catch {
          return "blocked"
        }
      })).toBe("blocked")
    }
    await tab.close()
  }, 60_000)
})
