/**
 * The group actor: one per group, keyed by the group id (so a group has a shard of its own,
 * not one of its members'), the single owner of the group's membership and name.
 *
 * It also does the write fan-out: every membership change and every group message is written
 * from here into each member's log. Because an actor handles one request at a time, a message
 * reaches exactly the members of the moment it is posted: a member removed before it gets the
 * removal event and then nothing more; a member added after it never sees it.
 *
 * Fan-out appends carry dedupe keys (per log), so an interrupted fan-out is completed by a
 * retry without duplicates: a message by the client's resend; a membership event because the
 * group stores it as `pending` before writing it out and finishes it before anything else.
 */
import { Effect, Layer, Schema } from "effect"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import type { WeftSettings } from "../cluster/Settings.ts"
import { type GroupEvent, GroupEventKind, type GroupInfo, MAX_GROUP_NAME_LENGTH } from "../protocol/groups.ts"
import { messageRecord } from "../protocol/messages.ts"
import type * as Messages from "../protocol/messages.ts"
import { Codecs } from "../protocol/Proto.ts"
import {
  badRequest,
  conflict,
  forbidden,
  invalidUserId,
  notAMember,
  notFound,
  unavailable,
  WeftError
} from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError, userKey } from "../storage/Storage.ts"
import { actorClient } from "./ActorCall.ts"
import { ChangeLog, encodeChangeBody } from "./ChangeLog.ts"
import * as Conversations from "./Conversations.ts"
import { accountKey, isValidUserId } from "./Session.ts"
import { Hooks } from "../server/Hooks.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity } from "./LocalActors.ts"

/** Schemas of the messages actors pass to each other (the types are in protocol/messages.ts). */
export const MediaRecord: Schema.Codec<Messages.MediaRecord> = Schema.Struct({
  mediaId: Schema.String,
  mimeType: Schema.String,
  size: Schema.Number,
  thumbnailMediaId: Schema.String,
  durationMs: Schema.Number,
  fileName: Schema.String
})

export const MessageRecord: Schema.Codec<Messages.MessageRecord> = Schema.Struct({
  messageId: Schema.String,
  from: Schema.String,
  to: Schema.String,
  groupId: Schema.String,
  type: Schema.Number,
  text: Schema.String,
  clientMsgId: Schema.String,
  sentAtMs: Schema.Number,
  media: Schema.NullOr(MediaRecord)
})

export const RecalledRecord: Schema.Codec<Messages.RecalledRecord> = Schema.Struct({
  messageId: Schema.String,
  from: Schema.String,
  to: Schema.String,
  groupId: Schema.String,
  recalledAtMs: Schema.Number
})

const GroupInfoSchema = Schema.Struct({
  groupId: Schema.String,
  name: Schema.String,
  owner: Schema.String,
  members: Schema.Array(Schema.Struct({ userId: Schema.String, joinedAtMs: Schema.Number })),
  createdAtMs: Schema.Number
})

/** Creates the group (the entity id is the new group's id) with the caller as owner. */
export const Create = Rpc.make("Create", {
  payload: { caller: Schema.String, name: Schema.String, members: Schema.Array(Schema.String) },
  success: GroupInfoSchema,
  error: WeftError
})

export const AddMembers = Rpc.make("AddMembers", {
  payload: { caller: Schema.String, userIds: Schema.Array(Schema.String) },
  success: Schema.Struct({ added: Schema.Array(Schema.String), memberCount: Schema.Number }),
  error: WeftError
})

export const RemoveMember = Rpc.make("RemoveMember", {
  payload: { caller: Schema.String, userId: Schema.String },
  error: WeftError
})

export const Leave = Rpc.make("Leave", { payload: { caller: Schema.String }, error: WeftError })

export const Rename = Rpc.make("Rename", {
  payload: { caller: Schema.String, name: Schema.String },
  error: WeftError
})

export const Members = Rpc.make("Members", {
  payload: { caller: Schema.String },
  success: GroupInfoSchema,
  error: WeftError
})

/**
 * A group message (from the sender's Messenger), written into every member's log, the
 * sender's first. `version` is the group's version when it was written: Recall uses it to
 * find the members who hold the message.
 */
