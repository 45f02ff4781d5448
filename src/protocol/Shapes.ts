/**
 * The TypeScript forms of proto/'s messages, derived from the declarations protobufjs-cli
 * generates (generated/weft.d.ts, `npm run generate`): nothing here names a field, so a field
 * added to a .proto is in the types after the next generation.
 *
 * `Decoded<P>` is what a codec's decode returns (protobufjs toObject with defaults, 64-bit
 * integers and enums as numbers): every scalar, repeated and map field present; a message
 * field null when unset (typed optional too, so that code building a message may leave it out);
 * oneof members and proto3 `optional` fields absent when unset. `Init<P>` is what encode takes:
 * any subset of the fields. `Carrying<T, K>` marks message fields the server always sets;
 * `Leaving<T, K>` fields added later that code building the message may still leave out.
 * `P` is a generated `$Properties` interface, e.g. `Decoded<weft.v1.Message.$Properties>`.
 */
import type { weft } from "../../generated/weft.js"

/** The generated declarations: `weft.v1.Message.$Properties` and so on. */
export type { weft }

type Scalar = string | number | boolean | Uint8Array

/** A field that is always there: a scalar, a repeated field or a map. */
type IsValueField<V> = V extends Scalar | ReadonlyArray<unknown> ? true : string extends keyof V ? true : false

/** A field's value, its messages mapped by Decoded or Init; enums and 64-bit integers are numbers. */
type Value<V, Form extends "decoded" | "init"> = V extends ReadonlyArray<infer E> ? ReadonlyArray<Value<E, Form>>
  : V extends Uint8Array ? Uint8Array
  : V extends number ? number
  : V extends string | boolean ? V
  : string extends keyof V ? { readonly [key: string]: Value<V[keyof V & string], Form> }
  : Form extends "decoded" ? Decoded<V>
  : Init<V>

type DecodedValue<V> = Value<V, "decoded">

/** The name of a oneof (`body?: "message" | "read" | …`): protobufjs does not set it (oneofs: false). */
type IsOneofName<V> = [V] extends [string] ? (string extends V ? false : true) : false

/** Fields with presence (oneof members, `optional`) are the ones the generated types make nullable. */
type HasPresence<V> = null extends V ? true : false

type Kept<P, K extends keyof P> = K extends "$unknowns" ? false : IsOneofName<NonNullable<P[K]>> extends true ? false : true

export type Decoded<P> =
  & {
    readonly [K in keyof P as Kept<P, K> extends false ? never : HasPresence<P[K]> extends true ? never
      : IsValueField<NonNullable<P[K]>> extends true ? K
      : never]-?: DecodedValue<NonNullable<P[K]>>
  }
  & {
    readonly [K in keyof P as Kept<P, K> extends false ? never : HasPresence<P[K]> extends true ? never
      : IsValueField<NonNullable<P[K]>> extends true ? never
      : K]?: DecodedValue<NonNullable<P[K]>> | null | undefined
  }
  & {
    readonly [K in keyof P as Kept<P, K> extends false ? never : HasPresence<P[K]> extends true ? K : never]?:
      | DecodedValue<NonNullable<P[K]>>
      | undefined
  }

/**
 * `T` whose message fields `K` are always set: proto3 can't say so, the server's answers do
 * (a push carries its change, a created group's answer the group).
 */
export type Carrying<T, K extends keyof T> = Omit<T, K> & { readonly [F in K]-?: NonNullable<T[F]> }

/**
 * `T` whose fields `K` may be left out (they then decode as their defaults): fields added to a
 * message after the code that builds it, so that it can take them one place at a time.
 */
export type Leaving<T, K extends keyof T> = Omit<T, K> & { readonly [F in K]?: T[F] | undefined }

export type Init<P> = {
  readonly [K in keyof P as K extends "$unknowns" ? never : K]?: Value<NonNullable<P[K]>, "init"> | null | undefined
}
