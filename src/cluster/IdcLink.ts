/**
 * The link between data centres (proto/weft/v1/idc.proto, docs/multi-idc.md): how the changes an
 * IDC queued for users homed in another IDC (Idc.ts) get there.
 *
 * - **Receiver** (`serve`): a runner's link port. Only peers holding the IDCs' link secret get
 *   past the cluster handshake (ClusterAuth.ts, channel 2); each IdcBatch is appended to its
 *   recipients' logs — one recipient's entries in order, under their dedupe keys — and answered
 *   with an IdcAck once all of it is stored. A record that is not an IdcBatch is answered
 *   BAD_REQUEST and the connection closed.
 * - **Drainer** (one per destination IDC, on the runner holding the queue's lease): reads the
 *   head of the queue, sends it as one batch to the address the directory gives for the IDC,
 *   and deletes it from the queue once acknowledged. No acknowledgement within the deadline, a
 *   refused connection, an outage of the link: it dials again and sends the same entries again
 *   (redone until confirmed; the receiver's dedupe keys store each once). One batch is in flight
 *   at a time, so the queue's order is the order of arrival.
 */
import { randomBytes } from "node:crypto"
import type * as Net from "node:net"
import type { Redis } from "ioredis"
import { Effect, Layer, Metric } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../actors/ActorCall.ts"
import { ChangeLog } from "../actors/ChangeLog.ts"
import { isValidUserId } from "../actors/Session.ts"
import { type IdcBatch, IdcCodecs, type IdcEntry } from "../protocol/idc.ts"
import { Status } from "../protocol/Status.ts"
import { unavailable } from "../protocol/WeftError.ts"
import * as ClusterAuth from "./ClusterAuth.ts"
import { type IdcSettings, idcsKey, queueKey, readRecord } from "./Idc.ts"
import { labelled, record as recordMetric } from "../metrics/Instruments.ts"
import { RecordCutter } from "./Records.ts"
import { RedisClient, type RedisConnection } from "./RedisClient.ts"

/** The largest record either side accepts. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024
/** Entries per batch: one round trip of the link carries up to this many. */
const BATCH_ENTRIES = 256
/** Batches on the link at once, acknowledged in order. */
const MAX_IN_FLIGHT = 4
/** A batch not acknowledged within this long is sent again on a new connection. */
export const ACK_TIMEOUT_MS = 5_000
const DIAL_TIMEOUT_MS = 3_000
/** How long the link waits for the replicas to confirm a batch (below the sender's deadline). */
const REPLICATION_WAIT_MS = 3_000
const LEASE_MS = 15_000
const MAX_BACKOFF_MS = 2_000
/** Recipients of one batch appended side by side (each recipient's entries in order). */
const RECIPIENTS_AT_ONCE = 16

/** Entries of this IDC's queue for another IDC, not yet confirmed there (read every 2 s). */
export const idcQueueEntries = labelled((attributes) =>
  Metric.gauge("weft_idc_queue_entries", {
    description: "Entries of this IDC's outbound queue for another IDC that the other IDC has not confirmed",
    attributes
  })
)

/** Entries another IDC confirmed, and batches sent again after a failure. */
export const idcEntriesDelivered = labelled((attributes) =>
  Metric.counter("weft_idc_delivered_total", {
    description: "Queue entries another IDC confirmed (stored there)",
    incremental: true,
    attributes
  })
)
export const idcLinkFailures = labelled((attributes) =>
  Metric.counter("weft_idc_link_failures_total", {
    description: "Failures of the link to another IDC (unanswered, refused, cut); what was in flight is sent again",
    incremental: true,
    attributes
  })
)

/** A u32 length, then `body`. */
export const frameRecord = (body: Uint8Array): Buffer => {
  const record = Buffer.allocUnsafe(4 + body.length)
  record.writeUInt32BE(body.length, 0)
  record.set(body, 4)
  return record
}

/** What is wrong with a batch's entry, if anything. */
const invalidEntry = (entry: IdcEntry): string | undefined =>
  !isValidUserId(entry.to)
    ? `entry for ${JSON.stringify(entry.to)}: not a user id`
    : entry.dedupeKey.length === 0 || entry.dedupeKey.length > 512
    ? `entry for ${entry.to}: the dedupe key must have 1..512 characters`
    : entry.change.length === 0
    ? `entry for ${entry.to}: no change`
    : undefined

/** The entries of a batch by recipient, each recipient's in the batch's order. */
const byRecipient = (entries: ReadonlyArray<IdcEntry>): Array<Array<IdcEntry>> => {
  const groups = new Map<string, Array<IdcEntry>>()
  for (const entry of entries) {
    const group = groups.get(entry.to)
    if (group === undefined) groups.set(entry.to, [entry])
    else group.push(entry)
  }
  return [...groups.values()]
}

