/**
 * `weft runner` and `weft gateway`: the two roles of clustered production mode. Every setting is
 * checked here first; clusterServer.ts, loaded only then, runs the role.
 */
import type { ThrottleOptions } from "../actors/LoginThrottle.ts"
import type { ClusterSettings } from "../cluster/ClusterSettings.ts"
import type { IdcSettings } from "../cluster/Idc.ts"
import { IDC_NAME_PATTERN, MIN_SECRET_LENGTH } from "../cluster/limits.ts"
import type { SettingsOverrides } from "../cluster/Settings.ts"
import { UsageError } from "./args.ts"
import { applicationFlags, loadApplication } from "./application.ts"
import { advertisedEndpoints, authFlags, authSettings, checked, clusterSecret, count, gcHeadroomMb, given, logMaxEntries, loginPolicy, milliseconds, onOff, origin, passwordHash, port, ports, readSettings, redisUrl, type Source, text, tlsFiles } from "./config.ts"
import { loadNotifySettings } from "./notifyConfig.ts"

const common = ["redis", "redis-cluster", "shard-lock-expiration-ms", "presence-ttl-ms", "cluster-secret", "host", "admin-port", "admin-host", "admin-token", "runner-host", "runner-port", "shards", "dashboard-peers", "login-policy", "metrics", "gc-headroom-mb", "media-dir", "media-url-secret", "media-origin", "notify-config",
  "registrations-per-address", "failed-logins-per-user-address", "failed-logins-per-address", "call-timeout-ms", "read-diffusion-threshold", "log-max-entries", ...applicationFlags]

type Get = (flag: string) => Source | undefined

/** A role's checked settings: what was given, over the defaults when clusterServer.ts runs it. */
export interface RoleSettings {
  readonly recording: boolean
  /** server/GcHeadroom.ts: growth allowed between full collections (MB; 0: V8's own rule). */
  readonly gcHeadroomMb: number
  readonly overrides: SettingsOverrides
  readonly cluster: Partial<ClusterSettings> & Pick<ClusterSettings, "secret">
  /** Frequency control given for a runner (over the default limits). */
  readonly throttle: Partial<ThrottleOptions>
}

const peers = (source: Source | undefined): ReadonlyArray<string> =>
  source === undefined ? [] : source.value.split(",").map((peer) => peer.trim()).filter((peer) => peer !== "")

const positive = (source: Source) => count(source, 0)

/** Media: the blob directory every runner and gateway shares, and the key of signed download URLs. */
const media = (get: Get) => ({
  ...given({ directory: get("media-dir")?.value, urlSecret: get("media-url-secret")?.value }),
  origin: origin(get("media-origin"))
})

/** Redis and the timings of the cluster's bookkeeping, common to runners and gateways. */
const redisAndTimings = (get: Get) => ({
  ...given({
    redisUrl: checked(get("redis"), (source) => redisUrl(source, "")),
    // A dead runner's shards move after this long; much shorter and a GC pause or a slow Redis
    // reply loses them, much longer and its users wait.
    shardLockExpirationMs: checked(get("shard-lock-expiration-ms"), (source) => milliseconds(source, 0, 1_500, 60_000)),
    presenceTtlMs: checked(get("presence-ttl-ms"), (source) => milliseconds(source, 0, 3_000, 600_000))
  }),
  redisCluster: onOff(get("redis-cluster"), false)
})

/** `--idc-replicas`: 0 or more. */
const count0 = (source: Source | undefined): number => {
  if (source === undefined) return 0
  if (!/^\d+$/.test(source.value) || Number(source.value) > 16) throw new UsageError(`${source.origin} must be 0..16, got "${source.value}"`)
  return Number(source.value)
}

