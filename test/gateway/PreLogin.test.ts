/**
 * What a connection that has not logged in may cost: it must log in within the login timeout
 * whatever it sends (a byte now and then does not keep it open), it may send only a small
 * budget of bytes, an HTTP connection must send its headers within the same time, and a
 * WebSocket message longer than a frame is refused as it arrives, not buffered. An honest user
 * on the same gateway is unaffected throughout.
 */
import * as Net from "node:net"
import { WebSocket } from "ws"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { Command } from "../../src/protocol/Command.ts"
import { encodeFrame, FrameDecoder, HEADER_SIZE } from "../../src/protocol/Frame.ts"
import { Codecs } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { sleep, uniqueUser, waitFor } from "../support/wait.ts"

const LOGIN_TIMEOUT_MS = 1_000

let server: DevServer
let honest: WeftClient
const received: Array<string> = []
const [alice, bob] = [uniqueUser("alice"), uniqueUser("bob")]
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0], loginTimeoutMs: LOGIN_TIMEOUT_MS, heartbeatMaxSeconds: 60 } })
  for (const user of [alice, bob]) await register(server, user, "password")
  honest = new WeftClient({ host: server.host, port: server.port, userId: alice, password: "password", reconnect: false })
  await honest.connect()
  const bobClient = new WeftClient({ host: server.host, port: server.port, userId: bob, password: "password", reconnect: false })
  bobClient.on("message", (message) => received.push(message.text))
  await bobClient.connect()
  afterAll(() => bobClient.close())
})
afterAll(async () => {
  honest?.close()
  await server?.stop()
})

const connect = (port: number) =>
  new Promise<Net.Socket>((resolve, reject) => {
    const socket = Net.createConnection({ host: "127.0.0.1", port }, () => resolve(socket))
    socket.once("error", reject)
  })

const closedPromise = (socket: Net.Socket) => new Promise<void>((resolve) => socket.once("close", () => resolve()))

/** The honest user still chats: one more message arrives. */
const honestStillChats = async (text: string) => {
  const before = received.length
  await honest.send(bob, text)
  await waitFor(`"${text}" arrives`, () => received.length === before + 1)
  expect(received.at(-1)).toBe(text)
}
describe("before login", () => {
  it("a byte every 100 ms does not keep a connection open past the login timeout", async () => {
    const socket = await connect(server.port)
    socket.on("error", () => {})
    socket.resume()
    let closed = false
    const done = closedPromise(socket).then(() => (closed = true))
    let sent = 0
    // Bounded: at most 20 s of trickling; the server must close long before.
    for (; sent < 200 && !closed; sent++) {
      socket.write(Buffer.from([0x01]))
      await sleep(100)
    }
    await done
    expect(closed).toBe(true)
    expect(sent, "bytes trickled before the close").toBeLessThan(200)
    await honestStillChats("after the trickle")
  }, 30_000)

  it("more than the pre-login byte budget gets an error and a close", async () => {
    const socket = await connect(server.port)
    const frames: Array<string> = []
    const decoder = new FrameDecoder(64 * 1024)
    socket.on("data", (chunk) => {
      for (const frame of decoder.push(chunk).frames) {
        const error = Codecs.ErrorFrame.decode(frame.body)
        frames.push(`${error.code} ${error.message}`)
      }
    })
    socket.on("error", () => {})
    const done = closedPromise(socket)
    // A frame that announces 60 000 bytes (within the frame limit), sent in full.
    const header = encodeFrame(Command.AUTH, 1, new Uint8Array(0)).subarray(0, HEADER_SIZE)
    const view = new DataView(header.buffer, header.byteOffset)
    view.setUint32(0, 60_000)
    socket.write(header)
    for (let i = 0; i < 6 && !socket.destroyed; i++) socket.write(Buffer.alloc(10_000, 7))
    await done
    expect(frames).toEqual([`${Status.FRAME_TOO_LARGE} more than ${16 * 1024} bytes before login`])
    await honestStillChats("after the budget")
  }, 30_000)

  it("a silent HTTP connection, and one trickling its headers, are closed", async () => {
    const silent = await connect(server.httpPort)
    silent.on("error", () => {})
    silent.resume()
    const trickling = await connect(server.httpPort)
    trickling.on("error", () => {})
    trickling.resume()
    let trickleClosed = false
    const bothClosed = Promise.all([closedPromise(silent), closedPromise(trickling).then(() => (trickleClosed = true))])
    trickling.write("POST /cgi-bin/auth HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    for (let i = 0; i < 300 && !trickleClosed; i++) {
      trickling.write("X")
      await sleep(100)
    }
    await bothClosed
    expect(trickleClosed).toBe(true)
    await honestStillChats("after the silent HTTP connections")
  }, 60_000)

  it("a WebSocket message longer than a frame is refused with 1009 before it is buffered", async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.httpPort}/ws`)
    await new Promise((resolve, reject) => {
      socket.once("open", resolve)
      socket.once("error", reject)
    })
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)))
    socket.on("error", () => {})
    socket.send(Buffer.alloc(1024 * 1024, 7))
    expect(await closed).toBe(1009)
    await honestStillChats("after the big WebSocket message")
  }, 30_000)
})
