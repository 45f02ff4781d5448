import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import type { Message } from "../../src/protocol/Proto.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"

let server: DevServer
beforeAll(async () => {
  server = await startDevServer()
})
afterAll(() => server.stop())

const waitFor = async (predicate: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("timed out waiting")
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe("1:1 messages", () => {
  it("A sends B a message and B receives the push", async () => {
    await register(server, "alice", "password-a")
    await register(server, "bob", "password-b")
    const alice = new WeftClient({ ...server, userId: "alice", password: "password-a" })
    const bob = new WeftClient({ ...server, userId: "bob", password: "password-b" })
    await alice.connect()
    await bob.connect()
    const received: Array<Message> = []
    bob.on("message", (message) => received.push(message))
    const ack = await alice.send("bob", "hello bob")
    expect(ack.seq).toBe(1)
    await waitFor(() => received.length === 1)
    expect(received[0]).toMatchObject({ from: "alice", to: "bob", text: "hello bob" })
    alice.close()
    bob.close()
  })
})
