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
const silentServer = async (onFrame: (command: number, socket: Net.Socket) => void) => {
  const sockets: Array<Net.Socket> = []
  const server = Net.createServer((socket) => {
    sockets.push(socket)
    socket.on("error", () => {})
    const decoder = new FrameDecoder(1 << 20)
    socket.on("data", (chunk) => {
      for (const frame of decoder.push(chunk).frames) onFrame(frame.command, socket)
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
})
