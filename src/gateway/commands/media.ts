/** Commands of the media feature. (Not built yet: serves nothing.) */
import { Effect } from "effect"
import type { CommandHandler } from "../CommandTable.ts"

export const handlers: Effect.Effect<ReadonlyArray<CommandHandler>> = Effect.succeed([])
