/** The upload actors of the media pipeline. (Not built yet: registers no entity.) */
import { Layer } from "effect"
import type { WeftSettings } from "../cluster/Settings.ts"

export const layer = (_settings: WeftSettings) => Layer.empty
