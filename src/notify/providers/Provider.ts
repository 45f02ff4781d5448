/**
 * One push service behind one interface: send one notification to one registered device and
 * say how it went. Each implementation maps its service's answers onto the same outcomes, so
 * the delivery job retries, drops or forgets a token the same way for all of them.
 */
import type { PushPlatformName } from "../../protocol/notify.ts"
import type { PushRegistration } from "../Registrations.ts"

/** What a notification says, ready for any service. */
export interface Notification {
  /** The user the notification is for. */
  readonly userId: string
  readonly title: string
  readonly body: string
  /** The user's unread total. */
  readonly badge: number
  /** One per conversation: a newer notification replaces the older one on the device. */
  readonly collapseKey: string
  /** How long the service should keep trying to reach the device, in seconds. */
  readonly ttlSeconds: number
  /** For the app: what happened, so it can show its own text and open the conversation. */
  readonly data: {
    readonly kind: string
    readonly conversation: string
    readonly sender: string
    /** Unread messages of the conversation (1 for a friend request or a media-ready). */
    readonly count: number
    readonly seq: number
  }
}

export type Outcome =
  | { readonly _tag: "sent" }
  /** The service says the token is dead: forget the registration. */
  | { readonly _tag: "invalid-token"; readonly reason: string }
  /** Too many requests: try again later (after `retryAfterMs` when the service said). */
  | { readonly _tag: "throttled"; readonly retryAfterMs?: number | undefined }
  /** Failed: `retry` when trying again may help (an outage), else the notification is dropped. */
  | { readonly _tag: "failed"; readonly reason: string; readonly retry: boolean }

export interface PushProvider {
  readonly platform: PushPlatformName
  /** Never rejects: every failure is an Outcome. */
  readonly send: (registration: PushRegistration, notification: Notification) => Promise<Outcome>
  readonly close: () => Promise<void>
}

export const sent: Outcome = { _tag: "sent" }

/** The usual meaning of an HTTP status from a push service. */
export const outcomeOfStatus = (status: number, reason: string, retryAfter?: string | null): Outcome => {
  if (status >= 200 && status < 300) return sent
  if (status === 404 || status === 410) return { _tag: "invalid-token", reason }
  if (status === 429) return { _tag: "throttled", retryAfterMs: retryAfterMs(retryAfter) }
  return { _tag: "failed", reason, retry: status >= 500 || status === 408 }
}

/** Retry-After in seconds (or an HTTP date), as milliseconds. */
export const retryAfterMs = (header: string | null | undefined): number | undefined => {
  if (header === null || header === undefined || header === "") return undefined
  if (/^\d+$/.test(header)) return Number(header) * 1000
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

export const describe = (error: unknown): string => error instanceof Error ? error.message : String(error)
