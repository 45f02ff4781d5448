/**
 * The read-diffusion groups a user's log follows, and the "group has news" markers it gets
 * (docs/groups.md). Part of the user's ChangeLog actor, the single writer of both:
 *
 * - the Group actor asks the log to follow a group (with the membership event that makes the
 *   user a member of a read-diffusion group) or to stop (when the user leaves);
 * - when the log is synced, each followed group whose log has moved past the last marker gets
 *   one new marker, `GroupNews { group_id, seq }`: one storage read per followed group, and
 *   writes only for groups that moved — nothing per group message;
 * - a page of the log keeps only the newest marker of each group (older ones say less).
 */
import { Effect, Schema } from "effect"
import { type Change, Codecs } from "../protocol/Proto.ts"
import { Storage, userKey } from "../storage/Storage.ts"

/** With a GroupEvent appended to a member's log: follow the group from `fromSeq`, or stop (-1). */
export const Follow = Schema.Struct({ groupId: Schema.String, fromSeq: Schema.Number })
export type Follow = typeof Follow.Type

export const UNFOLLOW = -1

/** groupId -> the seq of the last marker written (or the member's starting point). */
const followedKey = (userId: string) => userKey(userId, "group-news")

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A stored change whose body is Change.group_news (field 41, length-delimited: tag 0xCA 0x02). */
const isMarker = (entry: Uint8Array) => entry[0] === 0xca && entry[1] === 0x02

export const make = Effect.fnUntraced(function*(userId: string) {
  const storage = yield* Storage
  const stored = yield* storage.mapEntries(followedKey(userId))
  const marked = new Map<string, number>(stored.map(([groupId, seq]) => [groupId, Number(decoder.decode(seq))]))

  const setMarked = (groupId: string, seq: number) => {
    marked.set(groupId, seq)
    return storage.mapSet(followedKey(userId), groupId, encoder.encode(String(seq)))
  }

  const follow = (request: Follow) => {
    if (request.fromSeq !== UNFOLLOW) return setMarked(request.groupId, request.fromSeq)
    marked.delete(request.groupId)
    return storage.mapRemove(followedKey(userId), request.groupId)
  }

  /** Appends a marker for every followed group that moved since its last one. */
  const mark = <E>(append: (body: Uint8Array) => Effect.Effect<unknown, E>) =>
    Effect.gen(function*() {
      const groups = [...marked.keys()]
      const heads = yield* Effect.forEach(groups, (groupId) => storage.logHead(groupId), { concurrency: "unbounded" })
      for (let i = 0; i < groups.length; i++) {
        const groupId = groups[i]!
        const seq = heads[i]!.seq
        // (A group left meanwhile is no longer followed: no marker for it.)
        if (!marked.has(groupId) || seq <= marked.get(groupId)!) continue
        yield* append(Codecs.Change.encode({ groupNews: { groupId, seq } } as Change))
        yield* setMarked(groupId, seq)
      }
    })

  /** The page without the markers a newer marker of the same group in it makes redundant. */
  const coalesce = (entries: ReadonlyArray<Uint8Array>): ReadonlyArray<Uint8Array> => {
    if (!entries.some(isMarker)) return entries
    const seen = new Set<string>()
    const kept: Array<Uint8Array> = []
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!
      if (isMarker(entry)) {
        const groupId = Codecs.Change.decode(entry).groupNews?.groupId ?? ""
        if (seen.has(groupId)) continue
        seen.add(groupId)
      }
      kept.push(entry)
    }
    return kept.reverse()
  }

  return {
    /** Whether a sync must look for news first. */
    following: () => marked.size > 0,
    follow,
    mark,
    coalesce
  }
})
