/**
 * The notification trigger of one process (a runner, or dev mode's single process): it sees
 * every change appended to a log on this process and hands the ones that may notify to the
 * delivery job (Delivery.ts), off the path of the message.
 *
 * Its cost on that path is one map lookup when the user has no push registration: the
 * registrations of users seen recently are cached here, "none" included. A user not in the
 * cache has its change queued all the same and the delivery job loads the registrations, so
 * the first change after an activation is never missed. The PushDevices actor, which runs on
 * the same process as the user's log (all of a user's actors share a shard), refreshes the
 * cache whenever it changes a registration; entries also expire, so a shard that moved away
 * and back does not keep a stale answer.
 */
import { Context, Effect, Layer, Queue } from "effect"
import type { LogEntry } from "../storage/Storage.ts"
import { anyProvider, type NotifySettings } from "./NotifySettings.ts"
import type { PushRegistration } from "./Registrations.ts"

/** A change appended to a user's log that may call for a notification. */
export interface Trigger {
  readonly userId: string
  readonly entry: LogEntry
}

/** How long a cached answer is trusted. */
export const CACHE_TTL_MS = 60_000
/** Users whose answer is cached at most; the oldest go first. */
const CACHE_MAX_USERS = 200_000
/** Changes waiting for the delivery job at most; beyond, new ones are dropped (and counted). */
const QUEUE_CAPACITY = 100_000

interface Cached {
  readonly registrations: ReadonlyArray<PushRegistration>
  readonly until: number
}

export class Notifier extends Context.Service<Notifier, {
  /** False when no provider is configured: the trigger then does nothing at all. */
  readonly enabled: boolean
  /** Hot path: false when the user is known to have no push registration. */
  readonly wants: (userId: string) => boolean
  /** Hot path: queues the change for the delivery job; never waits. False when the queue is full. */
  readonly appended: (userId: string, entry: LogEntry) => boolean
  /** The cached registrations of a user, or undefined when not known. */
  readonly cached: (userId: string) => ReadonlyArray<PushRegistration> | undefined
  readonly remember: (userId: string, registrations: ReadonlyArray<PushRegistration>) => void
  /** Waits for queued changes and takes them all. */
  readonly takeTriggers: Effect.Effect<ReadonlyArray<Trigger>>
}>()("weft/notify/Notifier") {}

export const make = (settings: NotifySettings) =>
  Effect.gen(function*() {
    const enabled = anyProvider(settings)
    const cache = new Map<string, Cached>()
    const queue = yield* Queue.bounded<Trigger>(QUEUE_CAPACITY)

    const fresh = (userId: string): Cached | undefined => {
      const cached = cache.get(userId)
      if (cached === undefined) return undefined
      if (cached.until < Date.now()) {
        cache.delete(userId)
        return undefined
      }
      return cached
    }

    return Notifier.of({
      enabled,
      wants: (userId) => {
        if (!enabled) return false
        const cached = fresh(userId)
        return cached === undefined || cached.registrations.length > 0
      },
      appended: (userId, entry) => Queue.offerUnsafe(queue, { userId, entry }),
      cached: (userId) => fresh(userId)?.registrations,
      remember: (userId, registrations) => {
        cache.delete(userId)
        if (cache.size >= CACHE_MAX_USERS) cache.delete(cache.keys().next().value!)
        cache.set(userId, { registrations, until: Date.now() + CACHE_TTL_MS })
      },
      takeTriggers: Queue.takeAll(queue)
    })
  })

export const layer = (settings: NotifySettings): Layer.Layer<Notifier> => Layer.effect(Notifier, make(settings))
