/** Everything a weft process can be told, with the defaults of dev mode. */
import type { ChangeLogOptions } from "../actors/ChangeLog.ts"
import type { SessionOptions } from "../actors/Session.ts"
import { defaultGatewaySettings, type GatewaySettings } from "../gateway/GatewayConfig.ts"

export interface AdminSettings {
  /** The admin HTTP port (health, readiness, metrics); undefined for none, 0 for a free one. */
  readonly port: number | undefined
}

export interface WeftSettings {
  readonly gateway: GatewaySettings
  readonly admin: AdminSettings
  readonly session: SessionOptions
  readonly changeLog: Omit<ChangeLogOptions, "maxSyncPage">
}

export const defaultSettings: WeftSettings = {
  gateway: defaultGatewaySettings,
  admin: { port: undefined },
  session: {
    sessionTtlMs: 30 * 24 * 3600_000,
    maxFailedLogins: 10,
    failedLoginWindowMs: 60_000
  },
  changeLog: {
    dedupeTtlMs: 7 * 24 * 3600_000
  }
}

export interface SettingsOverrides {
  readonly gateway?: Partial<GatewaySettings>
  readonly admin?: Partial<AdminSettings>
  readonly session?: Partial<SessionOptions>
  readonly changeLog?: Partial<WeftSettings["changeLog"]>
}

export const withOverrides = (overrides: SettingsOverrides = {}): WeftSettings => ({
  gateway: { ...defaultSettings.gateway, ...overrides.gateway },
  admin: { ...defaultSettings.admin, ...overrides.admin },
  session: { ...defaultSettings.session, ...overrides.session },
  changeLog: { ...defaultSettings.changeLog, ...overrides.changeLog }
})
