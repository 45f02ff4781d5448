/**
 * The short connection: `POST /cgi-bin/<command>` with the request as protobuf
 * (`application/x-protobuf`) or as proto3 JSON (`application/json`), answered in the same
 * format by the same command handlers as the long connection. Requests that need a login carry
 * `base { user_id, session_token }` in the body. Application errors are HTTP 200 with a
 * non-zero base response code; 4xx/5xx are kept for protocol-level failures.
 */
import * as Http from "node:http"
import * as Https from "node:https"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Context, Effect, Fiber, FiberSet, Layer, Option } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import type { Presence } from "../cluster/Presence.ts"
import type { CommandSpec } from "../protocol/Command.ts"
import { HEADER_SIZE } from "../protocol/Frame.ts"
import { recordCommand } from "../metrics/Instruments.ts"
import { newRequestId, withRequestId } from "../metrics/RequestId.ts"
import { type Codec, Codecs } from "../protocol/Proto.ts"
import { Status } from "../protocol/Status.ts"
import type { WeftError } from "../protocol/WeftError.ts"
import { anonymousCaller, type Caller, failureResponse, httpOrigin } from "./CommandTable.ts"
import { authSpec, Commands, registerSpec } from "./Commands.ts"
import { makeConnections } from "./Connection.ts"
import type { ConnectionRegistry } from "./ConnectionRegistry.ts"
import { GatewayConfig, type GatewaySettings } from "./GatewayConfig.ts"
import { routes as extraRoutes } from "./HttpRoutes.ts"
import { announce } from "./Routes.ts"
import { webSocketListener } from "./WebSocket.ts"
import type { Listening } from "./TcpServer.ts"

const PROTOBUF = "application/x-protobuf"
const JSON_TYPE = "application/json"

type Format = "protobuf" | "json"

/**
 * Short connections answer pages of any origin, without credentials: nothing ambient
 * authorizes a request (no cookie; the session token travels in the body), so a page elsewhere
 * gets no further than through a WebSocket, which browsers open to any origin anyway. Pages
 * need it: a browser client is sent to the gateway of its user's home IDC, another origin
 * (docs/multi-idc.md), and an app's own pages talk to the gateway's.
 */
const ANY_ORIGIN = { "access-control-allow-origin": "*" }
/** The answer to a browser's preflight of a protobuf POST from another origin (cached 10 minutes). */
const preflight = HttpServerResponse.empty({
  status: 204,
  headers: {
    ...ANY_ORIGIN,
    "access-control-allow-methods": "POST",
    "access-control-allow-headers": "content-type",
    "access-control-max-age": "600"
  }
})

const reply = (format: Format, spec: CommandSpec | undefined, value: unknown, status = 200) => {
  const codec: Codec<any> = spec?.response ?? Codecs.ErrorFrame
  return format === "json"
    ? HttpServerResponse.text(JSON.stringify(codec.toJson(value)), { status, contentType: JSON_TYPE, headers: ANY_ORIGIN })
    : HttpServerResponse.uint8Array(codec.encode(value), { status, contentType: PROTOBUF, headers: ANY_ORIGIN })
}

/** A protocol-level failure: the HTTP status says it, the body is an ErrorFrame. */
const refuse = (format: Format, status: number, code: number, message: string, command = 0) =>
  reply(format, undefined, { code, message, command }, status)

