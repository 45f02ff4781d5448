/**
 * Who is in the cluster and where the shards are, read from Redis: every registered runner (is
 * it alive, which shards it holds), every live gateway (its listeners, connections and users).
 * Served as JSON by each clustered process's admin port (`/cluster`) and printed by `weft status`.
 *
 * Gateways announce themselves here: `{weft-cluster}:gateway:<push address>` holds a gateway's
 * figures with an expiry it keeps refreshing, and `{weft-cluster}:gateways` (sorted set, score =
 * expiry time) lists them, so a dead gateway drops out by itself.
 */
import { Effect } from "effect"
import type { AdvertisedEndpoint } from "../gateway/GatewayConfig.ts"
import type { RedisConnection } from "./RedisClient.ts"

const prefix = "{weft-cluster}"
const gatewaysKey = `${prefix}:gateways`
const gatewayKey = (address: string) => `${prefix}:gateway:${address}`

export interface RunnerPlacement {
  /** The runner's cluster address, "host:port". */
  readonly address: string
  /** Its liveness key is fresh and it is flagged healthy. */
  readonly alive: boolean
  /** The shards whose lock it holds, e.g. "default:17". */
  readonly shards: ReadonlyArray<string>
}

export interface GatewayFigures {
  /** The push address runners dial ("host:port"). */
  readonly address: string
  /** The endpoints it hands clients: "tcp://host:port", "ws://host:port", "http://host:port". */
  readonly endpoints: ReadonlyArray<string>
  /** The same, as route-list entries (other gateways add them to their route lists). */
  readonly routes: ReadonlyArray<AdvertisedEndpoint>
  readonly connections: number
  readonly updatedAt: number
}

export interface Placement {
  readonly runners: ReadonlyArray<RunnerPlacement>
  readonly gateways: ReadonlyArray<GatewayFigures>
  /** Shards with a lock held by nobody (moving, or no runner alive). */
  readonly unheldShards: number
  readonly shardsPerGroup: number
}

// The live gateways' figures (a dead gateway's entry expired: it drops out of the set here).
// KEYS[n]: gateways. ARGV: key prefix, now (ms).
const gatewaysLuaOf = (n: number) => `
redis.call('ZREMRANGEBYSCORE', KEYS[${n}], 0, ARGV[2])
local gateways = {}
for _, address in ipairs(redis.call('ZRANGE', KEYS[${n}], 0, -1)) do
  local figures = redis.call('GET', ARGV[1] .. ':gateway:' .. address)
  if figures then gateways[#gateways + 1] = figures end
end`

// KEYS: runners, health, gateways. ARGV: key prefix, now (ms).
// Reply: { runners: { address, alive, shard keys... }..., gateways: json... } as two arrays.
const placementLua = `
local prefix = ARGV[1]
local runners = {}
local addresses = redis.call('HKEYS', KEYS[1])
for _, address in ipairs(addresses) do
  local alive = redis.call('HGET', KEYS[2], address) == '1' and redis.call('EXISTS', prefix .. ':alive:' .. address) == 1
  local shards = {}
  for _, key in ipairs(redis.call('SMEMBERS', prefix .. ':held:' .. address)) do
    if redis.call('GET', key) == address then shards[#shards + 1] = key end
  end
  runners[#runners + 1] = { address, alive and 1 or 0, shards }
end
${gatewaysLuaOf(3)}
return { runners, gateways }`

// KEYS: gateways. ARGV: key prefix, now (ms). Reply: the gateways' figures (JSON).
const gatewaysLua = `${gatewaysLuaOf(1)}
return gateways`

/**
 * Shard keys in their numeric order ("default:2" before "default:10"), by one collator made once:
 * a localeCompare with options makes one per call (8 ms to sort 300 keys, every 2 s on a gateway).
 */
const byShard = new Intl.Collator("en", { numeric: true }).compare
const byAddress = (a: { readonly address: string }, b: { readonly address: string }) =>
  a.address < b.address ? -1 : a.address > b.address ? 1 : 0

const shardOf = (key: string) => key.slice(`${prefix}:shard:`.length)