export const Post = Rpc.make("Post", {
  /** `origin`: the sender's connection, which the push to the sender skips (Pusher.push). */
  payload: { message: MessageRecord, origin: Schema.optional(Schema.String) },
  success: Schema.Struct({
    seq: Schema.Number,
    sentAtMs: Schema.Number,
    duplicate: Schema.Boolean,
    version: Schema.Number
  }),
  error: WeftError
})

/** A recall (from the sender's Conversations), written into the logs that hold the message. */
export const Recall = Rpc.make("Recall", {
  payload: { recalled: RecalledRecord, version: Schema.Number },
  success: Schema.Struct({ seq: Schema.Number }),
  error: WeftError
})

export const Group = actorEntity(Entity.make("Group", [Create, AddMembers, RemoveMember, Leave, Rename, Members, Post, Recall]))

interface Member {
  readonly userId: string
  readonly joinedAtMs: number
  /** The group's version when the member joined. */
  readonly joinedVersion: number
}

interface PendingEvent {
  readonly event: GroupEvent
  readonly targets: ReadonlyArray<string>
  readonly dedupeKey: string
}

interface GroupState {
  readonly groupId: string
  readonly name: string
  readonly owner: string
  readonly createdAtMs: number
  /** Counts every change (1 at creation). */
  readonly version: number
  /** In the order they joined. */
  readonly members: ReadonlyArray<Member>
  /** A change whose event is not known to be in every target's log yet. */
  readonly pending?: PendingEvent | undefined
}

/** The names hooks see for the kinds of group change. */
const changeKinds: Readonly<Record<number, string>> = {
  [GroupEventKind.CREATED]: "created",
  [GroupEventKind.MEMBERS_ADDED]: "members-added",
  [GroupEventKind.MEMBER_REMOVED]: "member-removed",
  [GroupEventKind.MEMBER_LEFT]: "member-left",
  [GroupEventKind.RENAMED]: "renamed"
}

export const groupKey = (groupId: string) => userKey(groupId, "group")

/** How many member logs are written at once during a fan-out. */
const FAN_OUT_CONCURRENCY = 16

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

const info = (state: GroupState): GroupInfo => ({
  groupId: state.groupId,
  name: state.name,
  owner: state.owner,
  members: state.members.map((member) => ({ userId: member.userId, joinedAtMs: member.joinedAtMs })),
  createdAtMs: state.createdAtMs
})

const checkName = (name: string): Effect.Effect<string, WeftError> =>
  name.trim().length === 0 || name.length > MAX_GROUP_NAME_LENGTH
    ? Effect.fail(badRequest(`a group name must have 1..${MAX_GROUP_NAME_LENGTH} characters, not only blanks`))
    : Effect.succeed(name)

