/** weft client subcommands of the logs feature. (Not built yet.) */
import type { ClientCommand } from "../ClientCommand.ts"

export const commands: ReadonlyArray<ClientCommand> = []
