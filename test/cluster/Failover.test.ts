/** Failover of clustered mode on one Redis server (append-only persistence): failoverSuite.ts. */
import { failoverSuite } from "./failoverSuite.ts"

failoverSuite({ redisCluster: false })
