/**
 * The SDK side of media: chunked uploads that resume after a reconnect, the message
 * sequences (thumbnail first for images and video), and downloads (thumbnail first, Range
 * resume, hash check). Uploads go over the client's long connection, or over a channel of
 * their own (`shortConnection`: HTTP) so that bulk bytes never queue behind chat frames.
 */
import { createHash } from "node:crypto"
import { Command } from "../protocol/Command.ts"
import { isGroupId } from "../protocol/groups.ts"
import { MediaCodecs, type MediaInfo, MediaKind, type UploadInitResponse } from "../protocol/media.ts"
import { MessageType } from "../protocol/messages.ts"
import type { Codec, SendMessageResponse } from "../protocol/Proto.ts"
import { Status } from "../protocol/Status.ts"
import { DisconnectedError, WeftRequestError } from "./FrameConnection.ts"
import type { WeftClient } from "./WeftClient.ts"

type Response = { readonly base?: { readonly code: number; readonly message: string } | null }

/** Something that carries commands: the WeftClient itself (long connection), or `shortConnection`. */
export interface MediaChannel {
  call<Req, Res extends Response>(command: number, request: Codec<Req>, response: Codec<Res>, body: Req): Promise<Res>
}

export interface HttpAddress {
  readonly host: string
  readonly port: number
}

/** Commands over the HTTP short connection (POST /cgi-bin/<name>, protobuf), as `userId`. */
export const shortConnection = (client: WeftClient, address: HttpAddress & { readonly userId: string }): MediaChannel => ({
  call: async (command, requestCodec, responseCodec, body) => {
    const name = names.get(command)
    if (name === undefined) throw new Error(`command ${command} is not a media command`)
    const base = { userId: address.userId, sessionToken: client.sessionToken ?? "", deviceId: "" }
    let response: globalThis.Response
    try {
      response = await fetch(`http://${address.host}:${address.port}/cgi-bin/${name}`, {
        method: "POST",
        headers: { "content-type": "application/x-protobuf" },
        body: Buffer.from(requestCodec.encode({ ...body, base } as never))
      })
    } catch (error) {
      throw new DisconnectedError(`short connection failed: ${(error as Error).message}`)
    }
    const bytes = new Uint8Array(await response.arrayBuffer())
    if (response.status !== 200) throw new WeftRequestError(Status.BAD_REQUEST, `HTTP ${response.status}`)
    const decoded = responseCodec.decode(bytes)
    if (decoded.base && decoded.base.code !== 0) throw new WeftRequestError(decoded.base.code, decoded.base.message)
    return decoded
  }
})

const names = new Map<number, string>([
  [Command.UPLOAD_INIT, "uploadinit"],
  [Command.UPLOAD_CHUNK, "uploadchunk"],
  [Command.UPLOAD_COMPLETE, "uploadcomplete"],
  [Command.MEDIA_INFO, "mediainfo"]
])

export interface UploadOptions {
  readonly mimeType: string
  /** MediaKind; FILE by default. */
  readonly kind?: number | undefined
  readonly fileName?: string | undefined
  /** A completed upload of yours that is this one's thumbnail. */
  readonly thumbnailMediaId?: string | undefined
  /** Called after every acknowledged chunk: bytes the server holds, and the total. */
  readonly onProgress?: ((sent: number, total: number) => void) | undefined
  /** Defaults to the client's long connection. */
  readonly channel?: MediaChannel | undefined
  /** Failures (lost connection, server unavailable) tolerated before giving up; default 50. */
  readonly maxRetries?: number | undefined
}

/** An upload whose media id is known; `finish` sends the bytes and completes it. */
export interface StartedUpload {
  readonly mediaId: string
  readonly size: number
  readonly finish: () => Promise<MediaInfo>
}

export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

const retryable = (error: unknown) =>
  error instanceof DisconnectedError ||
  (error instanceof WeftRequestError &&
    (error.code === Status.UNAVAILABLE || error.code === Status.INTERNAL || error.code === Status.CONFLICT))

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resolves once the client is online again (it reconnects by itself); rejects if it is closed. */
export const waitOnline = (client: WeftClient): Promise<void> =>
  new Promise((resolve, reject) => {
    if (client.state === "online") return resolve()
    if (client.state === "closed") return reject(new Error("client is closed"))
    const off = client.on("state", (state) => {
      if (state === "online") (off(), resolve())
      if (state === "closed") (off(), reject(new Error("client is closed")))
    })
  })

/** Runs `attempt`, retrying retryable failures once the client is back online. */
const persistently = async <A>(client: WeftClient, maxRetries: number, attempt: () => Promise<A>): Promise<A> => {
  for (let failures = 0;; failures++) {
    try {
      return await attempt()
    } catch (error) {
      if (!retryable(error) || failures >= maxRetries) throw error
      await sleep(Math.min(1000, 20 * 2 ** failures))
      await waitOnline(client)
    }
  }
}

