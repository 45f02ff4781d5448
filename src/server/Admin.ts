/**
 * What the app's own server may do to weft, in-process: send a message as any user, or a system
 * notice as nobody; create a group and set its members; import users; end a user's sessions;
 * read a user's devices and presence. The admin API (AdminApi.ts) serves the same operations as
 * JSON over HTTP on the admin port.
 *
 * Every operation goes through the actors that own the data (actorClient, as the gateway's
 * commands do), so their checks, dedupe keys and pushes apply: a message sent here is stored
 * in every log before the call answers, and a retry with the same `clientMsgId` stores nothing
 * twice.
 *
 * A **system notice** is a Message of type SYSTEM from SYSTEM_SENDER ("@system", which no user
 * id can be), appended to the recipients' logs — to users, or to every member of a group at
 * that moment (group_id set) — and pushed like any message. Only its recipients' logs hold it.
 */
import { randomUUID } from "node:crypto"
import { Context, Effect, Layer } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../actors/ActorCall.ts"
import { ChangeLog, encodeChangeBody } from "../actors/ChangeLog.ts"
import { Group, groupKey } from "../actors/Groups.ts"
import { Messenger } from "../actors/Messenger.ts"
import { accountKey, isValidUserId, Session } from "../actors/Session.ts"
import { Presence } from "../cluster/Presence.ts"
import { ConnectionRegistry } from "../gateway/ConnectionRegistry.ts"
import { type GroupInfo, isGroupId, newGroupId } from "../protocol/groups.ts"
import { MAX_CLIENT_MSG_ID_LENGTH, MAX_TEXT_LENGTH, MessageType, SYSTEM_SENDER } from "../protocol/messages.ts"
import { badRequest, invalidUserId, notFound, unavailable, type WeftError } from "../protocol/WeftError.ts"
import { decodeJson, Storage } from "../storage/Storage.ts"

export interface SendAsUser {
  readonly from: string
  /** The recipient (1:1), or... */
  readonly to?: string | undefined
  /** ...the group (the sender must be a member). */
  readonly groupId?: string | undefined
  readonly text: string
  /** The dedupe key of the message (a retry with it stores nothing twice); one is made when absent. */
  readonly clientMsgId?: string | undefined
}

export interface SendSystemNotice {
  /** Users to notify, or... */
  readonly to?: ReadonlyArray<string> | undefined
  /** ...every member of this group. */
  readonly groupId?: string | undefined
  readonly text: string
  readonly clientMsgId?: string | undefined
}

export interface Sent {
  readonly messageId: string
  readonly sentAtMs: number
  /** Where it was stored: each recipient's log and sequence number (the sender's, for a user's message). */
  readonly stored: ReadonlyArray<{ readonly userId: string; readonly seq: number }>
}

export interface ImportedUser {
  readonly userId: string
  readonly displayName?: string | undefined
  /** weft's own password (8..256 characters), for apps that use weft's logins; none for app-token users. */
  readonly password?: string | undefined
}

export interface UserDevices {
  readonly userId: string
  /** Connected now, on some gateway. */
  readonly online: boolean
  /** Push addresses of the gateways holding the user's connections (clustered mode). */
  readonly gateways: ReadonlyArray<string>
  /** The user's connections on this process (dev mode, or a gateway's own). */
  readonly connections: ReadonlyArray<{ readonly connectionId: number; readonly deviceId: string; readonly platform: number }>
  /** The user's signed-in sessions (devices), newest login first. */
  readonly sessions: ReadonlyArray<{
    readonly sessionId: string
    readonly device: { readonly deviceId: string; readonly platform: number; readonly name: string }
    readonly issuedAtMs: number
    readonly lastSeenAtMs: number
  }>
}

/** Users one import may carry: a bigger list goes in several calls. */
export const MAX_IMPORT = 1000
/** Recipients one system notice may name (a group reaches all its members). */
export const MAX_NOTICE_RECIPIENTS = 1000

