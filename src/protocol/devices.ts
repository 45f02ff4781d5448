/** The messages of sessions and devices (proto/weft/v1/devices.proto): logout, the device list, device events. */
import { type BaseRequest, type BaseResponse, codec, type Device } from "./Proto.ts"

export const DeviceEventKind = {
  LOGIN: 1,
  LOGOUT: 2,
  KICKED: 3
} as const

export interface LogoutRequest {
  readonly base?: BaseRequest | null | undefined
}

export interface LogoutResponse {
  readonly base: BaseResponse
}

export interface ListDevicesRequest {
  readonly base?: BaseRequest | null | undefined
}

export interface DeviceSession {
  readonly device: Device
  readonly sessionId: string
  readonly issuedAtMs: number
  readonly lastSeenAtMs: number
  readonly current: boolean
}

export interface ListDevicesResponse {
  readonly base: BaseResponse
  readonly sessions: ReadonlyArray<DeviceSession>
}

/** weft.v1.Change.device: a login, logout or kick of one of the user's devices. */
export interface DeviceEvent {
  readonly kind: number
  readonly device?: Device | null | undefined
  readonly sessionId: string
  readonly reason: string
  readonly byDevice?: Device | null | undefined
}

export const DeviceCodecs = {
  LogoutRequest: codec<LogoutRequest>("LogoutRequest"),
  LogoutResponse: codec<LogoutResponse>("LogoutResponse"),
  ListDevicesRequest: codec<ListDevicesRequest>("ListDevicesRequest"),
  ListDevicesResponse: codec<ListDevicesResponse>("ListDevicesResponse"),
  DeviceEvent: codec<DeviceEvent>("DeviceEvent")
} as const
