/**
 * Contacts. A relation between two users has one owner, the Friendship actor of the pair
 * (keyed by the two ids, sorted): it is the single writer of both sides — the field of each
 * user in the other's contact map — and writes every step into both users' logs. Two users
 * who ask each other at the same moment meet in that one actor, so the second request finds
 * the first and accepts it; nothing can leave the two sides disagreeing.
 *
 * A change is stored as pending (both sides and both events) before it is carried out, so a
 * change a failure cut short is finished before the pair's next request, and the log appends
 * carry a dedupe key per change, so nothing is written twice.
 *
 * A user's contact map (`{userId}:contacts`, one field per other user) has many writers, one
 * per pair, each writing its own field only. ContactList reads it for its user; Profiles and
 * Moments read it with `contactsOf` to know who sees a change.
 */
import { Effect, Layer, Option, Schema } from "effect"
import { homeElsewhere, Idc, notAcrossIdcs } from "../cluster/Idc.ts"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import type { WeftSettings } from "../cluster/Settings.ts"
import { type Contact, type ContactEvent, ContactEventKind, ContactState } from "../protocol/contacts.ts"
import {
  badRequest,
  conflict,
  invalidUserId,
  notAContact,
  notFound,
  unavailable,
  WeftError
} from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError, userKey } from "../storage/Storage.ts"
import { actorClient } from "./ActorCall.ts"
import { ChangeLog, encodeChangeBody } from "./ChangeLog.ts"
import { accountKey, isValidUserId } from "./Session.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity } from "./LocalActors.ts"

/** One side of a relation, stored in the owner's contact map under the other's id. */
interface ContactRecord {
  readonly state: number
  readonly sinceMs: number
  readonly message: string
}

export const contactsKey = (userId: string) => userKey(userId, "contacts")

/** The id of the Friendship actor of two users: the same whoever asks. */
export const pairId = (a: string, b: string): string => (a < b ? `${a}+${b}` : `${b}+${a}`)

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

/** The users who are contacts of `userId` (pending requests left out). */
export const contactsOf = (userId: string): Effect.Effect<ReadonlyArray<string>, WeftError, Storage> =>
  Effect.flatMap(Storage, (storage) => storage.mapEntries(contactsKey(userId))).pipe(
    Effect.map((entries) =>
      entries.filter(([, value]) => decodeJson<ContactRecord>(value).state === ContactState.CONTACT).map(([peer]) => peer)
    ),
    Effect.mapError(storageFailed)
  )

/** Whether `a` and `b` are contacts. */
export const areContacts = (a: string, b: string): Effect.Effect<boolean, WeftError, Storage> =>
  Effect.flatMap(Storage, (storage) => storage.mapGet(contactsKey(a), b)).pipe(
    Effect.map((value) => value !== undefined && decodeJson<ContactRecord>(value).state === ContactState.CONTACT),
    Effect.mapError(storageFailed)
  )

/** How many logs are written at once when a change goes to a user's contacts. */
const FAN_OUT_CONCURRENCY = 16

/**
 * For an actor that changes what a user's contacts see (profiles, moments): appends a change to
 * the user's own log and to the log of each of the user's contacts of the moment, with one
 * dedupe key for all of them (so writing it again after a failure writes nothing twice).
 */
export const makeTellContacts = Effect.gen(function*() {
  const storage = yield* Storage
  const changeLogs = yield* actorClient(ChangeLog)
  return (userId: string, body: Uint8Array, dedupeKey: string): Effect.Effect<void, WeftError> =>
    Effect.gen(function*() {
      const targets = [userId, ...(yield* Effect.provideService(contactsOf(userId), Storage, storage))]
      yield* Effect.forEach(
        targets,
        (target) => changeLogs(target).Append({ body, dedupeKey }),
        { concurrency: FAN_OUT_CONCURRENCY, discard: true }
      )
    })
})

const Pair = { caller: Schema.String, peer: Schema.String }

export const Request = Rpc.make("Request", {
  payload: { ...Pair, message: Schema.String },
  success: Schema.Struct({ accepted: Schema.Boolean }),
  error: WeftError
})

