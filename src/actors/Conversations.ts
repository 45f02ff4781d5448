/**
 * The conversations actor: one per user, the user's message state — unread counts, read
 * marks, and recalls of the messages the user sent.
 *
 * Unread counts are computed from the user's own log, on demand, with a cached position: the
 * actor reads the log from where it stopped last time (ChangeLog.Sync) and applies each change
 * — a message from someone else is unread; a MessageRecalled takes it out; a ReadReceipt of
 * the user (from any device) takes out everything of its conversation up to its position.
 * The log is the only source of truth, so every device sees the same counts, and nothing on
 * the sending path has to call this actor: it only ever calls ChangeLogs (and Group, for
 * recalls), which call nothing back — no actor cycle. The cache (position and the unread
 * messages' positions) is kept in storage so an activation does not reread the whole log.
 *
 * A read-diffusion group's messages are not in the user's log: its GroupNews markers say how far
 * the group's log has come, and the actor reads the group's log from its own position in it
 * (Group.Read, as the user: membership applies). The positions of those unread messages, and
 * the read mark, are positions in the group's log: a read cursor per member, with nothing
 * written per member per message.
 */
import { Effect, Option, Schema } from "effect"
import { Idc } from "../cluster/Idc.ts"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import type { WeftSettings } from "../cluster/Settings.ts"
import { type GroupEvent, isGroupId, startsReading } from "../protocol/groups.ts"
import { MAX_CLIENT_MSG_ID_LENGTH, type ReadReceipt, type RecalledRecord, SYSTEM_SENDER } from "../protocol/messages.ts"
import { type Change, Codecs } from "../protocol/Proto.ts"
import { Status } from "../protocol/Status.ts"
import {
  badRequest,
  forbidden,
  notFound,
  recallWindowPassed,
  unavailable,
  WeftError
} from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError, userKey } from "../storage/Storage.ts"
import { actorClient } from "./ActorCall.ts"
import { ChangeLog, encodeChangeBody } from "./ChangeLog.ts"
import type { Group } from "./Groups.ts"
import { accountHomes, isValidUserId } from "./Session.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity } from "./LocalActors.ts"

/**
 * What the sender's Messenger remembers of a sent group message, so that it can be recalled:
 * where it went and when (a 1:1 message is found in the sender's log: `sentDirectly`); also
 * written for a 1:1 message once recalled. Kept for SENT_RECORD_TTL_MS, which bounds the
 * useful recall window.
 */
export interface SentRecord {
  /** The recipient of a 1:1 message, or "". */
  readonly to: string
  /** The group of a group message, or "". */
  readonly groupId: string
  readonly sentAtMs: number
  /** The group's version when the message was posted (Groups.ts). */
  readonly groupVersion: number
  /** Read-diffusion groups: the members whose own logs got a copy (mentions, replies). */
  readonly copies?: ReadonlyArray<string> | undefined
  readonly recalledAtMs?: number | undefined
}

export const SENT_RECORD_TTL_MS = 7 * 24 * 3600_000

export const sentRecordKey = (userId: string, clientMsgId: string) => userKey(userId, "sent", clientMsgId)

/**
 * Where a 1:1 message of `userId` went and when, from the sender's own log: its entry is found
 * by the message's dedupe key, kept for changeLog.dedupeTtlMs (at least the recall window), so
 * sending writes no record of its own. Undefined when the log has no such 1:1 message.
 */
export const sentDirectly = (
  storage: Storage["Service"],
  userId: string,
  clientMsgId: string
): Effect.Effect<SentRecord | undefined, StorageError> =>
  Effect.map(storage.logDeduped(userId, `msg:${userId}/${clientMsgId}`), (entry) => {
    const message = entry === undefined ? undefined : Codecs.Change.decode(entry.data).message
    if (message === undefined || message === null || (message.groupId ?? "") !== "" || message.from !== userId) return undefined
    return { to: message.to, groupId: "", sentAtMs: Number(message.sentAtMs), groupVersion: 0 }
  })

export const Recall = Rpc.make("Recall", {
  payload: { messageId: Schema.String },
  success: Schema.Struct({ seq: Schema.Number, recalledAtMs: Schema.Number }),
  error: WeftError
})

export const MarkRead = Rpc.make("MarkRead", {
  payload: { conversation: Schema.String, seq: Schema.Number },
  success: Schema.Struct({ unread: Schema.Number, receiptSeq: Schema.Number, messageId: Schema.String }),
  error: WeftError
})

export const UnreadCounts = Rpc.make("UnreadCounts", {
  success: Schema.Struct({
    conversations: Schema.Array(Schema.Struct({
      conversation: Schema.String,
      count: Schema.Number,
      lastSeq: Schema.Number,
      lastMessageId: Schema.String,
      lastGroupSeq: Schema.Number
    })),
    total: Schema.Number,
    seq: Schema.Number
  }),
  error: WeftError
})

