/**
 * The push path across processes: the runner that appended a change sends it to the gateways
 * that hold the user's connections (found through Presence). Pushes are best effort like
 * everywhere in weft — a device that misses one sees a gap and syncs — so nothing waits for them:
 * not the actor that appended, and not the runner for a slow gateway.
 *
 * A push is on every message's path, so it is not an rpc: each runner keeps one socket per
 * gateway (after the cluster handshake, ClusterAuth.ts) and writes records on it, one way, no
 * replies. The pushes of one event-loop turn are batched: one presence look-up per user, sent
 * together (one Redis round trip), then one write per gateway carrying all of that gateway's
 * records. Under load a batch grows and the cost per push falls.
 *
 * A record: u32 length of what follows, then
 *   u8 1 (push)  | u16 n | userId | u16 n | epoch | f64 seq | change bytes (the rest)
 *   u8 3 (push to all but the origin connection, Pusher.push)
 *                | u16 n | userId | u16 n | epoch | u16 n | origin | f64 seq | change bytes
 *   u8 2 (kick)  | u16 n | userId | u16 n | filter as JSON | weft.v1.Kicked bytes (the rest)
 *   u8 4 (group) | u16 n | groupId | f64 seq | u32 n | the gateway's members, "\n" between | change
 * Records to one gateway leave in the order they were pushed, so a user's changes arrive in order.
 * An entry of a read-diffusion group's log is one record per gateway, naming the members whose
 * connections that gateway holds.
 */
import type * as Net from "node:net"
import { Effect, Layer } from "effect"
import { Pusher } from "../actors/Pusher.ts"
import { ConnectionRegistry, type KickFilter } from "../gateway/ConnectionRegistry.ts"
import { Command } from "../protocol/Command.ts"
import { encodeFrame } from "../protocol/Frame.ts"
import * as ClusterAuth from "./ClusterAuth.ts"
import { Presence } from "./Presence.ts"
import { RecordCutter } from "./Records.ts"

const PUSH = 1
const KICK = 2
const PUSH_BUT_ORIGIN = 3
const GROUP = 4
/** A group push that skips one connection (the sender's): a gateway older than it drops the link. */
const GROUP_BUT_ORIGIN = 5
/**
 * How long a runner trusts a member's gateways for group pushes: a 10k-member group would
 * otherwise cost 10k presence look-ups per message. A member who comes online meanwhile learns
 * the group's news at login (GroupNews) and from its next push's gap.
 */
const GROUP_PRESENCE_TTL_MS = 1_000
const MAX_CACHED_PRESENCE = 200_000
/** The largest record a gateway accepts (a change is bounded far below this by the frame limit). */
const MAX_RECORD_BYTES = 16 * 1024 * 1024
/** Bytes a runner lets wait for one gateway (connecting, or not reading) before it drops pushes. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024
const CONNECT_TIMEOUT_MS = 2_000

export interface PushRecord {
  readonly userId: string
  readonly epoch: string
  readonly seq: number
  readonly data: Uint8Array
  /** The connection not to push to (Pusher.push). */
  readonly origin?: string | undefined
}
export interface KickRecord {
  readonly userId: string
  readonly filter: KickFilter
  readonly kicked: Uint8Array
}

const record = (kind: number, strings: ReadonlyArray<string>, seq: number | undefined, tail: Uint8Array): Buffer => {
  let length = 1 + (seq === undefined ? 0 : 8) + tail.length
  for (const s of strings) length += 2 + Buffer.byteLength(s)
  const out = Buffer.allocUnsafe(4 + length)
  let at = out.writeUInt32BE(length, 0)
  at = out.writeUInt8(kind, at)
  for (const s of strings) {
    const written = out.write(s, at + 2)
    at = out.writeUInt16BE(written, at) + written
  }
  if (seq !== undefined) at = out.writeDoubleBE(seq, at)
  out.set(tail, at)
  return out
}

