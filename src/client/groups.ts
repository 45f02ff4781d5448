/** The SDK side of groups: one function per command, on a connected WeftClient. */
import { Command } from "../protocol/Command.ts"
import {
  type AddMembersResponse,
  GroupCodecs,
  type GroupInfo,
  type GroupSettings,
  type SyncGroupResponse
} from "../protocol/groups.ts"
import type { SendMessageResponse } from "../protocol/Proto.ts"
import type { WeftClient } from "./WeftClient.ts"

/** Creates a group owned by this user, with `members` too; resolves with the new group. */
export const createGroup = async (
  client: WeftClient,
  name: string,
  members: ReadonlyArray<string> = [],
  settings?: Partial<GroupSettings>
): Promise<GroupInfo> =>
  (await client.call(Command.CREATE_GROUP, GroupCodecs.CreateGroupRequest, GroupCodecs.CreateGroupResponse, {
    name,
    members,
    settings: settings === undefined ? null : { readDiffusionThreshold: 0, historyVisible: false, ...settings }
  })).group

/** The owner changes the group's settings (a group past its new threshold converts at once). */
export const setGroupSettings = async (client: WeftClient, groupId: string, settings: Partial<GroupSettings>): Promise<void> => {
  await client.call(Command.SET_GROUP_SETTINGS, GroupCodecs.SetGroupSettingsRequest, GroupCodecs.SetGroupSettingsResponse, {
    groupId,
    settings: { readDiffusionThreshold: 0, historyVisible: false, ...settings }
  })
}

/** A page of a read-diffusion group's log after `cursor` (the client pulls by itself; this is for tools). */
export const syncGroup = (client: WeftClient, groupId: string, cursor: number, limit = 0): Promise<SyncGroupResponse> =>
  client.call(Command.SYNC_GROUP, GroupCodecs.SyncGroupRequest, GroupCodecs.SyncGroupResponse, { groupId, cursor, limit })

export const addMembers = (client: WeftClient, groupId: string, userIds: ReadonlyArray<string>): Promise<AddMembersResponse> =>
  client.call(Command.ADD_MEMBERS, GroupCodecs.AddMembersRequest, GroupCodecs.AddMembersResponse, { groupId, userIds })

/** The owner removes a member (removing oneself is leaving). */
export const removeMember = async (client: WeftClient, groupId: string, userId: string): Promise<void> => {
  await client.call(Command.REMOVE_MEMBER, GroupCodecs.RemoveMemberRequest, GroupCodecs.RemoveMemberResponse, {
    groupId,
    userId
  })
}

export const leaveGroup = async (client: WeftClient, groupId: string): Promise<void> => {
  await client.call(Command.LEAVE_GROUP, GroupCodecs.LeaveGroupRequest, GroupCodecs.LeaveGroupResponse, { groupId })
}

export const renameGroup = async (client: WeftClient, groupId: string, name: string): Promise<void> => {
  await client.call(Command.RENAME_GROUP, GroupCodecs.RenameGroupRequest, GroupCodecs.RenameGroupResponse, {
    groupId,
    name
  })
}

/** The group's name, owner and members (for a member). */
export const listMembers = async (client: WeftClient, groupId: string): Promise<GroupInfo> =>
  (await client.call(Command.LIST_MEMBERS, GroupCodecs.ListMembersRequest, GroupCodecs.ListMembersResponse, {
    groupId
  })).group

/** A text message to the group, through the client's outbox (resent after a reconnect). */
export const sendToGroup = (
  client: WeftClient,
  groupId: string,
  text: string,
  clientMsgId?: string,
  named?: { readonly mentions?: ReadonlyArray<string>; readonly replyTo?: string }
): Promise<SendMessageResponse> => client.sendMessage({ groupId, text, ...named }, clientMsgId)