/** Declares an upload (or resumes it: same bytes, same hash) and returns its media id at once. */
export const startUpload = async (client: WeftClient, bytes: Uint8Array, options: UploadOptions): Promise<StartedUpload> => {
  const channel = options.channel ?? client
  const maxRetries = options.maxRetries ?? 50
  const size = bytes.length
  const request = {
    kind: options.kind ?? MediaKind.FILE,
    size,
    sha256: sha256Hex(bytes),
    mimeType: options.mimeType,
    fileName: options.fileName ?? "",
    thumbnailMediaId: options.thumbnailMediaId ?? ""
  }
  const init = (): Promise<UploadInitResponse> =>
    channel.call(Command.UPLOAD_INIT, MediaCodecs.UploadInitRequest, MediaCodecs.UploadInitResponse, request)
  let started = await persistently(client, maxRetries, init)

  const send = async (): Promise<MediaInfo> => {
    if (started.media) return started.media
    let offset = started.nextOffset
    while (offset < size) {
      const acked = await channel.call(Command.UPLOAD_CHUNK, MediaCodecs.UploadChunkRequest, MediaCodecs.UploadChunkResponse, {
        uploadId: started.uploadId,
        offset,
        data: bytes.subarray(offset, Math.min(size, offset + started.chunkSize))
      })
      offset = acked.nextOffset
      options.onProgress?.(offset, size)
    }
    const done = await channel.call(Command.UPLOAD_COMPLETE, MediaCodecs.UploadCompleteRequest, MediaCodecs.UploadCompleteResponse, {
      uploadId: started.uploadId
    })
    return done.media!
  }
  let first = true
  const finish = () =>
    persistently(client, maxRetries, async () => {
      // After a failure, ask where to continue: the last acknowledged offset.
      if (!first) started = await init()
      first = false
      return send()
    })
  return { mediaId: started.mediaId, size, finish }
}

/** Uploads bytes as one media; resolves with its details once stored and verified. */
export const uploadMedia = async (client: WeftClient, bytes: Uint8Array, options: UploadOptions): Promise<MediaInfo> =>
  (await startUpload(client, bytes, options)).finish()

export interface MediaMessage {
  /** The bytes of the image, video, voice note or file. */
  readonly bytes: Uint8Array
  readonly mimeType: string
  readonly fileName?: string | undefined
  /** Images and video: a small preview, uploaded and referenced first. */
  readonly thumbnail?: { readonly bytes: Uint8Array; readonly mimeType: string } | undefined
  readonly durationMs?: number | undefined
  readonly caption?: string | undefined
  readonly clientMsgId?: string | undefined
  readonly onProgress?: ((sent: number, total: number) => void) | undefined
  readonly channel?: MediaChannel | undefined
}

export interface SentMedia {
  readonly ack: SendMessageResponse
  readonly media: MediaInfo
  readonly thumbnail: MediaInfo | undefined
}

const sendReferencing = (client: WeftClient, target: string, type: number, media: MediaMessage, mediaId: string, thumbnailMediaId: string) =>
  client.sendMessage(
    {
      ...(isGroupId(target) ? { groupId: target } : { to: target }),
      type,
      text: media.caption ?? "",
      media: {
        mediaId,
        mimeType: media.mimeType,
        size: media.bytes.length,
        thumbnailMediaId,
        durationMs: media.durationMs ?? 0,
        fileName: media.fileName ?? ""
      }
    },
    media.clientMsgId
  )

/**
 * Thumbnail first: upload the thumbnail, declare the original (its media id exists now), send
 * the message, then upload the original. Recipients see the thumbnail at once and get a
 * media_ready change in their log when the original is complete.
 */
const sendThumbnailFirst = async (client: WeftClient, target: string, type: number, kind: number, media: MediaMessage): Promise<SentMedia> => {
  const thumbnail = media.thumbnail === undefined
    ? undefined
    : await uploadMedia(client, media.thumbnail.bytes, { kind: MediaKind.THUMBNAIL, mimeType: media.thumbnail.mimeType, channel: media.channel })
  const original = await startUpload(client, media.bytes, {
    kind,
    mimeType: media.mimeType,
    fileName: media.fileName,
    thumbnailMediaId: thumbnail?.mediaId,
    onProgress: media.onProgress,
    channel: media.channel
  })
  const ack = await sendReferencing(client, target, type, media, original.mediaId, thumbnail?.mediaId ?? "")
  return { ack, media: await original.finish(), thumbnail }
}

