/** The messages of media uploads (proto/weft/v1/media.proto) and the shape of media ids. */
import { type BaseRequest, type BaseResponse, codec } from "./Proto.ts"

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

export interface UploadInitRequest {
  readonly kind: number
  readonly size: number
  readonly sha256: string
  readonly mimeType: string
  readonly fileName?: string | undefined
  readonly thumbnailMediaId?: string | undefined
  readonly base?: BaseRequest | null | undefined
}

export interface MediaInfo {
  readonly mediaId: string
  readonly owner: string
  readonly kind: number
  readonly mimeType: string
  readonly size: number
  readonly sha256: string
  readonly ready: boolean
  readonly received: number
  readonly fileName: string
  readonly thumbnailMediaId: string
  readonly createdAtMs: number
  readonly url: string
  readonly thumbnailUrl: string
  readonly urlExpiresAtMs: number
}

export interface UploadInitResponse {
  readonly base: BaseResponse
  readonly uploadId: string
  readonly mediaId: string
  readonly chunkSize: number
  readonly nextOffset: number
  readonly media?: MediaInfo | null | undefined
}

export interface UploadChunkRequest {
  readonly uploadId: string
  readonly offset: number
  readonly data: Uint8Array
  readonly base?: BaseRequest | null | undefined
}

export interface UploadChunkResponse {
  readonly base: BaseResponse
  readonly nextOffset: number
}

export interface UploadCompleteRequest {
  readonly uploadId: string
  readonly base?: BaseRequest | null | undefined
}

export interface UploadCompleteResponse {
  readonly base: BaseResponse
  readonly media?: MediaInfo | null | undefined
}

export interface MediaInfoRequest {
  readonly mediaId: string
  readonly base?: BaseRequest | null | undefined
}

export interface MediaInfoResponse {
  readonly base: BaseResponse
  readonly media?: MediaInfo | null | undefined
}

/** weft.v1.Change.media_ready. */
export interface MediaReady {
  readonly mediaId: string
  readonly owner: string
  readonly mimeType: string
  readonly size: number
  readonly sha256: string
}

export const MediaCodecs = {
  UploadInitRequest: codec<UploadInitRequest>("UploadInitRequest"),
  UploadInitResponse: codec<UploadInitResponse>("UploadInitResponse"),
  UploadChunkRequest: codec<UploadChunkRequest>("UploadChunkRequest"),
  UploadChunkResponse: codec<UploadChunkResponse>("UploadChunkResponse"),
  UploadCompleteRequest: codec<UploadCompleteRequest>("UploadCompleteRequest"),
  UploadCompleteResponse: codec<UploadCompleteResponse>("UploadCompleteResponse"),
  MediaInfoRequest: codec<MediaInfoRequest>("MediaInfoRequest"),
  MediaInfoResponse: codec<MediaInfoResponse>("MediaInfoResponse"),
  MediaInfo: codec<MediaInfo>("MediaInfo"),
  MediaReady: codec<MediaReady>("MediaReady")
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
