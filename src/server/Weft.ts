/**
 * A weft server composed of weft's own features and the application's: one layer for dev mode
 * (everything in one process), one for a runner and one for a gateway of clustered mode, and a
 * Promise-based `start` for apps that do not use Effect themselves.
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import * as Clustered from "../cluster/Clustered.ts"
import { dev } from "../cluster/Dev.ts"
import { type SettingsOverrides, withOverrides } from "../cluster/Settings.ts"
import { HttpShortServer } from "../gateway/HttpServer.ts"
import { TcpServer } from "../gateway/TcpServer.ts"
import { AdminServer } from "../metrics/AdminServer.ts"
import type { Storage } from "../storage/Storage.ts"
import { application, type WeftOptions } from "./Application.ts"

export { application }
export type { WeftOptions }

export interface DevOptions extends WeftOptions {
  /** Dev mode's storage: in memory unless given (e.g. `layerRedis(...)`). */
  readonly storage?: Layer.Layer<Storage> | undefined
}

export interface ClusterOptions extends WeftOptions {
  /** Redis, the cluster's secret and ports (Clustered.defaultClusterSettings for the rest). */
  readonly cluster: Partial<Clustered.ClusterSettings> & { readonly secret: string }
}

const clusterSettings = (options: ClusterOptions): Clustered.ClusterSettings => ({
  ...Clustered.defaultClusterSettings,
  ...options.cluster
})

/** Dev mode: gateway, actors and storage in this process. */
export const layer = (options: DevOptions = {}) => {
  const settings = withOverrides(options.settings)
  return dev(settings, options.storage).pipe(Layer.provide(application(options)))
}

/** A runner of clustered mode: weft's actors and the features' actors, state in Redis. */
export const runner = (options: ClusterOptions) => {
  const settings = withOverrides(options.settings)
  const cluster = clusterSettings(options)
  return Clustered.admin(settings, cluster, "runner").pipe(
    Layer.provideMerge(Clustered.runner(settings, cluster)),
    Layer.provide(application(options))
  )
}

/** A gateway of clustered mode: the connections and every command, weft's and the features'. */
export const gateway = (options: ClusterOptions) => {
  const settings = withOverrides(options.settings)
  const cluster = clusterSettings(options)
  return Clustered.admin(settings, cluster, "gateway").pipe(
    Layer.provideMerge(Clustered.gateway(settings, cluster)),
    Layer.provide(application(options))
  )
}

export interface Listening {
  readonly host: string
  readonly port: number
}

export interface RunningWeft {
  /** The long-connection (TCP) listeners. */
  readonly tcp: ReadonlyArray<Listening>
  /** The HTTP listeners (short connection, WebSocket, web page). */
  readonly http: ReadonlyArray<Listening>
  /** The admin port, when the settings ask for one. */
  readonly admin: Listening | undefined
  /** Stops the server: listeners close, actors stop. */
  readonly stop: () => Promise<void>
}

/** Starts dev mode and resolves once it listens: for applications that do not use Effect. */
export const start = async (options: DevOptions = {}): Promise<RunningWeft> => {
  const runtime = ManagedRuntime.make(Layer.fresh(layer(options)))
  try {
    return await runtime.runPromise(Effect.gen(function*() {
      const tcp = yield* TcpServer
      const http = yield* HttpShortServer
      const admin = yield* Effect.serviceOption(AdminServer)
      return {
        tcp: tcp.listening,
        http: http.listening,
        admin: admin._tag === "Some" ? admin.value.listening : undefined,
        stop: () => runtime.dispose()
      }
    }))
  } catch (error) {
    await runtime.dispose()
    throw error
  }
}
