/**
 * Client log reports: compressed log blobs that users upload for the operators.
 *
 * - `LogReports` (one per user) checks an upload, stores the blob under the user's keys and
 *   keeps the user's newest maxLogReportsPerUser reports (an upload beyond drops the oldest).
 * - `LogReportIndex` (one, keyed "all") is the single writer of the operators' list of every
 *   report, newest first, at most maxLogReportsListed. A full list refuses new reports
 *   (RATE_LIMITED) instead of dropping anyone's: throwaway accounts cannot push a real user's
 *   report out. Only a user's own uploads ever drop that user's older reports, and age:
 *   reports older than logReportRetentionMs go at the next upload.
 *
 * The admin port reads that list and the blobs straight from storage (`listReports`,
 * `readReport`): reading needs no actor, and users have no command that reads reports.
 * LogReports calls LogReportIndex, never the other way round.
 */
import { randomBytes } from "node:crypto"
import { Effect, Layer, Schema } from "effect"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import type { WeftSettings } from "../cluster/Settings.ts"
import { badRequest, rateLimited, tooLarge, unavailable, WeftError } from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError, userKey } from "../storage/Storage.ts"
import { actorClient } from "./ActorCall.ts"
import { isValidUserId } from "./Session.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity } from "./LocalActors.ts"

/** The defaults of settings.features.maxLogReportsPerUser and maxLogReportsListed. */
export const MAX_REPORTS_PER_USER = 20
export const MAX_REPORTS_LISTED = 1000
export const MAX_METADATA_ENTRIES = 16
export const MAX_METADATA_VALUE_LENGTH = 256
export const MAX_REASON_LENGTH = 256
export const MAX_APP_VERSION_LENGTH = 64
export const MAX_DEVICE_ID_LENGTH = 64
const METADATA_KEY = /^[A-Za-z0-9_.-]{1,64}$/

/** The operators' list of reports (LogReportMeta[], newest first); not a user's key. */
export const reportIndexKey = "{weft}:log-reports"
const userReportsKey = (userId: string) => userKey(userId, "log-reports")
export const reportBlobKey = (userId: string, reportId: string) => userKey(userId, "log-report", reportId)

export const LogReportMeta = Schema.Struct({
  id: Schema.String,
  userId: Schema.String,
  deviceId: Schema.String,
  appVersion: Schema.String,
  reason: Schema.String,
  metadata: Schema.Record(Schema.String, Schema.String),
  sizeBytes: Schema.Number,
  uploadedAtMs: Schema.Number
})
export type LogReportMeta = typeof LogReportMeta.Type

/** A report id is "<user id>~<suffix>": the user, whose keys hold the blob, is in the name. */
export const userOfReport = (reportId: string): string | undefined => {
  const at = reportId.lastIndexOf("~")
  const userId = at < 0 ? "" : reportId.slice(0, at)
  return isValidUserId(userId) && /^[a-z0-9-]{1,40}$/.test(reportId.slice(at + 1)) ? userId : undefined
}

export const Upload = Rpc.make("Upload", {
  payload: {
    log: Schema.Uint8Array,
    appVersion: Schema.String,
    deviceId: Schema.String,
    reason: Schema.String,
    metadata: Schema.Record(Schema.String, Schema.String)
  },
  success: Schema.Struct({ reportId: Schema.String, sizeBytes: Schema.Number, uploadedAtMs: Schema.Number }),
  error: WeftError
})

export const LogReports = actorEntity(Entity.make("LogReports", [Upload]))

/** Records a new report in the operators' list, and forgets the ones its user dropped. */
export const Add = Rpc.make("Add", {
  payload: { report: LogReportMeta, dropped: Schema.Array(Schema.String) },
  error: WeftError
})

export const LogReportIndex = actorEntity(Entity.make("LogReportIndex", [Add]))
export const INDEX_ENTITY_ID = "all"

export interface UploadRequest {
  readonly log: Uint8Array
  readonly appVersion: string
  readonly deviceId: string
  readonly reason: string
  readonly metadata: Readonly<Record<string, string>>
}

/** Every bound of an upload, with the status a client can act on. */
export const checkUpload = (request: UploadRequest, maxBytes: number): Effect.Effect<void, WeftError> => {
  const { log } = request
  if (log.length === 0) return Effect.fail(badRequest("the log is empty"))
  if (log.length > maxBytes) {
    return Effect.fail(tooLarge(`the log has ${log.length} bytes; the maximum is ${maxBytes}`))
  }
  if (log.length < 2 || log[0] !== 0x1f || log[1] !== 0x8b) {
    return Effect.fail(badRequest("the log must be gzip-compressed (start with the bytes 1f 8b)"))
  }
  if (request.appVersion.length > MAX_APP_VERSION_LENGTH) {
    return Effect.fail(badRequest(`app_version must have at most ${MAX_APP_VERSION_LENGTH} characters`))
  }
  if (request.deviceId.length > MAX_DEVICE_ID_LENGTH) {
    return Effect.fail(badRequest(`device_id must have at most ${MAX_DEVICE_ID_LENGTH} characters`))
  }
  if (request.reason.length > MAX_REASON_LENGTH) {
    return Effect.fail(badRequest(`reason must have at most ${MAX_REASON_LENGTH} characters`))
  }
  const entries = Object.entries(request.metadata)
  if (entries.length > MAX_METADATA_ENTRIES) {
    return Effect.fail(badRequest(`metadata may have at most ${MAX_METADATA_ENTRIES} entries`))
  }
  for (const [key, value] of entries) {
    if (!METADATA_KEY.test(key)) return Effect.fail(badRequest("metadata keys must match [A-Za-z0-9_.-]{1,64}"))
    if (typeof value !== "string" || value.length > MAX_METADATA_VALUE_LENGTH) {
      return Effect.fail(badRequest(`metadata values must have at most ${MAX_METADATA_VALUE_LENGTH} characters`))
    }
  }
  return Effect.void
}

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

