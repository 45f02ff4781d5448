/**
 * Media: chunked uploads acknowledged chunk by chunk and resumed from another connection,
 * instant re-upload, thumbnail-first messages as the recipient sees them, downloads with
 * Range, many users uploading at once, and every refusal (each leaving no blob behind).
 */
import { execFile } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  downloadMedia,
  mediaInfo,
  sendFile,
  sendImage,
  shortConnection,
  startUpload,
  uploadMedia,
  waitOnline
} from "../../src/client/media.ts"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import { gateway } from "../../src/cluster/Dev.ts"
import { devEngine } from "../../src/cluster/Engine.ts"
import { WeftConfig, withOverrides } from "../../src/cluster/Settings.ts"
import { GatewayConfig } from "../../src/gateway/GatewayConfig.ts"
import { TcpServer } from "../../src/gateway/TcpServer.ts"
import { signedPath } from "../../src/media/SignedUrl.ts"
import { Command } from "../../src/protocol/Command.ts"
import { MediaCodecs, MediaKind } from "../../src/protocol/media.ts"
import { MessageType } from "../../src/protocol/messages.ts"
import type { Change } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { layerMemory } from "../../src/storage/memory.ts"
import type { Storage } from "../../src/storage/Storage.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

const CHUNK = 8 * 1024
const MAX_FILE = 8 * 1024 * 1024
const QUOTA = 24 * 1024 * 1024
const SECRET = "test-url-secret"

let directory: string
let server: DevServer
beforeAll(async () => {
  directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "weft-media-test-"))
  server = await startDevServer({
    gateway: { httpPorts: [0] },
    media: { directory, chunkBytes: CHUNK, maxFileBytes: MAX_FILE, quotaBytes: QUOTA, urlSecret: SECRET }
  })
})
afterAll(async () => {
  clients.forEach((client) => client.close())
  await server?.stop()
  await Fs.rm(directory, { recursive: true, force: true })
})

const clients: Array<WeftClient> = []

const online = async (userId: string, options: { reconnect?: boolean; on?: { host: string; port: number } } = {}) => {
  const on = options.on ?? server
  const client = new WeftClient({ host: on.host, port: on.port, userId, password: "password", reconnect: options.reconnect ?? false })
  clients.push(client)
  await client.connect()
  return client
}

const newUser = async (name: string, on = server) => {
  const userId = uniqueUser(name)
  await register(on, userId, "password")
  return userId
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(WeftRequestError)
  return error as WeftRequestError
}

const init = (client: WeftClient, bytes: Uint8Array, extra: Partial<{ size: number; sha256: string; thumbnailMediaId: string }> = {}) =>
  client.call(Command.UPLOAD_INIT, MediaCodecs.UploadInitRequest, MediaCodecs.UploadInitResponse, {
    kind: MediaKind.FILE,
    size: bytes.length,
    sha256: sha(bytes),
    mimeType: "application/octet-stream",
    ...extra
  })

const chunk = (client: WeftClient, uploadId: string, offset: number, data: Uint8Array) =>
  client.call(Command.UPLOAD_CHUNK, MediaCodecs.UploadChunkRequest, MediaCodecs.UploadChunkResponse, { uploadId, offset, data })

const complete = (client: WeftClient, uploadId: string) =>
  client.call(Command.UPLOAD_COMPLETE, MediaCodecs.UploadCompleteRequest, MediaCodecs.UploadCompleteResponse, { uploadId })

