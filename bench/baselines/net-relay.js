#!/usr/bin/env node
/**
 * Baseline: the ceiling of this runtime for weft's 1:1 path. A raw node:net relay speaking weft's
 * wire protocol — the same 11-byte frame header (FrameDecoder/encodeFrame from dist) and the same
 * protobuf codecs (dist/protocol/Proto.js) — with no storage, no actors, no checks:
 *
 *   AUTH          decode the AuthRequest, remember which connection is that user, answer an
 *                 AuthResponse (any password or token is accepted)
 *   SEND_MESSAGE  decode, give the message the recipient's next sequence number (a counter in
 *                 memory), answer the SendMessageResponse (the "ack"), then write a PUSH frame
 *                 with the Change to each of the recipient's connections (a group: each member's)
 *   CREATE_GROUP  remember the member list in memory, answer a CreateGroupResponse
 *   REGISTER, PING  answered OK; anything else gets an ERROR frame (UNKNOWN_COMMAND)
 *
 *   node bench/baselines/net-relay.js [--host 127.0.0.1] [--port 0]
 *
 * Prints `net-relay: long connections (TCP) on HOST:PORT` once listening.
 */
import { randomBytes } from "node:crypto"
import * as Net from "node:net"
import { parseArgs } from "node:util"
import { Command } from "../../dist/protocol/Command.js"
import { encodeFrame, FrameDecoder } from "../../dist/protocol/Frame.js"
import { GroupCodecs } from "../../dist/protocol/groups.js"
import { Codecs } from "../../dist/protocol/Proto.js"
import { RelayState } from "./relay-state.js"

const { values } = parseArgs({ options: { host: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: "0" } } })

const OK = { code: 0, message: "" }
const EPOCH = randomBytes(8).toString("hex")
const relay = new RelayState()

const reply = (socket, command, requestId, codec, value) => socket.write(encodeFrame(command, requestId, codec.encode(value)))

const pushTo = (userId, message, atMs) => {
  const sockets = relay.connectionsOf(userId)
  const seq = relay.nextSeq(userId)
  if (sockets === undefined) return
  const frame = encodeFrame(Command.PUSH, 0, Codecs.Push.encode({ change: { seq, atMs, message }, epoch: EPOCH }))
  for (const socket of sockets) socket.write(frame)
}

const handle = (socket, state, frame) => {
  switch (frame.command) {
    case Command.AUTH: {
      const auth = Codecs.AuthRequest.decode(frame.body)
      state.userId = auth.userId
      relay.join(auth.userId, socket)
      return reply(socket, Command.AUTH, frame.requestId, Codecs.AuthResponse, {
        base: OK,
        sessionToken: auth.resumeToken || randomBytes(24).toString("base64url"),
        heartbeatMinSeconds: 30,
        heartbeatMaxSeconds: 270,
        currentSeq: relay.currentSeq(auth.userId),
        epoch: EPOCH,
        serverTimeMs: Date.now()
      })
    }
    case Command.SEND_MESSAGE: {
      const request = Codecs.SendMessageRequest.decode(frame.body)
      const atMs = Date.now()
      const message = {
        messageId: relay.nextMessageId(),
        from: state.userId,
        to: request.to,
        type: request.type,
        text: request.text,
        clientMsgId: request.clientMsgId,
        sentAtMs: atMs,
        groupId: request.groupId ?? ""
      }
      const ownSeq = relay.nextSeq(state.userId)
      reply(socket, Command.SEND_MESSAGE, frame.requestId, Codecs.SendMessageResponse, {
        base: OK,
        messageId: message.messageId,
        seq: ownSeq,
        sentAtMs: atMs,
        duplicate: false
      })
      for (const recipient of relay.recipients(state.userId, message.groupId, request.to)) pushTo(recipient, message, atMs)
      return
    }
    case Command.CREATE_GROUP: {
      const request = GroupCodecs.CreateGroupRequest.decode(frame.body)
      const { groupId, members } = relay.createGroup(state.userId, request.members)
      const now = Date.now()
      return reply(socket, Command.CREATE_GROUP, frame.requestId, GroupCodecs.CreateGroupResponse, {
        base: OK,
        group: { groupId, name: request.name, owner: state.userId, members: members.map((userId) => ({ userId, joinedAtMs: now })), createdAtMs: now }
      })
    }
    case Command.REGISTER:
      return reply(socket, Command.REGISTER, frame.requestId, Codecs.RegisterResponse, { base: OK })
    case Command.PING:
      return reply(socket, Command.PING, frame.requestId, Codecs.PongResponse, { base: OK, serverTimeMs: Date.now() })
    default:
      return reply(socket, Command.ERROR, frame.requestId, Codecs.ErrorFrame, { code: 1001, message: "unknown command", command: frame.command })
  }
}

const server = Net.createServer({ noDelay: true }, (socket) => {
  const decoder = new FrameDecoder(64 * 1024)
  const state = { userId: "" }
  socket.on("data", (chunk) => {
    const { frames, error } = decoder.push(chunk)
    for (const frame of frames) handle(socket, state, frame)
    if (error !== undefined) socket.destroy()
  })
  socket.on("error", () => {})
  socket.on("close", () => {
    relay.leave(state.userId, socket)
  })
})

server.listen(Number(values.port), values.host, () => {
  const { address, port } = server.address()
  console.log(`net-relay: long connections (TCP) on ${address}:${port}`)
})
const stop = () => {
  server.close()
  process.exit(0)
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
