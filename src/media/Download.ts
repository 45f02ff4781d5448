/**
 * Media downloads on the gateway's HTTP port: GET or HEAD /media/<id> and /media/<id>/thumb.
 * The caller is the user of `Authorization: Bearer <user>:<session token>` or of a signed URL;
 * the owner's Uploads actor says whether the media is shared with them; the bytes come
 * straight from the blob store (never through an actor), with Range support, under the headers
 * of SafeServing.ts (no uploaded file runs as a page of this origin).
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import type { HttpServerRequest } from "effect/http"
import { HttpServerResponse } from "effect/http"
import { actorClient } from "../actors/ActorCall.ts"
import { Uploads } from "../actors/Uploads.ts"
import { WeftConfig } from "../cluster/Settings.ts"
import { bearerCaller, type Commands } from "../gateway/Commands.ts"
import type { HttpRoute } from "../gateway/HttpRoutes.ts"
import { ownerOfMedia } from "../protocol/media.ts"
import { Status } from "../protocol/Status.ts"
import type { WeftError } from "../protocol/WeftError.ts"
import { makeFileBlobStore } from "./FileBlobStore.ts"
import { safeMediaHeaders } from "./SafeServing.ts"
import { checkSignature } from "./SignedUrl.ts"

const PATH = /^\/media\/([^/?]+)(\/thumb)?$/

const plain = (status: number, message: string, headers: Record<string, string> = {}) =>
  HttpServerResponse.text(message + "\n", { status, contentType: "text/plain; charset=utf-8", headers })

const httpStatusOf = (error: WeftError): number => {
  switch (error.code) {
    case Status.NOT_FOUND:
      return 404
    case Status.FORBIDDEN:
      return 403
    case Status.INVALID_TOKEN:
    case Status.INVALID_USER_ID:
      return 401
    case Status.UNAVAILABLE:
      return 503
    default:
      return 500
  }
}

export type ByteRange = { readonly start: number; readonly end: number }

/**
 * The one range of a Range header, inclusive; undefined for the whole file (no header, or one
 * this server ignores: several ranges, another unit, bad syntax); "unsatisfiable" when it
 * starts past the end of the file.
 */
export const parseRange = (header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined => {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (match === null) return undefined
  const [, first, last] = match as unknown as [string, string, string]
  if (first === "") {
    if (last === "") return undefined
    const suffix = Number(last)
    return suffix === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === "" ? size - 1 : Number(last)
  if (start >= size) return "unsatisfiable"
  if (end < start) return undefined
  return { start, end: Math.min(end, size - 1) }
}

const serve = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function*() {
    if (request.method !== "GET" && request.method !== "HEAD") return plain(405, "use GET or HEAD", { allow: "GET, HEAD" })
    const url = new URL(request.url, "http://gateway")
    const match = PATH.exec(url.pathname)
    const mediaId = match === null ? "" : decodeURIComponent(match[1]!)
    const thumb = match?.[2] !== undefined
    const owner = ownerOfMedia(mediaId)
    if (owner === undefined) return plain(404, `no media at ${url.pathname}`)
    const settings = (yield* WeftConfig).media

    const caller = yield* bearerCaller(request)
    let user: string
    if (caller !== undefined) {
      if (caller._tag === "Failure") return plain(401, caller.failure.message)
      user = caller.success
    } else if (url.searchParams.has("sig")) {
      const signed = checkSignature(settings.urlSecret, url.pathname, url.searchParams, Date.now())
      if (signed._tag === "Invalid") return plain(401, signed.reason)
      user = signed.user
    } else {
      return plain(401, "send Authorization: Bearer <user>:<session token>, or use a signed URL", {
        "www-authenticate": "Bearer"
      })
    }

    const uploads = yield* actorClient(Uploads)
    const found = yield* Effect.result(uploads(owner).Info({ mediaId, requester: user }))
    if (found._tag === "Failure") return plain(httpStatusOf(found.failure), found.failure.message)
    const target = thumb ? found.success.thumbnail : found.success.media
    if (target === null) return plain(404, `media ${mediaId} has no thumbnail`)
    if (!target.ready) return plain(409, `media ${mediaId} is still being uploaded (${target.received} of ${target.size} bytes)`)

    const etag = `"${target.sha256}"`
    const { "content-type": contentType, ...safety } = safeMediaHeaders(target.mimeType, target.fileName)
    const common = { etag, "accept-ranges": "bytes", "cache-control": "private, max-age=31536000, immutable", ...safety }
    const ifNoneMatch = request.headers["if-none-match"]
    if (ifNoneMatch !== undefined && ifNoneMatch.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) {
      return HttpServerResponse.empty({ status: 304, headers: common })
    }
    const range = parseRange(request.headers["range"], target.size)
    if (range === "unsatisfiable") {
      return plain(416, `the range lies outside the file of ${target.size} bytes`, { "content-range": `bytes */${target.size}` })
    }
    const { start, end } = range ?? { start: 0, end: target.size - 1 }
    const headers = range === undefined ? common : { ...common, "content-range": `bytes ${start}-${end}/${target.size}` }
    const options = { status: range === undefined ? 200 : 206, contentType, contentLength: end - start + 1, headers }
    if (request.method === "HEAD") return HttpServerResponse.raw(undefined, options)
    const body = yield* Effect.result(makeFileBlobStore(settings.directory).read(target.mediaId, start, end))
    if (body._tag === "Failure") {
      yield* Effect.logError("media download failed", body.failure)
      return plain(500, "the media could not be read")
    }
    return HttpServerResponse.raw(body.success, options)
  })

export const mediaRoute: HttpRoute<Commands | WeftConfig | Sharding.Sharding> = {
  matches: (request) => request.url.startsWith("/media/"),
  handle: serve
}
