/**
 * Firebase Cloud Messaging, HTTP v1 API. The service account signs a JWT (RS256) that its
 * token endpoint exchanges for an OAuth access token (the JWT bearer grant, RFC 7523), which
 * is kept until shortly before it expires. Google's own client, google-auth-library, is not
 * used: it sends the grant to a fixed Google URL whatever the key file's token_uri says, so it
 * could not be pointed at a test server, and its current line needs Node 22.
 */
import { createSign } from "node:crypto"
import type { FcmSettings } from "../NotifySettings.ts"
import { describe, type Outcome, outcomeOfStatus, type PushProvider, retryAfterMs, sent } from "./Provider.ts"

const SCOPE = "https://www.googleapis.com/auth/firebase.messaging"

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url")

/** The signed assertion of the JWT bearer grant. */
export const serviceAccountAssertion = (account: FcmSettings["serviceAccount"], nowSeconds: number): string => {
  const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))
  const claims = base64url(JSON.stringify({
    iss: account.clientEmail,
    scope: SCOPE,
    aud: account.tokenUri,
    iat: nowSeconds,
    exp: nowSeconds + 3600
  }))
  const signature = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(account.privateKey)
  return `${header}.${claims}.${base64url(signature)}`
}

interface FcmErrorBody {
  readonly error?: {
    readonly code?: number
    readonly status?: string
    readonly message?: string
    readonly details?: ReadonlyArray<{ readonly "@type"?: string; readonly errorCode?: string }>
  }
}

export const make = (settings: FcmSettings, requestTimeoutMs: number): PushProvider => {
  const account = settings.serviceAccount
  const endpoint = (settings.endpoint ?? "https://fcm.googleapis.com").replace(/\/$/, "")
  const sendUrl = `${endpoint}/v1/projects/${encodeURIComponent(account.projectId)}/messages:send`
  let token: { readonly value: string; readonly until: number } | undefined
  let pending: Promise<string> | undefined

  const fetchToken = async (): Promise<string> => {
    const now = Math.floor(Date.now() / 1000)
    const response = await fetch(account.tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion: serviceAccountAssertion(account, now)
      }),
      signal: AbortSignal.timeout(requestTimeoutMs)
    })
    const body = await response.json().catch(() => ({})) as { access_token?: string; expires_in?: number; error?: string }
    if (!response.ok || typeof body.access_token !== "string") {
      throw new Error(`the OAuth token request failed: ${response.status} ${body.error ?? ""}`.trim())
    }
    token = { value: body.access_token, until: Date.now() + Math.max(60, (body.expires_in ?? 3600) - 60) * 1000 }
    return token.value
  }

  const accessToken = (): Promise<string> => {
    if (token !== undefined && token.until > Date.now()) return Promise.resolve(token.value)
    pending ??= fetchToken().finally(() => {
      pending = undefined
    })
    return pending
  }

  return {
    platform: "fcm",
    send: async (registration, notification): Promise<Outcome> => {
      try {
        const bearer = await accessToken()
        const message = {
          token: registration.token,
          notification: { title: notification.title, body: notification.body },
          // Data values must be strings in FCM.
          data: Object.fromEntries(Object.entries(notification.data).map(([key, value]) => [key, String(value)])),
          android: {
            collapse_key: notification.collapseKey,
            ttl: `${notification.ttlSeconds}s`,
            notification: { tag: notification.collapseKey, notification_count: notification.badge }
          },
          apns: {
            headers: { "apns-collapse-id": notification.collapseKey },
            payload: { aps: { badge: notification.badge } }
          },
          webpush: { headers: { Topic: notification.collapseKey, TTL: String(notification.ttlSeconds) } }
        }
        const response = await fetch(sendUrl, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ message }),
          signal: AbortSignal.timeout(requestTimeoutMs)
        })
        if (response.ok) return sent
        const body = await response.json().catch(() => ({})) as FcmErrorBody
        const code = body.error?.details?.find((detail) => detail.errorCode !== undefined)?.errorCode ?? body.error?.status ?? ""
        const reason = `${response.status} ${code} ${body.error?.message ?? ""}`.trim()
        if (code === "UNREGISTERED" || code === "SENDER_ID_MISMATCH") return { _tag: "invalid-token", reason }
        if (code === "INVALID_ARGUMENT" && /registration token/i.test(body.error?.message ?? "")) return { _tag: "invalid-token", reason }
        if (response.status === 401) {
          // The access token was refused (revoked, clock skew): fetch a new one next time.
          token = undefined
          return { _tag: "failed", reason, retry: true }
        }
        if (response.status === 404) return { _tag: "failed", reason, retry: false }
        const outcome = outcomeOfStatus(response.status, reason, response.headers.get("retry-after"))
        return outcome._tag === "throttled" ? { _tag: "throttled", retryAfterMs: retryAfterMs(response.headers.get("retry-after")) } : outcome
      } catch (error) {
        return { _tag: "failed", reason: describe(error), retry: true }
      }
    },
    close: async () => {}
  }
}
