/**
 * The app's own push server: an HTTP POST of the notification as JSON, signed with
 * HMAC-SHA-256 so that server can tell it came from weft and is fresh (the signature of the
 * framework's hooks, server/Webhook.ts; `verifyWebhook` from weft/server checks it):
 *
 *   X-Weft-Timestamp: <ms since the epoch>
 *   X-Weft-Signature: sha256=<hex HMAC-SHA-256(secret, "<timestamp>.<body>")>
 *
 * A 2xx answer is delivered; 410 (or 404) says the device token is dead; 429 and 5xx are tried
 * again with backoff; other answers drop the notification.
 */
import { signWebhook } from "../../server/Webhook.ts"
import type { WebhookSettings } from "../NotifySettings.ts"
import { describe, type Outcome, outcomeOfStatus, type PushProvider } from "./Provider.ts"

export const make = (settings: WebhookSettings, requestTimeoutMs: number): PushProvider => ({
  platform: "webhook",
  send: async (registration, notification): Promise<Outcome> => {
    const body = JSON.stringify({
      userId: notification.userId,
      token: registration.token,
      deviceId: registration.deviceId,
      sessionId: registration.sessionId,
      appId: registration.appId,
      locale: registration.locale,
      notification
    })
    const timestamp = String(Date.now())
    try {
      const response = await fetch(settings.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-weft-timestamp": timestamp,
          "x-weft-signature": signWebhook(settings.secret, timestamp, body)
        },
        body,
        signal: AbortSignal.timeout(requestTimeoutMs),
        redirect: "error"
      })
      await response.arrayBuffer().catch(() => undefined)
      return outcomeOfStatus(response.status, `status ${response.status}`, response.headers.get("retry-after"))
    } catch (error) {
      return { _tag: "failed", reason: describe(error), retry: true }
    }
  },
  close: async () => {}
})
