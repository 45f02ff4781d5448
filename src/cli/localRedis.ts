/**
 * Throwaway Redis servers on loopback for local clusters and tests, from Debian's
 * `redis-server`: a single server (optionally with append-only persistence, so it can be
 * restarted without losing data) or a Redis Cluster of three masters. `stop` kills the servers
 * and removes their directory; they are also killed if this process exits without calling it.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export interface RedisCluster {
  readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>
  /** The nodes as the comma-separated URLs `--redis` takes. */
  readonly url: string
  /** Stops every node (SIGTERM: each writes its append-only file first). */
  readonly shutdown: () => Promise<void>
  /** Starts them again on the same ports and directories. */
  readonly start: () => Promise<void>
  readonly stop: () => Promise<void>
}

const host = "127.0.0.1"
const run = promisify(execFile)

const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer()
    server.once("error", () => resolve(false))
    server.listen(port, host, () => server.close(() => resolve(true)))
  })

// Each node also listens on port + 10000 (the cluster bus), so both must be free; the range
// keeps the bus port below 65536 and away from the kernel's ephemeral ports.
const freePort = async (taken: ReadonlySet<number>): Promise<number> => {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000)
    if (!taken.has(port) && await portIsFree(port) && await portIsFree(port + 10_000)) return port
  }
  throw new Error("no free port pair for a Redis Cluster node")
}

const redisCli = async (port: number, ...args: Array<string>): Promise<string> =>
  (await run("redis-cli", ["-h", host, "-p", String(port), ...args], { timeout: 10_000 })).stdout

const waitUntil = async (what: string, check: () => Promise<boolean>, ms: number): Promise<void> => {
  const deadline = Date.now() + ms
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster: timed out waiting for ${what}`)
    await sleep(50)
  }
}

const stopProcess = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const force = setTimeout(() => child.kill("SIGKILL"), 2_000)
    child.once("exit", () => {
      clearTimeout(force)
      resolve()
    })
    child.kill("SIGTERM")
  })

export interface RedisServer {
  readonly host: string
  readonly port: number
  readonly url: string
  /** Stops the server (SIGTERM: with persistence on, it writes its append-only file first). */
  readonly shutdown: () => Promise<void>
  /** Starts it again on the same port and directory. */
  readonly start: () => Promise<void>
  readonly stop: () => Promise<void>
}

/**
 * One redis-server on a free port (or `port`); `persistent` turns on appendonly with fsync
 * always; `args`: more of redis-server's options (e.g. `--replicaof HOST PORT`).
 */
export const startRedisServer = async (
  options: { readonly port?: number; readonly persistent?: boolean; readonly args?: ReadonlyArray<string> } = {}
): Promise<RedisServer> => {
  const dir = mkdtempSync(join(tmpdir(), "weft-redis-"))
  const port = options.port ?? await freePort(new Set())
  let child: ChildProcess | undefined
  const killOnExit = () => child?.kill("SIGKILL")
  process.once("exit", killOnExit)
  const start = async () => {
    child = spawn("redis-server", [
      "--port", String(port),
      "--bind", host,
      "--save", "",
      "--appendonly", options.persistent ? "yes" : "no",
      "--appendfsync", "always",
      "--dir", dir,
      ...(options.args ?? [])
    ], { stdio: "ignore" })
    child.once("error", () => {})
    await waitUntil(`redis-server on port ${port}`, async () => (await redisCli(port, "ping")).trim() === "PONG", 10_000)
  }
  const shutdown = async () => {
    if (child !== undefined) await stopProcess(child)
    child = undefined
  }
  await start()
  return {
    host,
    port,
    url: `redis://${host}:${port}`,
    start,
    shutdown,
    stop: async () => {
      process.removeListener("exit", killOnExit)
      await shutdown()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Three (or `masters`) masters on loopback; append-only persistence unless `persistent: false`. */
export const startRedisCluster = async (
  options: { readonly masters?: number; readonly persistent?: boolean } = {}
): Promise<RedisCluster> => {
  const masters = options.masters ?? 3
  const dir = mkdtempSync(join(tmpdir(), "weft-redis-cluster-"))
  const children = new Map<number, ChildProcess>()
  const killOnExit = () => children.forEach((child) => child.kill("SIGKILL"))
  process.once("exit", killOnExit)
  const shutdown = async () => {
    await Promise.all([...children.values()].map(stopProcess))
    children.clear()
  }
  const stop = async () => {
    process.removeListener("exit", killOnExit)
    await shutdown()
    rmSync(dir, { recursive: true, force: true })
  }
  const ports: Array<number> = []
  // One directory per node: each keeps its own append-only files and cluster configuration.
  const spawnNode = (port: number) => {
    const child = spawn("redis-server", [
      "--port", String(port),
      "--bind", host,
      "--cluster-enabled", "yes",
      "--cluster-config-file", `nodes-${port}.conf`,
      "--cluster-node-timeout", "5000",
      "--save", "",
      "--appendonly", options.persistent === false ? "no" : "yes",
      "--appendfsync", "everysec",
      "--dir", join(dir, String(port))
    ], { stdio: "ignore" })
    child.once("error", () => {}) // a missing binary shows up as the ping below timing out
    children.set(port, child)
  }
  const clusterOk = async () => {
    for (const port of ports) {
      await waitUntil(`cluster_state:ok on port ${port}`, async () => (await redisCli(port, "cluster", "info")).includes("cluster_state:ok"), 15_000)
    }
  }
  const started = async () => {
    for (const port of ports) {
      await waitUntil(`redis-server on port ${port}`, async () => (await redisCli(port, "ping")).trim() === "PONG", 10_000)
    }
  }

  try {
    for (let i = 0; i < masters; i++) ports.push(await freePort(new Set(ports)))
    for (const port of ports) {
      mkdirSync(join(dir, String(port)))
      spawnNode(port)
    }
    await started()
    await run("redis-cli", ["--cluster", "create", ...ports.map((port) => `${host}:${port}`), "--cluster-replicas", "0", "--cluster-yes"], {
      timeout: 15_000
    })
    await clusterOk()
    return {
      nodes: ports.map((port) => ({ host, port })),
      url: ports.map((port) => `redis://${host}:${port}`).join(","),
      shutdown,
      start: async () => {
        for (const port of ports) spawnNode(port)
        await started()
        await clusterOk()
      },
      stop
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** `weft local-redis-cluster`: three masters on loopback until Ctrl-C. */
export const runLocalRedisCluster = async () => {
  const cluster = await startRedisCluster()
  console.log(`Redis Cluster (append-only persistence): ${cluster.nodes.map((node) => `${node.host}:${node.port}`).join(", ")}`)
  console.log(`use it:  weft runner --redis ${cluster.url}   or   weft local-cluster --redis ${cluster.url}`)
  console.log("Ctrl-C stops it")
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve)
    process.once("SIGTERM", resolve)
  })
  await cluster.stop()
}
