/**
 * Two users chat through a weft server, using the SDK.
 *
 *   npm start                 # in one terminal: the dev server on 127.0.0.1:9300
 *   node examples/chat.js     # in another
 *
 * It uses the README's accounts (alice and bob, password secret-pw), registering them when the
 * server does not have them yet. Set WEFT_SERVER=host:port to use another server.
 */
import { register, Status, WeftClient, WeftRequestError } from "weft"

const [host, port] = (process.env.WEFT_SERVER ?? "127.0.0.1:9300").split(":")
const server = { host, port: Number(port) }
const password = "secret-pw"

const ensureAccount = async (userId, password) => {
  try {
    await register(server, userId, password)
  } catch (error) {
    // Running the example twice: the accounts are already there.
    if (!(error instanceof WeftRequestError && error.code === Status.USER_EXISTS)) throw error
  }
}

const main = async () => {
  await ensureAccount("alice", password)
  await ensureAccount("bob", password)

  const alice = new WeftClient({ ...server, userId: "alice", password, cursor: "head" })
  const bob = new WeftClient({ ...server, userId: "bob", password, cursor: "head" })
  await Promise.all([alice.connect(), bob.connect()])

  const script = ["hi bob!", "how is the weather?", "see you later"]
  const replies = ["hello alice", "sunny", "bye"]
  let turn = 0

  // Every send, so that both clients hear their last acknowledgements before closing.
  const sends = []
  const done = new Promise((resolve) => {
    bob.on("message", (message) => {
      if (message.from !== "alice") return
      console.log(`bob   <- ${message.text}`)
      sends.push(bob.send("alice", replies[turn]))
    })
    alice.on("message", (message) => {
      if (message.from !== "bob") return
      console.log(`alice <- ${message.text}`)
      turn++
      if (turn < script.length) sends.push(alice.send("bob", script[turn]))
      else resolve()
    })
  })

  sends.push(alice.send("bob", script[0]))
  await done
  await Promise.all(sends)
  console.log(`alice's log is at sequence ${alice.cursor}, bob's at ${bob.cursor}`)
  alice.close()
  bob.close()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
