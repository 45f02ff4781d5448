/**
 * The profile actor: one per user, the single writer of the user's display name, signature and
 * avatar. Every change goes into the user's own log and the log of each contact (as a
 * ProfileChanged with the whole profile), so every device that shows the user learns it by sync.
 *
 * A change is stored as not yet announced, written into the logs (with a dedupe key per
 * version), then marked announced; a change a failure left unannounced is announced before the
 * actor does anything else, so no contact misses it and none gets it twice.
 *
 * The avatar image is kept in storage beside the profile (it is small: features.maxAvatarBytes),
 * one key per version, and served by the gateway's `GET /avatars/<user id>` through this actor,
 * so a gateway needs no storage of its own.
 */
import { Effect, Schema } from "effect"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import type { WeftSettings } from "../cluster/Settings.ts"
import {
  AVATAR_TYPES,
  avatarPath,
  isImageOf,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_SIGNATURE_LENGTH,
  type Profile as ProfileMessage
} from "../protocol/profile.ts"
import { badRequest, notFound, tooLarge, unavailable, WeftError } from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError, userKey } from "../storage/Storage.ts"
import { encodeChangeBody } from "./ChangeLog.ts"
import { makeTellContacts } from "./Contacts.ts"
import { type Account, accountKey } from "./Session.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity } from "./LocalActors.ts"

const ProfileSchema = Schema.Struct({
  userId: Schema.String,
  displayName: Schema.String,
  signature: Schema.String,
  avatarUrl: Schema.String,
  version: Schema.Number,
  updatedAtMs: Schema.Number
})

export const Get = Rpc.make("Get", { success: ProfileSchema, error: WeftError })

export const Update = Rpc.make("Update", {
  payload: { displayName: Schema.optional(Schema.String), signature: Schema.optional(Schema.String) },
  success: ProfileSchema,
  error: WeftError
})

export const SetAvatar = Rpc.make("SetAvatar", {
  payload: { image: Schema.Uint8Array, contentType: Schema.String },
  success: ProfileSchema,
  error: WeftError
})

export const Avatar = Rpc.make("Avatar", {
  success: Schema.Struct({ image: Schema.Uint8Array, contentType: Schema.String, version: Schema.Number }),
  error: WeftError
})

export const Profile = actorEntity(Entity.make("Profile", [Get, Update, SetAvatar, Avatar]))

/** What is stored; the avatar's bytes are stored apart. */
interface ProfileRecord {
  readonly displayName: string
  readonly signature: string
  /** 0: no avatar. */
  readonly avatarVersion: number
  readonly avatarType: string
  readonly version: number
  readonly updatedAtMs: number
  /** False while the change is not yet in every log it goes to. */
  readonly announced?: boolean | undefined
}

const profileKey = (userId: string) => userKey(userId, "profile")
/** One key per avatar version: a new image never overwrites the one the profile still names. */
const avatarKey = (userId: string, version: number) => userKey(userId, "avatar", String(version))

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

/** Checks an avatar before anything is stored; the same checks serve every way of uploading. */
export const checkAvatar = (maxBytes: number, contentType: string, image: Uint8Array): Effect.Effect<void, WeftError> => {
  if (image.length === 0) return Effect.fail(badRequest("the avatar image is empty"))
  if (image.length > maxBytes) return Effect.fail(tooLarge(`an avatar has at most ${maxBytes} bytes, this one ${image.length}`))
  if (!AVATAR_TYPES.includes(contentType)) {
    return Effect.fail(badRequest(`an avatar's content type must be one of ${AVATAR_TYPES.join(", ")}`))
  }
  if (!isImageOf(contentType, image)) return Effect.fail(badRequest(`the bytes are not a ${contentType} image`))
  return Effect.void
}

