/** weft client subcommands of message state: media messages, recall, read marks, unread counts. */
import type { MessageTypeName } from "../../protocol/messages.ts"
import { parseCount, UsageError } from "../args.ts"
import type { ClientCommand } from "../ClientCommand.ts"

// The SDK is imported when a command runs, so that `weft help` does not load it.

const mediaTypes: ReadonlyArray<MessageTypeName> = ["image", "voice", "video", "file"]

const text = (flags: Readonly<Record<string, unknown>>, name: string): string | undefined =>
  flags[name] as string | undefined

export const commands: ReadonlyArray<ClientCommand> = [
  {
    name: "send-media",
    usage: "send-media <to|group> --type T --media-id ID --mime-type M --size N [...]",
    description: "send an image/voice/video/file message (also --thumbnail ID --duration-ms N --file-name F --caption C --client-msg-id ID)",
    options: {
      type: { type: "string" },
      "media-id": { type: "string" },
      "mime-type": { type: "string" },
      size: { type: "string" },
      thumbnail: { type: "string" },
      "duration-ms": { type: "string" },
      "file-name": { type: "string" },
      caption: { type: "string" },
      "client-msg-id": { type: "string" }
    },
    run: async ({ client, args, flags, print }) => {
      const { isGroupId } = await import("../../protocol/groups.ts")
      const { MessageType } = await import("../../protocol/messages.ts")
      if (args.length !== 1 || args[0] === "") throw new UsageError("send-media needs <to|group>")
      const type = text(flags, "type") as MessageTypeName | undefined
      if (type === undefined || !mediaTypes.includes(type)) throw new UsageError(`--type must be one of ${mediaTypes.join(", ")}`)
      const mediaId = text(flags, "media-id")
      const mimeType = text(flags, "mime-type")
      if (!mediaId || !mimeType) throw new UsageError("send-media needs --media-id and --mime-type")
      const size = parseCount("--size", text(flags, "size"), 0)
      const target = args[0]!
      const ack = await client.sendMessage(
        {
          ...(isGroupId(target) ? { groupId: target } : { to: target }),
          type: MessageType[type.toUpperCase() as keyof typeof MessageType],
          text: text(flags, "caption") ?? "",
          media: {
            mediaId,
            mimeType,
            size,
            thumbnailMediaId: text(flags, "thumbnail") ?? "",
            durationMs: parseCount("--duration-ms", text(flags, "duration-ms"), 0),
            fileName: text(flags, "file-name") ?? ""
          }
        },
        text(flags, "client-msg-id")
      )
      print({ messageId: ack.messageId, seq: ack.seq, sentAtMs: ack.sentAtMs, duplicate: ack.duplicate })
    }
  },
  {
    name: "recall",
    usage: "recall <messageId>",
    description: "recall a message you sent, within the recall window",
    run: async ({ client, args, print }) => {
      const { recallMessage } = await import("../../client/messages.ts")
      if (args.length !== 1 || args[0] === "") throw new UsageError("recall needs <messageId>")
      const recalled = await recallMessage(client, args[0]!)
      print({ messageId: args[0], seq: recalled.seq, recalledAtMs: recalled.recalledAtMs })
    }
  },
  {
    name: "mark-read",
    usage: "mark-read <conversation> [seq]",
    description: "mark a conversation (user or group id) read up to seq of your log (default: all)",
    run: async ({ client, args, print }) => {
      const { markRead } = await import("../../client/messages.ts")
      if (args.length < 1 || args.length > 2 || args[0] === "") throw new UsageError("mark-read needs <conversation> [seq]")
      const read = await markRead(client, args[0]!, parseCount("seq", args[1], 0))
      print({ conversation: args[0], unread: read.unread, receiptSeq: read.receiptSeq, messageId: read.messageId })
    }
  },
  {
    name: "unread",
    usage: "unread",
    description: "print your unread messages per conversation and the total",
    run: async ({ client, print }) => {
      const { unreadCounts } = await import("../../client/messages.ts")
      const counts = await unreadCounts(client)
      print({ total: counts.total, seq: counts.seq, conversations: counts.conversations })
    }
  }
]
