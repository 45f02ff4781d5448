/** The SDK side of profiles and avatars, on a connected WeftClient. */
import { Command } from "../protocol/Command.ts"
import { type Profile, ProfileCodecs } from "../protocol/profile.ts"
import type { WeftClient } from "./WeftClient.ts"

/** The profile of `userId`; this user's own when omitted. */
export const getProfile = async (client: WeftClient, userId = ""): Promise<Profile> =>
  (await client.call(Command.GET_PROFILE, ProfileCodecs.GetProfileRequest, ProfileCodecs.GetProfileResponse, { userId }))
    .profile

/** Changes this user's display name and/or signature (a field left out keeps its value). */
export const setProfile = async (
  client: WeftClient,
  changes: { readonly displayName?: string | undefined; readonly signature?: string | undefined }
): Promise<Profile> =>
  (await client.call(Command.SET_PROFILE, ProfileCodecs.SetProfileRequest, ProfileCodecs.SetProfileResponse, changes))
    .profile

/**
 * Sets this user's avatar over the long connection (the frame size bounds it too; larger
 * images go by HTTP: POST /avatars). `contentType`: image/png, image/jpeg, image/gif or image/webp.
 */
export const setAvatar = async (client: WeftClient, image: Uint8Array, contentType: string): Promise<Profile> =>
  (await client.call(Command.SET_AVATAR, ProfileCodecs.SetAvatarRequest, ProfileCodecs.SetAvatarResponse, {
    image,
    contentType
  })).profile