const groupLayer = (settings: WeftSettings) =>
  Group.toLayer(
    supervised("Group", Effect.gen(function*() {
      const storage = yield* Storage
      const changeLogs = yield* actorClient(ChangeLog)
      const groupId = (yield* Entity.CurrentAddress).entityId
      const hooks = yield* Hooks
      const maxMembers = settings.features.maxGroupMembers
      const stored = yield* storage.get(groupKey(groupId)).pipe(Effect.orDie)
      let state: GroupState | undefined = stored === undefined ? undefined : decodeJson<GroupState>(stored)

      const save = (next: GroupState) =>
        storage.set(groupKey(groupId), encodeJson(next)).pipe(
          Effect.mapError(storageFailed),
          Effect.tap(() => Effect.sync(() => (state = next)))
        )

      const append = (userId: string, body: Uint8Array, dedupeKey: string, origin?: string) =>
        changeLogs(userId).Append({ body, dedupeKey, origin })

      const fanOut = (targets: ReadonlyArray<string>, body: Uint8Array, dedupeKey: string) =>
        Effect.forEach(targets, (userId) => append(userId, body, dedupeKey), {
          concurrency: FAN_OUT_CONCURRENCY,
          discard: true
        })

      /** Writes out the pending event, if any, then forgets it. */
      const settle = Effect.gen(function*() {
        const current = state
        if (current?.pending === undefined) return
        const { event, targets, dedupeKey } = current.pending
        yield* fanOut(targets, encodeChangeBody({ group: event }), dedupeKey)
        yield* save({ ...current, pending: undefined })
      })

      /** Stores the new state with its event pending, then writes the event to `targets`. */
      const commit = (
        next: Omit<GroupState, "pending">,
        kind: number,
        actor: string,
        userIds: ReadonlyArray<string>,
        targets: ReadonlyArray<string>
      ) => {
        const event: GroupEvent = {
          kind,
          groupId,
          actor,
          userIds,
          name: next.name,
          owner: next.owner,
          memberCount: next.members.length
        }
        return save({ ...next, pending: { event, targets, dedupeKey: `group:${groupId}:${next.version}` } }).pipe(
          Effect.andThen(settle),
          Effect.tap(() =>
            hooks.afterGroupChange === undefined
              ? Effect.void
              : hooks.afterGroupChange({ groupId, by: actor, kind: changeKinds[kind] ?? String(kind), members: userIds, name: next.name })
          )
        )
      }

      /** The group, settled, with the caller as a member. */
      const forMember = (caller: string) =>
        Effect.gen(function*() {
          if (state === undefined) return yield* notFound(`no group ${groupId}`)
          yield* settle
          const current = state
          if (!current.members.some((member) => member.userId === caller)) {
            return yield* notAMember(`you are not a member of group ${groupId}`)
          }
          return current
        })

      /** Checks the ids' form and that the users exist; returns them without repeats. */
      const existingUsers = (userIds: ReadonlyArray<string>) =>
        Effect.gen(function*() {
          const unique = [...new Set(userIds)]
          const malformed = unique.find((userId) => !isValidUserId(userId))
          if (malformed !== undefined) return yield* invalidUserId(`${JSON.stringify(malformed)} is not a user id`)
          const accounts = yield* Effect.forEach(unique, (userId) => storage.get(accountKey(userId)), {
            concurrency: FAN_OUT_CONCURRENCY
          }).pipe(Effect.mapError(storageFailed))
          const missing = unique.find((_, i) => accounts[i] === undefined)
          if (missing !== undefined) return yield* notFound(`no user ${missing}`)
          return unique
        })

      const tooMany = (count: number) =>
        badRequest(`a group has at most ${maxMembers} members (this would make ${count})`)

      const create = Effect.fn("Group.create")(function*(caller: string, name: string, members: ReadonlyArray<string>) {
        if (state !== undefined) return yield* conflict(`group ${groupId} exists`)
        yield* checkName(name)
        // Bounds the work before anything is read; repeats and the caller are dropped after.
        if (members.length > maxMembers) return yield* tooMany(members.length + 1)
        const others = [...new Set(members)].filter((userId) => userId !== caller)
        if (others.length + 1 > maxMembers) return yield* tooMany(others.length + 1)
        yield* existingUsers(others)
        const now = Date.now()
        const all = [caller, ...others]
        const next = {
          groupId,
          name,
          owner: caller,
          createdAtMs: now,
          version: 1,
          members: all.map((userId) => ({ userId, joinedAtMs: now, joinedVersion: 1 }))
        }
        yield* commit(next, GroupEventKind.CREATED, caller, all, all)
        return info(next)
      })

      const addMembers = Effect.fn("Group.addMembers")(function*(caller: string, userIds: ReadonlyArray<string>) {
        const current = yield* forMember(caller)
        if (userIds.length === 0) return yield* badRequest("name at least one user to add")
        if (userIds.length > maxMembers) return yield* tooMany(current.members.length + userIds.length)
        const present = new Set(current.members.map((member) => member.userId))
        const added = (yield* existingUsers(userIds)).filter((userId) => !present.has(userId))
        if (added.length === 0) return { added, memberCount: current.members.length }
        if (current.members.length + added.length > maxMembers) {
          return yield* tooMany(current.members.length + added.length)
        }
        const version = current.version + 1
        const now = Date.now()
        const members = [...current.members, ...added.map((userId) => ({ userId, joinedAtMs: now, joinedVersion: version }))]
        const next = { ...current, version, members }
        yield* commit(next, GroupEventKind.MEMBERS_ADDED, caller, added, members.map((member) => member.userId))
        return { added, memberCount: members.length }
      })

      /** Takes `userId` out; the event goes to everyone who was a member, `userId` included. */
      const without = (current: GroupState, userId: string, kind: number, actor: string) => {
        const members = current.members.filter((member) => member.userId !== userId)
        // The owner's successor is the member who joined earliest.
        const owner = current.owner === userId ? (members[0]?.userId ?? "") : current.owner
        const targets = current.members.map((member) => member.userId)
        return commit({ ...current, version: current.version + 1, members, owner }, kind, actor, [userId], targets)
      }

      const leave = Effect.fn("Group.leave")(function*(caller: string) {
        const current = yield* forMember(caller)
        yield* without(current, caller, GroupEventKind.MEMBER_LEFT, caller)
      })

      const removeMember = Effect.fn("Group.removeMember")(function*(caller: string, userId: string) {
        if (userId === caller) return yield* leave(caller)
        const current = yield* forMember(caller)
        if (current.owner !== caller) return yield* forbidden("only the group's owner may remove other members")
        if (!current.members.some((member) => member.userId === userId)) {
          return yield* notAMember(`${userId} is not a member of group ${groupId}`)
        }
        yield* without(current, userId, GroupEventKind.MEMBER_REMOVED, caller)
      })

      const rename = Effect.fn("Group.rename")(function*(caller: string, name: string) {
        const current = yield* forMember(caller)
        yield* checkName(name)
        const next = { ...current, name, version: current.version + 1 }
        const targets = current.members.map((member) => member.userId)
        yield* commit(next, GroupEventKind.RENAMED, caller, [], targets)
      })

      const post = Effect.fnUntraced(function*(message: Messages.MessageRecord, origin: string | undefined) {
        const current = yield* forMember(message.from)
        const dedupeKey = `msg:${message.messageId}`
        const own = yield* append(message.from, encodeChangeBody({ message }), dedupeKey, origin)
        // On a resend the sender's log already holds the message: keep its original content.
        const decoded = own.duplicate ? Codecs.Change.decode(own.data).message : undefined
        const stored = decoded ? messageRecord(decoded) : message
        // The id was used for another conversation: the sender's log holds that message.
        if (stored.groupId !== groupId) {
          return yield* conflict(
            `client_msg_id ${JSON.stringify(message.clientMsgId)} was already used for a message to another conversation`
          )
        }
        const others = current.members.map((member) => member.userId).filter((userId) => userId !== message.from)
        yield* fanOut(others, encodeChangeBody({ message: stored }), dedupeKey)
        return { seq: own.seq, sentAtMs: stored.sentAtMs, duplicate: own.duplicate, version: current.version }
      })

      const recall = Effect.fn("Group.recall")(function*(recalled: Messages.RecalledRecord, version: number) {
        const current = yield* forMember(recalled.from)
        const body = encodeChangeBody({ recalled })
        const dedupeKey = `recall:${recalled.messageId}`
        const own = yield* append(recalled.from, body, dedupeKey)
        // The members who received it and are still here (a member who left got nothing more).
        const holders = current.members
          .filter((member) => member.joinedVersion <= version && member.userId !== recalled.from)
          .map((member) => member.userId)
        yield* fanOut(holders, body, dedupeKey)
        return { seq: own.seq }
      })

      return Group.of({
        Create: ({ payload }) => create(payload.caller, payload.name, payload.members),
        AddMembers: ({ payload }) => addMembers(payload.caller, payload.userIds),
        RemoveMember: ({ payload }) => removeMember(payload.caller, payload.userId),
        Leave: ({ payload }) => leave(payload.caller),
        Rename: ({ payload }) => rename(payload.caller, payload.name),
        Members: ({ payload }) => Effect.map(forMember(payload.caller), info),
        Post: ({ payload }) => post(payload.message, payload.origin),
        Recall: ({ payload }) => recall(payload.recalled, payload.version)
      })
    })),
    { maxIdleTime: "5 minutes", defectRetryPolicy: restartPolicy }
  )

/**
 * The actors of groups and message state: Group (one per group) and Conversations (one per
 * user: unread counts, read receipts, recalls; it gets the Group entity from here, as this
 * module imports it).
 */
export const layer = (settings: WeftSettings) =>
  Layer.mergeAll(groupLayer(settings), Conversations.layer(settings, Group))