/** Upload first, then the message: recipients never see a voice note or file they cannot fetch. */
const sendUploaded = async (client: WeftClient, target: string, type: number, kind: number, media: MediaMessage): Promise<SentMedia> => {
  const uploaded = await uploadMedia(client, media.bytes, {
    kind,
    mimeType: media.mimeType,
    fileName: media.fileName,
    onProgress: media.onProgress,
    channel: media.channel
  })
  const ack = await sendReferencing(client, target, type, media, uploaded.mediaId, "")
  return { ack, media: uploaded, thumbnail: undefined }
}

/** Sends an image to a user or group id, thumbnail first. */
export const sendImage = (client: WeftClient, target: string, image: MediaMessage) =>
  sendThumbnailFirst(client, target, MessageType.IMAGE, MediaKind.IMAGE, image)

/** Sends a video to a user or group id, thumbnail first. */
export const sendVideo = (client: WeftClient, target: string, video: MediaMessage) =>
  sendThumbnailFirst(client, target, MessageType.VIDEO, MediaKind.VIDEO, video)

/** Sends a voice note (a small single upload, then the message). */
export const sendVoice = (client: WeftClient, target: string, voice: MediaMessage) =>
  sendUploaded(client, target, MessageType.VOICE, MediaKind.VOICE, voice)

/** Sends a file (uploaded, then the message). */
export const sendFile = (client: WeftClient, target: string, file: MediaMessage) =>
  sendUploaded(client, target, MessageType.FILE, MediaKind.FILE, file)

/** A media's details and download paths signed for this user (MEDIA_INFO). */
export const mediaInfo = async (client: WeftClient, mediaId: string): Promise<MediaInfo> =>
  (await client.call(Command.MEDIA_INFO, MediaCodecs.MediaInfoRequest, MediaCodecs.MediaInfoResponse, { mediaId })).media!

export interface DownloadOptions {
  /** The gateway's HTTP port. */
  readonly http: HttpAddress
  /** The thumbnail instead of the original. */
  readonly thumb?: boolean | undefined
  readonly onProgress?: ((received: number, total: number) => void) | undefined
  /** Broken transfers resumed with a Range request before giving up; default 5. */
  readonly maxRetries?: number | undefined
}

/**
 * Downloads a media shared with this user, resuming a broken transfer with Range from the
 * bytes already received; the result's SHA-256 is checked against the ETag.
 */
export const downloadMedia = async (client: WeftClient, mediaId: string, options: DownloadOptions): Promise<Uint8Array> => {
  const info = await mediaInfo(client, mediaId)
  const path = options.thumb ? info.thumbnailUrl : info.url
  if (path === "") throw new Error(`media ${mediaId} has no thumbnail`)
  const parts: Array<Uint8Array> = []
  let received = 0
  let total = -1
  let etag = ""
  for (let failures = 0;; failures++) {
    try {
      // A path is on the gateway; a whole URL names a separate media origin.
      const response = await fetch(new URL(path, `http://${options.http.host}:${options.http.port}`), {
        headers: received > 0 ? { range: `bytes=${received}-`, "if-match": etag } : {}
      })
      if (response.status !== 200 && response.status !== 206) {
        throw new WeftRequestError(response.status === 409 ? Status.CONFLICT : Status.NOT_FOUND, `HTTP ${response.status}: ${(await response.text()).trim()}`)
      }
      etag = response.headers.get("etag") ?? ""
      if (total < 0) total = Number(response.headers.get("content-length"))
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        parts.push(chunk)
        received += chunk.length
        options.onProgress?.(received, total)
      }
      break
    } catch (error) {
      if (error instanceof WeftRequestError || failures >= (options.maxRetries ?? 5)) throw error
      await sleep(50 * 2 ** failures)
    }
  }
  const bytes = Buffer.concat(parts)
  if (etag !== "" && `"${sha256Hex(bytes)}"` !== etag) throw new Error(`media ${mediaId}: the downloaded bytes do not match their ETag`)
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Resolves once the original of `mediaId` is complete: at once, or when its media_ready change arrives. */
export const whenMediaReady = (client: WeftClient, mediaId: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const off = client.on("change", (change) => {
      if (change.mediaReady?.mediaId === mediaId) (off(), resolve())
    })
    mediaInfo(client, mediaId).then((info) => info.ready && (off(), resolve()), (error) => (off(), reject(error)))
  })

/**
 * Thumbnail first: hands the thumbnail (if any) to `onThumbnail` as soon as it is fetched, then
 * waits for the original to be complete and downloads it.
 */
export const downloadWithThumbnail = async (
  client: WeftClient,
  mediaId: string,
  options: DownloadOptions & { readonly onThumbnail?: ((bytes: Uint8Array) => void) | undefined }
): Promise<Uint8Array> => {
  const info = await mediaInfo(client, mediaId)
  if (info.thumbnailMediaId !== "") options.onThumbnail?.(await downloadMedia(client, mediaId, { ...options, thumb: true }))
  await whenMediaReady(client, mediaId)
  return downloadMedia(client, mediaId, { ...options, thumb: false })
}
