/**
 * Wire cost: bytes and round trips for a login, and for one "hello" message — the send, its
 * acknowledgement, the push to the recipient and the copy to the sender's other device —
 * counted on the sockets, framing included. The send asks for no echo (as the SDKs do): the
 * sending connection gets the ack and no push of its own message; what that push cost is
 * measured with a second send without it. Then the same through the Node SDK (WeftClient over
 * TCP, behind a relay that counts its bytes and frames): what its login and a send cost on top of
 * the bare frames, and how long a send takes through the SDK.
 */
import * as Net from "node:net"
import { Codecs, Command, FrameConnection, FrameDecoder, register, WeftClient } from "../../dist/index.js"
import { progress, startDevServer } from "../lib/servers.js"

const open = async (server) => {
  // framesOut: requests written; each login step waits for its answer, so requests = round trips.
  const counted = { in: 0, out: 0, framesOut: 0 }
  const pushes = []
  const connection = await FrameConnection.open({
    ...server,
    onPush: (frame) => pushes.push(frame),
    onClose: () => {},
    onBytes: (direction, bytes) => {
      counted[direction] += bytes
      if (direction === "out") counted.framesOut++
    }
  })
  return { connection, counted, pushes, reset: () => ((counted.in = 0), (counted.out = 0)) }
}

const until = async (predicate) => {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5))
}

/** A TCP relay in front of the server that counts the bytes each way and the frames sent up. */
const countingRelay = (server) =>
  new Promise((resolve) => {
    const counted = { in: 0, out: 0, framesOut: 0 }
    const sockets = new Set()
    const relay = Net.createServer((client) => {
      const upstream = Net.connect(server.port, server.host)
      const decoder = new FrameDecoder(16 * 1024 * 1024)
      for (const socket of [client, upstream]) {
        sockets.add(socket)
        socket.setNoDelay(true)
        socket.on("error", () => {})
      }
      client.on("data", (chunk) => {
        counted.out += chunk.length
        counted.framesOut += decoder.push(chunk).frames.length
        upstream.write(chunk)
      })
      upstream.on("data", (chunk) => {
        counted.in += chunk.length
        client.write(chunk)
      })
      client.on("close", () => upstream.destroy())
      upstream.on("close", () => client.destroy())
    })
    relay.listen(0, "127.0.0.1", () =>
      resolve({
        host: "127.0.0.1",
        port: relay.address().port,
        counted,
        reset: () => ((counted.in = 0), (counted.out = 0), (counted.framesOut = 0)),
        close: () => {
          for (const socket of sockets) socket.destroy()
          relay.close()
        }
      }))
  })

const SDK_SENDS = 2000

/** The Node SDK's own cost: a password login until caught up, one send, and SDK_SENDS sends one after another. */
const throughTheSdk = async (server) => {
  const relay = await countingRelay(server)
  const client = new WeftClient({ host: relay.host, port: relay.port, transport: "tcp", userId: "a", password: "password-a", reportAfterIdleMs: 600_000 })
  try {
    const started = performance.now()
    await client.connect()
    const connectMs = performance.now() - started
    await new Promise((r) => setTimeout(r, 100))
    const login = { ...relay.counted }
    relay.reset()
    const sentAt = performance.now()
    await client.send("b", "hello")
    const sendMs = performance.now() - sentAt
    await new Promise((r) => setTimeout(r, 100))
    const send = { ...relay.counted }
    const cpu = process.cpuUsage()
    const loopAt = performance.now()
    for (let i = 0; i < SDK_SENDS; i++) await client.send("b", "hello")
    const loopMs = performance.now() - loopAt
    const used = process.cpuUsage(cpu)
    return [
      { scenario: "wire cost", what: "Node SDK: connect (password login, caught up)", roundTrips: login.framesOut, bytesUp: login.out, bytesDown: login.in, ms: connectMs },
      { scenario: "wire cost", what: "Node SDK: send hello + ack", roundTrips: send.framesOut, bytesUp: send.out, bytesDown: send.in, ms: sendMs },
      {
        scenario: "wire cost",
        what: `Node SDK: ${SDK_SENDS} sends one after another (ms per send; client CPU µs per send)`,
        ms: loopMs / SDK_SENDS,
        clientCpuUs: (used.user + used.system) / SDK_SENDS
      }
    ]
  } finally {
    client.close()
    relay.close()
  }
}

