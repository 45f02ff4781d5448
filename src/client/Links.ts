/** The ways a client talks to a gateway, one per transport, with the same requests on each. */
import { FrameConnection, type FrameConnectionOptions } from "./FrameConnection.ts"
import { HttpLink } from "./HttpLink.ts"
import type { Endpoint } from "./RouteStore.ts"

/** A long connection (TCP or WebSocket) or the HTTP-only link: the same requests on each. */
export type Link = FrameConnection | HttpLink

/** Opens a link of the endpoint's transport (no request sent yet). */
export const openLink = async (
  endpoint: Endpoint,
  handlers: Omit<FrameConnectionOptions, "host" | "port">,
  webSocket?: typeof WebSocket
): Promise<Link> => {
  if (endpoint.transport === "tcp") return FrameConnection.open({ host: endpoint.host, port: endpoint.port, ...handlers })
  const secure = handlers.tls !== undefined
  if (endpoint.transport === "ws") {
    const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host
    return FrameConnection.openWebSocket(`${secure ? "wss" : "ws"}://${host}:${endpoint.port}/ws`, handlers, webSocket)
  }
  return new HttpLink({ host: endpoint.host, port: endpoint.port, ...handlers, secure })
}
