/**
 * The cluster engine's runner bookkeeping on Redis (`storage: "byo"`): which runners exist and
 * which runner holds each shard. A shard lock is a key with an expiry, refreshed by its holder;
 * when a runner dies (kill -9) its locks expire and the survivors acquire its shards. The
 * scripts make "acquire if free, expired or mine" and "extend if mine" atomic.
 *
 * Liveness: every runner also keeps a key `alive:<address>` fresh (`heartbeat`). A runner whose
 * key has expired reads as unhealthy to every member, whatever its health flag says. The
 * engine's own health check runs as a cluster singleton, which may itself have lived on the
 * runner that died — then nobody would ever mark that runner unhealthy and its shards would
 * stay unowned. The heartbeat key needs nobody's help to expire.
 *
 * Riding out a Redis outage: while Redis does not answer, nobody can take a shard from anybody,
 * and every storage write of this runner fails anyway (head+1 fencing refuses a second writer of
 * a log in any case). So a refresh that cannot reach Redis reports the shards as still held,
 * rather than letting the engine drop every shard and rebalance when Redis returns. A Redis
 * restarted from its append-only file has expired the locks and the liveness keys meanwhile: a
 * refresh takes back a lock that is free and still in the runner's held set (lost to expiry, not
 * released), and a Redis up for less than two lock expirations does not judge a runner dead by a
 * missing liveness key — it has not watched long enough to know.
 *
 * Keys (one hash tag, so all of them live in one Redis Cluster slot and the scripts can touch
 * them together): {weft-cluster}:runners (hash address -> runner), :health (hash), :machine-id
 * (counter), :shard:<id> (the holder's address, with the lock expiry), :held:<address> (set),
 * :alive:<address> (the heartbeat).
 */
import { Effect, Layer } from "effect"
import { PersistenceError } from "effect/cluster/ClusterError"
import * as RunnerStorage from "effect/cluster/RunnerStorage"
import type { RedisConnection } from "./RedisClient.ts"

const prefix = "{weft-cluster}"
const runnersKey = `${prefix}:runners`
const healthKey = `${prefix}:health`
const machineIdKey = `${prefix}:machine-id`
/** The lock key of a shard ("group:id"); its value is the address of the runner holding it. */
export const shardKey = (shardId: string) => `${prefix}:shard:${shardId}`
const heldKey = (address: string) => `${prefix}:held:${address}`
const alivePrefix = `${prefix}:alive:`
const aliveKey = (address: string) => `${alivePrefix}${address}`

// KEYS: held set. ARGV: address, ttl ms, shard keys...  Reply: the shard keys now held.
const acquireLua = `
local held = {}
for i = 3, #ARGV do
  local key = ARGV[i]
  local owner = redis.call('GET', key)
  if owner == false or owner == ARGV[1] then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    redis.call('SADD', KEYS[1], key)
    held[#held + 1] = key
  end
end
return held`

// KEYS: held set. ARGV: address, ttl ms, shard keys...  Reply: the shard keys still held.
// A lock that expired (Redis was down or restarted) is taken back if nobody took it meanwhile.
const refreshLua = `
local held = {}
for i = 3, #ARGV do
  local key = ARGV[i]
  local owner = redis.call('GET', key)
  if owner == false and redis.call('SISMEMBER', KEYS[1], key) == 1 then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    held[#held + 1] = key
  elseif owner == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    held[#held + 1] = key
  else
    redis.call('SREM', KEYS[1], key)
  end
end
return held`

// KEYS: held set. ARGV: address, shard keys... Deletes only the locks this address holds.
const releaseLua = `
for i = 2, #ARGV do
  if redis.call('GET', ARGV[i]) == ARGV[1] then redis.call('DEL', ARGV[i]) end
  redis.call('SREM', KEYS[1], ARGV[i])
end
return 0`

// KEYS: runners, health. ARGV: liveness key prefix, grace ms.
// Reply: { address, runner, healthy (0/1), ... }. Healthy: flagged so, and its liveness key is
// fresh — or Redis itself has been up for less than the grace, too short to tell.
const runnersLua = `
local info = redis.call('INFO', 'server')
local uptime = tonumber(string.match(info, 'uptime_in_seconds:(%d+)') or '0') * 1000
local young = uptime < tonumber(ARGV[2])
local runners = redis.call('HGETALL', KEYS[1])
local reply = {}
for i = 1, #runners, 2 do
  local address = runners[i]
  local healthy = redis.call('HGET', KEYS[2], address) == '1'
    and (young or redis.call('EXISTS', ARGV[1] .. address) == 1)
  reply[#reply + 1] = address
  reply[#reply + 1] = runners[i + 1]
  reply[#reply + 1] = healthy and 1 or 0
end
return reply`

