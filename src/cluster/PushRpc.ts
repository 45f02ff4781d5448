/**
 * The push path across processes: the runner that appended a change calls the gateways that
 * hold the user's connections (found through Presence) over effect/rpc. Pushes are best effort
 * like everywhere in weft — a device that misses one sees a gap and syncs — so a gateway that
 * cannot be reached in time is skipped, never waited for.
 */
import { Duration, Effect, Layer, RcMap, Schema } from "effect"
import { Rpc, RpcClient, RpcGroup, RpcSerialization, RpcServer } from "effect/rpc"
import * as Socket from "effect/socket/Socket"
import * as SocketServer from "effect/socket/SocketServer"
import { Pusher } from "../actors/Pusher.ts"
import { ConnectionRegistry } from "../gateway/ConnectionRegistry.ts"
import { Command } from "../protocol/Command.ts"
import { encodeFrame } from "../protocol/Frame.ts"
import * as ClusterAuth from "./ClusterAuth.ts"
import { Presence } from "./Presence.ts"

const KickFilterSchema = Schema.Struct({
  sessionToken: Schema.optional(Schema.String),
  deviceId: Schema.optional(Schema.String),
  connectionId: Schema.optional(Schema.Number),
  platform: Schema.optional(Schema.Number),
  exceptSessionToken: Schema.optional(Schema.String)
})

export class GatewayPushRpcs extends RpcGroup.make(
  Rpc.make("Push", {
    payload: { userId: Schema.String, seq: Schema.Number, data: Schema.Uint8Array, epoch: Schema.String }
  }),
  Rpc.make("Kick", {
    payload: { userId: Schema.String, filter: KickFilterSchema, kicked: Schema.Uint8Array }
  })
) {}

const serialization = RpcSerialization.layerSchemaBinary()

/**
 * Gateway side: serves pushes from runners on `host:port` into this gateway's connections. Only
 * members holding the cluster `secret` get past the handshake (ClusterAuth.ts).
 */
export const serverLayer = (options: { readonly host: string; readonly port: number; readonly secret: string }) =>
  RpcServer.layer(GatewayPushRpcs, { concurrency: "unbounded" }).pipe(
    Layer.provide(
      GatewayPushRpcs.toLayer(Effect.gen(function*() {
        const registry = yield* ConnectionRegistry
        return GatewayPushRpcs.of({
          Push: (payload) =>
            Effect.asVoid(registry.pushToConnections(payload.userId, { seq: payload.seq, data: payload.data }, payload.epoch)),
          Kick: (payload) =>
            Effect.asVoid(registry.kick(payload.userId, payload.filter, encodeFrame(Command.KICKED, 0, payload.kicked)))
        })
      }))
    ),
    Layer.provide(RpcServer.layerProtocolSocketServer),
    Layer.provide(Layer.effect(SocketServer.SocketServer, ClusterAuth.makeServer({ ...options, kind: "push" }))),
    Layer.provide(serialization)
  )

const pushTimeout = Duration.seconds(2)

// The connection lives as long as the scope the client is made in (the RcMap entry's).
const makeClient = Effect.fnUntraced(function*(address: string, secret: string) {
  const [host, port] = address.split(/:(?=\d+$)/) as [string, string]
  const protocol = yield* Layer.build(
    RpcClient.layerProtocolSocket({ retryTransientErrors: false }).pipe(
      Layer.provide(Layer.effect(Socket.Socket, ClusterAuth.connect({ host, port: Number(port), secret, openTimeoutMs: 1000 }))),
      Layer.provide(serialization)
    )
  )
  return yield* RpcClient.make(GatewayPushRpcs).pipe(Effect.provideContext(protocol))
})

type PushClient = Effect.Success<ReturnType<typeof makeClient>>

/** Runner side: the Pusher of clustered mode. One kept-alive client per gateway address. */
export const pusherLayer = (secret: string): Layer.Layer<Pusher, never, Presence> => Layer.effect(
  Pusher,
  Effect.gen(function*() {
    const presence = yield* Presence
    const clients = yield* RcMap.make({ lookup: (address: string) => makeClient(address, secret), idleTimeToLive: "5 minutes" })
    const toGateways = (userId: string, call: (client: PushClient) => Effect.Effect<void, unknown>) =>
      presence.gatewaysOf(userId).pipe(
        Effect.flatMap((addresses) =>
          Effect.forEach(
            addresses,
            (address) =>
              Effect.scoped(Effect.flatMap(RcMap.get(clients, address), call)).pipe(
                Effect.timeout(pushTimeout),
                // A broken connection is dropped, so the next push dials the gateway afresh.
                Effect.catchCause((cause) =>
                  Effect.andThen(RcMap.invalidate(clients, address), Effect.logWarning("push to gateway failed", address, cause))
                )
              ),
            { concurrency: "unbounded", discard: true }
          )
        ),
        // Never hold up the actor that appended: the push goes on in the background.
        Effect.forkDetach,
        Effect.asVoid
      )
    return Pusher.of({
      push: (userId, entry, epoch) =>
        toGateways(userId, (client) => client.Push({ userId, seq: entry.seq, data: entry.data, epoch })),
      kick: (userId, filter, kicked) => toGateways(userId, (client) => client.Kick({ userId, filter, kicked }))
    })
  })
)