/**
 * Once the appends of a batch are stored: waits until `replicas` replicas of this Redis have
 * them too. Redis replicates in order, so a write of this connection confirmed by WAIT means
 * every write before it (the actors' appends, on other connections) is there as well.
 */
const confirmReplicated = (redis: RedisConnection, replicas: number, from: string, batchId: number) =>
  replicas === 0
    ? Effect.void
    : Effect.tryPromise({
      try: async () => {
        await redis.set(`weft:idc-in:${from}`, String(batchId))
        return Number(await (redis as Redis).call("WAIT", replicas, REPLICATION_WAIT_MS))
      },
      catch: (cause) => unavailable(`confirming replication failed: ${cause instanceof Error ? cause.message : String(cause)}`)
    }).pipe(
      Effect.flatMap((confirmed) =>
        confirmed >= replicas
          ? Effect.void
          : Effect.fail(unavailable(`${confirmed} of ${replicas} replicas confirmed the batch within ${REPLICATION_WAIT_MS} ms; send it again`))
      )
    )

/** A runner's link port: batches from other IDCs into the logs of the users homed here. */
export const serve = (settings: IdcSettings): Layer.Layer<never, never, Sharding.Sharding | RedisClient> =>
  Layer.effectDiscard(Effect.gen(function*() {
    const changeLogs = yield* actorClient(ChangeLog)
    // A connection of its own: WAIT blocks the connection it is sent on, and the process's
    // bookkeeping connection carries presence look-ups and shard locks that must not wait.
    const bookkeeping = yield* RedisClient
    const redis = yield* Effect.acquireRelease(
      Effect.sync((): RedisConnection => {
        const connection = (bookkeeping.duplicate as () => RedisConnection).call(bookkeeping)
        connection.on("error", () => {})
        return connection
      }),
      (connection) => Effect.sync(() => connection.disconnect())
    )
    const run = Effect.runPromiseWith(yield* Effect.context<never>())

    const store = (batch: IdcBatch) =>
      Effect.forEach(
        byRecipient(batch.entries),
        (entries) => Effect.forEach(entries, (entry) => changeLogs(entry.to).Append({ body: entry.change, dedupeKey: entry.dedupeKey }), { discard: true }),
        { concurrency: RECIPIENTS_AT_ONCE, discard: true }
      ).pipe(
        Effect.as({ batchId: batch.batchId, code: Status.OK, message: "" }),
        Effect.catch((error) => Effect.succeed({ batchId: batch.batchId, code: Status.UNAVAILABLE, message: error.message }))
      )

    const confirm = (batch: IdcBatch) =>
      confirmReplicated(redis, settings.replicasToConfirm, batch.fromIdc, batch.batchId).pipe(
        Effect.as({ batchId: batch.batchId, code: Status.OK, message: "" }),
        Effect.catch((error) => Effect.succeed({ batchId: batch.batchId, code: Status.UNAVAILABLE, message: error.message }))
      )

    const admit = (socket: Net.Socket, channel: ClusterAuth.Channel) => {
      if (channel !== ClusterAuth.Channel.idc) return socket.destroy()
      const cutter = new RecordCutter("IDC link", 1, MAX_RECORD_BYTES)
      const answer = (ack: { batchId: number; code: number; message: string }) => {
        if (!socket.destroyed) socket.write(frameRecord(IdcCodecs.IdcAck.encode(ack)))
      }
      const refuse = (message: string) => {
        answer({ batchId: 0, code: Status.BAD_REQUEST, message })
        socket.end()
        socket.removeAllListeners("data")
      }
      // Batches of one connection are stored one after the other, and answered in that order;
      // a batch's replication is awaited while the next one is being stored.
      let stored: Promise<unknown> = Promise.resolve()
      let answered: Promise<unknown> = Promise.resolve()
      socket.on("data", (chunk: Buffer) => {
        const records = cutter.push(chunk)
        if (records instanceof Error) return refuse(`${records.message}: records are 1..${MAX_RECORD_BYTES} bytes`)
        for (const record of records) {
          let batch: IdcBatch
          try {
            batch = IdcCodecs.IdcBatch.decode(record)
          } catch (error) {
            return refuse(`the record is not a weft.v1.IdcBatch: ${error instanceof Error ? error.message : String(error)}`)
          }
          const wrong = batch.entries.map(invalidEntry).find((why) => why !== undefined)
          if (wrong !== undefined) return refuse(`batch ${batch.batchId}: ${wrong}`)
          const appended = stored.then(() => run(store(batch)))
          stored = appended
          answered = Promise.all([answered, appended]).then(([, ack]) =>
            ack.code === Status.OK ? run(confirm(batch)) : ack
          ).then(answer)
        }
      })
      socket.resume()
    }

    const bound = yield* ClusterAuth.listenMembers(
      { host: settings.linkHost, port: settings.linkPort, secret: settings.secret, kind: "idc" },
      admit
    )
    yield* Effect.logInfo(`IDC link of ${settings.name} on ${bound.address}:${bound.port}`)
  })).pipe(Layer.orDie)

