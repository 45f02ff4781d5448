/**
 * The link between data centres, sending side (docs/multi-idc.md): the drainers of a runner's
 * outbound queues (Idc.ts). One per destination IDC, on the runner holding the queue's lease: it
 * reads the queue in order, sends it in IdcBatches to the link address the directory gives for
 * the IDC — up to MAX_IN_FLIGHT at once — and deletes a batch's entries once it is acknowledged.
 * No acknowledgement within the deadline, a refused connection, an outage of the link: it dials
 * again and sends everything not yet acknowledged again, from the queue's head (redone until
 * confirmed; the receiver's dedupe keys store each entry once).
 */
import { randomBytes } from "node:crypto"
import type * as Net from "node:net"
import { Metric } from "effect"
import { counter, labelled, record as recordMetric } from "../metrics/Instruments.ts"
import { type IdcBatch, IdcCodecs, type IdcEntry } from "../protocol/idc.ts"
import { Status } from "../protocol/Status.ts"
import * as ClusterAuth from "./ClusterAuth.ts"
import { type IdcSettings, idcsKey, queueKey, readRecord } from "./Idc.ts"
import { frameRecord, MAX_RECORD_BYTES } from "./IdcLink.ts"
import { RecordCutter } from "./Records.ts"
import type { RedisConnection } from "./RedisClient.ts"

/** Entries per batch: one round trip of the link carries up to this many. */
const BATCH_ENTRIES = 256
/** Batches on the link at once, acknowledged in order. */
const MAX_IN_FLIGHT = 4
/** A batch not acknowledged within this long is sent again on a new connection. */
export const ACK_TIMEOUT_MS = 5_000
const DIAL_TIMEOUT_MS = 3_000
const LEASE_MS = 15_000
const MAX_BACKOFF_MS = 2_000

/** Entries of this IDC's queue for another IDC, not yet confirmed there (read every 2 s). */
export const idcQueueEntries = labelled((attributes) =>
  Metric.gauge("weft_idc_queue_entries", {
    description: "Entries of this IDC's outbound queue for another IDC that the other IDC has not confirmed",
    attributes
  })
)

/** Entries another IDC confirmed, and batches sent again after a failure. */
export const idcEntriesDelivered = labelled((attributes) =>
  counter("weft_idc_delivered_total", {
    description: "Queue entries another IDC confirmed (stored there)",
    incremental: true,
    attributes
  })
)
export const idcLinkFailures = labelled((attributes) =>
  counter("weft_idc_link_failures_total", {
    description: "Failures of the link to another IDC (unanswered, refused, cut); what was in flight is sent again",
    incremental: true,
    attributes
  })
)
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
