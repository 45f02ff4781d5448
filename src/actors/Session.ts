/**
 * The session actor: one per user, owner of the account record and the user's sessions.
 * Register creates the account; Login checks a password or a resume token and answers with a
 * session token and the head of the user's log, so a login is one round trip.
 *
 * A password login creates a session; a resume continues one. The actor is the single writer
 * of the user's sessions, so the login policy (allow-many, one-per-platform, kick-older) is
 * applied in the same step that issues the new session: the older sessions it ends are
 * revoked, told why (a Kicked frame) and closed before the new token is handed out. Logout
 * ends one session the same way. Each of these steps is a DeviceEvent in the user's own log,
 * so the user's other devices learn it by sync.
 */
import { createHash, randomBytes } from "node:crypto"
import { Duration, Effect, Option, Schema } from "effect"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { homeElsewhere, Idc, IDC_NAME_PATTERN } from "../cluster/Idc.ts"
import { type FeatureSettings, WeftConfig } from "../cluster/Settings.ts"
import { DeviceEventKind } from "../protocol/devices.ts"
import { Codecs } from "../protocol/Proto.ts"
import { Status } from "../protocol/Status.ts"
import {
  badRequest,
  forbidden,
  invalidToken,
  notFound,
  unavailable,
  userExists,
  WeftError,
  wrongCredentials,
  wrongIdc
} from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError, userKey } from "../storage/Storage.ts"
import { actorClient } from "./ActorCall.ts"
import { ChangeLog, encodeChangeBody } from "./ChangeLog.ts"
import * as LoginThrottle from "./LoginThrottle.ts"
import type { ThrottleOptions } from "./LoginThrottle.ts"
import {
  CURRENT_PARAMS,
  dummyVerify,
  hashPassword,
  needsRehash,
  type PasswordHash,
  type ScryptParams,
  verifyPassword
} from "./Password.ts"
import { Pusher } from "./Pusher.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity } from "./LocalActors.ts"

export const USER_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/

export const isValidUserId = (userId: string): boolean => USER_ID_PATTERN.test(userId)

export interface Account {
  readonly userId: string
  readonly displayName: string
  /** None for a user of the app's own accounts (created at a login with an app token, or imported without one). */
  readonly password?: PasswordHash | undefined
  readonly createdAtMs: number
  /** Several data centres: the IDC where the user's data lives (cluster/Idc.ts); absent in one cluster. */
  readonly home?: string | undefined
}

export const accountKey = (userId: string) => userKey(userId, "account")

/**
 * Which users exist and where each is homed, as one actor sees them (Messenger's recipients,
 * Conversations' peers): an account is read once and remembered, since accounts are never
 * deleted nor moved; a user without one is asked about again next time. At most `max` are
 * remembered (then the memory starts over).
 */
export const accountHomes = (storage: Storage["Service"], idc: Idc["Service"] | undefined, max = 1024) => {
  /** By user: the home IDC when it is another one, else undefined. */
  const known = new Map<string, string | undefined>()
  return {
    /** Whether the user is known to exist (then `homeOf` answers without a read). */
    known: (userId: string): boolean => known.has(userId),
    /** The home IDC of a known user when it is another one; undefined for this one (or unknown). */
    homeOf: (userId: string): string | undefined => known.get(userId),
    /** Reads the user's account: whether there is one (and remembers where its home is). */
    lookUp: (userId: string): Effect.Effect<boolean, StorageError> =>
      Effect.map(storage.get(accountKey(userId)), (account) => {
        if (account === undefined) return false
        if (known.size >= max) known.clear()
        known.set(userId, homeElsewhere(idc, account))
        return true
      })
  }
}

const sessionKey = (userId: string, token: string) => userKey(userId, "session", token)
/** The user's sessions (SessionRecord[]): what the login policy and the device list read. */
const sessionIndexKey = (userId: string) => userKey(userId, "sessions")

/** Sessions kept per user; a login beyond it ends the least recently seen session. */
export const MAX_SESSIONS_PER_USER = 32

/**
 * How long after a logout the logged-out session's long connections are kicked, when the
 * logout came over a long connection: the caller's own connection must write the logout
 * response before the Kicked frame and the close (see LogoutResponse in devices.proto).
 */
export const LOGOUT_KICK_DELAY = Duration.millis(200)

export type LoginPolicy = FeatureSettings["loginPolicy"]

export const DeviceInfo = Schema.Struct({ deviceId: Schema.String, platform: Schema.Number, name: Schema.String })
type DeviceInfo = typeof DeviceInfo.Type

