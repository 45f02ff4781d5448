/**
 * A TCP relay on 127.0.0.1 standing in for the long-haul link between two data centres in the
 * local multi-IDC simulation (localIdc.ts): latency each way, loss (a lost chunk arrives one
 * retransmission timeout late, with everything behind it, as TCP would deliver it), and
 * partitions. A partition ends every connection relayed (as the peers' timeouts would) and holds
 * the connections opened during it without relaying a byte; once it heals those are dropped too
 * and new ones are relayed again.
 */
import * as Net from "node:net"

const RTO_MS = 200

export interface LongHaulOptions {
  /** Where to relay to; read at each connection (the far side may move, as after a failover). */
  readonly target: () => number
  readonly latencyMs?: number
  /** Share of chunks that are lost once (0..1). */
  readonly lossRate?: number
}

export interface LongHaul {
  readonly port: number
  /** Cut (true) or heal (false) the link. */
  readonly partition: (on: boolean) => void
  readonly partitioned: () => boolean
  readonly close: () => Promise<void>
}

export const startLongHaul = async (options: LongHaulOptions): Promise<LongHaul> => {
  const relayed = new Set<Net.Socket>()
  const held = new Set<Net.Socket>()
  let cut = false
  const latencyMs = options.latencyMs ?? 0
  const lossRate = options.lossRate ?? 0

  /**
   * One direction: chunks leave in order, each after the latency (and a retransmission if lost);
   * the far end's close follows the last of them. One queue and one timer per direction: a timer
   * per chunk lets two chunks due in the same millisecond leave in either order (Node orders
   * timers of different durations by their whole-millisecond expiry), which garbles the stream —
   * as the weak-network bench's relay found (bench/lib/shaped-relay.js).
   */
  const pipe = (to: Net.Socket) => {
    const queue: Array<{ readonly leave: number; readonly act: () => void }> = []
    let timer: ReturnType<typeof setTimeout> | undefined
    let lastLeave = 0
    const drain = () => {
      timer = undefined
      const now = performance.now()
      while (queue.length > 0 && queue[0]!.leave <= now + 0.5) queue.shift()!.act()
      if (queue.length > 0) timer = setTimeout(drain, Math.max(1, queue[0]!.leave - now))
    }
    const at = (leave: number, act: () => void) => {
      lastLeave = Math.max(leave, lastLeave)
      queue.push({ leave: lastLeave, act })
      if (timer === undefined) drain()
    }
    return {
      forward: (chunk: Buffer) => {
        const lost = lossRate > 0 && Math.random() < lossRate
        at(performance.now() + latencyMs + (lost ? Math.max(RTO_MS, 2 * latencyMs) : 0), () => !to.destroyed && to.write(chunk))
      },
      close: () => at(performance.now() + latencyMs, () => to.destroy())
    }
  }

  // No-delay both ways: the relay adds the latency it is told, not Nagle's wait for an ack.
  const server = Net.createServer({ noDelay: true }, (client) => {
    client.on("error", () => {})
    if (cut) {
      held.add(client)
      client.once("close", () => held.delete(client))
      return
    }
    const upstream = Net.connect({ host: "127.0.0.1", port: options.target(), noDelay: true })
    upstream.on("error", () => client.destroy())
    for (const socket of [client, upstream]) {
      relayed.add(socket)
      socket.once("close", () => relayed.delete(socket))
    }
    const up = pipe(upstream)
    const down = pipe(client)
    client.on("data", up.forward)
    upstream.on("data", down.forward)
    // A partition destroys both ends at once; a close passes behind the bytes before it.
    client.once("close", () => cut ? upstream.destroy() : up.close())
    upstream.once("close", () => cut ? client.destroy() : down.close())
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve((server.address() as Net.AddressInfo).port))
  })
  return {
    port,
    partition: (on) => {
      cut = on
      for (const socket of on ? relayed : held) socket.destroy()
    },
    partitioned: () => cut,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of [...relayed, ...held]) socket.destroy()
        server.close(() => resolve())
      })
  }
}
