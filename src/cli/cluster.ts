/** `weft runner` and `weft gateway`: the two roles of clustered production mode. */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Layer } from "effect"
import { defaultThrottleOptions, type ThrottleOptions } from "../actors/LoginThrottle.ts"
import { admin, defaultClusterSettings, gateway, runner } from "../cluster/Clustered.ts"
import { defaultSettings, withOverrides } from "../cluster/Settings.ts"
import { HttpShortServer } from "../gateway/HttpServer.ts"
import { TcpServer } from "../gateway/TcpServer.ts"
import { setRecording } from "../metrics/Instruments.ts"
import { advertisedEndpoints, authFlags, authSettings, clusterSecret, count, jsonLogs, logMaxEntries, loginPolicy, milliseconds, onOff, origin, passwordHash, port, ports, readSettings, redisUrl, type Source, text, tlsFiles } from "./config.ts"
import { describe as describeRedis } from "../cluster/RedisClient.ts"
import { AdminServer } from "../metrics/AdminServer.ts"
import { UsageError } from "./args.ts"
import { IDC_NAME_PATTERN, type IdcSettings } from "../cluster/Idc.ts"
import { MIN_SECRET_LENGTH } from "../cluster/ClusterAuth.ts"
import { loadNotifySettings } from "./notifyConfig.ts"
import { explainStartupFailure } from "./dev.ts"
import { applicationFlags, loadApplication } from "./application.ts"
import { application } from "../server/Application.ts"

const common = ["redis", "redis-cluster", "shard-lock-expiration-ms", "presence-ttl-ms", "cluster-secret", "host", "admin-port", "admin-host", "admin-token", "runner-host", "runner-port", "shards", "dashboard-peers", "login-policy", "metrics", "media-dir", "media-url-secret", "media-origin", "notify-config",
  "registrations-per-address", "failed-logins-per-user-address", "failed-logins-per-address", "call-timeout-ms", "read-diffusion-threshold", "log-max-entries", ...applicationFlags]

const peers = (source: Source | undefined): ReadonlyArray<string> =>
  source === undefined ? [] : source.value.split(",").map((peer) => peer.trim()).filter((peer) => peer !== "")

/** Media: the blob directory every runner and gateway shares, and the key of signed download URLs. */
const media = (get: (flag: string) => Source | undefined) => ({
  directory: text(get("media-dir"), defaultSettings.media.directory),
  urlSecret: text(get("media-url-secret"), defaultSettings.media.urlSecret),
  origin: origin(get("media-origin"))
})

/** Redis and the timings of the cluster's bookkeeping, common to runners and gateways. */
const redisAndTimings = (get: (flag: string) => Source | undefined) => ({
  redisUrl: redisUrl(get("redis"), defaultClusterSettings.redisUrl),
  redisCluster: onOff(get("redis-cluster"), false),
  // A dead runner's shards move after this long; much shorter and a GC pause or a slow Redis
  // reply loses them, much longer and its users wait.
  shardLockExpirationMs: milliseconds(get("shard-lock-expiration-ms"), defaultClusterSettings.shardLockExpirationMs, 1_500, 60_000),
  presenceTtlMs: milliseconds(get("presence-ttl-ms"), defaultClusterSettings.presenceTtlMs, 3_000, 600_000)
})

/** `--idc-replicas`: 0 or more. */
const count0 = (source: Source | undefined): number => {
  if (source === undefined) return 0
  if (!/^\d+$/.test(source.value) || Number(source.value) > 16) throw new UsageError(`${source.origin} must be 0..16, got "${source.value}"`)
  return Number(source.value)
}