export const handleShortRequest = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const route = extraRoutes.find((candidate) => candidate.matches(request))
  if (route !== undefined) return yield* route.handle(request)
  if (request.method === "OPTIONS" && request.url.startsWith("/cgi-bin/")) return preflight
  const config = yield* GatewayConfig
  const commandHandlers = yield* Commands
  const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
  const format: Format = contentType === JSON_TYPE ? "json" : "protobuf"

  const match = /^\/cgi-bin\/([a-z][a-z0-9_-]*)\/?(?:\?.*)?$/.exec(request.url)
  const name = match?.[1]
  const entry = name === undefined ? undefined : commandHandlers.byName(name)
  const spec: CommandSpec | undefined = name === registerSpec.name
    ? registerSpec
    : name === authSpec.name
    ? authSpec
    : entry?.spec
  if (spec === undefined) return refuse(format, 404, Status.UNKNOWN_COMMAND, `no command at ${request.url}`)
  if (request.method !== "POST") return refuse(format, 405, Status.BAD_REQUEST, "use POST", spec.id)
  if (contentType !== JSON_TYPE && contentType !== PROTOBUF) {
    return refuse(format, 415, Status.BAD_REQUEST, `content type must be ${PROTOBUF} or ${JSON_TYPE}`, spec.id)
  }
  const length = Number(request.headers["content-length"] ?? NaN)
  if (!Number.isFinite(length)) return refuse(format, 411, Status.BAD_REQUEST, "content-length is required", spec.id)
  if (length > config.maxFrameBytes) {
    return refuse(format, 413, Status.FRAME_TOO_LARGE, `body of ${length} bytes exceeds ${config.maxFrameBytes}`, spec.id)
  }

  const body = new Uint8Array(yield* request.arrayBuffer.pipe(Effect.orElseSucceed(() => new ArrayBuffer(0))))
  let decoded: any
  try {
    decoded = format === "json" ? spec.request.fromJson(JSON.parse(new TextDecoder().decode(body))) : spec.request.decode(body)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    return refuse(format, 400, Status.BAD_REQUEST, `undecodable ${spec.name} body: ${reason}`, spec.id)
  }

  const source = Option.getOrUndefined(request.remoteAddress)
  const run: Effect.Effect<unknown, WeftError> = spec === registerSpec
    ? commandHandlers.register(decoded, source)
    : spec === authSpec
    ? commandHandlers.auth(decoded, source).pipe(
      Effect.flatMap((authenticated) => commandHandlers.answerAuth(authenticated, decoded, 0)),
      Effect.map((bytes) => spec.response.decode(bytes))
    )
    : entry!.beforeLogin
    ? Effect.map(entry!.handle(anonymousCaller("http"), decoded), (value) =>
      value instanceof Uint8Array ? spec.response.decode(value) : value)
    : Effect.gen(function*() {
      const base = decoded.base ?? {}
      yield* commandHandlers.verify(base.userId ?? "", base.sessionToken ?? "")
      const caller: Caller = {
        userId: base.userId,
        deviceId: base.deviceId ?? "",
        sessionToken: base.sessionToken,
        transport: "http",
        origin: httpOrigin(base.sessionToken)
      }
      const value = yield* entry!.handle(caller, decoded)
      // Handlers may answer with encoded bytes (sync); JSON needs the message itself.
      return value instanceof Uint8Array ? spec.response.decode(value) : value
    })
  const startedAt = performance.now()
  const handled = run.pipe(
    withRequestId(newRequestId(), { command: spec.name, transport: "http" }),
    Effect.matchEffect({
      onFailure: (error) =>
        Effect.as(
          recordCommand(spec.name, "http", error.code, startedAt),
          reply(format, spec, failureResponse(spec, error))
        ),
      onSuccess: (value) => Effect.as(recordCommand(spec.name, "http", 0, startedAt), reply(format, spec, value))
    })
  )
  // The command runs among the listener's long-lived work, so stopping the gateway cuts a
  // waiting long poll at once instead of waiting for its timeout (the client polls again).
  const { fibers } = yield* ListenerFibers
  return yield* Fiber.join(yield* FiberSet.run(fibers, handled))
})

/**
 * A connection must send its request headers within the login timeout, and the whole request
 * within 30 s (a long poll's wait is the response's, not the request's); an idle keep-alive
 * connection closes after 5 s.
 */
const httpTimeouts = (config: GatewaySettings): Http.ServerOptions => ({
  headersTimeout: Math.min(config.loginTimeoutMs, 29_000),
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: Math.max(100, Math.min(1_000, config.loginTimeoutMs / 4))
})

/**
 * The running commands of one HTTP listener (long polls among them). They belong to the
 * listener, not to the request that started them: stopping the listener interrupts them first,
 * so a gateway restart does not wait for long polls to time out.
 */
export class ListenerFibers extends Context.Service<ListenerFibers, {
  readonly fibers: FiberSet.FiberSet<unknown, unknown>
}>()("weft/gateway/ListenerFibers") {}

export class HttpShortServer extends Context.Service<HttpShortServer, {
  readonly listening: ReadonlyArray<Listening>
}>()("weft/gateway/HttpShortServer") {}

export const layer: Layer.Layer<
  HttpShortServer,
  unknown,
  GatewayConfig | Commands | ConnectionRegistry | Presence
> = Layer.effect(
  HttpShortServer,
  Effect.gen(function*() {
    const config = yield* GatewayConfig
    const listening: Array<Listening> = []
    for (const port of config.httpPorts) {
      // Long-lived requests (WebSockets, long polls) are cut at shutdown: their clients reconnect.
      // HTTPS (and WSS) when configured; Node's https.Server serves the same events as http.Server.
      // WebSocket upgrades are served by the connections of this listener (WebSocket.ts); a
      // message longer than a frame is refused while it arrives, never buffered whole.
      const webSockets = webSocketListener(HEADER_SIZE + config.maxFrameBytes)
      const create = () =>
        webSockets.intercept(
          config.tls === undefined
            ? Http.createServer(httpTimeouts(config))
            : Https.createServer({
              ...httpTimeouts(config),
              cert: config.tls.cert,
              key: config.tls.key,
              handshakeTimeout: config.loginTimeoutMs
            }) as unknown as Http.Server
        )
      const server = yield* NodeHttpServer.make(create, {
        host: config.host,
        port,
        gracefulShutdownTimeout: "500 millis"
      })
      const address = server.address
      const bound = address._tag === "UnixPathAddress" ? port : address.port
      const fibers = yield* FiberSet.make()
      const connections = yield* makeConnections("ws", bound)
      webSockets.attach(connections)
      // Runs before the connections' own shutdown and the server's: open WebSockets are closed
      // (or cut after a grace), so the server does not wait for their clients to hang up.
      yield* Effect.addFinalizer(() => Effect.promise(() => webSockets.close()))
      yield* server.serve(Effect.provideService(handleShortRequest, ListenerFibers, { fibers }))
      // Registered last, so it runs first at shutdown: the server waits for open requests.
      yield* Effect.addFinalizer(() => FiberSet.clear(fibers))
      listening.push({ host: config.host, port: bound })
    }
    yield* announce(["ws", "http"], listening)
    return HttpShortServer.of({ listening })
  })
)
