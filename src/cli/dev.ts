/** `weft dev`: the whole server in this process, until Ctrl-C. */
import { parseArgs } from "node:util"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Layer } from "effect"
import { defaultThrottleOptions } from "../actors/LoginThrottle.ts"
import { dev } from "../cluster/Dev.ts"
import { defaultSettings, withOverrides } from "../cluster/Settings.ts"
import { loadNotifySettings } from "./notifyConfig.ts"
import { HttpShortServer } from "../gateway/HttpServer.ts"
import { TcpServer } from "../gateway/TcpServer.ts"
import { AdminServer } from "../metrics/AdminServer.ts"
import { parsePort } from "./args.ts"
import { applicationFlags, loadApplication } from "./application.ts"
import { application } from "../server/Application.ts"
import { setRecording } from "../metrics/Instruments.ts"
import { advertisedEndpoints, authFlags, authSettings, count, jsonLogs, logMaxEntries, loginPolicy, milliseconds, onOff, type Source, tlsFiles } from "./config.ts"

/** The innermost system error (EADDRINUSE, EACCES, ...) said in one line, naming the address. */
export const explainStartupFailure = (error: unknown): string => {
  let current: unknown = error
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    const { code, address, port } = current as { code?: unknown; address?: unknown; port?: unknown }
    if (typeof code === "string" && code.startsWith("E")) {
      const where = port === undefined ? "" : ` ${String(address)}:${String(port)}`
      const hint = code === "EADDRINUSE" ? " (port in use: choose another with --port/--http-port/--admin-port, or 0)" : ""
      return `${code}${where}${hint}`
    }
    current = (current as { cause?: unknown }).cause ?? (current as { reason?: unknown }).reason
  }
  // The first message along the chain: a wrapper (a StorageError, say) may carry none itself.
  for (let depth = 0, at: unknown = error; depth < 8 && at !== undefined && at !== null; depth++) {
    const message = (at as { message?: unknown }).message
    if (typeof message === "string" && message !== "") return message
    at = (at as { cause?: unknown }).cause ?? (at as { reason?: unknown }).reason
  }
  return String(error)
}

/** A flag's value, else its WEFT_ variable (WEFT_JWT_SECRET for --jwt-secret): secrets stay out of `ps`. */
const flagOrEnv = (values: Record<string, unknown>) => (flag: string): Source | undefined => {
  const value = values[flag]
  if (typeof value === "string") return { value, origin: `--${flag}` }
  const name = `WEFT_${flag.toUpperCase().replace(/-/g, "_")}`
  const fromEnv = process.env[name]
  return fromEnv === undefined || fromEnv === "" ? undefined : { value: fromEnv, origin: name }
}

export const runDev = async (argv: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "http-port": { type: "string" },
      "admin-port": { type: "string" },
      "admin-host": { type: "string" },
      "admin-token": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "login-policy": { type: "string" },
      "read-diffusion-threshold": { type: "string" },
      "log-max-entries": { type: "string" },
      metrics: { type: "string" },
      advertise: { type: "string" },
      "call-timeout-ms": { type: "string" },
      "notify-config": { type: "string" },
      ...Object.fromEntries(applicationFlags.map((flag) => [flag, { type: "string" as const }])),
      ...Object.fromEntries(authFlags.map((flag) => [flag, { type: "string" as const }]))
    },
    strict: true
  })
  const app = await loadApplication((flag) => {
    const value = (values as Record<string, string | undefined>)[flag]
    if (value !== undefined) return { value, origin: `--${flag}` }
    const env = process.env[`WEFT_${flag.toUpperCase().replace(/-/g, "_")}`]
    return env === undefined || env === "" ? undefined : { value: env, origin: `WEFT_${flag.toUpperCase().replace(/-/g, "_")}` }
  })
  const host = values.host ?? "127.0.0.1"
  setRecording(onOff(values.metrics === undefined ? undefined : { value: values.metrics, origin: "--metrics" }, true))
  const settings = withOverrides({
    actors: {
      callTimeoutMs: milliseconds(
        values["call-timeout-ms"] === undefined ? undefined : { value: values["call-timeout-ms"], origin: "--call-timeout-ms" },
        defaultSettings.actors.callTimeoutMs,
        500,
        120_000
      )
    },
    gateway: {
      host,
      tcpPorts: [parsePort("--port", values.port, 9300)],
      httpPorts: [parsePort("--http-port", values["http-port"], 9380)],
      advertisedEndpoints: advertisedEndpoints(
        values.advertise === undefined ? undefined : { value: values.advertise, origin: "--advertise" }
      ),
      tls: tlsFiles(
        values["tls-cert"] === undefined ? undefined : { value: values["tls-cert"], origin: "--tls-cert" },
        values["tls-key"] === undefined ? undefined : { value: values["tls-key"], origin: "--tls-key" }
      )
    },
    auth: authSettings(flagOrEnv(values)),
    admin: {
      port: parsePort("--admin-port", values["admin-port"], 9390),
      host: values["admin-host"] ?? "127.0.0.1",
      token: values["admin-token"] ?? process.env["WEFT_ADMIN_TOKEN"]
    },
    session: {
      // A development server on one machine, where every client registers from the same address.
      throttle: { ...defaultThrottleOptions, registrationsPerAddress: 10_000 },
      // Its accounts live in memory and vanish with the process: a fifth of production's hashing
      // cost keeps scripts that log in again and again quick.
      passwordHash: { N: 16384, r: 8, p: 1 }
    },
    notify: loadNotifySettings(
      values["notify-config"] !== undefined
        ? { value: values["notify-config"], origin: "--notify-config" }
        : process.env["WEFT_NOTIFY_CONFIG"] ? { value: process.env["WEFT_NOTIFY_CONFIG"], origin: "WEFT_NOTIFY_CONFIG" } : undefined,
      process.env
    ),
    features: {
      webChat: true,
      readDiffusionThreshold: count(
        values["read-diffusion-threshold"] === undefined ? undefined : { value: values["read-diffusion-threshold"], origin: "--read-diffusion-threshold" },
        defaultSettings.features.readDiffusionThreshold
      ),
      loginPolicy: loginPolicy(values["login-policy"] === undefined ? undefined : { value: values["login-policy"], origin: "--login-policy" })
    },
    changeLog: {
      maxEntries: logMaxEntries(
        values["log-max-entries"] === undefined ? undefined : { value: values["log-max-entries"], origin: "--log-max-entries" },
        defaultSettings.changeLog.maxEntries
      )
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

  NodeRuntime.runMain(
    program.pipe(
      Effect.provide(Layer.fresh(dev(settings).pipe(Layer.provide(application(app))))),
      Effect.provide(jsonLogs),
      Effect.catchCause((cause) =>
        Effect.sync(() => {
          console.error(`weft dev: cannot start: ${explainStartupFailure(Cause.squash(cause))}`)
          process.exitCode = 1
        })
      )
    ),
    { disableErrorReporting: true }
  )
}