/** Several data centres (docs/multi-idc.md): a runner of IDC `--idc`, or undefined without it. */
const idcSettings = (get: (flag: string) => Source | undefined, host: string): IdcSettings | undefined => {
  const name = get("idc")
  if (name === undefined) {
    const stray = ["idc-directory", "idc-secret", "idc-link-port", "idc-link-host", "idc-link-advertise", "idc-replicas"].find((flag) => get(flag) !== undefined)
    if (stray !== undefined) throw new UsageError(`${get(stray)!.origin} needs --idc (the name of this runner's data centre)`)
    return undefined
  }
  if (!IDC_NAME_PATTERN.test(name.value)) throw new UsageError(`${name.origin} must match [a-z0-9-]{1,32}, got "${name.value}"`)
  const directory = get("idc-directory")
  if (directory === undefined) throw new UsageError("--idc needs --idc-directory redis://HOST:PORT, the Redis holding the accounts every IDC shares")
  const secret = get("idc-secret")
  if (secret === undefined || secret.value.length < MIN_SECRET_LENGTH) {
    throw new UsageError(`--idc needs the IDCs' link secret, at least ${MIN_SECRET_LENGTH} characters: set WEFT_IDC_SECRET (the same in every IDC)`)
  }
  const advertise = get("idc-link-advertise")
  if (advertise !== undefined && !/^[^\s:]+:\d{1,5}$/.test(advertise.value)) {
    throw new UsageError(`${advertise.origin} must be HOST:PORT, got "${advertise.value}"`)
  }
  return {
    name: name.value,
    directoryUrl: redisUrl(directory, ""),
    secret: secret.value,
    linkHost: text(get("idc-link-host"), host),
    linkPort: port(get("idc-link-port"), 9460),
    linkAdvertise: advertise?.value,
    replicasToConfirm: count0(get("idc-replicas"))
  }
}

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

/** The admin port only when asked for, on loopback unless --admin-host says otherwise. */
const adminSettings = (get: (flag: string) => Source | undefined) => {
  const token = get("admin-token")
  if (token !== undefined && token.value.length < 16) throw new UsageError(`${token.origin} must have at least 16 characters`)
  return {
    port: get("admin-port") === undefined ? undefined : port(get("admin-port"), 0),
    host: text(get("admin-host"), "127.0.0.1"),
    token: token?.value,
    dashboardPeers: peers(get("dashboard-peers"))
  }
}

/** Prints where the admin port listens, if it was asked for. */
const announceAdmin = (role: string) =>
  Effect.flatMap(Effect.serviceOption(AdminServer), (admin) =>
    Effect.sync(() => {
      if (admin._tag === "None") return
      const { host, port } = admin.value.listening
      console.log(`weft ${role}: admin (/healthz /readyz /metrics /log-reports) on ${host}:${port}`)
    }))

/** How long callers wait for actors. */
const actorSettings = (get: (flag: string) => Source | undefined) => ({
  callTimeoutMs: milliseconds(get("call-timeout-ms"), defaultSettings.actors.callTimeoutMs, 500, 120_000)
})

/** Frequency control of logins and registrations: the actors (on runners) apply it. */
const throttle = (get: (flag: string) => Source | undefined): ThrottleOptions => ({
  ...defaultThrottleOptions,
  registrationsPerAddress: count(get("registrations-per-address"), defaultThrottleOptions.registrationsPerAddress),
  freeFailuresPerUserAddress: count(get("failed-logins-per-user-address"), defaultThrottleOptions.freeFailuresPerUserAddress),
  freeFailuresPerAddress: count(get("failed-logins-per-address"), defaultThrottleOptions.freeFailuresPerAddress)
})

