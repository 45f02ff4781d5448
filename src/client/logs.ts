/** SDK helper for client log reports: upload a gzip-compressed log for the server's operators. */
import { Command } from "../protocol/Command.ts"
import { LogCodecs, type LogReportStored } from "../protocol/logs.ts"
import type { WeftClient } from "./WeftClient.ts"

export interface LogUpload {
  /** The log, gzip-compressed (e.g. `zlib.gzipSync(text)`). */
  readonly log: Uint8Array
  readonly reason?: string | undefined
  readonly appVersion?: string | undefined
  /** Defaults to this client's device. */
  readonly deviceId?: string | undefined
  /** At most 16 entries; keys [A-Za-z0-9_.-]{1,64}, values up to 256 characters. */
  readonly metadata?: Readonly<Record<string, string>> | undefined
}

/**
 * Uploads a log report; resolves with the stored report's id and size. It travels in one frame,
 * so it must fit the server's frame maximum as well as its log report maximum.
 */
export const uploadLog = async (client: WeftClient, upload: LogUpload): Promise<LogReportStored> => {
  const response = await client.call(Command.UPLOAD_LOG, LogCodecs.UploadLogRequest, LogCodecs.UploadLogResponse, {
    log: upload.log,
    reason: upload.reason ?? "",
    appVersion: upload.appVersion ?? "",
    deviceId: upload.deviceId ?? "",
    metadata: upload.metadata ?? {}
  })
  return response.report ?? { reportId: "", sizeBytes: 0, uploadedAtMs: 0 }
}
