/**
 * Frequency control of logins and registrations (频率控制) that slows attackers without ever
 * locking the real user out. Wrong passwords are counted per (user, source address) and per
 * source address; past a few free failures each further attempt from there must wait a delay
 * that doubles with every failure (capped), and an attempt made too early is refused at once,
 * before any password hashing. Nothing is counted against the user alone, so a right password
 * from another address and every valid resume token keep working during any flood.
 * Registrations are counted per address. The counts live in storage, shared by all runners.
 */
import { isIPv6 } from "node:net"
import { Effect } from "effect"
import { counter, labelled, record } from "../metrics/Instruments.ts"
import { rateLimited, type WeftError } from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, type Storage, type StorageError, userKey } from "../storage/Storage.ts"

export interface ThrottleOptions {
  /** Wrong passwords for one user from one address before the delays start. */
  readonly freeFailuresPerUserAddress: number
  /** Wrong passwords (any users) from one address before the delays start. */
  readonly freeFailuresPerAddress: number
  /** A failure count is forgotten this long after its last failure. */
  readonly failureWindowMs: number
  /** The first delay; each further failure doubles it, up to delayMaxMs. */
  readonly delayBaseMs: number
  readonly delayMaxMs: number
  /** Registrations (that reach password hashing) per address per registrationWindowMs. */
  readonly registrationsPerAddress: number
  readonly registrationWindowMs: number
  /** The clock the delays are measured by (Date.now); tests step one of their own. */
  readonly now?: (() => number) | undefined
}

export const defaultThrottleOptions: ThrottleOptions = {
  freeFailuresPerUserAddress: 5,
  freeFailuresPerAddress: 30,
  failureWindowMs: 15 * 60_000,
  delayBaseMs: 1_000,
  delayMaxMs: 60_000,
  registrationsPerAddress: 20,
  registrationWindowMs: 3600_000
}

/** Attempts refused by frequency control, by kind (login-user-address, login-address, register-address). */
export const throttledTotal = labelled((attributes) =>
  counter("weft_throttled_total", {
    description: "Logins and registrations refused by frequency control, by kind",
    incremental: true,
    attributes
  })
)

/** Wrong passwords and unknown resume tokens. */
export const failedLoginsTotal = counter("weft_failed_logins_total", {
  description: "Logins refused for a wrong password or an unknown resume token",
  incremental: true
})

/**
 * The address that counts: an IPv4 address (also when IPv4-mapped), or the /64 network of an
 * IPv6 address (one host usually holds a whole /64); "unknown" when the transport has none.
 */
export const sourceOf = (remote: string | undefined): string => {
  if (remote === undefined || remote === "") return "unknown"
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote)
  if (mapped !== null) return mapped[1]!
  const address = remote.split("%")[0]!
  if (!isIPv6(address)) return address
  const [head = "", tail = ""] = address.split("::")
  const left = head === "" ? [] : head.split(":")
  const right = tail === "" ? [] : tail.split(":")
  const groups = address.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`
}

interface Failures {
  readonly n: number
  readonly lastAtMs: number
}

const failuresOf = (storage: Storage["Service"], key: string) =>
  Effect.map(storage.get(key), (stored): Failures => stored === undefined ? { n: 0, lastAtMs: 0 } : decodeJson<Failures>(stored))

const userAddressKey = (userId: string, source: string) => userKey(userId, "login-failures", source)
const addressKey = (source: string) => `{weft-throttle}:login-failures:${source}`
const registrationsKey = (source: string) => `{weft-throttle}:registrations:${source}`

/** The wait before the next attempt after `failures`; 0 while within the free ones. */
export const delayAfter = (options: ThrottleOptions, failures: number, free: number): number =>
  failures < free ? 0 : Math.min(options.delayMaxMs, options.delayBaseMs * 2 ** (failures - free))

const refuse = (kind: string, who: string, waitMs: number) => {
  record(throttledTotal({ kind }), 1)
  return rateLimited(`too many failed logins ${who}; retry after ${waitMs} ms`)
}

export const make = (storage: Storage["Service"], options: ThrottleOptions) => {
  const now = options.now ?? Date.now
  /** Refuses a password attempt of `userId` from `source` that comes before its delay is over. */
  const checkLogin = Effect.fnUntraced(function*(userId: string, source: string) {
    const at = now()
    const mine = yield* failuresOf(storage, userAddressKey(userId, source))
    const mineWait = mine.lastAtMs + delayAfter(options, mine.n, options.freeFailuresPerUserAddress) - at
    if (mineWait > 0) return yield* Effect.fail<WeftError>(refuse("login-user-address", "for this user from your address", mineWait))
    const all = yield* failuresOf(storage, addressKey(source))
    const allWait = all.lastAtMs + delayAfter(options, all.n, options.freeFailuresPerAddress) - at
    if (allWait > 0) return yield* Effect.fail<WeftError>(refuse("login-address", "from your address", allWait))
  })

  const bump = (key: string) =>
    Effect.flatMap(failuresOf(storage, key), (failures) =>
      storage.set(key, encodeJson({ n: failures.n + 1, lastAtMs: now() } satisfies Failures), { ttlMs: options.failureWindowMs }))

  /** Counts a wrong password for `userId` from `source` (and for `source`). */
  const loginFailed = (userId: string, source: string): Effect.Effect<void, StorageError> => {
    record(failedLoginsTotal, 1)
    return Effect.andThen(bump(userAddressKey(userId, source)), bump(addressKey(source)))
  }

  /** Counts an unknown resume token: against the address only, never the user. */
  const tokenFailed = (source: string): Effect.Effect<void, StorageError> => {
    record(failedLoginsTotal, 1)
    return Effect.asVoid(bump(addressKey(source)))
  }

  /** A right password clears its (user, address) count; the address's count runs out by itself. */
  const loginSucceeded = (userId: string, source: string) => storage.remove(userAddressKey(userId, source))

  /** Counts a registration from `source`, refusing it past the limit. */
  const checkRegistration = Effect.fnUntraced(function*(source: string) {
    const count = yield* storage.increment(registrationsKey(source), 1, options.registrationWindowMs)
    if (count > options.registrationsPerAddress) {
      record(throttledTotal({ kind: "register-address" }), 1)
      return yield* Effect.fail<WeftError>(
        rateLimited(`too many registrations from your address (at most ${options.registrationsPerAddress}); try again later`)
      )
    }
  })

  return { checkLogin, loginFailed, tokenFailed, loginSucceeded, checkRegistration }
}
