/**
 * How the browser client reaches the gateway: a WebSocket (frames, pushes) or HTTP short
 * connections (POST /cgi-bin/<command>, pushes by long polling). Both are links of the client
 * core (client/core/Wire.ts): the session above them does not care which one it has.
 */
import { Command } from "../../protocol/Command.ts"
import { DisconnectedError, WeftRequestError } from "../../client/errors.ts"
import type { Answer, Exchange, SessionLink } from "../../client/core/Wire.ts"
import type { Schema } from "./Schema.ts"

export type { Answer }

/** A command as the browser sends it: its frame id, its short-connection name, its types. */
export interface CommandSpec {
  readonly id: number
  readonly name: string
  readonly request: string
  readonly response: string
}

const spec = (id: number, name: string, request: string, response: string): CommandSpec => ({ id, name, request, response })

export const Commands = {
  register: spec(Command.REGISTER, "register", "RegisterRequest", "RegisterResponse"),
  auth: spec(Command.AUTH, "auth", "AuthRequest", "AuthResponse"),
  ping: spec(Command.PING, "ping", "PingRequest", "PongResponse"),
  sendMessage: spec(Command.SEND_MESSAGE, "sendmessage", "SendMessageRequest", "SendMessageResponse"),
  sync: spec(Command.SYNC, "sync", "SyncRequest", "SyncResponse"),
  poll: spec(Command.POLL, "poll", "PollRequest", "SyncResponse"),
  syncGroup: spec(Command.SYNC_GROUP, "syncgroup", "SyncGroupRequest", "SyncGroupResponse"),
  logout: spec(Command.LOGOUT, "logout", "LogoutRequest", "LogoutResponse")
} as const

export type TransportKind = "ws" | "http"

/** A link of the browser client: a WebSocket or HTTP short connections. */
export interface Transport extends SessionLink {
  readonly transport: TransportKind
}

/** A command spec with the schema's codecs for its types. */
export const exchangeOf = <Res>(schema: Schema, command: CommandSpec): Exchange<object, Res> => ({
  id: command.id,
  name: command.name,
  request: schema.codec<object>(command.request),
  response: schema.codec<Res>(command.response)
})

// The same error classes as the Node SDK's (served to the browser from dist/client/).
export { DisconnectedError, WeftRequestError }
