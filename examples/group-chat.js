/**
 * A small group chat: alice makes a group with bob and dave, and each says something; every
 * member prints what the group says, then they all leave the chat.
 *
 *   npm start                      # in one terminal: the dev server on 127.0.0.1:9300
 *   node examples/group-chat.js    # in another
 *
 * It uses the README's accounts (password secret-pw), registering them when the server does not
 * have them yet. WEFT_SERVER=host:port names another server.
 */
import { createGroup, register, sendToGroup, Status, WeftClient, WeftRequestError } from "weft"

const [host, port] = (process.env.WEFT_SERVER ?? "127.0.0.1:9300").split(":")
const server = { host, port: Number(port) }
const password = "secret-pw"
const people = ["alice", "bob", "dave"]
const lines = { alice: "welcome to the book club", bob: "thanks, alice!", dave: "hello both" }

for (const userId of people) {
  try {
    await register(server, userId, password)
  } catch (error) {
    if (!(error instanceof WeftRequestError && error.code === Status.USER_EXISTS)) throw error
  }
}

const clients = Object.fromEntries(people.map((userId) => [userId, new WeftClient({ ...server, userId, password, cursor: "head" })]))
await Promise.all(Object.values(clients).map((client) => client.connect()))

const group = await createGroup(clients.alice, "book club", ["bob", "dave"])
console.log(`alice made ${group.groupId} ("${group.name}") with ${group.members.map((member) => member.userId).join(", ")}`)

// Each member waits to hear the other two (a member's own lines come back as copies: skipped).
const heard = people.map((userId) =>
  new Promise((resolve) => {
    let count = 0
    clients[userId].on("message", (message) => {
      if (message.groupId !== group.groupId || message.from === userId) return
      console.log(`${userId.padEnd(5)} <- ${message.from}: ${message.text}`)
      if (++count === people.length - 1) resolve()
    })
  })
)
for (const userId of people) await sendToGroup(clients[userId], group.groupId, lines[userId])
await Promise.all(heard)
for (const client of Object.values(clients)) client.close()
