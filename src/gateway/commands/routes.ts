/**
 * Smart routing: the route list (allowed before login, so a client looking for a way in can ask
 * whichever endpoint answered first) and the connect times clients report when idle.
 */
import { Effect } from "effect"
import { Command } from "../../protocol/Command.ts"
import { MAX_CONNECT_MS, MAX_REPORTED_TIMES, RouteCodecs, routeListVersion, transportName } from "../../protocol/routes.ts"
import { badRequest } from "../../protocol/WeftError.ts"
import { handler } from "../CommandTable.ts"
import { Routes } from "../Routes.ts"

const ok = { code: 0, message: "" }

export const handlers = Effect.gen(function*() {
  const routes = yield* Routes
  return [
    {
      ...handler(
        {
          id: Command.ROUTE_LIST,
          name: "routelist",
          request: RouteCodecs.RouteListRequest,
          response: RouteCodecs.RouteListResponse
        },
        () => Effect.map(routes.list, (endpoints) => ({ base: ok, endpoints, routeListVersion: routeListVersion(endpoints) }))
      ),
      beforeLogin: true
    },
    handler(
      {
        id: Command.REPORT_CONNECT_TIMES,
        name: "reportconnecttimes",
        request: RouteCodecs.ReportConnectTimesRequest,
        response: RouteCodecs.ReportConnectTimesResponse
      },
      (_caller, request) =>
        Effect.gen(function*() {
          if (request.times.length > MAX_REPORTED_TIMES) {
            return yield* badRequest(`at most ${MAX_REPORTED_TIMES} connect times per report, got ${request.times.length}`)
          }
          for (const time of request.times) {
            if (transportName(time.transport) === undefined) {
              return yield* badRequest(`transport ${time.transport} is not TCP (1), WS (2) or HTTP (3)`)
            }
            if (time.connectMs > MAX_CONNECT_MS) {
              return yield* badRequest(`connect_ms ${time.connectMs} exceeds ${MAX_CONNECT_MS}`)
            }
          }
          const counted = yield* routes.report(request.times)
          return { base: ok, ...counted }
        })
    )
  ]
})
