/**
 * The logic layer: the per-user actors on Effect's cluster sharding. The entity code is the
 * same in every deployment; what differs is the runtime underneath — here, the one-process
 * runtime of dev mode (all shards on this process, in-memory runner bookkeeping, pushes
 * delivered in-process to this process's gateway).
 */
import { Effect, Layer } from "effect"
import { MessageStorage, RunnerHealth, Runners, RunnerStorage, Sharding, ShardingConfig } from "effect/cluster"
import * as ChangeLog from "../actors/ChangeLog.ts"
import * as Contacts from "../actors/Contacts.ts"
import * as Groups from "../actors/Groups.ts"
import * as LogReports from "../actors/LogReports.ts"
import * as Moments from "../actors/Moments.ts"
import * as Profiles from "../actors/Profiles.ts"
import * as Messenger from "../actors/Messenger.ts"
import * as Pusher from "../actors/Pusher.ts"
import * as Session from "../actors/Session.ts"
import * as Uploads from "../actors/Uploads.ts"
import * as ConnectionRegistry from "../gateway/ConnectionRegistry.ts"
import { Features } from "../server/Feature.ts"
import * as Notify from "../notify/Notify.ts"
import type { Storage } from "../storage/Storage.ts"
import * as Presence from "./Presence.ts"
import type { WeftSettings } from "./Settings.ts"

/** Every actor of a user, registered with the engine, and the actors of the application's features. */
export const entities = (settings: WeftSettings) =>
  Layer.mergeAll(builtInEntities(settings), featureEntities)

/** The actors of the features of this process (server/Feature.ts). */
const featureEntities = Layer.unwrap(
  Effect.map(Features, (features) => Layer.mergeAll(Layer.empty, ...features.flatMap((feature) => feature.actors ?? [])))
)

const builtInEntities = (settings: WeftSettings) =>
  Layer.mergeAll(
    ChangeLog.layer({ ...settings.changeLog, maxSyncPage: settings.gateway.maxSyncPage }),
    Session.layer(settings.session),
    Messenger.layer,
    Contacts.layer(settings),
    Profiles.layer(settings),
    Groups.layer(settings),
    Moments.layer(settings),
    LogReports.layer(settings),
    Uploads.layer(settings),
    Notify.entity
  )

/**
 * Sharding for a single process. Entity messages are volatile (MessageStorage.layerNoop):
 * the durable record is each user's change log, and a request whose acknowledgement is lost
 * is retried by the client with the same ids, which the actors deduplicate.
 */
export const singleProcessSharding: Layer.Layer<Sharding.Sharding> = Sharding.layer.pipe(
  Layer.provide(Runners.layerNoop),
  Layer.provide([MessageStorage.layerNoop, RunnerStorage.layerMemory, RunnerHealth.layerNoop]),
  // Messages between actors of one process are handed over as they are, not encoded and decoded
  // again (10-15% of the CPU of a 1:1 message, measured with bench/one-to-one.js); the clustered
  // tests exercise the encoding of everything that crosses processes.
  // Actors resident at once: the engine's default (10,000) is less than one write fan-out to a
  // 10,000-member group activates (a ChangeLog per member); idle actors are passivated anyway.
  Layer.provide(ShardingConfig.layer({ entityMailboxCapacity: 4096, simulateRemoteSerialization: false, maxResidentEntities: 200_000 }))
)

/** Dev mode's engine: actors, one-process sharding, in-process push; storage is supplied. */
export const devEngine = (
  settings: WeftSettings
): Layer.Layer<Sharding.Sharding | ConnectionRegistry.ConnectionRegistry | Presence.Presence, never, Storage> =>
  Layer.merge(entities(settings), Notify.delivery(settings.notify)).pipe(
    Layer.provideMerge(singleProcessSharding),
    Layer.provide(Notify.pusher(Pusher.layerLocal)),
    Layer.provide(Notify.local(settings.notify)),
    Layer.provideMerge(ConnectionRegistry.layer),
    Layer.provideMerge(Presence.layerLocal)
  )
