/** `weft client`: drive a server from a shell; one JSON object per output line. */
import { parseArgs } from "node:util"
import { register, WeftClient } from "../client/WeftClient.ts"
import type { Change } from "../protocol/Proto.ts"
import { parseCount, parseServer, UsageError } from "./args.ts"

const print = (value: unknown) => process.stdout.write(JSON.stringify(value) + "\n")

const changeJson = (change: Change) => ({
  seq: change.seq,
  atMs: change.atMs,
  ...(change.message ? { message: change.message } : {})
})

export const runClient = async (argv: ReadonlyArray<string>) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      server: { type: "string" },
      user: { type: "string" },
      password: { type: "string" },
      "client-msg-id": { type: "string" },
      cursor: { type: "string" },
      seconds: { type: "string" }
    },
    allowPositionals: true,
    strict: true
  })
  const server = parseServer(values.server)
  if (values.user === undefined) throw new UsageError("--user is required")
  if (values.password === undefined) throw new UsageError("--password is required")
  const [command, ...args] = positionals

  if (command === "register") {
    await register(server, values.user, values.password)
    return print({ registered: values.user })
  }
  if (command !== "send" && command !== "sync" && command !== "listen") {
    throw new UsageError(command === undefined ? "a client command is required" : `unknown client command "${command}"`)
  }
  if (command === "send" && (args.length !== 2 || args[0] === "" || args[1] === "")) {
    throw new UsageError("send needs <to> and <text>")
  }

  const cursor = parseCount("--cursor", values.cursor, 0)
  const client = new WeftClient({
    ...server,
    userId: values.user,
    password: values.password,
    cursor: command === "sync" ? cursor : "head",
    reconnect: command === "listen"
  })
  try {
    if (command === "sync") {
      client.on("change", (change) => print(changeJson(change)))
      await client.connect()
      return
    }
    await client.connect()
    if (command === "send") {
      const ack = await client.send(args[0]!, args[1]!, values["client-msg-id"])
      return print({ messageId: ack.messageId, seq: ack.seq, sentAtMs: ack.sentAtMs, duplicate: ack.duplicate })
    }
    // listen: from the head on, print each change as it is pushed (or synced after a gap).
    const seconds = parseCount("--seconds", values.seconds, 0)
    client.on("change", (change) => print(changeJson(change)))
    await new Promise<void>((resolve) => {
      if (seconds > 0) setTimeout(resolve, seconds * 1000)
      process.once("SIGINT", resolve)
      process.once("SIGTERM", resolve)
    })
  } finally {
    client.close()
  }
}
