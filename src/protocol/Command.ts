/**
 * Command ids of the frame header (weft.v1.Command in proto/weft/v1/frame.proto). A request and
 * its response share the command id. Which protobuf types a command carries is declared with
 * its handler (gateway/commands/), as a CommandSpec.
 */
import type { Codec } from "./Proto.ts"

export const Command = {
  ERROR: 1,
  REGISTER: 2,
  AUTH: 3,
  PING: 4,
  SEND_MESSAGE: 5,
  SYNC: 6,
  PUSH: 7,
  LOGOUT: 8,
  KICKED: 9,
  LIST_DEVICES: 10,
  POLL: 11,
  REGISTER_PUSH: 12,
  UNREGISTER_PUSH: 13,
  CHANGE_PASSWORD: 14,
  FRIEND_REQUEST: 20,
  FRIEND_RESPOND: 21,
  LIST_CONTACTS: 22,
  REMOVE_CONTACT: 23,
  GET_PROFILE: 30,
  SET_PROFILE: 31,
  SET_AVATAR: 32,
  CREATE_GROUP: 40,
  ADD_MEMBERS: 41,
  REMOVE_MEMBER: 42,
  LEAVE_GROUP: 43,
  RENAME_GROUP: 44,
  LIST_MEMBERS: 45,
  SYNC_GROUP: 46,
  SET_GROUP_SETTINGS: 47,
  RECALL_MESSAGE: 50,
  MARK_READ: 51,
  UNREAD_COUNTS: 52,
  POST_MOMENT: 60,
  LIST_FEED: 61,
  COMMENT_MOMENT: 62,
  LIKE_MOMENT: 63,
  UPLOAD_LOG: 70,
  UPLOAD_INIT: 80,
  UPLOAD_CHUNK: 81,
  UPLOAD_COMPLETE: 82,
  MEDIA_INFO: 83,
  ROUTE_LIST: 90,
  REPORT_CONNECT_TIMES: 91
} as const

export type CommandId = typeof Command[keyof typeof Command]

export interface CommandSpec<Req = any, Res = any> {
  readonly id: CommandId
  /** Lower-case name, also the path of the short connection: POST /cgi-bin/<name>. */
  readonly name: string
  readonly request: Codec<Req>
  readonly response: Codec<Res>
}
