/**
 * Several data centres (IDCs), each a complete weft cluster (docs/multi-idc.md). What one IDC's
 * runners know of the others:
 *
 * - **The directory** (the account master, one Redis every IDC reaches): each user's account —
 *   with its home IDC — under the same key as in a single cluster (`{user}:account`), so a user
 *   id is taken once across IDCs and a password change is seen everywhere; and each live IDC's
 *   record (its link address and its gateways' endpoints), refreshed by its runners.
 * - **The outbound queues**: a change for a user homed elsewhere is appended to a Redis stream of
 *   this IDC's own Redis, one per destination IDC, and acknowledged once it is stored there; the
 *   drainers (IdcDrainer.ts) send each queue to its IDC until that IDC confirms.
 */
import { Context, Effect, Layer } from "effect"
import type { IdcEntry } from "../protocol/idc.ts"
import { badRequest, unavailable, type WeftError, wrongIdc } from "../protocol/WeftError.ts"
import { makeRedis } from "../storage/redis.ts"
import { decodeJson, encodeJson, Storage } from "../storage/Storage.ts"
import { Drainers } from "./IdcDrainer.ts"
import { IDC_NAME_PATTERN } from "./limits.ts"
import * as Placement from "./Placement.ts"
import { create as createRedis, RedisClient, type RedisConnection, storageOptions } from "./RedisClient.ts"

export interface IdcSettings {
  /** This IDC's name: [a-z0-9-]{1,32}. */
  readonly name: string
  /** The directory (account master): a `redis://` URL every IDC reaches. */
  readonly directoryUrl: string
  /** The secret the IDCs' links share (at least 16 characters; not the cluster secret). */
  readonly secret: string
  /** Where this runner takes batches from other IDCs. */
  readonly linkHost: string
  readonly linkPort: number
  /** The address other IDCs dial for this IDC's link ("host:port"); the link's own by default. */
  readonly linkAdvertise?: string | undefined
  /**
   * Replicas of this IDC's Redis (in its backup IDC) that must have a batch from another IDC
   * before the link acknowledges it (Redis WAIT): then a message to a user of this IDC that the
   * sending IDC deleted from its queue survives this IDC's loss. 0: acknowledge once stored here.
   */
  readonly replicasToConfirm: number
}

export { IDC_NAME_PATTERN }

/** An IDC as the directory shows it while it is alive. */
export interface IdcRecord {
  readonly name: string
  /** Where its link listens, "host:port". */
  readonly link: string
  /** Its gateways' endpoints, "tcp://host:port" and so on. */
  readonly endpoints: ReadonlyArray<string>
  readonly updatedAtMs: number
}

export class Idc extends Context.Service<Idc, {
  readonly name: string
  /** Stores `entry` in this IDC's queue for `idc`; succeeds once the queue holds it. */
  readonly enqueue: (idc: string, entry: IdcEntry) => Effect.Effect<void, WeftError>
  /** `idc`'s record, if it is alive (its runners refreshed it lately). */
  readonly lookup: (idc: string) => Effect.Effect<IdcRecord | undefined, WeftError>
}>()("weft/cluster/Idc") {}

/**
 * The IDC a stored account (Session.ts's Account) is homed in when that is not this one;
 * undefined in a single cluster, for a user of this IDC, or for an account from before IDCs.
 */
export const homeElsewhere = (idc: Idc["Service"] | undefined, account: Uint8Array): string | undefined => {
  if (idc === undefined) return undefined
  const home = decodeJson<{ readonly home?: string }>(account).home
  return home === undefined || home === idc.name ? undefined : home
}

/** The refusal of what does not cross data centres yet (only 1:1 messages do). */
export const notAcrossIdcs = (userId: string, home: string, what: string) =>
  wrongIdc(`${userId} is homed in IDC ${home}: ${what} across data centres are not supported yet (docs/multi-idc.md)`)

/** The directory's keys: the known IDCs (a set), and each one's record (expires unless refreshed). */
export const idcsKey = "weft:idcs"
export const recordKey = (idc: string) => `weft:idc:${idc}`
/** This IDC's queue for `idc`, in its own Redis (hash-tagged: one slot of a Redis Cluster). */
export const queueKey = (idc: string) => `{weft:idc-out:${idc}}`

const RECORD_TTL_MS = 10_000
const REFRESH_MS = 2_000