export const Respond = Rpc.make("Respond", { payload: { ...Pair, accept: Schema.Boolean }, error: WeftError })

export const Remove = Rpc.make("Remove", { payload: Pair, error: WeftError })

export const Friendship = actorEntity(Entity.make("Friendship", [Request, Respond, Remove]))

const ContactSchema = Schema.Struct({
  userId: Schema.String,
  state: Schema.Number,
  sinceMs: Schema.Number,
  message: Schema.String
})

export const List = Rpc.make("List", { success: Schema.Array(ContactSchema), error: WeftError })

/** One per user: reads the user's contact map (written by the Friendship actors). */
export const ContactList = actorEntity(Entity.make("ContactList", [List]))

const friendshipLayer = Friendship.toLayer(
  supervised("Friendship", Effect.gen(function*() {
    const storage = yield* Storage
    const changeLogs = yield* actorClient(ChangeLog)
    const idc = Option.getOrUndefined(yield* Effect.serviceOption(Idc))

    const read = (owner: string, peer: string) =>
      storage.mapGet(contactsKey(owner), peer).pipe(
        Effect.map((value) => (value === undefined ? undefined : decodeJson<ContactRecord>(value))),
        Effect.mapError(storageFailed)
      )

    // No record (null once it has been through JSON): the two have nothing between them.
    const write = (owner: string, peer: string, record: ContactRecord | undefined | null) =>
      (record === undefined || record === null
        ? storage.mapRemove(contactsKey(owner), peer)
        : storage.mapSet(contactsKey(owner), peer, encodeJson(record))).pipe(Effect.mapError(storageFailed))

    // The change in flight: stored before it is carried out and marked done after, so a change cut
    // short (a crash between the writes) is finished before the pair's next request. The log
    // appends carry a dedupe key per change, so finishing twice writes nothing twice.
    const [low, high] = (yield* Entity.CurrentAddress).entityId.split("+") as [string, string]
    const pendingKey = userKey(low, "friendship", high)

    interface Pending {
      readonly version: number
      readonly sides: ReadonlyArray<readonly [owner: string, peer: string, record: ContactRecord | undefined]>
      readonly events: ReadonlyArray<readonly [owner: string, event: ContactEvent]>
      readonly done: boolean
    }

    const readPending = storage.get(pendingKey).pipe(
      Effect.map((value) => (value === undefined ? undefined : decodeJson<Pending>(value))),
      Effect.mapError(storageFailed)
    )

    const savePending = (pending: Pending) =>
      storage.set(pendingKey, encodeJson(pending)).pipe(Effect.mapError(storageFailed))

    const carryOut = (pending: Pending) =>
      Effect.gen(function*() {
        for (const [owner, peer, record] of pending.sides) yield* write(owner, peer, record)
        for (const [owner, event] of pending.events) {
          yield* changeLogs(owner).Append({
              body: encodeChangeBody({ contact: event }),
              dedupeKey: `contact:${low}+${high}:${pending.version}`
            })
        }
        yield* savePending({ ...pending, done: true })
      })

    /** Finishes a change a failure cut short, if any; answers the pair's version. */
    const finishPending = Effect.flatMap(readPending, (pending) =>
      pending === undefined ? Effect.succeed(0) : Effect.as(pending.done ? Effect.void : carryOut(pending), pending.version))

    /** Stores both sides, then tells both users: `actor` did `kind` (as each of them sees it). */
    const settle = (
      actor: string,
      other: string,
      sides: { readonly actor: ContactRecord | undefined; readonly other: ContactRecord | undefined },
      kinds: { readonly actor: number; readonly other: number },
      message = ""
    ) =>
      Effect.gen(function*() {
        const pending: Pending = {
          version: (yield* finishPending) + 1,
          sides: [[actor, other, sides.actor], [other, actor, sides.other]],
          events: [
            [actor, { kind: kinds.actor, peer: other, actor, message }],
            [other, { kind: kinds.other, peer: actor, actor, message }]
          ],
          done: false
        }
        yield* savePending(pending)
        yield* carryOut(pending)
      })

    const contactsNow = (actor: string, other: string) => {
      const record = { state: ContactState.CONTACT, sinceMs: Date.now(), message: "" }
      const accepted = ContactEventKind.ACCEPTED
      return settle(actor, other, { actor: record, other: record }, { actor: accepted, other: accepted })
    }

    const request = Effect.fn("Friendship.request")(function*(caller: string, peer: string, message: string) {
      const account = yield* storage.get(accountKey(peer)).pipe(Effect.mapError(storageFailed))
      if (account === undefined) return yield* notFound(`no user ${peer}`)
      const home = homeElsewhere(idc, account)
      if (home !== undefined) return yield* notAcrossIdcs(peer, home, "contacts")
      const mine = yield* read(caller, peer)
      if (mine?.state === ContactState.CONTACT) return yield* conflict(`${peer} is already your contact`)
      if (mine?.state === ContactState.REQUEST_SENT) return yield* conflict(`your request to ${peer} is pending`)
      if (mine?.state === ContactState.REQUEST_RECEIVED) {
        yield* contactsNow(caller, peer)
        return { accepted: true }
      }
      const sinceMs = Date.now()
      yield* settle(
        caller,
        peer,
        {
          actor: { state: ContactState.REQUEST_SENT, sinceMs, message },
          other: { state: ContactState.REQUEST_RECEIVED, sinceMs, message }
        },
        { actor: ContactEventKind.REQUEST_SENT, other: ContactEventKind.REQUEST_RECEIVED },
        message
      )
      return { accepted: false }
    })

    const respond = Effect.fn("Friendship.respond")(function*(caller: string, peer: string, accept: boolean) {
      const mine = yield* read(caller, peer)
      if (mine?.state !== ContactState.REQUEST_RECEIVED) return yield* notFound(`no pending request from ${peer}`)
      if (accept) return yield* contactsNow(caller, peer)
      const declined = ContactEventKind.DECLINED
      yield* settle(caller, peer, { actor: undefined, other: undefined }, { actor: declined, other: declined })
    })

    const remove = Effect.fn("Friendship.remove")(function*(caller: string, peer: string) {
      const mine = yield* read(caller, peer)
      if (mine?.state !== ContactState.CONTACT && mine?.state !== ContactState.REQUEST_SENT) {
        return yield* notAContact(`${peer} is not your contact`)
      }
      const removed = ContactEventKind.REMOVED
      yield* settle(caller, peer, { actor: undefined, other: undefined }, { actor: removed, other: removed })
    })

    return Friendship.of({
      Request: ({ payload }) => Effect.andThen(finishPending, request(payload.caller, payload.peer, payload.message)),
      Respond: ({ payload }) => Effect.andThen(finishPending, respond(payload.caller, payload.peer, payload.accept)),
      Remove: ({ payload }) => Effect.andThen(finishPending, remove(payload.caller, payload.peer))
    })
  })),
  { maxIdleTime: "1 minute", defectRetryPolicy: restartPolicy }
)

