/** The messages of offline notifications (proto/weft/v1/notify.proto): push registrations. */
import { type BaseRequest, type BaseResponse, codec } from "./Proto.ts"

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

export interface WebPushSubscription {
  readonly endpoint: string
  readonly p256dh: string
  readonly auth: string
}

export interface RegisterPushRequest {
  readonly platform: number
  readonly token: string
  readonly webPush?: WebPushSubscription | null | undefined
  readonly appId: string
  readonly locale: string
  readonly preview: boolean
  readonly muted: ReadonlyArray<string>
  readonly base?: BaseRequest | null | undefined
}

export interface RegisterPushResponse {
  readonly base: BaseResponse
}

export interface UnregisterPushRequest {
  readonly base?: BaseRequest | null | undefined
}

export interface UnregisterPushResponse {
  readonly base: BaseResponse
}

export const NotifyCodecs = {
  RegisterPushRequest: codec<RegisterPushRequest>("RegisterPushRequest"),
  RegisterPushResponse: codec<RegisterPushResponse>("RegisterPushResponse"),
  UnregisterPushRequest: codec<UnregisterPushRequest>("UnregisterPushRequest"),
  UnregisterPushResponse: codec<UnregisterPushResponse>("UnregisterPushResponse")
} as const
