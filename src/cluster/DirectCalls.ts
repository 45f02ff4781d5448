/**
 * Direct actor calls between processes (clustered mode). A call to an actor on another runner
 * does not need the engine's rpc (an rpc client and server, Schema's binary codec, a fiber per
 * request on both sides, snowflake ids, the entity manager's bookkeeping): weft knows which
 * runner holds each shard — the shard locks in Redis say so, re-read every second — and sends
 * the call straight to that runner's port on a channel of its own (ClusterAuth.ts: the same
 * handshake, the same secret). There the call takes the local fast path (LocalActors.ts), which
 * checks synchronously that the runner still holds the shard and the actor is active, and runs
 * the handler under the actor's lock: the same single-writer guarantee as a local call.
 *
 * The engine stays the authority. A runner that does not host the actor now (the shard moved,
 * or the actor is passivated and must be activated, or its keep-alive is due) answers "not
 * here", and the caller sends the call through the engine, which finds the actor wherever it
 * is. Before a channel is up, or for a runner whose channel failed in the last second, calls
 * take the engine's path too. A channel that closes with calls in flight fails them with
 * UNAVAILABLE, like a runner dying under an engine call: clients retry with the same ids, which
 * the actors deduplicate.
 *
 * Only messages annotated `DirectCall` (ActorCall.ts) travel here: their payloads and answers
 * are plain data, copied with Node's structured serializer (node:v8).
 *
 * Records (Records.ts: u32 length, then):
 *   request  u8 1 | u32 id | u16 n type | u16 n entity id | u16 n tag | u16 n request id | payload
 *   reply    u8 2 (ok) | u32 id | answer          u8 3 (failed) | u32 id | u32 code | message
 *            u8 4 (not here) | u32 id
 * Requests and replies of one event-loop turn leave in one write per connection.
 */
import type * as Net from "node:net"
import { deserialize, serialize } from "node:v8"
import { Cause, Context, Effect, Exit, Layer, Schedule } from "effect"
import type { ShardId } from "effect/cluster"
import { Sharding } from "effect/cluster"
import { describe, notHere, RemoteCalls } from "../actors/ActorCall.ts"
import { CallTimeout, callLocal, isMoved, registryOf } from "../actors/LocalActors.ts"
import { REQUEST_ID_HEADER, withRequestId } from "../metrics/RequestId.ts"
import { unavailable, WeftError } from "../protocol/WeftError.ts"
import * as ClusterAuth from "./ClusterAuth.ts"
import { RedisClient } from "./RedisClient.ts"
import { BatchWriter, RecordCutter } from "./Records.ts"
import { shardKey } from "./RedisRunnerStorage.ts"

const REQUEST = 1
const OK = 2
const FAILED = 3
const NOT_HERE = 4
const MAX_RECORD_BYTES = 16 * 1024 * 1024
const CONNECT_TIMEOUT_MS = 2_000
/** After a channel to a runner failed, its calls take the engine's path this long. */
const RETRY_AFTER_MS = 1_000
/** How often the shard holders are re-read from Redis (the engine refreshes its view as often). */
const HOLDERS_REFRESH_MS = 1_000

/** A direct call's request record (exported for the tests that knock on a runner's port). */
export const encodeRequest = (
  id: number,
  strings: readonly [type: string, entityId: string, tag: string, requestId: string],
  payload: Buffer
): Buffer => {
  let length = 1 + 4 + payload.length
  const lengths = strings.map((s) => Buffer.byteLength(s))
  for (const n of lengths) length += 2 + n
  const out = Buffer.allocUnsafe(4 + length)
  let at = out.writeUInt32BE(length, 0)
  at = out.writeUInt8(REQUEST, at)
  at = out.writeUInt32BE(id, at)
  for (let i = 0; i < strings.length; i++) {
    at = out.writeUInt16BE(lengths[i]!, at)
    at += out.write(strings[i]!, at)
  }
  payload.copy(out, at)
  return out
}

const encodeReply = (kind: number, id: number, tail?: Buffer, code?: number): Buffer => {
  const length = 1 + 4 + (code === undefined ? 0 : 4) + (tail?.length ?? 0)
  const out = Buffer.allocUnsafe(4 + length)
  let at = out.writeUInt32BE(length, 0)
  at = out.writeUInt8(kind, at)
  at = out.writeUInt32BE(id, at)
  if (code !== undefined) at = out.writeUInt32BE(code, at)
  tail?.copy(out, at)
  return out
}

