/**
 * A real browser for tests: Debian's chromium, headless, driven by playwright-core (never a
 * downloaded browser). Screenshots go to test-artifacts/.
 */
import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { type Browser, chromium } from "playwright-core"

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
