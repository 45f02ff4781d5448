/**
 * Plain HTTP routes of the gateway's HTTP port besides the short connection and the WebSocket
 * (downloads such as media). A route answers the requests it matches; the first match wins.
 */
import type { Effect } from "effect"
import type { HttpServerRequest, HttpServerResponse } from "effect/http"
import { mediaRoute } from "../media/Download.ts"
import { webChatRoute } from "../web/WebRoutes.ts"
import { avatarRoute } from "./AvatarRoutes.ts"

export interface HttpRoute<R = any> {
  readonly matches: (request: HttpServerRequest.HttpServerRequest) => boolean
  readonly handle: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<HttpServerResponse.HttpServerResponse, never, R>
}

/** Media downloads (media/): filled in by the media module. */
export const routes: ReadonlyArray<HttpRoute> = [
  // GET /media/<id>[/thumb]: downloads with Range (media/Download.ts).
  mediaRoute,
  // The web chat page and the browser SDK (web/), when features.webChat is on.
  webChatRoute,
  // GET /avatars/<user id>, POST /avatars (AvatarRoutes.ts).
  avatarRoute
]
