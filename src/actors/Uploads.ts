/**
 * The upload actor: one per user, the owner of every upload and media of that user. A chunk
 * is acknowledged only after its bytes are in the blob store and the new offset is in
 * storage, so whichever gateway a resumed upload arrives through, and whichever runner the
 * actor restarts on, it continues from the last acknowledged offset.
 *
 * It also answers who may read a media (the owner, the users it was shared with, the members
 * of the groups it was sent to) and, when an original completes after messages already
 * referenced it (thumbnail first), appends a media_ready change to every one of those logs.
 */
import { randomBytes } from "node:crypto"
import { Duration, Effect, Layer, Schedule, Schema } from "effect"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import type { MediaSettings, WeftSettings } from "../cluster/Settings.ts"
import { BlobStore, type BlobError } from "../media/BlobStore.ts"
import { layerFile } from "../media/FileBlobStore.ts"
import {
  bytesKey,
  checkInit,
  details,
  hashKey,
  InitRequest,
  MediaDetails,
  type MediaState,
  pendingKey,
  recordKey
} from "../media/MediaRecords.ts"
import { ownerOfMedia } from "../protocol/media.ts"
import { badRequest, conflict, forbidden, internal, notFound, rateLimited, tooLarge, unavailable, WeftError } from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError } from "../storage/Storage.ts"
import { actorClient } from "./ActorCall.ts"
import { ChangeLog, encodeChangeBody } from "./ChangeLog.ts"
import { Group } from "./Groups.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity } from "./LocalActors.ts"

export const Init = Rpc.make("Init", {
  payload: InitRequest,
  success: Schema.Struct({
    mediaId: Schema.String,
    nextOffset: Schema.Number,
    chunkSize: Schema.Number,
    /** Set when the content is already stored: the upload is complete. */
    media: Schema.NullOr(MediaDetails)
  }),
  error: WeftError
})

export const Chunk = Rpc.make("Chunk", {
  payload: { uploadId: Schema.String, offset: Schema.Number, data: Schema.Uint8Array },
  success: Schema.Struct({ nextOffset: Schema.Number }),
  error: WeftError
})

export const Complete = Rpc.make("Complete", {
  payload: { uploadId: Schema.String },
  success: MediaDetails,
  error: WeftError
})

/** A media's details for `requester`, with its thumbnail's (if any); refused unless shared with them. */
export const Info = Rpc.make("Info", {
  payload: { mediaId: Schema.String, requester: Schema.String },
  success: Schema.Struct({ media: MediaDetails, thumbnail: Schema.NullOr(MediaDetails) }),
  error: WeftError
})

/** Shares a media with the recipients of a message (from the sender's Messenger). */
export const Share = Rpc.make("Share", {
  payload: { mediaId: Schema.String, by: Schema.String, to: Schema.String, groupId: Schema.String },
  error: WeftError
})

export const Uploads = actorEntity(Entity.make("Uploads", [Init, Chunk, Complete, Info, Share]))

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)
const blobFailed = (error: BlobError) => internal(`blob store ${error.operation} failed`)
const MAX_SHARES = 10_000

