/** logout, devices. */
import { listDevices, logout } from "../../client/devices.ts"
import type { ClientCommand } from "../ClientCommand.ts"

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "logout",
    usage: "logout",
    description: "log this client's session out (its token stops working everywhere)",
    run: async ({ client, print }) => {
      const sessionId = (await listDevices(client)).find((session) => session.current)?.sessionId
      await logout(client)
      print({ loggedOut: true, sessionId })
    }
  },
  {
    name: "devices",
    usage: "devices",
    description: "list the user's signed-in devices, one per line (current: this client)",
    run: async ({ client, print }) => {
      for (const session of await listDevices(client)) print(session)
    }
  }
]
