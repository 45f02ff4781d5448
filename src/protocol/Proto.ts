/**
 * The protobuf schema, loaded from proto/ (the source of truth), and the typed codecs the
 * rest of weft uses. Decoded messages are plain objects: 64-bit integers as numbers,
 * enums as numbers, unset fields as their proto3 defaults.
 */
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import protobuf from "protobufjs"
import type { Media } from "./messages.ts"

export const protoDir = fileURLToPath(new URL("../../proto/", import.meta.url))

export const protoFiles = [
  "weft/v1/frame.proto",
  "weft/v1/device.proto",
  "weft/v1/auth.proto",
  "weft/v1/sync.proto",
  "weft/v1/devices.proto",
  "weft/v1/contacts.proto",
  "weft/v1/profile.proto",
  "weft/v1/groups.proto",
  "weft/v1/moments.proto",
  "weft/v1/logs.proto",
  "weft/v1/media.proto",
  "weft/v1/routes.proto",
  "weft/v1/notify.proto"
] as const

/**
 * A schema of weft's files and `extra` files (absolute paths). An import resolves against the
 * importing file's directory, then against proto/: an application's file may import
 * "weft/v1/frame.proto" for BaseResponse and BaseRequest.
 */
export const loadRoot = (extra: ReadonlyArray<string> = []): protobuf.Root => {
  const root = new protobuf.Root()
  root.resolvePath = (origin, target) => {
    if (Path.isAbsolute(target)) return target
    if (origin !== "" && !target.startsWith("weft/")) return Path.join(Path.dirname(origin), target)
    return Path.join(protoDir, target)
  }
  root.loadSync([...protoFiles, ...extra])
  root.resolveAll()
  return root
}

/** The loaded schema. Immutable after load. */
export const root: protobuf.Root = loadRoot()

const conversion: protobuf.IConversionOptions = { longs: Number, enums: Number, defaults: true, oneofs: false }

export interface Codec<T> {
  readonly type: protobuf.Type
  readonly encode: (value: T) => Uint8Array
  /** Throws on bytes that are not a valid encoding of the type. */
  readonly decode: (bytes: Uint8Array) => T
  /** proto3 JSON in; throws, saying what is wrong, on unknown fields or values of the wrong type. */
  readonly fromJson: (json: unknown) => T
  readonly toJson: (value: T) => unknown
}

const INTEGER = /^-?\d+$/
const intTypes = new Set(["int32", "uint32", "sint32", "fixed32", "sfixed32", "int64", "uint64", "sint64", "fixed64", "sfixed64"])

/** Checks one proto3-JSON value against a field's type; returns what is wrong, or undefined. */
const checkValue = (field: protobuf.Field, value: unknown, path: string): string | undefined => {
  if (value === null) return undefined
  const resolved = field.resolvedType
  if (resolved instanceof protobuf.Type) return checkObject(resolved, value, path)
  if (resolved instanceof protobuf.Enum) {
    return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && value in resolved.values)
      ? undefined
      : `${path} must be one of ${Object.keys(resolved.values).join(", ")}`
  }
  if (field.type === "string") return typeof value === "string" ? undefined : `${path} must be a string`
  if (field.type === "bool") return typeof value === "boolean" ? undefined : `${path} must be true or false`
  if (field.type === "bytes") return typeof value === "string" ? undefined : `${path} must be base64 text`
  if (intTypes.has(field.type)) {
    const ok = (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && INTEGER.test(value))
    if (!ok) return `${path} must be an integer`
    if (field.type.startsWith("u") || field.type.startsWith("fixed")) {
      if (Number(value) < 0) return `${path} must not be negative`
    }
    return undefined
  }
  return typeof value === "number" ? undefined : `${path} must be a number`
}

