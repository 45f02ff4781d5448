/** Everything a weft process can be told, with the defaults of dev mode. */
import * as Os from "node:os"
import * as Path from "node:path"
import { randomBytes } from "node:crypto"
import { Context, Layer } from "effect"
import type { ChangeLogOptions } from "../actors/ChangeLog.ts"
import { defaultThrottleOptions } from "../actors/LoginThrottle.ts"
import type { SessionOptions } from "../actors/Session.ts"
import { defaultGatewaySettings, type GatewaySettings } from "../gateway/GatewayConfig.ts"
import { defaultNotifySettings, type NotifySettings } from "../notify/NotifySettings.ts"

export interface AdminSettings {
  /** The admin HTTP port (health, readiness, metrics, log reports); undefined for none, 0 for a free one. */
  readonly port: number | undefined
  /** Where it binds: loopback unless told otherwise (it is not for the public). */
  readonly host: string
  /** When set, required on every admin path but /healthz (Bearer, or Basic password). */
  readonly token: string | undefined
  /** Admin addresses ("host:port") of other processes whose figures the dashboard adds up. */
  readonly dashboardPeers: ReadonlyArray<string>
}

/**
 * Logins with tokens the app's own server signs (JWTs; gateway/AppToken.ts). Exactly one key:
 * `secret` (HS256), `publicKey` (a PEM public key or a JWK, RS256/ES256) or `jwksUrl`.
 */
export interface JwtSettings {
  readonly secret?: string | undefined
  readonly publicKey?: string | undefined
  readonly jwksUrl?: string | undefined
  /** Accepted algorithms; by default HS256 with a secret, RS256 and ES256 with a public key. */
  readonly algorithms?: ReadonlyArray<"HS256" | "RS256" | "ES256"> | undefined
  /** Required `iss`, when set. */
  readonly issuer?: string | undefined
  /** Required `aud` (one of the token's), when set. */
  readonly audience?: string | undefined
  /** The claim that holds the user id (default `sub`). */
  readonly userIdClaim?: string | undefined
  /** Leeway for `exp` and `nbf` against clock skew, in seconds (default 30). */
  readonly clockToleranceSeconds?: number | undefined
}

/** How users log in: the app's tokens, weft's own passwords, or both. */
export interface AuthSettings {
  /** App tokens (AuthRequest.app_token) are accepted when set. */
  readonly jwt: JwtSettings | undefined
  /** weft's own accounts: REGISTER and password logins (off: both answer FORBIDDEN). */
  readonly passwords: boolean
}

/** Settings of the IM features (contacts, groups, messages, devices, moments, logs). */
export interface FeatureSettings {
  /** How long after sending a message its sender may recall it. */
  readonly recallWindowMs: number
  /** Devices per user: any number, one per platform, or one (a new login kicks the older). */
  readonly loginPolicy: "allow-many" | "one-per-platform" | "kick-older"
  readonly maxGroupMembers: number
  /**
   * Groups with more members than this keep their messages in a log of their own (read
   * diffusion, docs/groups.md); a group may set its own (GroupSettings).
   */
  readonly readDiffusionThreshold: number
  readonly maxAvatarBytes: number
  readonly maxLogReportBytes: number
  /** A user's newest reports kept; an upload beyond drops that user's oldest. */
  readonly maxLogReportsPerUser: number
  /** Reports kept in all; when full, an upload is refused (RATE_LIMITED) rather than dropping another user's. */
  readonly maxLogReportsListed: number
  /** A report older than this is dropped (blob included) at the next upload of anyone's. */
  readonly logReportRetentionMs: number
  /** Serve the web chat page (GET /chat) and the browser SDK (/web/...) from the HTTP port(s); dev mode does. */
  readonly webChat: boolean
}

/** Settings of media uploads and downloads (media/, actors/Uploads.ts; see docs/media.md). */
export interface MediaSettings {
  /** The filesystem blob store's directory; every runner and gateway must see the same one. */
  readonly directory: string
  /** The largest upload chunk (it must fit in a frame: gateway maxFrameBytes). */
  readonly chunkBytes: number
  readonly maxFileBytes: number
  /** Bytes of media one user may store (uploads in progress count with their full size). */
  readonly quotaBytes: number
  /** Uploads in progress per user. */
  readonly maxPendingUploads: number
  /** An upload without a chunk for this long is dropped, its partial bytes deleted. */
  readonly uploadTtlMs: number
  /** Key of the signed download URLs; set the same one on every gateway of a cluster. */
  readonly urlSecret: string
  readonly urlTtlMs: number
  /**
   * The origin download links point to ("https://media.example.com"), so that media is served
   * from another origin than the app and its web page; empty for paths on the gateway itself.
   */
  readonly origin: string
}

