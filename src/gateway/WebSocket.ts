/**
 * The WebSocket transport: `GET /ws` on the gateway's HTTP port(s) upgrades to a WebSocket that
 * carries the same frames as the TCP long connection, one frame per binary message, served by
 * the same connection fiber (gateway/Connection.ts).
 */
import { Context, Effect, Fiber, FiberSet } from "effect"
import { type HttpServerRequest, HttpServerResponse } from "effect/http"
import { serveConnection } from "./Connection.ts"

/**
 * The WebSocket connections and the running short-connection commands (long polls among them)
 * of one HTTP listener. They belong to the listener, not to the request that started them:
 * stopping the listener interrupts them first, so a gateway restart waits neither for WebSocket
 * clients to hang up nor for long polls to time out.
 */
export class WebSocketConnections extends Context.Service<WebSocketConnections, {
  readonly fibers: FiberSet.FiberSet<unknown, unknown>
  /** The listener's port, for the metrics. */
  readonly port: number
}>()(
  "weft/gateway/WebSocketConnections"
) {}

export const WEBSOCKET_PATH = "/ws"

export const isWebSocketRequest = (request: HttpServerRequest.HttpServerRequest): boolean =>
  request.url.split("?")[0] === WEBSOCKET_PATH && (request.headers["upgrade"] ?? "").toLowerCase() === "websocket"

export const serveWebSocket = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function*() {
    const socket = yield* request.upgrade
    const connections = yield* WebSocketConnections
    const fiber = yield* FiberSet.run(connections.fibers, Effect.scoped(serveConnection(socket, "ws", connections.port)))
    yield* Fiber.await(fiber)
    return HttpServerResponse.empty()
  }).pipe(Effect.catchTag("HttpServerError", () => Effect.succeed(HttpServerResponse.empty({ status: 400 }))))
