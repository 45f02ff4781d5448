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
 * Keys (one hash tag, so all of them live in one Redis Cluster slot and the scripts can touch
 * them together): {weft-cluster}:runners (hash address -> runner), :health (hash), :machine-id
 * (counter), :shard:<id> (the holder's address, with the lock expiry), :held:<address> (set),
 * :alive:<address> (the heartbeat).
 */
import { Effect, Layer } from "effect"
import { PersistenceError } from "effect/cluster/ClusterError"
import * as RunnerStorage from "effect/cluster/RunnerStorage"
import type { Redis } from "ioredis"

const prefix = "{weft-cluster}"
const runnersKey = `${prefix}:runners`
const healthKey = `${prefix}:health`
const machineIdKey = `${prefix}:machine-id`
const shardKey = (shardId: string) => `${prefix}:shard:${shardId}`
const heldKey = (address: string) => `${prefix}:held:${address}`
const aliveKey = (address: string) => `${prefix}:alive:${address}`

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
const refreshLua = `
local held = {}
for i = 3, #ARGV do
  local key = ARGV[i]
  if redis.call('GET', key) == ARGV[1] then
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

const fail = (cause: unknown) => new PersistenceError({ cause })

export const make = (redis: Redis, lockExpirationMs: number): RunnerStorage.RunnerStorage["Service"] => {
  const run = <A>(f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: fail })
  const shardOf = (key: string) => key.slice(`${prefix}:shard:`.length)
  const evalKeys = (script: string, address: string, args: ReadonlyArray<string>) =>
    run(() => redis.eval(script, 1, heldKey(address), address, ...args) as Promise<Array<string>>)

  return RunnerStorage.makeEncoded({
    getRunners: run(async () => {
      const [runners, health] = await Promise.all([redis.hgetall(runnersKey), redis.hgetall(healthKey)])
      const addresses = Object.keys(runners)
      const alive = addresses.length === 0 ? [] : await redis.mget(...addresses.map(aliveKey))
      return addresses.map((address, i) => [runners[address]!, health[address] === "1" && alive[i] !== null] as const)
    }),
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
          Effect.map((keys) => keys.map(shardOf))
        ),
    release: (address, shardId) => evalKeys(releaseLua, address, [shardKey(shardId)]).pipe(Effect.asVoid),
    releaseAll: (address) =>
      run(() => redis.smembers(heldKey(address))).pipe(
        Effect.flatMap((keys) => keys.length === 0 ? Effect.void : evalKeys(releaseLua, address, keys).pipe(Effect.asVoid))
      )
  })
}

/** Keeps this runner's liveness key fresh for as long as the scope lives. */
export const heartbeat = (redis: Redis, address: string, expirationMs: number) =>
  Effect.tryPromise(() => redis.set(aliveKey(address), "1", "PX", expirationMs)).pipe(
    Effect.ignore,
    Effect.andThen(Effect.sleep(Math.max(100, Math.floor(expirationMs / 5)))),
    Effect.forever,
    Effect.forkScoped,
    Effect.asVoid
  )

export const layer = (redis: Redis, lockExpirationMs: number): Layer.Layer<RunnerStorage.RunnerStorage> =>
  Layer.succeed(RunnerStorage.RunnerStorage, make(redis, lockExpirationMs))
