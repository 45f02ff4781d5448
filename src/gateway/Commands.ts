/**
 * Every protocol command, one implementation each, shared by every transport: register and
 * auth (which come before a login), the session check of the short connection, and the table
 * of commands a logged-in caller may send, gathered from gateway/commands/.
 */
import { Context, Effect, Layer, Option, type Result } from "effect"
import type { HttpServerRequest } from "effect/http"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../actors/ActorCall.ts"
import { ChangeLog } from "../actors/ChangeLog.ts"
import { isValidUserId, Session } from "../actors/Session.ts"
import type { Presence } from "../cluster/Presence.ts"
import { WeftConfig } from "../cluster/Settings.ts"
import { Command, type CommandSpec } from "../protocol/Command.ts"
import { type AuthRequest, type AuthResponse, Codecs, type RegisterRequest, type RegisterResponse } from "../protocol/Proto.ts"
import { encodeAuthResponse, encodeSyncResponse } from "../protocol/prebuilt.ts"
import { routeListVersion } from "../protocol/routes.ts"
import { badRequest, forbidden, invalidToken, invalidUserId, type WeftError, wrongCredentials } from "../protocol/WeftError.ts"
import { makeVerifier } from "./AppToken.ts"
import type { CommandHandler } from "./CommandTable.ts"
import * as contacts from "./commands/contacts.ts"
import * as core from "./commands/core.ts"
import * as devices from "./commands/devices.ts"
import * as groups from "./commands/groups.ts"
import * as logs from "./commands/logs.ts"
import * as media from "./commands/media.ts"
import * as messages from "./commands/messages.ts"
import * as notify from "./commands/notify.ts"
import * as moments from "./commands/moments.ts"
import * as poll from "./commands/poll.ts"
import * as profile from "./commands/profile.ts"
import * as routes from "./commands/routes.ts"
import type { ConnectionRegistry } from "./ConnectionRegistry.ts"
import { GatewayConfig } from "./GatewayConfig.ts"
import * as Routes from "./Routes.ts"
import { featureCommands } from "../server/Feature.ts"
import { Hooks, rejection } from "../server/Hooks.ts"

const ok = { code: 0, message: "" }

/** The two commands allowed before a login. */
export const registerSpec: CommandSpec<RegisterRequest, RegisterResponse> = {
  id: Command.REGISTER,
  name: "register",
  request: Codecs.RegisterRequest,
  response: Codecs.RegisterResponse
}
export const authSpec: CommandSpec<AuthRequest, AuthResponse> = {
  id: Command.AUTH,
  name: "auth",
  request: Codecs.AuthRequest,
  response: Codecs.AuthResponse
}

export interface Authenticated {
  readonly userId: string
  readonly deviceId: string
  readonly platform: number
  /** The answer but for what depends on the connection (answerAuth sets it). */
  readonly response: AuthResponse
}

export class Commands extends Context.Service<Commands, {
  /** `source`: the caller's address (frequency control counts per address). */
  readonly register: (request: RegisterRequest, source?: string) => Effect.Effect<RegisterResponse, WeftError>
  readonly auth: (request: AuthRequest, source?: string) => Effect.Effect<Authenticated, WeftError>
  /**
   * The encoded AuthResponse of a login: with the first page of the log after the request's
   * sync_cursor (when set) and the route list (when the client's version is not current), so a
   * resume needs no SYNC or ROUTE_LIST round trip. A long connection calls it after it has
   * registered for pushes, so no change falls between the page and the pushes.
   */
  readonly answerAuth: (
    authenticated: Authenticated,
    request: AuthRequest,
    connectionId: number
  ) => Effect.Effect<Uint8Array, WeftError>
  /** Checks a session token for a request that carries its own credentials (short connection). */
  readonly verify: (userId: string, sessionToken: string) => Effect.Effect<void, WeftError>
  /** The handler of a command a logged-in caller may send. */
  readonly byId: (id: number) => CommandHandler | undefined
  readonly byName: (name: string) => CommandHandler | undefined
  readonly all: ReadonlyArray<CommandHandler>
}>()("weft/gateway/Commands") {}

/**
 * The caller of a plain HTTP request (avatar upload, media download) by its
 * `Authorization: Bearer <user id>:<session token>` header: undefined without that header, else
 * the verified user id or the refusal.
 */
