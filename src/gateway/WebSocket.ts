/**
 * The WebSocket transport: `GET /ws` on the gateway's HTTP port(s) upgrades to a WebSocket that
 * carries the same frames as the TCP long connection, one frame per binary message, served by
 * the same connection code (gateway/Connection.ts). As on TCP, a connection is event handlers on
 * its socket (the `ws` library's), with no fiber of its own while it is idle, and the bytes its
 * peer has not taken yet are known: a consumer too slow to take its pushes is disconnected.
 * Any page may open one (no Origin check): nothing ambient authorizes it, the frames carry the
 * credentials.
 */
import type * as Http from "node:http"
import type { Duplex } from "node:stream"
import { type WebSocket, WebSocketServer } from "ws"
import type { Connections, LongConnection, Wire } from "./Connection.ts"

export const WEBSOCKET_PATH = "/ws"

const isWebSocketUpgrade = (request: Http.IncomingMessage): boolean =>
  (request.url ?? "").split("?")[0] === WEBSOCKET_PATH && (request.headers.upgrade ?? "").toLowerCase() === "websocket"

/** How long a closing WebSocket may take for its close handshake before its socket is cut. */
const CLOSE_GRACE_MS = 1_000

/**
 * A WebSocket as a connection's wire; its methods live on the prototype, not in closures per
 * socket (an idle connection costs its objects, no more).
 */
class WebSocketWire implements Wire {
  connection: LongConnection | undefined = undefined
  /** Cuts a peer that does not answer our close frame within CLOSE_GRACE_MS. */
  cut: ReturnType<typeof setTimeout> | undefined = undefined
  constructor(private readonly ws: WebSocket) {}
  write(frames: ReadonlyArray<Uint8Array>) {
    for (const frame of frames) this.ws.send(frame)
  }
  buffered() {
    return this.ws.bufferedAmount
  }
  pause() {
    this.ws.pause()
  }
  resume() {
    this.ws.resume()
  }
  // What was written leaves before the close frame; a peer that does not answer it is cut.
  end() {
    const ws = this.ws
    if (ws.readyState === ws.CLOSED) return
    ws.close(1000)
    this.cut ??= setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
  }
}

// Each socket finds its wire (and so its connection) in a property.
const WIRE = Symbol("weft/wire")
type Served = WebSocket & { [WIRE]: WebSocketWire }
function onMessage(this: WebSocket, data: Buffer | ArrayBuffer | Array<Buffer>) {
  ;(this as Served)[WIRE].connection!.received(Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data)
}
// A reset, a refused frame (longer than maxPayload), a peer's close: "close" follows each.
const onError = () => {}

/**
 * The WebSocket upgrades of one HTTP listener: `intercept` takes them off its server (other
 * upgrades, and every request, stay the HTTP server's), `attach` gives them their connections
 * once the listener is bound, `close` closes every open one (the listener is going away).
 */
export const webSocketListener = (maxPayload: number) => {
  const server = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload })
  const open = new Set<WebSocket>()
  let connections: Connections | undefined
  let closed = false

  // Shared by every WebSocket of this listener (`ws` calls them with the socket as `this`).
  function onClose(this: WebSocket) {
    open.delete(this)
    const wire = (this as Served)[WIRE]
    if (wire.cut !== undefined) clearTimeout(wire.cut)
    wire.connection!.close("peer closed")
  }

  const accept = (ws: WebSocket, remoteAddress: string | undefined) => {
    if (connections === undefined || closed) return ws.terminate()
    open.add(ws)
    const wire = new WebSocketWire(ws)
    ;(ws as Served)[WIRE] = wire
    wire.connection = connections.accept(wire, remoteAddress)
    ws.on("message", onMessage)
    ws.on("error", onError)
    // "close" comes once; `on` spares the wrapper `once` would make per socket.
    ws.on("close", onClose)
  }

  return {
    /** Serves `server`'s WebSocket upgrades here (an instance's `emit`, so its own listeners never see them). */
    intercept: <S extends Http.Server>(http: S): S => {
      const emit = http.emit
      http.emit = function(this: S, event: string | symbol, ...args: Array<any>) {
        if (event === "upgrade" && isWebSocketUpgrade(args[0])) {
          const [request, socket, head] = args as [Http.IncomingMessage, Duplex, Buffer]
          if (connections === undefined || closed) {
            socket.destroy()
          } else {
            const remoteAddress = request.socket.remoteAddress
            server.handleUpgrade(request, socket, head, (ws) => accept(ws, remoteAddress))
          }
          return true
        }
        return emit.apply(this, [event, ...args] as any)
      } as typeof http.emit
      return http
    },
    attach: (listening: Connections) => {
      connections = listening
    },
    /** Closes every open one (what was written leaves first), cutting those not closed within the grace. */
    close: (): Promise<void> => {
      closed = true
      server.close()
      if (open.size === 0) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const cut = setTimeout(() => {
          for (const ws of open) ws.terminate()
          resolve()
        }, CLOSE_GRACE_MS)
        for (const ws of [...open]) {
          ws.once("close", () => {
            if (open.size > 0) return
            clearTimeout(cut)
            resolve()
          })
          ws.close(1001)
        }
      })
    }
  }
}
