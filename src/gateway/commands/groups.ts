/**
 * Commands of the groups feature: create a group, add and remove members, leave, rename, list
 * members, change the settings, read a read-diffusion group's log. Each goes to the group's
 * actor (Group, keyed by the group id), which checks the caller's membership; the caller is
 * always the authenticated user.
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../../actors/ActorCall.ts"
import { Group } from "../../actors/Groups.ts"
import { Command } from "../../protocol/Command.ts"
import { GroupCodecs, isGroupId, newGroupId } from "../../protocol/groups.ts"
import { encodeSyncResponse } from "../../protocol/prebuilt.ts"
import { notFound, type WeftError } from "../../protocol/WeftError.ts"
import { type CommandHandler, handler } from "../CommandTable.ts"
import { GatewayConfig } from "../GatewayConfig.ts"

const ok = { code: 0, message: "" }

/** A malformed group id names no group. */
const checkGroupId = (groupId: string): Effect.Effect<string, WeftError> =>
  isGroupId(groupId) ? Effect.succeed(groupId) : Effect.fail(notFound(`no group ${JSON.stringify(groupId)}`))

export const handlers: Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding | GatewayConfig> = Effect.gen(function*() {
  const groups = yield* actorClient(Group)
  const config = yield* GatewayConfig
  const call = <A>(groupId: string, rpc: (group: ReturnType<typeof groups>) => Effect.Effect<A, WeftError>) =>
    Effect.flatMap(checkGroupId(groupId), (id) => rpc(groups(id)))
  return [
    handler(
      {
        id: Command.CREATE_GROUP,
        name: "creategroup",
        request: GroupCodecs.CreateGroupRequest,
        response: GroupCodecs.CreateGroupResponse
      },
      (caller, request) =>
        groups(newGroupId()).Create({
          caller: caller.userId,
          name: request.name,
          members: request.members,
          settings: request.settings ?? undefined
        })
          .pipe(Effect.map((group) => ({ base: ok, group })))
    ),
    handler(
      {
        id: Command.ADD_MEMBERS,
        name: "addmembers",
        request: GroupCodecs.AddMembersRequest,
        response: GroupCodecs.AddMembersResponse
      },
      (caller, request) =>
        call(request.groupId, (group) => group.AddMembers({ caller: caller.userId, userIds: request.userIds })).pipe(
          Effect.map((result) => ({ base: ok, ...result }))
        )
    ),
    handler(
      {
        id: Command.REMOVE_MEMBER,
        name: "removemember",
        request: GroupCodecs.RemoveMemberRequest,
        response: GroupCodecs.RemoveMemberResponse
      },
      (caller, request) =>
        call(request.groupId, (group) => group.RemoveMember({ caller: caller.userId, userId: request.userId })).pipe(
          Effect.as({ base: ok })
        )
    ),
    handler(
      {
        id: Command.LEAVE_GROUP,
        name: "leavegroup",
        request: GroupCodecs.LeaveGroupRequest,
        response: GroupCodecs.LeaveGroupResponse
      },
      (caller, request) =>
        call(request.groupId, (group) => group.Leave({ caller: caller.userId })).pipe(Effect.as({ base: ok }))
    ),
    handler(
      {
        id: Command.RENAME_GROUP,
        name: "renamegroup",
        request: GroupCodecs.RenameGroupRequest,
        response: GroupCodecs.RenameGroupResponse
      },
      (caller, request) =>
        call(request.groupId, (group) => group.Rename({ caller: caller.userId, name: request.name })).pipe(
          Effect.as({ base: ok })
        )
    ),
    handler(
      {
        id: Command.LIST_MEMBERS,
        name: "listmembers",
        request: GroupCodecs.ListMembersRequest,
        response: GroupCodecs.ListMembersResponse
      },
      (caller, request) =>
        call(request.groupId, (group) => group.Members({ caller: caller.userId })).pipe(
          Effect.map((group) => ({ base: ok, group }))
        )
    ),
    handler(
      {
        id: Command.SET_GROUP_SETTINGS,
        name: "setgroupsettings",
        request: GroupCodecs.SetGroupSettingsRequest,
        response: GroupCodecs.SetGroupSettingsResponse
      },
      (caller, request) =>
        call(request.groupId, (group) =>
          group.SetSettings({
            caller: caller.userId,
            settings: {
              readDiffusionThreshold: request.settings?.readDiffusionThreshold ?? 0,
              historyVisible: request.settings?.historyVisible ?? false
            }
          })).pipe(Effect.as({ base: ok }))
    ),
    handler(
      {
        id: Command.SYNC_GROUP,
        name: "syncgroup",
        request: GroupCodecs.SyncGroupRequest,
        response: GroupCodecs.SyncGroupResponse
      },
      (caller, request) => {
        const limit = request.limit === 0 ? config.maxSyncPage : Math.min(request.limit, config.maxSyncPage)
        return call(request.groupId, (group) => group.Read({ caller: caller.userId, cursor: request.cursor, limit })).pipe(
          // SyncGroupResponse has SyncResponse's fields: the stored changes go out as they are.
          Effect.map((page) => encodeSyncResponse(page.entries, page.cursor, page.more, page.epoch))
        )
      }
    )
  ]
})
