/**
 * Commands of sessions and devices: LOGOUT ends the caller's session (on every transport at
 * once), LIST_DEVICES lists the user's sessions, CHANGE_PASSWORD replaces the password. The login policy itself is applied by the
 * Session actor when a login issues a session.
 */
import { Duration, Effect } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../../actors/ActorCall.ts"
import { LOGOUT_KICK_DELAY, Session } from "../../actors/Session.ts"
import { Command } from "../../protocol/Command.ts"
import { DeviceCodecs } from "../../protocol/devices.ts"
import { type CommandHandler, handler } from "../CommandTable.ts"

const ok = { code: 0, message: "" }

export const handlers: Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding> = Effect.gen(function*() {
  const sessions = yield* actorClient(Session)
  return [
    handler(
      {
        id: Command.LOGOUT,
        name: "logout",
        request: DeviceCodecs.LogoutRequest,
        response: DeviceCodecs.LogoutResponse
      },
      (caller) =>
        sessions(caller.userId).Logout({
            sessionToken: caller.sessionToken,
            // A long connection writes this response before the Kicked frame that closes it;
            // a short connection has nothing to close.
            kickAfterMs: caller.transport === "http" ? 0 : Duration.toMillis(LOGOUT_KICK_DELAY)
          }).pipe(Effect.as({ base: ok }))
    ),
    handler(
      {
        id: Command.LIST_DEVICES,
        name: "listdevices",
        request: DeviceCodecs.ListDevicesRequest,
        response: DeviceCodecs.ListDevicesResponse
      },
      (caller) =>
        sessions(caller.userId).ListDevices({ sessionToken: caller.sessionToken }).pipe(
          Effect.map((list) => ({ base: ok, sessions: list }))
        )
    ),
    handler(
      {
        id: Command.CHANGE_PASSWORD,
        name: "changepassword",
        request: DeviceCodecs.ChangePasswordRequest,
        response: DeviceCodecs.ChangePasswordResponse
      },
      (caller, request) =>
        sessions(caller.userId).ChangePassword({
          oldPassword: request.oldPassword,
          newPassword: request.newPassword
        }).pipe(Effect.as({ base: ok }))
    )
  ]
})
