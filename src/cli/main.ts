/** The `weft` command: `weft dev` runs a server, `weft client` talks to one. */
import { clientUsage, runClient } from "./client.ts"
import { runDev } from "./dev.ts"
import { UsageError } from "./args.ts"

const usage = `usage:
  weft dev [--host H] [--port N] [--http-port N] [--admin-port N]
      Dev mode: everything in one process, in-memory storage. Port 0 picks a free port.
  weft client --server HOST:PORT --user U --password P [--device D] <command>
${clientUsage}
  Every client command prints one JSON object per line; errors go to stderr with exit code 1.`

const main = async (argv: ReadonlyArray<string>) => {
  const [command, ...rest] = argv
  switch (command) {
    case "dev":
      return runDev(rest)
    case "client":
      return runClient(rest)
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(usage)
      return
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`weft: ${error.message}\n\n${usage}`)
    process.exit(2)
  }
  console.error(`weft: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
