/**
 * Commands of offline notifications (notify.proto): REGISTER_PUSH stores the push address of
 * the caller's session, UNREGISTER_PUSH removes it. The PushDevices actor owns them.
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../../actors/ActorCall.ts"
import { sessionIdOf } from "../../actors/Session.ts"
import { WeftConfig } from "../../cluster/Settings.ts"
import { PushDevices } from "../../notify/PushDevices.ts"
import { validate } from "../../notify/Registrations.ts"
import { Command } from "../../protocol/Command.ts"
import { NotifyCodecs } from "../../protocol/notify.ts"
import { badRequest, unavailable } from "../../protocol/WeftError.ts"
import { type CommandHandler, handler } from "../CommandTable.ts"

const ok = { code: 0, message: "" }

export const handlers: Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding | WeftConfig> = Effect.gen(
  function*() {
    const pushDevices = yield* actorClient(PushDevices)
    const settings = (yield* WeftConfig).notify
    return [
      handler(
        {
          id: Command.REGISTER_PUSH,
          name: "registerpush",
          request: NotifyCodecs.RegisterPushRequest,
          response: NotifyCodecs.RegisterPushResponse
        },
        (caller, request) => {
          const checked = validate(request, settings, { sessionId: sessionIdOf(caller.sessionToken), deviceId: caller.deviceId })
          if ("refused" in checked) {
            return Effect.fail(checked.unavailable ? unavailable(checked.refused) : badRequest(checked.refused))
          }
          return pushDevices(caller.userId).Register({ registration: JSON.stringify(checked.registration) }).pipe(
            Effect.as({ base: ok })
          )
        }
      ),
      handler(
        {
          id: Command.UNREGISTER_PUSH,
          name: "unregisterpush",
          request: NotifyCodecs.UnregisterPushRequest,
          response: NotifyCodecs.UnregisterPushResponse
        },
        (caller) =>
          pushDevices(caller.userId).Forget({ sessionId: sessionIdOf(caller.sessionToken) }).pipe(Effect.as({ base: ok }))
      )
    ]
  }
)
