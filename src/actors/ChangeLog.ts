/**
 * The change-log actor: one per user, the single writer of that user's log. It allocates the
 * next sequence number, stores the change, then pushes it to the user's live connections.
 * Every other actor that changes a user's data does it by appending here.
 */
import { Effect, Schema } from "effect"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import protobuf from "protobufjs"
import { type Change, Codecs } from "../protocol/Proto.ts"
import { internal, WeftError } from "../protocol/WeftError.ts"
import { type LogHead, Storage, type StorageError } from "../storage/Storage.ts"
import { Pusher } from "./Pusher.ts"
import { restartPolicy, supervised } from "./Supervision.ts"

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
    dedupeKey: Schema.optional(Schema.String)
  },
  success: Schema.Struct({ seq: Schema.Number, data: Schema.Uint8Array, duplicate: Schema.Boolean }),
  error: WeftError
})

/** Encodes the body of a change to append: `encodeChangeBody({ contact: {...} })`. */
export const encodeChangeBody = (body: Omit<Change, "seq" | "atMs">): Uint8Array =>
  Codecs.Change.encode(body as Change)

/**
 * seq (field 1) and at_ms (field 2) written after an encoded body: a protobuf reader takes the
 * fields of concatenated encodings together (the last value of a field wins), so the body is
 * stored as it came, without a decode and re-encode.
 */
const withSequence = (seq: number, atMs: number, body: Uint8Array): Uint8Array => {
  const tail = protobuf.Writer.create().uint32(1 << 3).uint64(seq).uint32(2 << 3).uint64(atMs).finish()
  const out = new Uint8Array(body.length + tail.length)
  out.set(body, 0)
  out.set(tail, body.length)
  return out
}

export const Sync = Rpc.make("Sync", {
  payload: { cursor: Schema.Number, limit: Schema.Number },
  success: Schema.Struct({
    entries: Schema.Array(Schema.Uint8Array),
    cursor: Schema.Number,
    more: Schema.Boolean,
    epoch: Schema.String
  }),
  error: WeftError
})

export const Head = Rpc.make("Head", {
  success: Schema.Struct({ seq: Schema.Number, epoch: Schema.String }),
  error: WeftError
})

export const ChangeLog = Entity.make("ChangeLog", [Append, Sync, Head])

export interface ChangeLogOptions {
  readonly maxSyncPage: number
  readonly dedupeTtlMs: number
}

const storageFailed = (error: StorageError) => internal(`storage ${error.operation} failed`)

export const layer = (options: ChangeLogOptions) =>
  ChangeLog.toLayer(
    supervised("ChangeLog", Effect.gen(function*() {
      const storage = yield* Storage
      const pusher = yield* Pusher
      const userId = (yield* Entity.CurrentAddress).entityId
      let head: LogHead = yield* storage.logHead(userId).pipe(Effect.orDie)

      const appendOnce = (body: Uint8Array, dedupeKey: string | undefined) =>
        Effect.gen(function*() {
          const seq = head.seq + 1
          const data = withSequence(seq, Date.now(), body)
          const result = yield* storage.logAppend(userId, { seq, data, dedupeKey, dedupeTtlMs: options.dedupeTtlMs })
          if (result._tag === "Appended") {
            head = { seq, epoch: head.epoch }
            yield* pusher.push(userId, result.entry, head.epoch)
          }
          return { seq: result.entry.seq, data: result.entry.data, duplicate: result._tag === "Duplicate" }
        })

      // A conflict means another writer appended (a rebalance in flight): re-read the head
      // and try again; the dedupe key keeps a retried change from being stored twice.
      const append = (body: Uint8Array, dedupeKey: string | undefined) =>
        appendOnce(body, dedupeKey).pipe(
          Effect.tapError((error) =>
            error._tag === "SequenceConflict"
              ? storage.logHead(userId).pipe(Effect.tap((fresh) => Effect.sync(() => (head = fresh))), Effect.ignore)
              : Effect.void
          ),
          Effect.retry({ while: (error) => error._tag === "SequenceConflict", times: 5 }),
          Effect.catchTags({
            SequenceConflict: () => Effect.fail(internal("the log kept changing under a second writer")),
            StorageError: (error) => Effect.fail(storageFailed(error))
          })
        )

      return ChangeLog.of({
        Append: ({ payload }) => append(payload.body, payload.dedupeKey),
        Sync: ({ payload }) =>
          storage.logRead(userId, payload.cursor, Math.min(Math.max(1, payload.limit), options.maxSyncPage)).pipe(
            Effect.map(({ entries, head }) => {
              const cursor = entries.length > 0 ? entries[entries.length - 1]!.seq : payload.cursor
              return { entries: entries.map((entry) => entry.data), cursor, more: cursor < head.seq, epoch: head.epoch }
            }),
            Effect.mapError(storageFailed),
            Rpc.fork
          ),
        Head: () => Effect.succeed({ seq: head.seq, epoch: head.epoch })
      })
    })),
    {
      maxIdleTime: "5 minutes",
      // Supervision: a defect restarts the actor, which rebuilds its head from storage.
      defectRetryPolicy: restartPolicy
    }
  )
