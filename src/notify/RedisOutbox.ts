/**
 * The notification outbox in Redis, for clustered mode: durable (a runner that dies leaves its
 * waiting notifications to the others, each due again when its lease ends) and shared by every
 * runner's delivery job. Each step is one Lua script, so two runners never both claim a
 * notification and a change joining one being sent is never lost (Outbox.ts says how).
 *
 * Keys, all in the slot of the hash tag `{weft:notify}`:
 *   {weft:notify}:jobs              hash  notification key -> JSON (PendingNotification)
 *   {weft:notify}:due               zset  notification key, score = when it is due (ms)
 *   {weft:notify}:sent:<key>        the time of the last one sent under that key (expires after the interval)
 *   {weft:notify}:minute:<session>:<minute>  notifications sent to a device in that minute
 */
import { Effect, Layer } from "effect"
import type { RedisConnection } from "../cluster/RedisClient.ts"
import type { NotifySettings } from "./NotifySettings.ts"
import { Outbox, OutboxError, type PendingNotification } from "./Outbox.ts"

const JOBS = "{weft:notify}:jobs"
const DUE = "{weft:notify}:due"
const sentKey = (key: string) => `{weft:notify}:sent:${key}`

const SCHEDULE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local incoming = cjson.decode(ARGV[2])
if current then
  local job = cjson.decode(current)
  job.kind = incoming.kind
  job.sender = incoming.sender
  job.text = incoming.text
  if incoming.seq > job.seq then job.seq = incoming.seq end
  job.changes = job.changes + incoming.changes
  job.version = job.version + 1
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(job))
  return 0
end
local now = tonumber(ARGV[3])
local due = now + tonumber(ARGV[4])
local last = redis.call('GET', KEYS[3])
if last then
  local after = tonumber(last) + tonumber(ARGV[5])
  if after > due then due = after end
end
incoming.firstAtMs = now
incoming.attempts = 0
incoming.version = 0
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(incoming))
redis.call('ZADD', KEYS[2], due, ARGV[1])
return 1`

const CLAIM = `
local keys = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, key in ipairs(keys) do
  local job = redis.call('HGET', KEYS[1], key)
  if job then
    redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[3]), key)
    out[#out + 1] = job
  else
    redis.call('ZREM', KEYS[2], key)
  end
end
return out`

const COMPLETE = `
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[3], 'PX', tonumber(ARGV[4])) end
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
local job = cjson.decode(current)
if job.version == tonumber(ARGV[2]) then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 1
end
job.attempts = 0
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(job))
local due = tonumber(ARGV[5])
if ARGV[3] ~= '' then due = tonumber(ARGV[3]) + tonumber(ARGV[4]) end
redis.call('ZADD', KEYS[2], due, ARGV[1])
return 2`

const RETRY = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
local job = cjson.decode(current)
job.attempts = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(job))
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[1])
return 1`

export const make = (redis: RedisConnection, settings: Pick<NotifySettings, "collapseMs" | "minIntervalMs">) => {
  const run = <A>(operation: string, promise: () => Promise<A>) =>
    Effect.tryPromise({ try: promise, catch: (cause) => new OutboxError({ operation, cause }) })
  const interval = Math.max(1, settings.minIntervalMs)
  return Outbox.of({
    schedule: (notification, nowMs) =>
      Effect.asVoid(run("schedule", () =>
        redis.eval(
          SCHEDULE,
          3,
          JOBS,
          DUE,
          sentKey(notification.key),
          notification.key,
          JSON.stringify(notification),
          nowMs,
          settings.collapseMs,
          settings.minIntervalMs
        ))),
    claim: (nowMs, max, leaseMs) =>
      Effect.map(
        run("claim", () => redis.eval(CLAIM, 2, JOBS, DUE, nowMs, max, leaseMs) as Promise<Array<string>>),
        (jobs) => jobs.map((job) => JSON.parse(job) as PendingNotification)
      ),
    complete: (claimed, sentAtMs) =>
      Effect.asVoid(run("complete", () =>
        redis.eval(
          COMPLETE,
          3,
          JOBS,
          DUE,
          sentKey(claimed.key),
          claimed.key,
          claimed.version,
          sentAtMs === undefined ? "" : sentAtMs,
          interval,
          Date.now()
        ))),
    retry: (claimed, dueAtMs) =>
      Effect.asVoid(run("retry", () => redis.eval(RETRY, 2, JOBS, DUE, claimed.key, claimed.attempts + 1, dueAtMs))),
    countSent: (sessionId, nowMs) => {
      const key = `{weft:notify}:minute:${sessionId}:${Math.floor(nowMs / 60_000)}`
      return run("countSent", async () => {
        const result = await redis.multi().incr(key).pexpire(key, 120_000).exec()
        return Number(result?.[0]?.[1] ?? 0)
      })
    },
    size: run("size", () => redis.hlen(JOBS))
  })
}

export const layer = (redis: RedisConnection, settings: NotifySettings): Layer.Layer<Outbox> =>
  Layer.succeed(Outbox, make(redis, settings))
