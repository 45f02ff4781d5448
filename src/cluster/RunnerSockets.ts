/**
 * The TCP transport between cluster members: Effect's socket runner (`effect/cluster/SocketRunner`)
 * over Node sockets with Nagle's algorithm off. `NodeClusterSocket.layer` opens its sockets with
 * Node's defaults, and a reply written just after another small write on the same socket then
 * waits for the peer's delayed ACK (up to 40 ms on Linux) — on every actor call between processes.
 */
import type * as Net from "node:net"
import { Effect, Layer, Option } from "effect"
import { RunnerHealth, Runners, ShardingConfig, SocketRunner } from "effect/cluster"
import { RpcClient, RpcSerialization } from "effect/rpc"
import * as Socket from "effect/socket/Socket"
import * as SocketServer from "effect/socket/SocketServer"
import * as ClusterAuth from "./ClusterAuth.ts"

/**
 * Opens the connection to another member: a no-delay socket carrying the cluster's rpc frames,
 * after the handshake that proves both hold the cluster secret (ClusterAuth.ts).
 */
const clientProtocol = (secret: string) => Layer.effect(
  Runners.RpcClientProtocol,
  Effect.gen(function*() {
    const serialization = yield* RpcSerialization.RpcSerialization
    return Runners.RpcClientProtocol.of({
      codecFor: serialization.codecFor,
      make: Effect.fnUntraced(function*(address) {
        const socket = yield* ClusterAuth.connect({ host: address.host, port: address.port, secret, openTimeoutMs: 1000 })
        return yield* RpcClient.makeProtocolSocket().pipe(
          Effect.provideService(Socket.Socket, socket),
          Effect.provideService(RpcSerialization.RpcSerialization, serialization)
        )
      }, Effect.orDie)
    })
  })
)

/**
 * A runner's listener for the other members, on its runner (listen) address; members only. The
 * same port takes direct actor calls (DirectCalls.ts) when `direct` is given.
 */
const socketServer = (secret: string, direct: ((socket: Net.Socket) => void) | undefined) => Layer.unwrap(Effect.gen(function*() {
  const config = yield* ShardingConfig.ShardingConfig
  const address = Option.orElse(config.runnerListenAddress, () => config.runnerAddress)
  if (Option.isNone(address)) return yield* Effect.die("a runner needs a runner address to listen on")
  return Layer.effect(
    SocketServer.SocketServer,
    ClusterAuth.makeServer({ host: address.value.host, port: address.value.port, secret, kind: "runner", direct })
  )
}))

/**
 * Sharding and runners for a cluster member: a runner (hosting shards, health-checked by ping)
 * or, with `clientOnly`, a member that only sends to entities (a gateway). Message and runner
 * storage are provided by the caller.
 */
export const layer = (options: {
  readonly clientOnly: boolean
  readonly config: Partial<ShardingConfig.ShardingConfig["Service"]>
  /** The cluster's shared secret: every connection between members proves both hold it. */
  readonly secret: string
  /** Takes the connections of other members' direct actor calls (DirectCalls.ts). */
  readonly direct?: ((socket: Net.Socket) => void) | undefined
}) => {
  const client = clientProtocol(options.secret)
  const members = options.clientOnly
    ? SocketRunner.layerClientOnly.pipe(Layer.provide(client))
    : SocketRunner.layer.pipe(
      Layer.provide([socketServer(options.secret, options.direct), client]),
      Layer.provide(RunnerHealth.layerPing.pipe(Layer.provide(Runners.layerRpc), Layer.provide(client)))
    )
  return members.pipe(
    Layer.provide(ShardingConfig.layer(options.config)),
    Layer.provide(RpcSerialization.layerSchemaBinary())
  )
}
