/**
 * Log retention (changeLog.maxEntries, `--log-max-entries`): a user's log keeps its newest
 * changes and drops older ones, so storage does not grow with a user's whole history. A device
 * that was away longer than the log reaches back syncs what is kept, in order, and carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

const KEPT = 8

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({ changeLog: { maxEntries: KEPT } })
})
afterAll(() => server.stop())

describe("log retention", () => {
  it("a device away for longer than the log keeps gets the newest changes in order, then live ones", async () => {
    const alice = uniqueUser("talker")
    const bob = uniqueUser("away")
    for (const userId of [alice, bob]) await register(server, userId, "password")
    const sender = new WeftClient({ host: server.host, port: server.port, userId: alice, password: "password" })
    await sender.connect()
    for (let i = 1; i <= 30; i++) await sender.send(bob, `m${i}`)

    const reader = new WeftClient({ host: server.host, port: server.port, userId: bob, password: "password" })
    const texts: Array<string> = []
    const seqs: Array<number> = []
    reader.on("message", (message, seq) => {
      texts.push(message.text)
      seqs.push(seq)
    })
    await reader.connect()
    await waitFor("the newest message", () => texts.includes("m30"))
    // What is kept is the newest KEPT changes (and at most one trim step more), in order, once each.
    expect(texts.length).toBeGreaterThanOrEqual(KEPT)
    expect(texts.length).toBeLessThanOrEqual(KEPT + 1)
    const first = 31 - texts.length
    expect(texts).toEqual(Array.from({ length: texts.length }, (_, i) => `m${first + i}`))
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 31 - seqs.length + i))

    // The log goes on: a new message is pushed with the next sequence number.
    await sender.send(bob, "m31")
    await waitFor("the live message", () => texts.includes("m31"))
    expect(seqs.at(-1)).toBe(31)
    sender.close()
    reader.close()
  })
})
