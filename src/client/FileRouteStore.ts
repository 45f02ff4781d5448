/** A route store in a JSON file, for Node apps and the CLI. */
import * as Fs from "node:fs"
import * as Path from "node:path"
import type { RouteState, RouteStore } from "./RouteStore.ts"

/** A JSON file; a missing or unreadable file is an empty state, and write errors are ignored. */
export const fileRouteStore = (file: string): RouteStore => ({
  load: () => {
    try {
      return JSON.parse(Fs.readFileSync(file, "utf8")) as RouteState
    } catch {
      return undefined
    }
  },
  save: (state) => {
    try {
      Fs.mkdirSync(Path.dirname(file), { recursive: true })
      const temporary = `${file}.${process.pid}.tmp`
      Fs.writeFileSync(temporary, JSON.stringify(state, null, 2))
      Fs.renameSync(temporary, file)
    } catch {
      // Remembering routes is an optimisation: a client that cannot save still works.
    }
  }
})
