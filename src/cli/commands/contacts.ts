/** weft client subcommands of the contacts feature. (Not built yet.) */
import type { ClientCommand } from "../ClientCommand.ts"

export const commands: ReadonlyArray<ClientCommand> = []