const entityLayer = (settings: MediaSettings) =>
  Uploads.toLayer(
    supervised("Uploads", Effect.gen(function*() {
      const storage = yield* Storage
      const blobs = yield* BlobStore
      const changeLogs = yield* actorClient(ChangeLog)
      const groups = yield* actorClient(Group)
      const owner = (yield* Entity.CurrentAddress).entityId

      const expired = (state: MediaState) => !state.ready && state.updatedAtMs + settings.uploadTtlMs <= Date.now()

      const load = Effect.fnUntraced(function*(mediaId: string) {
        const stored = yield* storage.get(recordKey(owner, mediaId))
        return stored === undefined ? undefined : decodeJson<MediaState>(stored)
      })
      const save = (state: MediaState) =>
        storage.set(recordKey(owner, state.mediaId), encodeJson(state), state.ready ? {} : { ttlMs: settings.uploadTtlMs })
      const readPending = Effect.map(storage.get(pendingKey(owner)), (stored) =>
        stored === undefined ? [] : decodeJson<Array<string>>(stored))
      const writePending = (ids: ReadonlyArray<string>) => storage.set(pendingKey(owner), encodeJson(ids))

      /** Drops an upload that was abandoned: its partial bytes, its record, its hash entry. */
      const drop = Effect.fnUntraced(function*(mediaId: string, sha256: string | undefined) {
        yield* blobs.removePart(mediaId)
        yield* storage.remove(recordKey(owner, mediaId))
        if (sha256 !== undefined) {
          const holder = yield* storage.get(hashKey(owner, sha256))
          if (holder !== undefined && new TextDecoder().decode(holder) === mediaId) yield* storage.remove(hashKey(owner, sha256))
        }
      })

      /** The live uploads in progress; abandoned ones are dropped on the way. */
      const livePending = Effect.fnUntraced(function*() {
        const live: Array<MediaState> = []
        const ids = yield* readPending
        for (const id of ids) {
          const state = yield* load(id)
          if (state === undefined || expired(state)) yield* drop(id, state?.sha256)
          else if (!state.ready) live.push(state)
        }
        if (live.length !== ids.length) yield* writePending(live.map((state) => state.mediaId))
        return live
      })

      /** A media of this owner that exists (an abandoned upload does not). */
      const existing = Effect.fnUntraced(function*(mediaId: string) {
        const state = ownerOfMedia(mediaId) === owner ? yield* load(mediaId) : undefined
        if (state === undefined || expired(state)) return yield* notFound(`no media ${JSON.stringify(mediaId)}`)
        return state
      })

      const isGroupMember = (groupId: string, userId: string) =>
        groups(groupId).Members({ caller: userId }).pipe(
          Effect.as(true),
          Effect.catch(() => Effect.succeed(false))
        )

      const mayRead = Effect.fnUntraced(function*(state: MediaState, userId: string) {
        if (userId === owner || state.sharedWith.includes(userId)) return true
        for (const groupId of state.groups) if (yield* isGroupMember(groupId, userId)) return true
        return false
      })

      /** Tells everyone the media was shared with (and the owner) that it is ready. */
      const announceReady = Effect.fnUntraced(function*(state: MediaState) {
        if (state.sharedWith.length === 0 && state.groups.length === 0) return
        const users = new Set([owner, ...state.sharedWith])
        for (const groupId of state.groups) {
          const info = yield* groups(groupId).Members({ caller: owner }).pipe(
            Effect.catch(() => Effect.succeed(undefined))
          )
          for (const member of info?.members ?? []) users.add(member.userId)
        }
        const body = encodeChangeBody({
          mediaReady: { mediaId: state.mediaId, owner, mimeType: state.mimeType, size: state.size, sha256: state.sha256 }
        })
        for (const userId of users) {
          yield* changeLogs(userId).Append({ body, dedupeKey: `media-ready:${state.mediaId}` })
        }
      })

      const init = Effect.fn("Uploads.init")(function*(request: InitRequest) {
        yield* checkInit(request, settings)
        const sha256 = request.sha256.toLowerCase()
        const answer = (state: MediaState) => ({
          mediaId: state.mediaId,
          nextOffset: state.received,
          chunkSize: settings.chunkBytes,
          media: state.ready ? details(state) : null
        })
        const holder = yield* storage.get(hashKey(owner, sha256))
        const previous = holder === undefined ? undefined : yield* load(new TextDecoder().decode(holder))
        if (previous !== undefined && !expired(previous)) {
          if (previous.size !== request.size) {
            return yield* badRequest(`content with this sha256 was declared with ${previous.size} bytes, not ${request.size}`)
          }
          if (previous.ready) return answer(previous)
          // Resume: continue from what is both acknowledged and on disk.
          previous.received = Math.min(previous.received, yield* blobs.partSize(previous.mediaId))
          previous.updatedAtMs = Date.now()
          yield* save(previous)
          yield* storage.set(hashKey(owner, sha256), holder!, { ttlMs: settings.uploadTtlMs })
          return answer(previous)
        }
        let thumbnailMediaId = ""
        if (request.thumbnailMediaId !== "") {
          const thumbnail = yield* existing(request.thumbnailMediaId).pipe(Effect.catchTag("WeftError", () => Effect.succeed(undefined)))
          if (thumbnail === undefined || !thumbnail.ready) {
            return yield* badRequest("thumbnail_media_id must name a completed upload of yours")
          }
          thumbnailMediaId = thumbnail.mediaId
        }
        const pending = yield* livePending()
        if (pending.length >= settings.maxPendingUploads) {
          return yield* rateLimited(`${pending.length} uploads are in progress; complete one first`)
        }
        const storedBytes = Number(new TextDecoder().decode((yield* storage.get(bytesKey(owner))) ?? new Uint8Array()) || 0)
        const reserved = pending.reduce((sum, state) => sum + state.size, 0)
        if (storedBytes + reserved + request.size > settings.quotaBytes) {
          return yield* tooLarge(
            `over the media quota: ${storedBytes + reserved} of ${settings.quotaBytes} bytes are used, the file has ${request.size}`
          )
        }
        const now = Date.now()
        const state: MediaState = {
          mediaId: `${owner}~${randomBytes(12).toString("base64url")}`,
          owner,
          kind: request.kind,
          mimeType: request.mimeType,
          size: request.size,
          sha256,
          fileName: request.fileName,
          thumbnailMediaId,
          createdAtMs: now,
          received: 0,
          ready: false,
          updatedAtMs: now,
          sharedWith: [],
          groups: []
        }
        yield* save(state)
        yield* storage.set(hashKey(owner, sha256), new TextEncoder().encode(state.mediaId), { ttlMs: settings.uploadTtlMs })
        yield* writePending([...pending.map((other) => other.mediaId), state.mediaId])
        return answer(state)
      })

      const chunk = Effect.fnUntraced(function*(uploadId: string, offset: number, data: Uint8Array) {
        const state = yield* existing(uploadId)
        if (state.ready) return yield* conflict("the upload is already complete")
        if (data.length === 0) return yield* badRequest("the chunk is empty")
        if (data.length > settings.chunkBytes) {
          return yield* tooLarge(`the chunk has ${data.length} bytes; the chunk size is ${settings.chunkBytes}`)
        }
        if (offset !== state.received) return yield* conflict(`expected offset ${state.received}, got ${offset}`)
        if (offset + data.length > state.size) {
          return yield* badRequest(`the chunk ends at ${offset + data.length}, past the size ${state.size}`)
        }
        yield* blobs.writePart(uploadId, offset, data)
        state.received = offset + data.length
        state.updatedAtMs = Date.now()
        yield* save(state)
        return { nextOffset: state.received }
      })

      const complete = Effect.fn("Uploads.complete")(function*(uploadId: string) {
        const state = yield* existing(uploadId)
        if (!state.ready) {
          if (state.received < state.size) return yield* conflict(`bytes are missing: the next offset is ${state.received}`)
          const result = yield* blobs.commit(uploadId, state.sha256)
          if (result._tag === "HashMismatch") {
            state.received = 0
            state.updatedAtMs = Date.now()
            yield* save(state)
            return yield* badRequest(
              `the uploaded bytes have sha256 ${result.actual}, not ${state.sha256}: they were dropped; upload again from offset 0`
            )
          }
          state.ready = true
          state.updatedAtMs = Date.now()
          yield* save(state)
          yield* storage.set(hashKey(owner, state.sha256), new TextEncoder().encode(state.mediaId))
          yield* storage.increment(bytesKey(owner), state.size)
          yield* writePending((yield* readPending).filter((id) => id !== uploadId))
        }
        // Again on a repeated COMPLETE: the appends are deduplicated, and a failed one is retried.
        yield* announceReady(state)
        return details(state)
      })

      const info = Effect.fn("Uploads.info")(function*(mediaId: string, requester: string) {
        const state = yield* existing(mediaId)
        if (!(yield* mayRead(state, requester))) return yield* forbidden("this media is not shared with you")
        const thumbnail = state.thumbnailMediaId === "" ? undefined : yield* load(state.thumbnailMediaId)
        return { media: details(state), thumbnail: thumbnail === undefined ? null : details(thumbnail) }
      })

      const share = Effect.fn("Uploads.share")(function*(mediaId: string, by: string, to: string, groupId: string) {
        const state = yield* existing(mediaId)
        if (!(yield* mayRead(state, by))) return yield* forbidden(`media ${mediaId} is not shared with ${by}`)
        const list = groupId === "" ? state.sharedWith : state.groups
        const target = groupId === "" ? to : groupId
        if (target === "" || list.includes(target) || target === owner) return
        if (state.sharedWith.length + state.groups.length >= MAX_SHARES) return yield* tooLarge("the media is shared too widely")
        list.push(target)
        yield* save(state)
      })

      const handle = <A>(effect: Effect.Effect<A, WeftError | StorageError | BlobError>) =>
        effect.pipe(Effect.catchTags({
          StorageError: (error) => Effect.fail(storageFailed(error)),
          BlobError: (error) => Effect.fail(blobFailed(error))
        }))

      return Uploads.of({
        Init: ({ payload }) => handle(init(payload)),
        Chunk: ({ payload }) => handle(chunk(payload.uploadId, payload.offset, payload.data)),
        Complete: ({ payload }) => handle(complete(payload.uploadId)),
        Info: ({ payload }) => handle(info(payload.mediaId, payload.requester)),
        Share: ({ payload }) => handle(share(payload.mediaId, payload.by, payload.to, payload.groupId))
      })
    })),
    { maxIdleTime: "1 minute", defectRetryPolicy: restartPolicy }
  )

/** Deletes the partial bytes of abandoned uploads, also of users whose actor never wakes again. */
const sweeper = (settings: MediaSettings) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const blobs = yield* BlobStore
    const every = Duration.millis(Math.min(Math.max(settings.uploadTtlMs / 2, 250), 600_000))
    yield* blobs.sweepParts(settings.uploadTtlMs).pipe(
      Effect.catch((error) => Effect.logWarning("media sweep failed", error)),
      Effect.repeat(Schedule.spaced(every)),
      Effect.forkScoped
    )
  }))

/** The Uploads actors and the sweeper of abandoned uploads, on the filesystem blob store. */
export const layer = (settings: WeftSettings) =>
  Layer.merge(entityLayer(settings.media), sweeper(settings.media)).pipe(Layer.provide(layerFile(settings.media.directory)))
