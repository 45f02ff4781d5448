/**
 * Commands of the profile feature: get a profile, set one's display name and signature, set
 * one's avatar. Each goes to the Profile actor of the user concerned. (The avatar also has
 * plain HTTP routes: gateway/AvatarRoutes.ts.)
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../../actors/ActorCall.ts"
import { Profile } from "../../actors/Profiles.ts"
import { isValidUserId } from "../../actors/Session.ts"
import { Command } from "../../protocol/Command.ts"
import { type Profile as ProfileMessage, ProfileCodecs } from "../../protocol/profile.ts"
import { invalidUserId } from "../../protocol/WeftError.ts"
import { type CommandHandler, handler } from "../CommandTable.ts"

const ok = { code: 0, message: "" }

export const handlers: Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding> = Effect.gen(function*() {
  const profiles = yield* actorClient(Profile)
  const answer = Effect.map((profile: ProfileMessage) => ({ base: ok, profile }))
  return [
    handler(
      {
        id: Command.GET_PROFILE,
        name: "getprofile",
        request: ProfileCodecs.GetProfileRequest,
        response: ProfileCodecs.GetProfileResponse
      },
      (caller, request) => {
        const userId = request.userId || caller.userId
        return isValidUserId(userId)
          ? profiles(userId).Get().pipe(answer)
          : Effect.fail(invalidUserId(`${JSON.stringify(userId)} is not a user id`))
      }
    ),
    handler(
      {
        id: Command.SET_PROFILE,
        name: "setprofile",
        request: ProfileCodecs.SetProfileRequest,
        response: ProfileCodecs.SetProfileResponse
      },
      (caller, request) =>
        profiles(caller.userId).Update({ displayName: request.displayName, signature: request.signature }).pipe(answer)
    ),
    handler(
      {
        id: Command.SET_AVATAR,
        name: "setavatar",
        request: ProfileCodecs.SetAvatarRequest,
        response: ProfileCodecs.SetAvatarResponse
      },
      (caller, request) =>
        profiles(caller.userId).SetAvatar({ image: request.image, contentType: request.contentType }).pipe(answer)
    )
  ]
})
