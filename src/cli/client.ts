/** `weft client`: drive a server from a shell; one JSON object per output line. */
import { parseArgs } from "node:util"
import { register, WeftClient } from "../client/WeftClient.ts"
import { parseServer, UsageError } from "./args.ts"
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

export const clientCommands: ReadonlyArray<ClientCommand> = [
  ...coreCommands,
  ...devices.commands,
  ...contacts.commands,
  ...profile.commands,
  ...groups.commands,
  ...messages.commands,
  ...moments.commands,
  ...logs.commands,
  ...media.commands
]

export const clientUsage = [
  "      register                             create the account U with password P",
  ...clientCommands.map((command) => `      ${command.usage.padEnd(36)} ${command.description}`)
].join("\n")

const print = (value: unknown) => process.stdout.write(JSON.stringify(value) + "\n")

const GLOBAL_FLAGS = new Set(["--server", "--user", "--password", "--device"])

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

export const runClient = async (argv: ReadonlyArray<string>) => {
  const { global, rest } = splitGlobal(argv)
  const server = parseServer(global["server"])
  const user = global["user"]
  const password = global["password"]
  if (user === undefined) throw new UsageError("--user is required")
  if (password === undefined) throw new UsageError("--password is required")
  const [name, ...tail] = rest
  if (name === undefined) throw new UsageError("a client command is required")

  if (name === "register") {
    await register(server, user, password)
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
    ...server,
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
