/**
 * The `weft` command: `weft dev` runs a server, `weft client` talks to one. Each command's code
 * is imported only when that command runs: `weft help` and `weft client` load no server code.
 */
import { UsageError } from "./args.ts"
import { commandUsage, usage } from "./usage.ts"

const isHelp = (arg: string) => arg === "--help" || arg === "-h"

const run = async (command: string, rest: ReadonlyArray<string>): Promise<void> => {
  switch (command) {
    case "dev":
      return (await import("./dev.ts")).runDev(rest)
    case "client":
      return (await import("./client.ts")).runClient(rest)
    case "local-cluster":
      return (await import("./localCluster.ts")).runLocalCluster(rest)
    case "local-idc":
      return (await import("./localIdc.ts")).runLocalIdc(rest)
    case "local-redis-cluster":
      return (await import("./localRedis.ts")).runLocalRedisCluster()
    case "runner":
      return (await import("./cluster.ts")).runRunner(rest)
    case "gateway":
      return (await import("./cluster.ts")).runGateway(rest)
    case "status":
      return (await import("./status.ts")).runStatus(rest)
  }
}

const fullUsage = async () => usage((await import("./clientCommands.ts")).clientUsage)

const main = async (argv: ReadonlyArray<string>) => {
  const [command, ...rest] = argv
  if (command === undefined || command === "help" || isHelp(command)) return console.log(await fullUsage())
  if (commandUsage[command] === undefined) throw new UsageError(`unknown command "${command}"`)
  // `weft client <subcommand> --help` is answered by the client's own help.
  if (command !== "client" && rest.some(isHelp)) return console.log(`usage:\n${commandUsage[command]}`)
  return run(command, rest)
}

// `weft ... | head -1`: the reader left; stop quietly instead of dying with an EPIPE trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})

/** A wrong command line: the message, and where the usage is (not the whole usage again). */
const isUsageError = (error: unknown) =>
  error instanceof UsageError || String((error as { code?: unknown })?.code ?? "").startsWith("ERR_PARSE_ARGS")

const argv = process.argv.slice(2)
main(argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error)
  if (isUsageError(error)) {
    const command = argv[0] !== undefined && commandUsage[argv[0]] !== undefined ? `weft ${argv[0]} --help` : "weft help"
    console.error(`weft: ${message} (usage: ${command})`)
    process.exit(2)
  }
  console.error(`weft: ${message}`)
  process.exit(1)
})
