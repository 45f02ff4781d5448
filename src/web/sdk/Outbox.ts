/**
 * Messages sent but not yet acknowledged. Each keeps its client message id for life, so a
 * resend after a lost acknowledgement (or a reconnect, or a switch of transport) is stored once.
 */
import type { Media } from "../../protocol/messages.ts"
import type { SendMessageResponse } from "../../protocol/Proto.ts"
import { Status } from "../../protocol/Status.ts"
import { waitsBehind } from "../../client/SendOrder.ts"
import { DisconnectedError, WeftRequestError } from "./Transport.ts"

/** A message to send: 1:1 (`to`) or to a group (`groupId`), text or media (see sync.proto). */
export interface OutgoingMessage {
  readonly to?: string | undefined
  readonly groupId?: string | undefined
  readonly type?: number | undefined
  readonly text?: string | undefined
  readonly media?: Media | null | undefined
}

export interface Outgoing {
  readonly message: OutgoingMessage
  readonly clientMsgId: string
  readonly resolve: (ack: SendMessageResponse) => void
  readonly reject: (error: Error) => void
  inFlight: boolean
}

export class Outbox {
  private readonly entries: Array<Outgoing> = []

  /**
   * `transmit` sends one message on the current transport (rejecting with DisconnectedError when
   * offline). `ordered` says whether the transport may reorder requests (HTTP: each on its own
   * connection): then a message waits until the one before it in its conversation is
   * acknowledged, so the server stores a sender's messages in the order sent.
   */
  constructor(
    private readonly transmit: (outgoing: Outgoing) => Promise<SendMessageResponse>,
    private readonly mayReorder: () => boolean = () => false
  ) {}

  get size(): number {
    return this.entries.length
  }

  add(message: OutgoingMessage, clientMsgId: string, sendNow: boolean): Promise<SendMessageResponse> {
    return new Promise((resolve, reject) => {
      const outgoing: Outgoing = { message, clientMsgId, resolve, reject, inFlight: false }
      this.entries.push(outgoing)
      if (sendNow) this.send(outgoing)
    })
  }

  /** After a login: everything not already on its way goes again, with its own id. */
  resendAll(): void {
    for (const outgoing of this.entries) if (!outgoing.inFlight) this.send(outgoing)
  }

  rejectAll(error: Error): void {
    for (const outgoing of this.entries.splice(0)) outgoing.reject(error)
  }

  private send(outgoing: Outgoing): void {
    if (this.mayReorder() && waitsBehind(this.entries, outgoing)) return
    outgoing.inFlight = true
    this.transmit(outgoing).then(
      (ack) => {
        this.remove(outgoing)
        outgoing.resolve(ack)
        // The next message of the conversation may go now.
        if (this.mayReorder()) this.resendAll()
      },
      (error: Error) => {
        outgoing.inFlight = false
        // Lost with the connection: kept for the next login. Server busy: tried again shortly.
        if (error instanceof DisconnectedError) return
        if (isRetryable(error)) {
          setTimeout(() => this.entries.includes(outgoing) && !outgoing.inFlight && this.send(outgoing), 500)
          return
        }
        this.remove(outgoing)
        outgoing.reject(error)
        if (this.mayReorder()) this.resendAll()
      }
    )
  }

  private remove(outgoing: Outgoing): void {
    const index = this.entries.indexOf(outgoing)
    if (index >= 0) this.entries.splice(index, 1)
  }
}

const isRetryable = (error: Error) =>
  error instanceof WeftRequestError && (error.code === Status.UNAVAILABLE || error.code === Status.INTERNAL)

/**
 * A random id from the browser's crypto, which works on plain-HTTP pages too: 96 bits in 16
 * characters (base64url; a client message id travels twice in every message).
 */
export const randomId = (): string =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(12)))).replaceAll("+", "-").replaceAll("/", "_")