const contactListLayer = ContactList.toLayer(
  supervised("ContactList", Effect.gen(function*() {
    const storage = yield* Storage
    const userId = (yield* Entity.CurrentAddress).entityId
    return ContactList.of({
      List: () =>
        storage.mapEntries(contactsKey(userId)).pipe(
          Effect.map((entries): Array<Contact> =>
            entries
              .map(([peer, value]) => ({ userId: peer, ...decodeJson<ContactRecord>(value) }))
              .sort((a, b) => (a.userId < b.userId ? -1 : 1))
          ),
          Effect.mapError(storageFailed)
        )
    })
  })),
  { maxIdleTime: "1 minute", defectRetryPolicy: restartPolicy }
)

/** Checks the peer of a contacts command before it reaches the pair's actor. */
export const checkPeer = (caller: string, peer: string, action: "request" | "other"): Effect.Effect<string, WeftError> => {
  if (!isValidUserId(peer)) return Effect.fail(invalidUserId(`${JSON.stringify(peer)} is not a user id`))
  if (action === "request" && peer === caller) return Effect.fail(badRequest("you cannot ask yourself to be a contact"))
  return Effect.succeed(peer)
}

export const layer = (_settings: WeftSettings) => Layer.mergeAll(friendshipLayer, contactListLayer)
