/**
 * `--notify-config FILE` (or WEFT_NOTIFY_CONFIG): the providers of offline notifications and
 * their credentials, as JSON (docs/notifications.md shows every key). A secret is given in the
 * file, or by the file that holds it (`keyFile`, `serviceAccountFile`, `privateKeyFile`,
 * `secretFile`), or by an environment variable (WEFT_APNS_KEY, WEFT_FCM_SERVICE_ACCOUNT,
 * WEFT_VAPID_PRIVATE_KEY, WEFT_WEBHOOK_SECRET), which wins. Secrets are never printed: an error
 * names the key, not the value.
 */
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { defaultNotifySettings, defaultWebPushHosts, type NotifySettings } from "../notify/NotifySettings.ts"
import { UsageError } from "./args.ts"
import type { Source } from "./config.ts"

type Json = Record<string, unknown>

export const loadNotifySettings = (
  source: Source | undefined,
  env: Readonly<Record<string, string | undefined>>
): NotifySettings => {
  const fromEnv = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name])
  if (source === undefined) return defaultNotifySettings
  const path = source.value
  const dir = Path.dirname(path)
  let file: Json
  try {
    file = JSON.parse(readFileSync(path, "utf8")) as Json
  } catch (error) {
    throw new UsageError(`${source.origin}: cannot read ${path}: ${error instanceof Error ? error.message : error}`)
  }
  const where = (key: string) => `${path}: ${key}`
  const section = (name: string): Json | undefined => {
    const value = file[name]
    if (value === undefined) return undefined
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError(`${where(name)} must be an object`)
    return value as Json
  }
  const string = (object: Json, prefix: string, key: string, required = true): string | undefined => {
    const value = object[key]
    if (value === undefined && !required) return undefined
    if (typeof value !== "string" || value === "") throw new UsageError(`${where(`${prefix}.${key}`)} must be a non-empty string`)
    return value
  }
  const readRelative = (object: Json, prefix: string, key: string): string => {
    const name = string(object, prefix, key)!
    try {
      return readFileSync(Path.resolve(dir, name), "utf8")
    } catch (error) {
      throw new UsageError(`${where(`${prefix}.${key}`)}: cannot read ${name}: ${error instanceof Error ? error.message : error}`)
    }
  }
  /** A secret: the environment variable, else `<key>File`, else `<key>`. */
  const secret = (object: Json, prefix: string, key: string, envName: string): string => {
    const value = fromEnv(envName)
    if (value !== undefined) return value
    if (object[`${key}File`] !== undefined) return readRelative(object, prefix, `${key}File`).trim()
    if (object[key] === undefined) throw new UsageError(`${where(`${prefix}.${key}`)} (or ${key}File, or ${envName}) is required`)
    return string(object, prefix, key)!
  }
  const number = (key: string, fallback: number, min: number, max: number): number => {
    const value = file[key]
    if (value === undefined) return fallback
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw new UsageError(`${where(key)} must be a whole number from ${min} to ${max}`)
    }
    return value
  }
  const known = ["apns", "fcm", "webPush", "webhook", "collapseMs", "minIntervalMs", "perDevicePerMinute", "retryMs", "maxRetryMs", "deadlineMs", "concurrency", "requestTimeoutMs"]
  for (const key of Object.keys(file)) {
    if (!known.includes(key)) throw new UsageError(`${where(key)}: unknown setting (known: ${known.join(", ")})`)
  }

  const apnsSection = section("apns")
  const apns = apnsSection && {
    key: secret(apnsSection, "apns", "key", "WEFT_APNS_KEY"),
    keyId: string(apnsSection, "apns", "keyId")!,
    teamId: string(apnsSection, "apns", "teamId")!,
    topic: string(apnsSection, "apns", "topic")!,
    production: apnsSection["production"] === undefined ? true : apnsSection["production"] === true,
    address: string(apnsSection, "apns", "address", false),
    ca: apnsSection["caFile"] === undefined ? undefined : readRelative(apnsSection, "apns", "caFile")
  }

  const fcmSection = section("fcm")
  const fcm = fcmSection && (() => {
    const text = fromEnv("WEFT_FCM_SERVICE_ACCOUNT") ?? readRelative(fcmSection, "fcm", "serviceAccountFile")
    let account: Json
    try {
      account = JSON.parse(text) as Json
    } catch {
      throw new UsageError(`${where("fcm.serviceAccountFile")}: not a service-account key file (JSON)`)
    }
    const field = (name: string) => {
      const value = account[name]
      if (typeof value !== "string" || value === "") throw new UsageError(`${where("fcm.serviceAccountFile")}: the key file has no ${name}`)
      return value
    }
    return {
      serviceAccount: {
        clientEmail: field("client_email"),
        privateKey: field("private_key"),
        projectId: typeof fcmSection["projectId"] === "string" ? fcmSection["projectId"] : field("project_id"),
        tokenUri: field("token_uri")
      },
      endpoint: string(fcmSection, "fcm", "endpoint", false)
    }
  })()

  const webPushSection = section("webPush")
  const webPush = webPushSection && {
    subject: string(webPushSection, "webPush", "subject")!,
    publicKey: string(webPushSection, "webPush", "publicKey")!,
    privateKey: secret(webPushSection, "webPush", "privateKey", "WEFT_VAPID_PRIVATE_KEY"),
    allowedHosts: Array.isArray(webPushSection["allowedHosts"])
      ? (webPushSection["allowedHosts"] as Array<unknown>).map(String)
      : defaultWebPushHosts,
    ca: webPushSection["caFile"] === undefined ? undefined : readRelative(webPushSection, "webPush", "caFile")
  }
  if (webPush && !/^(mailto:|https:\/\/)/.test(webPush.subject)) throw new UsageError(`${where("webPush.subject")} must be a mailto: or https: URL`)

  const webhookSection = section("webhook")
  const webhook = webhookSection && {
    url: string(webhookSection, "webhook", "url")!,
    secret: secret(webhookSection, "webhook", "secret", "WEFT_WEBHOOK_SECRET")
  }
  if (webhook) {
    let url: URL
    try {
      url = new URL(webhook.url)
    } catch {
      throw new UsageError(`${where("webhook.url")} must be a URL`)
    }
    const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]"
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
      throw new UsageError(`${where("webhook.url")} must be https (http only on loopback)`)
    }
    if (webhook.secret.length < 16) throw new UsageError(`${where("webhook.secret")} must have at least 16 characters`)
  }

  const d = defaultNotifySettings
  return {
    apns,
    fcm,
    webPush,
    webhook,
    collapseMs: number("collapseMs", d.collapseMs, 0, 60_000),
    minIntervalMs: number("minIntervalMs", d.minIntervalMs, 0, 24 * 3600_000),
    perDevicePerMinute: number("perDevicePerMinute", d.perDevicePerMinute, 1, 10_000),
    retryMs: number("retryMs", d.retryMs, 10, 600_000),
    maxRetryMs: number("maxRetryMs", d.maxRetryMs, 10, 3600_000),
    deadlineMs: number("deadlineMs", d.deadlineMs, 1_000, 7 * 24 * 3600_000),
    concurrency: number("concurrency", d.concurrency, 1, 1_000),
    requestTimeoutMs: number("requestTimeoutMs", d.requestTimeoutMs, 100, 120_000)
  }
}
