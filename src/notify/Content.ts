/**
 * Which changes notify, and what a notification says. A notification is a wake-up: by default
 * it names the sender and a count, never the text (a lock screen is not private); a device
 * that asked for previews gets the newest message's text. The app syncs for the rest.
 */
import { createHash } from "node:crypto"
import { ContactEventKind } from "../protocol/contacts.ts"
import { DeviceEventKind } from "../protocol/devices.ts"
import type { Change } from "../protocol/Proto.ts"
import type { NotificationKind, PendingNotification } from "./Outbox.ts"
import type { Notification } from "./providers/Provider.ts"

/** The conversation name of friend requests. */
export const CONTACTS = "contacts"

export interface Notifying {
  readonly kind: NotificationKind
  readonly conversation: string
  readonly sender: string
  readonly text: string
}

/** What a change means for notifications: one that notifies, a session that ended, or nothing. */
export const classify = (
  userId: string,
  change: Change
): Notifying | { readonly sessionEnded: string } | undefined => {
  const message = change.message
  if (message) {
    if (message.from === userId) return undefined
    return {
      kind: "message",
      conversation: message.groupId || message.from,
      sender: message.from,
      text: message.text
    }
  }
  const contact = change.contact
  if (contact && contact.kind === ContactEventKind.REQUEST_RECEIVED) {
    return { kind: "friend-request", conversation: CONTACTS, sender: contact.peer, text: contact.message }
  }
  const ready = change.mediaReady
  if (ready && ready.owner !== userId) {
    return { kind: "media-ready", conversation: ready.owner, sender: ready.owner, text: "" }
  }
  const device = change.device
  if (device && (device.kind === DeviceEventKind.LOGOUT || device.kind === DeviceEventKind.KICKED)) {
    return { sessionEnded: device.sessionId }
  }
  return undefined
}

/** A short opaque key per conversation: APNs collapse id, FCM collapse key, Web Push topic (<= 32 base64url). */
export const collapseKey = (conversation: string): string =>
  `w${createHash("sha256").update(conversation).digest("base64url").slice(0, 22)}`

const plural = (count: number, one: string, many: string) => count === 1 ? one : `${count} ${many}`

export const render = (
  pending: PendingNotification,
  unread: { readonly conversation: number; readonly total: number },
  preview: boolean,
  ttlSeconds: number
): Notification => {
  const count = pending.kind === "message" ? Math.max(1, unread.conversation) : 1
  const isGroup = pending.conversation.startsWith("g:")
  const title = pending.kind === "friend-request" ? "Friend request" : pending.sender
  const body = pending.kind === "friend-request"
    ? `${pending.sender} wants to be your contact`
    : pending.kind === "media-ready"
    ? `${pending.sender}: media is ready`
    : preview && pending.text !== ""
    ? pending.text.length > 200 ? `${pending.text.slice(0, 199)}…` : pending.text
    : `${plural(count, "New message", "new messages")}${isGroup ? " in a group" : ""}`
  return {
    userId: pending.userId,
    title,
    body,
    badge: unread.total,
    collapseKey: collapseKey(pending.conversation),
    ttlSeconds,
    data: { kind: pending.kind, conversation: pending.conversation, sender: pending.sender, count, seq: pending.seq }
  }
}
