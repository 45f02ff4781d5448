/**
 * The session actor: one per user, owner of the account record and the user's session
 * tokens. Register creates the account; Login checks a password or a resume token and
 * answers with a session token and the head of the user's log, so a login is one round trip.
 */
import { randomBytes } from "node:crypto"
import { Effect, Schedule, Schema } from "effect"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import {
  badRequest,
  internal,
  invalidToken,
  rateLimited,
  userExists,
  WeftError,
  wrongCredentials
} from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError, userKey } from "../storage/Storage.ts"
import { callActor } from "./ActorCall.ts"
import { ChangeLog } from "./ChangeLog.ts"
import { dummyVerify, hashPassword, type PasswordHash, verifyPassword } from "./Password.ts"

export const USER_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/

export const isValidUserId = (userId: string): boolean => USER_ID_PATTERN.test(userId)

export interface Account {
  readonly userId: string
  readonly displayName: string
  readonly password: PasswordHash
  readonly createdAtMs: number
}

export const accountKey = (userId: string) => userKey(userId, "account")
const sessionKey = (userId: string, token: string) => userKey(userId, "session", token)
const failedLoginsKey = (userId: string) => userKey(userId, "failed-logins")

export const DeviceInfo = Schema.Struct({ deviceId: Schema.String, platform: Schema.Number, name: Schema.String })

export const Register = Rpc.make("Register", {
  payload: { password: Schema.String, displayName: Schema.String },
  error: WeftError
})

export const Login = Rpc.make("Login", {
  payload: {
    password: Schema.optional(Schema.String),
    resumeToken: Schema.optional(Schema.String),
    device: DeviceInfo
  },
  success: Schema.Struct({ sessionToken: Schema.String, seq: Schema.Number, epoch: Schema.String }),
  error: WeftError
})

/** Checks a session token without issuing one (the short connection sends it with every request). */
export const Verify = Rpc.make("Verify", {
  payload: { sessionToken: Schema.String },
  error: WeftError
})

export const Session = Entity.make("Session", [Register, Login, Verify])

export interface SessionOptions {
  readonly sessionTtlMs: number
  /** Failed logins allowed per user per window before RATE_LIMITED. */
  readonly maxFailedLogins: number
  readonly failedLoginWindowMs: number
}

const storageFailed = (error: StorageError) => internal(`storage ${error.operation} failed`)

export const layer = (options: SessionOptions) =>
  Session.toLayer(
    Effect.gen(function*() {
      const storage = yield* Storage
      const changeLogs = yield* ChangeLog.client
      const userId = (yield* Entity.CurrentAddress).entityId

      const register = Effect.fn("Session.register")(function*(password: string, displayName: string) {
        if (!isValidUserId(userId)) return yield* badRequest("user id must match [A-Za-z0-9_.-]{1,64}")
        if (password.length < 8 || password.length > 256) return yield* badRequest("password must have 8..256 characters")
        if (displayName.length > 64) return yield* badRequest("display name must have at most 64 characters")
        const account: Account = {
          userId,
          displayName: displayName || userId,
          password: yield* hashPassword(password),
          createdAtMs: Date.now()
        }
        const created = yield* storage.set(accountKey(userId), encodeJson(account), { onlyIfAbsent: true })
        if (!created) return yield* userExists(`user ${userId} already exists`)
      })

      const checkCredentials = Effect.fn("Session.checkCredentials")(
        function*(password: string | undefined, resumeToken: string | undefined) {
          const failures = Number(new TextDecoder().decode((yield* storage.get(failedLoginsKey(userId))) ?? new Uint8Array()))
          if (failures >= options.maxFailedLogins) return yield* rateLimited("too many failed logins; try again later")
          const fail = (error: WeftError) =>
            storage.increment(failedLoginsKey(userId), 1, options.failedLoginWindowMs).pipe(
              Effect.andThen(Effect.fail(error))
            )
          if (resumeToken !== undefined && resumeToken !== "") {
            const session = yield* storage.get(sessionKey(userId, resumeToken))
            if (session === undefined) return yield* fail(invalidToken("the resume token is unknown, expired or revoked"))
            return resumeToken
          }
          if (password === undefined || password === "") return yield* badRequest("a password or a resume token is required")
          const stored = yield* storage.get(accountKey(userId))
          if (stored === undefined) {
            yield* dummyVerify(password)
            return yield* fail(wrongCredentials("unknown user or wrong password"))
          }
          const account = decodeJson<Account>(stored)
          if (!(yield* verifyPassword(password, account.password))) {
            return yield* fail(wrongCredentials("unknown user or wrong password"))
          }
          return undefined
        }
      )

      const login = Effect.fn("Session.login")(function*(
        password: string | undefined,
        resumeToken: string | undefined,
        device: typeof DeviceInfo.Type
      ) {
        const resumed = yield* checkCredentials(password, resumeToken)
        const sessionToken = resumed ?? randomBytes(24).toString("base64url")
        yield* storage.set(
          sessionKey(userId, sessionToken),
          encodeJson({ device, issuedAtMs: Date.now() }),
          { ttlMs: options.sessionTtlMs }
        )
        const head = yield* callActor(changeLogs(userId).Head(), "ChangeLog")
        return { sessionToken, seq: head.seq, epoch: head.epoch }
      })

      return Session.of({
        Register: ({ payload }) =>
          register(payload.password, payload.displayName).pipe(
            Effect.catchTag("StorageError", (error) => Effect.fail(storageFailed(error)))
          ),
        Login: ({ payload }) =>
          login(payload.password, payload.resumeToken, payload.device).pipe(
            Effect.catchTag("StorageError", (error) => Effect.fail(storageFailed(error)))
          ),
        Verify: ({ payload }) =>
          storage.get(sessionKey(userId, payload.sessionToken)).pipe(
            Effect.mapError(storageFailed),
            Effect.flatMap((session) =>
              session === undefined || payload.sessionToken === ""
                ? Effect.fail(invalidToken("the session token is unknown, expired or revoked"))
                : Effect.void
            ),
            Rpc.fork
          )
      })
    }),
    {
      maxIdleTime: "1 minute",
      defectRetryPolicy: Schedule.min([Schedule.exponential("100 millis"), Schedule.spaced("5 seconds")])
    }
  )