export interface WeftSettings {
  readonly features: FeatureSettings
  readonly media: MediaSettings
  readonly gateway: GatewaySettings
  readonly admin: AdminSettings
  readonly auth: AuthSettings
  readonly session: SessionOptions
  readonly changeLog: Omit<ChangeLogOptions, "maxSyncPage">
  readonly actors: ActorSettings
  /** Offline notifications (notify/): providers and delivery timings. */
  readonly notify: NotifySettings
}

export const defaultSettings: WeftSettings = {
  features: {
    recallWindowMs: 2 * 60_000,
    loginPolicy: "allow-many",
    maxGroupMembers: 10_000,
    readDiffusionThreshold: 500,
    maxAvatarBytes: 256 * 1024,
    maxLogReportBytes: 1024 * 1024,
    maxLogReportsPerUser: 20,
    maxLogReportsListed: 1000,
    logReportRetentionMs: 30 * 24 * 3600_000,
    webChat: false
  },
  media: {
    directory: Path.join(Os.tmpdir(), "weft-media"),
    chunkBytes: 8 * 1024,
    maxFileBytes: 100 * 1024 * 1024,
    quotaBytes: 1024 * 1024 * 1024,
    maxPendingUploads: 32,
    uploadTtlMs: 24 * 3600_000,
    // Per process unless configured: good for dev mode, not for several gateways.
    urlSecret: randomBytes(32).toString("hex"),
    urlTtlMs: 3600_000,
    origin: ""
  },
  gateway: defaultGatewaySettings,
  admin: { port: undefined, host: "127.0.0.1", token: undefined, dashboardPeers: [] },
  auth: { jwt: undefined, passwords: true },
  session: {
    sessionTtlMs: 30 * 24 * 3600_000,
    throttle: defaultThrottleOptions
  },
  changeLog: {
    dedupeTtlMs: 7 * 24 * 3600_000,
    maxEntries: 100_000
  },
  actors: {
    callTimeoutMs: 5_000
  },
  notify: defaultNotifySettings
}

export interface ActorSettings {
  /** How long a caller waits for an actor's answer (or its lock) before UNAVAILABLE: 500..120,000 ms. */
  readonly callTimeoutMs: number
}

export interface SettingsOverrides {
  readonly gateway?: Partial<GatewaySettings>
  readonly features?: Partial<FeatureSettings>
  readonly media?: Partial<MediaSettings>
  readonly admin?: Partial<AdminSettings>
  readonly auth?: Partial<AuthSettings>
  readonly session?: Partial<SessionOptions>
  readonly changeLog?: Partial<WeftSettings["changeLog"]>
  readonly actors?: Partial<ActorSettings>
  readonly notify?: Partial<NotifySettings>
}

export const withOverrides = (overrides: SettingsOverrides = {}): WeftSettings => {
  const settings = merged(overrides)
  // A 1:1 message is recalled through its entry's dedupe key in the sender's log (Conversations.ts).
  if (settings.changeLog.dedupeTtlMs < settings.features.recallWindowMs) {
    throw new Error(
      `changeLog.dedupeTtlMs (${settings.changeLog.dedupeTtlMs} ms) must be at least features.recallWindowMs (${settings.features.recallWindowMs} ms)`
    )
  }
  return settings
}

const merged = (overrides: SettingsOverrides): WeftSettings => ({
  gateway: { ...defaultSettings.gateway, ...overrides.gateway },
  features: { ...defaultSettings.features, ...overrides.features },
  media: { ...defaultSettings.media, ...overrides.media },
  admin: { ...defaultSettings.admin, ...overrides.admin },
  auth: { ...defaultSettings.auth, ...overrides.auth },
  session: { ...defaultSettings.session, ...overrides.session },
  changeLog: { ...defaultSettings.changeLog, ...overrides.changeLog },
  actors: { ...defaultSettings.actors, ...overrides.actors },
  notify: { ...defaultSettings.notify, ...overrides.notify }
})

/** The whole of the settings, for the modules that need more than their own part. */
export class WeftConfig extends Context.Service<WeftConfig, WeftSettings>()("weft/cluster/WeftConfig") {
  static readonly layer = (settings: WeftSettings) => Layer.succeed(WeftConfig, settings)
}
