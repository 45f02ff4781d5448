/**
 * The admin port: liveness (`/healthz`), readiness (`/readyz`: storage answers and the
 * listeners are up), and the metrics in Prometheus text format (`/metrics`).
 */
import * as Http from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { Context, Effect, Layer } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import { PrometheusMetrics } from "effect/observability"
import type { Listening } from "../gateway/TcpServer.ts"
import { Storage } from "../storage/Storage.ts"

export class AdminServer extends Context.Service<AdminServer, {
  readonly listening: Listening
}>()("weft/metrics/AdminServer") {}

const readiness = Effect.gen(function*() {
  const storage = yield* Storage
  yield* storage.get("{weft}:readiness-probe").pipe(Effect.timeout(2000))
})

export const layer = (options: { readonly host: string; readonly port: number }) =>
  Layer.effect(
    AdminServer,
    Effect.gen(function*() {
      const server = yield* NodeHttpServer.make(() => Http.createServer(), options)
      yield* server.serve(
        Effect.gen(function*() {
          const request = yield* HttpServerRequest.HttpServerRequest
          const path = request.url.split("?")[0]
          switch (path) {
            case "/healthz":
              return HttpServerResponse.text("ok\n")
            case "/readyz":
              return yield* readiness.pipe(
                Effect.match({
                  onSuccess: () => HttpServerResponse.text("ready\n"),
                  onFailure: (error) => HttpServerResponse.text(`not ready: storage: ${String(error)}\n`, { status: 503 })
                })
              )
            case "/metrics":
              return HttpServerResponse.text(yield* PrometheusMetrics.format(), {
                contentType: "text/plain; version=0.0.4; charset=utf-8"
              })
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