/** Several data centres (docs/multi-idc.md): a runner of IDC `--idc`, or undefined without it. */
const idcSettings = (get: Get, host: string): IdcSettings | undefined => {
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

/** The admin port only when asked for, on loopback unless --admin-host says otherwise. */
const adminSettings = (get: Get) => {
  const token = get("admin-token")
  if (token !== undefined && token.value.length < 16) throw new UsageError(`${token.origin} must have at least 16 characters`)
  return {
    port: get("admin-port") === undefined ? undefined : port(get("admin-port"), 0),
    host: text(get("admin-host"), "127.0.0.1"),
    token: token?.value,
    dashboardPeers: peers(get("dashboard-peers"))
  }
}

/** How long callers wait for actors. */
const actorSettings = (get: Get) =>
  given({ callTimeoutMs: checked(get("call-timeout-ms"), (source) => milliseconds(source, 0, 500, 120_000)) })

/** Frequency control of logins and registrations: the actors (on runners) apply it. */
const throttle = (get: Get): Partial<ThrottleOptions> =>
  given({
    registrationsPerAddress: checked(get("registrations-per-address"), positive),
    freeFailuresPerUserAddress: checked(get("failed-logins-per-user-address"), positive),
    freeFailuresPerAddress: checked(get("failed-logins-per-address"), positive)
  })

const features = (get: Get) => ({
  loginPolicy: loginPolicy(get("login-policy")),
  ...given({ readDiffusionThreshold: checked(get("read-diffusion-threshold"), positive) })
})

export const runRunner = async (argv: ReadonlyArray<string>) => {
  const get = readSettings(argv, [...common, "allow-volatile-redis", "password-hash", "idc", "idc-directory", "idc-secret", "idc-link-host", "idc-link-port", "idc-link-advertise", "idc-replicas"])
  const recording = onOff(get("metrics"), true)
  const host = text(get("host"), "127.0.0.1")
  const role: RoleSettings = {
    recording,
    gcHeadroomMb: gcHeadroomMb(get("gc-headroom-mb")),
    overrides: {
      actors: actorSettings(get),
      session: given({ passwordHash: passwordHash(get("password-hash")) }),
      gateway: { host },
      admin: adminSettings(get),
      features: features(get),
      changeLog: given({ maxEntries: checked(get("log-max-entries"), (source) => logMaxEntries(source, 0)) }),
      media: media(get),
      notify: loadNotifySettings(get("notify-config"), process.env)
    },
    throttle: throttle(get),
    cluster: {
      ...redisAndTimings(get),
      allowVolatileRedis: onOff(get("allow-volatile-redis"), false),
      runnerHost: text(get("runner-host"), host),
      ...given({ runnerPort: checked(get("runner-port"), (source) => port(source, 0)), shardsPerGroup: checked(get("shards"), positive) }),
      secret: clusterSecret(get("cluster-secret")),
      idc: idcSettings(get, host)
    }
  }
  const app = await loadApplication(get)
  ;(await import("./clusterServer.ts")).serveRunner(role, app)
}

export const runGateway = async (argv: ReadonlyArray<string>) => {
  const get = readSettings(argv, [...common, "port", "http-port", "push-host", "push-port", "advertise", "web-chat", "tls-cert", "tls-key", ...authFlags])
  const recording = onOff(get("metrics"), true)
  const host = text(get("host"), "127.0.0.1")
  const role: RoleSettings = {
    recording,
    gcHeadroomMb: gcHeadroomMb(get("gc-headroom-mb")),
    overrides: {
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
    },
    throttle: {},
    cluster: {
      ...redisAndTimings(get),
      runnerHost: text(get("runner-host"), host),
      runnerPort: port(get("runner-port"), 9450),
      pushHost: text(get("push-host"), host),
      ...given({ pushPort: checked(get("push-port"), (source) => port(source, 0)), shardsPerGroup: checked(get("shards"), positive) }),
      secret: clusterSecret(get("cluster-secret"))
    }
  }
  const app = await loadApplication(get)
  ;(await import("./clusterServer.ts")).serveGateway(role, app)
}
