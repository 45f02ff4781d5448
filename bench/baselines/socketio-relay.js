#!/usr/bin/env node
/**
 * Baseline: what a Node user would write instead — a socket.io relay (no storage), the common
 * choice for chat on Node:
 *
 *   "login" { userId }                      -> ack { ok, token }; the socket becomes that user's
 *   "send"  { to | groupId, text, clientMsgId } -> ack { messageId, seq, sentAtMs }, then
 *                                              "message" { ...message, seq } to the recipient's
 *                                              sockets (a group: every other member's)
 *   "createGroup" { name, members }         -> ack { groupId }
 *
 *   node bench/baselines/socketio-relay.js [--host 127.0.0.1] [--port 0]
 *
 * Prints `socketio-relay: listening on HOST:PORT` once listening. Clients connect with the
 * websocket transport.
 */
import { randomBytes } from "node:crypto"
import { createServer } from "node:http"
import { parseArgs } from "node:util"
import { Server } from "socket.io"
import { RelayState } from "./relay-state.js"

const { values } = parseArgs({ options: { host: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: "0" } } })

const http = createServer()
const io = new Server(http, { serveClient: false, transports: ["websocket"] })
const relay = new RelayState()

const deliver = (userId, message) => {
  const seq = relay.nextSeq(userId)
  const sockets = relay.connectionsOf(userId)
  if (sockets === undefined) return
  for (const socket of sockets) socket.emit("message", { ...message, seq })
}

io.on("connection", (socket) => {
  let userId = ""
  socket.on("login", (request, ack) => {
    userId = String(request?.userId ?? "")
    relay.join(userId, socket)
    if (typeof ack === "function") ack({ ok: true, token: request?.token || randomBytes(24).toString("base64url"), seq: relay.currentSeq(userId) })
  })
  socket.on("send", (request, ack) => {
    if (userId === "") return typeof ack === "function" && ack({ error: "not logged in" })
    const sentAtMs = Date.now()
    const message = {
      messageId: relay.nextMessageId(),
      from: userId,
      to: request.to ?? "",
      groupId: request.groupId ?? "",
      text: request.text ?? "",
      clientMsgId: request.clientMsgId ?? "",
      sentAtMs
    }
    if (typeof ack === "function") ack({ messageId: message.messageId, seq: relay.nextSeq(userId), sentAtMs })
    for (const recipient of relay.recipients(userId, message.groupId, message.to)) deliver(recipient, message)
  })
  socket.on("createGroup", (request, ack) => {
    const { groupId } = relay.createGroup(userId, request?.members ?? [])
    if (typeof ack === "function") ack({ groupId })
  })
  socket.on("disconnect", () => {
    relay.leave(userId, socket)
  })
})

http.listen(Number(values.port), values.host, () => {
  const { address, port } = http.address()
  console.log(`socketio-relay: listening on ${address}:${port}`)
})
const stop = () => {
  io.close()
  process.exit(0)
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
