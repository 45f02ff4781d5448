/**
 * The push-devices actor: one per user, the single writer of the user's push registrations
 * (Registrations.ts). It runs on the process that owns the user's shard — the process whose
 * log appends trigger notifications — and refreshes that process's Notifier cache with every
 * change, so the trigger knows at once that the user now has (or no longer has) a device to wake.
 */
import { Effect, Schema } from "effect"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { actorEntity } from "../actors/LocalActors.ts"
import { restartPolicy, supervised } from "../actors/Supervision.ts"
import { unavailable, WeftError } from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError } from "../storage/Storage.ts"
import { Notifier } from "./Notifier.ts"
import { type PushRegistration, registrationsKey } from "./Registrations.ts"

/** Stores (or replaces) the registration of its session: a PushRegistration as JSON. */
export const Register = Rpc.make("Register", {
  payload: { registration: Schema.String },
  error: WeftError
})

/**
 * Removes the registration of a session: unregistered, logged out, or its token found dead
 * (then `token` names the dead one, so a registration renewed meanwhile stays).
 */
export const Forget = Rpc.make("Forget", {
  payload: { sessionId: Schema.String, token: Schema.optional(Schema.String) },
  success: Schema.Boolean,
  error: WeftError
})

export const PushDevices = actorEntity(Entity.make("PushDevices", [Register, Forget]))

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

/** Reads a user's registrations from storage. */
export const load = (storage: Storage["Service"], userId: string) =>
  Effect.map(
    storage.mapEntries(registrationsKey(userId)),
    (entries) => entries.map(([, value]) => decodeJson<PushRegistration>(value))
  )

export const layer = PushDevices.toLayer(
  supervised("PushDevices", Effect.gen(function*() {
    const storage = yield* Storage
    const notifier = yield* Notifier
    const userId = (yield* Entity.CurrentAddress).entityId
    const key = registrationsKey(userId)

    const refresh = Effect.tap(load(storage, userId), (registrations) => Effect.sync(() => notifier.remember(userId, registrations)))

    return PushDevices.of({
      Register: ({ payload }) => {
        const registration = JSON.parse(payload.registration) as PushRegistration
        return storage.mapSet(key, registration.sessionId, encodeJson(registration)).pipe(
          Effect.andThen(refresh),
          Effect.asVoid,
          Effect.mapError(storageFailed)
        )
      },
      Forget: ({ payload }) =>
        Effect.gen(function*() {
          const stored = yield* storage.mapGet(key, payload.sessionId)
          if (stored === undefined) return false
          if (payload.token !== undefined && decodeJson<PushRegistration>(stored).token !== payload.token) return false
          yield* storage.mapRemove(key, payload.sessionId)
          yield* refresh
          return true
        }).pipe(Effect.mapError(storageFailed))
    })
  })),
  { maxIdleTime: "1 minute", defectRetryPolicy: restartPolicy }
)
