/**
 * Wire cost: bytes and round trips for a login, and for one "hello" message — the send, its
 * acknowledgement, and the push to the recipient — counted on the sockets, framing included.
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
    resumed.connection.close()

    const bob = await open(server)
    await bob.connection.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId: "b", password: "password-b" })
    alice.reset()
    bob.reset()
    await alice.connection.request(Command.SEND_MESSAGE, Codecs.SendMessageRequest, Codecs.SendMessageResponse, {
      to: "b",
      type: 0,
      text: "hello",
      clientMsgId: "1"
    })
    await until(() => bob.pushes.length > 0 && alice.pushes.length > 0)
    const ownPush = alice.pushes[0]?.body.length + 11
    const hello = {
      senderBytesOut: alice.counted.out,
      senderBytesIn: alice.counted.in - ownPush,
      senderOwnCopyPush: ownPush,
      recipientBytesIn: bob.counted.in
    }
    alice.connection.close()
    bob.connection.close()
    progress(`wire cost: login ${login.bytesOut}/${login.bytesIn} B, hello ${hello.senderBytesOut} B out, ${hello.senderBytesIn} B ack, ${hello.recipientBytesIn} B push`)
    return [
      { scenario: "wire cost", what: "login (password)", roundTrips: login.roundTrips, bytesUp: login.bytesOut, bytesDown: login.bytesIn },
      { scenario: "wire cost", what: "login (resume token)", roundTrips: resume.roundTrips, bytesUp: resume.bytesOut, bytesDown: resume.bytesIn },
      { scenario: "wire cost", what: "hello: send + ack", roundTrips: 1, bytesUp: hello.senderBytesOut, bytesDown: hello.senderBytesIn },
      { scenario: "wire cost", what: "hello: push to recipient", roundTrips: 0, bytesUp: 0, bytesDown: hello.recipientBytesIn },
      { scenario: "wire cost", what: "hello: copy to sender's devices", roundTrips: 0, bytesUp: 0, bytesDown: hello.senderOwnCopyPush }
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
