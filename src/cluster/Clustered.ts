/**
 * Clustered production mode: the same actors as dev mode, on Effect's cluster sharding across
 * processes, with state in Redis.
 *
 * - A **runner** hosts the actors of the shards it holds (Effect's socket runner over no-delay
 *   TCP, RunnerSockets.ts; runner registry and shard locks in Redis; entity messages volatile — the durable record is
 *   each user's change log, and a request whose answer is lost is retried by the client with
 *   the same ids, which the actors deduplicate). It pushes to gateways as one-way records
 *   (PushRpc.ts).
 * - A **gateway** holds connections only: a client-only member of the cluster that forwards
 *   each command to the runner owning the user (the engine finds it and redirects when a shard
 *   moves), marks its users online in Redis, and serves pushes from runners.
 * - The hot messages between members (Send, Append, Sync) go straight to the runner holding the
 *   shard on the direct channel (DirectCalls.ts), the engine behind them as the fallback.
 */
import { Effect, Layer, Option } from "effect"
import { CallTimeout } from "../actors/LocalActors.ts"
import { MessageStorage, RunnerAddress } from "effect/cluster"
import * as Commands from "../gateway/Commands.ts"
import * as ConnectionRegistry from "../gateway/ConnectionRegistry.ts"
import { type AdvertisedEndpoint, GatewayConfig } from "../gateway/GatewayConfig.ts"
import * as HttpServer from "../gateway/HttpServer.ts"
import * as Routes from "../gateway/Routes.ts"
import * as Notify from "../notify/Notify.ts"
import * as TcpServer from "../gateway/TcpServer.ts"
import * as AdminServer from "../metrics/AdminServer.ts"
import * as Admin from "../server/Admin.ts"
import * as AdminApi from "../server/AdminApi.ts"
import { instrumented } from "../storage/instrumented.ts"
import { layerRedis } from "../storage/redis.ts"
import { entities } from "./Engine.ts"
import * as Presence from "./Presence.ts"
import * as PushRpc from "./PushRpc.ts"
import * as DirectCalls from "./DirectCalls.ts"
import * as Durability from "./Durability.ts"
import * as Idc from "./Idc.ts"
import * as IdcLink from "./IdcLink.ts"
import * as Placement from "./Placement.ts"
import { layer as redisClientLayer, RedisClient, type RedisEndpoint, storageOptions } from "./RedisClient.ts"
import * as RedisRunnerStorage from "./RedisRunnerStorage.ts"
import * as RunnerSockets from "./RunnerSockets.ts"
import { WeftConfig, type WeftSettings } from "./Settings.ts"
import type { ClusterSettings } from "./ClusterSettings.ts"

export { type ClusterSettings, defaultClusterSettings } from "./ClusterSettings.ts"

/**
 * Membership of the cluster: a runner (hosting shards) or a client-only gateway. A runner's port
 * also takes direct actor calls into `inbox` (DirectCalls.ts).
 */
