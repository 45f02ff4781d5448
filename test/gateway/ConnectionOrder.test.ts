/**
 * One long connection answers its frames in order, but a command stuck on its way (a send whose
 * actor is on a shard between runners) does not hold up the reads queued behind it: pings and
 * syncs are answered beside it, and the sends behind it keep their order. A real TCP listener
 * (TcpServer.ts) with a command table whose send waits until the test lets it go.
 *
 * And answers leave in one write per turn, but not after a whole burst: a read of hundreds of
 * frames has its first answers written while the last are still being answered.
 */
import { Deferred, Effect, Exit, Layer, Metric, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FrameConnection } from "../../src/client/FrameConnection.ts"
import { Presence } from "../../src/cluster/Presence.ts"
import { handler } from "../../src/gateway/CommandTable.ts"
import { Commands } from "../../src/gateway/Commands.ts"
import * as ConnectionRegistry from "../../src/gateway/ConnectionRegistry.ts"
import { GatewayConfig } from "../../src/gateway/GatewayConfig.ts"
import { bytesTotal } from "../../src/metrics/Instruments.ts"
import * as TcpServer from "../../src/gateway/TcpServer.ts"
import { Command } from "../../src/protocol/Command.ts"
import { Codecs } from "../../src/protocol/Proto.ts"

const ok = { code: 0, message: "" }
const handled: Array<string> = []
let release!: Deferred.Deferred<void>

const send = handler(
  { id: Command.SEND_MESSAGE, name: "sendmessage", request: Codecs.SendMessageRequest, response: Codecs.SendMessageResponse },
  (_caller, request) =>
    Effect.gen(function*() {
      handled.push(`send ${request.clientMsgId} started`)
      if (request.clientMsgId === "first") yield* Deferred.await(release)
      handled.push(`send ${request.clientMsgId} done`)
      return { base: ok, messageId: request.clientMsgId, seq: 1, sentAtMs: 0, duplicate: false }
    })
)
/** Bytes the listener had written to its connections when each ping was answered. */
const writtenAtPing: Array<number> = []
const bytesOut = () => Effect.runSync(Metric.value(bytesTotal({ transport: "tcp", direction: "out" }))).count
const ping = handler(
  { id: Command.PING, name: "ping", request: Codecs.PingRequest, response: Codecs.PongResponse },
  () => Effect.sync(() => (handled.push("ping"), writtenAtPing.push(bytesOut()), { base: ok, serverTimeMs: Date.now() }))
)
const table = [send, ping]

const commands = Layer.succeed(Commands, Commands.of({
  register: () => Effect.succeed({ base: ok }),
  auth: (request) =>
    Effect.succeed({
      userId: request.userId,
      deviceId: "",
      platform: 0,
      response: { base: ok, sessionToken: "t", heartbeatMinSeconds: 30, heartbeatMaxSeconds: 270, currentSeq: 0, epoch: "e", serverTimeMs: 0 } as any
    }),
  answerAuth: (authenticated) => Effect.succeed(Codecs.AuthResponse.encode(authenticated.response)),
  verify: () => Effect.void,
  byId: (id) => table.find((entry) => entry.spec.id === id),
  byName: (name) => table.find((entry) => entry.spec.name === name),
  all: table
}))

let scope: Scope.Closeable
let port: number
beforeAll(async () => {
  scope = Scope.makeUnsafe()
  const server = TcpServer.layer.pipe(
    Layer.provide([commands, ConnectionRegistry.layer, Layer.succeed(Presence, { online: () => Effect.void, enter: () => Effect.void, leave: () => Effect.void, gatewaysOf: () => Effect.succeed([]) })]),
    Layer.provide(GatewayConfig.layer({ host: "127.0.0.1", tcpPorts: [0] }))
  )
  const context = await Effect.runPromise(Layer.buildWithScope(server, scope))
  const tcp = (context as any).mapUnsafe.get(TcpServer.TcpServer.key) as TcpServer.TcpServer["Service"]
  port = tcp.listening[0]!.port
  release = await Effect.runPromise(Deferred.make<void>())
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

describe("one long connection", () => {
  it("answers a ping queued behind a stuck send at once, and keeps the sends behind it in order", async () => {
    const connection = await FrameConnection.open({ host: "127.0.0.1", port, onPush: () => {}, onClose: () => {} })
    await connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId: "u", password: "p" })
    const sendOf = (clientMsgId: string) =>
      connection.request(Command.SEND_MESSAGE, Codecs.SendMessageRequest, Codecs.SendMessageResponse, {
        to: "v",
        type: 0,
        text: "x",
        clientMsgId
      })
    const first = sendOf("first")
    const second = sendOf("second")
    const pong = await connection.request(Command.PING, Codecs.PingRequest, Codecs.PongResponse, {})
    expect(pong.base.code).toBe(0)
    // The ping was answered while the first send still waited, and the second send has not started.
    expect(handled).toEqual(["send first started", "ping"])
    await Effect.runPromise(Deferred.succeed(release, undefined))
    expect((await first).messageId).toBe("first")
    expect((await second).messageId).toBe("second")
    expect(handled).toEqual(["send first started", "ping", "send first done", "send second started", "send second done"])
    connection.close()
  })
})

describe("a burst of frames in one read", () => {
  it("writes the first answers while the rest are being answered, all of them in order", async () => {
    const connection = await FrameConnection.open({ host: "127.0.0.1", port, onPush: () => {}, onClose: () => {} })
    await connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId: "burst", password: "p" })
    writtenAtPing.length = 0
    // 300 pings written in one go: they reach the server as one read (~3 KB on loopback) and
    // are all answered in one event-loop turn.
    const pongs = Array.from({ length: 300 }, () => connection.request(Command.PING, Codecs.PingRequest, Codecs.PongResponse, {}))
    const answered = await Promise.all(pongs)
    expect(answered.every((pong) => pong.base.code === 0)).toBe(true)
    expect(writtenAtPing).toHaveLength(300)
    // Before the turn ended, the listener wrote several times: every ~32 answers, not once
    // after the 300th (then the count would change at most once or twice over the pings).
    let writes = 0
    for (let i = 1; i < writtenAtPing.length; i++) if (writtenAtPing[i]! > writtenAtPing[i - 1]!) writes++
    expect(writes).toBeGreaterThanOrEqual(5)
    connection.close()
  })
})