export class Admin extends Context.Service<Admin, {
  readonly sendAsUser: (message: SendAsUser) => Effect.Effect<Sent, WeftError>
  readonly sendSystemNotice: (notice: SendSystemNotice) => Effect.Effect<Sent, WeftError>
  /** A group owned by `owner` (who must exist) with `members`. */
  readonly createGroup: (group: { readonly owner: string; readonly name: string; readonly members: ReadonlyArray<string> }) => Effect.Effect<GroupInfo, WeftError>
  /**
   * Makes `members` the group's members: adds the missing, removes the others (the owner last:
   * ownership then passes to the earliest member). Each change is an event in the members' logs.
   */
  readonly setGroupMembers: (groupId: string, members: ReadonlyArray<string>) => Effect.Effect<{ readonly added: ReadonlyArray<string>; readonly removed: ReadonlyArray<string> }, WeftError>
  /** Creates the users that do not exist yet; existing ones are left as they are (`created: false`). */
  readonly importUsers: (users: ReadonlyArray<ImportedUser>) => Effect.Effect<ReadonlyArray<{ readonly userId: string; readonly created: boolean }>, WeftError>
  /** Ends the user's sessions (all, or one by its session id) and closes their connections. */
  readonly revokeSessions: (userId: string, sessionId?: string | undefined) => Effect.Effect<{ readonly revoked: ReadonlyArray<string> }, WeftError>
  readonly devices: (userId: string) => Effect.Effect<UserDevices, WeftError>
}>()("weft/server/Admin") {}

const storageFailed = () => unavailable("storage failed")

const checkUser = (userId: string, what: string) =>
  isValidUserId(userId) ? Effect.void : Effect.fail(invalidUserId(`${what} ${JSON.stringify(userId)} is not a user id ([A-Za-z0-9_.-]{1,64})`))

const checkText = (text: string) =>
  text.length === 0 || text.length > MAX_TEXT_LENGTH ? Effect.fail(badRequest(`text must have 1..${MAX_TEXT_LENGTH} characters`)) : Effect.void

const clientMsgIdOf = (given: string | undefined): Effect.Effect<string, WeftError> =>
  given === undefined || given === ""
    ? Effect.succeed(`admin-${randomUUID()}`)
    : given.length > MAX_CLIENT_MSG_ID_LENGTH
    ? Effect.fail(badRequest(`clientMsgId must have at most ${MAX_CLIENT_MSG_ID_LENGTH} characters`))
    : Effect.succeed(given)

