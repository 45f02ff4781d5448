/**
 * The change-log actor: one per user, the single writer of that user's log. It allocates the
 * next sequence number, stores the change, then pushes it to the user's live connections.
 * Every other actor that changes a user's data does it by appending here.
 */
import { Cause, Effect, Exit, Schema } from "effect"
import type { Mutable } from "effect/Types"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { encodeMessageChange, varintLength, writeVarint } from "../protocol/prebuilt.ts"
import type { MessageRecord as StoredMessage } from "../protocol/messages.ts"
import { type Change, Codecs } from "../protocol/Proto.ts"
import { internal, unavailable, WeftError } from "../protocol/WeftError.ts"
import { type AppendResult, type LogHead, plainOf, type SequenceConflict, Storage, type StorageError } from "../storage/Storage.ts"
import * as GroupNews from "./GroupNews.ts"
import { Pusher } from "./Pusher.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity, answersNow } from "./LocalActors.ts"
import { DirectCall } from "./ActorCall.ts"

export const MessageRecord = Schema.Struct({
  messageId: Schema.String,
  from: Schema.String,
  to: Schema.String,
  type: Schema.Number,
  text: Schema.String,
  clientMsgId: Schema.String,
  sentAtMs: Schema.Number
})
export type MessageRecord = typeof MessageRecord.Type

export const Append = Rpc.make("Append", {
  payload: {
    /**
     * The change's body: a weft.v1.Change with only its body field set, encoded
     * (`encodeChangeBody`). The log adds seq and at_ms.
     */
    body: Schema.Uint8Array,
    /** Appending twice with the same key stores the change once. */
    dedupeKey: Schema.optional(Schema.String),
    /** The connection the change comes from, which its push skips (Pusher.push). */
    origin: Schema.optional(Schema.String),
    /** A membership event of a read-diffusion group: follow the group's news, or stop (GroupNews.ts). */
    follow: Schema.optional(GroupNews.Follow)
  },
  success: Schema.Struct({ seq: Schema.Number, data: Schema.Uint8Array, duplicate: Schema.Boolean }),
  error: WeftError
}).annotate(DirectCall, true)

/** Encodes the body of a change to append: `encodeChangeBody({ contact: {...} })`. */
export const encodeChangeBody = (body: Omit<Change, "seq" | "atMs">): Uint8Array =>
  Codecs.Change.encode(body as Change)

/** `encodeChangeBody({ message })`, written by hand for a message without media, mentions or a reply. */
export const encodeMessageBody = (message: StoredMessage): Uint8Array =>
  message.media === null && message.mentions === undefined && message.replyTo === undefined
    ? encodeMessageChange(message)
    : encodeChangeBody({ message })

/**
 * seq (field 1) and at_ms (field 2) written after an encoded body: a protobuf reader takes the
 * fields of concatenated encodings together (the last value of a field wins), so the body is
 * stored as it came, without a decode and re-encode.
 */
export const withSequence = (seq: number, atMs: number, body: Uint8Array): Uint8Array => {
  // Exactly the size it needs, from Node's buffer pool (an entry is small): no zero-filled
  // array of its own and no second view, twice per 1:1 message.
  const out = Buffer.allocUnsafe(body.length + 2 + varintLength(seq) + varintLength(atMs))
  out.set(body, 0)
  let at = body.length
  out[at++] = 1 << 3
  at = writeVarint(out, at, seq)
  out[at++] = 2 << 3
  writeVarint(out, at, atMs)
  return out
}

/** A page of a log: the stored changes after a cursor (also of a group's log, GroupLog.ts). */
export const LogPage = Schema.Struct({
  entries: Schema.Array(Schema.Uint8Array),
  cursor: Schema.Number,
  more: Schema.Boolean,
  epoch: Schema.String
})

export const Sync = Rpc.make("Sync", {
  payload: { cursor: Schema.Number, limit: Schema.Number },
  success: LogPage,
  error: WeftError
}).annotate(DirectCall, true)

