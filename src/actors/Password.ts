/** Salted scrypt password hashes (N=2^14, r=8, p=1, 32-byte key), compared in constant time. */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"
import { Effect } from "effect"

export interface PasswordHash {
  readonly salt: string
  readonly hash: string
}

const KEY_LENGTH = 32

const derive = (password: string, salt: Buffer) =>
  Effect.callback<Buffer>((resume) => {
    scrypt(password, salt, KEY_LENGTH, { N: 16384, r: 8, p: 1 }, (error, key) => {
      resume(error ? Effect.die(error) : Effect.succeed(key))
    })
  })

export const hashPassword = (password: string): Effect.Effect<PasswordHash> =>
  Effect.suspend(() => {
    const salt = randomBytes(16)
    return Effect.map(derive(password, salt), (key) => ({ salt: salt.toString("hex"), hash: key.toString("hex") }))
  })

export const verifyPassword = (password: string, stored: PasswordHash): Effect.Effect<boolean> =>
  Effect.map(derive(password, Buffer.from(stored.salt, "hex")), (key) => timingSafeEqual(key, Buffer.from(stored.hash, "hex")))

/** Spends the time of a verification, so an unknown user can't be told from a wrong password. */
export const dummyVerify = (password: string): Effect.Effect<boolean> =>
  Effect.as(derive(password, Buffer.alloc(16)), false)
