/**
 * Client log reports: uploads over both connections, the operators' list and download on the
 * admin port, and every refusal.
 */
import { gunzipSync, gzipSync } from "node:zlib"
import { randomBytes } from "node:crypto"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { uploadLog } from "../../src/client/logs.ts"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import { MAX_REPORTS_PER_USER } from "../../src/actors/LogReports.ts"
import { dev } from "../../src/cluster/Dev.ts"
import { withOverrides } from "../../src/cluster/Settings.ts"
import { HttpShortServer } from "../../src/gateway/HttpServer.ts"
import { TcpServer } from "../../src/gateway/TcpServer.ts"
import { AdminServer } from "../../src/metrics/AdminServer.ts"
import { Status } from "../../src/protocol/Status.ts"
import { uniqueUser } from "../support/wait.ts"

const MAX_LOG_BYTES = 4096
const MAX_FRAME_BYTES = 16 * 1024

/** A dev server with its admin port: the operators' side of log reports. */
const server = { host: "127.0.0.1", port: 0, httpPort: 0, adminPort: 0 }
let scope: Scope.Closeable
beforeAll(async () => {
  const settings = withOverrides({
    gateway: { tcpPorts: [0], httpPorts: [0], maxFrameBytes: MAX_FRAME_BYTES },
    admin: { port: 0 },
    features: { maxLogReportBytes: MAX_LOG_BYTES }
  })
  scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(dev(settings), scope))
  server.port = Context.get(context, TcpServer).listening[0]!.port
  server.httpPort = Context.get(context, HttpShortServer).listening[0]!.port
  server.adminPort = Context.get(context, AdminServer).listening.port
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const clients: Array<WeftClient> = []
afterAll(() => clients.forEach((client) => client.close()))

const online = async (userId: string, deviceId: string) => {
  const client = new WeftClient({ host: server.host, port: server.port, userId, password: "password", deviceId })
  clients.push(client)
  await client.connect()
  return client
}

const newUser = async (name: string) => {
  const userId = uniqueUser(name)
  await register(server, userId, "password")
  return userId
}

const post = async (command: string, body: unknown) => {
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/${command}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body)
  })
  return { status: response.status, body: (await response.json()) as any }
}

const httpLogin = async (userId: string, deviceId: string) => {
  const auth = await post("auth", { userId, password: "password", device: { deviceId } })
  return { userId, sessionToken: auth.body.sessionToken as string, deviceId }
}

const admin = (path: string) => fetch(`http://127.0.0.1:${server.adminPort}${path}`)
const listed = async (userId: string) => (await (await admin(`/log-reports?user=${userId}`)).json()) as Array<any>
const download = async (id: string) => {
  const response = await admin(`/log-reports/${encodeURIComponent(id)}`)
  return { status: response.status, type: response.headers.get("content-type"), bytes: new Uint8Array(await response.arrayBuffer()) }
}

const gzipText = (text: string) => new Uint8Array(gzipSync(text))

describe("uploading a log report", () => {
  it("over the long connection: stored, listed for operators with its metadata, downloaded byte for byte", async () => {
    const user = await newUser("liv")
    const client = await online(user, "phone-7")
    const log = gzipText("12:00:01 app started\n12:00:02 crash in ChatView\n")

    const report = await uploadLog(client, {
      log,
      reason: "crash",
      appVersion: "3.1.4",
      metadata: { os: "iOS 18.1", "free.disk": "12GB" }
    })
    expect(report.reportId.startsWith(`${user}~`)).toBe(true)
    expect(report.sizeBytes).toBe(log.length)

    const reports = await listed(user)
    expect(reports).toHaveLength(1)
    expect(reports[0]).toEqual({
      id: report.reportId,
      userId: user,
      deviceId: "phone-7",
      appVersion: "3.1.4",
      reason: "crash",
      metadata: { os: "iOS 18.1", "free.disk": "12GB" },
      sizeBytes: log.length,
      uploadedAtMs: report.uploadedAtMs
    })
    const blob = await download(report.reportId)
    expect(blob.status).toBe(200)
    expect(blob.type).toBe("application/gzip")
    expect(blob.bytes).toEqual(log)
    expect(gunzipSync(blob.bytes).toString()).toContain("crash in ChatView")
  })

  it("over the short connection (base64 in JSON): the same, the device taken from the base request", async () => {
    const user = await newUser("max")
    const base = await httpLogin(user, "laptop")
    const log = gzipText("over http\n".repeat(50))

    const { status, body } = await post("uploadlog", {
      base,
      log: Buffer.from(log).toString("base64"),
      reason: "user report",
      metadata: { screen: "settings" }
    })
    expect(status).toBe(200)
    expect(body.base ?? {}).toEqual({})
    expect(body.report).toMatchObject({ reportId: expect.stringMatching(new RegExp(`^${user}~`)), sizeBytes: String(log.length) })

    expect(await listed(user)).toMatchObject([{ id: body.report.reportId, deviceId: "laptop", reason: "user report", metadata: { screen: "settings" } }])
    expect((await download(body.report.reportId)).bytes).toEqual(log)
  })

  it("the operators' list holds every user's reports, newest first, each under its uploader", async () => {
    const a = await newUser("ava")
    const b = await newUser("bo")
    const first = await uploadLog(await online(a, "a-phone"), { log: gzipText("from a") })
    const second = await post("uploadlog", { base: await httpLogin(b, "b-web"), log: Buffer.from(gzipText("from b")).toString("base64") })
    const all = (await (await admin("/log-reports")).json()) as Array<any>
    const ids = all.map((report) => report.id)
    expect(ids.indexOf(second.body.report.reportId)).toBeLessThan(ids.indexOf(first.reportId))
    expect(all.find((report) => report.id === first.reportId).userId).toBe(a)
    expect(all.find((report) => report.id === second.body.report.reportId).userId).toBe(b)
    expect((await listed(a)).map((report) => report.id)).toEqual([first.reportId])
  })

  it("keeps the newest reports per user: older ones are dropped, blob included", async () => {
    const user = await newUser("cy")
    const client = await online(user, "phone")
    const ids: Array<string> = []
    for (let i = 0; i < MAX_REPORTS_PER_USER + 2; i++) {
      ids.push((await uploadLog(client, { log: gzipText(`report ${i}`) })).reportId)
    }
    const kept = await listed(user)
    expect(kept.map((report) => report.id)).toEqual(ids.slice(2).reverse())
    expect((await download(ids[0]!)).status).toBe(404)
    expect((await download(ids[1]!)).status).toBe(404)
    expect(gunzipSync((await download(ids[2]!)).bytes).toString()).toBe("report 2")
  })
})