interface QueuedEntry {
  readonly id: string
  readonly entry: IdcEntry
}

/** The stream entries XRANGE answers, as queue entries (fields: to, key, change). */
const parseQueue = (reply: ReadonlyArray<[Buffer, Array<Buffer>]>): Array<QueuedEntry> =>
  reply.map(([id, fields]) => {
    const values = new Map<string, Buffer>()
    for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!.toString(), fields[i + 1]!)
    return {
      id: id.toString(),
      entry: {
        to: values.get("to")?.toString() ?? "",
        dedupeKey: values.get("key")?.toString() ?? "",
        change: values.get("change") ?? new Uint8Array()
      }
    }
  })

// KEYS: the lease. ARGV: owner, ms. Takes or renews the lease unless another owner holds it.
const leaseLua = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** One connection to another IDC's link: batches out, their acknowledgements back, in order. */
class LinkConnection {
  private readonly waiting = new Map<number, { readonly resolve: () => void; readonly reject: (error: Error) => void }>()
  closed = false

  private constructor(private readonly socket: Net.Socket) {
    const cutter = new RecordCutter("IDC link", 1, MAX_RECORD_BYTES)
    socket.on("data", (chunk: Buffer) => {
      const records = cutter.push(chunk)
      if (records instanceof Error) return this.close(records.message)
      for (const record of records) {
        let ack
        try {
          ack = IdcCodecs.IdcAck.decode(record)
        } catch {
          return this.close("the peer answered with something other than an IdcAck")
        }
        const waiting = this.waiting.get(ack.batchId)
        if (waiting === undefined) continue
        this.waiting.delete(ack.batchId)
        if (ack.code === Status.OK) waiting.resolve()
        else waiting.reject(new Error(`the IDC refused batch ${ack.batchId} (${ack.code}): ${ack.message}`))
      }
    })
    socket.resume()
  }

  static open(address: string, secret: string): Promise<LinkConnection> {
    return new Promise((resolve, reject) => {
      let connection: LinkConnection | undefined
      ClusterAuth.dialMember(address, secret, ClusterAuth.Channel.idc, {
        ready: (socket) => resolve(connection = new LinkConnection(socket)),
        failed: (why) => {
          if (connection === undefined) reject(new Error(`IDC link to ${address}: ${why}`))
          else connection.close(why)
        }
      }, DIAL_TIMEOUT_MS)
    })
  }

  /** Resolves once the peer acknowledged the batch; rejects on a refusal, a close or the deadline. */
  send(batch: IdcBatch): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the link is closed"))
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.close(`no acknowledgement within ${ACK_TIMEOUT_MS} ms`), ACK_TIMEOUT_MS)
      this.waiting.set(batch.batchId, {
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        }
      })
      this.socket.write(frameRecord(IdcCodecs.IdcBatch.encode(batch)))
    })
  }

  close(why: string) {
    if (this.closed) return
    this.closed = true
    this.socket.destroy()
    const waiting = [...this.waiting.values()]
    this.waiting.clear()
    for (const waiter of waiting) waiter.reject(new Error(why))
  }
}

interface InFlight {
  readonly ids: ReadonlyArray<string>
  readonly acked: Promise<"acked">
}

/**
 * The drainer of this IDC's queue for one other IDC. Only the runner holding the queue's lease
 * drains it (several would send the same entries side by side: harmless, but wasted). Up to
 * MAX_IN_FLIGHT batches are on the link at once; they are deleted from the queue in order, as
 * their acknowledgements come; on any failure everything not yet acknowledged is sent again from
 * the head of the queue.
 */
class Drainer {
  private connection: LinkConnection | undefined
  private wake: (() => void) | undefined
  /** Nudged while not idle: the next idle returns at once. */
  private poked = false
  private stopped = false
  private nextBatch = 1
  private inFlight: Array<InFlight> = []
  /** The id of the last entry sent and not yet acknowledged; undefined: send from the head. */
  private sentUpTo: string | undefined
  /** Why the last attempt failed, for the log (once per outage). */
  private failing: string | undefined

  constructor(
    private readonly local: RedisConnection,
    private readonly dir: RedisConnection,
    private readonly settings: IdcSettings,
    private readonly to: string,
    private readonly owner: string,
    private readonly log: (message: string) => void
  ) {
    void this.loop()
  }

  nudge() {
    const wake = this.wake
    this.wake = undefined
    if (wake === undefined) this.poked = true
    else wake()
  }

