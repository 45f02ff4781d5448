/**
 * Salted scrypt password hashes, compared in constant time. The parameters are OWASP's
 * equivalent of N=2^17, r=8, p=1 at an eighth of its memory: N=2^14, r=8, p=5 (16 MiB per
 * hash, so concurrent logins cannot exhaust a runner's memory). Each hash records its
 * parameters; a hash made with older ones (weft before 0.2: N=2^14, r=8, p=1, none recorded)
 * is replaced on the next right login (needsRehash). Each costs about 0.4 s of one core on a
 * 2020s server core: what makes guessing slow makes registration and login storms slow too
 * (SessionOptions.passwordHash chooses other parameters, e.g. for tests).
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"
import { Effect } from "effect"
import { counter, record } from "../metrics/Instruments.ts"

export interface ScryptParams {
  readonly N: number
  readonly r: number
  readonly p: number
}

export interface PasswordHash {
  readonly salt: string
  readonly hash: string
  /** Absent in hashes made before parameters were recorded: LEGACY_PARAMS. */
  readonly params?: ScryptParams | undefined
}

export const CURRENT_PARAMS: ScryptParams = { N: 16384, r: 8, p: 5 }
const LEGACY_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1 }

const KEY_LENGTH = 32

/** Every scrypt derivation (hash, verify, or the dummy one for unknown users). */
export const passwordHashesTotal = counter("weft_password_hashes_total", {
  description: "scrypt derivations (registrations, password logins, rehashes)",
  incremental: true
})

const derive = (password: string, salt: Buffer, params: ScryptParams) =>
  Effect.callback<Buffer>((resume) => {
    record(passwordHashesTotal, 1)
    scrypt(password, salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r }, (error, key) => {
      resume(error ? Effect.die(error) : Effect.succeed(key))
    })
  })

export const hashPassword = (password: string, params: ScryptParams = CURRENT_PARAMS): Effect.Effect<PasswordHash> =>
  Effect.suspend(() => {
    const salt = randomBytes(16)
    return Effect.map(
      derive(password, salt, params),
      (key) => ({ salt: salt.toString("hex"), hash: key.toString("hex"), params })
    )
  })

export const verifyPassword = (password: string, stored: PasswordHash): Effect.Effect<boolean> =>
  Effect.map(
    derive(password, Buffer.from(stored.salt, "hex"), stored.params ?? LEGACY_PARAMS),
    (key) => timingSafeEqual(key, Buffer.from(stored.hash, "hex"))
  )

/** Whether `stored` was made with other parameters than `current`. */
export const needsRehash = (stored: PasswordHash, current: ScryptParams = CURRENT_PARAMS): boolean => {
  const params = stored.params ?? LEGACY_PARAMS
  return params.N !== current.N || params.r !== current.r || params.p !== current.p
}

/** Spends the time of a verification, so an unknown user can't be told from a wrong password. */
export const dummyVerify = (password: string, params: ScryptParams = CURRENT_PARAMS): Effect.Effect<boolean> =>
  Effect.as(derive(password, Buffer.alloc(16), params), false)
