/**
 * A TCP relay on 127.0.0.1 standing in for the network between a client and a gateway: it can
 * add latency (a slow route), refuse connections (a port a carrier blocks), and forget idle
 * connections the way a NAT does (after `natIdleMs` of silence, it drops whatever is sent, in
 * both directions, without closing anything: a half-open connection).
 */
import * as Net from "node:net"

export interface TcpProxyOptions {
  /** Where to relay to; read at each accepted connection (the gateway may start later). */
  readonly target: () => { readonly host: string; readonly port: number }
  readonly delayMs?: number
  readonly natIdleMs?: number
}

export interface TcpProxy {
  readonly port: number
  /** Connections currently relayed. */
  readonly open: () => number
  /** Drops every connection and stops listening: connects are refused. */
  readonly refuse: () => Promise<void>
  /** Listens again on the same port. */
  readonly accept: () => Promise<void>
  readonly close: () => Promise<void>
}

export const startTcpProxy = async (options: TcpProxyOptions): Promise<TcpProxy> => {
  const sockets = new Set<Net.Socket>()
  let pairs = 0
  const relay = (client: Net.Socket) => {
    sockets.add(client)
    client.on("close", () => sockets.delete(client))
    client.on("error", () => {})
    client.pause()
    setTimeout(() => {
      if (client.destroyed) return
      const upstream = Net.connect(options.target())
      sockets.add(upstream)
      pairs++
      let lastActivity = Date.now()
      let forgotten = false
      const forward = (to: Net.Socket) => (chunk: Buffer) => {
        const now = Date.now()
        if (options.natIdleMs !== undefined && now - lastActivity > options.natIdleMs) forgotten = true
        if (forgotten) return
        lastActivity = now
        to.write(chunk)
      }
      client.on("data", forward(upstream))
      upstream.on("data", forward(client))
      upstream.on("error", () => {})
      const end = () => {
        client.destroy()
        upstream.destroy()
      }
      upstream.on("close", end)
      client.on("close", () => {
        end()
        pairs--
      })
      client.resume()
    }, options.delayMs ?? 0)
  }
  const server = Net.createServer(relay)
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject)
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject)
        resolve((server.address() as Net.AddressInfo).port)
      })
    })
  const port = await listen(0)
  const refuse = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })
  }
  return {
    port,
    open: () => pairs,
    refuse,
    accept: async () => void (await listen(port)),
    close: () => (server.listening ? refuse() : Promise.resolve())
  }
}
