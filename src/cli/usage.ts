/** The `weft` command's help, per command: plain text, so `weft help` loads nothing else. */

export const commandUsage: Readonly<Record<string, string>> = {
  dev: `  weft dev [--host H] [--port N] [--http-port N] [--admin-port N] [--login-policy allow-many|one-per-platform|kick-older]
           [--advertise tcp://IP:PORT,ws://IP:PORT,http://IP:PORT] [--admin-host H] [--admin-token T]
           [--tls-cert FILE --tls-key FILE] [--metrics on|off] [--gc-headroom-mb N] [--notify-config FILE] [--passwords on|off]
           [--feature MODULE[,MODULE...]] [--hook-url URL --hook-secret S] [--hook-fail-open on|off]
           [--call-timeout-ms N] [--read-diffusion-threshold N] [--log-max-entries N]
           [--jwt-secret S | --jwt-public-key FILE | --jwt-jwks-url URL] [--jwt-issuer I] [--jwt-audience A]
           [--jwt-user-claim C] [--jwt-algorithms HS256,RS256,ES256] [--jwt-clock-tolerance SECONDS]
      Dev mode: everything in one process, in-memory storage. Port 0 picks a free port.
      --feature serves an application's own commands, actors and hooks (docs/framework.md);
      --hook-url sends hooks to an app server over HTTP, signed with --hook-secret;
      --notify-config: offline notifications (APNs, FCM, Web Push, webhook): docs/notifications.md.
      --jwt-*: log users in with tokens your app's server signs (docs/app-auth.md); the secret
      is best given as WEFT_JWT_SECRET. --passwords off: no REGISTER, no password logins.
      --read-diffusion-threshold: groups with more members keep their messages in their own log
      (docs/groups.md; 500 by default).
      --log-max-entries: a user's log keeps its newest N changes (100000 by default; 0 keeps all;
      docs/operations.md).
      --gc-headroom-mb: garbage the heap may gather between full collections (128 by default; 0
      leaves V8's rule; docs/operations.md).`,
  runner: `  weft runner [--redis URL[,URL...]] [--redis-cluster on] [--allow-volatile-redis on] [--runner-host H] [--runner-port N]
              [--admin-port N] [--shard-lock-expiration-ms N] [--presence-ttl-ms N] [--gc-headroom-mb N] [--config FILE]
              [--admin-host H] [--admin-token T] [--registrations-per-address N]
              [--failed-logins-per-user-address N] [--failed-logins-per-address N] [--notify-config FILE]
              [--password-hash N=16384,r=8,p=5]
              [--feature MODULE[,MODULE...]] [--hook-url URL --hook-secret S] [--hook-fail-open on|off]
              [--call-timeout-ms N] [--read-diffusion-threshold N] [--log-max-entries N]
              [--idc NAME --idc-directory URL [--idc-link-host H] [--idc-link-port N] [--idc-link-advertise HOST:PORT] [--idc-replicas N]]
      Clustered mode: a logic runner hosting the actors of its shards; state in Redis. Several
      URLs (or --redis-cluster on) mean a Redis Cluster. Refuses a Redis without append-only
      persistence unless --allow-volatile-redis on.
      Runners and gateways need the cluster secret (WEFT_CLUSTER_SECRET, the same on all).
      --idc: this cluster is one data centre of several (docs/multi-idc.md): accounts in the
      directory Redis, messages to users homed elsewhere over the IDC link (WEFT_IDC_SECRET).
      --password-hash: scrypt parameters of new password hashes (docs/security.md; weft's own
      by default, about 0.4 s of a core each).
      Every flag can also come from WEFT_<FLAG> (e.g. WEFT_REDIS) or the --config JSON file.`,
  gateway: `  weft gateway [--redis URL[,URL...]] [--port N,N] [--http-port N,N] [--push-port N] [--admin-port N] [--config FILE]
               [--advertise tcp://IP:PORT,ws://IP:PORT?weight=N,...] [--web-chat on|off]
               [--tls-cert FILE --tls-key FILE] [--media-origin URL] [--admin-host H] [--admin-token T]
               [--feature MODULE[,MODULE...]] [--hook-url URL --hook-secret S] [--hook-fail-open on|off]
               [--call-timeout-ms N] [--notify-config FILE] [--gc-headroom-mb N]
               [--passwords on|off] [--jwt-secret S | --jwt-public-key FILE | --jwt-jwks-url URL] [--jwt-issuer I]
               [--jwt-audience A] [--jwt-user-claim C] [--jwt-algorithms A,B] [--jwt-clock-tolerance SECONDS]
      Clustered mode: a gateway holding connections and forwarding to the runners.
      Give runners and gateways the same --feature modules and hooks.
      Runners and gateways need the cluster secret (WEFT_CLUSTER_SECRET, the same on all).
      Every flag can also come from WEFT_<FLAG> (e.g. WEFT_REDIS) or the --config JSON file.`,
  status: `  weft status [--redis URL[,URL...]] [--redis-cluster on] [--shards N] [--json on]
      Runners (alive or not, shards held), gateways and their users online, read from Redis.`,
  "local-cluster": `  weft local-cluster [--redis URL | --redis-cluster] [--feature MODULE[,MODULE...]]
      Two runners and two gateways on loopback until Ctrl-C, on a persistent Redis started here
      (or a three-master Redis Cluster with --redis-cluster; or your Redis with --redis).`,
  "local-idc": `  weft local-idc [--latency-ms N] [--loss RATE]
      Two data centres on loopback until Ctrl-C (docs/multi-idc.md): each its own Redis, runner
      and gateway, a directory Redis for the accounts, and a long-haul link between them
      (30 ms each way by default) carrying the IDC link and each Redis's replication. Each
      gateway serves the web chat page.`,
  "local-redis-cluster": `  weft local-redis-cluster
      A three-master Redis Cluster (append-only persistence) on loopback, until Ctrl-C.`,
  client: `  weft client --server [tls://]HOST:PORT --user U (--password P | --app-token JWT) [--device D]
              [--transport tcp|ws|http] [--http-port N] [--routes-file FILE] [--tls-ca FILE] <command>
      --app-token: a token your app's server signed for U (docs/app-auth.md); WEFT_APP_TOKEN too.
      --server is the TCP port, or the HTTP port with --transport ws|http (which forces that
      transport); --http-port adds WebSocket and HTTP fallbacks; --routes-file remembers the
      endpoint that worked and the server's route list between runs.
      weft client <command> --help: that command alone.`
}

export const usage = (clientUsage: string) => `usage:
${Object.values(commandUsage).join("\n")}
${clientUsage}
  Every client command prints one JSON object per line; errors go to stderr with exit code 1.`
