/**
 * Commands of client log reports: UPLOAD_LOG stores a gzip log blob for the operators (who read
 * it on the admin port). The LogReports actor of the caller checks and stores it.
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../../actors/ActorCall.ts"
import { LogReports } from "../../actors/LogReports.ts"
import { Command } from "../../protocol/Command.ts"
import { LogCodecs } from "../../protocol/logs.ts"
import { type CommandHandler, handler } from "../CommandTable.ts"

const ok = { code: 0, message: "" }

export const handlers: Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding> = Effect.gen(function*() {
  const reports = yield* actorClient(LogReports)
  return [
    handler(
      {
        id: Command.UPLOAD_LOG,
        name: "uploadlog",
        request: LogCodecs.UploadLogRequest,
        response: LogCodecs.UploadLogResponse
      },
      (caller, request) =>
        reports(caller.userId).Upload({
            // A copy: the decoded bytes may be a view into the whole frame.
            log: Uint8Array.from(request.log ?? []),
            appVersion: request.appVersion,
            deviceId: request.deviceId || caller.deviceId,
            reason: request.reason,
            metadata: request.metadata ?? {}
          }).pipe(Effect.map((report) => ({ base: ok, report })))
    )
  ]
})