/** GET on the gateway's HTTP port, as `client`'s user (or with no credentials). */
const get = (path: string, as?: { userId: string; client: WeftClient }, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${server.httpPort}${path}`, {
    headers: as === undefined ? headers : { ...headers, authorization: `Bearer ${as.userId}:${as.client.sessionToken}` }
  })

/** Every file in the blob store's directory, by name. */
const storedFiles = async (): Promise<Array<string>> => {
  const names: Array<string> = []
  for (const spread of await Fs.readdir(directory).catch(() => [])) {
    names.push(...(await Fs.readdir(Path.join(directory, spread))))
  }
  return names
}

const http = () => ({ host: "127.0.0.1", port: server.httpPort })

describe("chunked, acknowledged, resumable uploads", () => {
  it("a 3 MB file in 8 KB chunks, cut off half-way, resumes from another connection and downloads intact", async () => {
    const a = await newUser("ann")
    const file = randomBytes(3 * 1024 * 1024 + 123)
    const first = await online(a)
    const started = await init(first, file)
    expect(started).toMatchObject({ chunkSize: CHUNK, nextOffset: 0 })
    expect(started.uploadId).toBe(started.mediaId)
    let offset = 0
    while (offset < file.length / 2) {
      const acked = await chunk(first, started.uploadId, offset, file.subarray(offset, offset + CHUNK))
      expect(acked.nextOffset).toBe(offset + Math.min(CHUNK, file.length - offset))
      offset = acked.nextOffset
    }
    first.dropConnection()

    const second = await online(a)
    const resumed = await init(second, file)
    expect(resumed).toMatchObject({ mediaId: started.mediaId, nextOffset: offset })
    while (offset < file.length) offset = (await chunk(second, resumed.uploadId, offset, file.subarray(offset, offset + CHUNK))).nextOffset
    const done = await complete(second, resumed.uploadId)
    expect(done.media).toMatchObject({ mediaId: started.mediaId, size: file.length, sha256: sha(file), ready: true, owner: a })

    const response = await get(`/media/${started.mediaId}`, { userId: a, client: second })
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/octet-stream")
    expect(response.headers.get("content-length")).toBe(String(file.length))
    expect(response.headers.get("etag")).toBe(`"${sha(file)}"`)
    expect(sha(new Uint8Array(await response.arrayBuffer()))).toBe(sha(file))
    expect((await storedFiles()).filter((name) => name.startsWith(started.mediaId))).toEqual([started.mediaId])
  })

  it("the SDK resumes by itself after the connection drops mid-upload, reporting progress", async () => {
    const a = await newUser("abe")
    const client = await online(a, { reconnect: true })
    const file = randomBytes(1024 * 1024)
    const progress: Array<number> = []
    let dropped = false
    const media = await uploadMedia(client, file, {
      mimeType: "video/mp4",
      kind: MediaKind.VIDEO,
      onProgress: (sent) => {
        progress.push(sent)
        if (!dropped && sent >= file.length / 2) {
          dropped = true
          client.dropConnection()
        }
      }
    })
    expect(dropped).toBe(true)
    expect(media).toMatchObject({ size: file.length, ready: true, mimeType: "video/mp4", kind: MediaKind.VIDEO })
    expect(progress.at(-1)).toBe(file.length)
    await waitOnline(client)
    expect(sha(await downloadMedia(client, media.mediaId, { http: http() }))).toBe(sha(file))
  })

  it("content already stored completes at once: no chunk is sent", async () => {
    const a = await newUser("ada")
    const client = await online(a)
    const file = randomBytes(50_000)
    const first = await uploadMedia(client, file, { mimeType: "application/pdf" })
    const again = await init(client, file)
    expect(again.media).toMatchObject({ mediaId: first.mediaId, ready: true, size: file.length })
    expect(again.nextOffset).toBe(file.length)
  })

  it("uploads over the short connection (HTTP) too", async () => {
    const a = await newUser("amos")
    const client = await online(a)
    const file = randomBytes(100_000)
    const media = await uploadMedia(client, file, {
      mimeType: "application/zip",
      channel: shortConnection(client, { ...http(), userId: a })
    })
    expect(media.sha256).toBe(sha(file))
    expect(sha(await downloadMedia(client, media.mediaId, { http: http() }))).toBe(sha(file))
  })

  it("twelve users uploading at once each get their own file back", async () => {
    const users = await Promise.all(Array.from({ length: 12 }, (_, i) => newUser(`many${i}`)))
    const results = await Promise.all(users.map(async (userId) => {
      const client = await online(userId)
      const file = randomBytes(150_000 + Math.floor(Math.random() * 50_000))
      const media = await uploadMedia(client, file, { mimeType: "application/octet-stream" })
      return { userId, client, file, media }
    }))
    for (const { client, file, media, userId } of results) {
      expect(media.owner).toBe(userId)
      expect(sha(await downloadMedia(client, media.mediaId, { http: http() }))).toBe(sha(file))
    }
    // And none of them may read another's.
    const [one, two] = results
    expect((await get(`/media/${two!.media.mediaId}`, { userId: one!.userId, client: one!.client })).status).toBe(403)
  })
})

describe("thumbnail first", () => {
  it("the recipient sees the thumbnail at once and learns from their log when the original is ready", async () => {
    const [a, b, c] = [await newUser("amy"), await newUser("bob"), await newUser("cy")]
    const alice = await online(a)
    const bob = await online(b)
    const carol = await online(c)
    const changes: Array<Change> = []
    bob.on("change", (change) => changes.push(change))

    const image = randomBytes(400_000)
    const thumb = randomBytes(3_000)
    const thumbnail = await uploadMedia(alice, thumb, { mimeType: "image/jpeg", kind: MediaKind.THUMBNAIL })
    const original = await startUpload(alice, image, { mimeType: "image/jpeg", kind: MediaKind.IMAGE, thumbnailMediaId: thumbnail.mediaId })
    await alice.sendMessage({
      to: b,
      type: MessageType.IMAGE,
      media: { mediaId: original.mediaId, mimeType: "image/jpeg", size: image.length, thumbnailMediaId: thumbnail.mediaId }
    })
    await waitFor("the image message", () => changes.some((change) => change.message?.media?.mediaId === original.mediaId))

    const bobAs = { userId: b, client: bob }
    const thumbResponse = await get(`/media/${original.mediaId}/thumb`, bobAs)
    expect(thumbResponse.status).toBe(200)
    expect(Buffer.from(await thumbResponse.arrayBuffer()).equals(thumb)).toBe(true)
    const pending = await get(`/media/${original.mediaId}`, bobAs)
    expect(pending.status).toBe(409)
    expect(await mediaInfo(bob, original.mediaId)).toMatchObject({ ready: false, size: image.length })
    expect((await get(`/media/${original.mediaId}/thumb`, { userId: c, client: carol })).status).toBe(403)

    await original.finish()
    await waitFor("media_ready in bob's log", () => changes.some((change) => change.mediaReady?.mediaId === original.mediaId))
    const ready = changes.find((change) => change.mediaReady)!
    expect(ready.mediaReady).toMatchObject({ owner: a, size: image.length, sha256: sha(image), mimeType: "image/jpeg" })
    expect(sha(await downloadMedia(bob, original.mediaId, { http: http() }))).toBe(sha(image))
  })

  it("sendImage does the whole sequence; a group's members may download, others may not", async () => {
    const [a, b, c] = [await newUser("ivy"), await newUser("jon"), await newUser("kim")]
    const alice = await online(a)
    const bob = await online(b)
    const carol = await online(c)
    const { createGroup } = await import("../../src/client/groups.ts")
    const group = await createGroup(alice, "trip", [b])
    const image = randomBytes(60_000)
    const sent = await sendImage(alice, group.groupId, {
      bytes: image,
      mimeType: "image/png",
      thumbnail: { bytes: randomBytes(900), mimeType: "image/png" },
      caption: "beach"
    })
    expect(sent.ack.duplicate).toBe(false)
    expect(sha(await downloadMedia(bob, sent.media.mediaId, { http: http() }))).toBe(sha(image))
    expect((await failure(mediaInfo(carol, sent.media.mediaId))).code).toBe(Status.FORBIDDEN)
    // A file to a user: uploaded first, then the message.
    const doc = await sendFile(alice, c, { bytes: randomBytes(20_000), mimeType: "application/pdf", fileName: "plan.pdf" })
    expect(await mediaInfo(carol, doc.media.mediaId)).toMatchObject({ ready: true, fileName: "plan.pdf" })
  })
})

describe("downloads", () => {
  it("Range requests get 206 with the slice, a range outside the file 416; ETag revalidates with 304", async () => {
    const a = await newUser("rae")
    const client = await online(a)
    const file = randomBytes(10_000)
    const media = await uploadMedia(client, file, { mimeType: "audio/ogg", kind: MediaKind.VOICE })
    const as = { userId: a, client }
    const path = `/media/${media.mediaId}`

    const middle = await get(path, as, { range: "bytes=100-199" })
    expect(middle.status).toBe(206)
    expect(middle.headers.get("content-range")).toBe(`bytes 100-199/${file.length}`)
    expect(middle.headers.get("content-length")).toBe("100")
    expect(Buffer.from(await middle.arrayBuffer()).equals(file.subarray(100, 200))).toBe(true)

    const rest = await get(path, as, { range: "bytes=9000-" })
    expect(Buffer.from(await rest.arrayBuffer()).equals(file.subarray(9000))).toBe(true)
    const tail = await get(path, as, { range: "bytes=-10" })
    expect(Buffer.from(await tail.arrayBuffer()).equals(file.subarray(file.length - 10))).toBe(true)

    const outside = await get(path, as, { range: `bytes=${file.length}-` })
    expect(outside.status).toBe(416)
    expect(outside.headers.get("content-range")).toBe(`bytes */${file.length}`)

    const cached = await get(path, as, { "if-none-match": `"${sha(file)}"` })
    expect(cached.status).toBe(304)
    const head = await fetch(`http://127.0.0.1:${server.httpPort}${path}`, {
      method: "HEAD",
      headers: { authorization: `Bearer ${a}:${client.sessionToken}` }
    })
    expect([head.status, head.headers.get("content-length"), head.headers.get("content-type")]).toEqual([200, "10000", "audio/ogg"])
  })

  it("signed URLs work until they expire; no credentials, a bad token or a forged signature get 401", async () => {
    const a = await newUser("sam")
    const client = await online(a)
    const file = randomBytes(5_000)
    const media = await uploadMedia(client, file, { mimeType: "text/plain" })
    const info = await mediaInfo(client, media.mediaId)
    const signed = await get(info.url)
    expect(signed.status).toBe(200)
    expect(Buffer.from(await signed.arrayBuffer()).equals(file)).toBe(true)

    expect((await get(`/media/${media.mediaId}`)).status).toBe(401)
    expect((await get(`/media/${media.mediaId}`, undefined, { authorization: `Bearer ${a}:not-a-token` })).status).toBe(401)
    expect((await get(info.url.replace(/sig=[^&]+/, "sig=forged"))).status).toBe(401)
    expect((await get(signedPath(SECRET, media.mediaId, false, a, Date.now() - 1))).status).toBe(401)
    expect((await get(`/media/${a}~doesnotexist1`, { userId: a, client })).status).toBe(404)
  })
})

