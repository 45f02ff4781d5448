/**
 * The push channel's records survive any cut of the byte stream: a gateway reads pushes, group pushes and kicks
 * from a runner as TCP delivers them, in pieces of any size, and a stream that is not records
 * (an oversized or truncated length) is refused rather than buffered.
 */
import { describe, expect, it } from "vitest"
import { Effect } from "effect"
import { deliver, encodeGroupPush, encodeKick, encodePush, RecordDecoder } from "../../src/cluster/PushRpc.ts"
import * as ConnectionRegistry from "../../src/gateway/ConnectionRegistry.ts"

const bytes = (...values: Array<number>) => new Uint8Array(values)

describe("push channel records", () => {
  it("pushes and kicks come out whole and in order, however the stream is cut", () => {
    const records = [
      encodePush({ userId: "alice", epoch: "e1", seq: 1, data: bytes(8, 1, 18, 2, 104, 105) }),
      encodeKick({ userId: "bob", filter: { sessionToken: "s", exceptSessionToken: "t" }, kicked: bytes(8, 161, 31) }),
      encodePush({ userId: "ünïcode", epoch: "", seq: 2 ** 40, data: new Uint8Array(70_000).fill(7) }),
      encodePush({ userId: "carol", epoch: "e2", seq: 3, data: bytes(8, 3), origin: "g1.42" }),
      // One record for the members of a big group on this gateway: far more names than a u16 holds.
      encodeGroupPush({ groupId: "g:abc", userIds: Array.from({ length: 8000 }, (_, i) => `member-${i}`), seq: 9, data: bytes(8, 9) })
    ]
    const stream = Buffer.concat(records)
    for (const cut of [1, 3, 7, 64, 1000, stream.length]) {
      const decoder = new RecordDecoder()
      const out = []
      for (let at = 0; at < stream.length; at += cut) {
        const decoded = decoder.push(stream.subarray(at, at + cut))
        if (decoded instanceof Error) throw decoded
        out.push(...decoded)
      }
      expect(out.map((r) => r._tag), `cut ${cut}`).toEqual(["Push", "Kick", "Push", "Push", "GroupPush"])
      expect(out[0]).toEqual({ _tag: "Push", userId: "alice", epoch: "e1", seq: 1, data: bytes(8, 1, 18, 2, 104, 105), origin: undefined })
      expect(out[3]).toEqual({ _tag: "Push", userId: "carol", epoch: "e2", seq: 3, data: bytes(8, 3), origin: "g1.42" })
      expect(out[1]).toEqual({ _tag: "Kick", userId: "bob", filter: { sessionToken: "s", exceptSessionToken: "t" }, kicked: bytes(8, 161, 31) })
      const last = out[2]!
      expect(last._tag === "Push" && [last.userId, last.seq, last.data.length, last.data[69_999]]).toEqual(["ünïcode", 2 ** 40, 70_000, 7])
      const group = out[4]!
      expect(group._tag === "GroupPush" && [group.groupId, group.userIds.length, group.userIds[7999], group.seq, group.data])
        .toEqual(["g:abc", 8000, "member-7999", 9, bytes(8, 9)])
    }
  })

  it("a push with an origin reaches every connection of the user on the gateway but that one", () => {
    const registry = Effect.runSync(ConnectionRegistry.make)
    const got: Array<string> = []
    const target = (origin: string) => ({
      connectionId: 0, deviceId: "", platform: 0, sessionToken: "", origin,
      offer: () => got.push(origin),
      kick: () => {}
    })
    for (const origin of ["g1.1", "g1.2", "http:s"]) registry.add("dana", target(origin))
    deliver(registry, [{ _tag: "Push", userId: "dana", epoch: "", seq: 1, data: bytes(8, 1), origin: "g1.1" }])
    expect(got).toEqual(["g1.2", "http:s"])
    got.length = 0
    deliver(registry, [{ _tag: "Push", userId: "dana", epoch: "", seq: 2, data: bytes(8, 2) }])
    expect(got).toEqual(["g1.1", "g1.2", "http:s"])
    // A big group's push skips the sender's connection too, after its trip through the stream.
    registry.add("eli", target("g1.9"))
    got.length = 0
    const decoded = new RecordDecoder().push(encodeGroupPush({ groupId: "g:big", userIds: ["dana", "eli"], seq: 3, data: bytes(8, 3), origin: "g1.2" }))
    if (decoded instanceof Error) throw decoded
    expect(decoded.map((r) => r._tag === "GroupPush" && r.origin)).toEqual(["g1.2"])
    deliver(registry, decoded)
    expect(got).toEqual(["g1.1", "http:s", "g1.9"])
  })

  it("a length no record can have is refused", () => {
    const huge = Buffer.alloc(4)
    huge.writeUInt32BE(64 * 1024 * 1024)
    expect(new RecordDecoder().push(huge)).toBeInstanceOf(Error)
    expect(new RecordDecoder().push(Buffer.from([0, 0, 0, 1, 1]))).toBeInstanceOf(Error)
    // ...also right behind a good record, before any of its bytes arrive.
    const afterGood = Buffer.concat([encodePush({ userId: "a", epoch: "", seq: 1, data: bytes(1) }), huge])
    expect(new RecordDecoder().push(afterGood)).toBeInstanceOf(Error)
  })
})
