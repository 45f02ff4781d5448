/** The `weft` command: `weft dev` runs a server, `weft client` talks to one. */
import { clientUsage, runClient } from "./client.ts"
import { runGateway, runRunner } from "./cluster.ts"
import { runDev } from "./dev.ts"
import { runLocalCluster } from "./localCluster.ts"
import { runLocalRedisCluster } from "./localRedis.ts"
import { runStatus } from "./status.ts"
import { UsageError } from "./args.ts"

const usage = `usage:
  weft dev [--host H] [--port N] [--http-port N] [--admin-port N] [--login-policy allow-many|one-per-platform|kick-older]
           [--advertise tcp://IP:PORT,ws://IP:PORT,http://IP:PORT] [--admin-host H] [--admin-token T]
           [--tls-cert FILE --tls-key FILE]
      Dev mode: everything in one process, in-memory storage. Port 0 picks a free port.
  weft runner [--redis URL[,URL...]] [--redis-cluster on] [--allow-volatile-redis on] [--runner-host H] [--runner-port N]
              [--admin-port N] [--shard-lock-expiration-ms N] [--presence-ttl-ms N] [--config FILE]
      Clustered mode: a logic runner hosting the actors of its shards; state in Redis. Several
      URLs (or --redis-cluster on) mean a Redis Cluster. Refuses a Redis without append-only
      persistence unless --allow-volatile-redis on.
  weft gateway [--redis URL[,URL...]] [--port N,N] [--http-port N,N] [--push-port N] [--admin-port N] [--config FILE]
               [--advertise tcp://IP:PORT,ws://IP:PORT?weight=N,...]
               [--tls-cert FILE --tls-key FILE] [--media-origin URL]
      Clustered mode: a gateway holding connections and forwarding to the runners.
      Runners and gateways need the cluster secret (WEFT_CLUSTER_SECRET, the same on all);
      both take --admin-host H (default 127.0.0.1) and --admin-token T; runners take
      --registrations-per-address N, --failed-logins-per-user-address N, --failed-logins-per-address N.
      Every flag can also come from WEFT_<FLAG> (e.g. WEFT_REDIS) or the --config JSON file.
  weft status [--redis URL[,URL...]] [--redis-cluster on] [--shards N] [--json on]
      Runners (alive or not, shards held), gateways and their users online, read from Redis.
  weft local-cluster [--redis URL | --redis-cluster]
      Two runners and two gateways on loopback until Ctrl-C, on a persistent Redis started here
      (or a three-master Redis Cluster with --redis-cluster; or your Redis with --redis).
  weft local-redis-cluster
      A three-master Redis Cluster (append-only persistence) on loopback, until Ctrl-C.
  weft client --server [tls://]HOST:PORT --user U --password P [--device D] [--transport tcp|ws|http]
              [--http-port N] [--routes-file FILE] [--tls-ca FILE] <command>
      --server is the TCP port, or the HTTP port with --transport ws|http (which forces that
      transport); --http-port adds WebSocket and HTTP fallbacks; --routes-file remembers the
      endpoint that worked and the server's route list between runs.
${clientUsage}
  Every client command prints one JSON object per line; errors go to stderr with exit code 1.`

const main = async (argv: ReadonlyArray<string>) => {
  const [command, ...rest] = argv
  switch (command) {
    case "dev":
      return runDev(rest)
    case "client":
      return runClient(rest)
    case "local-cluster":
      return runLocalCluster(rest)
    case "local-redis-cluster":
      return runLocalRedisCluster()
    case "runner":
      return runRunner(rest)
    case "gateway":
      return runGateway(rest)
    case "status":
      return runStatus(rest)
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(usage)
      return
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`weft: ${error.message}\n\n${usage}`)
    process.exit(2)
  }
  console.error(`weft: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
