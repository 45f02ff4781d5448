/** logout, devices, passwd. */
import { UsageError } from "../args.ts"
import type { ClientCommand } from "../ClientCommand.ts"

// The SDK is imported when a command runs, so that `weft help` does not load it.

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "logout",
    usage: "logout",
    description: "log this client's session out (its token stops working everywhere)",
    run: async ({ client, print }) => {
      const { listDevices, logout } = await import("../../client/devices.ts")
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
      const { listDevices } = await import("../../client/devices.ts")
      for (const session of await listDevices(client)) print(session)
    }
  },
  {
    name: "passwd",
    usage: "passwd <current password> <new password>",
    description: "change the user's password (every later login, in every data centre, needs the new one)",
    run: async ({ client, args, print }) => {
      if (args.length !== 2 || args[1] === "") throw new UsageError("passwd needs <current password> <new password>")
      const { changePassword } = await import("../../client/devices.ts")
      await changePassword(client, args[0]!, args[1]!)
      print({ passwordChanged: true })
    }
  }
]
