/** weft client subcommands of contacts: request, accept, decline, list, remove. */
import { requireArgs } from "../args.ts"
import type { ClientCommand } from "../ClientCommand.ts"

// The SDK is imported when a command runs, so that `weft help` does not load it.

const stateName = async (state: number): Promise<string | number> => {
  const { ContactState } = await import("../../protocol/contacts.ts")
  const names: Record<number, string> = {
    [ContactState.CONTACT]: "contact",
    [ContactState.REQUEST_SENT]: "request-sent",
    [ContactState.REQUEST_RECEIVED]: "request-received"
  }
  return names[state] ?? state
}

const answer = (name: "accept-friend" | "decline-friend", accept: boolean): ClientCommand => ({
  name,
  usage: `${name} <user>`,
  description: `${accept ? "accept" : "decline"} the pending friend request of a user`,
  run: async ({ client, args, print }) => {
    const { respondToFriendRequest } = await import("../../client/contacts.ts")
    requireArgs(name, args, 1, "<user>")
    await respondToFriendRequest(client, args[0]!, accept)
    print({ userId: args[0], accepted: accept })
  }
})

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "add-friend",
    usage: "add-friend <user> [--message TEXT]",
    description: "send a friend request (accepts theirs if they asked first)",
    options: { message: { type: "string" } },
    run: async ({ client, args, flags, print }) => {
      const { sendFriendRequest } = await import("../../client/contacts.ts")
      requireArgs("add-friend", args, 1, "<user>")
      const accepted = await sendFriendRequest(client, args[0]!, (flags["message"] as string | undefined) ?? "")
      print({ userId: args[0], accepted })
    }
  },
  answer("accept-friend", true),
  answer("decline-friend", false),
  {
    name: "contacts",
    usage: "contacts",
    description: "print your contacts and pending requests, one per line",
    run: async ({ client, print }) => {
      const { listContacts } = await import("../../client/contacts.ts")
      for (const contact of await listContacts(client)) {
        print({ ...contact, state: await stateName(contact.state) })
      }
    }
  },
  {
    name: "remove-contact",
    usage: "remove-contact <user>",
    description: "remove a contact, or withdraw your pending request",
    run: async ({ client, args, print }) => {
      const { removeContact } = await import("../../client/contacts.ts")
      requireArgs("remove-contact", args, 1, "<user>")
      await removeContact(client, args[0]!)
      print({ removed: args[0] })
    }
  }
]
