/** The messages of smart routing (proto/weft/v1/routes.proto). */
import { typed } from "./Proto.ts"
import type { Decoded, weft } from "./Shapes.ts"

export type TransportName = "tcp" | "ws" | "http"

/** weft.v1.Transport values. */
export const TransportId: Readonly<Record<TransportName, number>> = { tcp: 1, ws: 2, http: 3 }

export const transportName = (id: number): TransportName | undefined =>
  id === 1 ? "tcp" : id === 2 ? "ws" : id === 3 ? "http" : undefined

export type WireEndpoint = Decoded<weft.v1.Endpoint.$Properties>

/** "tcp://10.0.0.5:9300" (or ws://, http://) as a route-list entry; undefined if it is not one. */
export const wireEndpointOf = (url: string): WireEndpoint | undefined => {
  const match = /^(tcp|ws|http):\/\/(.+):(\d{1,5})$/.exec(url)
  return match === null ? undefined : { address: match[2]!, port: Number(match[3]), transport: TransportId[match[1] as TransportName], weight: 0 }
}
export type RouteListRequest = Decoded<weft.v1.RouteListRequest.$Properties>
export type RouteListResponse = Decoded<weft.v1.RouteListResponse.$Properties>
export type ConnectTime = Decoded<weft.v1.ConnectTime.$Properties>
export type ReportConnectTimesRequest = Decoded<weft.v1.ReportConnectTimesRequest.$Properties>
export type ReportConnectTimesResponse = Decoded<weft.v1.ReportConnectTimesResponse.$Properties>

/**
 * The version of a route list: a 32-bit FNV-1a hash of its endpoints in order, never 0 (0 is
 * "no list" in AuthRequest.route_list_version). Any change of address, order or weight changes it.
 */
export const routeListVersion = (endpoints: ReadonlyArray<WireEndpoint>): number => {
  let hash = 0x811c9dc5
  for (const endpoint of endpoints) {
    const text = `${endpoint.address}|${endpoint.port}|${endpoint.transport}|${endpoint.weight};`
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i)
      hash = Math.imul(hash, 0x01000193) >>> 0
    }
  }
  return hash === 0 ? 1 : hash
}

/** Bounds of a report (see routes.proto). */
export const MAX_REPORTED_TIMES = 32
export const MAX_CONNECT_MS = 120_000

export const RouteCodecs = {
  RouteListRequest: typed<weft.v1.RouteListRequest.$Properties>("RouteListRequest"),
  RouteListResponse: typed<weft.v1.RouteListResponse.$Properties>("RouteListResponse"),
  ReportConnectTimesRequest: typed<weft.v1.ReportConnectTimesRequest.$Properties>("ReportConnectTimesRequest"),
  ReportConnectTimesResponse: typed<weft.v1.ReportConnectTimesResponse.$Properties>("ReportConnectTimesResponse")
} as const
