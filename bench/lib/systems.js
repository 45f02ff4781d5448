/**
 * The systems a scenario can drive, behind one small interface so the same load generator
 * measures all of them:
 *
 *   start()                      -> server: { stop(), pids, senderEndpoint, receiverEndpoint, ... }
 *   prepare(server, userIds)     registers the users (weft) or does nothing (the relays)
 *   connect(server, userId, role) -> connection: {
 *     send(to, text, clientMsgId, onAck(error)), sendGroup(groupId, text, clientMsgId, onAck),
 *     createGroup(name, memberIds) -> Promise<groupId>,
 *     onMessage = (clientMsgId) => void, close() }
 *
 * weft and the net relay speak weft's frames (bench/lib/frame-client.js); the socket.io relay
 * is driven with socket.io-client over its websocket transport.
 */
import { readdirSync, readFileSync } from "node:fs"
import { io as ioClient } from "socket.io-client"
import { startLocalCluster } from "../../dist/cli/localCluster.js"
import { Command } from "../../dist/protocol/Command.js"
import { GroupCodecs } from "../../dist/protocol/groups.js"
import { Codecs } from "../../dist/protocol/Proto.js"
import { FrameClient, login, registerUser } from "./frame-client.js"
import { startDevServer, startNetRelay, startSocketIoRelay } from "./servers.js"
import { pool } from "./stats.js"

export const PASSWORD = "bench-password"
const PushType = Codecs.Push.type
const AckType = Codecs.SendMessageResponse.type

/** A logged-in frame connection (weft or net relay) dressed as a scenario connection. */
const frameConnection = (client) => {
  const connection = {
    onMessage: undefined,
    send: (to, text, clientMsgId, onAck) =>
      client.requestCallback(Command.SEND_MESSAGE, Codecs.SendMessageRequest.encode({ to, type: 0, text, clientMsgId, noEcho: true }), (error, frame) =>
        onAck(error ?? ackError(frame))
      ),
    sendGroup: (groupId, text, clientMsgId, onAck) =>
      client.requestCallback(Command.SEND_MESSAGE, Codecs.SendMessageRequest.encode({ to: "", groupId, type: 0, text, clientMsgId, noEcho: true }), (error, frame) =>
        onAck(error ?? ackError(frame))
      ),
    createGroup: async (name, members) =>
      (await client.request(Command.CREATE_GROUP, GroupCodecs.CreateGroupRequest, GroupCodecs.CreateGroupResponse, { name, members })).group.groupId,
    close: () => client.close(),
    client
  }
  client.onPush = (frame) => {
    if (connection.onMessage === undefined || frame.command !== Command.PUSH) return
    const message = PushType.decode(frame.body).change?.message
    if (message) connection.onMessage(message.clientMsgId)
  }
  return connection
}

const ackError = (frame) => {
  if (frame.command === Command.ERROR) return new Error(`ERROR frame ${Codecs.ErrorFrame.decode(frame.body).code}`)
  const code = AckType.decode(frame.body).base?.code ?? 0
  return code === 0 ? undefined : new Error(`status ${code}`)
}

/**
 * Retries what a busy server answers UNAVAILABLE (5003: an actor call timed out — scrypt logins
 * queue behind each other on a loaded machine), a few times with a pause.
 */
const retried = async (work, attempts = 5) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (error.code !== 5003 || attempt >= attempts) throw error
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt))
    }
  }
}

const registerAll = (endpoint, userIds) => pool(userIds.length, 4, (i) => retried(() => registerUser(endpoint, userIds[i], PASSWORD)))

/** weft dev: one process. Users are registered (scrypt) and log in with their password. */
export const weftDev = {
  name: "weft",
  start: async (options) => {
    const server = await startDevServer([], options)
    return { ...server, pids: [server.pid], senderEndpoint: server, receiverEndpoint: server }
  },
  prepare: (server, userIds) => registerAll(server.senderEndpoint, userIds),
  connect: async (server, userId, role) =>
    frameConnection(await retried(() => login(role === "receiver" ? server.receiverEndpoint : server.senderEndpoint, { userId, password: PASSWORD })))
}

/**
 * weft dev from another checkout of weft (built: its dist/), for an A/B comparison in the same
 * run: `name` labels its rows. The load generator and codecs stay this checkout's.
 */
export const weftDevAt = (checkout, name = `weft (${checkout})`) => ({
  ...weftDev,
  name,
  start: async (options) => {
    const server = await startDevServer([], { ...options, checkout })
    return { ...server, pids: [server.pid], senderEndpoint: server, receiverEndpoint: server }
  }
})

