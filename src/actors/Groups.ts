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
import { Effect, Layer, Option, Schema } from "effect"
import { homeElsewhere, Idc, notAcrossIdcs } from "../cluster/Idc.ts"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import type { WeftSettings } from "../cluster/Settings.ts"
import { type GroupEvent, GroupEventKind, type GroupInfo, type GroupSettings, MAX_GROUP_NAME_LENGTH } from "../protocol/groups.ts"
import { messageRecord, namedUsers } from "../protocol/messages.ts"
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
import { ChangeLog, encodeChangeBody, LogPage } from "./ChangeLog.ts"
import * as Conversations from "./Conversations.ts"
import { accountKey, isValidUserId } from "./Session.ts"
import { Hooks } from "../server/Hooks.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity } from "./LocalActors.ts"
import * as GroupLog from "./GroupLog.ts"
import * as GroupNews from "./GroupNews.ts"
import { Pusher } from "./Pusher.ts"

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
  media: Schema.NullOr(MediaRecord),
  mentions: Schema.optional(Schema.Array(Schema.String)),
  replyTo: Schema.optional(Schema.String)
})

export const RecalledRecord: Schema.Codec<Messages.RecalledRecord> = Schema.Struct({
  messageId: Schema.String,
  from: Schema.String,
  to: Schema.String,
  groupId: Schema.String,
  recalledAtMs: Schema.Number
})

const SettingsSchema = Schema.Struct({ readDiffusionThreshold: Schema.Number, historyVisible: Schema.Boolean })

const GroupInfoSchema = Schema.Struct({
  groupId: Schema.String,
  name: Schema.String,
  owner: Schema.String,
  members: Schema.Array(Schema.Struct({ userId: Schema.String, joinedAtMs: Schema.Number })),
  createdAtMs: Schema.Number,
  settings: SettingsSchema,
  readDiffusion: Schema.Boolean,
  logSeq: Schema.Number
})

