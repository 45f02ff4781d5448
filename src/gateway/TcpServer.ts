/**
 * The TCP long-connection listener (TLS when configured): one node:net (node:tls) server per
 * configured port. A connection is a
 * socket with plain event handlers feeding its LongConnection (Connection.ts); it enters Effect
 * only per command. Closing the layer's scope closes the listeners and every connection on them.
 */
import * as Net from "node:net"
import * as Tls from "node:tls"
import { Context, Effect, Layer } from "effect"
import { SocketServerError, SocketServerOpenError } from "effect/socket/SocketServer"
import type { Presence } from "../cluster/Presence.ts"
import type { Commands } from "./Commands.ts"
import { type Connections, type LongConnection, makeConnections, type Wire } from "./Connection.ts"
import type { ConnectionRegistry } from "./ConnectionRegistry.ts"
import { GatewayConfig } from "./GatewayConfig.ts"
import { announce } from "./Routes.ts"

export interface Listening {
  readonly host: string
  readonly port: number
}

export class TcpServer extends Context.Service<TcpServer, {
  readonly listening: ReadonlyArray<Listening>
}>()("weft/gateway/TcpServer") {}

/** A peer that does not finish closing within this long after we end the connection is cut. */
const END_GRACE_MS = 1000

/** The socket as a connection's wire; its methods live on the prototype, not in closures per socket. */
class TcpWire implements Wire {
  constructor(private readonly socket: Net.Socket) {}
  write(frames: ReadonlyArray<Uint8Array>) {
    const socket = this.socket
    if (frames.length === 1) {
      socket.write(frames[0]!)
      return
    }
    // One writev for all of them, without copying them together first.
    socket.cork()
    for (const frame of frames) socket.write(frame)
    socket.uncork()
  }
  buffered() {
    return this.socket.writableLength
  }
  pause() {
    this.socket.pause()
  }
  resume() {
    this.socket.resume()
  }
  end() {
    const socket = this.socket
    socket.end()
    setTimeout(() => socket.destroy(), END_GRACE_MS).unref()
  }
}

// The socket's listeners are shared by every socket (Node calls them with the socket as `this`),
// which finds its connection in a property: no closures per idle connection.
const CONNECTION = Symbol("weft/connection")
type Served = Net.Socket & { [CONNECTION]: LongConnection }
function onData(this: Served, chunk: Buffer) {
  this[CONNECTION].received(chunk)
}
function onClose(this: Served) {
  this[CONNECTION].close("peer closed")
}
// A reset or a write to a closed socket: "close" follows, which ends the connection.
const onError = () => {}

const serve = (connections: Connections) => (socket: Net.Socket) => {
  ;(socket as Served)[CONNECTION] = connections.accept(new TcpWire(socket), socket.remoteAddress)
  socket.on("data", onData)
  socket.on("close", onClose)
  socket.on("error", onError)
}

const listen = (server: Net.Server, host: string, port: number) =>
  Effect.callback<number, SocketServerError>((resume) => {
    const onError = (cause: Error) => resume(Effect.fail(new SocketServerError({ reason: new SocketServerOpenError({ cause }) })))
    server.once("error", onError)
    server.listen(port, host, () => {
      server.off("error", onError)
      const address = server.address()
      resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : port))
    })
  })

export const layer: Layer.Layer<TcpServer, SocketServerError, GatewayConfig | Commands | ConnectionRegistry | Presence> = Layer
  .effect(
    TcpServer,
    Effect.gen(function*() {
      const config = yield* GatewayConfig
      const listening: Array<Listening> = []
      for (const port of config.tcpPorts) {
        // No Nagle delay: an ack written just after a push would otherwise wait for the client's
        // delayed ACK of the push (up to 40 ms on Linux).
        // With TLS, a connection is served once its handshake is done, which must be within the
        // login timeout; a failed handshake just drops the socket.
        const server = config.tls === undefined
          ? Net.createServer({ noDelay: true })
          : Tls.createServer({ noDelay: true, cert: config.tls.cert, key: config.tls.key, handshakeTimeout: config.loginTimeoutMs })
            .on("tlsClientError", (_error, socket) => socket.destroy())
        yield* Effect.addFinalizer(() => Effect.sync(() => server.close()))
        const bound = yield* listen(server, config.host, port)
        const connections = yield* makeConnections("tcp", bound)
        server.on(config.tls === undefined ? "connection" : "secureConnection", serve(connections))
        listening.push({ host: config.host, port: bound })
      }
      yield* announce(["tcp"], listening)
      return TcpServer.of({ listening })
    })
  )
