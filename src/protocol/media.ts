/** The messages of media uploads (proto/weft/v1/media.proto) and the shape of media ids. */
import { typed } from "./Proto.ts"
import type { Decoded, weft } from "./Shapes.ts"

/** weft.v1.MediaKind. */
export const MediaKind = {
  UNSPECIFIED: 0,
  IMAGE: 1,
  VOICE: 2,
  VIDEO: 3,
  FILE: 4,
  THUMBNAIL: 5,
  AVATAR: 6,
  MOMENT: 7
} as const

export type UploadInitRequest = Decoded<weft.v1.UploadInitRequest.$Properties>
export type MediaInfo = Decoded<weft.v1.MediaInfo.$Properties>
export type UploadInitResponse = Decoded<weft.v1.UploadInitResponse.$Properties>
export type UploadChunkRequest = Decoded<weft.v1.UploadChunkRequest.$Properties>
export type UploadChunkResponse = Decoded<weft.v1.UploadChunkResponse.$Properties>
export type UploadCompleteRequest = Decoded<weft.v1.UploadCompleteRequest.$Properties>
export type UploadCompleteResponse = Decoded<weft.v1.UploadCompleteResponse.$Properties>
export type MediaInfoRequest = Decoded<weft.v1.MediaInfoRequest.$Properties>
export type MediaInfoResponse = Decoded<weft.v1.MediaInfoResponse.$Properties>

/** weft.v1.Change.media_ready. */
export type MediaReady = Decoded<weft.v1.MediaReady.$Properties>

export const MediaCodecs = {
  UploadInitRequest: typed<weft.v1.UploadInitRequest.$Properties>("UploadInitRequest"),
  UploadInitResponse: typed<weft.v1.UploadInitResponse.$Properties>("UploadInitResponse"),
  UploadChunkRequest: typed<weft.v1.UploadChunkRequest.$Properties>("UploadChunkRequest"),
  UploadChunkResponse: typed<weft.v1.UploadChunkResponse.$Properties>("UploadChunkResponse"),
  UploadCompleteRequest: typed<weft.v1.UploadCompleteRequest.$Properties>("UploadCompleteRequest"),
  UploadCompleteResponse: typed<weft.v1.UploadCompleteResponse.$Properties>("UploadCompleteResponse"),
  MediaInfoRequest: typed<weft.v1.MediaInfoRequest.$Properties>("MediaInfoRequest"),
  MediaInfoResponse: typed<weft.v1.MediaInfoResponse.$Properties>("MediaInfoResponse"),
  MediaInfo: typed<weft.v1.MediaInfo.$Properties>("MediaInfo"),
  MediaReady: typed<weft.v1.MediaReady.$Properties>("MediaReady")
} as const

const USER_ID = /^[A-Za-z0-9_.-]{1,64}$/
const SUFFIX = /^[A-Za-z0-9_-]{8,40}$/
export const SHA256_HEX = /^[0-9a-fA-F]{64}$/

/**
 * A media id is "<owner>~<suffix>": the owner's Uploads actor holds it, so anyone can route a
 * question about it. Returns the owner, or undefined for ids weft did not issue.
 */
export const ownerOfMedia = (mediaId: string): string | undefined => {
  const at = mediaId.lastIndexOf("~")
  if (at < 0) return undefined
  const owner = mediaId.slice(0, at)
  return USER_ID.test(owner) && SUFFIX.test(mediaId.slice(at + 1)) ? owner : undefined
}
