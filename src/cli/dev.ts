/** `weft dev`: the whole server in this process, until Ctrl-C. Its flags are checked first (devServer.ts runs it). */
import { parseArgs } from "node:util"
import type { SettingsOverrides } from "../cluster/Settings.ts"
import { loadNotifySettings } from "./notifyConfig.ts"
import { parsePort } from "./args.ts"
import { applicationFlags, loadApplication } from "./application.ts"
import { advertisedEndpoints, authFlags, authSettings, checked, count, gcHeadroomMb, given, logMaxEntries, loginPolicy, milliseconds, onOff, type Source, tlsFiles } from "./config.ts"

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
      "gc-headroom-mb": { type: "string" },
      advertise: { type: "string" },
      "call-timeout-ms": { type: "string" },
      "notify-config": { type: "string" },
      ...Object.fromEntries(applicationFlags.map((flag) => [flag, { type: "string" as const }])),
      ...Object.fromEntries(authFlags.map((flag) => [flag, { type: "string" as const }]))
    },
    strict: true
  })
  /** A flag given on the command line. */
  const flag = (name: string): Source | undefined => {
    const value = (values as Record<string, string | undefined>)[name]
    return value === undefined ? undefined : { value, origin: `--${name}` }
  }
  const recording = onOff(flag("metrics"), true)
  const gcHeadroom = gcHeadroomMb(flagOrEnv(values)("gc-headroom-mb"))
  const overrides: SettingsOverrides = {
    actors: given({ callTimeoutMs: checked(flag("call-timeout-ms"), (source) => milliseconds(source, 0, 500, 120_000)) }),
    gateway: {
      host: values.host ?? "127.0.0.1",
      tcpPorts: [parsePort("--port", values.port, 9300)],
      httpPorts: [parsePort("--http-port", values["http-port"], 9380)],
      advertisedEndpoints: advertisedEndpoints(flag("advertise")),
      tls: tlsFiles(flag("tls-cert"), flag("tls-key"))
    },
    auth: authSettings(flagOrEnv(values)),
    admin: {
      port: parsePort("--admin-port", values["admin-port"], 9390),
      host: values["admin-host"] ?? "127.0.0.1",
      token: values["admin-token"] ?? process.env["WEFT_ADMIN_TOKEN"]
    },
    notify: loadNotifySettings(
      values["notify-config"] !== undefined
        ? { value: values["notify-config"], origin: "--notify-config" }
        : process.env["WEFT_NOTIFY_CONFIG"] ? { value: process.env["WEFT_NOTIFY_CONFIG"], origin: "WEFT_NOTIFY_CONFIG" } : undefined,
      process.env
    ),
    features: {
      webChat: true,
      ...given({ readDiffusionThreshold: checked(flag("read-diffusion-threshold"), (source) => count(source, 0)) }),
      loginPolicy: loginPolicy(flag("login-policy"))
    },
    changeLog: given({ maxEntries: checked(flag("log-max-entries"), (source) => logMaxEntries(source, 0)) })
  }
  const app = await loadApplication(flagOrEnv(values))
  ;(await import("./devServer.ts")).serveDev(overrides, app, recording, gcHeadroom)
}
