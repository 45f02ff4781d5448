/**
 * SDK helpers for offline notifications (proto/weft/v1/notify.proto): register this session's
 * push address (the token or subscription the platform's push service gave the app), and
 * unregister it. A logout unregisters by itself.
 */
import { Command } from "../protocol/Command.ts"
import { NotifyCodecs, PushPlatform, type PushPlatformName, type WebPushSubscription } from "../protocol/notify.ts"
import type { WeftClient } from "./WeftClient.ts"

export interface PushAddress {
  readonly platform: PushPlatformName
  /** APNs device token (hex), FCM registration token, or the webhook's device token. */
  readonly token?: string | undefined
  /** Web Push: the browser's subscription (PushSubscription.toJSON() gives endpoint and keys). */
  readonly webPush?: WebPushSubscription | undefined
  /** APNs topic (bundle id), when not the server's default. */
  readonly appId?: string | undefined
  readonly locale?: string | undefined
  /** Show message text in notifications (off by default: sender and count only). */
  readonly preview?: boolean | undefined
  /** Conversations (user ids, group ids) that never notify this device. */
  readonly muted?: ReadonlyArray<string> | undefined
}

const platforms: Record<PushPlatformName, number> = {
  apns: PushPlatform.APNS,
  fcm: PushPlatform.FCM,
  webpush: PushPlatform.WEB_PUSH,
  webhook: PushPlatform.WEBHOOK
}

/** The RegisterPushRequest of an address (shared with the browser SDK). */
export const registerPushRequest = (address: PushAddress) => ({
  platform: platforms[address.platform] ?? 0,
  token: address.token ?? "",
  webPush: address.webPush,
  appId: address.appId ?? "",
  locale: address.locale ?? "",
  preview: address.preview ?? false,
  muted: address.muted ?? []
})

/** Registers (or replaces) where this session is woken when it has no live connection. */
export const registerPush = async (client: WeftClient, address: PushAddress): Promise<void> => {
  await client.call(
    Command.REGISTER_PUSH,
    NotifyCodecs.RegisterPushRequest,
    NotifyCodecs.RegisterPushResponse,
    registerPushRequest(address)
  )
}

/** Stops notifications to this session. */
export const unregisterPush = async (client: WeftClient): Promise<void> => {
  await client.call(Command.UNREGISTER_PUSH, NotifyCodecs.UnregisterPushRequest, NotifyCodecs.UnregisterPushResponse, {})
}
