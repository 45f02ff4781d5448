/** The messages of client log reports (proto/weft/v1/logs.proto). */
import { type BaseRequest, type BaseResponse, codec } from "./Proto.ts"

export interface UploadLogRequest {
  /** gzip bytes. */
  readonly log: Uint8Array
  readonly appVersion: string
  readonly deviceId: string
  readonly reason: string
  readonly metadata: Readonly<Record<string, string>>
  readonly base?: BaseRequest | null | undefined
}

export interface LogReportStored {
  readonly reportId: string
  readonly sizeBytes: number
  readonly uploadedAtMs: number
}

export interface UploadLogResponse {
  readonly base: BaseResponse
  readonly report?: LogReportStored | null | undefined
}

export const LogCodecs = {
  UploadLogRequest: codec<UploadLogRequest>("UploadLogRequest"),
  UploadLogResponse: codec<UploadLogResponse>("UploadLogResponse"),
  LogReportStored: codec<LogReportStored>("LogReportStored")
} as const
