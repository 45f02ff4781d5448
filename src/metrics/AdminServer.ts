/**
 * The admin port: liveness (`/healthz`), readiness (`/readyz`: storage answers and the
 * listeners are up), the metrics in Prometheus text format (`/metrics`), and the client log
 * reports for operators (`/log-reports`: the list as JSON, `?user=U` for one user's;
 * `/log-reports/<id>`: the gzip blob), read straight from storage, and in clustered mode the
 * cluster's placement (`/cluster`: runners, their shards, gateways; cluster/Placement.ts).
 *
 * It binds its own host (127.0.0.1 unless told otherwise), answers requests without the token
 * only if their Host header is an IP address, localhost or the admin host itself (a web page
 * can't reach it by DNS rebinding), and with a token set requires it (`Authorization: Bearer
 * <token>`, or Basic with the token as password, for a browser) on everything but /healthz.
 *
 * The admin API for the app's server (`/api/v1/...`, server/AdminApi.ts) is served only with a
 * token set: without one it answers 403.
 */
import { timingSafeEqual } from "node:crypto"
import { isIP } from "node:net"
import * as Http from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Context, Effect, Layer, Metric } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import { listReports, readReport } from "../actors/LogReports.ts"
import type { Listening } from "../gateway/TcpServer.ts"
import type { AdminApiHandler } from "../server/AdminApi.ts"
import { Storage } from "../storage/Storage.ts"
import { dashboardHtml, metricsJson } from "./Dashboard.ts"
import { prometheusText } from "./Prometheus.ts"

export class AdminServer extends Context.Service<AdminServer, {
  readonly listening: Listening
}>()("weft/metrics/AdminServer") {}

const storageUnavailable = (error: unknown) =>
  Effect.succeed(HttpServerResponse.text(`storage failed: ${String(error)}\n`, { status: 503 }))

/** GET /log-reports[?user=U]: every stored report (no blobs), newest first. */
const logReports = (query: URLSearchParams) =>
  listReports.pipe(
    Effect.map((reports) => {
      const user = query.get("user")
      return HttpServerResponse.jsonUnsafe(user === null ? reports : reports.filter((report) => report.userId === user))
    }),
    Effect.catch(storageUnavailable)
  )

/** A malformed escape names no report (rather than failing the request). */
const decodePathPart = (part: string): string => {
  try {
    return decodeURIComponent(part)
  } catch {
    return ""
  }
}

/** GET /log-reports/<id>: the report's blob as uploaded. */
const logReport = (id: string) =>
  readReport(id).pipe(
    Effect.map((blob) =>
      blob === undefined
        ? HttpServerResponse.text("no such log report\n", { status: 404 })
        : HttpServerResponse.uint8Array(blob, {
          contentType: "application/gzip",
          headers: { "content-disposition": `attachment; filename="${id}.log.gz"` }
        })
    ),
    Effect.catch(storageUnavailable)
  )

/** Ready: storage answers, and a process that hosts actors holds shards. */
const readiness = (requireShards: boolean, extra: Effect.Effect<void, string>) =>
  Effect.gen(function*() {
    const storage = yield* Storage
    yield* storage.get("{weft}:readiness-probe").pipe(
      Effect.timeout(2000),
      Effect.mapError((error) => `storage: ${String(error)}`)
    )
    if (requireShards) {
      const shards = (yield* Metric.snapshot).find((metric) => metric.id === "effect_cluster_shards")
      const held = shards?.type === "Gauge" ? Number(shards.state.value) : 0
      if (held === 0) return yield* Effect.fail("this runner holds no shards")
    }
    yield* extra
  })

/** The Host header names this server by address, as localhost, or as `adminHost`. */
export const isAllowedHost = (header: string | undefined, adminHost: string): boolean => {
  if (header === undefined) return false
  const name = header.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1").toLowerCase()
  return isIP(name) !== 0 || name === "localhost" || name === adminHost.toLowerCase()
}

const sameSecret = (given: string, token: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The request carries `token` as a Bearer token, or as the password of Basic credentials. */
export const hasToken = (authorization: string | undefined, token: string): boolean => {
  const bearer = /^Bearer (\S+)$/i.exec(authorization ?? "")
  if (bearer !== null) return sameSecret(bearer[1]!, token)
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization ?? "")
  if (basic === null) return false
  const decoded = Buffer.from(basic[1]!, "base64").toString("utf8")
  return sameSecret(decoded.slice(decoded.indexOf(":") + 1), token)
}