export const run = async () => {
  const server = await startDevServer()
  try {
    await register(server, "a", "password-a")
    await register(server, "b", "password-b")
    const alice = await open(server)
    const started = performance.now()
    const auth = await alice.connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, {
      userId: "a",
      password: "password-a",
      device: { deviceId: "d1", platform: 1, name: "" }
    })
    const login = { roundTrips: alice.counted.framesOut, bytesOut: alice.counted.out, bytesIn: alice.counted.in, ms: performance.now() - started }

    const resumed = await open(server)
    await resumed.connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, {
      userId: "a",
      resumeToken: auth.sessionToken,
      device: { deviceId: "d1", platform: 1, name: "" }
    })
    const resume = { roundTrips: resumed.counted.framesOut, bytesOut: resumed.counted.out, bytesIn: resumed.counted.in }
    // The same connection stays on as the sender's other device.

    const bob = await open(server)
    await bob.connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId: "b", password: "password-b" })
    const hello = async (clientMsgId, noEcho) => {
      for (const each of [alice, bob, resumed]) each.reset()
      const before = { alice: alice.pushes.length, bob: bob.pushes.length, other: resumed.pushes.length }
      await alice.connection.request(Command.SEND_MESSAGE, Codecs.SendMessageRequest, Codecs.SendMessageResponse, {
        to: "b",
        type: 0,
        text: "hello",
        clientMsgId,
        noEcho
      })
      await until(() => bob.pushes.length > before.bob && resumed.pushes.length > before.other && (noEcho || alice.pushes.length > before.alice))
      return { senderBytesOut: alice.counted.out, senderBytesIn: alice.counted.in, recipientBytesIn: bob.counted.in, otherDeviceBytesIn: resumed.counted.in }
    }
    const sent = await hello("1", true)
    const echoed = await hello("2", false)
    alice.connection.close()
    bob.connection.close()
    resumed.connection.close()
    progress(`wire cost: login ${login.bytesOut}/${login.bytesIn} B, hello ${sent.senderBytesOut} B out, ${sent.senderBytesIn} B ack, ${sent.recipientBytesIn} B push`)
    const sdk = await throughTheSdk(server)
    return [
      { scenario: "wire cost", what: "login (password)", roundTrips: login.roundTrips, bytesUp: login.bytesOut, bytesDown: login.bytesIn },
      { scenario: "wire cost", what: "login (resume token)", roundTrips: resume.roundTrips, bytesUp: resume.bytesOut, bytesDown: resume.bytesIn },
      { scenario: "wire cost", what: "hello: send + ack (no_echo)", roundTrips: 1, bytesUp: sent.senderBytesOut, bytesDown: sent.senderBytesIn },
      { scenario: "wire cost", what: "hello: push to recipient", roundTrips: 0, bytesUp: 0, bytesDown: sent.recipientBytesIn },
      { scenario: "wire cost", what: "hello: copy to the sender's other device", roundTrips: 0, bytesUp: 0, bytesDown: sent.otherDeviceBytesIn },
      {
        scenario: "wire cost",
        what: "hello without no_echo: send + ack + the push of its own copy",
        roundTrips: 1,
        bytesUp: echoed.senderBytesOut,
        bytesDown: echoed.senderBytesIn
      },
      ...sdk
    ]
  } finally {
    await server.stop()
  }
}

export const tables = (rows) => [
  {
    title: "wire cost (bytes on the socket, 11-byte frame headers included)",
    columns: [
      { key: "what", title: "what" },
      { key: "roundTrips", title: "round trips" },
      { key: "bytesUp", title: "bytes up" },
      { key: "bytesDown", title: "bytes down" },
      { key: "ms", title: "ms" },
      { key: "clientCpuUs", title: "client CPU µs" }
    ],
    rows
  }
]
