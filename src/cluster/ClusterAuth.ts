/**
 * The cluster-internal ports (a runner's port, a gateway's push port) talk only to members that
 * hold the cluster's secret. Every connection starts with a mutual challenge–response before a
 * single rpc byte is read:
 *
 *   server → client   "WEFTCL2\n" + server nonce (32 bytes)
 *   client → server   client nonce (32) + HMAC-SHA256(secret, "client" | server nonce | client nonce | channel)
 *                     + channel (1 byte: 0 the engine's rpc, 1 direct actor calls, DirectCalls.ts,
 *                       2 the link between data centres, IdcLink.ts)
 *   server → client   HMAC-SHA256(secret, "server" | server nonce | client nonce)
 *
 * A peer that answers wrongly, or not within the handshake timeout, is disconnected and counted
 * (weft_cluster_auth_refused_total). The secret itself never crosses the wire; the traffic after
 * the handshake is not encrypted, so members belong on a private network (docs/security.md).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import * as Net from "node:net"
import * as NodeSocket from "@effect/platform-node/NodeSocket"
import { Context, Effect, Exit, Fiber, Scope } from "effect"
import * as NetAddress from "effect/net/NetAddress"
import * as Socket from "effect/socket/Socket"
import * as SocketServer from "effect/socket/SocketServer"
import { counter, labelled, record } from "../metrics/Instruments.ts"

// The handshake's version: 2 since it names a channel. Members of other versions refuse each
// other (every member of a cluster runs the same weft).
const MAGIC = Buffer.from("WEFTCL2\n")
const NONCE_BYTES = 32
const MAC_BYTES = 32
const HANDSHAKE_TIMEOUT_MS = 5_000

export { MIN_SECRET_LENGTH } from "./limits.ts"

/** Connections refused on a cluster-internal port, by port kind ("runner", "push"). */
export const clusterAuthRefused = labelled((attributes) =>
  counter("weft_cluster_auth_refused_total", {
    description: "Connections to a cluster-internal port refused for lack of the cluster secret",
    incremental: true,
    attributes
  })
)

/** What a member's connection carries after the handshake. */
export const Channel = { engine: 0, direct: 1, idc: 2 } as const
export type Channel = typeof Channel[keyof typeof Channel]

const mac = (secret: string, role: "client" | "server", serverNonce: Buffer, clientNonce: Buffer, channel?: number) => {
  const hmac = createHmac("sha256", secret).update(role).update(serverNonce).update(clientNonce)
  if (channel !== undefined) hmac.update(Buffer.of(channel))
  return hmac.digest()
}

/** Reads exactly `n` bytes from a paused socket, leaving whatever follows in its buffer. */
const readExactly = (socket: Net.Socket, n: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const cleanup = () => {
      socket.off("readable", tryRead)
      socket.off("end", onEnd)
      socket.off("close", onEnd)
      socket.off("error", onError)
    }
    const onEnd = () => {
      cleanup()
      reject(new Error("the peer closed the connection during the handshake"))
    }
    const onError = (error: Error) => {
      cleanup()
      reject(error)
    }
    function tryRead() {
      const chunk = socket.read(n) as Buffer | null
      if (chunk === null) return
      cleanup()
      resolve(chunk)
    }
    socket.on("readable", tryRead)
    socket.once("end", onEnd)
    socket.once("close", onEnd)
    socket.once("error", onError)
    tryRead()
  })

const withTimeout = <A>(promise: Promise<A>, ms: number, what: string): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<A>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

/**
 * The server's side of the handshake: the channel the peer asked for once it proved it holds
 * `secret`, or undefined.
 */
