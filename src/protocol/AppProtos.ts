/**
 * An application's own protobuf messages, for its server features and its clients alike:
 * .proto files loaded with weft's (so they may import "weft/v1/frame.proto" for BaseResponse),
 * and the spec of an application command — what `client.call(spec, request)` sends.
 */
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { type Codec, codecOf, type Decoded, type Init, loadRoot } from "./Proto.ts"

/** An application's .proto files, loaded with weft's (so they may import "weft/v1/frame.proto"). */
export interface Protos {
  readonly files: ReadonlyArray<string>
  /** The codec of a message type by its full name, e.g. "roll.v1.RollRequest". */
  readonly codec: <T, I = T>(fullName: string) => Codec<T, I>
  /**
   * The same, typed from declarations protobufjs-cli generated for the file (docs/framework.md):
   * `typed<roll.v1.RollRequest.$Properties>("roll.v1.RollRequest")`.
   */
  readonly typed: <P>(fullName: string) => Codec<Decoded<P>, Init<P>>
}

/** Loads .proto files (paths or file: URLs); fails at once, naming the problem, if one does not parse. */
export const loadProtos = (files: ReadonlyArray<string | URL>): Protos => {
  const paths = files.map((file) => Path.resolve(file instanceof URL ? fileURLToPath(file) : file))
  const root = loadRoot(paths)
  return {
    files: paths,
    codec: <T, I = T>(fullName: string) => codecOf<T, I>(root.lookupType(fullName)),
    typed: <P>(fullName: string) => codecOf<Decoded<P>, Init<P>>(root.lookupType(fullName))
  }
}

/** What a command of an application declares: its id, its name (the HTTP path) and its types. */
export interface AppCommandSpec<Req, Res> {
  readonly id: number
  /** Lower case, the path of the short connection: POST /cgi-bin/<name>. */
  readonly name: string
  readonly request: Codec<Req>
  /** A message whose field `base` is a weft.v1.BaseResponse: errors travel there over HTTP. */
  readonly response: Codec<Res>
}