export const Conversations = actorEntity(Entity.make("Conversations", [Recall, MarkRead, UnreadCounts]))

/**
 * Unread messages tracked per conversation, and conversations with unread messages tracked
 * per user. Past the first bound the oldest positions are dropped but still counted
 * (`overflow`); past the second the conversation whose newest unread message is the oldest
 * is dropped.
 */
export const MAX_TRACKED_UNREAD = 1000
export const MAX_UNREAD_CONVERSATIONS = 1000

interface Unread {
  /** [seq in the user's log, message id], oldest first. */
  unread: Array<[number, string]>
  /** Unread messages older than every tracked one, counted but not tracked. */
  overflow: number
  /** The newest position among them. */
  overflowMaxSeq: number
}

/** The user's place in a read-diffusion group's log. */
interface GroupPlace {
  /** The group's log is applied up to here. */
  scanned: number
  /** The newest head its news announced, and the seq (in the user's log) of that news. */
  head: number
  newsAt: number
  epoch: string
}

interface UnreadState {
  epoch: string
  /** The log is applied up to here. */
  scanned: number
  conversations: Record<string, Unread>
  /** Read-diffusion groups of the user (their unread entries carry positions in the group's log). */
  groups?: Record<string, GroupPlace>
}


const stateKey = (userId: string) => userKey(userId, "conversations")

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

const countOf = (conversation: Unread | undefined) =>
  conversation === undefined ? 0 : conversation.overflow + conversation.unread.length

const newestSeq = (conversation: Unread) => conversation.unread.at(-1)?.[0] ?? conversation.overflowMaxSeq

