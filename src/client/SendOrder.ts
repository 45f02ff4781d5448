/**
 * The order rule of both SDKs' outboxes: a message waits while an earlier message of the same
 * conversation is still unacknowledged — on HTTP, where requests travel on separate connections
 * and may overtake each other, whatever that message's state; on a long connection, unless it is
 * already in flight on the same link — so the server stores a sender's messages in the order
 * sent. Conversations are independent. Node-free: the gateway serves it to browsers as well.
 */
export interface Addressed {
  readonly message: { readonly to?: string | undefined; readonly groupId?: string | undefined }
}

/** The conversation a message belongs to: its group, else its recipient. */
export const conversationOf = (message: Addressed["message"]): string =>
  message.groupId ? `group:${message.groupId}` : `user:${message.to ?? ""}`

/**
 * Whether `outgoing` must wait for an earlier entry of `unacknowledged` (oldest first) of its
 * conversation. `aheadInOrder`: an earlier entry it holds for does not hold `outgoing` back (on a
 * long connection, one already in flight on the same link: the link keeps their order).
 */
export const waitsBehind = <E extends Addressed>(
  unacknowledged: ReadonlyArray<E>,
  outgoing: E,
  aheadInOrder: (earlier: E) => boolean = () => false
): boolean => {
  const conversation = conversationOf(outgoing.message)
  for (const earlier of unacknowledged) {
    if (earlier === outgoing) return false
    if (conversationOf(earlier.message) === conversation && !aheadInOrder(earlier)) return true
  }
  return false
}
