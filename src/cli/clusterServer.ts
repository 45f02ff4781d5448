/** `weft runner` and `weft gateway` once their settings are checked (cluster.ts): the role, until stopped. */
import { Effect, Layer } from "effect"
import { admin, type ClusterSettings, defaultClusterSettings, gateway, runner } from "../cluster/Clustered.ts"
import { describe as describeRedis } from "../cluster/RedisClient.ts"
import { defaultSettings, withOverrides } from "../cluster/Settings.ts"
import { HttpShortServer } from "../gateway/HttpServer.ts"
import { TcpServer } from "../gateway/TcpServer.ts"
import { AdminServer } from "../metrics/AdminServer.ts"
import { setRecording } from "../metrics/Instruments.ts"
import { application, type WeftOptions } from "../server/Application.ts"
import * as GcHeadroom from "../server/GcHeadroom.ts"
import type { RoleSettings } from "./cluster.ts"
import { launch } from "./launch.ts"

/** The role's settings over the defaults. */
const settingsOf = (role: RoleSettings) => {
  setRecording(role.recording)
  const settings = withOverrides({
    ...role.overrides,
    session: { ...role.overrides.session, throttle: { ...defaultSettings.session.throttle, ...role.throttle } }
  })
  const cluster: ClusterSettings = { ...defaultClusterSettings, ...role.cluster }
  return { settings, cluster }
}

/** Prints where the admin port listens, if it was asked for. */
const announceAdmin = (role: string) =>
  Effect.flatMap(Effect.serviceOption(AdminServer), (admin) =>
    Effect.sync(() => {
      if (admin._tag === "None") return
      const { host, port } = admin.value.listening
      console.log(`weft ${role}: admin (/healthz /readyz /metrics /log-reports) on ${host}:${port}`)
    }))

export const serveRunner = (role: RoleSettings, options: WeftOptions) => {
  const { settings, cluster } = settingsOf(role)
  const program = Effect.gen(function*() {
    yield* announceAdmin("runner")
    if (cluster.idc !== undefined) {
      console.log(`weft runner: IDC ${cluster.idc.name}, link on ${cluster.idc.linkHost}:${cluster.idc.linkPort}, directory ${describeRedis({ url: cluster.idc.directoryUrl, cluster: false })}`)
    }
    console.log(`weft runner: cluster member on ${cluster.runnerHost}:${cluster.runnerPort}, ${describeRedis({ url: cluster.redisUrl, cluster: cluster.redisCluster })}`)
    return yield* Effect.never
  })
  launch("runner", program.pipe(Effect.provide(Layer.fresh(admin(settings, cluster, "runner").pipe(Layer.provideMerge(runner(settings, cluster)), Layer.provide(application(options)), Layer.merge(GcHeadroom.layer(role.gcHeadroomMb)))))))
}

export const serveGateway = (role: RoleSettings, options: WeftOptions) => {
  const { settings, cluster } = settingsOf(role)
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
  launch("gateway", program.pipe(Effect.provide(Layer.fresh(admin(settings, cluster, "gateway").pipe(Layer.provideMerge(gateway(settings, cluster)), Layer.provide(application(options)), Layer.merge(GcHeadroom.layer(role.gcHeadroomMb)))))))
}
