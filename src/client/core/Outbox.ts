/**
 * Messages on their way to the server. Each is kept, under its client message id, until the
 * server acknowledges it, and is sent again on the next link after a loss; the server stores a
 * client message id once, so a resend never duplicates.
 *
 * Order: a long connection carries requests in order and the server handles them in order, so
 * sends go out back to back — behind the ones in flight on the same link, but never ahead of an
 * earlier one of the conversation that waits for its resend (a message sent while the client is
 * back online but has not resent yet, or while an older link's request has yet to fail, would
 * be stored before it). HTTP requests travel on separate connections and may overtake each
 * other, so there a message waits until the one before it in the same conversation is
 * acknowledged: a sender's messages are stored in the order sent on every transport. Node-free.
 */
import type { SendMessageResponse } from "../../protocol/Proto.ts"
import { Status } from "../../protocol/Status.ts"
import { DisconnectedError, WeftRequestError } from "../errors.ts"
import { waitsBehind } from "../SendOrder.ts"
import type { OutgoingMessage } from "./SessionOptions.ts"
import type { SessionLink } from "./Wire.ts"

/** Failures of the server that the same request may get past later. */
export const isRetryable = (error: Error) =>
  error instanceof WeftRequestError && (error.code === Status.UNAVAILABLE || error.code === Status.INTERNAL)

interface Outgoing {
  readonly message: OutgoingMessage
  readonly clientMsgId: string
  readonly resolve: (ack: SendMessageResponse) => void
  readonly reject: (error: Error) => void
  /** The link of the attempt in flight, if any. */
  link: SessionLink | undefined
}

export class Outbox {
  private readonly entries: Array<Outgoing> = []

  /**
   * `onlineLink`: the logged-in link to send on, or undefined while there is none. `send`: the
   * SEND_MESSAGE request on a link. `acknowledged`: told of each acknowledgement before the
   * sender's promise resolves (the client applies its own message from it: sends carry no_echo).
   */
  constructor(
    private readonly onlineLink: () => SessionLink | undefined,
    private readonly send: (link: SessionLink, message: OutgoingMessage, clientMsgId: string) => Promise<SendMessageResponse>,
    private readonly acknowledged: (message: OutgoingMessage, clientMsgId: string, ack: SendMessageResponse) => void
  ) {}

  /** Messages not yet acknowledged. */
  get size(): number {
    return this.entries.length
  }

  /** Keeps the message until acknowledged; sends it at once when online. */
  add(message: OutgoingMessage, clientMsgId: string): Promise<SendMessageResponse> {
    return new Promise((resolve, reject) => {
      const outgoing: Outgoing = { message, clientMsgId, resolve, reject, link: undefined }
      this.entries.push(outgoing)
      this.transmit(outgoing)
    })
  }

  /** Sends every message that is not in flight (after a login). */
  flush(): void {
    for (const outgoing of this.entries) if (outgoing.link === undefined) this.transmit(outgoing)
  }

  rejectAll(error: Error): void {
    for (const outgoing of this.entries.splice(0)) outgoing.reject(error)
  }

  private transmit(outgoing: Outgoing): void {
    const link = this.onlineLink()
    if (link === undefined) return
    const pipelined = link.transport !== "http"
    if (waitsBehind(this.entries, outgoing, (earlier) => pipelined && earlier.link === link)) return
    outgoing.link = link
    this.send(link, outgoing.message, outgoing.clientMsgId).then(
      (ack) => {
        this.remove(outgoing)
        this.acknowledged(outgoing.message, outgoing.clientMsgId, ack)
        outgoing.resolve(ack)
        // The next message of the conversation may go now.
        this.flush()
      },
      (error: Error) => {
        // A later attempt on another link owns this message now.
        if (outgoing.link !== link) return
        outgoing.link = undefined
        if (isRetryable(error)) {
          setTimeout(() => this.flush(), 500)
        } else if (error instanceof DisconnectedError) {
          // Kept for the next login; if the client has already moved to another link (an
          // upgrade from HTTP), resent there now, with what waited behind it.
          const current = this.onlineLink()
          if (current !== undefined && current !== link) this.flush()
        } else {
          this.remove(outgoing)
          outgoing.reject(error)
          this.flush()
        }
      }
    )
  }

  private remove(outgoing: Outgoing): void {
    const index = this.entries.indexOf(outgoing)
    if (index >= 0) this.entries.splice(index, 1)
  }
}