const readList = (storage: typeof Storage.Service, key: string) =>
  Effect.map(storage.get(key), (stored) => stored === undefined ? [] : decodeJson<Array<LogReportMeta>>(stored))

/** The operators' list of reports, newest first (for the admin port). */
export const listReports: Effect.Effect<ReadonlyArray<LogReportMeta>, StorageError, Storage> = Effect.gen(function*() {
  return yield* readList(yield* Storage, reportIndexKey)
})

/** The stored blob of a report, if the report exists. */
export const readReport = (reportId: string): Effect.Effect<Uint8Array | undefined, StorageError, Storage> => {
  const userId = userOfReport(reportId)
  return userId === undefined
    ? Effect.succeed(undefined)
    : Effect.gen(function*() {
      return yield* (yield* Storage).get(reportBlobKey(userId, reportId))
    })
}

const userLayer = (settings: WeftSettings) =>
  LogReports.toLayer(
    supervised("LogReports", Effect.gen(function*() {
      const storage = yield* Storage
      const index = yield* actorClient(LogReportIndex)
      const userId = (yield* Entity.CurrentAddress).entityId
      const maxBytes = settings.features.maxLogReportBytes
      const perUser = settings.features.maxLogReportsPerUser

      const upload = Effect.fn("LogReports.upload")(function*(request: UploadRequest) {
        yield* checkUpload(request, maxBytes)
        const uploadedAtMs = Date.now()
        const id = `${userId}~${uploadedAtMs.toString(36)}-${randomBytes(5).toString("hex")}`
        const report: LogReportMeta = {
          id,
          userId,
          deviceId: request.deviceId,
          appVersion: request.appVersion,
          reason: request.reason,
          metadata: { ...request.metadata },
          sizeBytes: request.log.length,
          uploadedAtMs
        }
        const mine = [report, ...(yield* readList(storage, userReportsKey(userId)))]
        const dropped = mine.slice(perUser)
        yield* storage.set(reportBlobKey(userId, id), request.log)
        // The index may refuse (full): then nothing of this upload stays.
        yield* index(INDEX_ENTITY_ID).Add({ report, dropped: dropped.map((old) => old.id) })
          .pipe(Effect.tapError(() => Effect.ignore(storage.remove(reportBlobKey(userId, id)))))
        yield* storage.set(userReportsKey(userId), encodeJson(mine.slice(0, perUser)))
        for (const old of dropped) yield* storage.remove(reportBlobKey(userId, old.id))
        return { reportId: id, sizeBytes: report.sizeBytes, uploadedAtMs }
      })

      return LogReports.of({
        Upload: ({ payload }) =>
          upload(payload).pipe(Effect.catchTag("StorageError", (error) => Effect.fail(storageFailed(error))))
      })
    })),
    { maxIdleTime: "1 minute", defectRetryPolicy: restartPolicy }
  )

const indexLayer = (settings: WeftSettings) => LogReportIndex.toLayer(
  supervised("LogReportIndex", Effect.gen(function*() {
    const storage = yield* Storage
    const listed = settings.features.maxLogReportsListed

    const add = Effect.fn("LogReportIndex.add")(function*(report: LogReportMeta, dropped: ReadonlyArray<string>) {
      const forgotten = new Set([report.id, ...dropped])
      const oldest = Date.now() - settings.features.logReportRetentionMs
      const current = (yield* readList(storage, reportIndexKey)).filter((other) => !forgotten.has(other.id))
      const kept = current.filter((other) => other.uploadedAtMs >= oldest)
      for (const old of current) if (old.uploadedAtMs < oldest) yield* storage.remove(reportBlobKey(old.userId, old.id))
      if (kept.length >= listed) {
        if (kept.length < current.length) yield* storage.set(reportIndexKey, encodeJson(kept))
        return yield* rateLimited(`the operators' store of log reports is full (${listed}); try again later`)
      }
      yield* storage.set(reportIndexKey, encodeJson([report, ...kept]))
    })

    return LogReportIndex.of({
      Add: ({ payload }) =>
        add(payload.report, payload.dropped)
          .pipe(Effect.catchTag("StorageError", (error) => Effect.fail(storageFailed(error))))
    })
  })),
  { maxIdleTime: "5 minutes", defectRetryPolicy: restartPolicy }
)

/** The LogReports actors (one per user) and the operators' index. */
export const layer = (settings: WeftSettings) => Layer.merge(userLayer(settings), indexLayer(settings))
