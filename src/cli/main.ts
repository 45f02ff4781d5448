/** The `weft` command: `weft dev` runs a server, `weft client` talks to one. */
import { runClient } from "./client.ts"
import { runDev } from "./dev.ts"
import { UsageError } from "./args.ts"

const usage = `usage:
  weft dev [--host H] [--port N] [--http-port N] [--admin-port N]
      Dev mode: everything in one process, in-memory storage. Port 0 picks a free port.
  weft client --server HOST:PORT --user U --password P <command>
      register                             create the account U with password P
      send <to> <text> [--client-msg-id ID]  send a text message; prints the acknowledgement
      sync [--cursor N]                    print the changes after cursor N, one per line
      listen [--seconds S]                 print each pushed change as it arrives
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
