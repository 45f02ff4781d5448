import * as Net from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DisconnectedError, FrameConnection, WeftRequestError } from "../../src/client/FrameConnection.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { Command } from "../../src/protocol/Command.ts"
import { encodeFrame, type Frame, HEADER_SIZE } from "../../src/protocol/Frame.ts"
import { Codecs } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { defaultThrottleOptions } from "../../src/actors/LoginThrottle.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({
    gateway: { maxFrameBytes: 1024, loginTimeoutMs: 400, heartbeatMinSeconds: 1, heartbeatMaxSeconds: 1, idleGraceMs: 200 },
    // A first delay longer than this file takes: a slow machine cannot let a refused try through.
    session: { throttle: { ...defaultThrottleOptions, registrationsPerAddress: 1_000_000, delayBaseMs: 600_000, delayMaxMs: 600_000 } }
  })
})
afterAll(() => server.stop())

interface Probe {
  readonly connection: FrameConnection
  readonly unsolicited: Array<Frame>
  readonly closed: Promise<void>
}

const open = async (): Promise<Probe> => {
  const unsolicited: Array<Frame> = []
  let onClose!: () => void
  const closed = new Promise<void>((resolve) => (onClose = resolve))
  const connection = await FrameConnection.open({
    host: server.host,
    port: server.port,
    onPush: (frame) => unsolicited.push(frame),
    onClose: () => onClose()
  })
  return { connection, unsolicited, closed }
}

const login = async (probe: Probe, userId: string) =>
  probe.connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId, password: "password" })

const failureOf = (promise: Promise<unknown>) =>
  promise.then(() => {
    throw new Error("expected a failure")
  }, (error: unknown) => error as WeftRequestError)

let user: string
beforeAll(async () => {
  user = uniqueUser("carol")
  await register(server, user, "password")
})

