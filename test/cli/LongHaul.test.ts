/**
 * The long-haul relay of the multi-IDC simulation (`npm run idc`) carries the IDC link and each
 * Redis's replication: like TCP, it may delay bytes but never reorders them.
 */
import * as Net from "node:net"
import { describe, expect, it } from "vitest"
import { startLongHaul } from "../../src/cli/longHaul.ts"

describe("the long-haul relay", () => {
  it("delivers a stream whole and in order through latency and loss", async () => {
    let received = ""
    const sink = Net.createServer()
    const ended = new Promise<void>((resolve) => {
      sink.on("connection", (socket) => {
        socket.on("data", (chunk) => (received += chunk.toString()))
        socket.on("end", () => resolve())
      })
    })
    await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve))
    const relay = await startLongHaul({ target: () => (sink.address() as Net.AddressInfo).port, latencyMs: 30, lossRate: 0.05 })
    const client = Net.connect({ host: "127.0.0.1", port: relay.port, noDelay: true })
    await new Promise<void>((resolve) => client.once("connect", () => resolve()))
    // One chunk per event-loop turn: many of them fall due in the same millisecond.
    for (let i = 0; i < 500; i++) {
      client.write(`${i},`)
      await new Promise((resolve) => setImmediate(resolve))
    }
    client.end()
    await ended
    expect(received).toBe(Array.from({ length: 500 }, (_, i) => `${i},`).join(""))
    await relay.close()
    sink.close()
  })
})
