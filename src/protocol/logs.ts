/** The messages of client log reports (proto/weft/v1/logs.proto). */
import { typed } from "./Proto.ts"
import type { Decoded, weft } from "./Shapes.ts"

export type UploadLogRequest = Decoded<weft.v1.UploadLogRequest.$Properties>
export type LogReportStored = Decoded<weft.v1.LogReportStored.$Properties>
export type UploadLogResponse = Decoded<weft.v1.UploadLogResponse.$Properties>

export const LogCodecs = {
  UploadLogRequest: typed<weft.v1.UploadLogRequest.$Properties>("UploadLogRequest"),
  UploadLogResponse: typed<weft.v1.UploadLogResponse.$Properties>("UploadLogResponse"),
  LogReportStored: typed<weft.v1.LogReportStored.$Properties>("LogReportStored")
} as const
