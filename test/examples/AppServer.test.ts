/**
 * examples/app-server/: an app's own server in plain Node signs JWTs for its users and posts a
 * system notice through weft's admin API; its page, in a real browser, logs in to weft with a
 * token from it (weft dev with passwords off) and shows the notice.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { artifactsDir, launchBrowser } from "../support/browser.ts"
import { type DevProcess, startDevProcess } from "../support/devProcess.ts"

const SECRET = "the-secret-my-app-and-weft-share-0123456789abcdef"
const ADMIN_TOKEN = "the-admin-token-of-the-app-server"
let dev: DevProcess
let app: ChildProcess
let appUrl = ""
let browser: Browser

beforeAll(async () => {
  dev = await startDevProcess(undefined, ["--passwords", "off", "--jwt-issuer", "my-app", "--jwt-audience", "weft", "--admin-token", ADMIN_TOKEN], {
    WEFT_JWT_SECRET: SECRET
  })
  app = spawn(process.execPath, [fileURLToPath(new URL("../../examples/app-server/server.js", import.meta.url))], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: "0",
      WEFT_HTTP: `http://${dev.http}`,
      WEFT_ADMIN: `http://${dev.admin}`,
      WEFT_ADMIN_TOKEN: ADMIN_TOKEN,
      WEFT_JWT_SECRET: SECRET
    }
  })
  appUrl = await new Promise<string>((resolve, reject) => {
    let output = ""
    app.stdout!.on("data", (chunk) => {
      output += chunk
      const url = /app server on (\S+)/.exec(output)?.[1]
      if (url) resolve(url)
    })
    app.stderr!.on("data", (chunk) => (output += chunk))
    app.once("exit", (code) => reject(new Error(`the app server exited (${code}): ${output}`)))
  })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  app?.kill()
  await dev?.stop()
})

describe("examples/app-server", () => {
  it("a browser logs in to weft with the app's JWT and receives the app's system notice", async () => {
    const page = await browser.newPage()
    page.on("pageerror", (error) => console.error("page error:", error))
    await page.goto(`${appUrl}/?as=ada`)
    try {
      await page.locator("#state", { hasText: "online" }).waitFor({ timeout: 15_000 })
    } catch (error) {
      await page.screenshot({ path: `${artifactsDir}app-server.png` })
      throw error
    }
    const announced = await fetch(`${appUrl}/announce?text=${encodeURIComponent("the app says hello")}`, { method: "POST" })
    expect(announced.status).toBe(200)
    expect(await announced.json()).toMatchObject({ messageId: expect.stringMatching(/^@system\//), stored: [{ userId: "ada" }] })
    await page.locator("#messages li", { hasText: "[notice]: the app says hello" }).waitFor({ timeout: 15_000 })
    // weft's own password way in is off on this server.
    const register = await fetch(`http://${dev.http}/cgi-bin/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "eve", password: "eve-password" })
    })
    expect((await register.json()).base.code).toBe("FORBIDDEN")
    await page.close()
  })
})
