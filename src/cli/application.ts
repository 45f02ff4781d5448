/**
 * The application a server process runs beside weft's own features: `--feature <module>`
 * (comma-separated; each module's default export is a feature or a list of features, see
 * docs/framework.md) and an app server's hooks over HTTP (`--hook-url`, `--hook-secret`).
 * Every process of a cluster is given the same: runners host the features' actors, gateways
 * serve their commands.
 */
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import type { Feature } from "../server/Feature.ts"
import type { HookSet } from "../server/Hooks.ts"
import type { WeftOptions } from "../server/Application.ts"
import { UsageError } from "./args.ts"
import { milliseconds, onOff, type Source } from "./config.ts"

export const applicationFlags = ["feature", "hook-url", "hook-secret", "hook-timeout-ms", "hook-fail-open"] as const

const isFeature = (value: unknown): value is Feature =>
  typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string"

const loadFeatures = async (source: Source): Promise<ReadonlyArray<Feature>> => {
  const features: Array<Feature> = []
  for (const module of source.value.split(",").map((path) => path.trim()).filter((path) => path !== "")) {
    let loaded: { default?: unknown }
    try {
      loaded = await import(pathToFileURL(Path.resolve(module)).href) as { default?: unknown }
    } catch (error) {
      throw new UsageError(`${source.origin}: cannot load ${module}: ${error instanceof Error ? error.message : error}`)
    }
    const exported = Array.isArray(loaded.default) ? loaded.default : [loaded.default]
    if (exported.length === 0 || !exported.every(isFeature)) {
      throw new UsageError(`${source.origin}: ${module} must export a feature (or a list of them) as its default export`)
    }
    features.push(...exported)
  }
  return features
}

/** The features and hooks the flags name (none when they name none). */
export const loadApplication = async (get: (flag: string) => Source | undefined): Promise<WeftOptions> => {
  const feature = get("feature")
  const features = feature === undefined ? [] : await loadFeatures(feature)
  const url = get("hook-url")
  const hooks: Array<HookSet> = []
  if (url !== undefined) {
    const secret = get("hook-secret")
    if (secret === undefined || secret.value.length < 16) {
      throw new UsageError(`${url.origin} needs --hook-secret (or WEFT_HOOK_SECRET) of at least 16 characters`)
    }
    if (!/^https?:\/\//.test(url.value)) throw new UsageError(`${url.origin} must be an http:// or https:// URL`)
    // Imported only here: the command line checks its flags before it loads server code.
    const { webhook } = await import("../server/Webhook.ts")
    hooks.push(webhook({
      url: url.value,
      secret: secret.value,
      timeoutMs: milliseconds(get("hook-timeout-ms"), 2_000, 50, 60_000),
      failOpen: onOff(get("hook-fail-open"), false)
    }))
  }
  return { features, hooks }
}
