/** `weft client`: drive a server from a shell; one JSON object per output line. */
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import type { ClientTls } from "../client/FrameConnection.ts"
import { parsePort, parseServer, UsageError } from "./args.ts"
import { clientCommands, clientCommandUsage, clientUsage } from "./clientCommands.ts"
import type { HttpEndpoint } from "./ClientCommand.ts"
import { changeJson } from "./commands/core.ts"
import { commandUsage } from "./usage.ts"

const print = (value: unknown): void => {
  process.stdout.write(JSON.stringify(value) + "\n")
}

const GLOBAL_FLAGS = new Set(["--server", "--user", "--password", "--app-token", "--device", "--transport", "--http-port", "--routes-file", "--tls-ca"])

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

const parseTransport = (transport: string | undefined) => {
  if (transport !== undefined && transport !== "tcp" && transport !== "ws" && transport !== "http") {
    throw new UsageError(`--transport must be tcp, ws or http, got "${transport}"`)
  }
  return transport
}

export const runClient = async (argv: ReadonlyArray<string>) => {
  const { global, rest } = splitGlobal(argv)
  const [name, ...tail] = rest
  if (name === undefined || name === "--help" || name === "-h") {
    if (name === undefined && argv.length > 0) throw new UsageError("a client command is required")
    return console.log(`usage:\n${commandUsage["client"]}\n${clientUsage}`)
  }
  if (tail.includes("--help") || tail.includes("-h")) {
    const help = clientCommandUsage(name)
    if (help === undefined) throw new UsageError(`unknown client command "${name}"`)
    return console.log(help)
  }
  const server = parseServer(global["server"]?.replace(/^tls:\/\//, ""))
  const user = global["user"]
  const password = global["password"]
  // A token the app's server signed for the user (docs/app-auth.md), best given in the environment.
  const appToken = global["app-token"] || process.env["WEFT_APP_TOKEN"] || undefined
  if (user === undefined) throw new UsageError("--user is required")
  if (password === undefined && (appToken === undefined || name === "register")) {
    throw new UsageError(name === "register" ? "--password is required" : "--password or --app-token (WEFT_APP_TOKEN) is required")
  }
  if (password !== undefined && appToken !== undefined) throw new UsageError("give --password or --app-token, not both")
  const transport = parseTransport(global["transport"])
  const tls = tlsOption(global)
  const httpPort = global["http-port"] === undefined ? undefined : parsePort("--http-port", global["http-port"], 0)
  const command = name === "register" ? undefined : clientCommands.find((candidate) => candidate.name === name)
  if (name !== "register" && command === undefined) throw new UsageError(`unknown client command "${name}"`)

  const { register, WeftClient } = await import("../client/WeftClient.ts")
  if (command === undefined) {
    const { values } = parseArgs({ args: tail, options: { "home-idc": { type: "string" } }, strict: true })
    await register({ ...server, transport, tls }, user, password!, "", values["home-idc"] ?? "")
    return print({ registered: user })
  }
  const { values: flags, positionals: args } = parseArgs({
    args: tail,
    options: command.options ?? {},
    allowPositionals: true,
    strict: true
  })

  const routesFile = global["routes-file"]
  const cursor = command.cursor?.(flags) ?? "head"
  const client = new WeftClient({
    transport,
    endpoints: [{ ...server, transport: transport ?? "tcp" }],
    httpPort,
    host: server.host,
    routeStore: routesFile === undefined ? undefined : (await import("../client/FileRouteStore.ts")).fileRouteStore(routesFile),
    tls,
    userId: user,
    password,
    appToken,
    deviceId: global["device"],
    cursor,
    reconnect: command.reconnect ?? false
  })
  /**
   * The gateway's HTTP port (media downloads): --server itself with --transport ws|http, else
   * --http-port on --server's host, else the HTTP endpoint of the server's route list.
   */
  const httpEndpoint = async (): Promise<HttpEndpoint> => {
    if (transport === "ws" || transport === "http") return server
    if (httpPort !== undefined) return { host: server.host, port: httpPort }
    const listed = (await client.routes()).find((endpoint) => endpoint.transport === "http")
    if (listed === undefined) throw new UsageError("the server lists no HTTP endpoint: give --http-port N (or --http HOST:PORT)")
    return { host: listed.host, port: listed.port }
  }
  // A command that starts from a cursor prints the changes the login's sync brings.
  if (cursor !== "head") client.on("change", (change) => print(changeJson(change)))
  try {
    await client.connect()
    await command.run({ client, args, flags, print, httpEndpoint })
  } finally {
    client.close()
  }
}
