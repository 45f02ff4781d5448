/**
 * Command ids of the frame header (weft.v1.Command) and the protobuf types each carries.
 * A request and its response share the command id.
 */
import { type Codec, Codecs } from "./Proto.ts"

export const Command = {
  ERROR: 1,
  REGISTER: 2,
  AUTH: 3,
  PING: 4,
  SEND_MESSAGE: 5,
  SYNC: 6,
  PUSH: 7
} as const

export type CommandId = typeof Command[keyof typeof Command]

export interface CommandSpec {
  readonly id: CommandId
  /** Lower-case name, also the path of the short connection: POST /cgi-bin/<name>. */
  readonly name: string
  readonly request: Codec<any>
  readonly response: Codec<any>
  /** Whether the command may be sent before login. */
  readonly beforeLogin: boolean
}

export const commands: ReadonlyArray<CommandSpec> = [
  { id: Command.REGISTER, name: "register", request: Codecs.RegisterRequest, response: Codecs.RegisterResponse, beforeLogin: true },
  { id: Command.AUTH, name: "auth", request: Codecs.AuthRequest, response: Codecs.AuthResponse, beforeLogin: true },
  { id: Command.PING, name: "ping", request: Codecs.PingRequest, response: Codecs.PongResponse, beforeLogin: false },
  { id: Command.SEND_MESSAGE, name: "sendmessage", request: Codecs.SendMessageRequest, response: Codecs.SendMessageResponse, beforeLogin: false },
  { id: Command.SYNC, name: "sync", request: Codecs.SyncRequest, response: Codecs.SyncResponse, beforeLogin: false }
]

const byId = new Map<number, CommandSpec>(commands.map((spec) => [spec.id, spec]))

export const commandById = (id: number): CommandSpec | undefined => byId.get(id)
