/** The messages of the link between data centres (proto/weft/v1/idc.proto). */
import { typed } from "./Proto.ts"
import type { Decoded, weft } from "./Shapes.ts"

export type IdcEntry = Decoded<weft.v1.IdcEntry.$Properties>
export type IdcBatch = Decoded<weft.v1.IdcBatch.$Properties>
export type IdcAck = Decoded<weft.v1.IdcAck.$Properties>

export const IdcCodecs = {
  IdcEntry: typed<weft.v1.IdcEntry.$Properties>("IdcEntry"),
  IdcBatch: typed<weft.v1.IdcBatch.$Properties>("IdcBatch"),
  IdcAck: typed<weft.v1.IdcAck.$Properties>("IdcAck")
} as const
