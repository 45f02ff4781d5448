/**
 * Rolls the roll feature's die from the Node SDK, and shows the Rolled events of the user's log
 * (this roll's, and those of the user's other devices).
 *
 *   npx weft dev --feature examples/roll-bot/feature.js   # in one terminal
 *   node examples/roll-bot/client.js 20                  # in another: a 20-sided die
 *
 * WEFT_SERVER=host:port names another server.
 */
import { register, Status, WeftClient, WeftRequestError } from "weft"
import { roll, Rolled } from "./spec.js"

const [host, port] = (process.env.WEFT_SERVER ?? "127.0.0.1:9300").split(":")
const server = { host, port: Number(port) }
const user = { userId: "roller", password: "roller-password" }

try {
  await register(server, user.userId, user.password)
} catch (error) {
  if (!(error instanceof WeftRequestError && error.code === Status.USER_EXISTS)) throw error
}
const client = new WeftClient({ ...server, ...user, cursor: "head" })
const seen = new Promise((resolve) =>
  client.on("appEvent", (event, seq) => {
    if (event.type !== "roll.v1.Rolled") return
    const rolled = Rolled.decode(event.payload)
    console.log(`log #${seq}: rolled ${rolled.value} on a d${rolled.sides} (roll number ${rolled.rolls})`)
    resolve()
  }))
await client.connect()
const answer = await client.call(roll, { sides: Number(process.argv[2] ?? 6) })
console.log(`rolled ${answer.value} (seq ${answer.seq})`)
await seen
client.close()
