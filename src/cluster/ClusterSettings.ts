/**
 * The settings of a clustered member (Clustered.ts) and their defaults, apart from the code that
 * runs one: `weft status` reads them without loading the engine.
 */
import type { IdcSettings } from "./Idc.ts"

export interface ClusterSettings {
  /** One `redis://` URL, or the comma-separated seed nodes of a Redis Cluster. */
  readonly redisUrl: string
  /**
   * The secret every runner and gateway of the cluster shares: the runner and push ports admit
   * only peers that prove they hold it (ClusterAuth.ts). At least 16 characters.
   */
  readonly secret: string
  /** A Redis Cluster even when `redisUrl` names one seed node. */
  readonly redisCluster: boolean
  /** Start on a Redis without append-only persistence (the operator accepts losing everything). */
  readonly allowVolatileRedis: boolean
  /** Where this runner listens for the other members of the cluster (runners and gateways). */
  readonly runnerHost: string
  readonly runnerPort: number
  /** Where this gateway listens for pushes from runners. */
  readonly pushHost: string
  readonly pushPort: number
  readonly shardsPerGroup: number
  /** A runner refreshes its shard locks this often; a dead runner's locks expire after the expiration. */
  readonly shardLockRefreshMs: number
  readonly shardLockExpirationMs: number
  readonly presenceTtlMs: number
  /** Several data centres (docs/multi-idc.md): this runner's IDC, the directory and the link. */
  readonly idc?: IdcSettings | undefined
}

export const defaultClusterSettings: Omit<ClusterSettings, "secret"> = {
  redisUrl: "redis://127.0.0.1:6379",
  redisCluster: false,
  allowVolatileRedis: false,
  runnerHost: "127.0.0.1",
  runnerPort: 9400,
  pushHost: "127.0.0.1",
  pushPort: 9410,
  shardsPerGroup: 300,
  shardLockRefreshMs: 1_000,
  shardLockExpirationMs: 5_000,
  presenceTtlMs: 30_000
}
