/**
 * docs/web.md and the README: "`weft gateway --web-chat on` serves the web chat page in clustered
 * mode" (off by default there). A gateway process on a Redis of its own, no runner needed: the
 * page and the browser SDK are static files of the gateway's HTTP port.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LocalCluster, startLocalCluster } from "../../src/cli/localCluster.ts"

let cluster: LocalCluster
beforeAll(async () => {
  cluster = await startLocalCluster({ runners: 0, gateways: 1, memberArgs: ["--web-chat", "on"] })
}, 60_000)
afterAll(() => cluster?.stop())

describe("weft gateway --web-chat on", () => {
  it("serves the chat page and the browser SDK from the gateway's HTTP port", async () => {
    const base = `http://127.0.0.1:${cluster.gateways[0]!.httpPort}`
    const page = await fetch(`${base}/chat`)
    expect(page.status).toBe(200)
    expect(page.headers.get("content-type")).toContain("text/html")
    expect(await page.text()).toContain("<html")
    expect((await fetch(`${base}/web/js/web/sdk/WeftBrowserClient.js`)).status).toBe(200)
  })
})
