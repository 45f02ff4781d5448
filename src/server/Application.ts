/**
 * The application of a process: its features and hooks, as the services weft's command table
 * and actors read (Features, Hooks). Kept apart from Weft.ts so that a CLI loading features
 * does not load clustered mode's modules.
 */
import { Layer } from "effect"
import type { SettingsOverrides } from "../cluster/Settings.ts"
import { type Feature, Features } from "./Feature.ts"
import { combine, type HookSet, Hooks } from "./Hooks.ts"

export interface WeftOptions {
  /** The application's features, served beside weft's own. */
  readonly features?: ReadonlyArray<Feature> | undefined
  /** Hooks besides the features' own (`webhook(...)` for an app server), run after theirs. */
  readonly hooks?: HookSet | ReadonlyArray<HookSet> | undefined
  /** Settings that differ from weft's defaults (ports, limits, ...). */
  readonly settings?: SettingsOverrides | undefined
}

/** The features and hooks of a process, as the services the command table and the actors read. */
export const application = (options: WeftOptions) => {
  const features = options.features ?? []
  const extra = options.hooks === undefined ? [] : Array.isArray(options.hooks) ? options.hooks : [options.hooks as HookSet]
  const hooks = combine([...features.flatMap((feature) => feature.hooks === undefined ? [] : [feature.hooks]), ...extra])
  return Layer.mergeAll(Layer.succeed(Features, features), Layer.succeed(Hooks, hooks))
}

