/** `weft status`: the cluster as Redis sees it — runners and their shards, gateways and their connections. */
import { Effect } from "effect"
import { defaultClusterSettings } from "../cluster/ClusterSettings.ts"
import * as Placement from "../cluster/Placement.ts"
import { layer as redisClientLayer, RedisClient } from "../cluster/RedisClient.ts"
import { count, onOff, readSettings, redisUrl } from "./config.ts"

export const runStatus = async (argv: ReadonlyArray<string>) => {
  const get = readSettings(argv, ["redis", "redis-cluster", "shards", "json"])
  const endpoint = { url: redisUrl(get("redis"), defaultClusterSettings.redisUrl), cluster: onOff(get("redis-cluster"), false) }
  const shards = count(get("shards"), defaultClusterSettings.shardsPerGroup)
  const json = onOff(get("json"), false)
  const placement = await Effect.runPromise(
    Effect.flatMap(RedisClient, (redis) => Placement.read(redis, shards)).pipe(Effect.provide(redisClientLayer(endpoint)))
  )
  console.log(json ? JSON.stringify(placement) : Placement.format(placement))
}
