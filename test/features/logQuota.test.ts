/**
 * Log report quotas: throwaway accounts uploading as many reports as they may fill the
 * operators' store, and then are refused; a real user's report is never pushed out by them.
 * A user's own uploads drop only that user's oldest reports.
 */
import { gzipSync } from "node:zlib"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { uploadLog } from "../../src/client/logs.ts"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import { dev } from "../../src/cluster/Dev.ts"
import { withOverrides } from "../../src/cluster/Settings.ts"
import { TcpServer } from "../../src/gateway/TcpServer.ts"
import { AdminServer } from "../../src/metrics/AdminServer.ts"
import { Status } from "../../src/protocol/Status.ts"
import { uniqueUser } from "../support/wait.ts"

const LISTED = 10
const PER_USER = 3

const server = { host: "127.0.0.1", port: 0, adminPort: 0 }
let scope: Scope.Closeable
beforeAll(async () => {
  const settings = withOverrides({
    gateway: { tcpPorts: [0] },
    admin: { port: 0 },
    features: { maxLogReportsListed: LISTED, maxLogReportsPerUser: PER_USER }
  })
  scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(dev(settings), scope))
  server.port = Context.get(context, TcpServer).listening[0]!.port
  server.adminPort = Context.get(context, AdminServer).listening.port
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const clients: Array<WeftClient> = []
afterAll(() => clients.forEach((client) => client.close()))

const online = async (name: string) => {
  const userId = uniqueUser(name)
  await register(server, userId, "password")
  const client = new WeftClient({ host: server.host, port: server.port, userId, password: "password", reconnect: false })
  clients.push(client)
  await client.connect()
  return { userId, client }
}

const listed = async (): Promise<Array<{ id: string; userId: string }>> =>
  (await fetch(`http://127.0.0.1:${server.adminPort}/log-reports`)).json() as Promise<Array<{ id: string; userId: string }>>

describe("log report quotas", () => {
  it("throwaway accounts fill the store and are refused; a real user's report stays", async () => {
    const real = await online("real")
    const report = (await uploadLog(real.client, { log: gzipSync("the app crashed") })).reportId

    const outcomes: Array<string> = []
    for (let account = 0; account < 4; account++) {
      const spammer = await online("spam")
      const mine: Array<string> = []
      for (let i = 0; i < PER_USER + 1; i++) {
        try {
          mine.push((await uploadLog(spammer.client, { log: gzipSync(`spam ${account} ${i}`) })).reportId)
          outcomes.push("stored")
        } catch (error) {
          expect(error).toBeInstanceOf(WeftRequestError)
          expect((error as WeftRequestError).code).toBe(Status.RATE_LIMITED)
          outcomes.push("refused")
        }
      }
      // A user's own uploads beyond the per-user quota drop only that user's oldest.
      const theirs = (await listed()).filter((entry) => entry.userId === spammer.userId)
      expect(theirs.length).toBeLessThanOrEqual(PER_USER)
    }
    expect(outcomes).toContain("refused")
    const all = await listed()
    expect(all.length).toBe(LISTED)
    expect(all.map((entry) => entry.id), "the real user's report is still listed").toContain(report)
    const blob = await fetch(`http://127.0.0.1:${server.adminPort}/log-reports/${encodeURIComponent(report)}`)
    expect(blob.status).toBe(200)
  }, 60_000)
})