describe("bad input: a clear status, and no blob left behind", () => {
  it("a chunk at the wrong offset is refused with CONFLICT and the next offset; nothing is written", async () => {
    const a = await newUser("wes")
    const client = await online(a)
    const file = randomBytes(3 * CHUNK)
    const started = await init(client, file)
    await chunk(client, started.uploadId, 0, file.subarray(0, CHUNK))
    const skipped = await failure(chunk(client, started.uploadId, 2 * CHUNK, file.subarray(2 * CHUNK)))
    expect(skipped.code).toBe(Status.CONFLICT)
    expect(skipped.message).toContain(`expected offset ${CHUNK}`)
    expect((await failure(chunk(client, started.uploadId, 0, file.subarray(0, CHUNK)))).code).toBe(Status.CONFLICT)
    expect((await init(client, file)).nextOffset).toBe(CHUNK)
    const early = await failure(complete(client, started.uploadId))
    expect(early.code).toBe(Status.CONFLICT)
  })

  it("a chunk larger than the chunk size, a file over the maximum, and one over the quota get TOO_LARGE", async () => {
    const a = await newUser("tom")
    const client = await online(a)
    const file = randomBytes(2 * CHUNK)
    const started = await init(client, file)
    expect((await failure(chunk(client, started.uploadId, 0, file.subarray(0, CHUNK + 1)))).code).toBe(Status.TOO_LARGE)
    expect((await init(client, file)).nextOffset).toBe(0)
    expect((await failure(init(client, file, { size: MAX_FILE + 1 }))).code).toBe(Status.TOO_LARGE)
    // With the 16 KB upload in progress, two of 8 MB fit in the 24 MB quota; a third does not.
    for (let i = 0; i < 2; i++) await init(client, file, { size: MAX_FILE, sha256: sha(randomBytes(8)) })
    const over = await failure(init(client, file, { size: MAX_FILE, sha256: sha(randomBytes(8)) }))
    expect([over.code, over.message.includes("quota")]).toEqual([Status.TOO_LARGE, true])
    expect((await failure(init(client, file, { sha256: "abc" }))).code).toBe(Status.BAD_REQUEST)
  })

  it("a final hash that does not match drops the bytes; the upload starts again at 0 and can still complete", async () => {
    const a = await newUser("hal")
    const client = await online(a)
    const file = randomBytes(20_000)
    const started = await init(client, file)
    const wrong = Buffer.from(file)
    wrong[500] = wrong[500]! ^ 0xff
    for (let offset = 0; offset < wrong.length; offset += CHUNK) await chunk(client, started.uploadId, offset, wrong.subarray(offset, offset + CHUNK))
    const mismatch = await failure(complete(client, started.uploadId))
    expect(mismatch.code).toBe(Status.BAD_REQUEST)
    expect(mismatch.message).toContain("sha256")
    expect((await storedFiles()).filter((name) => name.startsWith(started.mediaId))).toEqual([])
    expect((await get(`/media/${started.mediaId}`, { userId: a, client })).status).toBe(409)
    expect((await init(client, file)).nextOffset).toBe(0)
    const media = await uploadMedia(client, file, { mimeType: "application/octet-stream" })
    expect(media.mediaId).toBe(started.mediaId)
  })

  it("someone else's media: not readable, not shareable, and its upload cannot be written to", async () => {
    const [a, m] = [await newUser("ola"), await newUser("mal")]
    const alice = await online(a)
    const mallory = await online(m)
    const file = randomBytes(3_000)
    const media = await uploadMedia(alice, file, { mimeType: "image/gif" })
    expect((await get(`/media/${media.mediaId}`, { userId: m, client: mallory })).status).toBe(403)
    expect((await failure(mediaInfo(mallory, media.mediaId))).code).toBe(Status.FORBIDDEN)
    const forward = mallory.sendMessage({
      to: m,
      type: MessageType.IMAGE,
      media: { mediaId: media.mediaId, mimeType: "image/gif", size: file.length }
    })
    expect((await failure(forward)).code).toBe(Status.FORBIDDEN)
    const pending = await init(alice, randomBytes(CHUNK))
    expect((await failure(chunk(mallory, pending.uploadId, 0, randomBytes(10)))).code).toBe(Status.NOT_FOUND)
  })
})

