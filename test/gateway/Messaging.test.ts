import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import type { Message } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { sleep, uniqueUser, waitFor } from "../support/wait.ts"

let server: DevServer
beforeAll(async () => {
  server = await startDevServer()
})
afterAll(() => server.stop())

const clients: Array<WeftClient> = []
const online = async (userId: string, options: Partial<ConstructorParameters<typeof WeftClient>[0]> = {}) => {
  const client = new WeftClient({ host: server.host, port: server.port, userId, password: "password", ...options })
  clients.push(client)
  await client.connect()
  return client
}
afterAll(() => clients.forEach((client) => client.close()))

const twoUsers = async () => {
  const a = uniqueUser("alice")
  const b = uniqueUser("bob")
  await register(server, a, "password")
  await register(server, b, "password")
  return [a, b] as const
}

const collect = (client: WeftClient) => {
  const messages: Array<Message & { seq: number }> = []
  client.on("message", (message, seq) => messages.push({ ...message, seq }))
  return messages
}

describe("1:1 messages over the long connection", () => {
  it("A sends B a message, B receives it as a push with its sequence number", async () => {
    const [a, b] = await twoUsers()
    const alice = await online(a)
    const bob = await online(b)
    const received = collect(bob)
    const ack = await alice.send(b, "hello bob")
    expect(ack).toMatchObject({ seq: 1, duplicate: false })
    await waitFor("the push", () => received.length === 1)
    expect(received[0]).toMatchObject({ from: a, to: b, text: "hello bob", seq: 1, messageId: ack.messageId })
  })

  it("B offline: A sends three, B comes back with its cursor and gets exactly those three in order", async () => {
    const [a, b] = await twoUsers()
    const alice = await online(a)
    const bob = await online(b)
    await alice.send(b, "before")
    await waitFor("the first message", () => bob.cursor === 1)
    const { cursor, epoch, sessionToken } = bob
    bob.close()

    for (const text of ["one", "two", "three"]) await alice.send(b, text)

    const bobAgain = new WeftClient({ ...server, userId: b, resumeToken: sessionToken, cursor, epoch })
    clients.push(bobAgain)
    const received = collect(bobAgain)
    await bobAgain.connect()
    expect(received.map((m) => [m.seq, m.text])).toEqual([[2, "one"], [3, "two"], [4, "three"]])
  })

  it("a dropped connection reconnects by itself, resumes by token and syncs what it missed", async () => {
    const [a, b] = await twoUsers()
    const alice = await online(a)
    const bob = await online(b)
    const received = collect(bob)
    const states: Array<string> = []
    bob.on("state", (state) => states.push(state))
    bob.dropConnection()
    await alice.send(b, "while you were away")
    await waitFor("the missed message", () => received.length === 1)
    expect(received[0]).toMatchObject({ text: "while you were away", seq: 1 })
    expect(states).toContain("offline")
    expect(bob.state).toBe("online")
  })

  it("a resend with the same client message id is not duplicated", async () => {
    const [a, b] = await twoUsers()
    const alice = await online(a)
    const first = await alice.send(b, "only once", "client-id-1")
    const again = await alice.send(b, "only once", "client-id-1")
    expect(again).toMatchObject({ messageId: first.messageId, seq: first.seq, sentAtMs: first.sentAtMs, duplicate: true })
    await alice.send(b, "next", "client-id-2")

    const bob = await online(b)
    const history = collect(bob)
    await bob.sync()
    const fresh = new WeftClient({ ...server, userId: b, password: "password" })
    clients.push(fresh)
    const all = collect(fresh)
    await fresh.connect()
    expect(all.map((m) => m.text)).toEqual(["only once", "next"])
    expect(history.length).toBe(0)
  })

  it("a message sent from one device appears on the sender's other device", async () => {
    const [a, b] = await twoUsers()
    const phone = await online(a, { deviceId: "phone" })
    const laptop = await online(a, { deviceId: "laptop" })
    const seen = collect(laptop)
    const ack = await phone.send(b, "from my phone")
    await waitFor("the copy on the laptop", () => seen.length === 1)
    expect(seen[0]).toMatchObject({ from: a, to: b, text: "from my phone", seq: ack.seq })
  })

  it("a send to a user that does not exist fails with RECIPIENT_NOT_FOUND", async () => {
    const [a] = await twoUsers()
    const alice = await online(a)
    const error = await alice.send("no-such-user", "hello").catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WeftRequestError)
    expect((error as WeftRequestError).code).toBe(Status.RECIPIENT_NOT_FOUND)
  })

  it("a text over 4096 characters is refused with BAD_REQUEST and not stored", async () => {
    const [a, b] = await twoUsers()
    const alice = await online(a)
    const error = await alice.send(b, "x".repeat(4097)).catch((e: unknown) => e)
    expect((error as WeftRequestError).code).toBe(Status.BAD_REQUEST)
    const ack = await alice.send(b, "x".repeat(4096))
    expect(ack.seq).toBe(1)
  })

  it("a resume token works only for the user it was issued to", async () => {
    const [a, b] = await twoUsers()
    const alice = await online(a)
    const stolen = new WeftClient({ ...server, userId: b, resumeToken: alice.sessionToken, reconnect: false })
    const error = await stolen.connect().catch((e: unknown) => e)
    expect((error as WeftRequestError).code).toBe(Status.INVALID_TOKEN)
  })
})

describe("gateway restart", () => {
  it("the gateway restarts while clients keep sending; every acknowledged message arrives exactly once", async () => {
    const [a, b] = await twoUsers()
    const alice = await online(a)
    const bob = await online(b)
    const received = collect(bob)
    const acked: Array<string> = []
    const total = 40

    const sending = (async () => {
      for (let i = 0; i < total; i++) {
        const ack = await alice.send(b, `message ${i}`, `restart-${i}`)
        acked.push(ack.messageId)
        await sleep(10)
      }
    })()
    await waitFor("some messages before the restart", () => acked.length >= 10)
    await server.stopGateway()
    await sleep(300)
    await server.startGateway()
    await sending

    expect(acked.length).toBe(total)
    await waitFor("every message at the recipient", () => received.length >= total, 20_000)
    await sleep(200)
    expect(received.map((m) => m.text)).toEqual(Array.from({ length: total }, (_, i) => `message ${i}`))
    expect(received.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    expect(new Set(received.map((m) => m.messageId))).toEqual(new Set(acked))
  })
})