/** weft dev with `--metrics off`: the same server recording none of its metrics. */
export const weftDevMetricsOff = {
  ...weftDev,
  name: "weft, metrics off",
  start: async (options) => {
    const server = await startDevServer(["--metrics", "off"], options)
    return { ...server, pids: [server.pid], senderEndpoint: server, receiverEndpoint: server }
  }
}

const redisPid = (port) => {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8")
      if (cmdline.startsWith("redis-server") && cmdline.includes(`:${port}`)) return Number(entry)
    } catch {}
  }
  return undefined
}

/**
 * weft's local cluster (dist/cli/localCluster.js): Redis (append-only, fsync always), two
 * runners, two gateways, each its own process. Senders use gateway 1, receivers gateway 2.
 */
export const weftCluster = {
  name: "weft cluster",
  start: async (startCluster = startLocalCluster) => {
    // An address nothing answers on: the cluster starts its own Redis, so no state is shared.
    const cluster = await startCluster({ runners: 2, gateways: 2, redisUrl: "redis://127.0.0.1:1" })
    const gateways = cluster.gateways.map((g) => ({ host: "127.0.0.1", port: g.port }))
    const members = [...cluster.runners, ...cluster.gateways]
    const redis = redisPid(cluster.redis?.port)
    const emergency = () => members.forEach((m) => m.process.kill("SIGKILL"))
    process.once("exit", emergency)
    return {
      pids: [...members.map((m) => m.process.pid), ...(redis ? [redis] : [])],
      redisPort: cluster.redis?.port,
      senderEndpoint: gateways[0],
      receiverEndpoint: gateways[gateways.length - 1],
      stop: async () => {
        process.removeListener("exit", emergency)
        await cluster.stop()
      }
    }
  },
  prepare: (server, userIds) => registerAll(server.senderEndpoint, userIds),
  connect: weftDev.connect
}

/**
 * The local cluster of another checkout of weft (built: its dist/), for an A/B comparison in
 * the same run: `name` labels its rows. The load generator and codecs stay this checkout's.
 */
export const weftClusterAt = (checkout, name = `weft cluster (${checkout})`) => ({
  ...weftCluster,
  name,
  start: async () => {
    const { startLocalCluster: startOther } = await import(new URL(`file://${checkout}/dist/cli/localCluster.js`).href)
    return weftCluster.start(startOther)
  }
})

/** bench/baselines/net-relay.js: the same frames and codecs, no storage. */
export const netRelay = {
  name: "net relay",
  start: async () => {
    const server = await startNetRelay()
    return { ...server, pids: [server.pid], senderEndpoint: server, receiverEndpoint: server }
  },
  prepare: async () => {},
  connect: async (server, userId) => frameConnection(await login(server.senderEndpoint, { userId, password: PASSWORD }))
}

/** bench/baselines/socketio-relay.js, driven by socket.io-client (websocket transport). */
export const socketIoRelay = {
  name: "socket.io relay",
  start: async () => {
    const server = await startSocketIoRelay()
    return { ...server, pids: [server.pid] }
  },
  prepare: async () => {},
  connect: (server, userId) =>
    new Promise((resolve, reject) => {
      const socket = ioClient(server.url, { transports: ["websocket"], forceNew: true, reconnection: false, timeout: 10_000 })
      const fail = (error) => {
        socket.close()
        reject(error)
      }
      socket.once("connect_error", fail)
      socket.once("connect", () => {
        socket.emit("login", { userId }, (answer) => {
          if (!answer?.ok) return fail(new Error(`login refused: ${JSON.stringify(answer)}`))
          socket.off("connect_error", fail)
          const connection = {
            onMessage: undefined,
            send: (to, text, clientMsgId, onAck) => socket.emit("send", { to, text, clientMsgId }, (ack) => onAck(ack?.error ? new Error(ack.error) : undefined)),
            sendGroup: (groupId, text, clientMsgId, onAck) =>
              socket.emit("send", { groupId, text, clientMsgId }, (ack) => onAck(ack?.error ? new Error(ack.error) : undefined)),
            createGroup: (name, members) => new Promise((done) => socket.emit("createGroup", { name, members }, (ack) => done(ack.groupId))),
            close: () => socket.close(),
            socket
          }
          socket.on("message", (message) => connection.onMessage?.(message.clientMsgId))
          resolve(connection)
        })
      })
    })
}

export const systems = { weft: weftDev, "weft, metrics off": weftDevMetricsOff, "net relay": netRelay, "socket.io relay": socketIoRelay, "weft cluster": weftCluster }