const replyOf = (id: number, exit: Exit.Exit<unknown, unknown>, type: string): Buffer => {
  if (Exit.isSuccess(exit)) return encodeReply(OK, id, serialize(exit.value))
  const error = Cause.squash(exit.cause)
  if (isMoved(error)) return encodeReply(NOT_HERE, id)
  const failure = error instanceof WeftError ? error : unavailable(`${type}: ${describe(error)}`)
  return encodeReply(FAILED, id, Buffer.from(failure.message), failure.code)
}

interface Request {
  readonly id: number
  readonly type: string
  readonly entityId: string
  readonly tag: string
  readonly requestId: string
  readonly payload: Buffer
}

const decodeRequest = (body: Buffer): Request => {
  if (body.readUInt8(0) !== REQUEST) throw new Error(`direct call record kind ${body.readUInt8(0)}`)
  const id = body.readUInt32BE(1)
  let at = 5
  const strings: Array<string> = []
  for (let i = 0; i < 4; i++) {
    const n = body.readUInt16BE(at)
    strings.push(body.toString("utf8", at + 2, at + 2 + n))
    at += 2 + n
  }
  const [type, entityId, tag, requestId] = strings as [string, string, string, string]
  return { id, type, entityId, tag, requestId, payload: body.subarray(at) }
}

/**
 * Where a runner's port hands the connections of the direct channel: they wait here until the
 * runner's actors are up (`serve`).
 */
export class Inbox {
  private handler: ((socket: Net.Socket) => void) | undefined
  private waiting: Array<Net.Socket> = []

  readonly accept = (socket: Net.Socket) => {
    if (this.handler !== undefined) return this.handler(socket)
    if (this.waiting.length >= 256) return socket.destroy()
    this.waiting.push(socket)
  }

  attach(handler: (socket: Net.Socket) => void) {
    this.handler = handler
    for (const socket of this.waiting.splice(0)) handler(socket)
  }

  detach() {
    this.handler = undefined
    for (const socket of this.waiting.splice(0)) socket.destroy()
  }
}

/** A runner's side: answers direct calls to the actors it hosts, from the connections of `inbox`. */
export const serve = (inbox: Inbox): Layer.Layer<never, never, Sharding.Sharding> =>
  Layer.effectDiscard(Effect.gen(function*() {
    const sharding = yield* Sharding.Sharding
    const run = Effect.runForkWith(yield* Effect.context<never>())
    const sockets = new Set<Net.Socket>()
    const ignore = () => {}

    const handle = (writer: BatchWriter, request: Request) => {
      const headers: Record<string, string> = request.requestId === "" ? {} : { [REQUEST_ID_HEADER]: request.requestId }
      let effect: Effect.Effect<unknown, unknown> | undefined
      try {
        const payload = deserialize(request.payload)
        effect = callLocal(sharding, registryOf(sharding, request.type), request.entityId, request.tag, payload, headers, undefined, ignore)
      } catch (error) {
        return writer.write(replyOf(request.id, Exit.die(error), request.type))
      }
      if (effect === undefined) return writer.write(encodeReply(NOT_HERE, request.id))
      const fiber = run(request.requestId === "" ? effect : withRequestId(request.requestId)(effect))
      fiber.addObserver((exit) => writer.write(replyOf(request.id, exit, request.type)))
    }

    inbox.attach((socket) => {
      sockets.add(socket)
      socket.once("close", () => sockets.delete(socket))
      socket.on("error", () => socket.destroy())
      const writer = new BatchWriter(socket)
      const cutter = new RecordCutter("direct call", 5, MAX_RECORD_BYTES)
      socket.on("data", (chunk: Buffer) => {
        const bodies = cutter.push(chunk)
        if (bodies instanceof Error) return socket.destroy()
        for (const body of bodies) {
          let request: Request
          try {
            request = decodeRequest(body)
          } catch {
            return socket.destroy()
          }
          handle(writer, request)
        }
      })
      socket.resume()
    })
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        inbox.detach()
        for (const socket of sockets) socket.destroy()
      })
    )
  }))

interface Pending {
  readonly resume: (effect: Effect.Effect<unknown, unknown>) => void
  readonly timer: NodeJS.Timeout
}

/** One process's channel to one runner. */
class Link {
  ready = false
  closed = false
  private readonly socket: Net.Socket
  private writer: BatchWriter | undefined
  private readonly pending = new Map<number, Pending>()
  private nextId = 1

  constructor(readonly address: string, secret: string, private readonly onClosed: (link: Link) => void) {
    this.socket = ClusterAuth.dialMember(address, secret, ClusterAuth.Channel.direct, {
      ready: (socket) => {
        if (this.closed) return
        this.ready = true
        this.writer = new BatchWriter(socket)
        const cutter = new RecordCutter("direct call reply", 5, MAX_RECORD_BYTES)
        socket.on("data", (chunk: Buffer) => {
          const bodies = cutter.push(chunk)
          if (bodies instanceof Error) return this.close()
          for (const body of bodies) this.answer(body)
        })
        socket.resume()
      },
      failed: () => this.close()
    }, CONNECT_TIMEOUT_MS)
  }