export const runRunner = async (argv: ReadonlyArray<string>) => {
  const get = readSettings(argv, [...common, "allow-volatile-redis", "password-hash", "idc", "idc-directory", "idc-secret", "idc-link-host", "idc-link-port", "idc-link-advertise", "idc-replicas"])
  setRecording(onOff(get("metrics"), true))
  const host = text(get("host"), "127.0.0.1")
  const settings = withOverrides({
    actors: actorSettings(get),
    session: { throttle: throttle(get), passwordHash: passwordHash(get("password-hash")) },
    gateway: { host },
    admin: adminSettings(get),
    features: {
      loginPolicy: loginPolicy(get("login-policy")),
      readDiffusionThreshold: count(get("read-diffusion-threshold"), defaultSettings.features.readDiffusionThreshold)
    },
    changeLog: { maxEntries: logMaxEntries(get("log-max-entries"), defaultSettings.changeLog.maxEntries) },
    media: media(get),
    notify: loadNotifySettings(get("notify-config"), process.env)
  })
  const cluster = {
    ...defaultClusterSettings,
    ...redisAndTimings(get),
    allowVolatileRedis: onOff(get("allow-volatile-redis"), false),
    runnerHost: text(get("runner-host"), host),
    runnerPort: port(get("runner-port"), defaultClusterSettings.runnerPort),
    shardsPerGroup: count(get("shards"), defaultClusterSettings.shardsPerGroup),
    secret: clusterSecret(get("cluster-secret")),
    idc: idcSettings(get, host)
  }
  const program = Effect.gen(function*() {
    yield* announceAdmin("runner")
    if (cluster.idc !== undefined) {
      console.log(`weft runner: IDC ${cluster.idc.name}, link on ${cluster.idc.linkHost}:${cluster.idc.linkPort}, directory ${describeRedis({ url: cluster.idc.directoryUrl, cluster: false })}`)
    }
    console.log(`weft runner: cluster member on ${cluster.runnerHost}:${cluster.runnerPort}, ${describeRedis({ url: cluster.redisUrl, cluster: cluster.redisCluster })}`)
    return yield* Effect.never
  })
  const app = application(await loadApplication(get))
  launch("runner", program.pipe(Effect.provide(Layer.fresh(admin(settings, cluster, "runner").pipe(Layer.provideMerge(runner(settings, cluster)), Layer.provide(app))))))
}

export const runGateway = async (argv: ReadonlyArray<string>) => {
  const get = readSettings(argv, [...common, "port", "http-port", "push-host", "push-port", "advertise", "web-chat", "tls-cert", "tls-key", ...authFlags])
  setRecording(onOff(get("metrics"), true))
  const host = text(get("host"), "127.0.0.1")
  const settings = withOverrides({
    actors: actorSettings(get),
    gateway: {
      host,
      tcpPorts: ports(get("port"), [9300]),
      httpPorts: ports(get("http-port"), [9380]),
      advertisedEndpoints: advertisedEndpoints(get("advertise")),
      tls: tlsFiles(get("tls-cert"), get("tls-key"))
    },
    admin: adminSettings(get),
    // Gateways check logins (app tokens, whether passwords are on); runners need none of it.
    auth: authSettings(get),
    features: { loginPolicy: loginPolicy(get("login-policy")), webChat: onOff(get("web-chat"), false) },
    media: media(get),
    // The gateway checks registrations against it (which providers, which Web Push hosts).
    notify: loadNotifySettings(get("notify-config"), process.env)
  })
  const cluster = {
    ...defaultClusterSettings,
    ...redisAndTimings(get),
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
    yield* announceAdmin("gateway")
    const tls = settings.gateway.tls !== undefined
    for (const l of tcp.listening) console.log(`weft gateway: long connections (${tls ? "TLS" : "TCP"}) on ${l.host}:${l.port}`)
    for (const l of http.listening) console.log(`weft gateway: short connections (${tls ? "HTTPS" : "HTTP"}) on ${l.host}:${l.port}`)
    console.log(`weft gateway: pushes from runners on ${cluster.pushHost}:${cluster.pushPort}, ${describeRedis({ url: cluster.redisUrl, cluster: cluster.redisCluster })}`)
    return yield* Effect.never
  })
  const app = application(await loadApplication(get))
  launch("gateway", program.pipe(Effect.provide(Layer.fresh(admin(settings, cluster, "gateway").pipe(Layer.provideMerge(gateway(settings, cluster)), Layer.provide(app))))))
}
