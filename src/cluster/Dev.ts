/**
 * Dev mode: the whole of weft in one process — gateway, actors, in-memory storage — with no
 * external server. The gateway is a layer of its own on top of the engine, so it can be
 * stopped and started again while the actors and their data stay (as tests do).
 */
import { Effect, Layer } from "effect"
import { CallTimeout } from "../actors/LocalActors.ts"
import * as Admin from "../server/Admin.ts"
import * as AdminApi from "../server/AdminApi.ts"
import * as Commands from "../gateway/Commands.ts"
import * as HttpServer from "../gateway/HttpServer.ts"
import * as AdminServer from "../metrics/AdminServer.ts"
import { GatewayConfig } from "../gateway/GatewayConfig.ts"
import * as TcpServer from "../gateway/TcpServer.ts"
import { instrumented } from "../storage/instrumented.ts"
import { layerMemory } from "../storage/memory.ts"
import type { Storage } from "../storage/Storage.ts"
import { devEngine } from "./Engine.ts"
import { WeftConfig, type WeftSettings } from "./Settings.ts"

/** The connection layer: listeners and command handlers, forwarding to the engine. */
export const gateway = Layer.mergeAll(TcpServer.layer, HttpServer.layer).pipe(Layer.provide(Commands.layer))

/**
 * The Admin service (in-process use by the app), and the admin port if the settings ask for one,
 * with the same operations as the admin API (server/AdminApi.ts).
 */
export const admin = (settings: WeftSettings) =>
  settings.admin.port === undefined
    ? Admin.layer
    : Layer.unwrap(Effect.map(AdminApi.handler, (api) =>
      AdminServer.layer({
        host: settings.admin.host,
        token: settings.admin.token,
        port: settings.admin.port!,
        dashboardPeers: settings.admin.dashboardPeers,
        requireShards: true,
        api
      }))).pipe(Layer.provideMerge(Admin.layer))

/** Engine + storage (in memory unless given) + the gateway's settings: everything a gateway needs below it. */
export const engine = (settings: WeftSettings, storage: Layer.Layer<Storage> = layerMemory) =>
  devEngine(settings).pipe(
    Layer.provideMerge(instrumented(storage)),
    Layer.provideMerge(GatewayConfig.layer(settings.gateway)),
    Layer.provideMerge(WeftConfig.layer(settings)),
    Layer.provideMerge(Layer.succeed(CallTimeout, settings.actors.callTimeoutMs))
  )

export const dev = (settings: WeftSettings, storage?: Layer.Layer<Storage>) =>
  Layer.mergeAll(gateway, admin(settings)).pipe(Layer.provideMerge(engine(settings, storage)))