export const layer = (settings: WeftSettings, group: typeof Group) =>
  Conversations.toLayer(
    supervised("Conversations", Effect.gen(function*() {
      const storage = yield* Storage
      const changeLogs = yield* actorClient(ChangeLog)
      const groups = yield* actorClient(group)
      const userId = (yield* Entity.CurrentAddress).entityId
      const pageSize = settings.gateway.maxSyncPage
      const stored = yield* storage.get(stateKey(userId)).pipe(Effect.orDie)
      let state: UnreadState = stored === undefined
        ? { epoch: "", scanned: 0, conversations: {} }
        : decodeJson<UnreadState>(stored)

      /** Where a conversation's newest unread message is in the user's log (for a group read by diffusion, its news). */
      const recency = (conversation: string) =>
        state.groups?.[conversation]?.newsAt ?? newestSeq(state.conversations[conversation]!)

      const unreadMessage = (conversation: string, seq: number, messageId: string) => {
        const entry = state.conversations[conversation] ??= { unread: [], overflow: 0, overflowMaxSeq: 0 }
        entry.unread.push([seq, messageId])
        if (entry.unread.length > MAX_TRACKED_UNREAD) {
          entry.overflow++
          entry.overflowMaxSeq = entry.unread.shift()![0]
        }
        const names = Object.keys(state.conversations)
        if (names.length > MAX_UNREAD_CONVERSATIONS) {
          const oldest = names.reduce((a, b) => recency(a) <= recency(b) ? a : b)
          delete state.conversations[oldest]
        }
      }

      const forget = (conversation: string, keep: (entry: [number, string]) => boolean, clearsOverflow: boolean) => {
        const entry = state.conversations[conversation]
        if (entry === undefined) return
        entry.unread = entry.unread.filter(keep)
        if (clearsOverflow) entry.overflow = 0
        if (countOf(entry) === 0) delete state.conversations[conversation]
      }

      const readUpTo = (conversation: string, seq: number) => {
        const entry = state.conversations[conversation]
        forget(conversation, ([at]) => at > seq, entry !== undefined && seq >= entry.overflowMaxSeq)
      }

      const apply = (change: Change) => {
        const event = change.group as GroupEvent | null | undefined
        if (startsReading(event, userId)) {
          const place = (state.groups ??= {})[event.groupId] ??= { scanned: 0, head: 0, newsAt: change.seq, epoch: "" }
          place.scanned = Math.max(place.scanned, event.logSeq ?? 0)
          place.head = Math.max(place.head, place.scanned)
          return
        }
        const news = change.groupNews
        const place = state.groups?.[news?.groupId ?? ""]
        if (news && place !== undefined && news.seq > place.head) {
          place.head = news.seq
          place.newsAt = change.seq
          return
        }
        const message = change.message
        // A copy of a read-diffusion group's message (a mention): it counts from the group's log.
        if (message && message.groupId && state.groups?.[message.groupId] !== undefined) return
        if (message) {
          // What the user sent (from any device) is never unread.
          if (message.from !== userId) unreadMessage(message.groupId || message.from, change.seq, message.messageId)
          return
        }
        const recalled = change.recalled as RecalledRecord | null | undefined
        if (recalled && recalled.from !== userId) {
          forget(recalled.groupId || recalled.from, ([, id]) => id !== recalled.messageId, false)
          return
        }
        const read = change.read as ReadReceipt | null | undefined
        if (read && read.reader === userId) readUpTo(read.groupId || read.peer, read.groupSeq || read.readerSeq)
      }

      /** An entry of a read-diffusion group's log. */
      const applyGroupEntry = (groupId: string, change: Change) => {
        const message = change.message
        if (message && message.from !== userId) unreadMessage(groupId, change.seq, message.messageId)
        const recalled = change.recalled as RecalledRecord | null | undefined
        if (recalled) forget(groupId, ([, id]) => id !== recalled.messageId, false)
      }

      /** Reads the user's read-diffusion groups up to the heads their news announced. */
      const catchUpGroups = Effect.gen(function*() {
        let changed = false
        for (const [groupId, place] of Object.entries(state.groups ?? {})) {
          while (place.scanned < place.head) {
            const page = yield* groups(groupId).Read({ caller: userId, cursor: place.scanned, limit: pageSize }).pipe(
              // No longer readable (never a member since it converted): forget the group.
              Effect.catchIf((error) => error.code === Status.NOT_A_MEMBER || error.code === Status.NOT_FOUND, () => Effect.succeed(undefined))
            )
            if (page === undefined) {
              delete state.groups![groupId]
              changed = true
              break
            }
            if (place.epoch !== "" && page.epoch !== place.epoch) delete state.conversations[groupId]
            place.epoch = page.epoch
            for (const entry of page.entries) applyGroupEntry(groupId, Codecs.Change.decode(entry))
            if (page.cursor === place.scanned) break
            place.scanned = page.cursor
            changed = true
            if (!page.more) break
          }
        }
        return changed
      })

      /** Applies the log from the cached position to its head. */
      const catchUp = Effect.gen(function*() {
        let changed = false
        while (true) {
          const page = yield* changeLogs(userId).Sync({ cursor: state.scanned, limit: pageSize })
          if (page.epoch !== state.epoch) {
            // A new log (or its history was lost): start over from its beginning.
            const restart = state.scanned !== 0
            state = { epoch: page.epoch, scanned: 0, conversations: {} }
            changed = true
            if (restart) continue
          }
          for (const entry of page.entries) apply(Codecs.Change.decode(entry))
          if (page.cursor !== state.scanned) changed = true
          state.scanned = page.cursor
          if (!page.more) break
        }
        if (yield* catchUpGroups) changed = true
        if (changed) yield* storage.set(stateKey(userId), encodeJson(state)).pipe(Effect.mapError(storageFailed))
      })

      const append = (owner: string, body: Uint8Array, dedupeKey?: string) =>
        changeLogs(owner).Append({ body, dedupeKey })

      // Several data centres: what goes into a peer's log goes through the queue for the peer's
      // home IDC when that is another one (cluster/Idc.ts), under a dedupe key as every entry
      // there must have (`dedupeKey` here, `queuedKey` there).
      const idc = Option.getOrUndefined(yield* Effect.serviceOption(Idc))
      const peers = accountHomes(storage, idc)
      const appendToPeer = (peer: string, body: Uint8Array, dedupeKey: string | undefined, queuedKey = dedupeKey!) =>
        Effect.gen(function*() {
          if (idc !== undefined && !peers.known(peer)) yield* peers.lookUp(peer).pipe(Effect.mapError(storageFailed))
          const home = peers.homeOf(peer)
          if (home === undefined || idc === undefined) return yield* Effect.asVoid(append(peer, body, dedupeKey))
          return yield* idc.enqueue(home, { to: peer, dedupeKey: queuedKey, change: body })
        })

      const markRead = Effect.fn("Conversations.markRead")(function*(conversation: string, seq: number) {
        const inGroup = isGroupId(conversation)
        if (!inGroup && !isValidUserId(conversation) && conversation !== SYSTEM_SENDER) {
          return yield* badRequest("conversation must be a user id or a group id")
        }
        yield* catchUp
        // A read-diffusion group is read up to a position of its own log.
        const place = inGroup ? state.groups?.[conversation] : undefined
        const end = place?.scanned ?? state.scanned
        if (!Number.isSafeInteger(seq) || seq < 0 || seq > end) {
          return yield* badRequest(`seq ${seq} is past the end of ${place ? "the group's log" : "your log"} (${end})`)
        }
        const upTo = seq === 0 ? end : seq
        const entry = state.conversations[conversation]
        const read = entry?.unread.filter(([at]) => at <= upTo) ?? []
        const clearsOverflow = entry !== undefined && entry.overflow > 0 && upTo >= entry.overflowMaxSeq
        if (read.length === 0 && !clearsOverflow) return { unread: countOf(entry), receiptSeq: 0, messageId: "" }

        const receipt: ReadReceipt = {
          reader: userId,
          peer: inGroup ? "" : conversation,
          groupId: inGroup ? conversation : "",
          messageId: read.at(-1)?.[1] ?? "",
          readerSeq: place ? 0 : upTo,
          readAtMs: Date.now(),
          ...(place ? { groupSeq: upTo } : {})
        }
        // The sender's devices learn it first: if the reader's own append then fails, a retry
        // still finds the messages unread and tells the sender again (harmless), never not at all.
        // (The system has no log: nobody reads receipts of its notices.)
        if (!inGroup && conversation !== userId && conversation !== SYSTEM_SENDER) {
          yield* appendToPeer(conversation, encodeChangeBody({ read: { ...receipt, readerSeq: 0 } }), undefined, `read:${userId}/${upTo}`)
        }
        const own = yield* append(userId, encodeChangeBody({ read: receipt }))
        yield* catchUp
        return { unread: countOf(state.conversations[conversation]), receiptSeq: own.seq, messageId: receipt.messageId }
      })

      const unreadCounts = Effect.fn("Conversations.unreadCounts")(function*() {
        yield* catchUp
        const conversations = Object.entries(state.conversations)
          .map(([conversation, entry]) => ({
            conversation,
            count: countOf(entry),
            lastSeq: recency(conversation),
            lastMessageId: entry.unread.at(-1)?.[1] ?? "",
            lastGroupSeq: state.groups?.[conversation] === undefined ? 0 : newestSeq(entry)
          }))
          .sort((a, b) => b.lastSeq - a.lastSeq)
        return {
          conversations,
          total: conversations.reduce((sum, conversation) => sum + conversation.count, 0),
          seq: state.scanned
        }
      })

      const recallDirect = Effect.fn("Conversations.recallDirect")(function*(recalled: RecalledRecord) {
        const body = encodeChangeBody({ recalled })
        const dedupeKey = `recall:${recalled.messageId}`
        if (recalled.to !== userId) yield* appendToPeer(recalled.to, body, dedupeKey)
        return { seq: (yield* append(userId, body, dedupeKey)).seq }
      })

      const recall = Effect.fn("Conversations.recall")(function*(messageId: string) {
        const slash = messageId.indexOf("/")
        const clientMsgId = messageId.slice(slash + 1)
        if (slash < 1 || clientMsgId.length === 0 || clientMsgId.length > MAX_CLIENT_MSG_ID_LENGTH) {
          return yield* badRequest("message_id must be <sender>/<client_msg_id>")
        }
        if (messageId.slice(0, slash) !== userId) return yield* forbidden("only its sender may recall a message")
        const key = sentRecordKey(userId, clientMsgId)
        // A group message (or a recalled one) has a sent record; a 1:1 message is found in the log.
        const found = yield* storage.get(key).pipe(Effect.mapError(storageFailed))
        const record = found !== undefined
          ? decodeJson<SentRecord>(found)
          : yield* sentDirectly(storage, userId, clientMsgId).pipe(Effect.mapError(storageFailed))
        if (record === undefined) return yield* notFound(`no message ${messageId} that can still be recalled`)
        const first = record.recalledAtMs === undefined
        if (first && Date.now() - record.sentAtMs > settings.features.recallWindowMs) {
          return yield* recallWindowPassed(
            `message ${messageId} was sent more than ${settings.features.recallWindowMs} ms ago`
          )
        }
        const recalledAtMs = record.recalledAtMs ?? Date.now()
        // Marked first: a retry after a fan-out cut short completes it, even past the window.
        const save = (value: SentRecord) =>
          storage.set(key, encodeJson(value), { ttlMs: SENT_RECORD_TTL_MS }).pipe(Effect.mapError(storageFailed))
        if (first) yield* save({ ...record, recalledAtMs })
        const recalled: RecalledRecord = { messageId, from: userId, to: record.to, groupId: record.groupId, recalledAtMs }
        const written = record.groupId === ""
          ? recallDirect(recalled)
          : groups(record.groupId).Recall({ recalled, version: record.groupVersion, copies: record.copies })
        const { seq } = yield* written.pipe(
          // Refused (the sender left the group): not recalled after all.
          Effect.tapError((error) =>
            first && (error.code === Status.NOT_A_MEMBER || error.code === Status.NOT_FOUND) ? save(record) : Effect.void
          )
        )
        return { seq, recalledAtMs }
      })

      return Conversations.of({
        Recall: ({ payload }) => recall(payload.messageId),
        MarkRead: ({ payload }) => markRead(payload.conversation, payload.seq),
        UnreadCounts: () => unreadCounts()
      })
    })),
    { maxIdleTime: "5 minutes", defectRetryPolicy: restartPolicy }
  )
