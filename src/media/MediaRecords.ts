/**
 * How the Uploads actor keeps its state in storage (so a restarted actor, on any runner,
 * continues every upload where its last acknowledged chunk ended), and the checks of an
 * upload's declaration. All keys are the owner's (`{userId}` hash tag):
 *
 *   {u}:media:<mediaId>       the MediaState (JSON); while uploading, it expires uploadTtlMs
 *                             after its last chunk
 *   {u}:media-hash:<sha256>   the media id holding that content (same expiry while uploading)
 *   {u}:media-pending         ids of the uploads in progress (JSON list)
 *   {u}:media-bytes           bytes of the owner's completed media (counter, for the quota)
 */
import { Effect, Schema } from "effect"
import type { MediaSettings } from "../cluster/Settings.ts"
import { MAX_FILE_NAME_LENGTH, MAX_MEDIA_ID_LENGTH, MAX_MIME_TYPE_LENGTH } from "../protocol/messages.ts"
import { MediaKind, SHA256_HEX } from "../protocol/media.ts"
import { badRequest, tooLarge, type WeftError } from "../protocol/WeftError.ts"
import { userKey } from "../storage/Storage.ts"

export interface MediaState {
  readonly mediaId: string
  readonly owner: string
  readonly kind: number
  readonly mimeType: string
  readonly size: number
  /** Lower-case hex. */
  readonly sha256: string
  readonly fileName: string
  readonly thumbnailMediaId: string
  readonly createdAtMs: number
  /** Bytes acknowledged so far: the next offset. */
  received: number
  ready: boolean
  updatedAtMs: number
  /** Users it was shared with (1:1 recipients), and groups it was sent to. */
  readonly sharedWith: Array<string>
  readonly groups: Array<string>
}

export const recordKey = (owner: string, mediaId: string) => userKey(owner, "media", mediaId)
export const hashKey = (owner: string, sha256: string) => userKey(owner, "media-hash", sha256)
export const pendingKey = (owner: string) => userKey(owner, "media-pending")
export const bytesKey = (owner: string) => userKey(owner, "media-bytes")

/** What the actor answers about a media (the gateway adds signed URLs). */
export const MediaDetails = Schema.Struct({
  mediaId: Schema.String,
  owner: Schema.String,
  kind: Schema.Number,
  mimeType: Schema.String,
  size: Schema.Number,
  sha256: Schema.String,
  ready: Schema.Boolean,
  received: Schema.Number,
  fileName: Schema.String,
  thumbnailMediaId: Schema.String,
  createdAtMs: Schema.Number
})
export type MediaDetails = typeof MediaDetails.Type

export const details = (state: MediaState): MediaDetails => ({
  mediaId: state.mediaId,
  owner: state.owner,
  kind: state.kind,
  mimeType: state.mimeType,
  size: state.size,
  sha256: state.sha256,
  ready: state.ready,
  received: state.received,
  fileName: state.fileName,
  thumbnailMediaId: state.thumbnailMediaId,
  createdAtMs: state.createdAtMs
})

export const InitRequest = Schema.Struct({
  kind: Schema.Number,
  size: Schema.Number,
  sha256: Schema.String,
  mimeType: Schema.String,
  fileName: Schema.String,
  thumbnailMediaId: Schema.String
})
export type InitRequest = typeof InitRequest.Type

const kinds = new Set<number>(Object.values(MediaKind))

/** Every bound of an upload's declaration, with the status a client can act on. */
export const checkInit = (request: InitRequest, settings: MediaSettings): Effect.Effect<void, WeftError> => {
  if (!Number.isSafeInteger(request.size) || request.size < 1) {
    return Effect.fail(badRequest("size must be a whole number of bytes, at least 1"))
  }
  if (request.size > settings.maxFileBytes) {
    return Effect.fail(tooLarge(`the file has ${request.size} bytes; the maximum is ${settings.maxFileBytes}`))
  }
  if (!SHA256_HEX.test(request.sha256)) return Effect.fail(badRequest("sha256 must be 64 hex digits"))
  if (request.mimeType.length === 0 || request.mimeType.length > MAX_MIME_TYPE_LENGTH) {
    return Effect.fail(badRequest(`mime_type must have 1..${MAX_MIME_TYPE_LENGTH} characters`))
  }
  if (request.fileName.length > MAX_FILE_NAME_LENGTH) {
    return Effect.fail(badRequest(`file_name must have at most ${MAX_FILE_NAME_LENGTH} characters`))
  }
  if (request.thumbnailMediaId.length > MAX_MEDIA_ID_LENGTH) {
    return Effect.fail(badRequest(`thumbnail_media_id must have at most ${MAX_MEDIA_ID_LENGTH} characters`))
  }
  if (!kinds.has(request.kind)) return Effect.fail(badRequest(`media kind ${request.kind} is not known`))
  return Effect.void
}