describe("upload state outlives its actor", () => {
  it("a whole new engine (actors and gateway) on the same storage and blob directory resumes at the acknowledged offset", async () => {
    const settings = withOverrides({ media: { directory, chunkBytes: CHUNK } })
    const storageScope = Effect.runSync(Scope.make())
    const storage = await Effect.runPromise(Layer.buildWithScope(layerMemory, storageScope))
    /** Actors, sharding and a gateway, built fresh over the shared storage. */
    const startEngine = async () => {
      const scope = Effect.runSync(Scope.make())
      const context = await Effect.runPromise(Layer.buildWithScope(
        gateway.pipe(
          Layer.provideMerge(devEngine(settings)),
          Layer.provideMerge(GatewayConfig.layer(settings.gateway)),
          Layer.provideMerge(WeftConfig.layer(settings)),
          Layer.provide(Layer.succeedContext(storage as Context.Context<Storage>))
        ),
        scope
      ))
      const port = Context.get(context, TcpServer).listening[0]!.port
      return { host: "127.0.0.1", port, stop: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
    }
    try {
      const first = await startEngine()
      const a = uniqueUser("rex")
      await register(first, a, "password")
      const before = await online(a, { on: first })
      const file = randomBytes(10 * CHUNK + 7)
      const started = await init(before, file)
      let offset = 0
      for (let i = 0; i < 4; i++) offset = (await chunk(before, started.uploadId, offset, file.subarray(offset, offset + CHUNK))).nextOffset
      await first.stop()

      const second = await startEngine()
      try {
        const after = await online(a, { on: second })
        const resumed = await init(after, file)
        expect(resumed).toMatchObject({ mediaId: started.mediaId, nextOffset: 4 * CHUNK })
        while (offset < file.length) offset = (await chunk(after, started.uploadId, offset, file.subarray(offset, offset + CHUNK))).nextOffset
        expect((await complete(after, started.uploadId)).media).toMatchObject({ ready: true, sha256: sha(file) })
      } finally {
        await second.stop()
      }
    } finally {
      await Effect.runPromise(Scope.close(storageScope, Exit.void))
    }
  })
})

describe("abandoned uploads", () => {
  it("a client that vanishes mid-upload: its upload is dropped after the upload TTL, bytes and quota included", async () => {
    const own = await Fs.mkdtemp(Path.join(Os.tmpdir(), "weft-media-ttl-"))
    const short = await startDevServer({ media: { directory: own, uploadTtlMs: 300, quotaBytes: 30_000, chunkBytes: CHUNK } })
    try {
      const a = await newUser("van", short)
      const client = await online(a, { on: short })
      const file = randomBytes(20_000)
      const started = await init(client, file)
      await chunk(client, started.uploadId, 0, file.subarray(0, CHUNK))
      const parts = async () => (await Promise.all((await Fs.readdir(own)).map((d) => Fs.readdir(Path.join(own, d))))).flat()
      expect(await parts()).toEqual([`${started.mediaId}.part`])
      client.close()

      const deadline = Date.now() + 10_000
      while ((await parts()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(await parts()).toEqual([])

      const back = await online(a, { on: short })
      expect((await failure(chunk(back, started.uploadId, CHUNK, file.subarray(CHUNK, 2 * CHUNK)))).code).toBe(Status.NOT_FOUND)
      // The 20 KB it had reserved are free again: another 20 KB upload fits the 30 KB quota.
      const other = randomBytes(20_000)
      expect((await init(back, other)).nextOffset).toBe(0)
    } finally {
      await short.stop()
      await Fs.rm(own, { recursive: true, force: true })
    }
  })
})

describe("weft client send-file and download", () => {
  const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
  const weft = (user: string, ...args: Array<string>) =>
    new Promise<{ code: number; lines: Array<any>; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [bin, "client", "--server", `127.0.0.1:${server.port}`, "--user", user, "--password", "password", ...args],
        { timeout: 20_000 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
            lines: stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line)),
            stderr
          })
      )
    })

  it("sends an image thumbnail first with progress on stderr, and the recipient downloads both", async () => {
    const [a, b] = [await newUser("cli"), await newUser("clo")]
    const work = await Fs.mkdtemp(Path.join(Os.tmpdir(), "weft-media-cli-"))
    try {
      const image = randomBytes(100_000)
      const thumb = randomBytes(2_000)
      await Fs.writeFile(Path.join(work, "photo.jpg"), image)
      await Fs.writeFile(Path.join(work, "small.jpg"), thumb)
      const sent = await weft(a, "send-file", b, Path.join(work, "photo.jpg"), "--thumbnail", Path.join(work, "small.jpg"))
      expect(sent.code).toBe(0)
      expect(sent.stderr).toContain("photo.jpg: 100000/100000 bytes (100%)")
      expect(sent.lines[0]).toMatchObject({ size: image.length, sha256: sha(image), mimeType: "image/jpeg" })
      const { mediaId, thumbnailMediaId } = sent.lines[0]
      expect(thumbnailMediaId).not.toBe("")

      const http = `127.0.0.1:${server.httpPort}`
      const original = await weft(b, "download", mediaId, Path.join(work, "got.jpg"), "--http", http)
      expect(original.lines[0]).toMatchObject({ mediaId, size: image.length })
      expect(sha(await Fs.readFile(Path.join(work, "got.jpg")))).toBe(sha(image))
      await weft(b, "download", mediaId, Path.join(work, "got-thumb.jpg"), "--thumb", "--http", http)
      expect(sha(await Fs.readFile(Path.join(work, "got-thumb.jpg")))).toBe(sha(thumb))

      const refused = await weft(await newUser("cle"), "download", mediaId, Path.join(work, "no.jpg"), "--http", http)
      expect(refused.code).not.toBe(0)
      expect(refused.stderr).toContain("FORBIDDEN")
    } finally {
      await Fs.rm(work, { recursive: true, force: true })
    }
  })
})