export const make = Effect.gen(function*() {
  const storage = yield* Storage
  const presence = yield* Presence
  const registry = yield* Effect.serviceOption(ConnectionRegistry)
  const sessions = yield* actorClient(Session)
  const messengers = yield* actorClient(Messenger)
  const changeLogs = yield* actorClient(ChangeLog)
  const groups = yield* actorClient(Group)

  const exists = (userId: string) =>
    storage.get(accountKey(userId)).pipe(Effect.mapError(storageFailed), Effect.map((account) => account !== undefined))

  const requireUser = (userId: string, what: string) =>
    Effect.andThen(checkUser(userId, what), exists(userId)).pipe(
      Effect.flatMap((found) => found ? Effect.void : Effect.fail(notFound(`no user ${userId}`)))
    )

  /** The group as its actor last stored it: owner and members. */
  const readGroup = (groupId: string) =>
    Effect.gen(function*() {
      if (!isGroupId(groupId)) return yield* notFound(`no group ${JSON.stringify(groupId)}`)
      const stored = yield* storage.get(groupKey(groupId)).pipe(Effect.mapError(storageFailed))
      if (stored === undefined) return yield* notFound(`no group ${groupId}`)
      return decodeJson<{ readonly owner: string; readonly members: ReadonlyArray<{ readonly userId: string }> }>(stored)
    })

  const exactlyOne = (to: unknown, groupId: string | undefined) =>
    (to === undefined) === (groupId === undefined || groupId === "")
      ? Effect.fail(badRequest("give exactly one of to and groupId"))
      : Effect.void

  return Admin.of({
    sendAsUser: Effect.fn("Admin.sendAsUser")(function*(message) {
      yield* exactlyOne(message.to === "" ? undefined : message.to, message.groupId)
      yield* requireUser(message.from, "from")
      yield* checkText(message.text)
      const clientMsgId = yield* clientMsgIdOf(message.clientMsgId)
      const sent = yield* messengers(message.from).Send({
        to: message.to ?? "",
        groupId: message.groupId ?? "",
        type: MessageType.TEXT,
        text: message.text,
        clientMsgId,
        media: null
      })
      return { messageId: sent.messageId, sentAtMs: sent.sentAtMs, stored: [{ userId: message.from, seq: sent.seq }] }
    }),

    sendSystemNotice: Effect.fn("Admin.sendSystemNotice")(function*(notice) {
      yield* exactlyOne(notice.to, notice.groupId)
      yield* checkText(notice.text)
      const clientMsgId = yield* clientMsgIdOf(notice.clientMsgId)
      const groupId = notice.groupId ?? ""
      let recipients: ReadonlyArray<string>
      if (groupId !== "") {
        recipients = (yield* readGroup(groupId)).members.map((member) => member.userId)
      } else {
        recipients = [...new Set(notice.to)]
        if (recipients.length === 0 || recipients.length > MAX_NOTICE_RECIPIENTS) {
          return yield* badRequest(`to must name 1..${MAX_NOTICE_RECIPIENTS} users`)
        }
        // Every recipient is checked before anything is stored: a typo stores nothing.
        yield* Effect.forEach(recipients, (userId) => requireUser(userId, "to"), { concurrency: 16, discard: true })
      }
      const messageId = `${SYSTEM_SENDER}/${clientMsgId}`
      const sentAtMs = Date.now()
      const stored = yield* Effect.forEach(recipients, (userId) => {
        const body = encodeChangeBody({
          message: {
            messageId,
            from: SYSTEM_SENDER,
            to: groupId === "" ? userId : "",
            groupId,
            type: MessageType.SYSTEM,
            text: notice.text,
            clientMsgId,
            sentAtMs,
            media: null
          }
        })
        return Effect.map(changeLogs(userId).Append({ body, dedupeKey: `msg:${messageId}` }), (appended) => ({ userId, seq: appended.seq }))
      }, { concurrency: 16 })
      return { messageId, sentAtMs, stored }
    }),

    createGroup: Effect.fn("Admin.createGroup")(function*({ owner, name, members }) {
      yield* requireUser(owner, "owner")
      for (const member of members) yield* checkUser(member, "member")
      return yield* groups(newGroupId()).Create({ caller: owner, name, members })
    }),

    setGroupMembers: Effect.fn("Admin.setGroupMembers")(function*(groupId, members) {
      const wanted = [...new Set(members)]
      if (wanted.length === 0) return yield* badRequest("a group keeps at least one member (give members)")
      for (const member of wanted) yield* checkUser(member, "member")
      const current = yield* readGroup(groupId)
      const present = current.members.map((member) => member.userId)
      const added = wanted.filter((userId) => !present.includes(userId))
      const removed = present.filter((userId) => !wanted.includes(userId))
      const group = groups(groupId)
      // The owner acts (an admin is no member); it leaves last, so it can remove the others first.
      if (added.length > 0) yield* group.AddMembers({ caller: current.owner, userIds: added })
      for (const userId of removed) {
        if (userId !== current.owner) yield* group.RemoveMember({ caller: current.owner, userId })
      }
      if (removed.includes(current.owner)) yield* group.Leave({ caller: current.owner })
      return { added, removed }
    }),

    importUsers: Effect.fn("Admin.importUsers")(function*(users) {
      if (users.length === 0 || users.length > MAX_IMPORT) return yield* badRequest(`import 1..${MAX_IMPORT} users at a time`)
      for (const user of users) yield* checkUser(user.userId, "userId")
      const ids = users.map((user) => user.userId)
      const repeated = ids.find((userId, i) => ids.indexOf(userId) !== i)
      if (repeated !== undefined) return yield* badRequest(`user ${repeated} is listed twice`)
      return yield* Effect.forEach(users, (user) =>
        Effect.map(
          sessions(user.userId).Import({ displayName: user.displayName ?? "", password: user.password }),
          ({ created }) => ({ userId: user.userId, created })
        ), { concurrency: 8 })
    }),

    revokeSessions: Effect.fn("Admin.revokeSessions")(function*(userId, sessionId) {
      yield* requireUser(userId, "user")
      return yield* sessions(userId).Revoke({ sessionId, reason: "signed out by the server" })
    }),

    devices: Effect.fn("Admin.devices")(function*(userId) {
      yield* requireUser(userId, "user")
      const list = yield* sessions(userId).ListDevices({ sessionToken: "" })
      const gateways = yield* presence.gatewaysOf(userId)
      const connections = registry._tag === "Some"
        ? registry.value.connectionsOf(userId).map((target) => ({
          connectionId: target.connectionId,
          deviceId: target.deviceId,
          platform: target.platform
        }))
        : []
      return {
        userId,
        online: gateways.length > 0 || connections.length > 0,
        gateways,
        connections,
        sessions: list.map(({ current: _current, ...session }) => session)
      }
    })
  })
})

export const layer: Layer.Layer<Admin, never, Sharding.Sharding | Storage | Presence> = Layer.effect(Admin, make)