/** Keys that live in the directory rather than in the IDC's Redis: the accounts. */
const isAccountKey = (key: string) => key.startsWith("{") && key.endsWith("}:account")

/**
 * This IDC's storage with the accounts in the directory: every read and write of an account
 * (registration, login, password change, the recipient check of a message) goes there.
 */
export const withGlobalAccounts = (local: Storage["Service"], accounts: Storage["Service"]): Storage["Service"] => ({
  ...local,
  get: (key) => isAccountKey(key) ? accounts.get(key) : local.get(key),
  set: (key, value, options) => isAccountKey(key) ? accounts.set(key, value, options) : local.set(key, value, options),
  remove: (key) => isAccountKey(key) ? accounts.remove(key) : local.remove(key)
})

/** The runner's Storage, its accounts moved to the directory (replaces the Storage it is given). */
export const accountsLayer = (settings: IdcSettings): Layer.Layer<Storage, unknown, Storage> =>
  Layer.effect(Storage, Effect.gen(function*() {
    const local = yield* Storage
    const accounts = yield* makeRedis(storageOptions({ url: settings.directoryUrl, cluster: false }))
    return withGlobalAccounts(local, accounts)
  }))

/** A connection to the directory, open for the layer's scope. */
export const directory = (url: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const redis = createRedis({ url, cluster: false }, { connectTimeoutMs: 5_000 })
        redis.on("error", () => {})
        await redis.connect()
        return redis
      },
      catch: (cause) => new Error(`the IDC directory at ${url} is not reachable: ${cause instanceof Error ? cause.message : String(cause)}`)
    }),
    (redis) => Effect.promise(() => redis.quit().then(() => undefined, () => redis.disconnect()))
  )

export const readRecord = (dir: RedisConnection, idc: string): Promise<IdcRecord | undefined> =>
  dir.getBuffer(recordKey(idc)).then((value) => value === null ? undefined : decodeJson<IdcRecord>(value))

/**
 * The Idc service of a runner, and its record in the directory: refreshed every 2 s with this
 * IDC's live gateways (read from the cluster's Redis), so other IDCs can send clients here.
 * `nudge` is called after each enqueue (the drainers wake at once).
 */
export const layer = (settings: IdcSettings, shardsPerGroup: number): Layer.Layer<Idc, Error, RedisClient> =>
  Layer.effect(Idc, Effect.gen(function*() {
    const redis = yield* RedisClient
    const dir = yield* directory(settings.directoryUrl)
    const log = Effect.runForkWith(yield* Effect.context<never>())
    const drainers = new Drainers(redis, dir, settings, (message) => log(Effect.logWarning(message)))
    yield* Effect.addFinalizer(() => Effect.sync(() => drainers.stop()))
    const nudge = (idc: string) => drainers.nudge(idc)
    const link = settings.linkAdvertise ?? `${settings.linkHost}:${settings.linkPort}`
    const publish = Effect.gen(function*() {
      const placement = yield* Placement.read(redis, shardsPerGroup)
      const record: IdcRecord = {
        name: settings.name,
        link,
        endpoints: placement.gateways.flatMap((gateway) => gateway.endpoints),
        updatedAtMs: Date.now()
      }
      yield* Effect.tryPromise(() =>
        dir.multi().sadd(idcsKey, settings.name).set(recordKey(settings.name), Buffer.from(encodeJson(record)), "PX", RECORD_TTL_MS).exec()
      )
      yield* Effect.tryPromise(() => drainers.discover())
    }).pipe(Effect.ignore)
    yield* publish
    yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.sleep(REFRESH_MS), publish)))

    const storageFailed = (what: string) => (cause: unknown) =>
      unavailable(`${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`)

    return Idc.of({
      name: settings.name,
      enqueue: (idc, entry) =>
        idc === settings.name || !IDC_NAME_PATTERN.test(idc)
          ? Effect.fail(badRequest(`no queue for IDC ${JSON.stringify(idc)}`))
          : Effect.tryPromise({
            try: () =>
              redis.xadd(queueKey(idc), "*", "to", entry.to, "key", entry.dedupeKey, "change", Buffer.from(entry.change)),
            catch: storageFailed(`queueing for IDC ${idc}`)
          }).pipe(Effect.andThen(Effect.sync(() => nudge(idc)))),
      lookup: (idc) =>
        Effect.tryPromise({ try: () => readRecord(dir, idc), catch: storageFailed("reading the IDC directory") })
    })
  }))