describe("refusals", () => {
  it("a log that is not gzip, or empty, is BAD_REQUEST on both connections; nothing is stored", async () => {
    const user = await newUser("nog")
    const client = await online(user, "phone")
    const base = await httpLogin(user, "web")
    const plain = new TextEncoder().encode("plain text, not compressed")

    await expect(uploadLog(client, { log: plain })).rejects.toMatchObject({ code: Status.BAD_REQUEST })
    await expect(uploadLog(client, { log: new Uint8Array() })).rejects.toMatchObject({ code: Status.BAD_REQUEST })
    const overHttp = await post("uploadlog", { base, log: Buffer.from(plain).toString("base64") })
    expect(overHttp.body.base).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("gzip") })
    expect(await listed(user)).toEqual([])
  })

  it("metadata and fields out of bounds are BAD_REQUEST", async () => {
    const user = await newUser("meta")
    const client = await online(user, "phone")
    const log = gzipText("x")
    const refused = (upload: Parameters<typeof uploadLog>[1]) =>
      expect(uploadLog(client, upload)).rejects.toMatchObject({ code: Status.BAD_REQUEST })
    await refused({ log, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) })
    await refused({ log, metadata: { "bad key!": "v" } })
    await refused({ log, metadata: { key: "v".repeat(257) } })
    await refused({ log, reason: "r".repeat(257) })
    await refused({ log, appVersion: "1".repeat(65) })
    await refused({ log, deviceId: "d".repeat(65) })
    expect(await listed(user)).toEqual([])
  })

  it("a log over maxLogReportBytes is TOO_LARGE on both connections; over the frame maximum the transport refuses it first", async () => {
    const user = await newUser("big")
    const client = await online(user, "phone")
    const base = await httpLogin(user, "web")
    const tooBig = new Uint8Array(gzipSync(randomBytes(MAX_LOG_BYTES * 2)))
    expect(tooBig.length).toBeGreaterThan(MAX_LOG_BYTES)

    await expect(uploadLog(client, { log: tooBig })).rejects.toMatchObject({ code: Status.TOO_LARGE })
    const overHttp = await post("uploadlog", { base, log: Buffer.from(tooBig).toString("base64") })
    expect(overHttp.body.base.code).toBe("TOO_LARGE")

    const huge = Buffer.from(gzipSync(randomBytes(MAX_FRAME_BYTES))).toString("base64")
    const overFrame = await post("uploadlog", { base, log: huge })
    expect(overFrame.status).toBe(413)
    expect(overFrame.body.code).toBe("FRAME_TOO_LARGE")
    expect(await listed(user)).toEqual([])
    expect(client.state).toBe("online")
  })

  it("users can't list or read reports: only the admin port serves them, and an upload is always the caller's own", async () => {
    const user = await newUser("own")
    const other = await newUser("oth")
    const base = await httpLogin(user, "web")
    const gateway = `http://127.0.0.1:${server.httpPort}`
    expect((await fetch(`${gateway}/log-reports`)).status).toBe(404)
    expect((await post("listlogreports", { base })).status).toBe(404)

    // My token with another user's id uploads nothing anywhere.
    const forged = await post("uploadlog", { base: { ...base, userId: other }, log: Buffer.from(gzipText("x")).toString("base64") })
    expect(forged.body.base.code).toBe("INVALID_TOKEN")
    expect(await listed(other)).toEqual([])

    expect((await download(`${other}~nothing-here`)).status).toBe(404)
    expect((await download("../../etc/passwd")).status).toBe(404)
    expect((await fetch(`http://127.0.0.1:${server.adminPort}/log-reports`, { method: "DELETE" })).status).toBe(405)
  })

  it("an SDK upload error is a WeftRequestError the app can read", async () => {
    const user = await newUser("sdk")
    const client = await online(user, "phone")
    const error = await uploadLog(client, { log: new Uint8Array([1, 2, 3]) }).catch((e) => e)
    expect(error).toBeInstanceOf(WeftRequestError)
    expect(error.message).toContain("gzip")
  })
})
