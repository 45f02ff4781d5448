/** The messages of the groups feature (proto/weft/v1/groups.proto) and the form of group ids. */
import { randomBytes } from "node:crypto"
import { type BaseRequest, type BaseResponse, type Change, codec } from "./Proto.ts"

export { GroupEventKind, startsReading } from "./groupEvents.ts"

/** weft.v1.GroupSettings: 0 and false mean the server's defaults. */
export interface GroupSettings {
  readonly readDiffusionThreshold: number
  readonly historyVisible: boolean
}

/** weft.v1.GroupNews (Change.group_news). */
export interface GroupNews {
  readonly groupId: string
  readonly seq: number
}

/**
 * "g:" and 128 random bits in base64url: unguessable, a valid entity id, and never a user id
 * (":" is not in a user id's alphabet), so a conversation id names a user or a group unambiguously.
 */
export const GROUP_ID_PATTERN = /^g:[A-Za-z0-9_-]{22}$/

export const isGroupId = (id: string): boolean => GROUP_ID_PATTERN.test(id)

export const newGroupId = (): string => `g:${randomBytes(16).toString("base64url")}`

export const MAX_GROUP_NAME_LENGTH = 64

/** weft.v1.Change.group. */
export interface GroupEvent {
  readonly kind: number
  readonly groupId: string
  readonly actor: string
  readonly userIds: ReadonlyArray<string>
  readonly name: string
  readonly owner: string
  readonly memberCount: number
  readonly readDiffusion?: boolean | undefined
  readonly logSeq?: number | undefined
  readonly settings?: GroupSettings | null | undefined
}

export interface GroupMember {
  readonly userId: string
  readonly joinedAtMs: number
}

export interface GroupInfo {
  readonly groupId: string
  readonly name: string
  readonly owner: string
  readonly members: ReadonlyArray<GroupMember>
  readonly createdAtMs: number
  readonly settings?: GroupSettings | null | undefined
  readonly readDiffusion?: boolean | undefined
  readonly logSeq?: number | undefined
}

export interface CreateGroupRequest {
  readonly name: string
  readonly members: ReadonlyArray<string>
  readonly settings?: GroupSettings | null | undefined
  readonly base?: BaseRequest | null | undefined
}

export interface CreateGroupResponse {
  readonly base: BaseResponse
  readonly group: GroupInfo
}

export interface AddMembersRequest {
  readonly groupId: string
  readonly userIds: ReadonlyArray<string>
  readonly base?: BaseRequest | null | undefined
}

export interface AddMembersResponse {
  readonly base: BaseResponse
  readonly added: ReadonlyArray<string>
  readonly memberCount: number
}

export interface RemoveMemberRequest {
  readonly groupId: string
  readonly userId: string
  readonly base?: BaseRequest | null | undefined
}

export interface LeaveGroupRequest {
  readonly groupId: string
  readonly base?: BaseRequest | null | undefined
}

export interface RenameGroupRequest {
  readonly groupId: string
  readonly name: string
  readonly base?: BaseRequest | null | undefined
}

export interface ListMembersRequest {
  readonly groupId: string
  readonly base?: BaseRequest | null | undefined
}

export interface ListMembersResponse {
  readonly base: BaseResponse
  readonly group: GroupInfo
}

export interface SyncGroupRequest {
  readonly groupId: string
  readonly cursor: number
  readonly limit: number
  readonly base?: BaseRequest | null | undefined
}

/** `changes` as decoded Changes (the server writes them as stored, see prebuilt.ts). */
export interface SyncGroupResponse {
  readonly base: BaseResponse
  readonly changes: ReadonlyArray<Change>
  readonly cursor: number
  readonly more: boolean
  readonly epoch: string
}

export interface SetGroupSettingsRequest {
  readonly groupId: string
  readonly settings: GroupSettings
  readonly base?: BaseRequest | null | undefined
}

/** The responses that carry nothing but the base response. */
export interface EmptyResponse {
  readonly base: BaseResponse
}

export const GroupCodecs = {
  GroupEvent: codec<GroupEvent>("GroupEvent"),
  GroupInfo: codec<GroupInfo>("GroupInfo"),
  CreateGroupRequest: codec<CreateGroupRequest>("CreateGroupRequest"),
  CreateGroupResponse: codec<CreateGroupResponse>("CreateGroupResponse"),
  AddMembersRequest: codec<AddMembersRequest>("AddMembersRequest"),
  AddMembersResponse: codec<AddMembersResponse>("AddMembersResponse"),
  RemoveMemberRequest: codec<RemoveMemberRequest>("RemoveMemberRequest"),
  RemoveMemberResponse: codec<EmptyResponse>("RemoveMemberResponse"),
  LeaveGroupRequest: codec<LeaveGroupRequest>("LeaveGroupRequest"),
  LeaveGroupResponse: codec<EmptyResponse>("LeaveGroupResponse"),
  RenameGroupRequest: codec<RenameGroupRequest>("RenameGroupRequest"),
  RenameGroupResponse: codec<EmptyResponse>("RenameGroupResponse"),
  ListMembersRequest: codec<ListMembersRequest>("ListMembersRequest"),
  ListMembersResponse: codec<ListMembersResponse>("ListMembersResponse"),
  GroupNews: codec<GroupNews>("GroupNews"),
  SyncGroupRequest: codec<SyncGroupRequest>("SyncGroupRequest"),
  SyncGroupResponse: codec<SyncGroupResponse>("SyncGroupResponse"),
  SetGroupSettingsRequest: codec<SetGroupSettingsRequest>("SetGroupSettingsRequest"),
  SetGroupSettingsResponse: codec<EmptyResponse>("SetGroupSettingsResponse")
} as const
