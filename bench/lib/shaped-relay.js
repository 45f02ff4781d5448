/**
 * A TCP relay on 127.0.0.1 shaped like a mobile network, for the weak-network bench: latency
 * each way with jitter, a bandwidth limit, packet loss, forced resets and outages, applied per
 * 1460-byte segment. TCP hides loss from the application, so loss shows as what it costs there:
 * a lost segment arrives one retransmission timeout late (and everything behind it waits). In an outage nothing passes:
 * bytes already sent wait, and are delivered — as TCP would retransmit them, one timer per
 * direction backing off from 200 ms since the first byte that waited — at the first
 * retransmission after the link returns, with everything sent after them behind them; a new
 * connection's first bytes likewise wait for the first SYN retransmission (1, 3, 7, 15, 31 s
 * after the connect) after it. A port can be blocked: connects and connections are reset. Counts
 * the bytes it carries and the connections it accepts.
 */
import * as Net from "node:net"

const RTO_MS = 200
/** A TCP segment's payload on a 1500-byte MTU: loss, jitter and serialization apply per segment. */
const SEGMENT_BYTES = 1460
const SYN_RETRIES_MS = [1000, 3000, 7000, 15000, 31000, 63000]

/** The first retransmission, backing off from `since`, at or after `at`. */
const retransmissionAt = (since, at) => {
  let next = since + RTO_MS
  let step = RTO_MS
  while (next < at) {
    step *= 2
    next += step
  }
  return next
}
const synRetransmissionAt = (since, at) => since + (SYN_RETRIES_MS.find((ms) => since + ms >= at) ?? 127000)

export const startShapedRelay = async ({ target, latencyMs = 0, jitterMs = 0, lossRate = 0, kbitPerSecond = 0, random = Math.random }) => {
  const sockets = new Set()
  const accepted = []
  const bytes = { up: 0, down: 0 }
  let down = false
  let blocked = false
  /** Directions holding bytes, and connections not yet relayed, while the link is down. */
  const holding = new Set()
  const pendingConnects = []

  /**
   * One direction of one connection: chunks leave in order, each after latency, loss and
   * serialization. One queue and one timer per direction: a timer per chunk would let two
   * chunks due in the same millisecond leave in either order (Node orders timers of different
   * durations by their whole-millisecond expiry), which TCP never does — a frame split across
   * them would arrive garbled, and whole frames would arrive out of order.
   */
  const pipe = (to, counter) => {
    const direction = { lastLeave: 0, wireFree: 0, heldSince: undefined, held: [], queue: [], timer: undefined }
    const drain = () => {
      direction.timer = undefined
      const now = performance.now()
      while (direction.queue.length > 0 && direction.queue[0].leave <= now + 0.5) {
        const { chunk } = direction.queue.shift()
        if (!to.destroyed) to.write(chunk)
      }
      if (direction.queue.length > 0) direction.timer = setTimeout(drain, Math.max(1, direction.queue[0].leave - now))
    }
    /** Queues a chunk to leave at `at` (or after the chunk before it). */
    const send = (chunk, at) => {
      const leave = Math.max(at, direction.lastLeave)
      direction.lastLeave = leave
      direction.queue.push({ chunk, leave })
      if (direction.timer === undefined) direction.timer = setTimeout(drain, Math.max(0, leave - performance.now()))
    }
    direction.release = (upAt) => {
      const at = retransmissionAt(direction.heldSince, upAt) + latencyMs
      for (const chunk of direction.held) send(chunk, at)
      direction.held = []
      direction.heldSince = undefined
    }
    return (chunk) => {
      bytes[counter] += chunk.length
      const now = performance.now()
      if (down) {
        direction.heldSince ??= now
        direction.held.push(chunk)
        holding.add(direction)
        return
      }
      // Segment by segment, as TCP sends it: a large write's first bytes arrive after the
      // latency and the rest as the link serializes them, not all at once after the last byte.
      for (let offset = 0; offset < chunk.length; offset += SEGMENT_BYTES) {
        const segment = chunk.subarray(offset, offset + SEGMENT_BYTES)
        let leave = now + latencyMs + (jitterMs > 0 ? (random() * 2 - 1) * jitterMs : 0)
        if (kbitPerSecond > 0) {
          direction.wireFree = Math.max(direction.wireFree, now) + (segment.length * 8) / kbitPerSecond
          leave = Math.max(leave, direction.wireFree + latencyMs)
        }
        if (lossRate > 0 && random() < lossRate) leave += Math.max(RTO_MS, 2 * latencyMs)
        send(segment, leave)
      }
    }
  }

  const relay = (client) => {
    // A blocked port: the connect is answered with a reset, as a carrier's filter does.
    if (blocked) return void client.resetAndDestroy()
    sockets.add(client)
    client.on("error", () => {})
    client.on("close", () => sockets.delete(client))
    client.pause()
    const acceptedAt = performance.now()
    accepted.push(acceptedAt)
    const start = () => {
      if (client.destroyed) return
      const upstream = Net.connect(target())
      sockets.add(upstream)
      upstream.on("error", () => {})
      upstream.on("close", () => sockets.delete(upstream))
      client.on("data", pipe(upstream, "up"))
      upstream.on("data", pipe(client, "down"))
      upstream.on("close", () => client.destroy())
      client.on("close", () => upstream.destroy())
      client.resume()
    }
    if (down) pendingConnects.push({ since: acceptedAt, start })
    else start()
  }

  const server = Net.createServer(relay)
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    port: server.address().port,
    bytes,
    /** performance.now() of each accepted connection. */
    accepted,
    /** Every connection reset at once, as a carrier's middlebox or a handover does. */
    reset: () => {
      for (const socket of sockets) socket.destroy()
      sockets.clear()
    },
    /** The port is blocked (true: every connection reset, new ones refused with a reset) or open again. */
    block: (on) => {
      blocked = on
      if (!on) return
      for (const socket of sockets) socket.resetAndDestroy()
      sockets.clear()
    },
    /** The link goes down: nothing passes until up(). */
    down: () => {
      down = true
    },
    /** The link returns: what waited goes at its retransmission time. */
    up: () => {
      down = false
      const upAt = performance.now()
      for (const direction of holding) direction.release(upAt)
      holding.clear()
      for (const { since, start } of pendingConnects.splice(0)) setTimeout(start, synRetransmissionAt(since, upAt) - upAt)
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
