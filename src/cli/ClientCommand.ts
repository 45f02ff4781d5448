/** A `weft client` subcommand: it runs on a logged-in client and prints JSON lines. */
import type { ParseArgsOptionsConfig } from "node:util"
import type { WeftClient } from "../client/WeftClient.ts"

/** Where the gateway's HTTP port is (for media downloads). */
export interface HttpEndpoint {
  readonly host: string
  readonly port: number
}

export interface ClientCommandContext {
  readonly client: WeftClient
  /** Positional arguments after the subcommand's name. */
  readonly args: ReadonlyArray<string>
  /** The subcommand's own options, parsed with its `options`. */
  readonly flags: Readonly<Record<string, string | boolean | ReadonlyArray<string | boolean> | undefined>>
  /** Writes one JSON object as one line on stdout. */
  readonly print: (value: unknown) => void
  /** The gateway's HTTP endpoint, from --server (ws/http), --http-port, or the server's route list. */
  readonly httpEndpoint: () => Promise<HttpEndpoint>
}

export interface ClientCommand {
  readonly name: string
  /** One usage line: "send <to> <text> [--client-msg-id ID]". */
  readonly usage: string
  readonly description: string
  readonly options?: ParseArgsOptionsConfig
  /** The log position to start from: "head" skips history (default), a number syncs from it. */
  readonly cursor?: (flags: ClientCommandContext["flags"]) => number | "head"
  /** Keep reconnecting while running (listen). */
  readonly reconnect?: boolean
  readonly run: (context: ClientCommandContext) => Promise<void>
}
