/**
 * How the browser client reaches the gateway: a WebSocket (frames, pushes) or HTTP short
 * connections (POST /cgi-bin/<command>, pushes by long polling). Both answer requests the same
 * way; the client above them does not care which one it has.
 */
import { Command } from "../../protocol/Command.ts"
import { DisconnectedError, WeftRequestError } from "../../client/errors.ts"

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

/** A response with a base response (every weft response has one). */
export interface Answer {
  readonly base?: { readonly code: number; readonly message: string } | null
}

export interface Transport {
  readonly kind: TransportKind
  /** Resolves with the response; rejects with WeftRequestError or DisconnectedError. */
  request<Res extends Answer>(command: CommandSpec, body: object): Promise<Res>
  /** Who is asking, for the short connection (a long connection knows it from its login). */
  authenticate(base: { readonly userId: string; readonly sessionToken: string; readonly deviceId: string }): void
  close(): void
}

// The same error classes as the Node SDK's (served to the browser from dist/client/).
export { DisconnectedError, WeftRequestError }

/** The answer itself, or the status it carries as an error. */
export const checked = <Res extends Answer>(response: Res): Res => {
  const code = response.base?.code ?? 0
  if (code !== 0) throw new WeftRequestError(code, response.base?.message ?? "")
  return response
}
