/** `weft client`: drive a server from a shell; one JSON object per output line. */
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import type { ClientTls } from "../client/FrameConnection.ts"
import { register, WeftClient } from "../client/WeftClient.ts"
import { fileRouteStore } from "../client/FileRouteStore.ts"
import { parsePort, parseServer, UsageError } from "./args.ts"
import type { ClientCommand } from "./ClientCommand.ts"
import * as contacts from "./commands/contacts.ts"
import { changeJson, commands as coreCommands } from "./commands/core.ts"
import * as devices from "./commands/devices.ts"
import * as groups from "./commands/groups.ts"
import * as logs from "./commands/logs.ts"
import * as media from "./commands/media.ts"
import * as messages from "./commands/messages.ts"
import * as moments from "./commands/moments.ts"
import * as profile from "./commands/profile.ts"
import * as routes from "./commands/routes.ts"

export const clientCommands: ReadonlyArray<ClientCommand> = [
  ...coreCommands,
  ...devices.commands,
  ...contacts.commands,
  ...profile.commands,
  ...groups.commands,
  ...messages.commands,
  ...moments.commands,
  ...logs.commands,
  ...media.commands,
  ...routes.commands
]

export const clientUsage = [
  "      register                             create the account U with password P",
  ...clientCommands.map((command) => `      ${command.usage.padEnd(36)} ${command.description}`)
].join("\n")

const print = (value: unknown) => process.stdout.write(JSON.stringify(value) + "\n")

const GLOBAL_FLAGS = new Set(["--server", "--user", "--password", "--device", "--transport", "--http-port", "--routes-file", "--tls-ca"])

/** Splits `--server X --user U ... <command> args --flag v` into the global flags and the rest. */
const splitGlobal = (argv: ReadonlyArray<string>) => {
  const global: Record<string, string> = {}
  const rest: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined]
    if (GLOBAL_FLAGS.has(flag)) {
      const value = inline ?? argv[++i]
      if (value === undefined) throw new UsageError(`${flag} needs a value`)
      global[flag.slice(2)] = value
    } else {
      rest.push(arg)
    }
  }
  return { global, rest }
}

/**
 * Where to connect: --server is a TCP endpoint, or the forced --transport's endpoint (ws and
 * http: the gateway's HTTP port); --http-port adds the WebSocket and HTTP fallbacks on the same
 * host; --routes-file remembers the endpoint that worked and the server's route list.
 */
/** TLS: `--server tls://HOST:PORT` (the system's authorities), or `--tls-ca FILE` (that PEM's). */
const tlsOption = (global: Record<string, string>): ClientTls | undefined => {
  const caFile = global["tls-ca"]
  if (caFile !== undefined) {
    try {
      return { ca: readFileSync(caFile, "utf8") }
    } catch (error) {
      throw new UsageError(`--tls-ca: cannot read ${caFile}: ${error instanceof Error ? error.message : error}`)
    }
  }
  return /^tls:\/\//.test(global["server"] ?? "") ? true : undefined
}

const connectionOptions = (server: { host: string; port: number }, global: Record<string, string>) => {
  const transport = global["transport"]
  if (transport !== undefined && transport !== "tcp" && transport !== "ws" && transport !== "http") {
    throw new UsageError(`--transport must be tcp, ws or http, got "${transport}"`)
  }
  const httpPort = global["http-port"] === undefined ? undefined : parsePort("--http-port", global["http-port"], 0)
  const routesFile = global["routes-file"]
  return {
    transport,
    endpoints: [{ ...server, transport: transport ?? "tcp" }],
    httpPort,
    host: server.host,
    routeStore: routesFile === undefined ? undefined : fileRouteStore(routesFile),
    tls: tlsOption(global)
  } as const
}

export const runClient = async (argv: ReadonlyArray<string>) => {
  const { global, rest } = splitGlobal(argv)
  const server = parseServer(global["server"]?.replace(/^tls:\/\//, ""))
  const user = global["user"]
  const password = global["password"]
  if (user === undefined) throw new UsageError("--user is required")
  if (password === undefined) throw new UsageError("--password is required")
  const [name, ...tail] = rest
  if (name === undefined) throw new UsageError("a client command is required")
  const connection = connectionOptions(server, global)

  if (name === "register") {
    await register({ ...server, transport: connection.transport, tls: connection.tls }, user, password)
    return print({ registered: user })
  }
  const command = clientCommands.find((candidate) => candidate.name === name)
  if (command === undefined) throw new UsageError(`unknown client command "${name}"`)
  const { values: flags, positionals: args } = parseArgs({
    args: tail,
    options: command.options ?? {},
    allowPositionals: true,
    strict: true
  })

  const cursor = command.cursor?.(flags) ?? "head"
  const client = new WeftClient({
    ...connection,
    userId: user,
    password,
    deviceId: global["device"],
    cursor,
    reconnect: command.reconnect ?? false
  })
  // A command that starts from a cursor prints the changes the login's sync brings.
  if (cursor !== "head") client.on("change", (change) => print(changeJson(change)))
  try {
    await client.connect()
    await command.run({ client, args, flags, print })
  } finally {
    client.close()
  }
}