export const encodePush = (push: PushRecord): Buffer =>
  push.origin === undefined
    ? record(PUSH, [push.userId, push.epoch], push.seq, push.data)
    : record(PUSH_BUT_ORIGIN, [push.userId, push.epoch, push.origin], push.seq, push.data)
export const encodeKick = (kick: KickRecord): Buffer => record(KICK, [kick.userId, JSON.stringify(kick.filter)], undefined, kick.kicked)

export interface GroupPushRecord {
  readonly groupId: string
  readonly userIds: ReadonlyArray<string>
  readonly seq: number
  readonly data: Uint8Array
  /** The connection not to push to (Pusher.pushGroup). */
  readonly origin?: string | undefined
}

/** The members go in the tail, behind a u32 length: a gateway may hold more of them than a u16 counts. */
export const encodeGroupPush = (push: GroupPushRecord): Buffer => {
  const users = Buffer.from(push.userIds.join("\n"))
  const tail = Buffer.allocUnsafe(4 + users.length + push.data.length)
  tail.writeUInt32BE(users.length, 0)
  users.copy(tail, 4)
  tail.set(push.data, 4 + users.length)
  return push.origin === undefined
    ? record(GROUP, [push.groupId], push.seq, tail)
    : record(GROUP_BUT_ORIGIN, [push.groupId, push.origin], push.seq, tail)
}

export type Decoded =
  | ({ readonly _tag: "Push" } & PushRecord)
  | ({ readonly _tag: "Kick" } & KickRecord)
  | ({ readonly _tag: "GroupPush" } & GroupPushRecord)

/** Cuts records out of a byte stream; `push` returns what is complete, or an error for a bad stream. */
export class RecordDecoder {
  private readonly cutter = new RecordCutter("push", 5, MAX_RECORD_BYTES)

  push(chunk: Buffer): Array<Decoded> | Error {
    const bodies = this.cutter.push(chunk)
    if (bodies instanceof Error) return bodies
    try {
      return bodies.map(decodeRecord)
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error))
    }
  }
}

const decodeRecord = (body: Buffer): Decoded => {
  const kind = body.readUInt8(0)
  let at = 1
  const string = () => {
    const length = body.readUInt16BE(at)
    at += 2 + length
    return body.toString("utf8", at - length, at)
  }
  const userId = string()
  if (kind === GROUP || kind === GROUP_BUT_ORIGIN) {
    // (The string is the group's id; the tail starts with the members this gateway holds.)
    const origin = kind === GROUP_BUT_ORIGIN ? string() : undefined
    const seq = body.readDoubleBE(at)
    const usersLength = body.readUInt32BE(at + 8)
    const users = body.toString("utf8", at + 12, at + 12 + usersLength)
    const data = new Uint8Array(body.subarray(at + 12 + usersLength))
    return { _tag: "GroupPush", groupId: userId, userIds: users === "" ? [] : users.split("\n"), seq, data, origin }
  }
  const middle = string()
  if (kind === PUSH || kind === PUSH_BUT_ORIGIN) {
    const origin = kind === PUSH_BUT_ORIGIN ? string() : undefined
    const seq = body.readDoubleBE(at)
    // A copy: the change outlives the chunk it came in (it waits in connections' write queues).
    return { _tag: "Push", userId, epoch: middle, seq, data: new Uint8Array(body.subarray(at + 8)), origin }
  }
  if (kind === KICK) return { _tag: "Kick", userId, filter: JSON.parse(middle) as KickFilter, kicked: new Uint8Array(body.subarray(at)) }
  throw new Error(`unknown push record kind ${kind}`)
}

/** Hands decoded records to this gateway's connections. */
export const deliver = (registry: ConnectionRegistry["Service"], records: ReadonlyArray<Decoded>) => {
  for (const r of records) {
    if (r._tag === "Push") registry.pushNow(r.userId, r.data, r.origin)
    else if (r._tag === "GroupPush") registry.pushGroupNow(r.groupId, r.userIds, r.data, r.origin)
    else registry.kickNow(r.userId, r.filter, encodeFrame(Command.KICKED, 0, r.kicked))
  }
}

