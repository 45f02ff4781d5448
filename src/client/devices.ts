/** SDK helpers for sessions and devices: log out, list the user's signed-in devices, change the password. */
import { Command } from "../protocol/Command.ts"
import { DeviceCodecs, type DeviceSession } from "../protocol/devices.ts"
import type { WeftClient } from "./WeftClient.ts"

/**
 * Ends this client's session: the server revokes its token on every transport and closes its
 * connections; this client is closed too (it does not reconnect). Other devices stay signed in.
 */
export const logout = async (client: WeftClient): Promise<void> => {
  await client.call(Command.LOGOUT, DeviceCodecs.LogoutRequest, DeviceCodecs.LogoutResponse, {})
  client.close()
}

/** The user's signed-in devices (active sessions), newest login first; `current` is this one. */
export const listDevices = async (client: WeftClient): Promise<ReadonlyArray<DeviceSession>> => {
  const response = await client.call(
    Command.LIST_DEVICES,
    DeviceCodecs.ListDevicesRequest,
    DeviceCodecs.ListDevicesResponse,
    {}
  )
  return response.sessions
}

/** Replaces the user's password (the current one is needed); later logins everywhere need the new one. */
export const changePassword = async (client: WeftClient, oldPassword: string, newPassword: string): Promise<void> => {
  await client.call(Command.CHANGE_PASSWORD, DeviceCodecs.ChangePasswordRequest, DeviceCodecs.ChangePasswordResponse, {
    oldPassword,
    newPassword
  })
}
