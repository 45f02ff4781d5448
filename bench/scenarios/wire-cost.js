/**
 * Wire cost: bytes and round trips for a login, and for one "hello" message — the send, its
 * acknowledgement, the push to the recipient and the copy to the sender's other device —
 * counted on the sockets, framing included. The send asks for no echo (as the SDKs do): the
 * sending connection gets the ack and no push of its own message; what that push cost is
 * measured with a second send without it.
 */
import { Codecs, Command, FrameConnection, register } from "../../dist/index.js"
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
      }
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
      { key: "bytesDown", title: "bytes down" }
    ],
    rows
  }
]
