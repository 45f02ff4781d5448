/**
 * What a runner checks before it hosts anybody's actors: that the Redis holding every account,
 * log and session keeps them through a restart. A Redis without the append-only file (AOF) loses
 * everything written since its last snapshot when it stops — with no persistence at all, every
 * acknowledged message. So a runner refuses such a Redis unless the operator says, with
 * `--allow-volatile-redis on`, that losing it all is acceptable (tests, demos), and logs that
 * choice loudly. On a Redis Cluster every master is checked.
 */
import { Effect } from "effect"
import { Cluster, type Redis } from "ioredis"
import type { RedisConnection } from "./RedisClient.ts"

export interface NodePersistence {
  /** "host:port" of the node. */
  readonly node: string
  readonly appendOnly: boolean
  /** `appendfsync` (always, everysec, no), or "unknown" where CONFIG is not allowed. */
  readonly appendFsync: string
  /** The RDB snapshot schedule (`save`), "" for none, or "unknown". */
  readonly save: string
  /** `maxmemory-policy` when a `maxmemory` limit is set ("" without a limit, or "unknown"). */
  readonly eviction: string
}

export class VolatileRedis extends Error {}

const field = (info: string, name: string): string | undefined =>
  new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim()

const configValue = async (node: Redis, name: string): Promise<string> => {
  try {
    const reply = await node.config("GET", name) as Array<string>
    return reply[1] ?? "unknown"
  } catch {
    return "unknown" // CONFIG renamed or refused (managed Redis): INFO still tells whether AOF is on
  }
}

const inspect = async (node: Redis): Promise<NodePersistence> => {
  const info = await node.info("persistence")
  const memory = await node.info("memory")
  const limited = Number(field(memory, "maxmemory") ?? "0") > 0
  return {
    node: `${node.options.host}:${node.options.port}`,
    appendOnly: field(info, "aof_enabled") === "1",
    appendFsync: await configValue(node, "appendfsync"),
    save: await configValue(node, "save"),
    eviction: limited ? field(memory, "maxmemory_policy") ?? "unknown" : ""
  }
}

/** The persistence settings of every master. */
export const persistence = (redis: RedisConnection): Effect.Effect<ReadonlyArray<NodePersistence>, Error> =>
  Effect.tryPromise({
    try: () => Promise.all((redis instanceof Cluster ? redis.nodes("master") : [redis]).map(inspect)),
    catch: (cause) => new Error(`cannot read the Redis persistence settings: ${cause instanceof Error ? cause.message : String(cause)}`)
  })

const describe = (node: NodePersistence): string =>
  node.appendOnly
    ? `${node.node}: appendonly yes, appendfsync ${node.appendFsync}`
    : `${node.node}: appendonly no${node.save === "" ? ", no snapshots" : node.save === "unknown" ? "" : `, snapshots "${node.save}"`}`

/**
 * Fails with VolatileRedis naming the setting when a master runs without AOF, unless
 * `allowVolatile`; logs what it found either way.
 */
export const check = (redis: RedisConnection, allowVolatile: boolean): Effect.Effect<void, Error> =>
  Effect.gen(function*() {
    const nodes = yield* persistence(redis)
    const evicting = nodes.filter((node) => node.eviction !== "" && node.eviction !== "noeviction")
    if (evicting.length > 0) {
      yield* Effect.logWarning(
        `Redis evicts keys when full (${evicting.map((n) => `${n.node}: maxmemory-policy ${n.eviction}`).join("; ")}): users' data would vanish silently; set maxmemory-policy noeviction`
      )
    }
    const volatile = nodes.filter((node) => !node.appendOnly)
    if (volatile.length === 0) {
      yield* Effect.logInfo(`Redis persistence: ${nodes.map(describe).join("; ")}`)
      const lax = nodes.filter((node) => node.appendFsync === "no")
      if (lax.length > 0) {
        yield* Effect.logWarning(`Redis appendfsync is "no" on ${lax.map((n) => n.node).join(", ")}: a machine crash loses the last seconds of writes; use everysec or always`)
      }
      return
    }
    const found = volatile.map(describe).join("; ")
    if (allowVolatile) {
      yield* Effect.logWarning(
        `--allow-volatile-redis: running on a Redis without append-only persistence (${found}); a Redis restart loses every account, message and session written since its last snapshot`
      )
      return
    }
    return yield* Effect.fail(
      new VolatileRedis(
        `Redis has no append-only persistence (${found}), so a Redis restart would lose every acknowledged message. ` +
          `Run Redis with "appendonly yes" (and "appendfsync everysec" or "always"; see docs/operations.md), ` +
          `or start the runner with --allow-volatile-redis on (WEFT_ALLOW_VOLATILE_REDIS=on) to accept that loss.`
      )
    )
  })
