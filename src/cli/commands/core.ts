/** send, sync, listen. */
import type { Change } from "../../protocol/Proto.ts"
import { parseCount, UsageError } from "../args.ts"
import type { ClientCommand } from "../ClientCommand.ts"

/** A change as one JSON object: seq, time, and its one body field. */
export const changeJson = (change: Change) => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(change)) if (value !== null && value !== undefined) out[key] = value
  return out
}

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "send",
    usage: "send <to> <text> [--client-msg-id ID]",
    description: "send a text message; prints the acknowledgement",
    options: { "client-msg-id": { type: "string" } },
    run: async ({ client, args, flags, print }) => {
      if (args.length !== 2 || args[0] === "" || args[1] === "") throw new UsageError("send needs <to> and <text>")
      const ack = await client.send(args[0]!, args[1]!, flags["client-msg-id"] as string | undefined)
      print({ messageId: ack.messageId, seq: ack.seq, sentAtMs: ack.sentAtMs, duplicate: ack.duplicate })
    }
  },
  {
    name: "sync",
    usage: "sync [--cursor N]",
    description: "print the changes after cursor N (default 0), one per line",
    options: { cursor: { type: "string" } },
    cursor: (flags) => parseCount("--cursor", flags["cursor"] as string | undefined, 0),
    // The changes are printed as the login's sync applies them (see run).
    run: async () => {}
  },
  {
    name: "listen",
    usage: "listen [--seconds S]",
    description: "print each change pushed from now on (0 seconds: until Ctrl-C)",
    options: { seconds: { type: "string" } },
    reconnect: true,
    run: async ({ client, flags, print }) => {
      const seconds = parseCount("--seconds", flags["seconds"] as string | undefined, 0)
      client.on("change", (change) => print(changeJson(change)))
      await new Promise<void>((resolve) => {
        if (seconds > 0) setTimeout(resolve, seconds * 1000)
        process.once("SIGINT", resolve)
        process.once("SIGTERM", resolve)
      })
    }
  }
]