export const Head = Rpc.make("Head", {
  success: Schema.Struct({ seq: Schema.Number, epoch: Schema.String }),
  error: WeftError
})

export const ChangeLog = actorEntity(Entity.make("ChangeLog", [Append, Sync, Head]))

export interface ChangeLogOptions {
  readonly maxSyncPage: number
  readonly dedupeTtlMs: number
  /**
   * Retention: a user's log keeps at least its newest `maxEntries` changes and drops older ones
   * (in steps of an eighth, so a trim comes once every maxEntries / 8 appends); 0 keeps them all.
   * A device whose cursor is older than what is kept syncs from the oldest change kept.
   */
  readonly maxEntries: number
}

/** Entries one trim drops at most (one storage call; the rest goes at the next append). */
const TRIM_STEP_MAX = 10_000

/**
 * Where a page read after `cursor` leaves its reader: at its last entry, or — when nothing after
 * the cursor is kept any more (retention dropped it) — past what was dropped, never beyond the
 * head nor `until` (a reader's range in a group log).
 */
export const pageEnd = (
  entries: ReadonlyArray<{ readonly seq: number }>,
  cursor: number,
  head: { readonly seq: number; readonly first: number },
  until = Number.POSITIVE_INFINITY
): number => entries.length > 0 ? entries[entries.length - 1]!.seq : Math.max(cursor, Math.min(until, head.seq, head.first - 1))

/**
 * Retention of one log (a user's, or a read-diffusion group's): `due` after an append when the
 * log holds a step (an eighth) more than it keeps (`appending`: asked before that many more
 * entries are appended); `trim` drops the oldest, and answers the head with its new `first` — or
 * the same head if storage failed (the append stands; the next one tries again).
 */
export const retention = (storage: Storage["Service"], logId: string, maxEntries: number) => {
  const step = Math.max(1, Math.floor(maxEntries / 8))
  return {
    due: (head: LogHead, appending = 0): boolean => maxEntries > 0 && head.seq + appending - head.first + 1 > maxEntries + step,
    trim: (head: LogHead): Effect.Effect<LogHead> =>
      storage.logTrim(logId, head.seq - maxEntries + 1, TRIM_STEP_MAX).pipe(
        Effect.map((first): LogHead => ({ seq: head.seq, epoch: head.epoch, first })),
        Effect.catch((error) => Effect.as(Effect.logWarning(`trimming the log of ${logId} failed; retried at a later append`, error), head))
      )
  }
}

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

