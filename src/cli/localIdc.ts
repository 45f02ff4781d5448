/**
 * Several data centres on loopback (docs/multi-idc.md): two (or more) complete local clusters —
 * each its own Redis, runner and gateway (localCluster.ts) — a directory Redis for the accounts
 * every IDC shares, and the long-haul links between them (longHaul.ts): the IDC link of each
 * IDC, and the replication of each IDC's Redis to a replica in its backup IDC (the next one).
 * `weft local-idc` (`npm run idc`) runs it until Ctrl-C; the multi-IDC tests and the bench use
 * the same code, cut the links and fail an IDC over.
 */
import { randomBytes } from "node:crypto"
import { parseArgs } from "node:util"
import { Redis } from "ioredis"
import { UsageError } from "./args.ts"
import { type LocalCluster, portAllocator, startLocalCluster } from "./localCluster.ts"
import { type RedisServer, startRedisServer } from "./localRedis.ts"
import { type LongHaul, startLongHaul } from "./longHaul.ts"

const host = "127.0.0.1"

export interface LocalIdc {
  readonly name: string
  /** The IDC's cluster; a new one (on the promoted replica) after `failover`. */
  cluster: LocalCluster
  /** What the other IDCs dial for this IDC's link (the long haul in front of its runner's link port). */
  readonly link: LongHaul
  /** The IDC this one fails over to. */
  readonly backup: string
  /** This IDC's Redis replicated in the backup IDC, over `replication`. */
  readonly replica: RedisServer
  readonly replication: LongHaul
  /** Whether `failover` ran: its users are served from the replica, in the backup IDC. */
  failedOver: boolean
}

export interface LocalIdcs {
  /** The directory (account master) every IDC reaches. */
  readonly directory: RedisServer
  /** The IDC links' shared secret (WEFT_IDC_SECRET). */
  readonly secret: string
  readonly idcs: ReadonlyArray<LocalIdc>
  readonly idc: (name: string) => LocalIdc
  /** Cuts (true) or heals (false) every long-haul link: the IDC links and the replication. */
  readonly partition: (on: boolean) => void
  /**
   * How long a write to `name`'s Redis takes to show in its replica (ms): a marker written to
   * the primary, polled on the replica every millisecond.
   */
  readonly replicationLag: (name: string) => Promise<number>
  /**
   * `name`'s data centre is lost: its processes and its Redis are killed, its replica in the
   * backup IDC is promoted, and a runner and a gateway of `name` start there on it. Its link
   * address stays the same (the long haul now leads to the new runner).
   */
  readonly failover: (name: string) => Promise<LocalIdc>
  readonly stop: () => Promise<void>
}

export interface LocalIdcsOptions {
  readonly names?: ReadonlyArray<string>
  /** One-way latency of the long-haul links (ms). */
  readonly latencyMs?: number
  readonly lossRate?: number
  readonly gateways?: number
  /** More flags for every runner (e.g. `--password-hash ...`). */
  readonly runnerArgs?: ReadonlyArray<string>
  /** More flags for every gateway (e.g. `--web-chat on`). */
  readonly gatewayArgs?: ReadonlyArray<string>
}

