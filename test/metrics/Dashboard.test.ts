/** The admin port's dashboard in a real browser while traffic flows: the numbers move. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { artifactsDir, launchBrowser } from "../support/browser.ts"
import { sleep } from "../support/wait.ts"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
let dev: ChildProcess
let tcp = { host: "127.0.0.1", port: 0 }
let admin = ""
let browser: Browser

beforeAll(async () => {
  dev = spawn(process.execPath, [bin, "dev", "--port", "0", "--http-port", "0", "--admin-port", "0"], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  await new Promise<void>((resolve, reject) => {
    let out = ""
    dev.stdout!.on("data", (chunk) => {
      out += chunk
      const t = /long connections \(TCP\) on ([\d.]+):(\d+)/.exec(out)
      const a = /admin \(.*\) on (\S+:\d+)/.exec(out)
      if (t && a) {
        tcp = { host: t[1]!, port: Number(t[2]) }
        admin = a[1]!
        resolve()
      }
    })
    dev.once("exit", (code) => reject(new Error(`weft dev exited with ${code}: ${out}`)))
  })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  dev?.kill("SIGINT")
})

describe("the Prometheus exposition", () => {
  it("passes promtool check metrics, with weft's families described", async () => {
    await register(tcp, "prom-a", "password")
    const text = await (await fetch(`http://${admin}/metrics`)).text()
    expect(text).toContain("# HELP weft_commands_total")
    const result = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" })
    expect(result.error, "promtool is installed (Debian package prometheus)").toBeUndefined()
    expect(result.stdout + result.stderr).toBe("")
    expect(result.status).toBe(0)
  })
})

describe("the dashboard", () => {
  it("shows live QPS, latency, status codes, connections and the call topology, and the numbers move", async () => {
    await register(tcp, "dash-a", "password")
    await register(tcp, "dash-b", "password")
    const alice = new WeftClient({ ...tcp, userId: "dash-a", password: "password" })
    const bob = new WeftClient({ ...tcp, userId: "dash-b", password: "password" })
    await alice.connect()
    await bob.connect()

    const page = await browser.newPage()
    await page.goto(`http://${admin}/dashboard`)
    let running = true
    const traffic = (async () => {
      for (let i = 0; running && i < 2000; i++) {
        await alice.send("dash-b", `tick ${i}`)
        await sleep(10)
      }
    })()

    await page.waitForFunction(() => Number(document.getElementById("total-qps")?.textContent) > 0, undefined, { timeout: 15_000 })
    const connections = await page.textContent("#connections")
    expect(Number(connections)).toBeGreaterThanOrEqual(2)
    await page.waitForFunction(() => document.querySelector("#commands tbody")?.textContent?.includes("sendmessage"))
    const firstTotal = await page.evaluate(() =>
      [...document.querySelectorAll("#commands tbody tr")].find((row) => row.textContent?.includes("sendmessage"))?.lastElementChild?.textContent)
    await sleep(2500)
    const laterTotal = await page.evaluate(() =>
      [...document.querySelectorAll("#commands tbody tr")].find((row) => row.textContent?.includes("sendmessage"))?.lastElementChild?.textContent)
    expect(Number(laterTotal)).toBeGreaterThan(Number(firstTotal))
    expect(await page.textContent("#statuses tbody")).toContain("OK")
    expect(await page.textContent("#actors tbody")).toContain("Messenger · Send")
    // The call topology: the gateway calls the Messenger, which calls the ChangeLog.
    const edges = await page.$$eval("#topology text.edge", (nodes) => nodes.length)
    expect(edges).toBeGreaterThanOrEqual(2)
    expect(await page.textContent("#topology")).toContain("ChangeLog")
    // One node per component: the gateway's calls and the actors' calls name the same Messenger.
    const topology = await (await fetch(`http://${admin}/metrics`)).text()
    expect(topology).toMatch(/weft_calls_total\{[^}]*from="gateway"[^}]*to="Messenger"/)
    expect(topology).toMatch(/weft_calls_total\{[^}]*from="Messenger"[^}]*to="ChangeLog"/)
    expect(topology).not.toMatch(/to="messenger"/)
    await page.screenshot({ path: join(artifactsDir, "dashboard.png"), fullPage: true })

    running = false
    await traffic
    alice.close()
    bob.close()
  })
})