interface AppUser {
  readonly displayName?: string | undefined
}

/** One active session, as stored in the index. The token never leaves this actor except to its device. */
interface SessionRecord {
  readonly token: string
  readonly sessionId: string
  readonly device: DeviceInfo
  readonly issuedAtMs: number
  readonly lastSeenAtMs: number
}

/** A session as ListDevices shows it: no token. */
export const DeviceSession = Schema.Struct({
  device: DeviceInfo,
  sessionId: Schema.String,
  issuedAtMs: Schema.Number,
  lastSeenAtMs: Schema.Number,
  current: Schema.Boolean
})

/** The public name of a session: derived from its token, which it does not reveal. */
export const sessionIdOf = (token: string): string => createHash("sha256").update(token).digest("hex").slice(0, 16)

export const Register = Rpc.make("Register", {
  /** `source`: the caller's address as the gateway saw it (frequency control, LoginThrottle.ts). */
  payload: {
    password: Schema.String,
    displayName: Schema.String,
    source: Schema.optional(Schema.String),
    /** Several data centres: the home IDC asked for ("" or absent: this one). */
    home: Schema.optional(Schema.String)
  },
  error: WeftError
})

export const Login = Rpc.make("Login", {
  payload: {
    password: Schema.optional(Schema.String),
    resumeToken: Schema.optional(Schema.String),
    device: DeviceInfo,
    source: Schema.optional(Schema.String),
    /** A long connection of this device that it gave up on: closed before the answer. */
    replacesConnectionId: Schema.optional(Schema.Number),
    /**
     * The gateway verified an app token naming this user (gateway/AppToken.ts): no password is
     * checked, and the account is created at the first such login (with this display name).
     */
    appUser: Schema.optional(Schema.Struct({ displayName: Schema.optional(Schema.String) }))
  },
  success: Schema.Struct({ sessionToken: Schema.String, seq: Schema.Number, epoch: Schema.String }),
  error: WeftError
})

/** Checks a session token without issuing one (the short connection sends it with every request). */
export const Verify = Rpc.make("Verify", {
  payload: { sessionToken: Schema.String },
  error: WeftError
})

/**
 * Ends the session of `sessionToken`: revokes the token and kicks its long connections
 * (Kicked LOGGED_OUT), after `kickAfterMs` (so the caller's own connection answers first).
 */
export const Logout = Rpc.make("Logout", {
  payload: { sessionToken: Schema.String, kickAfterMs: Schema.Number },
  error: WeftError
})

/** The user's active sessions, newest login first; `current` marks the one of `sessionToken`. */
export const ListDevices = Rpc.make("ListDevices", {
  payload: { sessionToken: Schema.String },
  success: Schema.Array(DeviceSession),
  error: WeftError
})

/**
 * Creates the account if there is none (the admin API's user import): no frequency control, an
 * optional password. `created` is false when the user existed (nothing is changed then).
 */
export const Import = Rpc.make("Import", {
  payload: { displayName: Schema.String, password: Schema.optional(Schema.String) },
  success: Schema.Struct({ created: Schema.Boolean }),
  error: WeftError
})

/**
 * Ends the user's sessions — every one, or the one of `sessionId` (as ListDevices shows it) —
 * as a logout would (LOGOUT events, tokens revoked), and kicks their connections with `reason`.
 */
export const Revoke = Rpc.make("Revoke", {
  payload: { sessionId: Schema.optional(Schema.String), reason: Schema.String },
  success: Schema.Struct({ revoked: Schema.Array(Schema.String) }),
  error: WeftError
})

/**
 * Replaces the password once the current one is verified (a wrong one counts as a failed login).
 * The account is the one record every login reads — in the directory when there are several
 * data centres — so the new password is the only one that works from then on, everywhere.
 */
export const ChangePassword = Rpc.make("ChangePassword", {
  payload: { oldPassword: Schema.String, newPassword: Schema.String, source: Schema.optional(Schema.String) },
  error: WeftError
})

export const Session = actorEntity(Entity.make("Session", [Register, Login, Verify, Logout, ListDevices, Import, Revoke, ChangePassword]))

export interface SessionOptions {
  readonly sessionTtlMs: number
  /** Frequency control of logins and registrations (LoginThrottle.ts). */
  readonly throttle: ThrottleOptions
  /** scrypt parameters of new hashes; older ones are rehashed at login. Default: CURRENT_PARAMS. */
  readonly passwordHash?: ScryptParams | undefined
  /** What a new login does to older sessions; when absent, settings.features.loginPolicy (WeftConfig). */
  readonly loginPolicy?: LoginPolicy | undefined
}

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