export const layer = (options: ChangeLogOptions) =>
  ChangeLog.toLayer(
    supervised("ChangeLog", Effect.gen(function*() {
      const storage = yield* Storage
      const pusher = yield* Pusher
      const userId = (yield* Entity.CurrentAddress).entityId
      // The actor's own copy, moved on in place by every append (no head object per message).
      const head: Mutable<LogHead> = { ...(yield* storage.logHead(userId).pipe(Effect.orDie)) }
      const setHead = (next: LogHead) => {
        head.seq = next.seq
        head.epoch = next.epoch
        head.first = next.first
      }
      const news = yield* GroupNews.make(userId).pipe(Effect.orDie)

      const kept = retention(storage, userId, options.maxEntries)
      const trim = () => Effect.map(kept.trim({ ...head }), setHead)

      /**
       * What the store's answer to the append of `seq` means: a new head and the change pushed
       * (a duplicate changes neither), and what the caller gets.
       */
      const took = (result: AppendResult, seq: number, origin: string | undefined) => {
        if (result._tag === "Appended") {
          head.seq = seq
          pusher.push(userId, result.entry, head.epoch, origin)
        }
        return { seq: result.entry.seq, data: result.entry.data, duplicate: result._tag === "Duplicate" }
      }

      // A conflict means another writer appended (a rebalance in flight): re-read the head
      // and try again; the dedupe key keeps a retried change from being stored twice.
      const append = (body: Uint8Array, dedupeKey: string | undefined, origin: string | undefined, conflicts = 0): Effect.Effect<
        { seq: number; data: Uint8Array; duplicate: boolean },
        WeftError
      > => {
        const seq = head.seq + 1
        const data = withSequence(seq, Date.now(), body)
        // One step after the store's answer, for its success and its failure.
        return Effect.matchEffect(storage.logAppend(userId, { seq, data, dedupeKey, dedupeTtlMs: options.dedupeTtlMs }), {
          onSuccess: (result) => {
            const appended = took(result, seq, origin)
            return result._tag === "Appended" && kept.due(head) ? Effect.as(trim(), appended) : Effect.succeed(appended)
          },
          onFailure: (error) => {
            if (error._tag === "StorageError") return Effect.fail(storageFailed(error))
            if (conflicts >= 5) return Effect.fail(internal("the log kept changing under a second writer"))
            return storage.logHead(userId).pipe(
              Effect.matchEffect({
                onFailure: (error) => Effect.fail(storageFailed(error)),
                onSuccess: (fresh) => {
                  setHead(fresh)
                  return append(body, dedupeKey, origin, conflicts + 1)
                }
              })
            )
          }
        })
      }

      // The store's append as a plain call, when it has one (the memory store's, measured or not).
      const appendNow = plainOf(storage.logAppend)
      /**
       * `append` within the call (answersNow), when nothing has to wait: the store answers at
       * once and no trim is due after it. A store's refusal as stale (a second writer) changes
       * nothing and is left to `append`, which re-reads the head.
       */
      const appendedNow = (body: Uint8Array, dedupeKey: string | undefined, origin: string | undefined) => {
        if (appendNow === undefined) return undefined
        const seq = head.seq + 1
        if (kept.due(head, 1)) return undefined
        const exit = appendNow(userId, { seq, data: withSequence(seq, Date.now(), body), dedupeKey, dedupeTtlMs: options.dedupeTtlMs })
        if (Exit.isSuccess(exit)) return Exit.succeed(took(exit.value, seq, origin))
        if (Cause.hasDies(exit.cause)) return exit
        const error = Cause.squash(exit.cause) as StorageError | SequenceConflict
        return error._tag === "StorageError" ? Exit.fail(storageFailed(error)) : undefined
      }

      const read = (cursor: number, limit: number) =>
        storage.logRead(userId, cursor, Math.min(Math.max(1, limit), options.maxSyncPage)).pipe(
          Effect.map(({ entries, head }) => {
            const last = pageEnd(entries, cursor, head)
            return { entries: news.coalesce(entries.map((entry) => entry.data)), cursor: last, more: last < head.seq, epoch: head.epoch }
          }),
          Effect.mapError(storageFailed)
        )

      return ChangeLog.of({
        // Built when it runs, not when it is called: a call queued behind a busy log then takes
        // the sequence number after the appends before it, instead of one the store refuses as
        // stale (and a head to re-read: two more round trips with Redis).
        Append: answersNow(
          ({ payload }) =>
            payload.follow === undefined
              ? Effect.suspend(() => append(payload.body, payload.dedupeKey, payload.origin))
              : Effect.tap(Effect.suspend(() => append(payload.body, payload.dedupeKey, payload.origin)), () => Effect.mapError(news.follow(payload.follow!), storageFailed)),
          ({ payload }) => payload.follow === undefined ? appendedNow(payload.body, payload.dedupeKey, payload.origin) : undefined
        ),
        // A user in read-diffusion groups gets their news appended first (in turn with appends).
        Sync: ({ payload }) =>
          news.following()
            ? Effect.andThen(
              Effect.mapError(news.mark((body) => append(body, undefined, undefined)), (error) => error._tag === "StorageError" ? storageFailed(error) : error),
              read(payload.cursor, payload.limit)
            )
            : Rpc.fork(read(payload.cursor, payload.limit)),
        Head: () => Effect.succeed({ seq: head.seq, epoch: head.epoch })
      })
    })),
    {
      maxIdleTime: "5 minutes",
      // Supervision: a defect restarts the actor, which rebuilds its head from storage.
      defectRetryPolicy: restartPolicy
    }
  )
