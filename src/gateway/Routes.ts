/**
 * The gateway's route table: the endpoints it hands to clients (configured, or else its own
 * listeners) ranked by the connect times clients report. Kept in this gateway's memory: each
 * gateway learns from the clients that reach it, and a restart starts from the configured order.
 * In clustered mode the other live gateways' endpoints follow its own (PeerEndpoints), so a
 * client whose gateway dies knows where else to go without a list of its own.
 */
import { Context, Effect, Layer } from "effect"
import { type ConnectTime, type TransportName, TransportId, transportName, type WireEndpoint } from "../protocol/routes.ts"
import { type AdvertisedEndpoint, GatewayConfig } from "./GatewayConfig.ts"
import type { Listening } from "./TcpServer.ts"

interface Stats {
  /** Moving average of reported connect times. */
  averageMs: number | undefined
  successes: number
  failures: number
}

export class Routes extends Context.Service<Routes, {
  /** A listener the gateway opened (used when no endpoints are configured). */
  readonly announce: (transports: ReadonlyArray<TransportName>, listening: ReadonlyArray<Listening>) => Effect.Effect<void>
  /** The endpoints, best first: this gateway's, then the other gateways'. */
  readonly list: Effect.Effect<ReadonlyArray<WireEndpoint>>
  /** This gateway's own endpoints (configured, or else its listeners). */
  readonly own: () => ReadonlyArray<AdvertisedEndpoint>
  /** Folds clients' measurements into the ranking; answers how many matched a listed endpoint. */
  readonly report: (times: ReadonlyArray<ConnectTime>) => Effect.Effect<{ accepted: number; ignored: number }>
}>()("weft/gateway/Routes") {}

/** The endpoints of the other live gateways of the cluster (absent in dev mode). */
export class PeerEndpoints extends Context.Service<PeerEndpoints, {
  readonly current: () => ReadonlyArray<AdvertisedEndpoint>
}>()("weft/gateway/PeerEndpoints") {}

const key = (address: string, port: number, transport: number) => `${transport}|${address}|${port}`

/** A connect time of 0 ms scores 1, 1 s scores 0.5; unknown counts as 1 s. */
const speed = (stats: Stats | undefined) => 1000 / (1000 + (stats?.averageMs ?? 1000))
/** Laplace-smoothed share of successful connects. */
const reliability = (stats: Stats | undefined) => ((stats?.successes ?? 0) + 1) / ((stats?.successes ?? 0) + (stats?.failures ?? 0) + 2)

export const rankWeight = (base: number, stats: Stats | undefined): number =>
  Math.max(1, Math.min(1000, Math.round(base * 4 * speed(stats) * reliability(stats))))

const WILDCARDS = new Set(["", "0.0.0.0", "::", "[::]"])

/** Older reports fade: each new one keeps this share of the past. */
const DECAY = 0.8

export const make = Effect.gen(function*() {
  const config = yield* GatewayConfig
  const announced: Array<AdvertisedEndpoint> = []
  const stats = new Map<string, Stats>()

  const peers = yield* Effect.serviceOption(PeerEndpoints)
  const endpoints = (): ReadonlyArray<AdvertisedEndpoint> =>
    config.advertisedEndpoints.length > 0 ? config.advertisedEndpoints : announced
  // Other gateways' endpoints, after this gateway's own (each peer keeps its configured weight).
  const others = (): ReadonlyArray<WireEndpoint> => {
    if (peers._tag === "None") return []
    const own = new Set(endpoints().map((e) => key(e.address, e.port, TransportId[e.transport])))
    return peers.value.current()
      .filter((e) => !own.has(key(e.address, e.port, TransportId[e.transport])))
      .map((e) => ({ address: e.address, port: e.port, transport: TransportId[e.transport], weight: e.weight ?? 100 }))
  }

  return Routes.of({
    announce: (transports, listening) =>
      Effect.sync(() => {
        for (const { host, port } of listening) {
          // A wildcard is no address a client can use: such a gateway needs advertised endpoints.
          if (WILDCARDS.has(host)) continue
          for (const transport of transports) announced.push({ address: host, port, transport })
        }
      }),
    list: Effect.sync(() =>
      endpoints()
        .map((endpoint, index) => {
          const transport = TransportId[endpoint.transport]
          const weight = rankWeight(endpoint.weight ?? 100, stats.get(key(endpoint.address, endpoint.port, transport)))
          return { index, endpoint: { address: endpoint.address, port: endpoint.port, transport, weight } }
        })
        .sort((a, b) => b.endpoint.weight - a.endpoint.weight || a.index - b.index)
        .map(({ endpoint }): WireEndpoint => endpoint)
        .concat(others())
    ),
    own: endpoints,
    report: (times) =>
      Effect.sync(() => {
        const listed = new Set(endpoints().map((e) => key(e.address, e.port, TransportId[e.transport])))
        let accepted = 0
        for (const time of times) {
          const k = key(time.address, time.port, time.transport)
          if (!listed.has(k) || transportName(time.transport) === undefined) continue
          accepted++
          const entry = stats.get(k) ?? { averageMs: undefined, successes: 0, failures: 0 }
          entry.successes *= DECAY
          entry.failures *= DECAY
          if (time.failed) {
            entry.failures++
          } else {
            entry.successes++
            entry.averageMs = entry.averageMs === undefined
              ? time.connectMs
              : DECAY * entry.averageMs + (1 - DECAY) * time.connectMs
          }
          stats.set(k, entry)
        }
        return { accepted, ignored: times.length - accepted }
      })
  })
})

export const layer: Layer.Layer<Routes, never, GatewayConfig> = Layer.effect(Routes, make)

/** Tells the route table about listeners, when there is one (tests may run servers alone). */
export const announce = (transports: ReadonlyArray<TransportName>, listening: ReadonlyArray<Listening>) =>
  Effect.flatMap(Effect.serviceOption(Routes), (routes) =>
    routes._tag === "Some" ? routes.value.announce(transports, listening) : Effect.void)