export const acceptMember = async (socket: Net.Socket, secret: string): Promise<Channel | undefined> => {
  const serverNonce = randomBytes(NONCE_BYTES)
  socket.write(Buffer.concat([MAGIC, serverNonce]))
  try {
    const answer = await withTimeout(readExactly(socket, NONCE_BYTES + MAC_BYTES + 1), HANDSHAKE_TIMEOUT_MS, "cluster handshake")
    const clientNonce = answer.subarray(0, NONCE_BYTES)
    const channel = answer[NONCE_BYTES + MAC_BYTES]!
    if (channel !== Channel.engine && channel !== Channel.direct && channel !== Channel.idc) return undefined
    const expected = mac(secret, "client", serverNonce, clientNonce, channel)
    if (!timingSafeEqual(answer.subarray(NONCE_BYTES, NONCE_BYTES + MAC_BYTES), expected)) return undefined
    socket.write(mac(secret, "server", serverNonce, clientNonce))
    return channel
  } catch {
    return undefined
  }
}

/** The client's side: resolves once the server proved it holds `secret`, rejects otherwise. */
export const joinMember = async (socket: Net.Socket, secret: string, channel: Channel = Channel.engine): Promise<void> => {
  const hello = await withTimeout(readExactly(socket, MAGIC.length + NONCE_BYTES), HANDSHAKE_TIMEOUT_MS, "cluster handshake")
  if (!hello.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error(hello.subarray(0, 6).toString("latin1") === "WEFTCL"
      ? `the peer speaks another version of the cluster handshake (${hello.subarray(0, 7).toString("latin1")}, this member ${MAGIC.subarray(0, 7).toString("latin1")}): run the same weft version on every member`
      : "the peer is not a weft cluster port")
  }
  const serverNonce = hello.subarray(MAGIC.length)
  const clientNonce = randomBytes(NONCE_BYTES)
  socket.write(Buffer.concat([clientNonce, mac(secret, "client", serverNonce, clientNonce, channel), Buffer.of(channel)]))
  const proof = await withTimeout(readExactly(socket, MAC_BYTES), HANDSHAKE_TIMEOUT_MS, "cluster handshake")
  if (!timingSafeEqual(proof, mac(secret, "server", serverNonce, clientNonce))) {
    throw new Error("the peer does not hold the cluster secret")
  }
}

/**
 * Dials the member at "host:port" on `channel` (a no-delay socket, paused) and runs the
 * handshake: `ready` once both sides proved they hold `secret`, or `failed` with the reason — no
 * handshake within `timeoutMs`, an error, a close — once, before or after `ready`. The weft
 * channels that write records of their own use it (PushRpc.ts, DirectCalls.ts).
 */
export const dialMember = (
  address: string,
  secret: string,
  channel: Channel,
  handlers: { readonly ready: (socket: Net.Socket) => void; readonly failed: (why: string) => void },
  timeoutMs = 2_000
): Net.Socket => {
  const [host, port] = address.split(/:(?=\d+$)/) as [string, string]
  const socket = Net.createConnection({ host, port: Number(port), noDelay: true })
  socket.pause()
  let over = false
  const fail = (why: string) => {
    if (over) return
    over = true
    clearTimeout(timer)
    socket.destroy()
    handlers.failed(why)
  }
  const timer = setTimeout(() => fail(`no handshake within ${timeoutMs} ms`), timeoutMs)
  socket.on("error", (error) => fail(error.message))
  socket.once("close", () => fail("closed by the peer"))
  socket.once("connect", () => {
    joinMember(socket, secret, channel).then(() => {
      clearTimeout(timer)
      if (!over) handlers.ready(socket)
    }, (error: unknown) => fail(error instanceof Error ? error.message : String(error)))
  })
  return socket
}

/**
 * A socket to another member at `host:port`, open once both sides proved they hold `secret`.
 * Connecting or a failed handshake fails the socket's reader with a SocketOpenError.
 */
export const connect = (options: {
  readonly host: string
  readonly port: number
  readonly secret: string
  readonly openTimeoutMs: number
}): Effect.Effect<Socket.Socket> =>
  NodeSocket.fromDuplex(
    Effect.acquireRelease(
      Effect.tryPromise({
        try: () =>
          new Promise<Net.Socket>((resolve, reject) => {
            const socket = Net.createConnection({ host: options.host, port: options.port, noDelay: true })
            socket.pause()
            socket.once("error", reject)
            socket.once("connect", () => {
              joinMember(socket, options.secret).then(() => {
                socket.off("error", reject)
                resolve(socket)
              }, (error) => {
                socket.destroy()
                reject(error)
              })
            })
          }),
        catch: (cause) => new Socket.SocketError({ reason: new Socket.SocketOpenError({ kind: "Unknown", cause }) })
      }),
      (socket) => Effect.sync(() => socket.destroySoon())
    ),
    { openTimeout: options.openTimeoutMs }
  )

