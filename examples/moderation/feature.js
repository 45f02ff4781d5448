/**
 * Moderation with a hook: a message containing a banned word is refused before it is stored
 * (the sender gets status REJECTED, on every transport), and "darn" is toned down.
 *
 *   npx weft dev --feature examples/moderation/feature.js
 */
import { feature, Status } from "weft/server"

const banned = /\b(spam|scam)\b/i

export default feature({
  name: "moderation",
  hooks: {
    beforeMessage: (message) => {
      if (banned.test(message.text)) {
        return { action: "reject", code: Status.REJECTED, message: "this message breaks the house rules" }
      }
      if (/\bdarn\b/i.test(message.text)) return { action: "rewrite", text: message.text.replace(/\bdarn\b/gi, "d*rn") }
      return { action: "allow" }
    }
  }
})
