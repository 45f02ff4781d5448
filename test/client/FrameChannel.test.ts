/**
 * The long connection's probe (client/core/FrameChannel.ts): a request that waits longer than
 * the learned timeout gets the link probed with a ping once the link has been silent that long
 * — also when something came in meanwhile, later. A real socket on 127.0.0.1 to a server that
 * answers nothing.
 */
import * as Net from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { FrameConnection } from "../../src/client/FrameConnection.ts"
import { RttEstimator } from "../../src/client/RttEstimator.ts"
import { Command } from "../../src/protocol/Command.ts"
import { encodeFrame, FrameDecoder } from "../../src/protocol/Frame.ts"
import { Codecs } from "../../src/protocol/Proto.ts"

const servers: Array<Net.Server> = []
afterEach(() => {
  for (const server of servers.splice(0)) server.close()
})

/** A server that reads frames and answers none; `onFrame` sees each (and the socket). */
const silentServer = async (onFrame: (command: number, socket: Net.Socket, requestId: number) => void) => {
  const sockets: Array<Net.Socket> = []
  const server = Net.createServer((socket) => {
    sockets.push(socket)
    socket.on("error", () => {})
    const decoder = new FrameDecoder(1 << 20)
    socket.on("data", (chunk) => {
      for (const frame of decoder.push(chunk).frames) onFrame(frame.command, socket, frame.requestId)
    })
  })
  server.on("close", () => sockets.forEach((socket) => socket.destroy()))
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return (server.address() as Net.AddressInfo).port
}

describe("probing a silent link", () => {
  it("a request whose link was heard from before the probe was due is still probed once the link has been silent long enough", async () => {
    const seen: Array<number> = []
    const port = await silentServer((command, socket) => {
      seen.push(command)
      // Something comes in soon after the request (a push), then nothing more.
      if (command === Command.AUTH) {
        setTimeout(() => socket.write(encodeFrame(Command.PUSH, 0, Codecs.Push.encode({ change: { seq: 1 } }))), 300)
      }
    })
    const rtt = new RttEstimator({ floorMs: 1000, ceilingMs: 15_000 })
    rtt.sample(100)
    expect(rtt.timeoutMs).toBe(1000)
    const pushes: Array<number> = []
    const link = await FrameConnection.open({
      host: "127.0.0.1",
      port,
      rtt,
      requestTimeoutMs: 8000,
      onPush: (frame) => pushes.push(frame.command),
      onClose: () => {}
    })
    const auth = link.exchange({ id: Command.AUTH, name: "auth", request: Codecs.AuthRequest, response: Codecs.AuthResponse }, { userId: "x" })
    // Dropped by the probe's unanswered ping, not by the request's own 8 s timeout.
    await expect(auth).rejects.toThrow(`no answer to command ${Command.PING}`)
    expect(pushes).toEqual([Command.PUSH])
    expect(seen).toEqual([Command.AUTH, Command.PING])
  })

  it("a probe whose pong is behind a large answer still arriving is not taken for a dead link", async () => {
    const big = encodeFrame(Command.PUSH, 0, Codecs.Push.encode({ change: { seq: 1, message: { text: "x".repeat(300_000) } } }))
    const seen: Array<number> = []
    const pings: Array<number> = []
    const port = await silentServer((command, socket, requestId) => {
      seen.push(command)
      if (command !== Command.PING) return
      // The ping comes while a large push is on its way out, a slice every 100 ms for 3 s
      // (longer than the probe's 2 s deadline); its pong follows it.
      pings.push(performance.now())
      const slices = 30
      let sent = 0
      const slice = Math.ceil(big.length / slices)
      const timer = setInterval(() => {
        socket.write(big.subarray(sent * slice, (sent + 1) * slice))
        if (++sent < slices) return
        clearInterval(timer)
        socket.write(encodeFrame(Command.PING, requestId, Codecs.PongResponse.encode({ base: { code: 0, message: "" }, serverTimeMs: 1 })))
      }, 100)
    })
    const rtt = new RttEstimator({ floorMs: 1000, ceilingMs: 15_000 })
    rtt.sample(100)
    const pushes: Array<number> = []
    let closedBy: Error | undefined | "open" = "open"
    const link = await FrameConnection.open({
      host: "127.0.0.1",
      port,
      rtt,
      requestTimeoutMs: 8000,
      onPush: (frame) => pushes.push(frame.body.length),
      onClose: (error) => (closedBy = error)
    })
    const probed = link.probe()
    expect(await probed, "the pong came, after the large push").toBe(true)
    expect(closedBy, "the link was not dropped").toBe("open")
    expect(pushes).toEqual([big.length - 11])
    expect(seen).toEqual([Command.PING])
    link.close()
  })
})
