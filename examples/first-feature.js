// my-feature.js: npx weft dev --feature my-feature.js
import { feature } from "weft/server"

export default feature({
  name: "no-shouting",
  hooks: {
    // Before a message is stored: allow it, reject it with a status, or rewrite its text.
    beforeMessage: (message) =>
      /[A-Z]{5,}/.test(message.text) ? { action: "rewrite", text: message.text.toLowerCase() } : { action: "allow" }
  }
})