describe("bad input gets a clear error and affects no other connection", () => {
  it("a frame larger than the maximum gets FRAME_TOO_LARGE and a close; a bystander is unaffected", async () => {
    const bystander = await open()
    await login(bystander, user)
    const probe = await open()
    const pending = failureOf(probe.connection.request(Command.SYNC, Codecs.SyncRequest, Codecs.SyncResponse, {
      cursor: 0,
      limit: 0
    }))
    // An oversized frame announced in the header: the server must refuse it without waiting for the body.
    probe.connection.writeFrame(encodeFrame(Command.SEND_MESSAGE, 99, new Uint8Array(5000)))
    await probe.closed
    expect(probe.unsolicited.map((f) => [f.command, Codecs.ErrorFrame.decode(f.body).code])).toEqual([
      [Command.ERROR, Status.FRAME_TOO_LARGE]
    ])
    expect(await pending).toBeInstanceOf(WeftRequestError)
    const pong = await bystander.connection.request(Command.PING, Codecs.PingRequest, Codecs.PongResponse, {})
    expect(pong.base.code).toBe(Status.OK)
    bystander.connection.close()
  })

  it("a frame of another protocol version gets UNSUPPORTED_VERSION and a close", async () => {
    const probe = await open()
    const frame = encodeFrame(Command.PING, 1, new Uint8Array(0))
    frame[4] = 7
    probe.connection.writeFrame(frame)
    await probe.closed
    expect(Codecs.ErrorFrame.decode(probe.unsolicited[0]!.body).code).toBe(Status.UNSUPPORTED_VERSION)
  })

  it("an undecodable body gets BAD_REQUEST and the connection goes on", async () => {
    const probe = await open()
    await login(probe, user)
    const error = await failureOf(
      probe.connection.requestRaw(Command.SEND_MESSAGE, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]))
    )
    expect(error.code).toBe(Status.BAD_REQUEST)
    const pong = await probe.connection.request(Command.PING, Codecs.PingRequest, Codecs.PongResponse, {})
    expect(pong.base.code).toBe(Status.OK)
    probe.connection.close()
  })

  it("an unknown command gets UNKNOWN_COMMAND and the connection goes on", async () => {
    const probe = await open()
    const error = await failureOf(probe.connection.requestRaw(777, new Uint8Array(0)))
    expect(error.code).toBe(Status.UNKNOWN_COMMAND)
    await login(probe, user)
    probe.connection.close()
  })

  it("a command before login gets NOT_LOGGED_IN", async () => {
    const probe = await open()
    const error = await failureOf(
      probe.connection.request(Command.SYNC, Codecs.SyncRequest, Codecs.SyncResponse, { cursor: 0, limit: 0 })
    )
    expect(error.code).toBe(Status.NOT_LOGGED_IN)
    probe.connection.close()
  })

  // A connection must be logged in within the login timeout (400 ms here) however many tries it
  // makes, and each try costs a password hash: one connection per try.
  const authOnce = async (userId: string, password: string) => {
    const probe = await open()
    const error = await failureOf(probe.connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId, password }))
    probe.connection.close()
    return error.code
  }

  it("a wrong password gets WRONG_CREDENTIALS, and so does an unknown user", async () => {
    expect(await authOnce(user, "nope-nope")).toBe(Status.WRONG_CREDENTIALS)
    expect(await authOnce("nobody-here", "password")).toBe(Status.WRONG_CREDENTIALS)
    const probe = await open()
    await login(probe, user)
    probe.connection.close()
  })

  it("repeated wrong passwords are slowed down (test/gateway/FrequencyControl.test.ts has the rest)", async () => {
    const victim = uniqueUser("dave")
    await register(server, victim, "password")
    const codes: Array<number> = []
    for (let i = 0; i < 7; i++) codes.push(await authOnce(victim, `guess-${i}`))
    expect(codes.slice(0, 5).every((code) => code === Status.WRONG_CREDENTIALS)).toBe(true)
    expect(codes.slice(5)).toEqual([Status.RATE_LIMITED, Status.RATE_LIMITED])
  })

  it("a malformed user id gets INVALID_USER_ID", async () => {
    const probe = await open()
    const error = await failureOf(
      probe.connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId: "a b/c", password: "password" })
    )
    expect(error.code).toBe(Status.INVALID_USER_ID)
    probe.connection.close()
  })

  it("a send to a user that does not exist gets RECIPIENT_NOT_FOUND; an empty text gets BAD_REQUEST", async () => {
    const probe = await open()
    await login(probe, user)
    const send = (to: string, text: string) =>
      failureOf(probe.connection.request(Command.SEND_MESSAGE, Codecs.SendMessageRequest, Codecs.SendMessageResponse, {
        to,
        type: 0,
        text,
        clientMsgId: "x"
      }))
    expect((await send("ghost", "hi")).code).toBe(Status.RECIPIENT_NOT_FOUND)
    expect((await send(user, "")).code).toBe(Status.BAD_REQUEST)
    probe.connection.close()
  })

  it("a second AUTH on a logged-in connection gets ALREADY_LOGGED_IN", async () => {
    const probe = await open()
    await login(probe, user)
    expect((await failureOf(login(probe, user))).code).toBe(Status.ALREADY_LOGGED_IN)
    probe.connection.close()
  })

  it("a connection that never logs in is closed after the login timeout", async () => {
    const probe = await open()
    const started = Date.now()
    await probe.closed
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
  })

  it("a logged-in connection that stops heartbeating is closed; one that heartbeats stays", async () => {
    const silent = await open()
    await login(silent, user)
    const client = new WeftClient({ ...server, userId: user, password: "password", heartbeatMs: 300, reconnect: false })
    await client.connect()
    await silent.closed
    expect(client.state).toBe("online")
    client.close()
  })

  it("half a frame followed by a hang-up costs nothing and breaks nothing", async () => {
    const socket = Net.connect({ host: server.host, port: server.port })
    await new Promise((resolve) => socket.once("connect", resolve))
    socket.end(encodeFrame(Command.PING, 1, new Uint8Array(10)).subarray(0, HEADER_SIZE + 3))
    await new Promise((resolve) => socket.once("close", resolve))
    const probe = await open()
    await login(probe, user)
    probe.connection.close()
  })

  it("requests after the connection broke fail as disconnected, not as server errors", async () => {
    const probe = await open()
    probe.connection.destroy()
    await probe.closed
    await waitFor("closed", () => probe.connection.isClosed)
    const error = await failureOf(probe.connection.requestRaw(Command.PING, new Uint8Array(0)))
    expect(error).toBeInstanceOf(DisconnectedError)
  })
})
