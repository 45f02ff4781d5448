/** routes: the server's route list. */
import type { ClientCommand } from "../ClientCommand.ts"

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "routes",
    usage: "routes",
    description: "print the server's endpoints, best first: address, port, transport, weight",
    run: async ({ client, print }) => {
      for (const endpoint of await client.routes()) {
        print({ address: endpoint.host, port: endpoint.port, transport: endpoint.transport, weight: endpoint.weight })
      }
    }
  }
]
