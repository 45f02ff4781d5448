/**
 * weft/server: build an IM backend with weft — compose a server from weft's features and your
 * own (commands, actors, protos, hooks), for dev mode or for the runners and gateways of
 * clustered mode. docs/framework.md walks through it.
 */
import { Effect } from "effect"
import { Entity } from "effect/cluster"

export * as Weft from "./Weft.ts"
export type { ClusterOptions, DevOptions, Listening, RunningWeft, WeftOptions } from "./Weft.ts"
export {
  actorClient,
  actorLayer,
  APP_COMMAND_MAX,
  APP_COMMAND_MIN,
  command,
  defineActor,
  feature,
  Features,
  loadProtos
} from "./Feature.ts"
export type { ActorServices, AppCommandSpec, Feature, Protos } from "./Feature.ts"
export { combine as combineHooks, Hooks, noHooks } from "./Hooks.ts"
export type { GroupChange, HookSet, LoginAttempt, MessageDraft, StoredMessage, Verdict } from "./Hooks.ts"
export { signWebhook, verifyWebhook, webhook } from "./Webhook.ts"
export { Admin } from "./Admin.ts"
export type { ImportedUser, SendAsUser, SendSystemNotice, Sent, UserDevices } from "./Admin.ts"
export type { WebhookOptions } from "./Webhook.ts"
export { MAX_APP_EVENT_BYTES, MAX_APP_EVENT_TYPE_LENGTH, userLogs } from "./UserLog.ts"
export type { AppEventInput, UserLogs } from "./UserLog.ts"
export type { Caller } from "../gateway/CommandTable.ts"
export { Status, statusName } from "../protocol/Status.ts"
export { WeftError } from "../protocol/WeftError.ts"
export { defaultSettings } from "../cluster/Settings.ts"
export type { SettingsOverrides, WeftSettings } from "../cluster/Settings.ts"
export { defaultClusterSettings } from "../cluster/Clustered.ts"
export type { ClusterSettings } from "../cluster/Clustered.ts"
export { decodeJson, encodeJson, Storage, userKey } from "../storage/Storage.ts"
export { layerMemory } from "../storage/memory.ts"

/** The id of the actor running this code (its user id, group id, ...): for an actor's build. */
export const actorId: Effect.Effect<string, never, Entity.CurrentAddress> = Effect.map(
  Entity.CurrentAddress,
  (address) => address.entityId
)
