/**
 * A throwaway Redis Cluster for tests: three masters (no replicas) on free loopback ports,
 * without persistence, in a temporary directory. `stop` kills the servers and removes the
 * directory; the servers are also killed if the test process exits without calling it.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { sleep } from "./wait.ts"

export interface RedisCluster {
  readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>
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

export const startRedisCluster = async (masters = 3): Promise<RedisCluster> => {
  const dir = mkdtempSync(join(tmpdir(), "weft-redis-cluster-"))
  const children: Array<ChildProcess> = []
  const killOnExit = () => children.forEach((child) => child.kill("SIGKILL"))
  process.once("exit", killOnExit)
  const stop = async () => {
    process.removeListener("exit", killOnExit)
    await Promise.all(children.map(stopProcess))
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    const ports: Array<number> = []
    for (let i = 0; i < masters; i++) ports.push(await freePort(new Set(ports)))
    for (const port of ports) {
      const child = spawn("redis-server", [
        "--port", String(port),
        "--bind", host,
        "--cluster-enabled", "yes",
        "--cluster-config-file", `nodes-${port}.conf`,
        "--cluster-node-timeout", "5000",
        "--save", "",
        "--appendonly", "no",
        "--dir", dir
      ], { stdio: "ignore" })
      child.once("error", () => {}) // a missing binary shows up as the ping below timing out
      children.push(child)
    }
    for (const port of ports) {
      await waitUntil(`redis-server on port ${port}`, async () => (await redisCli(port, "ping")).trim() === "PONG", 10_000)
    }
    await run("redis-cli", ["--cluster", "create", ...ports.map((port) => `${host}:${port}`), "--cluster-replicas", "0", "--cluster-yes"], {
      timeout: 15_000
    })
    for (const port of ports) {
      await waitUntil(`cluster_state:ok on port ${port}`, async () => (await redisCli(port, "cluster", "info")).includes("cluster_state:ok"), 10_000)
    }
    return { nodes: ports.map((port) => ({ host, port })), stop }
  } catch (error) {
    await stop()
    throw error
  }
}
