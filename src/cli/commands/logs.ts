/** upload-log. */
import { readFile } from "node:fs/promises"
import { UsageError } from "../args.ts"
import type { ClientCommand } from "../ClientCommand.ts"

// The SDK is imported when a command runs, so that `weft help` does not load it.

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "upload-log",
    usage: "upload-log <path.gz> [--reason R] [--app-version V]",
    description: "upload a gzip log for the operators (also --meta K=V, repeatable)",
    options: {
      reason: { type: "string" },
      "app-version": { type: "string" },
      meta: { type: "string", multiple: true }
    },
    run: async ({ client, args, flags, print }) => {
      const { uploadLog } = await import("../../client/logs.ts")
      if (args.length !== 1 || args[0] === "") throw new UsageError("upload-log needs <path.gz>")
      const metadata: Record<string, string> = {}
      for (const entry of (flags["meta"] as ReadonlyArray<string> | undefined) ?? []) {
        const at = entry.indexOf("=")
        if (at <= 0) throw new UsageError(`--meta must be KEY=VALUE, got "${entry}"`)
        metadata[entry.slice(0, at)] = entry.slice(at + 1)
      }
      let log: Uint8Array
      try {
        log = await readFile(args[0]!)
      } catch (error) {
        throw new UsageError(`cannot read ${args[0]}: ${(error as Error).message}`)
      }
      const report = await uploadLog(client, {
        log,
        reason: flags["reason"] as string | undefined,
        appVersion: flags["app-version"] as string | undefined,
        metadata
      })
      print(report)
    }
  }
]
