/** `weft runner` and `weft gateway`: the two roles of clustered production mode. */
import { NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Layer } from "effect"
import { admin, defaultClusterSettings, gateway, runner } from "../cluster/Clustered.ts"
import { defaultSettings, withOverrides } from "../cluster/Settings.ts"
import { HttpShortServer } from "../gateway/HttpServer.ts"
import { TcpServer } from "../gateway/TcpServer.ts"
import { setRecording } from "../metrics/Instruments.ts"
import { advertisedEndpoints, clusterSecret, count, jsonLogs, loginPolicy, onOff, origin, port, ports, readSettings, redisUrl, type Source, text } from "./config.ts"
import { explainStartupFailure } from "./dev.ts"

const common = ["redis", "cluster-secret", "host", "admin-port", "runner-host", "runner-port", "shards", "dashboard-peers", "login-policy", "metrics", "media-dir", "media-url-secret", "media-origin"]

const peers = (source: Source | undefined): ReadonlyArray<string> =>
  source === undefined ? [] : source.value.split(",").map((peer) => peer.trim()).filter((peer) => peer !== "")

/** Media: the blob directory every runner and gateway shares, and the key of signed download URLs. */
const media = (get: (flag: string) => Source | undefined) => ({
  directory: text(get("media-dir"), defaultSettings.media.directory),
  urlSecret: text(get("media-url-secret"), defaultSettings.media.urlSecret),
  origin: origin(get("media-origin"))
})

const launch = (name: string, program: Effect.Effect<void, unknown>) =>
  NodeRuntime.runMain(
    program.pipe(
      Effect.provide(jsonLogs),
      Effect.catchCause((cause) =>
        Effect.sync(() => {
          console.error(`weft ${name}: cannot start: ${explainStartupFailure(Cause.squash(cause))}`)
          process.exitCode = 1
        })
      )
    ),
    { disableErrorReporting: true }
  )

export const runRunner = async (argv: ReadonlyArray<string>) => {
  const get = readSettings(argv, common)
  setRecording(onOff(get("metrics"), true))
  const host = text(get("host"), "127.0.0.1")
  const settings = withOverrides({
    gateway: { host },
    admin: { port: port(get("admin-port"), 0), dashboardPeers: peers(get("dashboard-peers")) },
    features: { loginPolicy: loginPolicy(get("login-policy")) },
    media: media(get)
  })
  const cluster = {
    ...defaultClusterSettings,
    redisUrl: redisUrl(get("redis"), defaultClusterSettings.redisUrl),
    runnerHost: text(get("runner-host"), host),
    runnerPort: port(get("runner-port"), defaultClusterSettings.runnerPort),
    shardsPerGroup: count(get("shards"), defaultClusterSettings.shardsPerGroup),
    secret: clusterSecret(get("cluster-secret"))
  }
  const program = Effect.gen(function*() {
    console.log(`weft runner: cluster member on ${cluster.runnerHost}:${cluster.runnerPort}, Redis ${cluster.redisUrl}`)
    return yield* Effect.never
  })
  launch("runner", program.pipe(Effect.provide(Layer.fresh(Layer.mergeAll(runner(settings, cluster), admin(settings, cluster, "runner"))))))
}

export const runGateway = async (argv: ReadonlyArray<string>) => {
  const get = readSettings(argv, [...common, "port", "http-port", "push-host", "push-port", "advertise", "web-chat"])
  setRecording(onOff(get("metrics"), true))
  const host = text(get("host"), "127.0.0.1")
  const settings = withOverrides({
    gateway: {
      host,
      tcpPorts: ports(get("port"), [9300]),
      httpPorts: ports(get("http-port"), [9380]),
      advertisedEndpoints: advertisedEndpoints(get("advertise"))
    },
    admin: { port: port(get("admin-port"), 0), dashboardPeers: peers(get("dashboard-peers")) },
    features: { loginPolicy: loginPolicy(get("login-policy")), webChat: onOff(get("web-chat"), false) },
    media: media(get)
  })
  const cluster = {
    ...defaultClusterSettings,
    redisUrl: redisUrl(get("redis"), defaultClusterSettings.redisUrl),
    runnerHost: text(get("runner-host"), host),
    runnerPort: port(get("runner-port"), 9450),
    pushHost: text(get("push-host"), host),
    pushPort: port(get("push-port"), defaultClusterSettings.pushPort),
    shardsPerGroup: count(get("shards"), defaultClusterSettings.shardsPerGroup),
    secret: clusterSecret(get("cluster-secret"))
  }
  const program = Effect.gen(function*() {
    const tcp = yield* TcpServer
    const http = yield* HttpShortServer
    for (const l of tcp.listening) console.log(`weft gateway: long connections (TCP) on ${l.host}:${l.port}`)
    for (const l of http.listening) console.log(`weft gateway: short connections (HTTP) on ${l.host}:${l.port}`)
    console.log(`weft gateway: pushes from runners on ${cluster.pushHost}:${cluster.pushPort}, Redis ${cluster.redisUrl}`)
    return yield* Effect.never
  })
  launch("gateway", program.pipe(Effect.provide(Layer.fresh(Layer.mergeAll(gateway(settings, cluster), admin(settings, cluster, "gateway"))))))
}
