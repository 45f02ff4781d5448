/** Every `weft client` subcommand, and their usage lines. */
import type { ClientCommand } from "./ClientCommand.ts"
import * as contacts from "./commands/contacts.ts"
import { commands as coreCommands } from "./commands/core.ts"
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

const line = (usage: string, description: string) => `      ${usage.padEnd(36)} ${description}`

const registerUsage = line("register [--home-idc NAME]", "create the account U with password P (its home: NAME, or the IDC reached)")

export const clientUsage = [registerUsage, ...clientCommands.map((command) => line(command.usage, command.description))].join("\n")

/** `weft client <name> --help`: the global flags and that command's line. */
export const clientCommandUsage = (name: string): string | undefined => {
  const command = clientCommands.find((candidate) => candidate.name === name)
  const entry = name === "register" ? registerUsage : command === undefined ? undefined : line(command.usage, command.description)
  return entry === undefined
    ? undefined
    : `usage:\n  weft client --server HOST:PORT --user U (--password P | --app-token JWT) [--device D] [--transport tcp|ws|http] [--http-port N] ${name} ...\n${entry}`
}
