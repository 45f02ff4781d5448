/**
 * The storage service: key-value with expiry, counters, and one append-only change log per
 * user. Narrow on purpose, so that a Redis (or Redis Cluster) implementation fits behind it:
 * every key of one user is built with `userKey`, which carries the hash tag `{userId}`.
 *
 * The log is written by one actor per user (the single writer), which allocates sequence
 * numbers itself. Storage still refuses a sequence that is not exactly head + 1 — fencing,
 * so a brief double ownership during a rebalance cannot corrupt a log.
 */
import { Context, type Effect, type Exit, Schema } from "effect"

export interface LogEntry {
  readonly seq: number
  readonly data: Uint8Array
}

export interface LogHead {
  /** The highest sequence in the log; 0 for an empty log. */
  readonly seq: number
  /** Identifies this incarnation of the log; a new epoch means earlier history is gone. */
  readonly epoch: string
  /**
   * The oldest sequence the log still holds (1 until it is trimmed; head + 1 when trimmed to
   * nothing). Entries before it were dropped by `logTrim`; the sequence numbers go on.
   */
  readonly first: number
}

export interface AppendRequest {
  readonly seq: number
  readonly data: Uint8Array
  /** If an entry with this key was appended before (and has not expired), nothing is written. */
  readonly dedupeKey?: string | undefined
  readonly dedupeTtlMs?: number | undefined
}

export type AppendResult =
  | { readonly _tag: "Appended"; readonly entry: LogEntry }
  | { readonly _tag: "Duplicate"; readonly entry: LogEntry }

export interface LogPage {
  readonly entries: ReadonlyArray<LogEntry>
  readonly head: LogHead
}

export interface SetOptions {
  readonly ttlMs?: number | undefined
  /** Write only if the key does not exist; the result says whether it was written. */
  readonly onlyIfAbsent?: boolean | undefined
}

export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {}

/** The appended sequence was not head + 1: another writer got there first. */
export class SequenceConflict extends Schema.TaggedError<SequenceConflict>()("SequenceConflict", {
  userId: Schema.String,
  seq: Schema.Number,
  head: Schema.Number
}) {}

export class Storage extends Context.Service<Storage, {
  readonly get: (key: string) => Effect.Effect<Uint8Array | undefined, StorageError>
  readonly set: (key: string, value: Uint8Array, options?: SetOptions) => Effect.Effect<boolean, StorageError>
  readonly remove: (key: string) => Effect.Effect<void, StorageError>
  readonly increment: (key: string, by: number, ttlMs?: number) => Effect.Effect<number, StorageError>
  /** The log's head; creates the log (and its epoch) if it does not exist yet. */
  readonly logHead: (userId: string) => Effect.Effect<LogHead, StorageError>
  readonly logAppend: (
    userId: string,
    request: AppendRequest
  ) => Effect.Effect<AppendResult, StorageError | SequenceConflict>
  /**
   * The entry appended under `dedupeKey`, if the key has not expired: whether a log already holds
   * a change, without writing (a group converting to its own log asks the sender's log, Groups.ts).
   */
  readonly logDeduped: (userId: string, dedupeKey: string) => Effect.Effect<LogEntry | undefined, StorageError>
  /** Entries with seq > afterSeq (and at least the head's `first`), oldest first, at most `limit`. */
  readonly logRead: (userId: string, afterSeq: number, limit: number) => Effect.Effect<LogPage, StorageError>
  /**
   * Drops the entries before `beforeSeq` (retention: a log keeps its newest changes), at most
   * `maxEntries` of them per call; returns the log's `first` afterwards. The epoch stays: the
   * sequence numbers go on, and a reader after a dropped range gets what is left after it.
   */
  readonly logTrim: (userId: string, beforeSeq: number, maxEntries: number) => Effect.Effect<number, StorageError>
  /**
   * Maps (a Redis hash): fields of one key written independently, so several writers may share
   * a map as long as each field has one writer (e.g. a user's contacts, one field per contact).
   */
  readonly mapGet: (key: string, field: string) => Effect.Effect<Uint8Array | undefined, StorageError>
  readonly mapSet: (key: string, field: string, value: Uint8Array) => Effect.Effect<void, StorageError>
  readonly mapRemove: (key: string, field: string) => Effect.Effect<void, StorageError>
  /** Every field of the map with its value, in no particular order; empty for a missing key. */
  readonly mapEntries: (key: string) => Effect.Effect<ReadonlyArray<readonly [string, Uint8Array]>, StorageError>
}>()("weft/storage/Storage") {}

const PLAIN = Symbol.for("weft/storage/completesNow")

type Operation = (...args: ReadonlyArray<any>) => Effect.Effect<any, any>
type PlainOf<F extends Operation> = (...args: Parameters<F>) => Exit.Exit<Effect.Success<ReturnType<F>>, Effect.Error<ReturnType<F>>>

/**
 * Marks an operation of a store that completes in the calling step (the memory store's) with its
 * form as a plain function returning the outcome, which what wraps the store (instrumented.ts)
 * may run inside a step of its own instead of adding one. The mark is on the function itself: a
 * wrapper that replaces the operation drops it, so the plain form never skips the wrapper's code.
 */
export const completesNow = <F extends Operation>(operation: F, plain: PlainOf<F>): F =>
  Object.assign(operation, { [PLAIN]: plain })

/** The plain form of an operation marked by `completesNow`, if it is. */
export const plainOf = <F extends Operation>(operation: F): PlainOf<F> | undefined =>
  (operation as unknown as { [PLAIN]?: PlainOf<F> })[PLAIN]

/** A key of one user's data: the `{userId}` hash tag keeps all of them in one Redis Cluster slot. */
export const userKey = (userId: string, ...parts: ReadonlyArray<string>): string => `{${userId}}:${parts.join(":")}`

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value))
export const decodeJson = <A>(bytes: Uint8Array): A => JSON.parse(decoder.decode(bytes)) as A
