/**
 * A real browser for tests: Debian's chromium, headless, driven by playwright-core (never a
 * downloaded browser), and what the tests of the web chat page wait for on it. Screenshots go
 * to test-artifacts/.
 */
import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { type Browser, chromium, type Page } from "playwright-core"

export const artifactsDir = fileURLToPath(new URL("../../test-artifacts/", import.meta.url))

export const launchBrowser = (): Promise<Browser> => {
  mkdirSync(artifactsDir, { recursive: true })
  return chromium.launch({
    executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync"
    ]
  })
}

/**
 * Waits until the chat page shows the chat (logged in and synced); says what the page says if not,
 * its status line too (connecting, or online somewhere). Up to 30 s: the page's login request may
 * wait out its own 15 s timeout and be tried again when the machine is loaded (a clustered test
 * runs ten processes and the browser on two cores).
 */
export const signedIn = async (page: Page) => {
  try {
    await page.waitForSelector("#chat:not([hidden])", { timeout: 30_000 })
  } catch (error) {
    const said = await page.evaluate(() => [
      document.getElementById("login-error")?.textContent,
      document.getElementById("chat-error")?.textContent,
      document.getElementById("status")?.textContent
    ])
    throw new Error(`the page did not sign in: ${JSON.stringify(said)} (${String(error)})`)
  }
}

/** Waits until the open conversation shows `text` as a stored message. */
export const shows = (page: Page, text: string) => page.locator("#messages .msg.stored", { hasText: text }).waitFor()
