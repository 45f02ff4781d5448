/**
 * weft's protobuf schema in a browser: protobufjs's browser build (the global `protobuf`, served
 * by the gateway at /web/protobuf.min.js) reading the schema the gateway serves as JSON at
 * /web/schema.json — the same proto/ files the server loads, so both ends agree.
 */
import type protobufjs from "protobufjs"

type Protobuf = typeof protobufjs

export interface WireCodec<T> {
  readonly encode: (value: T) => Uint8Array
  /** Throws on bytes that are not a valid encoding of the type. */
  readonly decode: (bytes: Uint8Array) => T
}

// The server's conversion: 64-bit integers as numbers, enums as numbers, unset fields as defaults.
const conversion = { longs: Number, enums: Number, defaults: true, oneofs: false }

export class Schema {
  private readonly codecs = new Map<string, WireCodec<any>>()

  private constructor(private readonly root: protobufjs.Root) {}

  /** The schema from a descriptor (`root.toJSON()`); `protobuf` defaults to the global one. */
  static fromJson(json: protobufjs.INamespace, protobuf: Protobuf | undefined = globalProtobuf()): Schema {
    if (protobuf === undefined) throw new Error("protobufjs is not loaded: add <script src=\"/web/protobuf.min.js\">")
    return new Schema(protobuf.Root.fromJSON(json))
  }

  /** Fetches the schema a gateway serves; `server` is its HTTP origin, e.g. "http://127.0.0.1:9380". */
  static async load(server: string, protobuf?: Protobuf): Promise<Schema> {
    const response = await fetch(`${server}/web/schema.json`)
    if (!response.ok) throw new Error(`cannot load the schema from ${server}: HTTP ${response.status}`)
    return Schema.fromJson(await response.json(), protobuf)
  }

  /** Whether the server's schema has this message type (features a server may not have yet). */
  has(name: string): boolean {
    return this.root.lookup(`weft.v1.${name}`) !== null
  }

  codec<T>(name: string): WireCodec<T> {
    let codec = this.codecs.get(name)
    if (codec === undefined) {
      // A full name ("roll.v1.RollRequest") for an application's own types; weft's by their short name.
      const type = this.root.lookupType(name.includes(".") ? name : `weft.v1.${name}`)
      codec = {
        encode: (value: T) => type.encode(type.fromObject(value as object)).finish(),
        decode: (bytes: Uint8Array) => type.toObject(type.decode(bytes), conversion) as T
      }
      this.codecs.set(name, codec)
    }
    return codec
  }
}

const globalProtobuf = (): Protobuf | undefined => (globalThis as { protobuf?: Protobuf }).protobuf
