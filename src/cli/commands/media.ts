/** weft client subcommands of the media feature. (Not built yet.) */
import type { ClientCommand } from "../ClientCommand.ts"

export const commands: ReadonlyArray<ClientCommand> = []
