/**
 * Settings of offline notifications (docs/notifications.md): the providers this server can
 * send through, with their credentials, and the timings of delivery. A provider that is not
 * configured is not offered: a device registering for it is refused with a message saying so.
 *
 * The endpoint fields exist for tests and private relays only: production uses the providers'
 * public endpoints, which are the defaults.
 */

export interface ApnsSettings {
  /** The .p8 signing key (PEM) from the Apple developer account: ES256, token-based authentication. */
  readonly key: string
  readonly keyId: string
  readonly teamId: string
  /** The default topic (the app's bundle id) for devices that register none. */
  readonly topic: string
  /** The production endpoint; false for the sandbox. */
  readonly production: boolean
  /** "host:port" instead of Apple's endpoint (tests). */
  readonly address?: string | undefined
  /** PEM of extra certificate authorities to trust (tests). */
  readonly ca?: string | undefined
}

export interface FcmSettings {
  /** The service-account key file's JSON (client_email, private_key, project_id, token_uri). */
  readonly serviceAccount: {
    readonly clientEmail: string
    readonly privateKey: string
    readonly projectId: string
    /** Where the service account's signed JWT is exchanged for an OAuth token (Google's, from the key file). */
    readonly tokenUri: string
  }
  /** The FCM API origin instead of https://fcm.googleapis.com (tests). */
  readonly endpoint?: string | undefined
}

export interface WebPushSettings {
  /** VAPID: a contact ("mailto:ops@example.com" or an https URL) and the P-256 key pair, base64url. */
  readonly subject: string
  readonly publicKey: string
  readonly privateKey: string
  /**
   * Hosts a subscription's endpoint may name (a suffix match: "push.services.mozilla.com"
   * admits "updates.push.services.mozilla.com"): the server POSTs to that URL, so it must not
   * be a way into the operator's own network.
   */
  readonly allowedHosts: ReadonlyArray<string>
  /** PEM of extra certificate authorities to trust (tests). */
  readonly ca?: string | undefined
}

export interface WebhookSettings {
  /** The app's push server: https (or http on loopback). */
  readonly url: string
  /** Key of the HMAC-SHA-256 signature of every request (X-Weft-Signature). At least 16 characters. */
  readonly secret: string
}

export interface NotifySettings {
  readonly apns?: ApnsSettings | undefined
  readonly fcm?: FcmSettings | undefined
  readonly webPush?: WebPushSettings | undefined
  readonly webhook?: WebhookSettings | undefined
  /** A first notification of a conversation waits this long, so a burst that follows joins it. */
  readonly collapseMs: number
  /** At most one notification per device and conversation this often; later changes join the next. */
  readonly minIntervalMs: number
  /** At most this many notifications per device per minute, all conversations together. */
  readonly perDevicePerMinute: number
  /** First retry after this long, doubling up to `maxRetryMs`. */
  readonly retryMs: number
  readonly maxRetryMs: number
  /** A notification not delivered this long after its first change is dropped (it would be stale). */
  readonly deadlineMs: number
  /** Notifications sent at once, over all providers. */
  readonly concurrency: number
  /** How long one provider request may take. */
  readonly requestTimeoutMs: number
}

/** The public push services of the browsers that support Web Push. */
export const defaultWebPushHosts: ReadonlyArray<string> = [
  "fcm.googleapis.com",
  "push.services.mozilla.com",
  "notify.windows.com",
  "push.apple.com"
]

export const defaultNotifySettings: NotifySettings = {
  collapseMs: 1_000,
  minIntervalMs: 10_000,
  perDevicePerMinute: 20,
  retryMs: 1_000,
  maxRetryMs: 60_000,
  deadlineMs: 10 * 60_000,
  concurrency: 16,
  requestTimeoutMs: 10_000
}

/** Whether any provider is configured (else the notifier does nothing at all). */
export const anyProvider = (settings: NotifySettings): boolean =>
  settings.apns !== undefined || settings.fcm !== undefined || settings.webPush !== undefined || settings.webhook !== undefined