  stop() {
    this.stopped = true
    this.connection?.close("stopping")
    this.nudge()
  }

  /** Until woken by an enqueue, or `ms` (entries queued by this IDC's other runners). */
  private idle(ms: number): Promise<"woke"> {
    if (this.poked) {
      this.poked = false
      return Promise.resolve("woke")
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        if (this.wake === wake) this.wake = undefined
        resolve("woke")
      }
      const timer = setTimeout(wake, ms)
      this.wake = wake
    })
  }

  private async link(): Promise<LinkConnection> {
    if (this.connection !== undefined && !this.connection.closed) return this.connection
    const record = await readRecord(this.dir, this.to)
    if (record === undefined) throw new Error(`IDC ${this.to} is not in the directory (down, or not started)`)
    this.connection = await LinkConnection.open(record.link, this.settings.secret)
    return this.connection
  }

  /** Sends what is queued behind the batches in flight, as far as MAX_IN_FLIGHT allows. */
  private async sendMore(queue: string) {
    while (this.inFlight.length < MAX_IN_FLIGHT) {
      const from = this.sentUpTo === undefined ? "-" : `(${this.sentUpTo}`
      const reply = await this.local.xrangeBuffer(queue, from, "+", "COUNT", BATCH_ENTRIES)
      const queued = parseQueue(reply as Array<[Buffer, Array<Buffer>]>)
      if (queued.length === 0) return
      const link = await this.link()
      const acked = link.send({ batchId: this.nextBatch++, fromIdc: this.settings.name, entries: queued.map((queuedEntry) => queuedEntry.entry) })
        .then(() => "acked" as const)
      acked.catch(() => {}) // a failure is met where the batch is awaited
      this.inFlight.push({ ids: queued.map((queuedEntry) => queuedEntry.id), acked })
      this.sentUpTo = queued[queued.length - 1]!.id
    }
  }

  private async loop() {
    const queue = queueKey(this.to)
    let backoff = 250
    while (!this.stopped) {
      try {
        const held = await this.local.eval(leaseLua, 1, `${queue}:drainer`, this.owner, LEASE_MS)
        if (held !== 1) {
          await this.idle(LEASE_MS / 3)
          continue
        }
        await this.sendMore(queue)
        const oldest = this.inFlight[0]
        if (oldest === undefined) {
          await this.idle(500)
          continue
        }
        // The oldest batch's acknowledgement, or an enqueue to send behind it.
        if ((await Promise.race([oldest.acked, this.idle(ACK_TIMEOUT_MS)])) === "woke") continue
        // (The idle that lost the race must not swallow the next nudge.)
        this.wake = undefined
        await this.local.xdel(queue, ...oldest.ids)
        this.inFlight.shift()
        recordMetric(idcEntriesDelivered({ to: this.to }), oldest.ids.length)
        if (this.failing !== undefined) this.log(`IDC link to ${this.to} delivers again`)
        this.failing = undefined
        backoff = 250
      } catch (error) {
        if (this.stopped) return
        const why = error instanceof Error ? error.message : String(error)
        recordMetric(idcLinkFailures({ to: this.to }), 1)
        if (this.failing === undefined) this.log(`IDC link to ${this.to}: ${why}; sending again until it answers`)
        this.failing = why
        this.connection?.close(why)
        this.connection = undefined
        this.inFlight = []
        this.sentUpTo = undefined
        await sleep(backoff)
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
      }
    }
  }
}

/** The drainers of a runner: one per other IDC the directory knows, started as they appear. */
export class Drainers {
  private readonly drainers = new Map<string, Drainer>()
  private readonly owner = `${randomBytes(8).toString("hex")}`

  constructor(
    private readonly local: RedisConnection,
    private readonly dir: RedisConnection,
    private readonly settings: IdcSettings,
    private readonly log: (message: string) => void
  ) {}

  /** Starts the drainer of `idc` if there is none, and wakes it. */
  nudge(idc: string) {
    if (idc === this.settings.name) return
    let drainer = this.drainers.get(idc)
    if (drainer === undefined) {
      drainer = new Drainer(this.local, this.dir, this.settings, idc, this.owner, this.log)
      this.drainers.set(idc, drainer)
    }
    drainer.nudge()
  }

  /**
   * A drainer for every IDC of the directory (a queue left by a runner that died drains too),
   * and the length of each queue for the metrics.
   */
  async discover() {
    for (const idc of await this.dir.smembers(idcsKey)) {
      if (idc === this.settings.name) continue
      this.nudge(idc)
      recordMetric(idcQueueEntries({ to: idc }), await this.local.xlen(queueKey(idc)))
    }
  }

  stop() {
    for (const drainer of this.drainers.values()) drainer.stop()
    this.drainers.clear()
  }
}
