/**
 * The WebSocket transport: `GET /ws` on the gateway's HTTP port(s) upgrades to a WebSocket that
 * carries the same frames as the TCP long connection, one frame per binary message, served by
 * the same connection fiber (gateway/Connection.ts).
 */
import { Context, Deferred, Effect, Fiber, FiberSet, Option } from "effect"
import { type HttpServerRequest, HttpServerResponse } from "effect/http"
import * as Socket from "effect/socket/Socket"
import type { Connections, Wire } from "./Connection.ts"

/**
 * The WebSocket connections and the running short-connection commands (long polls among them)
 * of one HTTP listener. They belong to the listener, not to the request that started them:
 * stopping the listener interrupts them first, so a gateway restart waits neither for WebSocket
 * clients to hang up nor for long polls to time out.
 */
export class WebSocketConnections extends Context.Service<WebSocketConnections, {
  readonly fibers: FiberSet.FiberSet<unknown, unknown>
  /** The listener's WebSocket connections. */
  readonly connections: Connections
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
    const remoteAddress = Option.getOrUndefined(request.remoteAddress)
    const fiber = yield* FiberSet.run(
      connections.fibers,
      Effect.scoped(serveWebSocketConnection(socket, connections.connections, remoteAddress))
    )
    yield* Fiber.await(fiber)
    return HttpServerResponse.empty()
  }).pipe(Effect.catchTag("HttpServerError", () => Effect.succeed(HttpServerResponse.empty({ status: 400 }))))

/**
 * One WebSocket connection: a fiber reads messages into the connection (Effect's WebSocket has
 * no event handlers to hang it on) and the connection writes through the socket's writer.
 */
const serveWebSocketConnection = (socket: Socket.Socket, connections: Connections, remoteAddress: string | undefined) =>
  Effect.gen(function*() {
    const writer = yield* socket.writer
    const pull = yield* Socket.readerBytes(socket)
    const ended = yield* Deferred.make<void>()
    let paused: Deferred.Deferred<void> | undefined
    const wire: Wire = {
      write: (frames) => {
        Effect.runForkWith(connections.context)(Effect.ignore(frames.length === 1 ? writer.write(frames[0]!) : writer.writeAll(frames as unknown as readonly [Uint8Array, ...Array<Uint8Array>])))
      },
      buffered: () => 0,
      pause: () => {
        paused ??= Deferred.makeUnsafe<void>()
      },
      resume: () => {
        if (paused !== undefined) Deferred.doneUnsafe(paused, Effect.void)
        paused = undefined
      },
      end: () => Deferred.doneUnsafe(ended, Effect.void)
    }
    const connection = connections.accept(wire, remoteAddress)
    const read = Effect.gen(function*() {
      while (true) {
        for (const chunk of yield* pull) connection.received(chunk)
        if (paused !== undefined) yield* Deferred.await(paused)
      }
    })
    yield* Effect.raceFirst(Effect.ignore(read), Deferred.await(ended)).pipe(
      Effect.ensuring(Effect.sync(() => connection.close("peer closed")))
    )
    // Flush what the connection wrote last (an error frame, a Kicked) before the socket closes.
    yield* writer.write(new Socket.CloseEvent(1000)).pipe(Effect.ignore, Effect.timeoutOption(1000))
  })
