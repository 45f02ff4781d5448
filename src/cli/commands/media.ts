/**
 * send-file and download. send-file picks the message type from the MIME type: images and
 * video go thumbnail first when --thumbnail gives a preview file (the CLI does not make
 * thumbnails itself: it has no image decoder), everything else is uploaded, then sent.
 */
import { readFile, writeFile } from "node:fs/promises"
import * as Path from "node:path"
import { parseServer, UsageError } from "../args.ts"
import type { ClientCommand } from "../ClientCommand.ts"

// The SDK is imported when a command runs, so that `weft help` does not load it.

const mimeTypes: Readonly<Record<string, string>> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".mp4": "video/mp4",
  ".mov": "video/quicktime",
  ".webm": "video/webm",
  ".ogg": "audio/ogg",
  ".opus": "audio/ogg",
  ".m4a": "audio/mp4",
  ".mp3": "audio/mpeg",
  ".amr": "audio/amr",
  ".pdf": "application/pdf",
  ".txt": "text/plain",
  ".zip": "application/zip"
}

export const guessMimeType = (path: string): string => mimeTypes[Path.extname(path).toLowerCase()] ?? "application/octet-stream"

const read = async (path: string): Promise<Uint8Array> => {
  try {
    return await readFile(path)
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`)
  }
}

/** Progress on stderr, one line per whole percent at most. */
const progressLine = (what: string) => {
  let shown = -1
  return (done: number, total: number) => {
    const percent = total > 0 ? Math.floor((done / total) * 100) : 0
    if (percent === shown) return
    shown = percent
    process.stderr.write(`${what}: ${done}/${total} bytes (${percent}%)\n`)
  }
}

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "send-file",
    usage: "send-file <to|group> <path> [--thumbnail P]",
    description: "upload a file in acknowledged chunks and send it (also --mime-type M --caption C); progress on stderr",
    options: {
      thumbnail: { type: "string" },
      "mime-type": { type: "string" },
      caption: { type: "string" }
    },
    run: async ({ client, args, flags, print }) => {
      const { sendFile, sendImage, sendVideo, sendVoice } = await import("../../client/media.ts")
      if (args.length !== 2 || args.some((arg) => arg === "")) throw new UsageError("send-file needs <to|group> <path>")
      const [target, path] = args as [string, string]
      const mimeType = (flags["mime-type"] as string | undefined) ?? guessMimeType(path)
      const thumbnailPath = flags["thumbnail"] as string | undefined
      const message = {
        bytes: await read(path),
        mimeType,
        fileName: Path.basename(path),
        caption: flags["caption"] as string | undefined,
        thumbnail: thumbnailPath === undefined ? undefined : { bytes: await read(thumbnailPath), mimeType: guessMimeType(thumbnailPath) },
        onProgress: progressLine(Path.basename(path))
      }
      const send = mimeType.startsWith("image/")
        ? sendImage
        : mimeType.startsWith("video/")
        ? sendVideo
        : mimeType.startsWith("audio/")
        ? sendVoice
        : sendFile
      const sent = await send(client, target, message)
      print({
        mediaId: sent.media.mediaId,
        thumbnailMediaId: sent.thumbnail?.mediaId ?? "",
        size: sent.media.size,
        sha256: sent.media.sha256,
        mimeType: sent.media.mimeType,
        messageId: sent.ack.messageId,
        seq: sent.ack.seq
      })
    }
  },
  {
    name: "download",
    usage: "download <media-id> <path> [--thumb]",
    description: "download a media shared with you (over the server's HTTP port; --http HOST:PORT names it)",
    options: {
      thumb: { type: "boolean" },
      http: { type: "string" }
    },
    run: async ({ client, args, flags, print, httpEndpoint }) => {
      const { downloadMedia } = await import("../../client/media.ts")
      if (args.length !== 2 || args.some((arg) => arg === "")) throw new UsageError("download needs <media-id> <path>")
      const [mediaId, path] = args as [string, string]
      const http = flags["http"] === undefined ? await httpEndpoint() : parseServer(flags["http"] as string)
      const thumb = flags["thumb"] === true
      const bytes = await downloadMedia(client, mediaId, { http, thumb, onProgress: progressLine(mediaId) })
      await writeFile(path, bytes)
      print({ mediaId, thumb, path, size: bytes.length })
    }
  }
]
