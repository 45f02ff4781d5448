/**
 * Commands of media uploads: UPLOAD_INIT, UPLOAD_CHUNK and UPLOAD_COMPLETE go to the caller's
 * own Uploads actor; MEDIA_INFO to the actor of the media's owner, which checks that the media
 * is shared with the caller. Answers carry download paths signed for the caller.
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../../actors/ActorCall.ts"
import { Uploads } from "../../actors/Uploads.ts"
import { type MediaSettings, WeftConfig } from "../../cluster/Settings.ts"
import type { MediaDetails } from "../../media/MediaRecords.ts"
import { signedPath } from "../../media/SignedUrl.ts"
import { Command } from "../../protocol/Command.ts"
import { MediaCodecs, type MediaInfo, ownerOfMedia } from "../../protocol/media.ts"
import { notFound } from "../../protocol/WeftError.ts"
import { type CommandHandler, handler } from "../CommandTable.ts"

const ok = { code: 0, message: "" }

/** The actor's details plus download links signed for `user` (on settings.origin when set). */
export const withUrls = (settings: MediaSettings, media: MediaDetails, user: string): MediaInfo => {
  const expires = Date.now() + settings.urlTtlMs
  return {
    ...media,
    url: settings.origin + signedPath(settings.urlSecret, media.mediaId, false, user, expires),
    thumbnailUrl: media.thumbnailMediaId === "" ? "" : settings.origin + signedPath(settings.urlSecret, media.mediaId, true, user, expires),
    urlExpiresAtMs: expires
  }
}

export const handlers: Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding | WeftConfig> = Effect.gen(
  function*() {
    const uploads = yield* actorClient(Uploads)
    const settings = (yield* WeftConfig).media
    return [
      handler(
        {
          id: Command.UPLOAD_INIT,
          name: "uploadinit",
          request: MediaCodecs.UploadInitRequest,
          response: MediaCodecs.UploadInitResponse
        },
        (caller, request) =>
          uploads(caller.userId).Init({
              kind: request.kind,
              size: request.size,
              sha256: request.sha256,
              mimeType: request.mimeType,
              fileName: request.fileName ?? "",
              thumbnailMediaId: request.thumbnailMediaId ?? ""
            }).pipe(Effect.map((started) => ({
            base: ok,
            uploadId: started.mediaId,
            mediaId: started.mediaId,
            chunkSize: started.chunkSize,
            nextOffset: started.nextOffset,
            media: started.media === null ? null : withUrls(settings, started.media, caller.userId)
          })))
      ),
      handler(
        {
          id: Command.UPLOAD_CHUNK,
          name: "uploadchunk",
          request: MediaCodecs.UploadChunkRequest,
          response: MediaCodecs.UploadChunkResponse
        },
        (caller, request) =>
          // A copy: the decoded bytes may be a view into the whole frame.
            uploads(caller.userId).Chunk({
              uploadId: request.uploadId,
              offset: request.offset,
              data: Uint8Array.from(request.data ?? [])
            }).pipe(Effect.map((acked) => ({ base: ok, nextOffset: acked.nextOffset })))
      ),
      handler(
        {
          id: Command.UPLOAD_COMPLETE,
          name: "uploadcomplete",
          request: MediaCodecs.UploadCompleteRequest,
          response: MediaCodecs.UploadCompleteResponse
        },
        (caller, request) =>
          uploads(caller.userId).Complete({ uploadId: request.uploadId }).pipe(
            Effect.map((media) => ({ base: ok, media: withUrls(settings, media, caller.userId) }))
          )
      ),
      handler(
        {
          id: Command.MEDIA_INFO,
          name: "mediainfo",
          request: MediaCodecs.MediaInfoRequest,
          response: MediaCodecs.MediaInfoResponse
        },
        (caller, request) => {
          const owner = ownerOfMedia(request.mediaId)
          if (owner === undefined) return Effect.fail(notFound(`no media ${JSON.stringify(request.mediaId)}`))
          return uploads(owner).Info({ mediaId: request.mediaId, requester: caller.userId }).pipe(
            Effect.map((found) => ({ base: ok, media: withUrls(settings, found.media, caller.userId) }))
          )
        }
      )
    ]
  }
)