const platformNames: Record<number, string> = { 1: "iOS", 2: "Android", 3: "Web", 4: "Desktop", 5: "CLI" }

/** How a device is named to people: its name, else its platform, else its id. */
export const deviceLabel = (device: DeviceInfo): string =>
  device.name || platformNames[device.platform] || device.deviceId || "unknown device"

export const layer = (options: SessionOptions) =>
  Session.toLayer(
    supervised("Session", Effect.gen(function*() {
      const storage = yield* Storage
      const pusher = yield* Pusher
      const changeLogs = yield* actorClient(ChangeLog)
      const userId = (yield* Entity.CurrentAddress).entityId
      const config = yield* Effect.serviceOption(WeftConfig)
      const policy: LoginPolicy = options.loginPolicy ??
        Option.match(config, { onNone: () => "allow-many" as const, onSome: (settings) => settings.features.loginPolicy })

      const throttle = LoginThrottle.make(storage, options.throttle)
      const hashParams = options.passwordHash ?? CURRENT_PARAMS
      const idc = Option.getOrUndefined(yield* Effect.serviceOption(Idc))

      /** The home of a new account: the IDC asked for, if it is alive, else this one (none in one cluster). */
      const homeOf = Effect.fnUntraced(function*(asked: string | undefined) {
        if (idc === undefined || asked === undefined || asked === "" || asked === idc.name) return idc?.name
        if (!IDC_NAME_PATTERN.test(asked)) return yield* badRequest("home_idc must match [a-z0-9-]{1,32}")
        if ((yield* idc.lookup(asked)) === undefined) return yield* badRequest(`no IDC named ${JSON.stringify(asked)} is up`)
        return asked
      })

      /**
       * Several data centres: a user is served by its home IDC only. Elsewhere the login is
       * answered WRONG_IDC, naming the home and its gateways (once the credentials are right).
       */
      const checkHome = Effect.fnUntraced(function*(account: Account) {
        if (idc === undefined || account.home === undefined || account.home === idc.name) return
        const home = yield* idc.lookup(account.home)
        if (home === undefined) {
          return yield* wrongIdc(`the home of ${userId} is IDC ${account.home}, which is down; its backup serves it once failed over`)
        }
        return yield* new WeftError({
          code: Status.WRONG_IDC,
          message: `the home of ${userId} is IDC ${account.home}: log in through its gateways ${home.endpoints.join(" ") || "(none is up yet)"}`,
          endpoints: home.endpoints
        })
      })

      const register = Effect.fn("Session.register")(function*(password: string, displayName: string, source: string, asked: string | undefined) {
        if (!isValidUserId(userId)) return yield* badRequest("user id must match [A-Za-z0-9_.-]{1,64}")
        if (password.length < 8 || password.length > 256) return yield* badRequest("password must have 8..256 characters")
        if (displayName.length > 64) return yield* badRequest("display name must have at most 64 characters")
        // The cheap checks first: a taken id costs no hashing, and neither does a refused address.
        if ((yield* storage.get(accountKey(userId))) !== undefined) return yield* userExists(`user ${userId} already exists`)
        yield* throttle.checkRegistration(source)
        const home = yield* homeOf(asked)
        const account: Account = {
          userId,
          displayName: displayName || userId,
          password: yield* hashPassword(password, hashParams),
          createdAtMs: Date.now(),
          ...(home === undefined ? {} : { home })
        }
        const created = yield* storage.set(accountKey(userId), encodeJson(account), { onlyIfAbsent: true })
        if (!created) return yield* userExists(`user ${userId} already exists`)
      })

      /** Creates the account unless it exists; answers whether it did. */
      const createAccount = (displayName: string, password: string | undefined) =>
        Effect.gen(function*() {
          if ((yield* storage.get(accountKey(userId))) !== undefined) return false
          const account: Account = {
            userId,
            displayName: displayName || userId,
            password: password === undefined ? undefined : yield* hashPassword(password, hashParams),
            createdAtMs: Date.now(),
            ...(idc === undefined ? {} : { home: idc.name })
          }
          return yield* storage.set(accountKey(userId), encodeJson(account), { onlyIfAbsent: true })
        })

      const importAccount = Effect.fn("Session.import")(function*(displayName: string, password: string | undefined) {
        if (!isValidUserId(userId)) return yield* badRequest("user id must match [A-Za-z0-9_.-]{1,64}")
        if (password !== undefined && (password.length < 8 || password.length > 256)) {
          return yield* badRequest("password must have 8..256 characters")
        }
        if (displayName.length > 64) return yield* badRequest("display name must have at most 64 characters")
        return { created: yield* createAccount(displayName, password) }
      })

      /** The active sessions: the index without those whose token has expired. */
      const readIndex = Effect.gen(function*() {
        const stored = yield* storage.get(sessionIndexKey(userId))
        const now = Date.now()
        return stored === undefined
          ? []
          : decodeJson<Array<SessionRecord>>(stored).filter((record) => record.lastSeenAtMs + options.sessionTtlMs > now)
      })

      const writeIndex = (index: ReadonlyArray<SessionRecord>) =>
        index.length === 0
          ? storage.remove(sessionIndexKey(userId))
          : Effect.asVoid(storage.set(sessionIndexKey(userId), encodeJson(index), { ttlMs: options.sessionTtlMs }))

      const writeSession = (record: SessionRecord) =>
        storage.set(
          sessionKey(userId, record.token),
          encodeJson({ device: record.device, issuedAtMs: record.issuedAtMs }),
          { ttlMs: options.sessionTtlMs }
        )

      const appendEvent = (
        kind: number,
        record: SessionRecord,
        extra: { readonly reason?: string; readonly byDevice?: DeviceInfo } = {}
      ) =>
        changeLogs(userId).Append({
            body: encodeChangeBody({
              device: { kind, device: record.device, sessionId: record.sessionId, reason: extra.reason ?? "", byDevice: extra.byDevice }
            }),
            // One event per session and kind, however often a failed step is retried.
            dedupeKey: `device/${kind}/${record.sessionId}`
          })

      /** Tells the session's long connections why they end, and closes them. */
      const kick = (token: string, code: number, reason: string, after: Duration.Duration = Duration.zero) => {
        const now = pusher.kick(userId, { sessionToken: token }, Codecs.Kicked.encode({ code, reason }))
        return Duration.isZero(after) ? now : Effect.asVoid(Effect.forkDetach(Effect.andThen(Effect.sleep(after), now)))
      }

      /**
       * A valid resume token always works; a password is checked only once the caller's address
       * has waited out its delay (LoginThrottle.ts), and a stored hash with older parameters
       * is replaced by one with the current ones.
       */
      const checkCredentials = Effect.fn("Session.checkCredentials")(
        function*(password: string | undefined, resumeToken: string | undefined, source: string, appUser: AppUser | undefined) {
          if (resumeToken !== undefined && resumeToken !== "") {
            const session = yield* storage.get(sessionKey(userId, resumeToken))
            if (session === undefined) {
              yield* throttle.tokenFailed(source)
              return yield* invalidToken("the resume token is unknown, expired or revoked")
            }
            return { token: resumeToken, stored: decodeJson<{ device: DeviceInfo; issuedAtMs: number }>(session) }
          }
          if (appUser !== undefined) {
            yield* createAccount(appUser.displayName ?? "", undefined)
            if (idc !== undefined) {
              const stored = yield* storage.get(accountKey(userId))
              if (stored !== undefined) yield* checkHome(decodeJson<Account>(stored))
            }
            return undefined
          }
          if (password === undefined || password === "") return yield* badRequest("a password or a resume token is required")
          yield* throttle.checkLogin(userId, source)
          const stored = yield* storage.get(accountKey(userId))
          if (stored === undefined) {
            yield* dummyVerify(password, hashParams)
            yield* throttle.loginFailed(userId, source)
            return yield* wrongCredentials("unknown user or wrong password")
          }
          const account = decodeJson<Account>(stored)
          if (account.password === undefined) {
            // An account of the app's (no password of weft's): as slow to refuse as any other.
            yield* dummyVerify(password, hashParams)
            yield* throttle.loginFailed(userId, source)
            return yield* wrongCredentials("unknown user or wrong password")
          }
          if (!(yield* verifyPassword(password, account.password))) {
            yield* throttle.loginFailed(userId, source)
            return yield* wrongCredentials("unknown user or wrong password")
          }
          yield* throttle.loginSucceeded(userId, source)
          yield* checkHome(account)
          if (needsRehash(account.password, hashParams)) {
            const rehashed: Account = { ...account, password: yield* hashPassword(password, hashParams) }
            yield* storage.set(accountKey(userId), encodeJson(rehashed))
          }
          return undefined
        }
      )

      /** A resume continues its session: seen now, token kept alive; the policy is not applied again. */
      const resume = Effect.fn("Session.resume")(
        function*(token: string, stored: { readonly device: DeviceInfo; readonly issuedAtMs: number }) {
          const index = yield* readIndex
          const now = Date.now()
          const known = index.find((record) => record.token === token)
          const record: SessionRecord = known === undefined
            ? { token, sessionId: sessionIdOf(token), device: stored.device, issuedAtMs: stored.issuedAtMs, lastSeenAtMs: now }
            : { ...known, lastSeenAtMs: now }
          yield* writeSession(record)
          yield* writeIndex([record, ...index.filter((other) => other.token !== token)])
        }
      )

      /**
       * A new session, and the login policy applied to the older ones in the same step. The
       * events go to the log first: a step that fails leaves at most events the retry would
       * write again (and the dedupe keys store once).
       */
      const issue = Effect.fn("Session.issue")(function*(device: DeviceInfo) {
        const index = yield* readIndex
        const now = Date.now()
        // 128 random bits (22 characters): unguessable, and 10 bytes fewer on every resume than
        // the 192 bits it was (a 2G link's round trip pays for each byte). Older tokens still work.
        const token = randomBytes(16).toString("base64url")
        const fresh: SessionRecord = { token, sessionId: sessionIdOf(token), device, issuedAtMs: now, lastSeenAtMs: now }

        const replaced = policy === "kick-older"
          ? index
          : policy === "one-per-platform"
          ? index.filter((record) => record.device.platform === device.platform)
          : []
        const kept = index.filter((record) => !replaced.includes(record))
        // Beyond the cap, the least recently seen sessions go too.
        const overflow = [...kept].sort((a, b) => a.lastSeenAtMs - b.lastSeenAtMs).slice(
          0,
          Math.max(0, kept.length + 1 - MAX_SESSIONS_PER_USER)
        )
        const conflictReason = `signed in on another device (${deviceLabel(device)})`
        const overflowReason = `signed out: more than ${MAX_SESSIONS_PER_USER} devices signed in`

        for (const record of replaced) {
          yield* appendEvent(DeviceEventKind.KICKED, record, { reason: conflictReason, byDevice: device })
        }
        for (const record of overflow) yield* appendEvent(DeviceEventKind.KICKED, record, { reason: overflowReason })
        // Scripts and the command line log in for every run and name no platform: not news.
        if (device.platform !== 0) yield* appendEvent(DeviceEventKind.LOGIN, fresh)

        for (const record of [...replaced, ...overflow]) yield* storage.remove(sessionKey(userId, record.token))
        yield* writeSession(fresh)
        yield* writeIndex([fresh, ...kept.filter((record) => !overflow.includes(record))])
        for (const record of replaced) yield* kick(record.token, Status.CONFLICT, conflictReason)
        for (const record of overflow) yield* kick(record.token, Status.CONFLICT, overflowReason)
        return token
      })

      const login = Effect.fn("Session.login")(function*(
        password: string | undefined,
        resumeToken: string | undefined,
        device: DeviceInfo,
        source: string,
        replacesConnectionId: number | undefined,
        appUser: AppUser | undefined
      ) {
        const resumed = yield* checkCredentials(password, resumeToken, source, appUser)
        // The device moved on from that connection (it went silent, or the network changed):
        // close it now, so pushes stop going where nobody reads them.
        if (replacesConnectionId !== undefined && replacesConnectionId !== 0 && device.deviceId !== "") {
          yield* pusher.kick(
            userId,
            { deviceId: device.deviceId, connectionId: replacesConnectionId },
            Codecs.Kicked.encode({ code: Status.CONFLICT, reason: "replaced by a newer connection of this device" })
          )
        }
        let sessionToken: string
        if (resumed !== undefined) {
          yield* resume(resumed.token, resumed.stored)
          sessionToken = resumed.token
        } else {
          sessionToken = yield* issue(device)
        }
        const head = yield* changeLogs(userId).Head()
        return { sessionToken, seq: head.seq, epoch: head.epoch }
      })

      const logout = Effect.fn("Session.logout")(function*(token: string, kickAfterMs: number) {
        if (token === "") return yield* invalidToken("no session to log out")
        const index = yield* readIndex
        const stored = yield* storage.get(sessionKey(userId, token))
        const record = index.find((candidate) => candidate.token === token) ?? (stored === undefined ? undefined : {
          token,
          sessionId: sessionIdOf(token),
          ...decodeJson<{ device: DeviceInfo; issuedAtMs: number }>(stored),
          lastSeenAtMs: Date.now()
        })
        if (record !== undefined) yield* appendEvent(DeviceEventKind.LOGOUT, record)
        yield* storage.remove(sessionKey(userId, token))
        if (index.some((candidate) => candidate.token === token)) {
          yield* writeIndex(index.filter((candidate) => candidate.token !== token))
        }
        // Even an already expired session's connections are closed: the device asked to leave.
        yield* kick(token, Status.LOGGED_OUT, "logged out", Duration.millis(Math.max(0, kickAfterMs)))
      })

      const revoke = Effect.fn("Session.revoke")(function*(sessionId: string | undefined, reason: string) {
        const index = yield* readIndex
        const ended = index.filter((record) => sessionId === undefined || record.sessionId === sessionId)
        if (sessionId !== undefined && ended.length === 0) return yield* notFound(`no session ${sessionId} of ${userId}`)
        for (const record of ended) yield* appendEvent(DeviceEventKind.LOGOUT, record, { reason })
        for (const record of ended) yield* storage.remove(sessionKey(userId, record.token))
        yield* writeIndex(index.filter((record) => !ended.includes(record)))
        for (const record of ended) yield* kick(record.token, Status.LOGGED_OUT, reason)
        return { revoked: ended.map((record) => record.sessionId) }
      })

      const listDevices = Effect.fn("Session.listDevices")(function*(token: string) {
        const index = yield* readIndex
        return [...index]
          .sort((a, b) => b.issuedAtMs - a.issuedAtMs)
          .map((record) => ({
            device: record.device,
            sessionId: record.sessionId,
            issuedAtMs: record.issuedAtMs,
            lastSeenAtMs: record.lastSeenAtMs,
            current: record.token === token
          }))
      })

      const changePassword = Effect.fn("Session.changePassword")(function*(oldPassword: string, newPassword: string, source: string) {
        if (newPassword.length < 8 || newPassword.length > 256) return yield* badRequest("the new password must have 8..256 characters")
        yield* throttle.checkLogin(userId, source)
        const stored = yield* storage.get(accountKey(userId))
        if (stored === undefined) return yield* wrongCredentials("unknown user or wrong password")
        const account = decodeJson<Account>(stored)
        if (account.password === undefined) return yield* forbidden("this account signs in with the app's tokens: it has no weft password")
        if (!(yield* verifyPassword(oldPassword, account.password))) {
          yield* throttle.loginFailed(userId, source)
          return yield* wrongCredentials("the current password is wrong")
        }
        const changed: Account = { ...account, password: yield* hashPassword(newPassword, hashParams) }
        yield* storage.set(accountKey(userId), encodeJson(changed))
      })

      const orInternal = <A>(effect: Effect.Effect<A, WeftError | StorageError>) =>
        effect.pipe(Effect.catchTag("StorageError", (error) => Effect.fail(storageFailed(error))))

      return Session.of({
        Register: ({ payload }) =>
          orInternal(register(payload.password, payload.displayName, LoginThrottle.sourceOf(payload.source), payload.home)),
        Login: ({ payload }) =>
          orInternal(login(payload.password, payload.resumeToken, payload.device, LoginThrottle.sourceOf(payload.source), payload.replacesConnectionId, payload.appUser)),
        Verify: ({ payload }) =>
          storage.get(sessionKey(userId, payload.sessionToken)).pipe(
            Effect.mapError(storageFailed),
            Effect.flatMap((session) =>
              session === undefined || payload.sessionToken === ""
                ? Effect.fail(invalidToken("the session token is unknown, expired or revoked"))
                : Effect.void
            ),
            Rpc.fork
          ),
        Logout: ({ payload }) => orInternal(logout(payload.sessionToken, payload.kickAfterMs)),
        ListDevices: ({ payload }) => orInternal(listDevices(payload.sessionToken)),
        Import: ({ payload }) => orInternal(importAccount(payload.displayName, payload.password)),
        Revoke: ({ payload }) => orInternal(revoke(payload.sessionId, payload.reason)),
        ChangePassword: ({ payload }) =>
          orInternal(changePassword(payload.oldPassword, payload.newPassword, LoginThrottle.sourceOf(payload.source)))
      })
    })),
    {
      maxIdleTime: "1 minute",
      defectRetryPolicy: restartPolicy
    }
  )
