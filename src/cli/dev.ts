/** `weft dev`: the whole server in this process, until Ctrl-C. */
import { parseArgs } from "node:util"
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { dev } from "../cluster/Dev.ts"
import { withOverrides } from "../cluster/Settings.ts"
import { TcpServer } from "../gateway/TcpServer.ts"
import { parsePort } from "./args.ts"

export const runDev = async (argv: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "http-port": { type: "string" },
      "admin-port": { type: "string" }
    },
    strict: true
  })
  const host = values.host ?? "127.0.0.1"
  const settings = withOverrides({
    gateway: {
      host,
      tcpPorts: [parsePort("--port", values.port, 9300)]
    }
  })

  const program = Effect.gen(function*() {
    const tcp = yield* TcpServer
    const first = tcp.listening[0]!
    const server = `${first.host}:${first.port}`
    for (const listening of tcp.listening) console.log(`weft dev: long connections (TCP) on ${listening.host}:${listening.port}`)
    console.log("weft dev: storage is in memory; Ctrl-C stops the server")
    console.log(
      `try it:  npx weft client --server ${server} --user alice --password secret-pw register && ` +
        `npx weft client --server ${server} --user alice --password secret-pw send alice "hello"`
    )
    return yield* Effect.never
  })

  NodeRuntime.runMain(program.pipe(Effect.provide(Layer.fresh(dev(settings)))))
}
