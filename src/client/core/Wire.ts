/**
 * What the client core asks of a way to the gateway, whatever carries it (a TCP socket, a
 * WebSocket, HTTP short connections) and whatever encodes the messages (Node's compiled proto/
 * or the browser's schema). Node-free: the gateway serves it to browsers as well.
 */
import { Command } from "../../protocol/Command.ts"

/** A protobuf message type's encoder and decoder. */
export interface WireCodec<T> {
  readonly encode: (value: T) => Uint8Array
  readonly decode: (bytes: Uint8Array) => T
}

/** A response with a base response (every weft response has one). */
export interface Answer {
  readonly base?: { readonly code: number; readonly message: string } | null
}

/** One command: its frame id, its short-connection name (POST /cgi-bin/<name>), its codecs. */
export interface Exchange<Req, Res> {
  readonly id: number
  readonly name: string
  readonly request: WireCodec<Req>
  readonly response: WireCodec<Res>
}

export type LinkTransport = "tcp" | "ws" | "http"

/** Who is asking, for the short connection (a long connection knows it from its login). */
export interface LinkSession {
  readonly userId: string
  readonly sessionToken: string
  readonly deviceId: string
}

/** One way to the gateway as the core uses it: a long connection or the HTTP link. */
export interface SessionLink {
  readonly transport: LinkTransport
  readonly isClosed: boolean
  /** Resolves with the response; rejects with WeftRequestError or DisconnectedError. */
  exchange<Req, Res extends Answer>(command: Exchange<Req, Res>, body: Req, timeoutMs?: number): Promise<Res>
  /** Signs the following requests (the short connection; a long connection ignores it). */
  setSession(session: LinkSession): void
  /** Closes politely; no onClose. */
  close(): void
  /** Drops the link as a failing network would: its owner hears of it as a loss. */
  destroy(): void
}

/** The short-connection name of each of weft's commands: its name in lower case without underscores. */
const commandNames = new Map<number, string>(
  Object.entries(Command).map(([name, id]) => [id, name.toLowerCase().replaceAll("_", "")])
)

export const commandName = (id: number): string | undefined => commandNames.get(id)

/** One of weft's commands with its codecs. */
export const exchange = <Req, Res>(id: number, request: WireCodec<Req>, response: WireCodec<Res>): Exchange<Req, Res> => ({
  id,
  name: commandNames.get(id) ?? String(id),
  request,
  response
})