const membership = (cluster: ClusterSettings, clientOnly: boolean, inbox?: DirectCalls.Inbox) =>
  Layer.unwrap(Effect.gen(function*() {
    const redis = yield* RedisClient
    return RunnerSockets.layer({
      clientOnly,
      secret: cluster.secret,
      direct: inbox?.accept,
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

export const redisEndpoint = (cluster: ClusterSettings): RedisEndpoint => ({ url: cluster.redisUrl, cluster: cluster.redisCluster })

const storage = (cluster: ClusterSettings) => instrumented(layerRedis(storageOptions(redisEndpoint(cluster))))

/** A runner's bookkeeping connection, once Redis is known to keep what it is given (Durability.ts). */
const durableRedisClient = (cluster: ClusterSettings) =>
  Layer.effect(
    RedisClient,
    Effect.tap(RedisClient, (redis) => Durability.check(redis, cluster.allowVolatileRedis))
  ).pipe(Layer.provide(redisClientLayer(redisEndpoint(cluster))))

/** A gateway's push address, "host:port": runners dial it, presence and placement name it. */
const pushAddress = (cluster: ClusterSettings) => `${cluster.pushHost}:${cluster.pushPort}`

/** A runner's cluster address, "host:port": its shard locks and liveness key name it. */
const runnerAddress = (cluster: ClusterSettings) => `${cluster.runnerHost}:${cluster.runnerPort}`

/** The runner's liveness key in Redis (see RedisRunnerStorage). */
const liveness = (cluster: ClusterSettings) =>
  Layer.effectDiscard(Effect.flatMap(RedisClient, (redis) =>
    RedisRunnerStorage.heartbeat(redis, runnerAddress(cluster), cluster.shardLockExpirationMs)))

/**
 * Several data centres: the link port and the drainers, accounts in the directory; nothing in
 * a single cluster.
 */
const multiIdc = (cluster: ClusterSettings) => {
  const idc = cluster.idc
  return {
    link: idc === undefined ? Layer.empty : IdcLink.serve(idc),
    service: idc === undefined ? Layer.empty : Idc.layer(idc, cluster.shardsPerGroup),
    storage: idc === undefined ? storage(cluster) : Idc.accountsLayer(idc).pipe(Layer.provide(storage(cluster)))
  }
}

/** A logic runner: the actors of its shards, storage in Redis, pushes to gateways over rpc. */
export const runner = (settings: WeftSettings, cluster: ClusterSettings) => {
  const inbox = new DirectCalls.Inbox()
  const idc = multiIdc(cluster)
  return Layer.mergeAll(entities(settings), liveness(cluster), Notify.delivery(settings.notify), DirectCalls.serve(inbox), idc.link).pipe(
    Layer.provide(Notify.pusher(PushRpc.pusherLayer(cluster.secret))),
    Layer.provideMerge(directCalls(cluster, runnerAddress(cluster))),
    Layer.provideMerge(membership(cluster, false, inbox)),
    Layer.provide(Layer.unwrap(Effect.map(RedisClient, (redis) => Notify.clustered(settings.notify, redis)))),
    Layer.provide(
      Layer.unwrap(Effect.map(RedisClient, (redis) =>
        Presence.layerRedis(redis, { selfAddress: "", ttlMs: cluster.presenceTtlMs })))
    ),
    Layer.provideMerge(idc.service),
    Layer.provideMerge(idc.storage),
    Layer.provideMerge(durableRedisClient(cluster)),
    Layer.provideMerge(WeftConfig.layer(settings)),
    Layer.provideMerge(GatewayConfig.layer(settings.gateway)),
    Layer.provideMerge(Layer.succeed(CallTimeout, settings.actors.callTimeoutMs))
  )
}

/** Direct actor calls to the runners holding their shards (DirectCalls.ts); `self` is a runner's own address. */
const directCalls = (cluster: ClusterSettings, self: string | undefined) =>
  DirectCalls.clientLayer({ secret: cluster.secret, self, shardsPerGroup: cluster.shardsPerGroup })

/**
 * The gateway's entry in Redis (its route-list endpoints, connections), for `weft status`,
 * /cluster and the other gateways' route lists. Announced once its listeners are up.
 */
const announceGateway = (cluster: ClusterSettings) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const redis = yield* RedisClient
    const routes = yield* Routes.Routes
    const registry = yield* ConnectionRegistry.ConnectionRegistry
    yield* TcpServer.TcpServer
    yield* HttpServer.HttpShortServer
    const address = pushAddress(cluster)
    yield* Placement.announceGateway(redis, cluster.presenceTtlMs, () => {
      const own = routes.own()
      return {
        address,
        routes: own,
        endpoints: own.map((e) => `${e.transport}://${e.address}:${e.port}`),
        connections: registry.size()
      }
    })
  }))

/** The other live gateways' endpoints, re-read from Redis every few seconds, for the route list. */
const peerEndpoints = (cluster: ClusterSettings) =>
  Layer.effect(
    Routes.PeerEndpoints,
    Effect.gen(function*() {
      const redis = yield* RedisClient
      const self = pushAddress(cluster)
      let current: ReadonlyArray<AdvertisedEndpoint> = []
      const refresh = Placement.readGateways(redis).pipe(
        Effect.map((gateways) => {
          current = gateways.filter((gateway) => gateway.address !== self).flatMap((gateway) => gateway.routes ?? [])
        }),
        Effect.ignore
      )
      yield* refresh
      yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.sleep(2_000), refresh)))
      return Routes.PeerEndpoints.of({ current: () => current })
    })
  )

/** A gateway node: listeners, command forwarding, presence, and the push endpoint. */
export const gateway = (settings: WeftSettings, cluster: ClusterSettings) =>
  Layer.mergeAll(
    announceGateway(cluster).pipe(
      Layer.provideMerge(
        Layer.mergeAll(TcpServer.layer, HttpServer.layer).pipe(
          Layer.provideMerge(Commands.layer.pipe(Layer.provide(peerEndpoints(cluster))))
        )
      )
    ),
    PushRpc.serverLayer({ host: cluster.pushHost, port: cluster.pushPort, secret: cluster.secret })
  ).pipe(
    Layer.provideMerge(ConnectionRegistry.layer),
    Layer.provideMerge(
      Layer.unwrap(Effect.map(RedisClient, (redis) =>
        Presence.layerRedis(redis, {
          selfAddress: pushAddress(cluster),
          ttlMs: cluster.presenceTtlMs
        })))
    ),
    Layer.provideMerge(directCalls(cluster, undefined)),
    Layer.provideMerge(membership(cluster, true)),
    Layer.provideMerge(redisClientLayer(redisEndpoint(cluster))),
    Layer.provideMerge(WeftConfig.layer(settings)),
    Layer.provideMerge(GatewayConfig.layer(settings.gateway)),
    Layer.provideMerge(Layer.succeed(CallTimeout, settings.actors.callTimeoutMs))
  )

/**
 * The admin port of a clustered process: readiness checks Redis storage, and shards on a runner
 * or a live runner on a gateway; /cluster shows the placement. Uses the process's RedisClient.
 */
export const admin = (
  settings: WeftSettings,
  cluster: ClusterSettings,
  role: "runner" | "gateway"
) =>
  settings.admin.port === undefined
    ? Layer.empty
    : Layer.unwrap(Effect.gen(function*() {
      const redis = yield* RedisClient
      const placement = Placement.read(redis, cluster.shardsPerGroup)
      const someRunnerAlive = placement.pipe(
        Effect.mapError((error) => error.message),
        Effect.flatMap((view) => view.runners.some((runner) => runner.alive) ? Effect.void : Effect.fail("no runner is alive"))
      )
      const server = Layer.unwrap(Effect.map(AdminApi.handler, (api) =>
        AdminServer.layer({
          host: settings.admin.host,
          token: settings.admin.token,
          port: settings.admin.port!,
          dashboardPeers: settings.admin.dashboardPeers,
          requireShards: role === "runner",
          readyCheck: role === "gateway" ? someRunnerAlive : undefined,
          clusterView: placement,
          api
        })))
      return server.pipe(
        Layer.provide(Admin.layer),
        // Reads only: where users are connected (Redis), whatever this process's role.
        Layer.provide(Presence.layerRedis(redis, { selfAddress: "", ttlMs: cluster.presenceTtlMs })),
        Layer.provide(storage(cluster))
      )
    }))
