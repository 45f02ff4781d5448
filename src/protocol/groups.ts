/** The messages of the groups feature (proto/weft/v1/groups.proto) and the form of group ids. */
import { randomBytes } from "node:crypto"
import { typed } from "./Proto.ts"
import type { Carrying, Decoded, Leaving, weft } from "./Shapes.ts"

export { GroupEventKind, startsReading } from "./groupEvents.ts"

/** weft.v1.GroupSettings: 0 and false mean the server's defaults. */
export type GroupSettings = Decoded<weft.v1.GroupSettings.$Properties>
/** weft.v1.GroupNews (Change.group_news). */
export type GroupNews = Decoded<weft.v1.GroupNews.$Properties>

/**
 * "g:" and 128 random bits in base64url: unguessable, a valid entity id, and never a user id
 * (":" is not in a user id's alphabet), so a conversation id names a user or a group unambiguously.
 */
export const GROUP_ID_PATTERN = /^g:[A-Za-z0-9_-]{22}$/

export const isGroupId = (id: string): boolean => GROUP_ID_PATTERN.test(id)

export const newGroupId = (): string => `g:${randomBytes(16).toString("base64url")}`

export const MAX_GROUP_NAME_LENGTH = 64

/** weft.v1.Change.group. */
export type GroupEvent = Leaving<Decoded<weft.v1.GroupEvent.$Properties>, "readDiffusion" | "logSeq">
export type GroupMember = Decoded<weft.v1.GroupMember.$Properties>
export type GroupInfo = Decoded<weft.v1.GroupInfo.$Properties>
export type CreateGroupRequest = Decoded<weft.v1.CreateGroupRequest.$Properties>
export type CreateGroupResponse = Carrying<Decoded<weft.v1.CreateGroupResponse.$Properties>, "group">
export type AddMembersRequest = Decoded<weft.v1.AddMembersRequest.$Properties>
export type AddMembersResponse = Decoded<weft.v1.AddMembersResponse.$Properties>
export type RemoveMemberRequest = Decoded<weft.v1.RemoveMemberRequest.$Properties>
export type LeaveGroupRequest = Decoded<weft.v1.LeaveGroupRequest.$Properties>
export type RenameGroupRequest = Decoded<weft.v1.RenameGroupRequest.$Properties>
export type ListMembersRequest = Decoded<weft.v1.ListMembersRequest.$Properties>
export type ListMembersResponse = Carrying<Decoded<weft.v1.ListMembersResponse.$Properties>, "group">

export type SyncGroupRequest = Decoded<weft.v1.SyncGroupRequest.$Properties>
export type SyncGroupResponse = Decoded<weft.v1.SyncGroupResponse.$Properties>
export type SetGroupSettingsRequest = Decoded<weft.v1.SetGroupSettingsRequest.$Properties>

/** The responses that carry nothing but the base response. */
export type EmptyResponse = Decoded<weft.v1.RemoveMemberResponse.$Properties>

export const GroupCodecs = {
  GroupEvent: typed<weft.v1.GroupEvent.$Properties, GroupEvent>("GroupEvent"),
  GroupInfo: typed<weft.v1.GroupInfo.$Properties>("GroupInfo"),
  CreateGroupRequest: typed<weft.v1.CreateGroupRequest.$Properties>("CreateGroupRequest"),
  CreateGroupResponse: typed<weft.v1.CreateGroupResponse.$Properties, CreateGroupResponse>("CreateGroupResponse"),
  AddMembersRequest: typed<weft.v1.AddMembersRequest.$Properties>("AddMembersRequest"),
  AddMembersResponse: typed<weft.v1.AddMembersResponse.$Properties>("AddMembersResponse"),
  RemoveMemberRequest: typed<weft.v1.RemoveMemberRequest.$Properties>("RemoveMemberRequest"),
  RemoveMemberResponse: typed<weft.v1.RemoveMemberResponse.$Properties>("RemoveMemberResponse"),
  LeaveGroupRequest: typed<weft.v1.LeaveGroupRequest.$Properties>("LeaveGroupRequest"),
  LeaveGroupResponse: typed<weft.v1.LeaveGroupResponse.$Properties>("LeaveGroupResponse"),
  RenameGroupRequest: typed<weft.v1.RenameGroupRequest.$Properties>("RenameGroupRequest"),
  RenameGroupResponse: typed<weft.v1.RenameGroupResponse.$Properties>("RenameGroupResponse"),
  ListMembersRequest: typed<weft.v1.ListMembersRequest.$Properties>("ListMembersRequest"),
  ListMembersResponse: typed<weft.v1.ListMembersResponse.$Properties, ListMembersResponse>("ListMembersResponse"),
  GroupNews: typed<weft.v1.GroupNews.$Properties>("GroupNews"),
  SyncGroupRequest: typed<weft.v1.SyncGroupRequest.$Properties>("SyncGroupRequest"),
  SyncGroupResponse: typed<weft.v1.SyncGroupResponse.$Properties>("SyncGroupResponse"),
  SetGroupSettingsRequest: typed<weft.v1.SetGroupSettingsRequest.$Properties>("SetGroupSettingsRequest"),
  SetGroupSettingsResponse: typed<weft.v1.SetGroupSettingsResponse.$Properties>("SetGroupSettingsResponse")
} as const