/**
 * Gateway side: takes pushes from runners on `host:port` into this gateway's connections. Only
 * members holding the cluster `secret` get past the handshake (ClusterAuth.ts).
 */
export const serverLayer = (options: { readonly host: string; readonly port: number; readonly secret: string }) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const registry = yield* ConnectionRegistry
    yield* ClusterAuth.listenMembers({ ...options, kind: "push" }, (socket) => {
      const decoder = new RecordDecoder()
      socket.on("data", (chunk: Buffer) => {
        const records = decoder.push(chunk)
        if (records instanceof Error) return socket.destroy()
        deliver(registry, records)
      })
      socket.resume()
    })
  })).pipe(Layer.orDie)

/** One runner's connection to one gateway: records written in order, dropped if it falls behind. */
class GatewayLink {
  private socket: Net.Socket | undefined
  private ready = false
  private waiting: Array<Buffer> = []
  private waitingBytes = 0
  closed = false

  constructor(
    readonly address: string,
    secret: string,
    private readonly onClosed: (link: GatewayLink, why: string) => void
  ) {
    this.socket = ClusterAuth.dialMember(address, secret, ClusterAuth.Channel.engine, {
      ready: (socket) => {
        if (this.closed) return
        this.ready = true
        socket.resume() // nothing comes back; keep reading so a close is seen
        if (this.waiting.length > 0) this.flush(this.waiting)
        this.waiting = []
        this.waitingBytes = 0
      },
      failed: (why) => this.close(why)
    }, CONNECT_TIMEOUT_MS)
  }

  /** Writes a batch (one writev); returns false if it was dropped. */
  send(records: Array<Buffer>, bytes: number): boolean {
    if (this.closed) return false
    if (!this.ready) {
      if (this.waitingBytes + bytes > MAX_BUFFERED_BYTES) return false
      for (const r of records) this.waiting.push(r)
      this.waitingBytes += bytes
      return true
    }
    if (this.socket!.writableLength + bytes > MAX_BUFFERED_BYTES) return false
    this.flush(records)
    return true
  }

  private flush(records: ReadonlyArray<Buffer>) {
    const socket = this.socket!
    if (records.length === 1) {
      socket.write(records[0]!)
      return
    }
    socket.cork()
    for (const r of records) socket.write(r)
    socket.uncork()
  }

  close(why: string) {
    if (this.closed) return
    this.closed = true
    this.waiting = []
    this.socket?.destroy()
    this.socket = undefined
    this.onClosed(this, why)
  }
}

type Outgoing =
  | { readonly userId: string; readonly bytes: Buffer; readonly group?: undefined }
  | { readonly userId?: undefined; readonly group: Omit<GroupPushRecord, "userIds">; readonly members: ReadonlyArray<string> }

/**
 * Runner side: the Pusher of clustered mode. Pushes queue until the end of the event-loop turn;
 * then the batch's users are looked up together and each gateway gets one write.
 */
