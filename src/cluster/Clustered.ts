/**
 * Clustered production mode: the same actors as dev mode, on Effect's cluster sharding across
 * processes, with state in Redis.
 *
 * - A **runner** hosts the actors of the shards it holds (Effect's socket runner over no-delay
 *   TCP, RunnerSockets.ts; runner registry and shard locks in Redis; entity messages volatile — the durable record is
 *   each user's change log, and a request whose answer is lost is retried by the client with
 *   the same ids, which the actors deduplicate). It pushes to gateways over effect/rpc.
 * - A **gateway** holds connections only: a client-only member of the cluster that forwards
 *   each command to the runner owning the user (the engine finds it and redirects when a shard
 *   moves), marks its users online in Redis, and serves pushes from runners.
 */
import { Effect, Layer, Option } from "effect"
import { MessageStorage, RunnerAddress } from "effect/cluster"
import * as Commands from "../gateway/Commands.ts"
import * as ConnectionRegistry from "../gateway/ConnectionRegistry.ts"
import { GatewayConfig } from "../gateway/GatewayConfig.ts"
import * as HttpServer from "../gateway/HttpServer.ts"
import * as TcpServer from "../gateway/TcpServer.ts"
import * as AdminServer from "../metrics/AdminServer.ts"
import { instrumented } from "../storage/instrumented.ts"
import { layerRedis } from "../storage/redis.ts"
import { entities } from "./Engine.ts"
import * as Presence from "./Presence.ts"
import * as PushRpc from "./PushRpc.ts"
import { layer as redisClientLayer, RedisClient } from "./RedisClient.ts"
import * as RedisRunnerStorage from "./RedisRunnerStorage.ts"
import * as RunnerSockets from "./RunnerSockets.ts"
import { WeftConfig, type WeftSettings } from "./Settings.ts"

export interface ClusterSettings {
  readonly redisUrl: string
  /**
   * The secret every runner and gateway of the cluster shares: the runner and push ports admit
   * only peers that prove they hold it (ClusterAuth.ts). At least 16 characters.
   */
  readonly secret: string
  /** Where this runner listens for the other members of the cluster (runners and gateways). */
  readonly runnerHost: string
  readonly runnerPort: number
  /** Where this gateway listens for pushes from runners. */
  readonly pushHost: string
  readonly pushPort: number
  readonly shardsPerGroup: number
  /** A runner refreshes its shard locks this often; a dead runner's locks expire after the expiration. */
  readonly shardLockRefreshMs: number
  readonly shardLockExpirationMs: number
  readonly presenceTtlMs: number
}

export const defaultClusterSettings: Omit<ClusterSettings, "secret"> = {
  redisUrl: "redis://127.0.0.1:6379",
  runnerHost: "127.0.0.1",
  runnerPort: 9400,
  pushHost: "127.0.0.1",
  pushPort: 9410,
  shardsPerGroup: 300,
  shardLockRefreshMs: 1_000,
  shardLockExpirationMs: 5_000,
  presenceTtlMs: 30_000
}

/** Membership of the cluster: a runner (hosting shards) or a client-only gateway. */
const membership = (cluster: ClusterSettings, clientOnly: boolean) =>
  Layer.unwrap(Effect.gen(function*() {
    const redis = yield* RedisClient
    return RunnerSockets.layer({
      clientOnly,
      secret: cluster.secret,
      config: {
        runnerAddress: Option.some(RunnerAddress.RunnerAddress.make({ host: cluster.runnerHost, port: cluster.runnerPort })),
        shardsPerGroup: cluster.shardsPerGroup,
        shardLockRefreshInterval: cluster.shardLockRefreshMs,
        shardLockExpiration: cluster.shardLockExpirationMs,
        refreshAssignmentsInterval: 1_000,
        runnerHealthCheckInterval: 2_000,
        entityMailboxCapacity: 4096,
        // Within one runner, as in dev mode: no encode/decode round trip for local actors.
        simulateRemoteSerialization: false
      }
    }).pipe(Layer.provide([MessageStorage.layerNoop, RedisRunnerStorage.layer(redis, cluster.shardLockExpirationMs)]))
  }))

const storage = (cluster: ClusterSettings) => instrumented(layerRedis({ url: cluster.redisUrl }))

/** The runner's liveness key in Redis (see RedisRunnerStorage). */
const liveness = (cluster: ClusterSettings) =>
  Layer.effectDiscard(Effect.flatMap(RedisClient, (redis) =>
    RedisRunnerStorage.heartbeat(redis, `${cluster.runnerHost}:${cluster.runnerPort}`, cluster.shardLockExpirationMs)))

/** A logic runner: the actors of its shards, storage in Redis, pushes to gateways over rpc. */
export const runner = (settings: WeftSettings, cluster: ClusterSettings) =>
  Layer.mergeAll(entities(settings), liveness(cluster)).pipe(
    Layer.provide(PushRpc.pusherLayer(cluster.secret)),
    Layer.provideMerge(membership(cluster, false)),
    Layer.provide(
      Layer.unwrap(Effect.map(RedisClient, (redis) =>
        Presence.layerRedis(redis, { selfAddress: "", ttlMs: cluster.presenceTtlMs })))
    ),
    Layer.provideMerge(storage(cluster)),
    Layer.provideMerge(redisClientLayer(cluster.redisUrl)),
    Layer.provideMerge(WeftConfig.layer(settings)),
    Layer.provideMerge(GatewayConfig.layer(settings.gateway))
  )

/** A gateway node: listeners, command forwarding, presence, and the push endpoint. */
export const gateway = (settings: WeftSettings, cluster: ClusterSettings) =>
  Layer.mergeAll(
    Layer.mergeAll(TcpServer.layer, HttpServer.layer).pipe(Layer.provide(Commands.layer)),
    PushRpc.serverLayer({ host: cluster.pushHost, port: cluster.pushPort, secret: cluster.secret })
  ).pipe(
    Layer.provideMerge(ConnectionRegistry.layer),
    Layer.provideMerge(
      Layer.unwrap(Effect.map(RedisClient, (redis) =>
        Presence.layerRedis(redis, {
          selfAddress: `${cluster.pushHost}:${cluster.pushPort}`,
          ttlMs: cluster.presenceTtlMs
        })))
    ),
    Layer.provideMerge(membership(cluster, true)),
    Layer.provideMerge(redisClientLayer(cluster.redisUrl)),
    Layer.provideMerge(WeftConfig.layer(settings)),
    Layer.provideMerge(GatewayConfig.layer(settings.gateway))
  )

/** The admin port of a clustered process; readiness checks Redis storage (and shards, on a runner). */
export const admin = (settings: WeftSettings, cluster: ClusterSettings, role: "runner" | "gateway") =>
  settings.admin.port === undefined
    ? Layer.empty
    : AdminServer.layer({
      host: settings.admin.host,
      token: settings.admin.token,
      port: settings.admin.port,
      dashboardPeers: settings.admin.dashboardPeers,
      requireShards: role === "runner"
    }).pipe(Layer.provide(storage(cluster)))