const withRedis = async <A>(url: string, use: (redis: Redis) => Promise<A>): Promise<A> => {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  redis.on("error", () => {})
  try {
    return await use(redis)
  } finally {
    redis.disconnect()
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const startLocalIdcs = async (options: LocalIdcsOptions = {}): Promise<LocalIdcs> => {
  const names = options.names ?? ["a", "b"]
  if (names.length < 2) throw new UsageError("several data centres means at least two")
  const secret = randomBytes(32).toString("hex")
  const directory = await startRedisServer({ persistent: true })
  const idcs: Array<LocalIdc> = []
  const longHauls: Array<LongHaul> = []
  const replicas: Array<RedisServer> = []
  const stop = async () => {
    await Promise.all(idcs.map((idc) => idc.cluster.stop()))
    await Promise.all(longHauls.map((link) => link.close()))
    await Promise.all(replicas.map((replica) => replica.stop()))
    await directory.stop()
  }
  const runnerArgs = (name: string, linkPort: number, advertise: number, replicas: number) => [
    "--idc", name, "--idc-directory", directory.url,
    "--idc-link-port", String(linkPort), "--idc-link-advertise", `${host}:${advertise}`,
    "--idc-replicas", String(replicas)
  ]
  // The IDCs start side by side, so no port may be handed out twice across them.
  const newPort = portAllocator()
  // A batch from another IDC is acknowledged once the replica in the backup IDC has it — but for
  // an IDC failed over onto its promoted replica, which has no replica of its own.
  const startCluster = async (name: string, link: LongHaul, linkPort: number, redisUrl?: string) =>
    startLocalCluster({
      runners: 1,
      gateways: options.gateways ?? 1,
      redisUrl,
      env: { WEFT_IDC_SECRET: secret },
      runnerArgs: [...runnerArgs(name, linkPort, link.port, redisUrl === undefined ? 1 : 0), ...(options.runnerArgs ?? [])],
      gatewayArgs: options.gatewayArgs,
      newPort
    })
  const longHaul = async (target: () => number) => {
    const link = await startLongHaul({ target, latencyMs: options.latencyMs ?? 0, lossRate: options.lossRate ?? 0 })
    longHauls.push(link)
    return link
  }
  // Each IDC's runner link port, behind its long haul (a failover moves it).
  const linkPorts = new Map<string, number>()
  const startIdc = async (name: string, index: number): Promise<LocalIdc> => {
    const linkPort = await newPort()
    linkPorts.set(name, linkPort)
    const link = await longHaul(() => linkPorts.get(name)!)
    const cluster = await startCluster(name, link, linkPort)
    const primary = cluster.redis!
    // The replica's first full sync starts at once: by default Redis waits 5 s for more
    // replicas to share a diskless transfer, and this one has none to wait for.
    await withRedis(primary.url, (redis) => redis.config("SET", "repl-diskless-sync-delay", "0"))
    const replication = await longHaul(() => primary.port)
    const replica = await startRedisServer({ persistent: true, args: ["--replicaof", host, String(replication.port)] })
    replicas.push(replica)
    return { name, cluster, link, backup: names[(index + 1) % names.length]!, replica, replication, failedOver: false }
  }
  try {
    // Side by side: a start is seconds of loading, most of it on one core. Every start settles
    // before a failure is thrown, so stop() ends all that started.
    const started = await Promise.allSettled(names.map(startIdc))
    for (const each of started) if (each.status === "fulfilled") idcs.push(each.value)
    const failed = started.find((each) => each.status === "rejected")
    if (failed !== undefined) throw failed.reason
    // Ready once every replica follows its primary (the first full sync is done) ...
    for (const { name, replica } of idcs) {
      await withRedis(replica.url, async (redis) => {
        const deadline = Date.now() + 15_000
        while (!(await redis.info("replication")).includes("master_link_status:up")) {
          if (Date.now() > deadline) throw new Error(`the replica of IDC ${name} did not catch up within 15 s`)
          await sleep(100)
        }
      })
    }
    // ... and every IDC's record in the directory lists its gateways (where WRONG_IDC sends users).
    await withRedis(directory.url, async (redis) => {
      const deadline = Date.now() + 15_000
      for (const { name } of idcs) {
        while ((JSON.parse((await redis.get(`weft:idc:${name}`)) ?? "{}").endpoints?.length ?? 0) < (options.gateways ?? 1)) {
          if (Date.now() > deadline) throw new Error(`IDC ${name} did not show its gateways in the directory within 15 s`)
          await sleep(100)
        }
      }
    })
    const idc = (name: string) => {
      const found = idcs.find((each) => each.name === name)
      if (found === undefined) throw new Error(`no IDC ${name}`)
      return found
    }
    const replicationLag = async (name: string) => {
      const { cluster, replica } = idc(name)
      return withRedis(cluster.redis!.url, (primary) =>
        withRedis(replica.url, async (copy) => {
          const marker = `${Date.now()}-${Math.random()}`
          const started = performance.now()
          await primary.set("weft:replication-probe", marker)
          const deadline = started + 30_000
          while (performance.now() < deadline) {
            if ((await copy.get("weft:replication-probe")) === marker) return performance.now() - started
            await sleep(1)
          }
          throw new Error(`IDC ${name}: the replica did not see a write within 30 s`)
        }))
    }
    const failover = async (name: string) => {
      const lost = idc(name)
      // What was on its way to the replica when the data centre went is lost with it.
      lost.replication.partition(true)
      for (const member of [...lost.cluster.runners, ...lost.cluster.gateways]) member.crash()
      await lost.cluster.stop()
      await withRedis(lost.replica.url, (redis) => redis.replicaof("NO", "ONE"))
      const linkPort = await newPort()
      linkPorts.set(name, linkPort)
      lost.cluster = await startCluster(name, lost.link, linkPort, lost.replica.url)
      lost.failedOver = true
      return lost
    }
    return {
      directory,
      secret,
      idcs,
      idc,
      partition: (on) => longHauls.forEach((link) => link.partition(on)),
      replicationLag,
      failover,
      stop
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** `weft local-idc`: start, print the addresses, stop everything on Ctrl-C. */
export const runLocalIdc = async (argv: ReadonlyArray<string>) => {
  const { values } = parseArgs({ args: [...argv], options: { "latency-ms": { type: "string" }, "loss": { type: "string" } }, strict: true })
  const latencyMs = Number(values["latency-ms"] ?? "30")
  const lossRate = Number(values.loss ?? "0")
  if (!Number.isFinite(latencyMs) || latencyMs < 0 || latencyMs > 5_000) throw new UsageError("--latency-ms must be 0..5000")
  if (!Number.isFinite(lossRate) || lossRate < 0 || lossRate >= 1) throw new UsageError("--loss must be 0..1 (a share of chunks)")
  // The gateways serve the web chat page: a page of either IDC signs in any user (it is sent home).
  const world = await startLocalIdcs({ latencyMs, lossRate, gatewayArgs: ["--web-chat", "on"] })
  console.log(`directory (accounts of every IDC): ${world.directory.url}`)
  for (const idc of world.idcs) {
    const gateway = idc.cluster.gateways[0]!
    console.log(`IDC ${idc.name}: Redis ${idc.cluster.redisUrl} (replica in IDC ${idc.backup}: ${idc.replica.url}), ` +
      `gateway ${host}:${gateway.port} (http ${gateway.httpPort}, web chat http://${host}:${gateway.httpPort}/chat), link via ${host}:${idc.link.port}`)
  }
  console.log(`long haul between IDCs: ${latencyMs} ms each way, loss ${lossRate}`)
  const [a, b] = world.idcs
  console.log(`try it:  npx weft client --server ${host}:${a!.cluster.gateways[0]!.port} --user alice --password secret-pw register`)
  console.log(`         npx weft client --server ${host}:${b!.cluster.gateways[0]!.port} --user bob --password secret-pw register`)
  console.log(`         npx weft client --server ${host}:${a!.cluster.gateways[0]!.port} --user alice --password secret-pw send bob hello`)
  console.log("Ctrl-C stops everything")
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve)
    process.once("SIGTERM", resolve)
  })
  await world.stop()
}
