/**
 * The admin port (metrics/AdminServer.ts) is for operators: it binds loopback unless told
 * otherwise, answers only requests addressed to it by IP or localhost (no DNS rebinding), and
 * with a token set refuses everyone without it — log reports included. Runners and gateways
 * open one only when asked, and say where.
 */
import { spawn } from "node:child_process"
import * as Http from "node:http"
import { fileURLToPath } from "node:url"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as AdminServer from "../../src/metrics/AdminServer.ts"
import { layerMemory } from "../../src/storage/memory.ts"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
const TOKEN = "an-admin-token-for-tests"

let scope: Scope.Closeable
let port = 0
beforeAll(async () => {
  scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(
    Layer.buildWithScope(AdminServer.layer({ host: "127.0.0.1", port: 0, token: TOKEN }).pipe(Layer.provide(layerMemory)), scope)
  )
  port = Context.get(context, AdminServer.AdminServer).listening.port
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const get = (path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string; headers: Http.IncomingHttpHeaders }>((resolve, reject) => {
    const request = Http.request({ host: "127.0.0.1", port, path, headers, agent: false }, (response) => {
      let body = ""
      response.on("data", (chunk) => (body += chunk))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }))
    })
    request.on("error", reject)
    request.end()
  })

describe("the admin port", () => {
  it("requires the token on everything but /healthz: Bearer, or Basic for a browser", async () => {
    expect((await get("/healthz")).status).toBe(200)
    for (const path of ["/metrics", "/log-reports", "/log-reports/x", "/dashboard", "/readyz"]) {
      const refused = await get(path)
      expect(refused.status, path).toBe(401)
      expect(refused.headers["www-authenticate"]).toContain("Basic")
      expect((await get(path, { authorization: "Bearer not-the-token-at-all" })).status, path).toBe(401)
    }
    expect((await get("/metrics", { authorization: `Bearer ${TOKEN}` })).status).toBe(200)
    expect((await get("/log-reports", { authorization: `Bearer ${TOKEN}` })).status).toBe(200)
    const basic = Buffer.from(`operator:${TOKEN}`).toString("base64")
    expect((await get("/metrics", { authorization: `Basic ${basic}` })).status).toBe(200)
  })

  it("refuses a Host header that names it by another name (DNS rebinding)", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` }
    const rebound = await get("/log-reports", { host: `evil.example:${port}` })
    expect(rebound.status).toBe(421)
    expect((await get("/healthz", { host: "evil.example" })).status).toBe(421)
    // The token is what a rebinding page cannot have: with it, a DNS name (a scraper's) will do.
    expect((await get("/metrics", { ...auth, host: `weft-runner-1.internal:${port}` })).status).toBe(200)
    expect((await get("/metrics", { ...auth, host: `localhost:${port}` })).status).toBe(200)
    expect((await get("/metrics", { ...auth, host: `127.0.0.1:${port}` })).status).toBe(200)
    expect((await get("/metrics", { ...auth, host: `[::1]:${port}` })).status).toBe(200)
  })

  it("weft dev binds it to loopback even when the client ports are elsewhere, and says so", async () => {
    const dev = spawn(process.execPath, [bin, "dev", "--host", "127.0.0.2", "--port", "0", "--http-port", "0", "--admin-port", "0"], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      const admin = await new Promise<string>((resolve, reject) => {
        let out = ""
        dev.stdout!.on("data", (chunk) => {
          out += chunk
          const match = /admin \(.*\) on (\S+:\d+)/.exec(out)
          if (match) resolve(match[1]!)
        })
        dev.once("exit", (code) => reject(new Error(`weft dev exited with ${code}: ${out}`)))
      })
      expect(admin).toMatch(/^127\.0\.0\.1:\d+$/)
      const [, adminPort] = admin.split(":")
      const refused = await new Promise<string>((resolve) => {
        const request = Http.get({ host: "127.0.0.2", port: Number(adminPort), path: "/healthz", agent: false }, () => resolve("answered"))
        request.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"))
      })
      expect(refused, "not reachable on the client address").toBe("ECONNREFUSED")
    } finally {
      dev.kill("SIGINT")
    }
  }, 30_000)
})
