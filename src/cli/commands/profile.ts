/** weft client subcommands of the profile feature. (Not built yet.) */
import type { ClientCommand } from "../ClientCommand.ts"

export const commands: ReadonlyArray<ClientCommand> = []