/** Creates the group (the entity id is the new group's id) with the caller as owner. */
export const Create = Rpc.make("Create", {
  payload: {
    caller: Schema.String,
    name: Schema.String,
    members: Schema.Array(Schema.String),
    settings: Schema.optional(SettingsSchema)
  },
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

export const SetSettings = Rpc.make("SetSettings", {
  payload: { caller: Schema.String, settings: SettingsSchema },
  error: WeftError
})

/**
 * A group message (from the sender's Messenger), written into every member's log, the
 * sender's first — or, in a read-diffusion group, into the group's log. `version` is the
 * group's version when it was written: Recall uses it to find the members who hold the
 * message. `copies`: the members whose own logs also got it (mentions, replies).
 */
export const Post = Rpc.make("Post", {
  /** `origin`: the sender's connection, which the push to the sender skips (Pusher.push). */
  payload: { message: MessageRecord, origin: Schema.optional(Schema.String) },
  success: Schema.Struct({
    seq: Schema.Number,
    sentAtMs: Schema.Number,
    duplicate: Schema.Boolean,
    version: Schema.Number,
    copies: Schema.Array(Schema.String),
    /** Read diffusion: the message's sequence in the group's log (seq, in the sender's log, is then 0). */
    groupSeq: Schema.Number
  }),
  error: WeftError
})

/** A recall (from the sender's Conversations), written into the logs that hold the message. */
export const Recall = Rpc.make("Recall", {
  payload: { recalled: RecalledRecord, version: Schema.Number, copies: Schema.optional(Schema.Array(Schema.String)) },
  success: Schema.Struct({ seq: Schema.Number }),
  error: WeftError
})

/** A page of a read-diffusion group's log, for a member or a former member (SYNC_GROUP). */
export const Read = Rpc.make("Read", {
  payload: { caller: Schema.String, cursor: Schema.Number, limit: Schema.Number },
  success: LogPage,
  error: WeftError
})

export const Group = actorEntity(
  Entity.make("Group", [Create, AddMembers, RemoveMember, Leave, Rename, Members, SetSettings, Post, Recall, Read])
)

interface Member {
  readonly userId: string
  readonly joinedAtMs: number
  /** The group's version when the member joined. */
  readonly joinedVersion: number
  /** Read diffusion: the position of the group's log the member reads after. */
  readonly fromSeq?: number | undefined
}

interface PendingEvent {
  readonly event: GroupEvent
  readonly targets: ReadonlyArray<string>
  readonly dedupeKey: string
  /** With the event, the targets' logs follow the group's news from this seq (or stop: UNFOLLOW). */
  readonly follow?: number | undefined
  /** The event goes into the group's log too (read diffusion). */
  readonly inLog?: boolean | undefined
  /** The member who left or was removed, and where they read from. */
  readonly departed?: { readonly userId: string; readonly fromSeq: number } | undefined
}

/** A read-diffusion group's conversion. */
interface Diffusion {
  /** When it converted (0: created above its threshold). */
  readonly sinceMs: number
  /** The head of the group's log at the conversion: where the members of then read from. */
  readonly sinceSeq: number
  /** The group's version at the conversion: messages posted before it are in the members' logs. */
  readonly version: number
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
  readonly settings?: GroupSettings | undefined
  /** Set once the group keeps its messages in its own log. */
  readonly diffusion?: Diffusion | undefined
  /** A change whose event is not known to be in every target's log yet. */
  readonly pending?: PendingEvent | undefined
}

/** The names hooks see for the kinds of group change. */
const changeKinds: Readonly<Record<number, string>> = {
  [GroupEventKind.CREATED]: "created",
  [GroupEventKind.MEMBERS_ADDED]: "members-added",
  [GroupEventKind.MEMBER_REMOVED]: "member-removed",
  [GroupEventKind.MEMBER_LEFT]: "member-left",
  [GroupEventKind.RENAMED]: "renamed",
  [GroupEventKind.CONVERTED]: "converted",
  [GroupEventKind.SETTINGS_CHANGED]: "settings-changed"
}

export const groupKey = (groupId: string) => userKey(groupId, "group")

/** How many member logs are written at once during a fan-out. */
const FAN_OUT_CONCURRENCY = 16

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

/** A client message id names one message: the sender's log holds another conversation's under it. */
const reusedId = (message: { readonly clientMsgId: string }) =>
  conflict(`client_msg_id ${JSON.stringify(message.clientMsgId)} was already used for a message to another conversation`)

const noSettings: GroupSettings = { readDiffusionThreshold: 0, historyVisible: false }

const checkName = (name: string): Effect.Effect<string, WeftError> =>
  name.trim().length === 0 || name.length > MAX_GROUP_NAME_LENGTH
    ? Effect.fail(badRequest(`a group name must have 1..${MAX_GROUP_NAME_LENGTH} characters, not only blanks`))
    : Effect.succeed(name)

const checkSettings = (settings: GroupSettings): Effect.Effect<GroupSettings, WeftError> =>
  Number.isSafeInteger(settings.readDiffusionThreshold) && settings.readDiffusionThreshold >= 0
    ? Effect.succeed({ readDiffusionThreshold: settings.readDiffusionThreshold, historyVisible: settings.historyVisible })
    : Effect.fail(badRequest("read_diffusion_threshold must be a whole number of members (0: the server's)"))

/** Extra parts of a committed change (read diffusion). */
interface CommitOptions {
  readonly follow?: number | undefined
  readonly inLog?: boolean | undefined
  readonly departed?: PendingEvent["departed"]
  readonly logSeq?: number | undefined
}

const groupLayer = (settings: WeftSettings) =>
  Group.toLayer(
    supervised("Group", Effect.gen(function*() {
      const storage = yield* Storage
      const changeLogs = yield* actorClient(ChangeLog)
      const groupId = (yield* Entity.CurrentAddress).entityId
      const idc = Option.getOrUndefined(yield* Effect.serviceOption(Idc))
      const hooks = yield* Hooks
      const context = yield* Effect.context<Storage | Pusher>()
      const maxMembers = settings.features.maxGroupMembers
      const stored = yield* storage.get(groupKey(groupId)).pipe(Effect.orDie)
      let state: GroupState | undefined = stored === undefined ? undefined : decodeJson<GroupState>(stored)

      // The members by id, and their ids in order: the audience of the group log's pushes.
      let index = new Map<string, Member>()
      let memberIds: ReadonlyArray<string> = []
      const reindex = () => {
        index = new Map(state?.members.map((member) => [member.userId, member]))
        memberIds = state?.members.map((member) => member.userId) ?? []
      }
      reindex()

      // The group's own log, opened when the group is (or becomes) a read-diffusion group.
      let log: GroupLog.GroupLog | undefined
      const groupLog = Effect.suspend(() =>
        log !== undefined
          ? Effect.succeed(log)
          : GroupLog.make(groupId, {
            dedupeTtlMs: settings.changeLog.dedupeTtlMs,
            maxEntries: settings.changeLog.maxEntries,
            maxPage: settings.gateway.maxSyncPage,
            audience: () => memberIds
          }).pipe(Effect.mapError(storageFailed), Effect.provide(context), Effect.map((opened) => (log ??= opened)))
      )
      if (state?.diffusion !== undefined) yield* Effect.orDie(groupLog)

      const thresholdOf = (current: GroupState) =>
        current.settings?.readDiffusionThreshold || settings.features.readDiffusionThreshold

      const info = (current: GroupState): typeof GroupInfoSchema.Type => ({
        groupId: current.groupId,
        name: current.name,
        owner: current.owner,
        members: current.members.map((member) => ({ userId: member.userId, joinedAtMs: member.joinedAtMs })),
        createdAtMs: current.createdAtMs,
        settings: current.settings ?? noSettings,
        readDiffusion: current.diffusion !== undefined,
        logSeq: log?.head().seq ?? 0
      })

      const save = (next: GroupState) =>
        storage.set(groupKey(groupId), encodeJson(next)).pipe(
          Effect.mapError(storageFailed),
          Effect.tap(() =>
            Effect.sync(() => {
              const moved = state?.members !== next.members
              state = next
              if (moved) reindex()
            })
          )
        )

      const append = (userId: string, body: Uint8Array, dedupeKey: string, extra: { origin?: string | undefined; follow?: number | undefined } = {}) =>
        changeLogs(userId).Append({
          body,
          dedupeKey,
          origin: extra.origin,
          follow: extra.follow === undefined ? undefined : { groupId, fromSeq: extra.follow }
        })

      const fanOut = (targets: ReadonlyArray<string>, body: Uint8Array, dedupeKey: string, follow?: number) =>
        Effect.forEach(targets, (userId) => append(userId, body, dedupeKey, { follow }), {
          concurrency: FAN_OUT_CONCURRENCY,
          discard: true
        })

      /** Writes out the pending event, if any, then forgets it. */
      const settle = Effect.gen(function*() {
        const current = state
        if (current?.pending === undefined) return
        const { event, targets, dedupeKey, follow, inLog, departed } = current.pending
        const body = encodeChangeBody({ group: event })
        if (inLog) {
          const groupLogNow = yield* groupLog
          const appended = yield* groupLogNow.append(body, dedupeKey)
          if (departed !== undefined) {
            yield* groupLogNow.departed(departed.userId, { fromSeq: departed.fromSeq, untilSeq: appended.seq })
          }
          if (event.kind === GroupEventKind.MEMBERS_ADDED) {
            yield* Effect.forEach(event.userIds, groupLogNow.returned, { concurrency: FAN_OUT_CONCURRENCY, discard: true })
          }
        }
        yield* fanOut(targets, body, dedupeKey, follow)
        yield* save({ ...current, pending: undefined })
      })

      /** Stores the new state with its event pending, then writes the event to `targets`. */
      const commit = (
        next: Omit<GroupState, "pending">,
        kind: number,
        actor: string,
        userIds: ReadonlyArray<string>,
        targets: ReadonlyArray<string>,
        options: CommitOptions = {}
      ) => {
        const event: GroupEvent = {
          kind,
          groupId,
          actor,
          userIds,
          name: next.name,
          owner: next.owner,
          memberCount: next.members.length,
          ...(next.diffusion === undefined ? {} : { readDiffusion: true, logSeq: options.logSeq ?? 0 }),
          ...(kind === GroupEventKind.SETTINGS_CHANGED ? { settings: next.settings ?? noSettings } : {})
        }
        const pending: PendingEvent = {
          event,
          targets,
          dedupeKey: `group:${groupId}:${next.version}`,
          follow: options.follow,
          inLog: options.inLog,
          departed: options.departed
        }
        return save({ ...next, pending }).pipe(
          Effect.andThen(settle),
          Effect.tap(() =>
            hooks.afterGroupChange === undefined
              ? Effect.void
              : hooks.afterGroupChange({ groupId, by: actor, kind: changeKinds[kind] ?? String(kind), members: userIds, name: next.name })
          )
        )
      }

      /**
       * A group past its threshold starts keeping its messages in its own log. One request at a
       * time: every message before this is in the members' logs, every one after in the group's.
       */
      const convertIfLarge = (actor: string) =>
        Effect.gen(function*() {
          const current = state
          if (current === undefined || current.diffusion !== undefined || current.members.length <= thresholdOf(current)) return
          const sinceSeq = (yield* groupLog).head().seq
          const version = current.version + 1
          const members = current.members.map((member) => ({ ...member, fromSeq: sinceSeq }))
          const next = { ...current, version, members, diffusion: { sinceMs: Date.now(), sinceSeq, version } }
          yield* commit(next, GroupEventKind.CONVERTED, actor, [], memberIds, { follow: sinceSeq, logSeq: sinceSeq })
        })

      /** The group, settled (and converted if it has grown past its threshold), with the caller as a member. */
      const forMember = (caller: string) =>
        Effect.gen(function*() {
          if (state === undefined) return yield* notFound(`no group ${groupId}`)
          yield* settle
          yield* convertIfLarge(caller)
          const current = state!
          if (!index.has(caller)) return yield* notAMember(`you are not a member of group ${groupId}`)
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
          const away = unique.findIndex((_, i) => homeElsewhere(idc, accounts[i]!) !== undefined)
          if (away >= 0) return yield* notAcrossIdcs(unique[away]!, homeElsewhere(idc, accounts[away]!)!, "groups")
          return unique
        })

      const tooMany = (count: number) =>
        badRequest(`a group has at most ${maxMembers} members (this would make ${count})`)

      const create = Effect.fn("Group.create")(function*(
        caller: string,
        name: string,
        members: ReadonlyArray<string>,
        requested: GroupSettings | undefined
      ) {
        if (state !== undefined) return yield* conflict(`group ${groupId} exists`)
        yield* checkName(name)
        const groupSettings = yield* checkSettings(requested ?? noSettings)
        // Bounds the work before anything is read; repeats and the caller are dropped after.
        if (members.length > maxMembers) return yield* tooMany(members.length + 1)
        const others = [...new Set(members)].filter((userId) => userId !== caller)
        if (others.length + 1 > maxMembers) return yield* tooMany(others.length + 1)
        yield* existingUsers(others)
        const now = Date.now()
        const all = [caller, ...others]
        const bornLarge = all.length > (groupSettings.readDiffusionThreshold || settings.features.readDiffusionThreshold)
        const next = {
          groupId,
          name,
          owner: caller,
          createdAtMs: now,
          version: 1,
          settings: groupSettings,
          members: all.map((userId) => ({ userId, joinedAtMs: now, joinedVersion: 1, ...(bornLarge ? { fromSeq: 0 } : {}) })),
          ...(bornLarge ? { diffusion: { sinceMs: 0, sinceSeq: 0, version: 1 } } : {})
        }
        if (bornLarge) yield* groupLog
        yield* commit(next, GroupEventKind.CREATED, caller, all, all, bornLarge ? { follow: 0, logSeq: 0 } : {})
        return info(next)
      })

      const addMembers = Effect.fn("Group.addMembers")(function*(caller: string, userIds: ReadonlyArray<string>) {
        const current = yield* forMember(caller)
        if (userIds.length === 0) return yield* badRequest("name at least one user to add")
        if (userIds.length > maxMembers) return yield* tooMany(current.members.length + userIds.length)
        const added = (yield* existingUsers(userIds)).filter((userId) => !index.has(userId))
        if (added.length === 0) return { added, memberCount: current.members.length }
        if (current.members.length + added.length > maxMembers) {
          return yield* tooMany(current.members.length + added.length)
        }
        const version = current.version + 1
        const now = Date.now()
        if (current.diffusion !== undefined) {
          // New members read from here on (from the start if the group shows its history); the
          // others learn of them from the group's log.
          const fromSeq = current.settings?.historyVisible ? 0 : (yield* groupLog).head().seq
          const members = [...current.members, ...added.map((userId) => ({ userId, joinedAtMs: now, joinedVersion: version, fromSeq }))]
          yield* commit({ ...current, version, members }, GroupEventKind.MEMBERS_ADDED, caller, added, added, {
            follow: fromSeq,
            logSeq: fromSeq,
            inLog: true
          })
          return { added, memberCount: members.length }
        }
        const members = [...current.members, ...added.map((userId) => ({ userId, joinedAtMs: now, joinedVersion: version }))]
        const next = { ...current, version, members }
        yield* commit(next, GroupEventKind.MEMBERS_ADDED, caller, added, members.map((member) => member.userId))
        yield* convertIfLarge(caller)
        return { added, memberCount: members.length }
      })

      /**
       * Takes `userId` out. The event goes to everyone who was a member, `userId` included — in a
       * read-diffusion group through the group's log, and to `userId`'s own log.
       */
      const without = (current: GroupState, userId: string, kind: number, actor: string) => {
        const members = current.members.filter((member) => member.userId !== userId)
        // The owner's successor is the member who joined earliest.
        const owner = current.owner === userId ? (members[0]?.userId ?? "") : current.owner
        const next = { ...current, version: current.version + 1, members, owner }
        if (current.diffusion === undefined) {
          return commit(next, kind, actor, [userId], current.members.map((member) => member.userId))
        }
        const fromSeq = index.get(userId)?.fromSeq ?? current.diffusion.sinceSeq
        return commit(next, kind, actor, [userId], [userId], {
          follow: GroupNews.UNFOLLOW,
          inLog: true,
          departed: { userId, fromSeq }
        })
      }

      const leave = Effect.fn("Group.leave")(function*(caller: string) {
        const current = yield* forMember(caller)
        yield* without(current, caller, GroupEventKind.MEMBER_LEFT, caller)
      })

      const removeMember = Effect.fn("Group.removeMember")(function*(caller: string, userId: string) {
        if (userId === caller) return yield* leave(caller)
        const current = yield* forMember(caller)
        if (current.owner !== caller) return yield* forbidden("only the group's owner may remove other members")
        if (!index.has(userId)) return yield* notAMember(`${userId} is not a member of group ${groupId}`)
        yield* without(current, userId, GroupEventKind.MEMBER_REMOVED, caller)
      })

      /** A change every member learns of: from their own logs, or from the group's log. */
      const announce = (current: GroupState, next: Omit<GroupState, "pending">, kind: number, caller: string) =>
        current.diffusion === undefined
          ? commit(next, kind, caller, [], memberIds)
          : commit(next, kind, caller, [], [], { inLog: true })

      const rename = Effect.fn("Group.rename")(function*(caller: string, name: string) {
        const current = yield* forMember(caller)
        yield* checkName(name)
        yield* announce(current, { ...current, name, version: current.version + 1 }, GroupEventKind.RENAMED, caller)
      })

      const setSettings = Effect.fn("Group.setSettings")(function*(caller: string, requested: GroupSettings) {
        const current = yield* forMember(caller)
        if (current.owner !== caller) return yield* forbidden("only the group's owner may change its settings")
        const groupSettings = yield* checkSettings(requested)
        const next = { ...current, settings: groupSettings, version: current.version + 1 }
        yield* announce(current, next, GroupEventKind.SETTINGS_CHANGED, caller)
        yield* convertIfLarge(caller)
      })

      const post = Effect.fnUntraced(function*(message: Messages.MessageRecord, origin: string | undefined) {
        const current = yield* forMember(message.from)
        if (current.diffusion !== undefined) return yield* postToLog(current, current.diffusion, message, origin)
        const dedupeKey = `msg:${message.messageId}`
        const own = yield* append(message.from, encodeChangeBody({ message }), dedupeKey, { origin })
        // On a resend the sender's log already holds the message: keep its original content.
        const decoded = own.duplicate ? Codecs.Change.decode(own.data).message : undefined
        const stored = decoded ? messageRecord(decoded) : message
        // The id was used for another conversation: the sender's log holds that message.
        if (stored.groupId !== groupId) return yield* reusedId(message)
        const others = memberIds.filter((userId) => userId !== message.from)
        yield* fanOut(others, encodeChangeBody({ message: stored }), dedupeKey)
        return { seq: own.seq, sentAtMs: stored.sentAtMs, duplicate: own.duplicate, version: current.version, copies: [], groupSeq: 0 }
      })

      /** Read diffusion: one write into the group's log, and copies for the members it names. */
      const postToLog = Effect.fnUntraced(function*(
        current: GroupState,
        diffusion: Diffusion,
        message: Messages.MessageRecord,
        origin: string | undefined
      ) {
        const dedupeKey = `msg:${message.messageId}`
        // Within the dedupe window after a conversion, a resend may be of a message whose fan-out
        // began before it (and failed half-way): that fan-out is finished, the message not posted again.
        if (Date.now() - diffusion.sinceMs < settings.changeLog.dedupeTtlMs) {
          const earlier = yield* storage.logDeduped(message.from, dedupeKey).pipe(Effect.mapError(storageFailed))
          const decoded = earlier === undefined ? undefined : Codecs.Change.decode(earlier.data).message
          if (earlier !== undefined && decoded) {
            const stored = messageRecord(decoded)
            if (stored.groupId !== groupId) return yield* reusedId(message)
            // The members of when it was first sent.
            const holders = current.members
              .filter((member) => member.joinedAtMs <= stored.sentAtMs && member.userId !== message.from)
              .map((member) => member.userId)
            yield* fanOut(holders, encodeChangeBody({ message: stored }), dedupeKey)
            return { seq: earlier.seq, sentAtMs: stored.sentAtMs, duplicate: true, version: diffusion.version - 1, copies: [], groupSeq: 0 }
          }
        }
        const appended = yield* (yield* groupLog).append(encodeChangeBody({ message }), dedupeKey, origin)
        const decoded = appended.duplicate ? Codecs.Change.decode(appended.data).message : undefined
        const stored = decoded ? messageRecord(decoded) : message
        const copies = namedUsers(stored).filter((userId) => index.has(userId))
        if (copies.length > 0) yield* fanOut(copies, encodeChangeBody({ message: stored }), dedupeKey)
        return { seq: 0, sentAtMs: stored.sentAtMs, duplicate: appended.duplicate, version: current.version, copies, groupSeq: appended.seq }
      })

      const recall = Effect.fn("Group.recall")(function*(
        recalled: Messages.RecalledRecord,
        version: number,
        copies: ReadonlyArray<string>
      ) {
        const current = yield* forMember(recalled.from)
        const body = encodeChangeBody({ recalled })
        const dedupeKey = `recall:${recalled.messageId}`
        if (current.diffusion !== undefined && version >= current.diffusion.version) {
          const appended = yield* (yield* groupLog).append(body, dedupeKey)
          yield* fanOut(copies.filter((userId) => index.has(userId)), body, dedupeKey)
          return { seq: appended.seq }
        }
        const own = yield* append(recalled.from, body, dedupeKey)
        // The members who received it and are still here (a member who left got nothing more).
        const holders = current.members
          .filter((member) => member.joinedVersion <= version && member.userId !== recalled.from)
          .map((member) => member.userId)
        yield* fanOut(holders, body, dedupeKey)
        return { seq: own.seq }
      })

      /** SYNC_GROUP: what the caller may read of the group's log after `cursor`. */
      const read = (caller: string, cursor: number, limit: number) =>
        Effect.gen(function*() {
          const current = state
          if (current === undefined) return yield* notFound(`no group ${groupId}`)
          if (current.diffusion === undefined) return { entries: [], cursor, more: false, epoch: "" }
          const groupLogNow = yield* groupLog
          const member = index.get(caller)
          const range = member === undefined
            ? yield* groupLogNow.departure(caller)
            : { fromSeq: member.fromSeq ?? current.diffusion.sinceSeq, untilSeq: Number.POSITIVE_INFINITY }
          return yield* groupLogNow.read(cursor, limit, range)
        })

      return Group.of({
        Create: ({ payload }) => create(payload.caller, payload.name, payload.members, payload.settings),
        AddMembers: ({ payload }) => addMembers(payload.caller, payload.userIds),
        RemoveMember: ({ payload }) => removeMember(payload.caller, payload.userId),
        Leave: ({ payload }) => leave(payload.caller),
        Rename: ({ payload }) => rename(payload.caller, payload.name),
        Members: ({ payload }) => Effect.map(forMember(payload.caller), info),
        SetSettings: ({ payload }) => setSettings(payload.caller, payload.settings),
        Post: ({ payload }) => post(payload.message, payload.origin),
        Recall: ({ payload }) => recall(payload.recalled, payload.version, payload.copies ?? []),
        // Reads do not wait behind the group's writes.
        Read: ({ payload }) => Rpc.fork(read(payload.caller, payload.cursor, payload.limit))
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
