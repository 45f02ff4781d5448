/**
 * A feature: what an application adds to weft — its protobuf messages, its commands (served on
 * the long connection, WebSocket and `POST /cgi-bin/<name>` like weft's own), its actors
 * (entities on the same sharding, supervised and measured like weft's), and its hooks.
 *
 * The features of a process are the `Features` service; the command table (gateway) and the
 * engine (runner) read it when they start, so a feature given to `Weft.layer`, or with
 * `--feature <module>` to `weft dev`, `weft runner` and `weft gateway`, is served everywhere.
 * In clustered mode give every process the same features: runners host the actors, gateways
 * serve the commands and reach the actors through the engine.
 */
import { Context, Effect, type Layer } from "effect"
import { Entity, type Sharding } from "effect/cluster"
import type { Rpc } from "effect/rpc"
import { actorClient } from "../actors/ActorCall.ts"
import { actorEntity } from "../actors/LocalActors.ts"
import { restartPolicy, supervised } from "../actors/Supervision.ts"
import type { Caller, CommandHandler } from "../gateway/CommandTable.ts"
import type { CommandSpec } from "../protocol/Command.ts"
import type { Protos } from "../protocol/AppProtos.ts"
import type { AppCommandSpec } from "../protocol/AppProtos.ts"
import type { WeftError } from "../protocol/WeftError.ts"
import type { Storage } from "../storage/Storage.ts"
import type { HookSet } from "./Hooks.ts"

/** Command ids 1..999 are weft's; an application's commands use 1000..65535. */
export const APP_COMMAND_MIN = 1000
export const APP_COMMAND_MAX = 65535

/** A command of an application, answered by `handle` for a logged-in caller. */
export const command = <Req, Res>(
  spec: AppCommandSpec<Req, Res>,
  handle: (caller: Caller, request: Req) => Effect.Effect<Res, WeftError>
): CommandHandler<Req, Res> => ({ spec: spec as unknown as CommandSpec<Req, Res>, handle })

/** What weft gives an application's actors (beside the sharding): storage and the process's services. */
export type ActorServices = Sharding.Sharding | Storage

export interface Feature {
  /** Names the feature in errors and logs. */
  readonly name: string
  readonly protos?: Protos | undefined
  /** The feature's commands; an effect when they need actor clients (`actorClient`). */
  readonly commands?:
    | ReadonlyArray<CommandHandler>
    | Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding>
    | undefined
  /** The layers of its actors (`actorLayer`): hosted where weft's actors are (dev process, runners). */
  readonly actors?: ReadonlyArray<Layer.Layer<never, never, ActorServices>> | undefined
  readonly hooks?: HookSet | undefined
}

/** A feature, checked for shape when it is made. */
export const feature = (definition: Feature): Feature => {
  if (typeof definition.name !== "string" || definition.name === "") throw new Error("a feature needs a name")
  return definition
}

/** The features of this process (none unless a layer provides them). */
export const Features = Context.Reference<ReadonlyArray<Feature>>("weft/server/Features", { defaultValue: () => [] })

const NAME = /^[a-z][a-z0-9_-]{0,47}$/

const hasField = (codec: CommandSpec["request"], type: string): boolean => {
  const field = codec.type.fields["base"]
  return field !== undefined && field.resolvedType?.fullName === type
}

/**
 * The commands of every feature, checked against weft's own table: ids in the application
 * range, names usable as paths, nothing taken twice, responses that can carry an error.
 * A feature that breaks a rule stops the process at start, saying which and why.
 */
export const featureCommands = (
  builtIn: ReadonlyArray<CommandHandler>
): Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding> =>
  Effect.gen(function*() {
    const features = yield* Features
    const ids = new Map<number, string>(builtIn.map((entry) => [entry.spec.id, "weft"]))
    const names = new Map<string, string>(builtIn.map((entry) => [entry.spec.name, "weft"]))
    for (const name of ["register", "auth"]) names.set(name, "weft")
    const all: Array<CommandHandler> = []
    for (const feature of features) {
      const commands = feature.commands === undefined
        ? []
        : Effect.isEffect(feature.commands)
        ? yield* feature.commands
        : feature.commands
      for (const entry of commands) {
        const { id, name } = entry.spec
        const problem = !Number.isInteger(id) || id < APP_COMMAND_MIN || id > APP_COMMAND_MAX
          ? `command id ${id} is outside the application range ${APP_COMMAND_MIN}..${APP_COMMAND_MAX}`
          : ids.has(id)
          ? `command id ${id} is taken by ${ids.get(id)}`
          : !NAME.test(name)
          ? `command name ${JSON.stringify(name)} must match ${NAME.source}`
          : names.has(name)
          ? `command name ${name} is taken by ${names.get(name)}`
          : !hasField(entry.spec.response, ".weft.v1.BaseResponse")
          ? `the response of ${name} (${entry.spec.response.type.fullName}) needs a field "base" of type weft.v1.BaseResponse`
          : !hasField(entry.spec.request, ".weft.v1.BaseRequest")
          ? `the request of ${name} (${entry.spec.request.type.fullName}) needs a field "base" of type weft.v1.BaseRequest (field 15 by convention)`
          : undefined
        if (problem !== undefined) return yield* Effect.die(new Error(`feature ${feature.name}: ${problem}`))
        ids.set(id, `feature ${feature.name}`)
        names.set(name, `feature ${feature.name}`)
        all.push(entry)
      }
    }
    return all
  })

/**
 * An actor type of an application: an Entity (effect/cluster) keyed by any string id — a user
 * id, a group id, a room — with weft's settings (no client tracing spans).
 */
export const defineActor = <const Type extends string, const Rpcs extends ReadonlyArray<Rpc.Any>>(
  type: Type,
  rpcs: Rpcs
): Entity.Entity<Type, Rpcs[number]> => actorEntity(Entity.make(type, rpcs))

/**
 * The layer of an actor type: `build` runs when an actor starts (its id is
 * `Entity.CurrentAddress`'s entityId) and returns its handlers. Supervised like weft's own: a
 * crash restarts it with backoff, activations, messages and crashes are in /metrics, and calls
 * from this process take the local fast path.
 */
export const actorLayer = <Type extends string, Rpcs extends Rpc.Any, Handlers extends Entity.HandlersFrom<Rpcs>, R>(
  entity: Entity.Entity<Type, Rpcs>,
  build: Effect.Effect<Handlers, never, R>,
  options?: { readonly maxIdleTime?: string | number | undefined }
) =>
  entity.toLayer(supervised(entity.type, build), {
    maxIdleTime: (options?.maxIdleTime ?? "5 minutes") as never,
    defectRetryPolicy: restartPolicy
  })

export { actorClient }
export { loadProtos } from "../protocol/AppProtos.ts"
export type { AppCommandSpec, Protos } from "../protocol/AppProtos.ts"
