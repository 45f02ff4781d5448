/**
 * The link between data centres, receiving side (proto/weft/v1/idc.proto, docs/multi-idc.md): a
 * runner's link port. Only peers holding the IDCs' link secret get past the cluster handshake
 * (ClusterAuth.ts, channel 2); each IdcBatch is appended to its recipients' logs — one
 * recipient's entries in order, under their dedupe keys — and answered with an IdcAck once all of
 * it is stored (and, with `replicasToConfirm`, replicated). A record that is not an IdcBatch is
 * answered BAD_REQUEST and the connection closed. The sending side is IdcDrainer.ts.
 */
import type * as Net from "node:net"
import type { Redis } from "ioredis"
import { Effect, Layer } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../actors/ActorCall.ts"
import { ChangeLog } from "../actors/ChangeLog.ts"
import { isValidUserId } from "../actors/Session.ts"
import { type IdcBatch, IdcCodecs, type IdcEntry } from "../protocol/idc.ts"
import { Status } from "../protocol/Status.ts"
import { unavailable } from "../protocol/WeftError.ts"
import * as ClusterAuth from "./ClusterAuth.ts"
import type { IdcSettings } from "./Idc.ts"
import { RecordCutter } from "./Records.ts"
import { RedisClient, type RedisConnection } from "./RedisClient.ts"

/** The largest record either side accepts. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024
/** How long the link waits for the replicas to confirm a batch (below the sender's deadline, IdcDrainer.ts). */
const REPLICATION_WAIT_MS = 3_000
/** Recipients of one batch appended side by side (each recipient's entries in order). */
const RECIPIENTS_AT_ONCE = 16

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
          // A defect answers INTERNAL (the sender sends the batch again) and spoils no later batch.
          const failed = (cause: unknown) => ({ batchId: batch.batchId, code: Status.INTERNAL, message: String(cause) })
          const appended = stored.then(() => run(store(batch))).catch(failed)
          stored = appended
          answered = Promise.all([answered, appended]).then(([, ack]) =>
            ack.code === Status.OK ? run(confirm(batch)).catch(failed) : ack
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
