/**
 * An echo bot: a user that answers every text message with the same text, until Ctrl-C.
 *
 *   npm start                    # in one terminal: the dev server on 127.0.0.1:9300
 *   node examples/echo-bot.js    # in another: the bot, as the user echo-bot
 *   npx weft client --server 127.0.0.1:9300 --user alice --password secret-pw send echo-bot "hi"
 *
 * It registers its account when the server does not have it yet, reconnects when the
 * connection drops, and starts from the head of its log: it answers what arrives while it runs.
 * WEFT_SERVER=host:port names another server; BOT_USER and BOT_PASSWORD another account.
 */
import { register, Status, WeftClient, WeftRequestError } from "weft"

const [host, port] = (process.env.WEFT_SERVER ?? "127.0.0.1:9300").split(":")
const server = { host, port: Number(port) }
const userId = process.env.BOT_USER ?? "echo-bot"
const password = process.env.BOT_PASSWORD ?? "echo-bot-password"

try {
  await register(server, userId, password)
} catch (error) {
  if (!(error instanceof WeftRequestError && error.code === Status.USER_EXISTS)) throw error
}

const bot = new WeftClient({ ...server, userId, password, cursor: "head", reconnect: true })
bot.on("message", (message) => {
  // Not its own messages (its other devices' copies), nor group messages: 1:1 only.
  if (message.from === userId || message.groupId !== "" || message.text === "") return
  console.log(`${message.from}: ${message.text}`)
  bot.send(message.from, message.text).catch((error) => console.error(`could not answer ${message.from}: ${error.message}`))
})
await bot.connect()
console.log(`${userId} is listening on ${host}:${port}; Ctrl-C stops it`)

const stop = () => {
  bot.close()
  process.exit(0)
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
