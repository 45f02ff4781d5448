/**
 * Media upload: one file sent chunk by chunk, each chunk acknowledged before the next (the
 * protocol of proto/weft/v1/media.proto), through
 *   - a long connection: weft frames on one TCP connection;
 *   - the short connection: one HTTP POST /cgi-bin/uploadchunk per chunk (protobuf bodies,
 *     keep-alive, so the TCP handshake is paid once, the HTTP headers every time).
 * Bytes are counted on the sockets, so framing, HTTP headers and acknowledgements are included.
 * The server is `weft dev` in its own process, its blob store in a temporary directory.
 */
import { createHash, randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import * as Http from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Codecs, Command, FrameConnection, MediaCodecs, MediaKind, register } from "../../dist/index.js"
import { progress, startDevServer } from "../lib/servers.js"

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex")

const declaration = (file) => ({ kind: MediaKind.FILE, size: file.length, sha256: sha256(file), mimeType: "application/octet-stream" })

/** The whole upload over one long connection; bytes counted after login. */
const overLongConnection = async (server, userId, file) => {
  const counted = { in: 0, out: 0 }
  const connection = await FrameConnection.open({
    host: server.host,
    port: server.port,
    onPush: () => {},
    onClose: () => {},
    onBytes: (direction, bytes) => (counted[direction] += bytes)
  })
  try {
    await connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId, password: "password" })
    counted.in = counted.out = 0
    const started = performance.now()
    const init = await connection.request(Command.UPLOAD_INIT, MediaCodecs.UploadInitRequest, MediaCodecs.UploadInitResponse, declaration(file))
    let offset = 0
    let chunks = 0
    while (offset < file.length) {
      const data = file.subarray(offset, offset + init.chunkSize)
      offset = (await connection.request(Command.UPLOAD_CHUNK, MediaCodecs.UploadChunkRequest, MediaCodecs.UploadChunkResponse, {
        uploadId: init.uploadId,
        offset,
        data
      })).nextOffset
      chunks++
    }
    await connection.request(Command.UPLOAD_COMPLETE, MediaCodecs.UploadCompleteRequest, MediaCodecs.UploadCompleteResponse, { uploadId: init.uploadId })
    return { ms: performance.now() - started, chunks, bytesUp: counted.out, bytesDown: counted.in, chunkSize: init.chunkSize }
  } finally {
    connection.close()
  }
}

/** The same over HTTP short connections (one keep-alive socket); bytes counted on it. */
const overShortConnection = async (server, userId, file) => {
  const agent = new Http.Agent({ keepAlive: true, maxSockets: 1 })
  const sockets = new Set()
  const post = (name, codec, responseCodec, body) =>
    new Promise((resolve, reject) => {
      const bytes = codec.encode(body)
      const request = Http.request({
        host: server.host,
        port: server.httpPort,
        method: "POST",
        path: `/cgi-bin/${name}`,
        agent,
        headers: { "content-type": "application/x-protobuf", "content-length": bytes.length }
      }, (response) => {
        const parts = []
        response.on("data", (part) => parts.push(part))
        response.on("end", () => {
          const decoded = responseCodec.decode(Buffer.concat(parts))
          decoded.base?.code ? reject(new Error(`${name}: ${decoded.base.message}`)) : resolve(decoded)
        })
      })
      request.on("socket", (socket) => sockets.add(socket))
      request.on("error", reject)
      request.end(bytes)
    })
  try {
    const auth = await post("auth", Codecs.AuthRequest, Codecs.AuthResponse, { userId, password: "password" })
    const base = { userId, sessionToken: auth.sessionToken, deviceId: "" }
    const before = [...sockets].reduce((sum, s) => ({ up: sum.up + s.bytesWritten, down: sum.down + s.bytesRead }), { up: 0, down: 0 })
    const started = performance.now()
    const init = await post("uploadinit", MediaCodecs.UploadInitRequest, MediaCodecs.UploadInitResponse, { ...declaration(file), base })
    let offset = 0
    let chunks = 0
    while (offset < file.length) {
      const data = file.subarray(offset, offset + init.chunkSize)
      offset = (await post("uploadchunk", MediaCodecs.UploadChunkRequest, MediaCodecs.UploadChunkResponse, { uploadId: init.uploadId, offset, data, base })).nextOffset
      chunks++
    }
    await post("uploadcomplete", MediaCodecs.UploadCompleteRequest, MediaCodecs.UploadCompleteResponse, { uploadId: init.uploadId, base })
    const ms = performance.now() - started
    const after = [...sockets].reduce((sum, s) => ({ up: sum.up + s.bytesWritten, down: sum.down + s.bytesRead }), { up: 0, down: 0 })
    return { ms, chunks, bytesUp: after.up - before.up, bytesDown: after.down - before.down, chunkSize: init.chunkSize }
  } finally {
    agent.destroy()
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

export const run = async (options = {}) => {
  const megabytes = options.megabytes ?? 8
  const runs = options.runs ?? 3
  // The dev server's default blob directory is under the temporary directory: give it its own.
  const scratch = mkdtempSync(join(tmpdir(), "weft-bench-media-"))
  const server = await startDevServer([], { env: { TMPDIR: scratch } })
  try {
    const rows = []
    for (const [transport, upload] of [["long connection (TCP)", overLongConnection], ["short connection (HTTP)", overShortConnection]]) {
      const results = []
      for (let i = 0; i < runs; i++) {
        const userId = `media-bench-${process.pid}-${transport.startsWith("long") ? "l" : "s"}${i}`
        await register(server, userId, "password")
        // Fresh bytes every run: content the user already stored would complete at once.
        const file = randomBytes(megabytes * 1024 * 1024)
        results.push(await upload(server, userId, file))
        progress(`media upload: ${transport} run ${i + 1}/${runs}: ${(megabytes / (results.at(-1).ms / 1000)).toFixed(1)} MB/s`)
      }
      const best = results.find((r) => r.ms === median(results.map((x) => x.ms)))
      const payload = megabytes * 1024 * 1024
      rows.push({
        scenario: "media upload",
        transport,
        megabytes,
        chunkBytes: best.chunkSize,
        chunks: best.chunks,
        seconds: best.ms / 1000,
        mbPerSecond: megabytes / (best.ms / 1000),
        chunksPerSecond: best.chunks / (best.ms / 1000),
        extraUpPerChunk: (best.bytesUp - payload) / best.chunks,
        downPerChunk: best.bytesDown / best.chunks,
        overheadPercent: ((best.bytesUp + best.bytesDown - payload) / payload) * 100
      })
    }
    return rows
  } finally {
    await server.stop()
    rmSync(scratch, { recursive: true, force: true })
  }
}

export const tables = (rows) => [
  {
    title: "media upload: acknowledged 8 KB chunks, median of the runs (bytes counted on the socket)",
    columns: [
      { key: "transport", title: "transport" },
      { key: "megabytes", title: "MB" },
      { key: "chunks", title: "chunks" },
      { key: "mbPerSecond", title: "MB/s" },
      { key: "chunksPerSecond", title: "chunks/s" },
      { key: "extraUpPerChunk", title: "extra bytes up/chunk" },
      { key: "downPerChunk", title: "ack bytes down/chunk" },
      { key: "overheadPercent", title: "overhead %" }
    ],
    rows
  }
]