/** The cluster as Redis sees it now. */
export const read = (redis: RedisConnection, shardsPerGroup: number): Effect.Effect<Placement, Error> =>
  Effect.tryPromise({
    try: async () => {
      const reply = await redis.eval(
        placementLua,
        3,
        `${prefix}:runners`,
        `${prefix}:health`,
        gatewaysKey,
        prefix,
        String(Date.now())
      ) as [Array<[string, number, Array<string>]>, Array<string>]
      const runners = reply[0].map(([address, alive, keys]) => ({
        address,
        alive: Number(alive) === 1,
        shards: keys.map(shardOf).sort(byShard)
      })).sort(byAddress)
      const gateways = reply[1].map((json) => JSON.parse(json) as GatewayFigures).sort(byAddress)
      const held = runners.reduce((sum, runner) => sum + runner.shards.length, 0)
      return { runners, gateways, unheldShards: Math.max(0, shardsPerGroup - held), shardsPerGroup }
    },
    catch: (cause) => new Error(`cannot read the cluster's placement from Redis: ${cause instanceof Error ? cause.message : String(cause)}`)
  })

/**
 * The live gateways only (what a gateway's route list needs, every few seconds): none of the
 * runners' shard locks, which `read` walks (a few hundred keys).
 */
export const readGateways = (redis: RedisConnection): Effect.Effect<ReadonlyArray<GatewayFigures>, Error> =>
  Effect.tryPromise({
    try: async () => {
      const reply = await redis.eval(gatewaysLua, 1, gatewaysKey, prefix, String(Date.now())) as Array<string>
      return reply.map((json) => JSON.parse(json) as GatewayFigures).sort(byAddress)
    },
    catch: (cause) => new Error(`cannot read the gateways from Redis: ${cause instanceof Error ? cause.message : String(cause)}`)
  })

/** Keeps this gateway's entry fresh (figures re-read each time) for as long as the scope lives. */
export const announceGateway = (
  redis: RedisConnection,
  ttlMs: number,
  figures: () => Omit<GatewayFigures, "updatedAt">
) =>
  Effect.tryPromise(() => {
    const now = Date.now()
    const current = figures()
    return redis.multi()
      .set(gatewayKey(current.address), JSON.stringify({ ...current, updatedAt: now }), "PX", ttlMs)
      .zadd(gatewaysKey, now + ttlMs, current.address)
      .exec()
  }).pipe(
    Effect.ignore,
    Effect.andThen(Effect.sleep(Math.max(100, Math.floor(ttlMs / 3)))),
    Effect.forever,
    Effect.forkScoped,
    Effect.asVoid
  )

/** A readable summary for `weft status`. */
export const format = (placement: Placement): string => {
  const lines: Array<string> = []
  lines.push(`runners (${placement.runners.filter((r) => r.alive).length} alive of ${placement.runners.length}):`)
  for (const runner of placement.runners) {
    lines.push(`  ${runner.address}  ${runner.alive ? "alive" : "DEAD "}  ${runner.shards.length} shards${runner.shards.length > 0 ? `  ${ranges(runner.shards)}` : ""}`)
  }
  lines.push(`shards without a holder: ${placement.unheldShards} of ${placement.shardsPerGroup}`)
  lines.push(`gateways (${placement.gateways.length}):`)
  for (const gateway of placement.gateways) {
    lines.push(`  ${gateway.address}  ${gateway.connections} connections  ${gateway.endpoints.join(" ")}`)
  }
  return lines.join("\n")
}

/** "default:1-3,7" for default:1, default:2, default:3, default:7. */
const ranges = (shards: ReadonlyArray<string>): string => {
  const byGroup = new Map<string, Array<number>>()
  for (const shard of shards) {
    const at = shard.lastIndexOf(":")
    const group = shard.slice(0, at)
    byGroup.set(group, [...(byGroup.get(group) ?? []), Number(shard.slice(at + 1))])
  }
  return [...byGroup].map(([group, ids]) => {
    ids.sort((a, b) => a - b)
    const parts: Array<string> = []
    for (let i = 0; i < ids.length; i++) {
      let j = i
      while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++
      parts.push(i === j ? `${ids[i]}` : `${ids[i]}-${ids[j]}`)
      i = j
    }
    return `${group}:${parts.join(",")}`
  }).join(" ")
}
