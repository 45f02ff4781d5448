/**
 * The log of a read-diffusion group (docs/groups.md): the group's messages and membership events
 * under a sequence of the group's own, stored once however many members the group has. The
 * Group actor is its single writer; storage still fences the sequence (a second writer during a
 * rebalance gets a conflict, re-reads the head and tries again; dedupe keys keep a retry from
 * storing a change twice). Each new entry is pushed to the members online, one frame for all.
 *
 * Who may read what is decided here too: a member from the point they joined (or from the start
 * when the group shows its history), a former member up to the event of their leaving.
 */
import { Effect } from "effect"
import { internal, notAMember, unavailable, type WeftError } from "../protocol/WeftError.ts"
import {
  decodeJson,
  encodeJson,
  type LogEntry,
  type LogHead,
  type StorageError,
  Storage,
  userKey
} from "../storage/Storage.ts"
import { pageEnd, retention, withSequence } from "./ChangeLog.ts"
import { Pusher } from "./Pusher.ts"

/** What a former member may still read: (fromSeq, untilSeq]. */
export interface Departure {
  readonly fromSeq: number
  readonly untilSeq: number
}

export interface GroupPage {
  readonly entries: ReadonlyArray<Uint8Array>
  readonly cursor: number
  readonly more: boolean
  readonly epoch: string
}

/** Former members of the group and what they may still read: one field per user. */
export const departuresKey = (groupId: string) => userKey(groupId, "group-departed")

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

/** Tries before an append gives up on a log that keeps changing under another writer. */
const MAX_CONFLICTS = 5

export const make = Effect.fnUntraced(function*(groupId: string, options: {
  readonly dedupeTtlMs: number
  /** Retention: the newest entries the group's log keeps (0: all), as a user's log (ChangeLog.ts). */
  readonly maxEntries: number
  readonly maxPage: number
  /** The members a new entry is pushed to (those online get it). */
  readonly audience: () => ReadonlyArray<string>
}) {
  const storage = yield* Storage
  const pusher = yield* Pusher
  let head: LogHead = yield* storage.logHead(groupId).pipe(Effect.orDie)
  const kept = retention(storage, groupId, options.maxEntries)

  const append = Effect.fnUntraced(function*(body: Uint8Array, dedupeKey: string, origin?: string) {
    for (let attempt = 0; attempt <= MAX_CONFLICTS; attempt++) {
      const seq = head.seq + 1
      const result = yield* storage.logAppend(groupId, {
        seq,
        data: withSequence(seq, Date.now(), body),
        dedupeKey,
        dedupeTtlMs: options.dedupeTtlMs
      }).pipe(
        Effect.catchTag("SequenceConflict", () => Effect.succeed(undefined)),
        Effect.mapError(storageFailed)
      )
      if (result === undefined) {
        head = yield* storage.logHead(groupId).pipe(Effect.mapError(storageFailed))
        continue
      }
      if (result._tag === "Appended") {
        head = { seq, epoch: head.epoch, first: head.first }
        yield* pusher.pushGroup(groupId, options.audience(), result.entry, origin)
        if (kept.due(head)) head = yield* kept.trim(head)
      }
      return { seq: result.entry.seq, data: result.entry.data, duplicate: result._tag === "Duplicate" }
    }
    return yield* Effect.fail(internal(`the log of ${groupId} kept changing under a second writer`))
  })

  /** A page the reader may see: entries in (max(cursor, fromSeq), untilSeq], at most `limit`. */
  const read = (cursor: number, limit: number, range: Departure): Effect.Effect<GroupPage, WeftError> => {
    const after = Math.max(cursor, range.fromSeq)
    const room = Math.min(Math.max(1, limit), options.maxPage, range.untilSeq - after)
    if (room <= 0) return Effect.succeed({ entries: [], cursor: after, more: false, epoch: head.epoch })
    return storage.logRead(groupId, after, room).pipe(
      Effect.map((page) => {
        // Retention may have dropped the start of the range: a page then starts at the oldest
        // entry kept, and still ends where the reader's range does.
        const visible = page.entries.filter((entry) => entry.seq <= range.untilSeq)
        const last = pageEnd(visible, after, page.head, range.untilSeq)
        return {
          entries: visible.map((entry: LogEntry) => entry.data),
          cursor: last,
          more: last < Math.min(page.head.seq, range.untilSeq),
          epoch: page.head.epoch
        }
      }),
      Effect.mapError(storageFailed)
    )
  }

  /** What a user who is not a member now may read: their range as a former member, if any. */
  const departure = (userId: string): Effect.Effect<Departure, WeftError> =>
    storage.mapGet(departuresKey(groupId), userId).pipe(
      Effect.mapError(storageFailed),
      Effect.flatMap((found) =>
        found === undefined
          ? Effect.fail(notAMember(`you are not a member of group ${groupId}`))
          : Effect.succeed(decodeJson<Departure>(found))
      )
    )

  const departed = (userId: string, range: Departure) =>
    storage.mapSet(departuresKey(groupId), userId, encodeJson(range)).pipe(Effect.mapError(storageFailed))

  const returned = (userId: string) =>
    storage.mapRemove(departuresKey(groupId), userId).pipe(Effect.mapError(storageFailed))

  return {
    head: () => head,
    append,
    read,
    departure,
    departed,
    returned
  }
})

export type GroupLog = Effect.Success<ReturnType<typeof make>>
