/**
 * A dev-mode server inside the test process, on 127.0.0.1 with a free port. The gateway can
 * be stopped and started again while the engine (actors and storage) stays up.
 */
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { defaultThrottleOptions } from "../../src/actors/LoginThrottle.ts"
import { engine, gateway } from "../../src/cluster/Dev.ts"
import { type SettingsOverrides, withOverrides } from "../../src/cluster/Settings.ts"
import { GatewayConfig } from "../../src/gateway/GatewayConfig.ts"
import { HttpShortServer } from "../../src/gateway/HttpServer.ts"
import { TcpServer } from "../../src/gateway/TcpServer.ts"
import { Storage } from "../../src/storage/Storage.ts"

export interface DevServer {
  readonly host: string
  /** The gateway's current port (it keeps the same one across restarts). */
  port: number
  /** The short-connection (HTTP) port. */
  httpPort: number
  readonly stopGateway: () => Promise<void>
  readonly startGateway: () => Promise<void>
  readonly stop: () => Promise<void>
  /** The engine's storage, for tests that set up what a crash would leave behind. */
  readonly storage: Storage["Service"]
}

export const startDevServer = async (overrides: SettingsOverrides = {}): Promise<DevServer> => {
  const settings = withOverrides({
    ...overrides,
    gateway: { tcpPorts: [0], ...overrides.gateway },
    session: {
      // Every test registers from 127.0.0.1: no registration limit unless a test sets one.
      throttle: { ...defaultThrottleOptions, registrationsPerAddress: 1_000_000 },
      // Tests register hundreds of users, a dozen at once, on a shared 2-core machine: the
      // pre-0.2 cost (a fifth of today's) unless a test sets it. FrequencyControl.test.ts uses
      // the production parameters.
      passwordHash: { N: 16384, r: 8, p: 1 },
      ...overrides.session
    }
  })
  const engineScope = Effect.runSync(Scope.make())
  const engineContext = await Effect.runPromise(Layer.buildWithScope(engine(settings), engineScope))
  let gatewayScope: Scope.Closeable | undefined
  const server: DevServer = {
    storage: Context.get(engineContext, Storage),
    host: "127.0.0.1",
    port: 0,
    httpPort: 0,
    startGateway: async () => {
      const scope = Effect.runSync(Scope.make())
      const fixedPort = withOverrides({
        // The configured ports at first, then the ones bound (a restart keeps them).
        gateway: {
          ...settings.gateway,
          tcpPorts: [server.port || settings.gateway.tcpPorts[0] || 0],
          httpPorts: [server.httpPort || settings.gateway.httpPorts[0] || 0]
        }
      })
      const context = await Effect.runPromise(
        Layer.buildWithScope(
          gateway.pipe(Layer.provide(GatewayConfig.layer(fixedPort.gateway)), Layer.provide(Layer.succeedContext(engineContext))),
          scope
        )
      )
      gatewayScope = scope
      server.port = Context.get(context, TcpServer).listening[0]!.port
      server.httpPort = Context.get(context, HttpShortServer).listening[0]!.port
    },
    stopGateway: async () => {
      if (gatewayScope) await Effect.runPromise(Scope.close(gatewayScope, Exit.void))
      gatewayScope = undefined
    },
    stop: async () => {
      await server.stopGateway()
      await Effect.runPromise(Scope.close(engineScope, Exit.void))
    }
  }
  await server.startGateway()
  return server
}
