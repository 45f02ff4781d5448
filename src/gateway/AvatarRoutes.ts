/**
 * Avatars over plain HTTP, on the gateway's HTTP port:
 *
 * - `GET /avatars/<user id>[?v=N]`: the user's avatar image with its content type (public, like
 *   the profile), or 404. The profile's avatar_url points here; `v` changes with every new
 *   avatar, so a client may cache by URL (the ETag is the version too).
 * - `POST /avatars` with the image itself as the body (`Content-Type: image/png`, `image/jpeg`,
 *   `image/gif` or `image/webp`) and `Authorization: Bearer <user id>:<session token>`: sets the
 *   caller's avatar; answers a SetAvatarResponse as JSON (application errors with HTTP 200 and
 *   a non-zero base.code, as on /cgi-bin/).
 *
 * Both go to the user's Profile actor, which checks and stores the image; this route only
 * bounds the body before reading it.
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import type { HttpServerRequest } from "effect/http"
import { HttpServerResponse } from "effect/http"
import { safeMediaHeaders } from "../media/SafeServing.ts"
import { actorClient } from "../actors/ActorCall.ts"
import { Profile } from "../actors/Profiles.ts"
import { isValidUserId } from "../actors/Session.ts"
import { WeftConfig } from "../cluster/Settings.ts"
import { ProfileCodecs } from "../protocol/profile.ts"
import { Status } from "../protocol/Status.ts"
import { type WeftError } from "../protocol/WeftError.ts"
import { bearerCaller, type Commands } from "./Commands.ts"
import type { HttpRoute } from "./HttpRoutes.ts"

const PATH = /^\/avatars(?:\/([^/?]*))?\/?(?:\?.*)?$/

const json = (value: unknown, status = 200) =>
  HttpServerResponse.text(JSON.stringify(ProfileCodecs.SetAvatarResponse.toJson(value as never)), {
    status,
    contentType: "application/json"
  })

const refuse = (code: number, message: string, status = 200) => json({ base: { code, message } }, status)

const download = (userId: string) =>
  Effect.gen(function*() {
    if (!isValidUserId(userId)) return HttpServerResponse.text(`no avatar at /avatars/${userId}`, { status: 404 })
    const profiles = yield* actorClient(Profile)
    const found = yield* Effect.result(profiles(userId).Avatar())
    if (found._tag === "Failure") {
      return found.failure.code === Status.NOT_FOUND
        ? HttpServerResponse.text(found.failure.message, { status: 404 })
        : HttpServerResponse.text(found.failure.message, { status: 503 })
    }
    const { image, contentType, version } = found.success
    const { "content-type": served, ...safety } = safeMediaHeaders(contentType)
    return HttpServerResponse.uint8Array(image, {
      contentType: served,
      headers: { etag: `"${version}"`, "cache-control": "public, max-age=300", ...safety }
    })
  })

const upload = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function*() {
    const caller = yield* bearerCaller(request)
    if (caller === undefined) return refuse(Status.INVALID_TOKEN, "send Authorization: Bearer <user id>:<session token>")
    if (caller._tag === "Failure") return refuse(caller.failure.code, caller.failure.message)
    const userId = caller.success
    const maxBytes = (yield* WeftConfig).features.maxAvatarBytes
    const length = Number(request.headers["content-length"] ?? NaN)
    if (!Number.isFinite(length)) return refuse(Status.BAD_REQUEST, "content-length is required", 411)
    if (length > maxBytes) {
      return refuse(Status.TOO_LARGE, `an avatar has at most ${maxBytes} bytes, this one ${length}`, 413)
    }
    const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
    const body = yield* Effect.result(request.arrayBuffer)
    if (body._tag === "Failure") return refuse(Status.BAD_REQUEST, "the body could not be read", 400)
    const profiles = yield* actorClient(Profile)
    return yield* profiles(userId).SetAvatar({ image: new Uint8Array(body.success), contentType }).pipe(
      Effect.match({
        onFailure: (error: WeftError) => refuse(error.code, error.message),
        onSuccess: (profile) => json({ base: { code: 0, message: "" }, profile })
      })
    )
  })

export const avatarRoute: HttpRoute<Commands | WeftConfig | Sharding.Sharding> = {
  matches: (request) => PATH.test(request.url),
  handle: (request) => {
    const raw = PATH.exec(request.url)?.[1] ?? ""
    const userId = /%/.test(raw) ? "%" : raw // a user id needs no escapes: an escaped one names nobody
    if (request.method === "GET" && userId !== "") return download(userId)
    if (request.method === "POST" && userId === "") return upload(request)
    return Effect.succeed(HttpServerResponse.text("GET /avatars/<user id> or POST /avatars", {
      status: 405,
      headers: { allow: "GET, POST" }
    }))
  }
}
