/** The messages of the profile feature (proto/weft/v1/profile.proto) and the avatar formats. */
import { type BaseRequest, type BaseResponse, codec } from "./Proto.ts"

export const MAX_DISPLAY_NAME_LENGTH = 64
export const MAX_SIGNATURE_LENGTH = 256

export interface Profile {
  readonly userId: string
  readonly displayName: string
  readonly signature: string
  readonly avatarUrl: string
  readonly version: number
  readonly updatedAtMs: number
}

/** weft.v1.Change.profile. */
export interface ProfileChanged {
  readonly profile: Profile
}

export interface GetProfileRequest {
  readonly userId: string
  readonly base?: BaseRequest | null | undefined
}

export interface SetProfileRequest {
  /** Absent: keep the current one. */
  readonly displayName?: string | undefined
  readonly signature?: string | undefined
  readonly base?: BaseRequest | null | undefined
}

export interface SetAvatarRequest {
  readonly image: Uint8Array
  readonly contentType: string
  readonly base?: BaseRequest | null | undefined
}

/** GetProfileResponse, SetProfileResponse and SetAvatarResponse. */
export interface ProfileResponse {
  readonly base: BaseResponse
  readonly profile: Profile
}

/** The avatar formats accepted, each with the bytes its files start with. */
const signatures: Record<string, ReadonlyArray<ReadonlyArray<number>>> = {
  "image/png": [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  "image/jpeg": [[0xff, 0xd8, 0xff]],
  "image/gif": [[0x47, 0x49, 0x46, 0x38, 0x37, 0x61], [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]],
  // "RIFF" <size> "WEBP": checked in two parts below.
  "image/webp": [[0x52, 0x49, 0x46, 0x46]]
}

export const AVATAR_TYPES: ReadonlyArray<string> = Object.keys(signatures)

const startsWith = (bytes: Uint8Array, prefix: ReadonlyArray<number>, at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((byte, i) => bytes[at + i] === byte)

/** Whether `bytes` look like an image of `contentType` (one of AVATAR_TYPES). */
export const isImageOf = (contentType: string, bytes: Uint8Array): boolean => {
  const candidates = signatures[contentType]
  if (candidates === undefined || !candidates.some((prefix) => startsWith(bytes, prefix))) return false
  return contentType !== "image/webp" || startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)
}

export const avatarPath = (userId: string) => `/avatars/${userId}`

export const ProfileCodecs = {
  Profile: codec<Profile>("Profile"),
  ProfileChanged: codec<ProfileChanged>("ProfileChanged"),
  GetProfileRequest: codec<GetProfileRequest>("GetProfileRequest"),
  GetProfileResponse: codec<ProfileResponse>("GetProfileResponse"),
  SetProfileRequest: codec<SetProfileRequest>("SetProfileRequest"),
  SetProfileResponse: codec<ProfileResponse>("SetProfileResponse"),
  SetAvatarRequest: codec<SetAvatarRequest>("SetAvatarRequest"),
  SetAvatarResponse: codec<ProfileResponse>("SetAvatarResponse")
} as const
