/**
 * The protobuf schema of proto/ (the source of truth) and the typed codecs the rest of weft
 * uses. The schema and the types are generated from proto/ by protobufjs-cli
 * (`npm run generate`, scripts/generate-proto.js): generated/weft.js is the reflection root,
 * generated/weft.d.ts the declarations that src/protocol/Shapes.ts turns into these types.
 * Decoded messages are plain objects: 64-bit integers as numbers, enums as numbers, unset
 * fields as their proto3 defaults (Shapes.ts says which may be absent).
 */
import { createRequire } from "node:module"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import protobuf from "protobufjs"
import type protojsonModule from "protobufjs/ext/protojson.js"
import generatedRoot from "../../generated/weft.js"
import type { GroupEvent } from "./groups.ts"
import type { ReadReceipt } from "./messages.ts"
import { readPlainSendMessage } from "./sendMessageReader.ts"
import type { Carrying, Decoded, Init, Leaving, weft } from "./Shapes.ts"

export type { Carrying, Decoded, Init, Leaving } from "./Shapes.ts"

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
  "weft/v1/notify.proto",
  "weft/v1/idc.proto"
] as const

/**
 * A schema of weft's files and `extra` files (absolute paths), parsed from the .proto text. An
 * import resolves against the importing file's directory, then against proto/: an application's
 * file may import "weft/v1/frame.proto" for BaseResponse and BaseRequest.
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

/** weft's schema, generated from proto/ (no .proto parsing at start-up). Immutable after load. */
export const root: protobuf.Root = generatedRoot
root.resolveAll()

/** protobufjs's ProtoJSON, loaded at the first JSON body (~10 ms of start-up that most processes never need). */
let protojsonLoaded: typeof protojsonModule | undefined
const protojson = (): typeof protojsonModule =>
  protojsonLoaded ??= createRequire(import.meta.url)("protobufjs/ext/protojson.js") as typeof protojsonModule

const conversion: protobuf.IConversionOptions = { longs: Number, enums: Number, defaults: true, oneofs: false }

/** `T`: what decode returns; `I`: what encode takes (by default the same). */
export interface Codec<T, I = T> {
  readonly type: protobuf.Type
  readonly encode: (value: I) => Uint8Array
  /** Throws on bytes that are not a valid encoding of the type. */
  readonly decode: (bytes: Uint8Array) => T
  /** proto3 JSON in; throws, naming the field and what is wrong, on unknown fields or values of the wrong type. */
  readonly fromJson: (json: unknown) => T
  /** proto3 JSON out: 64-bit integers as strings, enums by name, bytes as base64, defaults left out. */
  readonly toJson: (value: I) => unknown
}

/** The codec of a message of weft.v1 by its short name, typed by T (see `typed` for the generated types). */
export const codec = <T, I = T>(name: string): Codec<T, I> => codecOf<T, I>(root.lookupType(`weft.v1.${name}`))

/** The codec of weft.v1's message `name`, typed from its generated `$Properties` P (T: a refinement, see Carrying). */
export const typed = <P, T = Decoded<P>>(name: string): Codec<T, Init<P>> => codec<T, Init<P>>(name)

/**
 * The codec of a message type of any loaded root (an application's own protos: AppProtos.ts).
 * JSON is protobufjs's ProtoJSON (protobufjs/ext/protojson): the proto3 JSON mapping, strict.
 */
export const codecOf = <T, I = T>(type: protobuf.Type): Codec<T, I> => {
  return {
    type,
    encode: (value) => type.encode(type.fromObject(value as object)).finish(),
    decode: (bytes) => type.toObject(type.decode(bytes), conversion) as T,
    fromJson: (json) => {
      let message: protobuf.Message
      try {
        message = protojson().fromJson(type, json)
      } catch (cause) {
        // ".weft.v1.SyncRequest.cursor: invalid integer: \"soon\"": the field's full name, then what is wrong.
        throw new Error(cause instanceof Error ? cause.message.replace(/^\./, "") : String(cause))
      }
      return type.toObject(message, conversion) as T
    },
    toJson: (value) => protojson().toJson(type, type.fromObject(value as object))
  }
}

