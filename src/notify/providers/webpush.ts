/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and an encrypted payload (RFC 8291, aes128gcm),
 * through the `web-push` library. The browser's push service takes it from there; the page's
 * service worker shows it (src/web/chat/sw.js).
 */
import { Agent } from "node:https"
import webpush from "web-push"
import type { WebPushSettings } from "../NotifySettings.ts"
import { describe, type Outcome, outcomeOfStatus, type PushProvider, sent } from "./Provider.ts"

export const make = (settings: WebPushSettings, requestTimeoutMs: number): PushProvider => {
  const agent = settings.ca === undefined ? undefined : new Agent({ ca: settings.ca, keepAlive: true })
  return {
    platform: "webpush",
    send: async (registration, notification): Promise<Outcome> => {
      const subscription = registration.webPush
      if (subscription === undefined) return { _tag: "invalid-token", reason: "no subscription" }
      try {
        await webpush.sendNotification(
          { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
          JSON.stringify({
            title: notification.title,
            body: notification.body,
            badge: notification.badge,
            tag: notification.collapseKey,
            data: notification.data
          }),
          {
            vapidDetails: { subject: settings.subject, publicKey: settings.publicKey, privateKey: settings.privateKey },
            TTL: notification.ttlSeconds,
            // Topic: a newer message with the same topic replaces one the service still holds.
            topic: notification.collapseKey,
            urgency: "normal",
            timeout: requestTimeoutMs,
            ...(agent === undefined ? {} : { agent })
          }
        )
        return sent
      } catch (error) {
        if (error instanceof webpush.WebPushError) {
          return outcomeOfStatus(error.statusCode, `${error.statusCode} ${error.body ?? ""}`.trim(), error.headers?.["retry-after"])
        }
        return { _tag: "failed", reason: describe(error), retry: true }
      }
    },
    close: async () => agent?.destroy()
  }
}
