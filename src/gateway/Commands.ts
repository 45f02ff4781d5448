/**
 * One implementation per protocol command, shared by every transport (TCP long connection
 * today; WebSocket and HTTP short connection use the same handlers). A handler takes the
 * decoded request and the authenticated user, forwards to the user's actors through the
 * engine, and returns the response body to encode.
 */
import { Context, Effect, Layer } from "effect"
import { Sharding } from "effect/cluster"
import { callActor } from "../actors/ActorCall.ts"
import { ChangeLog } from "../actors/ChangeLog.ts"
import { Messenger } from "../actors/Messenger.ts"
import { isValidUserId, Session } from "../actors/Session.ts"
import { encodeSyncResponse } from "../protocol/prebuilt.ts"
import type {
  AuthRequest,
  AuthResponse,
  PongResponse,
  RegisterRequest,
  RegisterResponse,
  SendMessageRequest,
  SendMessageResponse,
  SyncRequest
} from "../protocol/Proto.ts"
import { badRequest, invalidToken, invalidUserId, type WeftError } from "../protocol/WeftError.ts"
import { GatewayConfig } from "./GatewayConfig.ts"

const ok = { code: 0, message: "" }

export interface Authenticated {
  readonly userId: string
  readonly deviceId: string
  readonly response: AuthResponse
}

export class Commands extends Context.Service<Commands, {
  readonly register: (request: RegisterRequest) => Effect.Effect<RegisterResponse, WeftError>
  readonly auth: (request: AuthRequest) => Effect.Effect<Authenticated, WeftError>
  /** Checks a session token for a request that carries its own credentials (short connection). */
  readonly verify: (userId: string, sessionToken: string) => Effect.Effect<void, WeftError>
  readonly ping: () => Effect.Effect<PongResponse>
  readonly sendMessage: (userId: string, request: SendMessageRequest) => Effect.Effect<SendMessageResponse, WeftError>
  /** Returns the encoded SyncResponse: stored changes go to the wire without re-encoding. */
  readonly sync: (userId: string, request: SyncRequest) => Effect.Effect<Uint8Array, WeftError>
}>()("weft/gateway/Commands") {}

export const make = Effect.gen(function*() {
  const config = yield* GatewayConfig
  const sessions = yield* Session.client
  const messengers = yield* Messenger.client
  const changeLogs = yield* ChangeLog.client

  const checkUserId = (userId: string) =>
    isValidUserId(userId) ? Effect.void : Effect.fail(invalidUserId("user id must match [A-Za-z0-9_.-]{1,64}"))

  return Commands.of({
    register: Effect.fn("Commands.register")(function*(request) {
      yield* checkUserId(request.userId)
      yield* callActor(
        sessions(request.userId).Register({ password: request.password, displayName: request.displayName }),
        "session"
      )
      return { base: ok }
    }),
    auth: Effect.fn("Commands.auth")(function*(request) {
      yield* checkUserId(request.userId)
      const device = {
        deviceId: request.device?.deviceId ?? "",
        platform: request.device?.platform ?? 0,
        name: request.device?.name ?? ""
      }
      if (device.deviceId.length > 64 || device.name.length > 64) {
        return yield* badRequest("device id and name must have at most 64 characters")
      }
      const session = yield* callActor(
        sessions(request.userId).Login({
          password: request.password || undefined,
          resumeToken: request.resumeToken || undefined,
          device
        }),
        "session"
      )
      return {
        userId: request.userId,
        deviceId: device.deviceId,
        response: {
          base: ok,
          sessionToken: session.sessionToken,
          heartbeatMinSeconds: config.heartbeatMinSeconds,
          heartbeatMaxSeconds: config.heartbeatMaxSeconds,
          currentSeq: session.seq,
          epoch: session.epoch,
          serverTimeMs: Date.now()
        }
      }
    }),
    verify: Effect.fn("Commands.verify")(function*(userId, sessionToken) {
      if (!isValidUserId(userId) || sessionToken === "") {
        return yield* invalidToken("a user id and a session token are required in the base request")
      }
      yield* callActor(sessions(userId).Verify({ sessionToken }), "session")
    }),
    ping: () => Effect.sync(() => ({ base: ok, serverTimeMs: Date.now() })),
    sendMessage: Effect.fn("Commands.sendMessage")(function*(userId, request) {
      const sent = yield* callActor(
        messengers(userId).Send({
          to: request.to,
          type: request.type,
          text: request.text,
          clientMsgId: request.clientMsgId
        }),
        "messenger"
      )
      return { base: ok, ...sent }
    }),
    sync: Effect.fn("Commands.sync")(function*(userId, request) {
      const limit = request.limit === 0 ? config.maxSyncPage : Math.min(request.limit, config.maxSyncPage)
      const page = yield* callActor(changeLogs(userId).Sync({ cursor: request.cursor, limit }), "change log")
      return encodeSyncResponse(page.entries, page.cursor, page.more, page.epoch)
    })
  })
})

export const layer: Layer.Layer<Commands, never, GatewayConfig | Sharding.Sharding> = Layer.effect(Commands, make)
