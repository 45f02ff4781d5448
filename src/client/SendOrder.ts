/**
 * The order rule of both SDKs' outboxes on HTTP, where requests travel on separate connections
 * and may overtake each other: a message waits while an earlier message of the same conversation
 * is still unacknowledged, so the server stores a sender's messages in the order sent.
 * Conversations are independent. Node-free: the gateway serves it to browsers as well.
 */
export interface Addressed {
  readonly message: { readonly to?: string | undefined; readonly groupId?: string | undefined }
}

/** The conversation a message belongs to: its group, else its recipient. */
export const conversationOf = (message: Addressed["message"]): string =>
  message.groupId ? `group:${message.groupId}` : `user:${message.to ?? ""}`

/** Whether `outgoing` must wait for an earlier entry of `unacknowledged` (oldest first). */
export const waitsBehind = <E extends Addressed>(unacknowledged: ReadonlyArray<E>, outgoing: E): boolean => {
  const conversation = conversationOf(outgoing.message)
  for (const earlier of unacknowledged) {
    if (earlier === outgoing) return false
    if (conversationOf(earlier.message) === conversation) return true
  }
  return false
}