  call(strings: readonly [string, string, string, string], payload: Buffer, timeoutMs: number): Effect.Effect<unknown, unknown> {
    return Effect.callback<unknown, unknown>((resume) => {
      // Closed since it was picked: nothing was sent, so the engine's path is safe.
      if (this.closed) return resume(Effect.fail(notHere))
      const id = this.nextId
      this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1
      const timer = setTimeout(() => {
        this.pending.delete(id)
        resume(Effect.fail(unavailable(`${strings[0]}: no answer within ${timeoutMs} ms`)))
      }, timeoutMs)
      this.pending.set(id, { resume, timer })
      this.writer!.write(encodeRequest(id, strings, payload))
      return Effect.sync(() => {
        const entry = this.pending.get(id)
        if (entry === undefined) return
        clearTimeout(entry.timer)
        this.pending.delete(id)
      })
    })
  }

  private answer(body: Buffer) {
    const kind = body.readUInt8(0)
    const id = body.readUInt32BE(1)
    const entry = this.pending.get(id)
    if (entry === undefined) return
    this.pending.delete(id)
    clearTimeout(entry.timer)
    if (kind === OK) {
      entry.resume(Effect.try({ try: () => deserialize(body.subarray(5)), catch: () => unavailable("a direct call's answer could not be read") }))
    } else if (kind === FAILED) {
      entry.resume(Effect.fail(new WeftError({ code: body.readUInt32BE(5), message: body.toString("utf8", 9) })))
    } else {
      entry.resume(Effect.fail(notHere))
    }
  }

  close() {
    if (this.closed) return
    this.closed = true
    this.socket.destroy()
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer)
      entry.resume(Effect.fail(unavailable("the connection to the actor's runner closed; retry")))
    }
    this.pending.clear()
    this.onClosed(this)
  }
}

/**
 * The caller's side (runners and gateways): direct calls to actors whose shard another runner
 * holds. `self` is this runner's address (its own shards are local calls), none for a gateway.
 */
export const clientLayer = (options: {
  readonly secret: string
  readonly self: string | undefined
  readonly shardsPerGroup: number
}): Layer.Layer<never, never, RedisClient> =>
  Layer.effectContext(Effect.gen(function*() {
    const redis = yield* RedisClient
    const timeoutMs = yield* CallTimeout
    /** Shard ("group:id") → the address of the runner holding its lock. */
    let holders = new Map<string, string>()
    const groups = new Set<string>(["default"])
    const refresh = Effect.tryPromise(async () => {
      const keys: Array<string> = []
      const shards: Array<string> = []
      for (const group of groups) {
        for (let i = 1; i <= options.shardsPerGroup; i++) {
          shards.push(`${group}:${i}`)
          keys.push(shardKey(`${group}:${i}`))
        }
      }
      const owners = await redis.mget(...keys)
      const next = new Map<string, string>()
      owners.forEach((owner, i) => {
        if (owner !== null) next.set(shards[i]!, owner)
      })
      holders = next
    }).pipe(Effect.ignore)
    yield* refresh
    yield* Effect.forkScoped(Effect.repeat(refresh, Schedule.spaced(HOLDERS_REFRESH_MS)))

    const links = new Map<string, Link>()
    const failedAt = new Map<string, number>()
    let stopped = false
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        stopped = true
        for (const link of [...links.values()]) link.close()
      })
    )
    const onClosed = (link: Link) => {
      if (links.get(link.address) === link) links.delete(link.address)
      failedAt.set(link.address, Date.now())
    }
    const linkTo = (address: string): Link | undefined => {
      const link = links.get(address)
      if (link !== undefined) return link.ready ? link : undefined
      if (stopped || Date.now() - (failedAt.get(address) ?? 0) < RETRY_AFTER_MS) return undefined
      links.set(address, new Link(address, options.secret, onClosed))
      return undefined
    }

    const remote: RemoteCalls = {
      call: (type, entityId, shardId: ShardId.ShardId, tag, payload, requestId) => {
        const owner = holders.get(`${shardId.group}:${shardId.id}`)
        if (owner === undefined) {
          groups.add(shardId.group)
          return undefined
        }
        if (owner === options.self) return undefined
        const link = linkTo(owner)
        if (link === undefined) return undefined
        return Effect.suspend(() => link.call([type, entityId, tag, requestId ?? ""], serialize(payload), timeoutMs))
      }
    }
    return Context.make(RemoteCalls, remote)
  }))
