/**
 * The TCP long-connection listener: one server per configured port, one fiber per accepted
 * connection. Closing the layer's scope closes the listeners and every connection on them.
 */
import { NodeSocketServer } from "@effect/platform-node"
import { Context, Effect, Layer } from "effect"
import type { SocketServerError } from "effect/socket/SocketServer"
import type { Presence } from "../cluster/Presence.ts"
import { Commands } from "./Commands.ts"
import { serveConnection } from "./Connection.ts"
import { ConnectionRegistry } from "./ConnectionRegistry.ts"
import { GatewayConfig } from "./GatewayConfig.ts"
import { announce } from "./Routes.ts"

export interface Listening {
  readonly host: string
  readonly port: number
}

export class TcpServer extends Context.Service<TcpServer, {
  readonly listening: ReadonlyArray<Listening>
}>()("weft/gateway/TcpServer") {}

export const layer: Layer.Layer<TcpServer, SocketServerError, GatewayConfig | Commands | ConnectionRegistry | Presence> = Layer
  .effect(
    TcpServer,
    Effect.gen(function*() {
      const config = yield* GatewayConfig
      const listening: Array<Listening> = []
      for (const port of config.tcpPorts) {
        // No Nagle delay: an ack written just after a push would otherwise wait for the client's
        // delayed ACK of the push (up to 40 ms on Linux).
        const server = yield* NodeSocketServer.make({ host: config.host, port, noDelay: true })
        const address = server.address
        const bound = address._tag === "UnixPathAddress" ? port : address.port
        listening.push({ host: config.host, port: bound })
        yield* Effect.forkScoped(
          server.run((socket) =>
            Effect.scoped(serveConnection(socket, "tcp", bound)).pipe(
              Effect.tap((closed) => Effect.logDebug("connection closed", closed))
            )
          )
        )
      }
      yield* announce(["tcp"], listening)
      return TcpServer.of({ listening })
    })
  )