/** Rejects unknown fields and values of the wrong type, which protobufjs would coerce or drop. */
const checkObject = (type: protobuf.Type, json: unknown, path: string): string | undefined => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return `${path || "the body"} must be a JSON object`
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key] ?? type.fieldsArray.find((f) => f.options?.["json_name"] === key || f.name === key)
    const where = path === "" ? key : `${path}.${key}`
    if (field === undefined) return `unknown field ${where} (${type.name} has ${type.fieldsArray.map((f) => f.name).join(", ")})`
    if (field.repeated) {
      if (!Array.isArray(value)) return `${where} must be a list`
      for (let i = 0; i < value.length; i++) {
        const problem = checkValue(field, value[i], `${where}[${i}]`)
        if (problem !== undefined) return problem
      }
      continue
    }
    if (field.map) {
      if (typeof value !== "object" || value === null) return `${where} must be an object`
      continue
    }
    const problem = checkValue(field, value, where)
    if (problem !== undefined) return problem
  }
  return undefined
}

export const codec = <T>(name: string): Codec<T> => codecOf<T>(root.lookupType(`weft.v1.${name}`))

/** The codec of a message type of any loaded root (an application's own protos: server/Protos.ts). */
export const codecOf = <T>(type: protobuf.Type): Codec<T> => {
  return {
    type,
    encode: (value) => type.encode(type.fromObject(value as object)).finish(),
    decode: (bytes) => type.toObject(type.decode(bytes), conversion) as T,
    fromJson: (json) => {
      const problem = checkObject(type, json, "")
      if (problem !== undefined) throw new Error(problem)
      return type.toObject(type.fromObject(json as object), conversion) as T
    },
    toJson: (value) => type.toObject(type.fromObject(value as object), { longs: String, enums: String, defaults: false })
  }
}

/** Who is asking: required on the short connection (HTTP), implied by the login on a long one. */
export interface BaseRequest {
  readonly userId: string
  readonly sessionToken: string
  readonly deviceId: string
}

export interface BaseResponse {
  readonly code: number
  readonly message: string
}

export interface ErrorFrame {
  readonly code: number
  readonly message: string
  readonly command: number
}

export interface Device {
  readonly deviceId: string
  readonly platform: number
  readonly name: string
}

export interface RegisterRequest {
  readonly userId: string
  readonly password: string
  readonly displayName: string
}

export interface RegisterResponse {
  readonly base: BaseResponse
}

export interface AuthRequest {
  readonly userId: string
  readonly password?: string | undefined
  readonly resumeToken?: string | undefined
  /** A JWT the app's server signed (see auth.proto). */
  readonly appToken?: string | undefined
  readonly device?: Device | null | undefined
  /** Set: answer with the first page of the log after it (AuthResponse.sync). */
  readonly syncCursor?: number | null | undefined
  readonly syncLimit?: number | undefined
  readonly routeListVersion?: number | undefined
  readonly replacesConnectionId?: number | undefined
}

export interface AuthResponse {
  readonly base: BaseResponse
  readonly sessionToken: string
  readonly heartbeatMinSeconds: number
  readonly heartbeatMaxSeconds: number
  readonly currentSeq: number
  readonly epoch: string
  readonly serverTimeMs: number
  /** The first page after AuthRequest.sync_cursor, when it was set. */
  readonly sync?: SyncResponse | null | undefined
  /** The route list, when AuthRequest.route_list_version was not the current one. */
  readonly endpoints?: ReadonlyArray<{ readonly address: string; readonly port: number; readonly transport: number; readonly weight: number }> | undefined
  readonly routeListVersion?: number | undefined
  readonly connectionId?: number | undefined
  /** Whose session this is (an app token names its user). */
  readonly userId?: string | undefined
}

export interface PongResponse {
  readonly base: BaseResponse
  readonly serverTimeMs: number
}

export interface Message {
  readonly messageId: string
  readonly from: string
  /** The recipient of a 1:1 message; empty for a group message. */
  readonly to: string
  /** weft.v1.MessageType (MessageType in protocol/messages.ts). */
  readonly type: number
  readonly text: string
  readonly clientMsgId: string
  readonly sentAtMs: number
  /** The group of a group message; empty (or absent) for a 1:1 message. */
  readonly groupId?: string | undefined
  /** The media of an IMAGE, VOICE, VIDEO or FILE message. */
  readonly media?: Media | null | undefined
  /** Group messages: the members mentioned. */
  readonly mentions?: ReadonlyArray<string> | undefined
  /** Group messages: the message_id answered. */
  readonly replyTo?: string | undefined
}

