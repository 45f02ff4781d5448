/**
 * docs/media.md's refusals that media.test.ts does not reach, on the documented defaults: at most
 * 32 uploads in progress per user (RATE_LIMITED), an empty chunk or one past the declared size
 * (BAD_REQUEST, nothing written), and HEAD on a download (the GET's headers, no body).
 */
import { createHash, randomBytes } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import { Command } from "../../src/protocol/Command.ts"
import { MediaCodecs, MediaKind } from "../../src/protocol/media.ts"
import { Status } from "../../src/protocol/Status.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser } from "../support/wait.ts"

let directory: string
let server: DevServer
const clients: Array<WeftClient> = []
beforeAll(async () => {
  directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "weft-media-limits-"))
  // Only the directory is set: every limit is the default.
  server = await startDevServer({ gateway: { httpPorts: [0] }, media: { directory } })
})
afterAll(async () => {
  clients.forEach((client) => client.close())
  await server?.stop()
  await Fs.rm(directory, { recursive: true, force: true })
})

const online = async () => {
  const userId = uniqueUser("up")
  await register(server, userId, "password")
  const client = new WeftClient({ host: server.host, port: server.port, userId, password: "password", reconnect: false })
  clients.push(client)
  await client.connect()
  return { userId, client }
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

const init = (client: WeftClient, bytes: Uint8Array) =>
  client.call(Command.UPLOAD_INIT, MediaCodecs.UploadInitRequest, MediaCodecs.UploadInitResponse, {
    kind: MediaKind.FILE,
    size: bytes.length,
    sha256: sha(bytes),
    mimeType: "application/octet-stream"
  })
const chunk = (client: WeftClient, uploadId: string, offset: number, data: Uint8Array) =>
  client.call(Command.UPLOAD_CHUNK, MediaCodecs.UploadChunkRequest, MediaCodecs.UploadChunkResponse, { uploadId, offset, data })
const complete = (client: WeftClient, uploadId: string) =>
  client.call(Command.UPLOAD_COMPLETE, MediaCodecs.UploadCompleteRequest, MediaCodecs.UploadCompleteResponse, { uploadId })

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(WeftRequestError)
  return error as WeftRequestError
}

describe("media limits as documented", () => {
  it("a 33rd upload in progress is RATE_LIMITED; completing one makes room", async () => {
    const { client } = await online()
    const files = Array.from({ length: 33 }, () => randomBytes(100))
    const started = []
    for (const file of files.slice(0, 32)) started.push(await init(client, file))
    const refused = await failure(init(client, files[32]!))
    expect(refused.code).toBe(Status.RATE_LIMITED)
    await chunk(client, started[0]!.uploadId, 0, files[0]!)
    await complete(client, started[0]!.uploadId)
    expect((await init(client, files[32]!)).nextOffset).toBe(0)
  })

  it("an empty chunk, or one past the declared size, is BAD_REQUEST and writes nothing", async () => {
    const { client } = await online()
    const file = randomBytes(1000)
    const started = await init(client, file)
    expect((await failure(chunk(client, started.uploadId, 0, new Uint8Array(0)))).code).toBe(Status.BAD_REQUEST)
    const past = await failure(chunk(client, started.uploadId, 0, randomBytes(1001)))
    expect(past.code).toBe(Status.BAD_REQUEST)
    expect(past.message).toContain("past the size")
    expect((await init(client, file)).nextOffset).toBe(0)
    // The right bytes then go through.
    expect((await chunk(client, started.uploadId, 0, file)).nextOffset).toBe(1000)
    expect((await complete(client, started.uploadId)).media.size).toBe(1000)
  })

  it("HEAD on /media/<id> answers the GET's headers and no body", async () => {
    const { userId, client } = await online()
    const file = randomBytes(5000)
    const started = await init(client, file)
    await chunk(client, started.uploadId, 0, file)
    await complete(client, started.uploadId)
    const url = `http://127.0.0.1:${server.httpPort}/media/${started.mediaId}`
    const authorization = `Bearer ${userId}:${client.sessionToken}`
    const head = await fetch(url, { method: "HEAD", headers: { authorization } })
    expect(head.status).toBe(200)
    expect(head.headers.get("content-length")).toBe("5000")
    expect(head.headers.get("etag")).toBe(`"${sha(file)}"`)
    expect(head.headers.get("accept-ranges")).toBe("bytes")
    expect(head.headers.get("x-content-type-options")).toBe("nosniff")
    expect((await head.arrayBuffer()).byteLength).toBe(0)
    expect((await fetch(url, { method: "HEAD" })).status).toBe(401)
  })
})
