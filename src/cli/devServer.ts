/** `weft dev`'s server, its flags checked (dev.ts): everything in this process, until Ctrl-C. */
import { Effect, Layer } from "effect"
import { defaultThrottleOptions } from "../actors/LoginThrottle.ts"
import { dev } from "../cluster/Dev.ts"
import { type SettingsOverrides, withOverrides } from "../cluster/Settings.ts"
import { HttpShortServer } from "../gateway/HttpServer.ts"
import { TcpServer } from "../gateway/TcpServer.ts"
import { AdminServer } from "../metrics/AdminServer.ts"
import { setRecording } from "../metrics/Instruments.ts"
import { application, type WeftOptions } from "../server/Application.ts"
import * as GcHeadroom from "../server/GcHeadroom.ts"
import { launch } from "./launch.ts"

export const serveDev = (overrides: SettingsOverrides, app: WeftOptions, recording: boolean, gcHeadroomMb: number) => {
  setRecording(recording)
  const settings = withOverrides({
    ...overrides,
    session: {
      // A development server on one machine, where every client registers from the same address.
      throttle: { ...defaultThrottleOptions, registrationsPerAddress: 10_000 },
      // Its accounts live in memory and vanish with the process: a fifth of production's hashing
      // cost keeps scripts that log in again and again quick.
      passwordHash: { N: 16384, r: 8, p: 1 }
    }
  })

  const program = Effect.gen(function*() {
    const tcp = yield* TcpServer
    const http = yield* HttpShortServer
    const admin = yield* AdminServer
    const first = tcp.listening[0]!
    const server = `${first.host}:${first.port}`
    const tls = settings.gateway.tls !== undefined
    for (const listening of tcp.listening) {
      console.log(`weft dev: long connections (${tls ? "TLS" : "TCP"}) on ${listening.host}:${listening.port}`)
    }
    for (const listening of http.listening) {
      console.log(`weft dev: short connections (${tls ? "HTTPS" : "HTTP"} POST /cgi-bin/<command>) on ${listening.host}:${listening.port}`)
    }
    console.log(
      `weft dev: admin (/healthz /readyz /metrics) on ${admin.listening.host}:${admin.listening.port}`
    )
    console.log("weft dev: storage is in memory; Ctrl-C stops the server")
    const page = http.listening[0]
    if (page !== undefined) console.log(`weft dev: web chat: open ${tls ? "https" : "http"}://${page.host}:${page.port}/chat in a browser`)
    if (settings.auth.jwt !== undefined) console.log("weft dev: logins with app tokens (JWT) are on")
    if (settings.auth.passwords) console.log(
      `try it:  npx weft client --server ${server} --user alice --password secret-pw register && ` +
        `npx weft client --server ${server} --user alice --password secret-pw send alice "hello"`
    )
    return yield* Effect.never
  })

  launch("dev", program.pipe(Effect.provide(Layer.fresh(dev(settings).pipe(Layer.provide(application(app)), Layer.merge(GcHeadroom.layer(gcHeadroomMb)))))))
}
