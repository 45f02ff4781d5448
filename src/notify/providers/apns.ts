/**
 * APNs over HTTP/2 with token authentication (a JWT signed ES256 with the team's .p8 key),
 * through @parse/node-apn, which keeps the HTTP/2 session and renews the token.
 */
import apn from "@parse/node-apn"
import type { ApnsSettings } from "../NotifySettings.ts"
import { describe, type Notification, type Outcome, type PushProvider, sent } from "./Provider.ts"

/** APNs reasons that mean the token will never work again. */
const deadTokenReasons = new Set(["BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic", "ExpiredToken"])

/** "host:port" as node-apn takes it (the port apart: it would otherwise dial 443). */
const endpoint = (address: string) => {
  const match = /^(.*):(\d+)$/.exec(address)
  return match === null ? { address } : { address: match[1]!, port: Number(match[2]) }
}

export const make = (settings: ApnsSettings, requestTimeoutMs: number): PushProvider => {
  const provider = new apn.Provider({
    token: { key: settings.key, keyId: settings.keyId, teamId: settings.teamId },
    production: settings.production,
    ...(settings.address === undefined ? {} : endpoint(settings.address)),
    ...(settings.ca === undefined ? {} : { ca: [settings.ca] }),
    requestTimeout: requestTimeoutMs,
    // The outbox retries with its own backoff and deadline; the library should not wait as well.
    connectionRetryLimit: 0
  })

  const toNote = (appId: string, notification: Notification) => {
    const note = new apn.Notification()
    note.topic = appId || settings.topic
    note.pushType = "alert"
    note.collapseId = notification.collapseKey
    note.threadId = notification.collapseKey
    note.expiry = Math.floor(Date.now() / 1000) + notification.ttlSeconds
    note.priority = 10
    note.badge = notification.badge
    note.sound = "default"
    note.alert = { title: notification.title, body: notification.body }
    note.payload = { weft: notification.data }
    return note
  }

  return {
    platform: "apns",
    send: async (registration, notification): Promise<Outcome> => {
      try {
        const result = await provider.send(toNote(registration.appId, notification), registration.token)
        if (result.sent.length > 0) return sent
        const failure = result.failed[0]
        if (failure === undefined) return { _tag: "failed", reason: "no answer", retry: true }
        const status = Number(failure.status)
        const reason = failure.response?.reason ?? (failure.error ? describe(failure.error) : `status ${failure.status}`)
        if (status === 410 || deadTokenReasons.has(reason)) return { _tag: "invalid-token", reason }
        if (status === 429) return { _tag: "throttled" }
        return { _tag: "failed", reason, retry: !(status >= 400 && status < 500) || status === 403 && reason === "ExpiredProviderToken" }
      } catch (error) {
        return { _tag: "failed", reason: describe(error), retry: true }
      }
    },
    close: () => provider.shutdown()
  }
}
