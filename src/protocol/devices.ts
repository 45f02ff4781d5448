/** The messages of sessions and devices (proto/weft/v1/devices.proto): logout, the device list, device events. */
import { typed, type Device } from "./Proto.ts"
import type { Carrying, Decoded, weft } from "./Shapes.ts"

export const DeviceEventKind = {
  LOGIN: 1,
  LOGOUT: 2,
  KICKED: 3
} as const

export type LogoutRequest = Decoded<weft.v1.LogoutRequest.$Properties>
export type LogoutResponse = Decoded<weft.v1.LogoutResponse.$Properties>
export type ListDevicesRequest = Decoded<weft.v1.ListDevicesRequest.$Properties>
export type DeviceSession = Carrying<Decoded<weft.v1.DeviceSession.$Properties>, "device">

export type ListDevicesResponse =
  & Omit<Decoded<weft.v1.ListDevicesResponse.$Properties>, "sessions">
  & { readonly sessions: ReadonlyArray<DeviceSession> }

/** weft.v1.Change.device: a login, logout or kick of one of the user's devices. */
export type DeviceEvent = Decoded<weft.v1.DeviceEvent.$Properties>

export const DeviceCodecs = {
  LogoutRequest: typed<weft.v1.LogoutRequest.$Properties>("LogoutRequest"),
  LogoutResponse: typed<weft.v1.LogoutResponse.$Properties>("LogoutResponse"),
  ListDevicesRequest: typed<weft.v1.ListDevicesRequest.$Properties>("ListDevicesRequest"),
  ChangePasswordRequest: typed<weft.v1.ChangePasswordRequest.$Properties>("ChangePasswordRequest"),
  ChangePasswordResponse: typed<weft.v1.ChangePasswordResponse.$Properties>("ChangePasswordResponse"),
  ListDevicesResponse: typed<weft.v1.ListDevicesResponse.$Properties, ListDevicesResponse>("ListDevicesResponse"),
  DeviceEvent: typed<weft.v1.DeviceEvent.$Properties>("DeviceEvent")
} as const
