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
import type { Connections, Wire } from "./Connection.ts"

export const WEBSOCKET_PATH = "/ws"

const isWebSocketUpgrade = (request: Http.IncomingMessage): boolean =>
  (request.url ?? "").split("?")[0] === WEBSOCKET_PATH && (request.headers.upgrade ?? "").toLowerCase() === "websocket"

/** How long a closing WebSocket may take for its close handshake before its socket is cut. */
const CLOSE_GRACE_MS = 1_000

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

  const accept = (ws: WebSocket, request: Http.IncomingMessage) => {
    if (connections === undefined || closed) return ws.terminate()
    open.add(ws)
    let cut: ReturnType<typeof setTimeout> | undefined
    const wire: Wire = {
      write: (frames) => {
        for (const frame of frames) ws.send(frame)
      },
      buffered: () => ws.bufferedAmount,
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      // What was written leaves before the close frame; a peer that does not answer it is cut.
      end: () => {
        if (ws.readyState === ws.CLOSED) return
        ws.close(1000)
        cut ??= setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
      }
    }
    const connection = connections.accept(wire, request.socket.remoteAddress)
    ws.on("message", (data: Buffer | ArrayBuffer | Array<Buffer>) => {
      connection.received(Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data)
    })
    // A reset, a refused frame (longer than maxPayload), a peer's close: "close" follows each.
    ws.on("error", () => {})
    ws.once("close", () => {
      open.delete(ws)
      if (cut !== undefined) clearTimeout(cut)
      connection.close("peer closed")
    })
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
            server.handleUpgrade(request, socket, head, (ws) => accept(ws, request))
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