export const layer = (settings: WeftSettings) =>
  Profile.toLayer(
    supervised("Profile", Effect.gen(function*() {
      const storage = yield* Storage
      const tellContacts = yield* makeTellContacts
      const userId = (yield* Entity.CurrentAddress).entityId

      /** The stored profile, or the one every account starts with; undefined for no account. */
      const load = Effect.gen(function*() {
        const stored = yield* storage.get(profileKey(userId))
        if (stored !== undefined) return decodeJson<ProfileRecord>(stored)
        const account = yield* storage.get(accountKey(userId))
        if (account === undefined) return undefined
        const { displayName, createdAtMs } = decodeJson<Account>(account)
        return { displayName, signature: "", avatarVersion: 0, avatarType: "", version: 1, updatedAtMs: createdAtMs }
      }).pipe(Effect.mapError(storageFailed))

      let record: ProfileRecord | undefined = yield* load.pipe(Effect.orDie)

      const view = (current: ProfileRecord): ProfileMessage => ({
        userId,
        displayName: current.displayName,
        signature: current.signature,
        avatarUrl: current.avatarVersion === 0 ? "" : `${avatarPath(userId)}?v=${current.avatarVersion}`,
        version: current.version,
        updatedAtMs: current.updatedAtMs
      })

      // An actor started for a user who did not exist yet looks again: the user may have registered since.
      const existing = Effect.gen(function*() {
        if (record === undefined) record = yield* load
        if (record === undefined) return yield* notFound(`no user ${userId}`)
        return record
      })

      const save = (next: ProfileRecord) =>
        storage.set(profileKey(userId), encodeJson(next)).pipe(
          Effect.mapError(storageFailed),
          Effect.tap(() => Effect.sync(() => (record = next)))
        )

      /** Tells the user's devices and every contact; the dedupe key makes a second telling a no-op. */
      const announce = (current: ProfileRecord) =>
        Effect.gen(function*() {
          yield* tellContacts(userId, encodeChangeBody({ profile: { profile: view(current) } }), `profile:${userId}:${current.version}`)
          yield* save({ ...current, announced: true })
        })

      /**
       * The profile, with any change a failure left unannounced announced first (it is stored
       * as not announced until every log has it).
       */
      const settled = Effect.gen(function*() {
        const current = yield* existing
        if (current.announced === false) yield* announce(current)
        return current
      })

      /** Stores the next profile, then announces it. */
      const commit = (changes: Partial<ProfileRecord>) =>
        Effect.gen(function*() {
          const current = yield* settled
          const next = { ...current, ...changes, version: current.version + 1, updatedAtMs: Date.now(), announced: false }
          yield* save(next)
          yield* announce(next)
          return view(next)
        })

      const update = Effect.fn("Profile.update")(function*(displayName: string | undefined, signature: string | undefined) {
        if (displayName === undefined && signature === undefined) {
          return yield* badRequest("give a display name, a signature or both")
        }
        if (displayName !== undefined && (displayName.trim() === "" || displayName.length > MAX_DISPLAY_NAME_LENGTH)) {
          return yield* badRequest(`a display name must have 1..${MAX_DISPLAY_NAME_LENGTH} characters, not only blanks`)
        }
        if (signature !== undefined && signature.length > MAX_SIGNATURE_LENGTH) {
          return yield* badRequest(`a signature has at most ${MAX_SIGNATURE_LENGTH} characters`)
        }
        const current = yield* settled
        const next = { displayName: displayName ?? current.displayName, signature: signature ?? current.signature }
        if (next.displayName === current.displayName && next.signature === current.signature) return view(current)
        return yield* commit(next)
      })

      const setAvatar = Effect.fn("Profile.setAvatar")(function*(image: Uint8Array, contentType: string) {
        yield* checkAvatar(settings.features.maxAvatarBytes, contentType, image)
        const current = yield* settled
        const version = current.avatarVersion + 1
        yield* storage.set(avatarKey(userId, version), image).pipe(Effect.mapError(storageFailed))
        const profile = yield* commit({ avatarVersion: version, avatarType: contentType })
        yield* storage.remove(avatarKey(userId, current.avatarVersion)).pipe(Effect.ignore)
        return profile
      })

      const avatar = Effect.gen(function*() {
        const current = yield* existing
        if (current.avatarVersion === 0) return yield* notFound(`${userId} has no avatar`)
        const image = yield* storage.get(avatarKey(userId, current.avatarVersion)).pipe(Effect.mapError(storageFailed))
        if (image === undefined) return yield* notFound(`${userId} has no avatar`)
        return { image, contentType: current.avatarType, version: current.avatarVersion }
      })

      return Profile.of({
        Get: () => Effect.map(settled, view),
        Update: ({ payload }) => update(payload.displayName, payload.signature),
        SetAvatar: ({ payload }) => setAvatar(payload.image, payload.contentType),
        Avatar: () => avatar
      })
    })),
    { maxIdleTime: "5 minutes", defectRetryPolicy: restartPolicy }
  )