export const bearerCaller = (
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<Result.Result<string, WeftError> | undefined, never, Commands> => {
  const credentials = /^Bearer ([^:\s]+):(\S+)$/i.exec(request.headers["authorization"] ?? "")
  if (credentials === null) return Effect.succeed(undefined)
  const [, userId, sessionToken] = credentials as unknown as [string, string, string]
  return Effect.flatMap(Commands, (commands) => Effect.result(Effect.as(commands.verify(userId, sessionToken), userId)))
}

export const make = Effect.gen(function*() {
  const config = yield* GatewayConfig
  const sessions = yield* actorClient(Session)
  const changeLogs = yield* actorClient(ChangeLog)
  const routeTable = yield* Routes.Routes
  const { auth: authSettings } = yield* WeftConfig
  // A wrong key setting stops start-up with its reason (the CLI checks most of them earlier).
  const appTokens = authSettings.jwt === undefined ? undefined : yield* Effect.orDie(makeVerifier(authSettings.jwt))
  const passwordsOff = (what: string) =>
    forbidden(`${what} are switched off on this server: log in with a token from the app (app_token)`)

  const table: Array<CommandHandler> = []
  for (const module of [core, poll, devices, notify, contacts, profile, groups, messages, moments, logs, media, routes]) {
    table.push(...(yield* module.handlers))
  }
  // The application's commands (server/Feature.ts), checked against weft's.
  table.push(...(yield* featureCommands(table)))
  const hooks = yield* Hooks
  const byId = new Map(table.map((entry) => [entry.spec.id as number, entry]))
  const byName = new Map(table.map((entry) => [entry.spec.name, entry]))

  const checkUserId = (userId: string) =>
    isValidUserId(userId) ? Effect.void : Effect.fail(invalidUserId("user id must match [A-Za-z0-9_.-]{1,64}"))

  return Commands.of({
    register: Effect.fn("Commands.register")(function*(request, source) {
      if (!authSettings.passwords) return yield* passwordsOff("registrations")
      yield* checkUserId(request.userId)
      yield* sessions(request.userId).Register({
        password: request.password,
        displayName: request.displayName,
        source,
        ...(request.homeIdc ? { home: request.homeIdc } : {})
      })
      return { base: ok }
    }),
    auth: Effect.fn("Commands.auth")(function*(request, source) {
      // An app token names its user; a request that names one too must name the same.
      let appUser: { readonly displayName?: string | undefined } | undefined
      let userId = request.userId
      if (request.appToken) {
        if (appTokens === undefined) return yield* badRequest("this server does not accept app tokens (start it with --jwt-secret, --jwt-public-key or --jwt-jwks-url)")
        const identity = yield* appTokens(request.appToken)
        if (userId !== "" && userId !== identity.userId) {
          return yield* wrongCredentials(`the app token is for another user than ${JSON.stringify(userId)}`)
        }
        userId = identity.userId
        appUser = { displayName: identity.displayName }
      } else if (request.password && !authSettings.passwords) {
        return yield* passwordsOff("password logins")
      }
      yield* checkUserId(userId)
      const device = {
        deviceId: request.device?.deviceId ?? "",
        platform: request.device?.platform ?? 0,
        name: request.device?.name ?? ""
      }
      if (device.deviceId.length > 64 || device.name.length > 64) {
        return yield* badRequest("device id and name must have at most 64 characters")
      }
      const attempt = {
        userId,
        deviceId: device.deviceId,
        platform: device.platform,
        address: source ?? "",
        method: appUser !== undefined ? "token" : request.password ? "password" : "resume"
      }
      if (hooks.beforeLogin !== undefined) {
        const verdict = yield* hooks.beforeLogin(attempt)
        if (verdict.action === "reject") return yield* rejection(verdict)
      }
      const session = yield* sessions(userId).Login({
          password: appUser === undefined ? request.password || undefined : undefined,
          resumeToken: appUser === undefined ? request.resumeToken || undefined : undefined,
          device,
          source,
          replacesConnectionId: request.replacesConnectionId || undefined,
          appUser
        })
      if (hooks.afterLogin !== undefined) yield* hooks.afterLogin(attempt)
      return {
        userId,
        deviceId: device.deviceId,
        platform: device.platform,
        response: {
          base: ok,
          sessionToken: session.sessionToken,
          heartbeatMinSeconds: config.heartbeatMinSeconds,
          heartbeatMaxSeconds: config.heartbeatMaxSeconds,
          currentSeq: session.seq,
          epoch: session.epoch,
          serverTimeMs: Date.now(),
          userId,
          endpoints: [],
          routeListVersion: 0,
          connectionId: 0
        }
      }
    }),
    answerAuth: Effect.fn("Commands.answerAuth")(function*(authenticated, request, connectionId) {
      const endpoints = yield* routeTable.list
      const version = routeListVersion(endpoints)
      const known = request.routeListVersion === version
      const full: AuthResponse = {
        ...authenticated.response,
        connectionId,
        routeListVersion: version,
        endpoints: known ? [] : endpoints
      }
      // What the request told already stays out of the answer: a weak link pays for each byte
      // before the first missed message (auth.proto, omit_known).
      const lean = request.omitKnown === true
      const response: AuthResponse = !lean ? full : {
        ...full,
        sessionToken: request.resumeToken && request.resumeToken === full.sessionToken ? "" : full.sessionToken,
        userId: request.userId === full.userId ? "" : full.userId,
        routeListVersion: known ? 0 : version
      }
      if (request.syncCursor === undefined || request.syncCursor === null) return encodeAuthResponse(response, undefined)
      const limit = request.syncLimit === undefined || request.syncLimit === 0
        ? config.maxSyncPage
        : Math.min(request.syncLimit, config.maxSyncPage)
      // The page is a shortcut, not part of the login: a log that cannot answer now (its shard is
      // between owners) leaves it out, and the client syncs by itself as an older one would.
      const page = yield* changeLogs(authenticated.userId).Sync({ cursor: request.syncCursor, limit }).pipe(Effect.option)
      return Option.isNone(page)
        ? encodeAuthResponse(response, undefined)
        : encodeAuthResponse(
          response,
          encodeSyncResponse(page.value.entries, page.value.cursor, page.value.more, lean && page.value.epoch === response.epoch ? undefined : page.value.epoch)
        )
    }),
    verify: Effect.fnUntraced(function*(userId, sessionToken) {
      if (!isValidUserId(userId) || sessionToken === "") {
        return yield* invalidToken("a user id and a session token are required in the base request")
      }
      yield* sessions(userId).Verify({ sessionToken })
    }),
    byId: (id) => byId.get(id),
    byName: (name) => byName.get(name),
    all: table
  })
})

/** The command table, with the route table it shares with the listeners (which announce themselves). */
export const layer: Layer.Layer<
  Commands | Routes.Routes,
  never,
  GatewayConfig | WeftConfig | Sharding.Sharding | ConnectionRegistry | Presence
> = Layer.effect(
  Commands,
  make
).pipe(Layer.provideMerge(Routes.layer))
