import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FrameConnection } from "../../src/client/FrameConnection.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { Command } from "../../src/protocol/Command.ts"
import { type Frame } from "../../src/protocol/Frame.ts"
import { Codecs } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0] } })
})
afterAll(() => server.stop())

const openWs = async () => {
  const pushes: Array<Frame> = []
  let closed = false
  const connection = await FrameConnection.openWebSocket(`ws://127.0.0.1:${server.httpPort}/ws`, {
    onPush: (frame) => pushes.push(frame),
    onClose: () => (closed = true)
  })
  return { connection, pushes, isClosed: () => closed }
}

describe("the WebSocket transport", () => {
  it("carries the same frames as TCP: login, send, and pushes to a TCP client and back", async () => {
    const a = uniqueUser("wsa")
    const b = uniqueUser("wsb")
    await register(server, a, "password")
    await register(server, b, "password")
    const ws = await openWs()
    const auth = await ws.connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, {
      userId: a,
      password: "password"
    })
    expect(auth.sessionToken.length).toBeGreaterThan(10)

    const bob = new WeftClient({ ...server, userId: b, password: "password" })
    await bob.connect()
    const bobGot: Array<string> = []
    bob.on("message", (message) => bobGot.push(message.text))

    await ws.connection.request(Command.SEND_MESSAGE, Codecs.SendMessageRequest, Codecs.SendMessageResponse, {
      to: b,
      type: 0,
      text: "from a browser",
      clientMsgId: "w1"
    })
    await waitFor("the push on TCP", () => bobGot.length === 1)
    await bob.send(a, "back to the browser")
    const texts = () => ws.pushes.filter((f) => f.command === Command.PUSH).map((f) => Codecs.Push.decode(f.body).change.message?.text)
    // Its own message first (the sender's log), then the reply.
    await waitFor("the pushes on the WebSocket", () => texts().length === 2)
    expect(texts()).toEqual(["from a browser", "back to the browser"])
    bob.close()
    ws.connection.close()
  })

  it("bad input over WebSocket gets the same error frames", async () => {
    const ws = await openWs()
    const error = await ws.connection.requestRaw(999, new Uint8Array(0)).catch((e: unknown) => e as { code: number })
    expect(error.code).toBe(Status.UNKNOWN_COMMAND)
    const notLoggedIn = await ws.connection
      .request(Command.SYNC, Codecs.SyncRequest, Codecs.SyncResponse, { cursor: 0, limit: 0 })
      .catch((e: unknown) => e as { code: number })
    expect(notLoggedIn.code).toBe(Status.NOT_LOGGED_IN)
    ws.connection.close()
  })

  it("a gateway restart closes open WebSocket connections instead of waiting for them", async () => {
    const ws = await openWs()
    await server.stopGateway()
    await waitFor("the WebSocket to close", ws.isClosed)
    await server.startGateway()
    const again = await openWs()
    again.connection.close()
  })
})
