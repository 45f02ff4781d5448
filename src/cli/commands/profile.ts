/** weft client subcommands of profiles: show, set name and signature, set the avatar. */
import { readFileSync } from "node:fs"
import { extname } from "node:path"
import { requireArgs, UsageError } from "../args.ts"
import type { ClientCommand } from "../ClientCommand.ts"

// The SDK is imported when a command runs, so that `weft help` does not load it.

const typesByExtension: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp"
}

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "profile",
    usage: "profile [<user>]",
    description: "print a user's profile (yours without <user>)",
    run: async ({ client, args, print }) => {
      const { getProfile } = await import("../../client/profile.ts")
      if (args.length > 1) throw new UsageError("profile takes at most one <user>")
      print(await getProfile(client, args[0] ?? ""))
    }
  },
  {
    name: "set-profile",
    usage: "set-profile [--name NAME] [--signature TEXT]",
    description: "change your display name and/or signature; prints the profile",
    options: { name: { type: "string" }, signature: { type: "string" } },
    run: async ({ client, args, flags, print }) => {
      const { setProfile } = await import("../../client/profile.ts")
      requireArgs("set-profile", args, 0, "no arguments, only --name and/or --signature")
      const displayName = flags["name"] as string | undefined
      const signature = flags["signature"] as string | undefined
      if (displayName === undefined && signature === undefined) throw new UsageError("set-profile needs --name or --signature")
      print(await setProfile(client, { displayName, signature }))
    }
  },
  {
    name: "set-avatar",
    usage: "set-avatar <image file> [--type image/png]",
    description: "set your avatar (type from the file's extension unless given); prints the profile",
    options: { type: { type: "string" } },
    run: async ({ client, args, flags, print }) => {
      const { setAvatar } = await import("../../client/profile.ts")
      requireArgs("set-avatar", args, 1, "<image file>")
      const contentType = (flags["type"] as string | undefined) ?? typesByExtension[extname(args[0]!).toLowerCase()]
      if (contentType === undefined) throw new UsageError("set-avatar needs --type for a file without a known image extension")
      let image: Uint8Array
      try {
        image = readFileSync(args[0]!)
      } catch (error) {
        throw new UsageError(`cannot read ${args[0]}: ${(error as Error).message}`)
      }
      print(await setAvatar(client, image, contentType))
    }
  }
]