export const layer = (options: {
  readonly host: string
  readonly port: number
  /** Required on every path but /healthz when set. */
  readonly token?: string | undefined
  /** Other processes' admin addresses ("host:port") whose figures the dashboard adds up. */
  readonly dashboardPeers?: ReadonlyArray<string> | undefined
  /** This process hosts actors: it is not ready while it holds no shards. */
  readonly requireShards?: boolean | undefined
  /** A further readiness condition (a gateway: some runner is alive); fails with the reason. */
  readonly readyCheck?: Effect.Effect<void, string> | undefined
  /** The cluster's placement, served as JSON at /cluster. */
  readonly clusterView?: Effect.Effect<unknown, Error> | undefined
  /** The admin API (/api/v1/...), served only when `token` is set. */
  readonly api?: AdminApiHandler | undefined
}) =>
  Layer.effect(
    AdminServer,
    Effect.gen(function*() {
      const server = yield* NodeHttpServer.make(() => Http.createServer(), { host: options.host, port: options.port })
      const dashboard = dashboardHtml(options.dashboardPeers ?? [])
      yield* server.serve(
        Effect.gen(function*() {
          const request = yield* HttpServerRequest.HttpServerRequest
          const [path = "", search = ""] = request.url.split("?", 2)
          // The token is what a rebinding page cannot have: with it, any Host name will do (a
          // scraper may use the server's DNS name); without it, only addresses and localhost.
          const authorized = options.token !== undefined && hasToken(request.headers["authorization"], options.token)
          if (!authorized && !isAllowedHost(request.headers["host"], options.host)) {
            return HttpServerResponse.text("unknown Host: use the admin port's address\n", { status: 421 })
          }
          if (options.token !== undefined && path !== "/healthz" && !authorized) {
            return HttpServerResponse.text("the admin token is required (Authorization: Bearer <token>)\n", {
              status: 401,
              headers: { "www-authenticate": 'Basic realm="weft admin", charset="UTF-8"' }
            })
          }
          if (path === "/api" || path.startsWith("/api/")) {
            if (options.api === undefined) return HttpServerResponse.text("not found\n", { status: 404 })
            if (options.token === undefined) {
              return HttpServerResponse.jsonUnsafe({
                error: { code: "FORBIDDEN", message: "the admin API needs an admin token: start with --admin-token (or WEFT_ADMIN_TOKEN)" }
              }, { status: 403 })
            }
            return yield* options.api(request, path)
          }
          if (path === "/log-reports" || path.startsWith("/log-reports/")) {
            if (request.method !== "GET" && request.method !== "HEAD") {
              return HttpServerResponse.text("use GET\n", { status: 405 })
            }
            return path === "/log-reports"
              ? yield* logReports(new URLSearchParams(search))
              : yield* logReport(decodePathPart(path.slice("/log-reports/".length)))
          }
          switch (path) {
            case "/healthz":
              return HttpServerResponse.text("ok\n")
            case "/readyz":
              return yield* readiness(options.requireShards ?? false, options.readyCheck ?? Effect.void).pipe(
                Effect.match({
                  onSuccess: () => HttpServerResponse.text("ready\n"),
                  onFailure: (reason) => HttpServerResponse.text(`not ready: ${reason}\n`, { status: 503 })
                })
              )
            case "/metrics":
              return HttpServerResponse.text(yield* prometheusText, {
                contentType: "text/plain; version=0.0.4; charset=utf-8"
              })
            case "/metrics.json":
              // Readable by the dashboard of another process (clustered mode aggregates them).
              return HttpServerResponse.text(JSON.stringify(yield* metricsJson), {
                contentType: "application/json",
                headers: { "access-control-allow-origin": "*" }
              })
            case "/cluster":
              return options.clusterView === undefined
                ? HttpServerResponse.text("not found\n", { status: 404 })
                : yield* options.clusterView.pipe(
                  Effect.map((view) => HttpServerResponse.jsonUnsafe(view)),
                  Effect.catch((error) => Effect.succeed(HttpServerResponse.text(`${error.message}\n`, { status: 503 })))
                )
            case "/dashboard":
            case "/":
              return HttpServerResponse.text(dashboard, { contentType: "text/html; charset=utf-8" })
            default:
              return HttpServerResponse.text("not found\n", { status: 404 })
          }
        })
      )
      const address = server.address
      return AdminServer.of({
        listening: { host: options.host, port: address._tag === "UnixPathAddress" ? options.port : address.port }
      })
    })
  )
