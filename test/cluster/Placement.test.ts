/**
 * What an operator sees of a cluster: a gateway is not ready while no runner is alive, and
 * `weft status` (like /cluster on the admin ports) names the runners with their shards and the
 * gateways with their endpoints and connections. Real processes on a persistent Redis.
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LocalCluster, startLocalCluster } from "../../src/cli/localCluster.ts"
import type { Placement } from "../../src/cluster/Placement.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { runnerFlags } from "../support/clusterFlags.ts"
import { sleep, uniqueUser } from "../support/wait.ts"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))

let cluster: LocalCluster
beforeAll(async () => {
  cluster = await startLocalCluster({ runners: 0, gateways: 1, runnerArgs: runnerFlags })
}, 60_000)
afterAll(() => cluster?.stop())

const status = (...args: Array<string>): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [bin, "status", "--redis", cluster.redisUrl, ...args], { timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }))
  })

describe("cluster placement and readiness", () => {
  it("a gateway is not ready without a live runner; weft status shows who holds what", async () => {
    const gateway = cluster.gateways[0]!
    const before = await fetch(`http://127.0.0.1:${gateway.adminPort}/readyz`)
    expect(before.status).toBe(503)
    expect(await before.text()).toContain("no runner is alive")
    const empty = JSON.parse((await status("--json", "on")).stdout) as Placement
    expect(empty.runners).toEqual([])
    expect(empty.unheldShards).toBe(300)

    const runner = await cluster.addRunner()
    let ready = 0
    for (let i = 0; i < 100 && ready !== 200; i++) {
      ready = (await fetch(`http://127.0.0.1:${gateway.adminPort}/readyz`)).status
      if (ready !== 200) await sleep(200)
    }
    expect(ready, "ready once a runner is alive").toBe(200)

    const user = uniqueUser("status")
    await register({ host: "127.0.0.1", port: gateway.port }, user, "password")
    const client = new WeftClient({ host: "127.0.0.1", port: gateway.port, userId: user, password: "password" })
    await client.connect()
    try {
      let view = JSON.parse((await status("--json", "on")).stdout) as Placement
      for (let i = 0; i < 50 && (view.unheldShards > 0 || view.gateways[0]?.connections !== 1); i++) {
        await sleep(200)
        view = JSON.parse((await status("--json", "on")).stdout) as Placement
      }
      expect(view.runners.map((r) => [r.address, r.alive, r.shards.length])).toEqual([[`127.0.0.1:${runner.port}`, true, 300]])
      expect(view.gateways.map((g) => [g.connections, g.endpoints.includes(`tcp://127.0.0.1:${gateway.port}`)])).toEqual([[1, true]])
      const text = await status()
      expect(text.code).toBe(0)
      expect(text.stdout).toContain(`127.0.0.1:${runner.port}  alive  300 shards  default:1-300`)
      expect(text.stdout).toContain("shards without a holder: 0 of 300")
      expect(text.stdout).toContain(`1 connections  tcp://127.0.0.1:${gateway.port}`)
    } finally {
      client.close()
    }
  }, 60_000)
})
