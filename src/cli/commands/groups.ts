/** weft client subcommands of groups: create, add, remove, leave, rename, members, send to a group. */
import { UsageError } from "../args.ts"
import type { ClientCommand } from "../ClientCommand.ts"

// The SDK is imported when a command runs, so that `weft help` does not load it.

const needs = (name: string, args: ReadonlyArray<string>, count: number, what: string) => {
  if (args.length !== count || args.some((arg) => arg === "")) throw new UsageError(`${name} needs ${what}`)
}

const list = (value: unknown): Array<string> =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String)

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "create-group",
    usage: "create-group <name> [--member U]...",
    description: "create a group you own, with members; prints it (its groupId)",
    options: { member: { type: "string", multiple: true } },
    run: async ({ client, args, flags, print }) => {
      const { createGroup } = await import("../../client/groups.ts")
      needs("create-group", args, 1, "<name>")
      print(await createGroup(client, args[0]!, list(flags["member"])))
    }
  },
  {
    name: "add-members",
    usage: "add-members <group> <user>...",
    description: "add users to a group you are in; prints who was added",
    run: async ({ client, args, print }) => {
      const { addMembers } = await import("../../client/groups.ts")
      if (args.length < 2) throw new UsageError("add-members needs <group> and at least one <user>")
      const result = await addMembers(client, args[0]!, args.slice(1))
      print({ added: result.added, memberCount: result.memberCount })
    }
  },
  {
    name: "remove-member",
    usage: "remove-member <group> <user>",
    description: "remove a member (owner only; yourself: leave)",
    run: async ({ client, args, print }) => {
      const { removeMember } = await import("../../client/groups.ts")
      needs("remove-member", args, 2, "<group> and <user>")
      await removeMember(client, args[0]!, args[1]!)
      print({ removed: args[1], groupId: args[0] })
    }
  },
  {
    name: "leave-group",
    usage: "leave-group <group>",
    description: "leave a group",
    run: async ({ client, args, print }) => {
      const { leaveGroup } = await import("../../client/groups.ts")
      needs("leave-group", args, 1, "<group>")
      await leaveGroup(client, args[0]!)
      print({ left: args[0] })
    }
  },
  {
    name: "rename-group",
    usage: "rename-group <group> <name>",
    description: "rename a group you are in",
    run: async ({ client, args, print }) => {
      const { renameGroup } = await import("../../client/groups.ts")
      needs("rename-group", args, 2, "<group> and <name>")
      await renameGroup(client, args[0]!, args[1]!)
      print({ groupId: args[0], name: args[1] })
    }
  },
  {
    name: "members",
    usage: "members <group>",
    description: "print a group you are in: name, owner, members",
    run: async ({ client, args, print }) => {
      const { listMembers } = await import("../../client/groups.ts")
      needs("members", args, 1, "<group>")
      print(await listMembers(client, args[0]!))
    }
  },
  {
    name: "send-group",
    usage: "send-group <group> <text> [--client-msg-id ID]",
    description: "send a text message to a group; prints the acknowledgement",
    options: { "client-msg-id": { type: "string" } },
    run: async ({ client, args, flags, print }) => {
      const { sendToGroup } = await import("../../client/groups.ts")
      needs("send-group", args, 2, "<group> and <text>")
      const ack = await sendToGroup(client, args[0]!, args[1]!, flags["client-msg-id"] as string | undefined)
      print({ messageId: ack.messageId, seq: ack.seq, sentAtMs: ack.sentAtMs, duplicate: ack.duplicate })
    }
  }
]
