/**
 * A clustered weft on loopback, as separate processes: a Redis (a persistent one started here
 * unless a URL is given; a three-master Redis Cluster with `redisCluster`), runners and gateways. `weft local-cluster` runs it until Ctrl-C;
 * the clustered-mode tests use the same code, and kill its processes to test failover.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { Redis } from "ioredis"
import { UsageError } from "./args.ts"
import { redisUrl as redisUrlOf } from "./config.ts"
import { type RedisCluster, type RedisServer, startRedisCluster, startRedisServer } from "./localRedis.ts"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
const host = "127.0.0.1"

export interface Member {
  readonly role: "runner" | "gateway"
  readonly name: string
  /** The client port of a gateway, the cluster port of a runner. */
  readonly port: number
  readonly httpPort: number
  /** The port a gateway serves pushes from runners on (0 for a runner). */
  readonly pushPort: number
  /** Admin port: /metrics, /healthz, /readyz, and /dashboard adding up every member. */
  readonly adminPort: number
  process: ChildProcess
  readonly output: () => string
  /** kill -9: no goodbye, as a crash. */
  readonly crash: () => void
  readonly restart: () => Promise<void>
}

export interface LocalCluster {
  /** What `--redis` is given: one URL, or the comma-separated nodes of a Redis Cluster. */
  readonly redisUrl: string
  /** The cluster secret the members were given (WEFT_CLUSTER_SECRET). */
  readonly secret: string
  /** The single Redis started here, if any. */
  readonly redis: RedisServer | undefined
  /** The Redis Cluster started here, if any. */
  readonly redisCluster: RedisCluster | undefined
  readonly runners: ReadonlyArray<Member>
  readonly gateways: ReadonlyArray<Member>
  /** Starts one more runner (scaling out); it joins `runners`. */
  readonly addRunner: () => Promise<Member>
  readonly stop: () => Promise<void>
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, host, () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/**
 * Hands out free loopback ports, never the same one twice: a member binds its ports only once
 * started, seconds later, and until then the kernel may offer them again. Clusters started side
 * by side (the IDCs of localIdc.ts) share one.
 */
export const portAllocator = (): (() => Promise<number>) => {
  const handedOut = new Set<number>()
  return async () => {
    let port = await freePort()
    for (let i = 0; i < 20 && handedOut.has(port); i++) port = await freePort()
    handedOut.add(port)
    return port
  }
}

const answers = async (url: string): Promise<boolean> => {
  // Of a Redis Cluster's seed nodes, the first must answer.
  const client = new Redis(url.split(",")[0]!, { lazyConnect: true, connectTimeout: 1000, retryStrategy: () => null, maxRetriesPerRequest: 0 })
  client.on("error", () => {})
  try {
    await client.connect()
    return (await client.ping()) === "PONG"
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

const startMember = async (
  role: "runner" | "gateway",
  name: string,
  args: ReadonlyArray<string>,
  ready: RegExp,
  secret: string,
  extraEnv: Readonly<Record<string, string>> = {}
) => {
  let output = ""
  const launch = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      // The secret goes by environment, not argv, which every local user can read (ps).
      const env = { ...process.env, ...extraEnv, WEFT_CLUSTER_SECRET: secret }
      const child = spawn(process.execPath, [bin, role, ...args], { stdio: ["ignore", "pipe", "pipe"], env })
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 20 s:\n${output}`)), 20_000)
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (ready.test(output)) {
          clearTimeout(timer)
          resolve(child)
        }
      }
      child.stdout!.on("data", onData)
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()))
      child.once("exit", (code) => {
        clearTimeout(timer)
        reject(new Error(`${name} exited with ${code}:\n${output}`))
      })
    })
  return { launch, output: () => output, reset: () => (output = "") }
}

export interface LocalClusterOptions {
  readonly runners?: number
  readonly gateways?: number
  /** Use this Redis if it answers; otherwise start one (persistent, on a free port). */
  readonly redisUrl?: string | undefined
  /** The cluster secret the members share; a fresh random one by default. */
  readonly secret?: string | undefined
  /** Start a three-master Redis Cluster (persistent) instead of a single Redis. */
  readonly redisCluster?: boolean | undefined
  /** Extra flags for every runner (e.g. `--allow-volatile-redis on`). */
  readonly runnerArgs?: ReadonlyArray<string> | undefined
  /** Extra flags for every gateway (e.g. `--web-chat on`). */
  readonly gatewayArgs?: ReadonlyArray<string> | undefined
  /** Extra flags for every runner and gateway (e.g. `--feature my-feature.js`). */
  readonly memberArgs?: ReadonlyArray<string> | undefined
  /** More environment for every member (secrets that must not show in argv). */
  readonly env?: Readonly<Record<string, string>> | undefined
  /** Where the members' ports come from; shared by clusters that start side by side. */
  readonly newPort?: (() => Promise<number>) | undefined
}

export const startLocalCluster = async (options: LocalClusterOptions = {}): Promise<LocalCluster> => {
  let redis: RedisServer | undefined
  let redisCluster: RedisCluster | undefined
  let redisUrl = options.redisUrl
  if (options.redisCluster) {
    redisCluster = await startRedisCluster()
    redisUrl = redisCluster.url
  } else if (redisUrl === undefined || !(await answers(redisUrl))) {
    redis = await startRedisServer({ persistent: true })
    redisUrl = redis.url
  }
  const secret = options.secret ?? randomBytes(32).toString("hex")
  const members: Array<Member> = []
  const stop = async () => {
    await Promise.all(members.map((member) =>
      new Promise<void>((resolve) => {
        if (member.process.exitCode !== null || member.process.signalCode !== null) return resolve()
        member.process.once("exit", () => resolve())
        member.process.kill("SIGTERM")
        setTimeout(() => member.process.kill("SIGKILL"), 3000).unref()
      })
    ))
    await redis?.stop()
    await redisCluster?.stop()
  }
  const runnerCount = options.runners ?? 2
  const gatewayCount = options.gateways ?? 2
  // Members start side by side: no port is handed out twice before its member has bound it.
  const newPort = options.newPort ?? portAllocator()
  const adminPorts: Array<number> = []
  for (let i = 0; i < runnerCount + gatewayCount; i++) adminPorts.push(await newPort())
  const add = async (role: "runner" | "gateway", index: number, extraAdminPort?: number) => {
    const adminPort = extraAdminPort ?? adminPorts[role === "runner" ? index : runnerCount + index]!
    const admin = [
      "--admin-port", String(adminPort),
      "--dashboard-peers", adminPorts.filter((p) => p !== adminPort).map((p) => `${host}:${p}`).join(",")
    ]
    const clusterPort = await newPort()
    const port = role === "runner" ? clusterPort : await newPort()
    const httpPort = role === "runner" ? 0 : await newPort()
    const pushPort = role === "runner" ? 0 : await newPort()
    // Everyone registers from 127.0.0.1 here: no per-address registration limit to speak of.
    const args = role === "runner"
      ? ["--redis", redisUrl!, "--runner-port", String(clusterPort), "--registrations-per-address", "1000000", ...admin, ...(options.runnerArgs ?? []), ...(options.memberArgs ?? [])]
      : [...admin,
        "--redis", redisUrl!, "--port", String(port), "--http-port", String(httpPort),
        "--push-port", String(pushPort), "--runner-port", String(clusterPort), ...(options.gatewayArgs ?? []), ...(options.memberArgs ?? [])
      ]
    const name = `${role} ${index + 1}`
    const starter = await startMember(role, name, args, role === "runner" ? /weft runner: cluster member/ : /weft gateway: pushes/, secret, options.env)
    const member: Member = {
      role,
      name,
      port,
      httpPort,
      pushPort,
      adminPort,
      process: await starter.launch(),
      output: starter.output,
      crash: () => member.process.kill("SIGKILL"),
      restart: async () => {
        starter.reset()
        member.process = await starter.launch()
      }
    }
    members.push(member)
    return member
  }
  try {
    // The runners start side by side, then the gateways: a start is seconds of loading, most of
    // it on one core. Every start settles before a failure is thrown, so stop() ends them all.
    const startAll = async (role: "runner" | "gateway", count: number) => {
      const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => add(role, i)))
      const failed = started.find((each) => each.status === "rejected")
      if (failed !== undefined) throw failed.reason
      return started.map((each) => (each as PromiseFulfilledResult<Member>).value)
    }
    const runners = await startAll("runner", runnerCount)
    const gateways = await startAll("gateway", gatewayCount)
    const addRunner = async () => {
      const runner = await add("runner", runners.length, await newPort())
      runners.push(runner)
      return runner
    }
    return { redisUrl, secret, redis, redisCluster, runners, gateways, addRunner, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** `weft local-cluster`: start, print the addresses, stop everything on Ctrl-C. */
export const runLocalCluster = async (argv: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...argv],
    options: { redis: { type: "string" }, "redis-cluster": { type: "boolean" }, feature: { type: "string" } },
    strict: true
  })
  if (values.redis !== undefined && values["redis-cluster"]) {
    throw new UsageError("local-cluster: give --redis URL (a Redis of yours) or --redis-cluster (one started here), not both")
  }
  const redisUrl = values.redis === undefined ? undefined : redisUrlOf({ value: values.redis, origin: "--redis" }, "")
  if (redisUrl !== undefined && !(await answers(redisUrl))) throw new UsageError(`no Redis answers at --redis ${redisUrl}`)
  // Without --redis, a Redis of its own with append-only persistence: never whatever answers on 6379.
  const cluster = await startLocalCluster({
    redisUrl,
    redisCluster: values["redis-cluster"],
    memberArgs: values.feature === undefined ? [] : ["--feature", values.feature]
  })
  const started = cluster.redis !== undefined || cluster.redisCluster !== undefined
  console.log(`${cluster.redisCluster ? "Redis Cluster" : "Redis"}: ${cluster.redisUrl}${started ? " (started here, append-only persistence)" : ""}`)
  for (const runner of cluster.runners) console.log(`${runner.name}: cluster port ${host}:${runner.port}`)
  for (const gateway of cluster.gateways) {
    console.log(`${gateway.name}: long connections ${host}:${gateway.port}, short connections http://${host}:${gateway.httpPort}`)
  }
  console.log(`dashboard (all four processes): http://${host}:${cluster.gateways[0]!.adminPort}/dashboard`)
  const first = cluster.gateways[0]!
  console.log(`try it:  npx weft client --server ${host}:${first.port} --user alice --password secret-pw register`)
  console.log("Ctrl-C stops everything")
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve)
    process.once("SIGTERM", resolve)
  })
  await cluster.stop()
}