export const pusherLayer = (secret: string): Layer.Layer<Pusher, never, Presence> => Layer.effect(
  Pusher,
  Effect.gen(function*() {
    const presence = yield* Presence
    const context = yield* Effect.context<never>()
    const run = Effect.runForkWith(context)
    const links = new Map<string, GatewayLink>()
    let stopped = false
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        stopped = true
        for (const link of [...links.values()]) link.close("runner stopping")
      })
    )
    const onClosed = (link: GatewayLink, why: string) => {
      if (links.get(link.address) === link) links.delete(link.address)
      if (!stopped) run(Effect.logWarning("push connection to gateway closed", link.address, why))
    }
    const linkTo = (address: string) => {
      let link = links.get(address)
      if (link === undefined) {
        link = new GatewayLink(address, secret, onClosed)
        links.set(address, link)
      }
      return link
    }

    let queued: Array<Outgoing> = []
    // Batches are written in the order they were queued, whatever order their look-ups finish in.
    let previous: Promise<void> = Promise.resolve()
    let dropped = 0

    // Group members' gateways, trusted for GROUP_PRESENCE_TTL_MS (see there).
    const memberGateways = new Map<string, { readonly gateways: ReadonlyArray<string>; readonly until: number }>()

    const write = (batch: ReadonlyArray<Outgoing>, users: ReadonlyArray<string>, gateways: ReadonlyArray<ReadonlyArray<string>>) => {
      const where = new Map<string, ReadonlyArray<string>>()
      users.forEach((user, i) => where.set(user, gateways[i]!))
      const perGateway = new Map<string, { records: Array<Buffer>; bytes: number }>()
      const add = (address: string, bytes: Buffer) => {
        let entry = perGateway.get(address)
        if (entry === undefined) perGateway.set(address, entry = { records: [], bytes: 0 })
        entry.records.push(bytes)
        entry.bytes += bytes.length
      }
      const until = Date.now() + GROUP_PRESENCE_TTL_MS
      if (memberGateways.size > MAX_CACHED_PRESENCE) memberGateways.clear()
      for (const out of batch) {
        if (out.group === undefined) {
          for (const address of where.get(out.userId) ?? []) add(address, out.bytes)
          continue
        }
        const byGateway = new Map<string, Array<string>>()
        for (const member of out.members) {
          const looked = where.get(member)
          if (looked !== undefined) memberGateways.set(member, { gateways: looked, until })
          for (const address of looked ?? memberGateways.get(member)?.gateways ?? []) {
            const list = byGateway.get(address)
            if (list === undefined) byGateway.set(address, [member])
            else list.push(member)
          }
        }
        for (const [address, userIds] of byGateway) add(address, encodeGroupPush({ ...out.group, userIds }))
      }
      for (const [address, { records, bytes }] of perGateway) {
        if (!linkTo(address).send(records, bytes)) dropped += records.length
      }
      if (dropped > 0) {
        run(Effect.logWarning(`dropped ${dropped} pushes to gateways that are not keeping up (their devices will sync)`))
        dropped = 0
      }
    }

    const flush = () => {
      const batch = queued
      queued = []
      if (stopped) return
      const wanted = new Set<string>()
      const now = Date.now()
      for (const out of batch) {
        if (out.group === undefined) wanted.add(out.userId)
        else {
          for (const member of out.members) {
            if ((memberGateways.get(member)?.until ?? 0) <= now) wanted.add(member)
          }
        }
      }
      const users = [...wanted]
      const lookup = new Promise<ReadonlyArray<ReadonlyArray<string>>>((resolve) =>
        run(Effect.forEach(users, presence.gatewaysOf, { concurrency: "unbounded" })).addObserver((exit) =>
          resolve(exit._tag === "Success" ? exit.value : [])
        )
      )
      previous = Promise.all([lookup, previous]).then(([gateways]) => {
        if (!stopped) write(batch, users, gateways)
      })
    }

    const enqueue = (out: Outgoing) => {
      if (queued.length === 0) setImmediate(flush)
      queued.push(out)
    }

    return Pusher.of({
      push: (userId, entry, epoch, origin) =>
        enqueue({ userId, bytes: encodePush({ userId, epoch, seq: entry.seq, data: entry.data, origin }) }),
      pushGroup: (groupId, members, entry, origin) =>
        Effect.sync(() => enqueue({ group: { groupId, seq: entry.seq, data: entry.data, origin }, members })),
      kick: (userId, filter, kicked) => Effect.sync(() => enqueue({ userId, bytes: encodeKick({ userId, filter, kicked }) }))
    })
  })
)
