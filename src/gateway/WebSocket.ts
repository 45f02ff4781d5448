/**
 * The WebSocket transport: `GET /ws` on the gateway's HTTP port(s) upgrades to a WebSocket that
 * carries the same frames as the TCP long connection, one frame per binary message, served by
 * the same connection code (gateway/Connection.ts). As on TCP, a connection is its socket (the
 * `ws` library's, of a class of ours that takes its events), with no fiber of its own while it is
 * idle, and the bytes its peer has not taken yet are known: a consumer too slow to take its
 * pushes is disconnected.
 * Any page may open one (no Origin check): nothing ambient authorizes it, the frames carry the
 * credentials.
 */
import type * as Http from "node:http"
import type { Duplex } from "node:stream"
import { WebSocket, WebSocketServer } from "ws"
import type { Connections, LongConnection, Wire } from "./Connection.ts"

export const WEBSOCKET_PATH = "/ws"

const isWebSocketUpgrade = (request: Http.IncomingMessage): boolean =>
  (request.url ?? "").split("?")[0] === WEBSOCKET_PATH && (request.headers.upgrade ?? "").toLowerCase() === "websocket"

/** How long a closing WebSocket may take for its close handshake before its socket is cut. */
const CLOSE_GRACE_MS = 1_000

type Received = Buffer | ArrayBuffer | Array<Buffer>
const bytesOf = (data: Received): Uint8Array =>
  Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data

/**
 * The WebSocket upgrades of one HTTP listener: `intercept` takes them off its server (other
 * upgrades, and every request, stay the HTTP server's), `attach` gives them their connections
 * once the listener is bound, `close` closes every open one (the listener is going away).
 */
export const webSocketListener = (maxPayload: number) => {
  const open = new Set<Served>()
  let connections: Connections | undefined
  let closed = false
  /** Resolves `close()` once the last open WebSocket has closed. */
  let allClosed: (() => void) | undefined

  /**
   * A WebSocket of this listener is its connection's wire itself (`ws` makes its sockets of this
   * class). An idle one costs `ws`'s objects and two fields, no more: no wire object beside it,
   * no listeners (its events come to `emit`, which `ws` calls), and no automatic-pong closure
   * (`ws` makes one per socket; pings are answered here).
   */
  class Served extends WebSocket implements Wire {
    connection: LongConnection | undefined = undefined
    /** Cuts a peer that does not answer our close frame within CLOSE_GRACE_MS. */
    cut: ReturnType<typeof setTimeout> | undefined = undefined

    write(frames: ReadonlyArray<Uint8Array>) {
      for (const frame of frames) this.send(frame)
    }
    buffered() {
      return this.bufferedAmount
    }
    // pause() and resume() are the WebSocket's own.
    // What was written leaves before the close frame; a peer that does not answer it is cut.
    end() {
      if (this.readyState === this.CLOSED) return
      this.close(1000)
      this.cut ??= setTimeout(() => this.terminate(), CLOSE_GRACE_MS).unref()
    }

    // `ws` reports what happens to a socket through emit: its events are handled here directly.
    // (Listeners added with `on` are not called, except for the events not handled here.)
    override emit(event: string | symbol, a?: any, b?: any): boolean {
      switch (event) {
        case "message":
          this.connection!.received(bytesOf(a as Received))
          return true
        case "close":
          this.afterClose()
          return true
        case "ping": {
          // RFC 6455 5.5.2: answered with a pong carrying the ping's data. A peer that pings
          // without reading what it is sent is cut like any slow consumer.
          if (this.readyState !== this.OPEN) return true
          this.pong(a as Buffer, false)
          this.connection?.cutIfSlow()
          return true
        }
        // A reset, a refused frame (longer than maxPayload), a peer's close: "close" follows each.
        case "error":
          return true
        default:
          return super.emit(event, a, b)
      }
    }

    private afterClose() {
      open.delete(this)
      if (this.cut !== undefined) clearTimeout(this.cut)
      this.connection?.close("peer closed")
      if (open.size === 0) allClosed?.()
    }
  }

  const server = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload, autoPong: false, WebSocket: Served })

  const accept = (ws: Served, remoteAddress: string | undefined) => {
    if (connections === undefined || closed) return ws.terminate()
    open.add(ws)
    ws.connection = connections.accept(ws, remoteAddress)
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
        allClosed = () => {
          clearTimeout(cut)
          resolve()
        }
        for (const ws of [...open]) ws.close(1001)
      })
    }
  }
}
