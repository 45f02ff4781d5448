/**
 * Log retention (changeLog.maxEntries, `--log-max-entries`): a user's log keeps its newest
 * changes and drops older ones, so storage does not grow with a user's whole history. A device
 * that was away longer than the log reaches back syncs what is kept, in order, and carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createGroup, sendToGroup, syncGroup } from "../../src/client/groups.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { Codecs } from "../../src/protocol/Proto.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

const KEPT = 8

let server: DevServer
beforeAll(async () => {
  // Groups of more than 2 members keep their messages in a log of their own, which retention trims too.
  server = await startDevServer({ changeLog: { maxEntries: KEPT }, features: { readDiffusionThreshold: 2 } })
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

  it("a big group's log keeps its newest messages too; a member pulling from the start gets those, in order", async () => {
    const [owner, ...members] = await Promise.all(["host", "guest", "guest", "guest"].map(async (name) => {
      const userId = uniqueUser(name)
      await register(server, userId, "password")
      return userId
    }))
    const poster = new WeftClient({ host: server.host, port: server.port, userId: owner!, password: "password" })
    await poster.connect()
    const group = await createGroup(poster, "long thread", members)
    for (let i = 1; i <= 30; i++) await sendToGroup(poster, group.groupId, `g${i}`)

    const member = new WeftClient({ host: server.host, port: server.port, userId: members[0]!, password: "password", reconnect: false })
    await member.connect()
    const texts: Array<string> = []
    let cursor = 0
    for (let round = 0; round < 10; round++) {
      const page = await syncGroup(member, group.groupId, cursor)
      for (const change of page.changes) {
        const decoded = change instanceof Uint8Array ? Codecs.Change.decode(change) : change
        if (decoded.message) texts.push(decoded.message.text)
      }
      cursor = page.cursor
      if (!page.more) break
    }
    expect(texts.at(-1)).toBe("g30")
    expect(texts.length).toBeGreaterThanOrEqual(KEPT - 1)
    expect(texts.length).toBeLessThanOrEqual(KEPT + 1)
    const first = 31 - texts.length
    expect(texts).toEqual(Array.from({ length: texts.length }, (_, i) => `g${first + i}`))
    poster.close()
    member.close()
  })
})