const fail = (cause: unknown) => new PersistenceError({ cause })

export const make = (redis: RedisConnection, lockExpirationMs: number): RunnerStorage.RunnerStorage["Service"] => {
  const run = <A>(f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: fail })
  // The engine gives a refresh one lock interval (a third of the expiration, at most 1 s) before
  // it gives up on every shard; an answer later than half of that counts as no answer.
  const refreshDeadlineMs = Math.max(50, Math.floor(Math.min(1_000, lockExpirationMs / 3) / 2))
  let outageLogged = false
  const shardOf = (key: string) => key.slice(`${prefix}:shard:`.length)
  const evalKeys = (script: string, address: string, args: ReadonlyArray<string>) =>
    run(() => redis.eval(script, 1, heldKey(address), address, ...args) as Promise<Array<string>>)

  return RunnerStorage.makeEncoded({
    getRunners: run(() => redis.eval(runnersLua, 2, runnersKey, healthKey, alivePrefix, String(2 * lockExpirationMs)) as Promise<Array<unknown>>).pipe(
      Effect.map((flat) => {
        const runners: Array<readonly [string, boolean]> = []
        for (let i = 0; i + 2 < flat.length; i += 3) runners.push([String(flat[i + 1]), Number(flat[i + 2]) === 1])
        return runners
      })
    ),
    register: (address, runner, healthy) =>
      run(async () => {
        await redis.multi().hset(runnersKey, address, runner).hset(healthKey, address, healthy ? "1" : "0").exec()
        return (await redis.incr(machineIdKey)) % 1024
      }),
    unregister: (address) =>
      run(async () => {
        await redis.multi().hdel(runnersKey, address).hdel(healthKey, address).exec()
      }),
    setRunnerHealth: (address, healthy) => run(() => redis.hset(healthKey, address, healthy ? "1" : "0")).pipe(Effect.asVoid),
    acquire: (address, shardIds) =>
      evalKeys(acquireLua, address, [String(lockExpirationMs), ...shardIds.map(shardKey)]).pipe(
        Effect.map((keys) => keys.map(shardOf))
      ),
    refresh: (address, shardIds) =>
      shardIds.length === 0
        ? Effect.succeed([])
        : evalKeys(refreshLua, address, [String(lockExpirationMs), ...shardIds.map(shardKey)]).pipe(
          Effect.timeout(refreshDeadlineMs),
          Effect.flatMap((keys) => {
            const recovered = outageLogged
            outageLogged = false
            const held = keys.map(shardOf)
            return recovered
              ? Effect.as(Effect.logInfo(`Redis answers again; ${held.length} of ${shardIds.length} shard locks kept`), held)
              : Effect.succeed(held)
          }),
          Effect.catch((error) => {
            const first = !outageLogged
            outageLogged = true
            const kept = Effect.succeed([...shardIds])
            return first
              ? Effect.andThen(Effect.logWarning(`Redis does not answer (${String(error)}); keeping the ${shardIds.length} shards held until it does`), kept)
              : kept
          })
        ),
    release: (address, shardId) => evalKeys(releaseLua, address, [shardKey(shardId)]).pipe(Effect.asVoid),
    releaseAll: (address) =>
      run(() => redis.smembers(heldKey(address))).pipe(
        Effect.flatMap((keys) => keys.length === 0 ? Effect.void : evalKeys(releaseLua, address, keys).pipe(Effect.asVoid))
      )
  })
}

/** Keeps this runner's liveness key fresh for as long as the scope lives. */
export const heartbeat = (redis: RedisConnection, address: string, expirationMs: number) =>
  Effect.tryPromise(() => redis.set(aliveKey(address), "1", "PX", expirationMs)).pipe(
    Effect.ignore,
    Effect.andThen(Effect.sleep(Math.max(100, Math.floor(expirationMs / 5)))),
    Effect.forever,
    Effect.forkScoped,
    Effect.asVoid
  )

export const layer = (redis: RedisConnection, lockExpirationMs: number): Layer.Layer<RunnerStorage.RunnerStorage> =>
  Layer.succeed(RunnerStorage.RunnerStorage, make(redis, lockExpirationMs))
