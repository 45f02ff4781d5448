/** The messages of the profile feature (proto/weft/v1/profile.proto) and the avatar formats. */
import { typed } from "./Proto.ts"
import type { Carrying, Decoded, weft } from "./Shapes.ts"

export const MAX_DISPLAY_NAME_LENGTH = 64
export const MAX_SIGNATURE_LENGTH = 256

export type Profile = Decoded<weft.v1.Profile.$Properties>

/** weft.v1.Change.profile. */
export type ProfileChanged = Carrying<Decoded<weft.v1.ProfileChanged.$Properties>, "profile">
export type GetProfileRequest = Decoded<weft.v1.GetProfileRequest.$Properties>
export type SetProfileRequest = Decoded<weft.v1.SetProfileRequest.$Properties>
export type SetAvatarRequest = Decoded<weft.v1.SetAvatarRequest.$Properties>

/** GetProfileResponse, SetProfileResponse and SetAvatarResponse. */
export type ProfileResponse = Carrying<Decoded<weft.v1.GetProfileResponse.$Properties>, "profile">

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
  Profile: typed<weft.v1.Profile.$Properties>("Profile"),
  ProfileChanged: typed<weft.v1.ProfileChanged.$Properties, ProfileChanged>("ProfileChanged"),
  GetProfileRequest: typed<weft.v1.GetProfileRequest.$Properties>("GetProfileRequest"),
  GetProfileResponse: typed<weft.v1.GetProfileResponse.$Properties, ProfileResponse>("GetProfileResponse"),
  SetProfileRequest: typed<weft.v1.SetProfileRequest.$Properties>("SetProfileRequest"),
  SetProfileResponse: typed<weft.v1.SetProfileResponse.$Properties, ProfileResponse>("SetProfileResponse"),
  SetAvatarRequest: typed<weft.v1.SetAvatarRequest.$Properties>("SetAvatarRequest"),
  SetAvatarResponse: typed<weft.v1.SetAvatarResponse.$Properties, ProfileResponse>("SetAvatarResponse")
} as const
