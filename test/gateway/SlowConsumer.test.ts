/**
 * A device that stops reading (a frozen app, a browser tab in the background) while messages keep
 * coming is disconnected once what it has not taken passes the gateway's limit, on TCP and on
 * WebSocket alike: the gateway's memory does not grow with it. Nothing is lost: the messages are
 * in the log, and the device gets them all when it connects again.
 */
import * as Net from "node:net"
import { Context, Metric } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { Command } from "../../src/protocol/Command.ts"
import { encodeFrame, FrameDecoder } from "../../src/protocol/Frame.ts"
import { Codecs } from "../../src/protocol/Proto.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

let server: DevServer
beforeAll(async () => {
  // The smallest limit the gateway allows with these settings: 4 frames of 16 KiB.
  server = await startDevServer({ gateway: { httpPorts: [0], outboundQueueFrames: 1, maxFrameBytes: 16 * 1024 } })
})
afterAll(() => server?.stop())

const PASSWORD = "password-1"
const TEXT = "x".repeat(4000)

/** Connections the gateway closed as slow consumers, by transport (its /metrics counter). */
const slowClosed = (transport: string): number => {
  const found = Metric.snapshotUnsafe(Context.empty()).find((snapshot) =>
    snapshot.id === "weft_connections_closed_total" &&
    snapshot.attributes?.transport === transport &&
    snapshot.attributes?.reason === "slow consumer"
  )
  return found === undefined ? 0 : Number((found.state as { count: number }).count)
}

/** A device that logs in as `userId`, then stops reading: its socket is paused. */
const frozenDevice = async (transport: "tcp" | "ws", userId: string) => {
  const decoder = new FrameDecoder(1 << 20)
  let authenticated: () => void
  const loggedIn = new Promise<void>((resolve) => (authenticated = resolve))
  const onBytes = (bytes: Uint8Array) => {
    for (const frame of decoder.push(bytes).frames) if (frame.command === Command.AUTH) authenticated()
  }
  const auth = encodeFrame(Command.AUTH, 1, Codecs.AuthRequest.encode({ userId, password: PASSWORD, deviceId: "frozen" }))
  if (transport === "tcp") {
    const socket = Net.connect(server.port, "127.0.0.1")
    socket.on("data", onBytes)
    socket.on("error", () => {})
    socket.write(auth)
    await loggedIn
    socket.pause()
    return { resume: () => socket.resume(), closed: new Promise<void>((resolve) => socket.once("close", () => resolve())) }
  }
  const ws = new WebSocket(`ws://127.0.0.1:${server.httpPort}/ws`)
  ws.on("message", (data: Buffer) => onBytes(data))
  ws.on("error", () => {})
  await new Promise((resolve) => ws.once("open", resolve))
  ws.send(auth)
  await loggedIn
  ws.pause()
  return { resume: () => ws.resume(), closed: new Promise<void>((resolve) => ws.once("close", () => resolve())) }
}

describe("a device that stops reading", () => {
  for (const transport of ["tcp", "ws"] as const) {
    it(`over ${transport}: is disconnected as a slow consumer, and gets every message when it comes back`, async () => {
      const alice = uniqueUser("slowa")
      const bob = uniqueUser("slowb")
      await register(server, alice, PASSWORD)
      await register(server, bob, PASSWORD)
      const sender = new WeftClient({ ...server, userId: alice, password: PASSWORD })
      await sender.connect()
      const before = slowClosed(transport)
      const device = await frozenDevice(transport, bob)
      // Each push is ~4 KB; the kernel's socket buffers take the first few hundred.
      let sent = 0
      while (slowClosed(transport) === before) {
        if (sent >= 4000) throw new Error(`${sent} messages sent and the frozen device is still connected`)
        await Promise.all(Array.from({ length: 50 }, () => (sent++, sender.send(bob, TEXT))))
      }
      // The device learns it was cut once it reads again.
      device.resume()
      await device.closed
      // Back online: every message is in its log.
      const again = new WeftClient({ ...server, userId: bob, password: PASSWORD })
      const received = new Set<string>()
      again.on("message", (message) => {
        if (message.from === alice) received.add(message.messageId)
      })
      await again.connect()
      await waitFor("every message sent while it was frozen", () => received.size === sent, 20_000)
      expect(received.size).toBe(sent)
      sender.close()
      again.close()
    }, 60_000)
  }

  it("over ws: a peer that pings and never reads the pongs is disconnected as a slow consumer", async () => {
    const before = slowClosed("ws")
    const ws = new WebSocket(`ws://127.0.0.1:${server.httpPort}/ws`)
    ws.on("error", () => {})
    await new Promise((resolve) => ws.once("open", resolve))
    // A ping is answered with a pong carrying its data (RFC 6455 5.5.2).
    const payload = Buffer.from("are you there?")
    const pong = new Promise<Buffer>((resolve) => ws.once("pong", resolve))
    ws.ping(payload)
    expect((await pong).equals(payload)).toBe(true)
    // The peer stops reading and floods pings of the largest size a control frame allows: the
    // pongs back up past the gateway's limit (64 KiB here) once the kernel's buffers are full.
    ws.pause()
    const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()))
    const big = Buffer.alloc(125, 1)
    let pinged = 0
    while (slowClosed("ws") === before) {
      if (pinged >= 400_000) throw new Error(`${pinged} pings sent and the peer is still connected`)
      for (let i = 0; i < 2000; i++, pinged++) ws.ping(big)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    ws.resume()
    await closed
  }, 60_000)
})
