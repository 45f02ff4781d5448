/**
 * The web chat page and the browser SDK on the gateway's HTTP port(s), when the settings ask
 * for it (features.webChat; dev mode does): `GET /chat` (and `/` redirects there), the SDK and
 * page scripts compiled to dist/ under `/web/js/`, protobufjs's browser build at
 * `/web/protobuf.min.js` and the schema as JSON at `/web/schema.json`. Nothing from a CDN.
 */
import { readFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { type HttpServerRequest, HttpServerResponse } from "effect/http"
import { WeftConfig, type WeftSettings } from "../cluster/Settings.ts"
import type { HttpRoute } from "../gateway/HttpRoutes.ts"
import { loadRoot, root } from "../protocol/Proto.ts"
import { type Feature, Features } from "../server/Feature.ts"
import { chatPageHtml } from "./ChatPage.ts"

/** The compiled scripts: the same dist/ whether this module runs from src/ or from dist/. */
const distDir = fileURLToPath(new URL("../../dist/", import.meta.url))
const protobufBrowserBuild = createRequire(import.meta.url).resolve("protobufjs/dist/protobuf.min.js")

/**
 * The only compiled files a browser may fetch: the browser SDK, the page, and what they import —
 * the client core (client/core/) and the Node-free helpers of client/ it shares with the Node SDK.
 */
const BROWSER_SCRIPT = /^(web\/(sdk|chat)\/[A-Za-z]+\.js|protocol\/(Frame|Command|Status|groupEvents)\.js|client\/(errors|Backoff|SendOrder|LogCursor|RttEstimator|GroupCursors|Heartbeat|RouteStore)\.js|client\/core\/[A-Za-z]+\.js)$/

const JAVASCRIPT = "text/javascript; charset=utf-8"
// The SDK, protobufjs and the schema are public and the same for everyone: an app's own pages, on
// their own origin, load them from here (examples/app-server/), so any origin may read them.
const noCache = { "cache-control": "no-cache", "access-control-allow-origin": "*" }

/** The schema as JSON, per set of features: weft's files and the features' own (server/Feature.ts). */
const schemas = new WeakMap<ReadonlyArray<Feature>, string>()

const schemaJsonOf = (features: ReadonlyArray<Feature>): string => {
  let json = schemas.get(features)
  if (json === undefined) {
    const files = features.flatMap((feature) => feature.protos?.files ?? [])
    json = JSON.stringify((files.length === 0 ? root : loadRoot(files)).toJSON())
    schemas.set(features, json)
  }
  return json
}

const pathOf = (request: HttpServerRequest.HttpServerRequest) => request.url.split("?")[0]!

const notFound = (what: string) => HttpServerResponse.text(`not found: ${what}\n`, { status: 404 })

const file = (path: string, contentType: string, missing: string) =>
  Effect.tryPromise(() => readFile(path)).pipe(
    Effect.map((bytes) => HttpServerResponse.uint8Array(new Uint8Array(bytes), { contentType, headers: noCache })),
    Effect.orElseSucceed(() => notFound(missing))
  )

const serve = (
  path: string,
  features: ReadonlyArray<Feature>,
  settings: WeftSettings
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  if (path === "/") return Effect.succeed(HttpServerResponse.redirect("/chat"))
  if (path === "/web/push.json") {
    // The VAPID public key the page subscribes with (web/sdk/notifications.ts); public by design.
    const webPush = settings.notify.webPush
    return Effect.succeed(
      webPush === undefined
        ? notFound("browser notifications (this server sends no Web Push)")
        : HttpServerResponse.text(JSON.stringify({ vapidPublicKey: webPush.publicKey }), { contentType: "application/json", headers: noCache })
    )
  }
  if (path === "/chat") return Effect.succeed(HttpServerResponse.html(chatPageHtml))
  if (path === "/web/protobuf.min.js") return file(protobufBrowserBuild, JAVASCRIPT, "protobufjs's browser build")
  if (path === "/web/schema.json") {
    return Effect.succeed(HttpServerResponse.text(schemaJsonOf(features), { contentType: "application/json", headers: noCache }))
  }
  const script = path.slice("/web/js/".length)
  if (path.startsWith("/web/js/") && BROWSER_SCRIPT.test(script)) {
    return file(`${distDir}${script}`, JAVASCRIPT, `${path} (build it: npx tsc -p .)`)
  }
  return Effect.succeed(notFound(path))
}

export const webChatRoute: HttpRoute<WeftConfig> = {
  matches: (request) => {
    const path = pathOf(request)
    return request.method === "GET" && (path === "/" || path === "/chat" || path.startsWith("/web/"))
  },
  handle: (request) =>
    Effect.gen(function*() {
      const settings = yield* WeftConfig
      if (!settings.features.webChat) return notFound("the web chat page is off (features.webChat)")
      return yield* serve(pathOf(request), yield* Features, settings)
    })
}
