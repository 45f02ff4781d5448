/** Everything a weft process can be told, with the defaults of dev mode. */
import type { ChangeLogOptions } from "../actors/ChangeLog.ts"
import type { SessionOptions } from "../actors/Session.ts"
import { defaultGatewaySettings, type GatewaySettings } from "../gateway/GatewayConfig.ts"

export interface WeftSettings {
  readonly gateway: GatewaySettings
  readonly session: SessionOptions
  readonly changeLog: Omit<ChangeLogOptions, "maxSyncPage">
}

export const defaultSettings: WeftSettings = {
  gateway: defaultGatewaySettings,
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
  readonly session?: Partial<SessionOptions>
  readonly changeLog?: Partial<WeftSettings["changeLog"]>
}

export const withOverrides = (overrides: SettingsOverrides = {}): WeftSettings => ({
  gateway: { ...defaultSettings.gateway, ...overrides.gateway },
  session: { ...defaultSettings.session, ...overrides.session },
  changeLog: { ...defaultSettings.changeLog, ...overrides.changeLog }
})
