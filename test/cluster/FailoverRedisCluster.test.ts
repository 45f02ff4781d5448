/**
 * Failover of clustered mode on a real three-master Redis Cluster on loopback (failoverSuite.ts):
 * storage, shard locks, runner registry and presence on ioredis' Cluster client, users' keys on
 * different masters.
 */
import { failoverSuite } from "./failoverSuite.ts"

failoverSuite({ redisCluster: true })