/** Who is asking: required on the short connection (HTTP), implied by the login on a long one. */
export type BaseRequest = Decoded<weft.v1.BaseRequest.$Properties>
export type BaseResponse = Decoded<weft.v1.BaseResponse.$Properties>
export type ErrorFrame = Decoded<weft.v1.ErrorFrame.$Properties>
export type Device = Decoded<weft.v1.Device.$Properties>
export type RegisterRequest = Decoded<weft.v1.RegisterRequest.$Properties>
export type RegisterResponse = Decoded<weft.v1.RegisterResponse.$Properties>
export type AuthRequest = Decoded<weft.v1.AuthRequest.$Properties>
export type AuthResponse = Decoded<weft.v1.AuthResponse.$Properties>
export type PongResponse = Decoded<weft.v1.PongResponse.$Properties>
export type Message = Leaving<Decoded<weft.v1.Message.$Properties>, "mentions" | "replyTo">
/** One entry of a user's log: exactly one body field is set. */
export type Change = Omit<Decoded<weft.v1.Change.$Properties>, "message" | "read" | "group"> & {
  readonly message?: Message | undefined
  readonly read?: ReadReceipt | undefined
  readonly group?: GroupEvent | undefined
}
export type AppEvent = Decoded<weft.v1.AppEvent.$Properties>
export type SyncRequest = Decoded<weft.v1.SyncRequest.$Properties>
export type PingRequest = Decoded<weft.v1.PingRequest.$Properties>
export type SyncResponse = Decoded<weft.v1.SyncResponse.$Properties>
export type Push = Carrying<Decoded<weft.v1.Push.$Properties>, "change">
export type SendMessageRequest = Decoded<weft.v1.SendMessageRequest.$Properties>
export type SendMessageResponse = Decoded<weft.v1.SendMessageResponse.$Properties>
/** Body of COMMAND_KICKED frames. */
export type Kicked = Decoded<weft.v1.Kicked.$Properties>

/** `codec` decoding with `read` first: its answer when it gives one, else the codec's own. */
const readingFirst = <T, I>(codec: Codec<T, I>, read: (bytes: Uint8Array) => T | undefined): Codec<T, I> => ({
  ...codec,
  decode: (bytes) => read(bytes) ?? codec.decode(bytes)
})

export const Codecs = {
  Kicked: typed<weft.v1.Kicked.$Properties>("Kicked"),
  BaseResponse: typed<weft.v1.BaseResponse.$Properties>("BaseResponse"),
  ErrorFrame: typed<weft.v1.ErrorFrame.$Properties>("ErrorFrame"),
  RegisterRequest: typed<weft.v1.RegisterRequest.$Properties>("RegisterRequest"),
  RegisterResponse: typed<weft.v1.RegisterResponse.$Properties>("RegisterResponse"),
  AuthRequest: typed<weft.v1.AuthRequest.$Properties>("AuthRequest"),
  AuthResponse: typed<weft.v1.AuthResponse.$Properties>("AuthResponse"),
  BaseRequest: typed<weft.v1.BaseRequest.$Properties>("BaseRequest"),
  PingRequest: typed<weft.v1.PingRequest.$Properties>("PingRequest"),
  PongResponse: typed<weft.v1.PongResponse.$Properties>("PongResponse"),
  Message: typed<weft.v1.Message.$Properties, Message>("Message"),
  Change: typed<weft.v1.Change.$Properties, Change>("Change"),
  SyncRequest: typed<weft.v1.SyncRequest.$Properties>("SyncRequest"),
  SyncResponse: typed<weft.v1.SyncResponse.$Properties>("SyncResponse"),
  Push: typed<weft.v1.Push.$Properties, Push>("Push"),
  // Once per message: the plain request read by hand (sendMessageReader.ts).
  SendMessageRequest: readingFirst(typed<weft.v1.SendMessageRequest.$Properties>("SendMessageRequest"), readPlainSendMessage),
  SendMessageResponse: typed<weft.v1.SendMessageResponse.$Properties>("SendMessageResponse")
} as const
