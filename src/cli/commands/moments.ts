/** weft client subcommands of moments: post, feed, comment, like. */
import { parseCount, requireArgs, UsageError } from "../args.ts"
import type { ClientCommand } from "../ClientCommand.ts"

// The SDK is imported when a command runs, so that `weft help` does not load it.

const list = (value: unknown): Array<string> =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String)

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "post-moment",
    usage: "post-moment [<text>] [--media ID:TYPE]... [--client-post-id ID]",
    description: "post a moment to your contacts; prints it",
    options: { media: { type: "string", multiple: true }, "client-post-id": { type: "string" } },
    run: async ({ client, args, flags, print }) => {
      const { postMoment } = await import("../../client/moments.ts")
      if (args.length > 1) throw new UsageError("post-moment takes one <text> (quote it)")
      const media = list(flags["media"]).map((item) => {
        const at = item.indexOf(":")
        if (at <= 0) throw new UsageError(`--media must be MEDIA_ID:MIME_TYPE, got "${item}"`)
        return { mediaId: item.slice(0, at), mimeType: item.slice(at + 1) }
      })
      const posted = await postMoment(client, { text: args[0] ?? "", media }, flags["client-post-id"] as string | undefined)
      print({ ...posted.moment, duplicate: posted.duplicate })
    }
  },
  {
    name: "feed",
    usage: "feed [--limit N] [--page-token T] [--author U]",
    description: "print a page of your feed, newest first, one moment per line, then the next page token",
    options: { limit: { type: "string" }, "page-token": { type: "string" }, author: { type: "string" } },
    run: async ({ client, flags, print }) => {
      const { listFeed } = await import("../../client/moments.ts")
      const page = await listFeed(client, {
        limit: parseCount("--limit", flags["limit"] as string | undefined, 0),
        pageToken: (flags["page-token"] as string | undefined) ?? "",
        author: (flags["author"] as string | undefined) ?? ""
      })
      for (const moment of page.moments) print(moment)
      print({ nextPageToken: page.nextPageToken })
    }
  },
  {
    name: "comment",
    usage: "comment <post> <text>",
    description: "comment on a moment of yours or of a contact",
    run: async ({ client, args, print }) => {
      const { commentMoment } = await import("../../client/moments.ts")
      requireArgs("comment", args, 2, "<post> and <text>")
      print(await commentMoment(client, args[0]!, args[1]!))
    }
  },
  {
    name: "like",
    usage: "like <post> [--unlike]",
    description: "like a moment (or take the like back); prints who likes it",
    options: { unlike: { type: "boolean" } },
    run: async ({ client, args, flags, print }) => {
      const { likeMoment } = await import("../../client/moments.ts")
      requireArgs("like", args, 1, "<post>")
      print({ postId: args[0], likes: await likeMoment(client, args[0]!, flags["unlike"] === true) })
    }
  }
]
