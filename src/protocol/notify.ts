/** The messages of offline notifications (proto/weft/v1/notify.proto): push registrations. */
import { typed } from "./Proto.ts"
import type { Decoded, weft } from "./Shapes.ts"

/** weft.v1.PushPlatform. */
export const PushPlatform = {
  APNS: 1,
  FCM: 2,
  WEB_PUSH: 3,
  WEBHOOK: 4
} as const

export type PushPlatformName = "apns" | "fcm" | "webpush" | "webhook"

export const pushPlatformName: Record<number, PushPlatformName> = {
  [PushPlatform.APNS]: "apns",
  [PushPlatform.FCM]: "fcm",
  [PushPlatform.WEB_PUSH]: "webpush",
  [PushPlatform.WEBHOOK]: "webhook"
}

export type WebPushSubscription = Decoded<weft.v1.WebPushSubscription.$Properties>
export type RegisterPushRequest = Decoded<weft.v1.RegisterPushRequest.$Properties>
export type RegisterPushResponse = Decoded<weft.v1.RegisterPushResponse.$Properties>
export type UnregisterPushRequest = Decoded<weft.v1.UnregisterPushRequest.$Properties>
export type UnregisterPushResponse = Decoded<weft.v1.UnregisterPushResponse.$Properties>

export const NotifyCodecs = {
  RegisterPushRequest: typed<weft.v1.RegisterPushRequest.$Properties>("RegisterPushRequest"),
  RegisterPushResponse: typed<weft.v1.RegisterPushResponse.$Properties>("RegisterPushResponse"),
  UnregisterPushRequest: typed<weft.v1.UnregisterPushRequest.$Properties>("UnregisterPushRequest"),
  UnregisterPushResponse: typed<weft.v1.UnregisterPushResponse.$Properties>("UnregisterPushResponse")
} as const
