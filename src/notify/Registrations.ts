/**
 * Push registrations: where each of a user's devices can be woken when it has no live
 * connection. One per session (a device's sign-in), kept in the user's storage as one map,
 * `{userId}:push`, field = the session id. The PushDevices actor is its single writer.
 */
import { isValidUserId } from "../actors/Session.ts"
import { isGroupId } from "../protocol/groups.ts"
import { PushPlatform, type PushPlatformName, pushPlatformName, type RegisterPushRequest } from "../protocol/notify.ts"
import { userKey } from "../storage/Storage.ts"
import type { NotifySettings } from "./NotifySettings.ts"

export interface PushRegistration {
  /** The session the registration belongs to (DeviceSession.session_id). */
  readonly sessionId: string
  readonly deviceId: string
  readonly platform: PushPlatformName
  /** APNs / FCM / webhook: the device's token. Web Push: the subscription's endpoint. */
  readonly token: string
  readonly webPush?: { readonly endpoint: string; readonly p256dh: string; readonly auth: string } | undefined
  readonly appId: string
  readonly locale: string
  readonly preview: boolean
  readonly muted: ReadonlyArray<string>
  readonly registeredAtMs: number
}

export const registrationsKey = (userId: string) => userKey(userId, "push")

export const MAX_TOKEN_LENGTH = 4096
export const MAX_MUTED = 1000

/** Whether a host is one of the allowed push services (equal, or a subdomain of one). */
const hostAllowed = (host: string, allowed: ReadonlyArray<string>) =>
  allowed.some((entry) => host === entry || host.endsWith(`.${entry}`))

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/

/**
 * Checks a REGISTER_PUSH request against what this server can deliver; answers the registration
 * to store, or what is wrong with the request (a sentence for the BAD_REQUEST / UNAVAILABLE).
 */
export const validate = (
  request: RegisterPushRequest,
  settings: NotifySettings,
  who: { readonly sessionId: string; readonly deviceId: string }
): { readonly registration: PushRegistration } | { readonly refused: string; readonly unavailable?: boolean } => {
  const platform = pushPlatformName[request.platform]
  if (platform === undefined) return { refused: "platform must be one of apns, fcm, webpush, webhook" }
  const configured = platform === "apns"
    ? settings.apns
    : platform === "fcm"
    ? settings.fcm
    : platform === "webpush"
    ? settings.webPush
    : settings.webhook
  if (configured === undefined) return { refused: `this server sends no ${platform} notifications (not configured)`, unavailable: true }
  if (request.muted.length > MAX_MUTED) return { refused: `at most ${MAX_MUTED} muted conversations` }
  for (const conversation of request.muted) {
    if (!isValidUserId(conversation) && !isGroupId(conversation)) {
      return { refused: `muted: "${conversation.slice(0, 80)}" is neither a user id nor a group id` }
    }
  }
  if (request.locale.length > 35 || !/^[A-Za-z0-9-]*$/.test(request.locale)) return { refused: "locale must be a BCP 47 tag like en or de-CH" }
  if (request.appId.length > 255) return { refused: "app_id must have at most 255 characters" }

  let token = request.token
  let webPush: PushRegistration["webPush"]
  if (request.platform === PushPlatform.WEB_PUSH) {
    const subscription = request.webPush
    if (!subscription) return { refused: "web_push (the browser's subscription) is required for webpush" }
    let url: URL
    try {
      url = new URL(subscription.endpoint)
    } catch {
      return { refused: "web_push.endpoint must be a URL" }
    }
    if (url.protocol !== "https:") return { refused: "web_push.endpoint must be an https URL" }
    if (subscription.endpoint.length > MAX_TOKEN_LENGTH) return { refused: `web_push.endpoint must have at most ${MAX_TOKEN_LENGTH} characters` }
    if (!hostAllowed(url.hostname, settings.webPush!.allowedHosts)) {
      return { refused: `web_push.endpoint: ${url.hostname} is not a push service this server sends to` }
    }
    if (!BASE64URL.test(subscription.p256dh) || subscription.p256dh.length > 128) return { refused: "web_push.p256dh must be a base64url P-256 key" }
    if (!BASE64URL.test(subscription.auth) || subscription.auth.length > 64) return { refused: "web_push.auth must be a base64url secret" }
    webPush = { endpoint: subscription.endpoint, p256dh: subscription.p256dh, auth: subscription.auth }
    token = subscription.endpoint
  } else {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return { refused: `token must have 1..${MAX_TOKEN_LENGTH} characters` }
    if (/[\s\u0000-\u001f]/.test(token)) return { refused: "token must not contain spaces or control characters" }
    if (platform === "apns" && !/^[0-9A-Fa-f]+$/.test(token)) return { refused: "an APNs device token is hexadecimal" }
  }
  return {
    registration: {
      sessionId: who.sessionId,
      deviceId: who.deviceId,
      platform,
      token,
      webPush,
      appId: request.appId,
      locale: request.locale,
      preview: request.preview,
      muted: [...new Set(request.muted)],
      registeredAtMs: Date.now()
    }
  }
}
