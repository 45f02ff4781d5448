/**
 * The defaults the pages state are the defaults the code starts with. Each row names a page, the
 * words on it that state the default, and the value in the code: a row fails when the page stops
 * saying it or the code changes the value, so the two cannot drift apart unnoticed. What each
 * setting does is tested elsewhere (with the setting overridden to keep the tests short); this
 * pins the values a reader relies on when they set nothing.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { defaultThrottleOptions } from "../../src/actors/LoginThrottle.ts"
import { MAX_SESSIONS_PER_USER } from "../../src/actors/Session.ts"
import { CURRENT_PARAMS } from "../../src/actors/Password.ts"
import { defaultClusterSettings } from "../../src/cluster/ClusterSettings.ts"
import { defaultSettings } from "../../src/cluster/Settings.ts"
import { DEFAULT_GC_HEADROOM_MB } from "../../src/cli/config.ts"
import { defaultNotifySettings } from "../../src/notify/NotifySettings.ts"

const root = fileURLToPath(new URL("../..", import.meta.url))
const page = (name: string) => readFileSync(`${root}/${name}`, "utf8").replace(/\s+/g, " ")

const MINUTE = 60_000
const DAY = 24 * 3600_000
const s = defaultSettings

/** [page, the words on it, the code's value, the value those words state] */
const rows: ReadonlyArray<readonly [string, string, unknown, unknown]> = [
  // README.md
  ["README.md", "shard locks are Redis keys with an expiry, refreshed every second", defaultClusterSettings.shardLockRefreshMs, 1_000],
  ["README.md", "its locks expire after 5 s (`--shard-lock-expiration-ms`)", defaultClusterSettings.shardLockExpirationMs, 5_000],
  // docs/security.md
  ["docs/security.md", "wrong passwords per (user, address) before delays | 5", defaultThrottleOptions.freeFailuresPerUserAddress, 5],
  ["docs/security.md", "wrong passwords per address (any users) before delays | 30", defaultThrottleOptions.freeFailuresPerAddress, 30],
  ["docs/security.md", "first delay, doubling per failure | 1 s", defaultThrottleOptions.delayBaseMs, 1_000],
  ["docs/security.md", "longest delay | 60 s", defaultThrottleOptions.delayMaxMs, 60_000],
  ["docs/security.md", "a failure count is forgotten after | 15 min", defaultThrottleOptions.failureWindowMs, 15 * MINUTE],
  ["docs/security.md", "registrations per address | 20 per hour", [defaultThrottleOptions.registrationsPerAddress, defaultThrottleOptions.registrationWindowMs], [20, 60 * MINUTE]],
  ["docs/security.md", "Salted scrypt with N=2^14, r=8, p=5", CURRENT_PARAMS, { N: 2 ** 14, r: 8, p: 5 }],
  ["docs/security.md", "`loginTimeoutMs` (10 s)", s.gateway.loginTimeoutMs, 10_000],
  ["docs/security.md", "`preLoginBytes` (16 KiB)", s.gateway.preLoginBytes, 16 * 1024],
  ["docs/security.md", "`maxFrameBytes` (64 KiB)", s.gateway.maxFrameBytes, 64 * 1024],
  ["docs/security.md", "`outboundQueueFrames` KiB (1024, so 1 MiB", s.gateway.outboundQueueFrames, 1024],
  ["docs/security.md", "`maxLogReportsPerUser` (20)", s.features.maxLogReportsPerUser, 20],
  ["docs/security.md", "`maxLogReportsListed` (1000)", s.features.maxLogReportsListed, 1000],
  ["docs/security.md", "`logReportRetentionMs` (30 days)", s.features.logReportRetentionMs, 30 * DAY],
  ["docs/security.md", "`--admin-host`, 127.0.0.1 by default", s.admin.host, "127.0.0.1"],
  ["docs/security.md", "`--host` (127.0.0.1 by default)", s.gateway.host, "127.0.0.1"],
  // docs/logs.md
  ["docs/logs.md", "`features.maxLogReportBytes` (1 MiB by default", s.features.maxLogReportBytes, 1024 * 1024],
  // docs/devices.md
  ["docs/devices.md", "`allow-many` (default)", s.features.loginPolicy, "allow-many"],
  ["docs/devices.md", "A user keeps at most 32 sessions", MAX_SESSIONS_PER_USER, 32],
  ["docs/devices.md", "`session.sessionTtlMs` (30 days)", s.session.sessionTtlMs, 30 * DAY],
  // docs/messages.md
  ["docs/messages.md", "`features.recallWindowMs` of sending it (2 minutes by default)", s.features.recallWindowMs, 2 * MINUTE],
  ["docs/messages.md", "remembers what it needs for a recall for 7 days", s.changeLog.dedupeTtlMs, 7 * DAY],
  // docs/groups.md
  ["docs/groups.md", "`features.maxGroupMembers` members (10,000 by default)", s.features.maxGroupMembers, 10_000],
  ["docs/groups.md", "`features.readDiffusionThreshold` (500 members by default)", s.features.readDiffusionThreshold, 500],
  // docs/profile.md
  ["docs/profile.md", "`features.maxAvatarBytes` (256 KiB by default)", s.features.maxAvatarBytes, 256 * 1024],
  // docs/media.md
  ["docs/media.md", "`media.chunkBytes`, 8 KiB by default", s.media.chunkBytes, 8 * 1024],
  ["docs/media.md", "`media.maxFileBytes` (100 MiB)", s.media.maxFileBytes, 100 * 1024 * 1024],
  ["docs/media.md", "`media.quotaBytes` (1 GiB", s.media.quotaBytes, 1024 * 1024 * 1024],
  ["docs/media.md", "`media.maxPendingUploads` (32)", s.media.maxPendingUploads, 32],
  ["docs/media.md", "`media.uploadTtlMs` (24 h)", s.media.uploadTtlMs, DAY],
  ["docs/media.md", "`media.urlTtlMs`, one hour", s.media.urlTtlMs, 3600_000],
  // docs/operations.md
  ["docs/operations.md", "a log keeps its newest **100,000** entries", s.changeLog.maxEntries, 100_000],
  ["docs/operations.md", "`changeLog.dedupeTtlMs` (7 days)", s.changeLog.dedupeTtlMs, 7 * DAY],
  ["docs/operations.md", "| `--redis` | `redis://127.0.0.1:6379` |", defaultClusterSettings.redisUrl, "redis://127.0.0.1:6379"],
  ["docs/operations.md", "| `--shard-lock-expiration-ms` | 5000 |", defaultClusterSettings.shardLockExpirationMs, 5_000],
  ["docs/operations.md", "| `--presence-ttl-ms` | 30000 |", defaultClusterSettings.presenceTtlMs, 30_000],
  ["docs/operations.md", "| `--shards` | 300 |", defaultClusterSettings.shardsPerGroup, 300],
  ["docs/operations.md", "| `--call-timeout-ms` | 5000 |", s.actors.callTimeoutMs, 5_000],
  ["docs/operations.md", "| `--gc-headroom-mb` | 128 |", DEFAULT_GC_HEADROOM_MB, 128],
  // docs/notifications.md
  ["docs/notifications.md", "the first change waits `collapseMs` (1 s)", defaultNotifySettings.collapseMs, 1_000],
  ["docs/notifications.md", "per conversation every `minIntervalMs` (10 s)", defaultNotifySettings.minIntervalMs, 10_000],
  ["docs/notifications.md", "| `retryMs`, `maxRetryMs` | 1000, 60000 |", [defaultNotifySettings.retryMs, defaultNotifySettings.maxRetryMs], [1_000, 60_000]],
  // docs/mobile.md
  ["docs/mobile.md", "(`idleGraceMs`, 15 s)", s.gateway.idleGraceMs, 15_000],
  // docs/web.md
  ["docs/web.md", "it is off by default there", s.features.webChat, false]
]

describe("the documented defaults", () => {
  it.each(rows)("%s: %s", (name, words, actual, stated) => {
    expect(page(name), `${name} no longer says "${words}"`).toContain(words)
    expect(actual).toEqual(stated)
  })
})
