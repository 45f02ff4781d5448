/**
 * A TCP relay on 127.0.0.1 standing in for the network between a client and a gateway: it can
 * delay the start of a connection (a slow route), add latency to every byte each way, refuse
 * connections (a port a carrier blocks), forget idle connections the way a NAT does (after
 * `natIdleMs` of silence, it drops whatever is sent, in both directions, without closing
 * anything: a half-open connection), and cut the connections it holds the way a network change
 * does (nothing gets through either way any more, and neither end hears of it). It reads the
 * weft frames it relays, so a test can count what each connection carried.
 */
import * as Net from "node:net"

export interface TcpProxyOptions {
  /** Where to relay to; read at each accepted connection (the gateway may start later). */
  readonly target: () => { readonly host: string; readonly port: number }
  /** Before a connection is relayed at all. */
  readonly delayMs?: number
  /**
   * Added to every chunk, each way (a round trip costs twice this); a function gives each
   * connection its own (by its index, from 0), as separate routes through a network would.
   */
  readonly latencyMs?: number | ((connection: number) => number)
  readonly natIdleMs?: number
}

/** One frame seen by the relay: its command id and request id (0 for pushes). */
export interface SeenFrame {
  readonly command: number
  readonly requestId: number
  /** performance.now() when the relay read it. */
  readonly at: number
}

/** One relayed connection. */
export interface Relayed {
  readonly openedAt: number
  /** Frames from the client to the server, as the relay read them from the client. */
  readonly toServer: Array<SeenFrame>
  /** Frames from the server to the client, as the relay read them from the server. */
  readonly toClient: Array<SeenFrame>
  /** Cut: nothing is forwarded either way, and neither end is told. */
  cut: boolean
  /** Whether the server's side is still open. */
  serverOpen: boolean
}

export interface TcpProxy {
  readonly port: number
  /** Connections currently relayed. */
  readonly open: () => number
  /** Every connection relayed so far, oldest first. */
  readonly connections: () => ReadonlyArray<Relayed>
  /** Drops every connection and stops listening: connects are refused. */
  readonly refuse: () => Promise<void>
  /** Listens again on the same port. */
  readonly accept: () => Promise<void>
  /**
   * Cuts every connection relayed now, as a change of network or a dead radio link does: from
   * here on nothing passes either way and a close by either end is not passed on. New
   * connections are relayed as usual.
   */
  readonly cut: () => void
  /**
   * An outage past the first hop: while on, every connection is cut and new ones are accepted
   * but relay nothing (the client's connect completes; nothing it sends gets an answer). Off:
   * new connections are relayed again (the held ones stay dead, as a SYN lost to the outage).
   */
  readonly silence: (on: boolean) => void
  /** Connections accepted while silent, in order: when each was accepted. */
  readonly held: () => ReadonlyArray<number>
  readonly close: () => Promise<void>
}

/** Reads frame headers (length u32, version u8, command u16, request id u32) off a byte stream. */
const frameReader = (seen: Array<SeenFrame>) => {
  let buffered = Buffer.alloc(0)
  return (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    while (buffered.length >= 11) {
      const length = buffered.readUInt32BE(0)
      if (buffered.length < 11 + length) return
      seen.push({ command: buffered.readUInt16BE(5), requestId: buffered.readUInt32BE(7), at: performance.now() })
      buffered = buffered.subarray(11 + length)
    }
  }
}

export const startTcpProxy = async (options: TcpProxyOptions): Promise<TcpProxy> => {
  const sockets = new Set<Net.Socket>()
  const relayed: Array<Relayed> = []
  const held: Array<number> = []
  let silent = false
  let pairs = 0
  const relay = (client: Net.Socket) => {
    sockets.add(client)
    client.on("close", () => sockets.delete(client))
    client.on("error", () => {})
    client.pause()
    if (silent) return void held.push(performance.now())
    setTimeout(() => {
      if (client.destroyed) return
      const upstream = Net.connect(options.target())
      sockets.add(upstream)
      upstream.on("close", () => sockets.delete(upstream))
      pairs++
      const record: Relayed = { openedAt: performance.now(), toServer: [], toClient: [], cut: false, serverOpen: true }
      const latencyMs = typeof options.latencyMs === "function" ? options.latencyMs(relayed.length) : options.latencyMs ?? 0
      relayed.push(record)
      let lastActivity = Date.now()
      let forgotten = false
      const forward = (to: Net.Socket, read: (chunk: Buffer) => void) => (chunk: Buffer) => {
        read(chunk)
        const now = Date.now()
        if (options.natIdleMs !== undefined && now - lastActivity > options.natIdleMs) forgotten = true
        if (forgotten || record.cut) return
        lastActivity = now
        if (latencyMs === 0) return void to.write(chunk)
        setTimeout(() => !record.cut && !to.destroyed && to.write(chunk), latencyMs)
      }
      client.on("data", forward(upstream, frameReader(record.toServer)))
      upstream.on("data", forward(client, frameReader(record.toClient)))
      upstream.on("error", () => {})
      upstream.on("close", () => {
        record.serverOpen = false
        if (!record.cut) client.destroy()
      })
      client.on("close", () => {
        pairs--
        // A cut connection's close never reaches the server: it stays half-open there.
        if (!record.cut) upstream.destroy()
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
    connections: () => relayed,
    refuse,
    accept: async () => void (await listen(port)),
    cut: () => {
      for (const record of relayed) record.cut = true
    },
    silence: (on) => {
      silent = on
      if (on) for (const record of relayed) record.cut = true
    },
    held: () => held,
    close: async () => {
      if (server.listening) await refuse()
      for (const socket of sockets) socket.destroy()
    }
  }
}