/**
 * One entry of a user's log. Exactly one body field is set; feature modules give the other
 * fields their types (e.g. `contact` in gateway/commands/contacts.ts).
 */
export interface Change {
  readonly seq: number
  readonly atMs: number
  readonly message?: Message | null | undefined
  readonly recalled?: any
  readonly read?: any
  readonly device?: any
  readonly contact?: any
  readonly profile?: any
  readonly group?: any
  /** A read-diffusion group's log has news (protocol/groups.ts GroupNews). */
  readonly groupNews?: { readonly groupId: string; readonly seq: number } | null | undefined
  readonly moment?: any
  readonly mediaReady?: any
  /** An application's own event (server/UserLog.ts). */
  readonly app?: AppEvent | null | undefined
}

export interface AppEvent {
  readonly type: string
  readonly payload: Uint8Array
  readonly from: string
}

export interface SyncRequest {
  readonly cursor: number
  readonly limit: number
  readonly base?: BaseRequest | null | undefined
}

export interface PingRequest {
  readonly base?: BaseRequest | null | undefined
}

export interface SyncResponse {
  readonly base: BaseResponse
  readonly changes: ReadonlyArray<Change>
  readonly cursor: number
  readonly more: boolean
  readonly epoch: string
}

export interface Push {
  readonly change: Change
  readonly epoch: string
  /** Set when the change is an entry of this read-diffusion group's log (its seq is the group's). */
  readonly groupId?: string | undefined
}

export interface SendMessageRequest {
  /** The recipient of a 1:1 message; exactly one of `to` and `groupId`. */
  readonly to: string
  readonly type: number
  readonly text: string
  readonly clientMsgId: string
  /** The group of a group message. */
  readonly groupId?: string | undefined
  /** Required for IMAGE, VOICE, VIDEO and FILE messages. */
  readonly media?: Media | null | undefined
  /** The client applies its own message from the acknowledgement: no push of it to this connection. */
  readonly noEcho?: boolean | undefined
  /** Group messages: members mentioned. */
  readonly mentions?: ReadonlyArray<string> | undefined
  /** Group messages: the message_id answered. */
  readonly replyTo?: string | undefined
  readonly base?: BaseRequest | null | undefined
}

export interface SendMessageResponse {
  readonly base: BaseResponse
  readonly messageId: string
  readonly seq: number
  readonly sentAtMs: number
  readonly duplicate: boolean
  /** The text as stored, when a hook rewrote the request's. */
  readonly text?: string | null | undefined
  /** A read-diffusion group: the message's sequence in the group's log (seq is then 0). */
  readonly groupSeq?: number | undefined
}

/** Body of COMMAND_KICKED frames. */
export interface Kicked {
  readonly code: number
  readonly reason: string
}

export const Codecs = {
  Kicked: codec<Kicked>("Kicked"),
  BaseResponse: codec<BaseResponse>("BaseResponse"),
  ErrorFrame: codec<ErrorFrame>("ErrorFrame"),
  RegisterRequest: codec<RegisterRequest>("RegisterRequest"),
  RegisterResponse: codec<RegisterResponse>("RegisterResponse"),
  AuthRequest: codec<AuthRequest>("AuthRequest"),
  AuthResponse: codec<AuthResponse>("AuthResponse"),
  BaseRequest: codec<BaseRequest>("BaseRequest"),
  PingRequest: codec<PingRequest>("PingRequest"),
  PongResponse: codec<PongResponse>("PongResponse"),
  Message: codec<Message>("Message"),
  Change: codec<Change>("Change"),
  SyncRequest: codec<SyncRequest>("SyncRequest"),
  SyncResponse: codec<SyncResponse>("SyncResponse"),
  Push: codec<Push>("Push"),
  SendMessageRequest: codec<SendMessageRequest>("SendMessageRequest"),
  SendMessageResponse: codec<SendMessageResponse>("SendMessageResponse")
} as const