/**
 * Listens on `host:port` and hands each connection that passes the handshake, paused, to
 * `onAdmitted` with the channel it asked for; strangers are counted and cut off. Closing the
 * scope closes every connection.
 */
export const listenMembers = Effect.fnUntraced(function*(options: {
  readonly host: string
  readonly port: number
  readonly secret: string
  readonly kind: "runner" | "push" | "idc"
}, onAdmitted: (socket: Net.Socket, channel: Channel) => void) {
  const refused = clusterAuthRefused({ port: options.kind })
  const sockets = new Set<Net.Socket>()
  const server = Net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) => {
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
    socket.on("error", () => {})
    acceptMember(socket, options.secret).then((channel) => {
      if (channel !== undefined) return onAdmitted(socket, channel)
      record(refused, 1)
      socket.destroy()
    })
  })
  yield* Effect.addFinalizer(() =>
    Effect.callback<void>((resume) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resume(Effect.void))
    })
  )
  yield* Effect.callback<void, SocketServer.SocketServerError>((resume) => {
    server.once("error", (cause) =>
      resume(Effect.fail(new SocketServer.SocketServerError({ reason: new SocketServer.SocketServerOpenError({ cause }) }))))
    server.listen({ host: options.host, port: options.port }, () => resume(Effect.void))
  })
  return server.address() as Net.AddressInfo
})

/**
 * A cluster-internal listener on `host:port` whose handlers only ever see members that passed
 * the handshake. `kind` labels the refusals in the metrics. Connections on the engine's channel
 * go to the engine's rpc server; those on the direct channel to `direct` (refused without it).
 */
export const makeServer = Effect.fnUntraced(function*(options: {
  readonly host: string
  readonly port: number
  readonly secret: string
  readonly kind: "runner" | "push"
  readonly direct?: ((socket: Net.Socket) => void) | undefined
}) {
  // Members admitted before `run` is called wait here.
  const admitted: Array<Net.Socket> = []
  let onAdmitted = (socket: Net.Socket) => {
    admitted.push(socket)
  }
  const bound = yield* listenMembers(options, (socket, channel) => {
    if (channel === Channel.engine) return onAdmitted(socket)
    if (channel === Channel.direct && options.direct !== undefined) return options.direct(socket)
    socket.destroy()
  })
  const address = NetAddress.inetAddressFromIpString(bound.address, bound.port)
  if (address._tag === "Failure") return yield* Effect.die(address.failure)

  const run = Effect.fnUntraced(function*<R, E, _>(handler: (socket: Socket.Socket) => Effect.Effect<_, E, R>) {
    const scope = yield* Scope.make()
    const services = Context.omit(Scope.Scope)(yield* Effect.context<R>()) as Context.Context<R>
    const track = Fiber.runIn(scope)
    const serve = (conn: Net.Socket) => {
      NodeSocket.fromDuplex(
        Effect.acquireRelease(Effect.succeed(conn), (conn) => Effect.sync(() => conn.destroySoon()))
      ).pipe(
        Effect.flatMap(handler),
        Effect.ignoreCause({ log: "Unhandled", message: "Unhandled error on a cluster port" }),
        Effect.runForkWith(Context.add(services, NodeSocket.NetSocket, conn)),
        track
      )
    }
    onAdmitted = serve
    for (const socket of admitted.splice(0)) serve(socket)
    return yield* Effect.callback<never>(() => Effect.suspend(() => Scope.close(scope, Exit.void)))
  })

  return SocketServer.SocketServer.of({ address: address.success, run })
})
