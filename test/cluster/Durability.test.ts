/**
 * A runner checks Redis' persistence before it hosts anybody: without the append-only file a
 * Redis restart loses every acknowledged message, so it refuses — unless the operator accepts
 * that with --allow-volatile-redis on, which it then says loudly. Real redis-server processes.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { freePort } from "../../src/cli/localCluster.ts"
import { startRedisCluster, startRedisServer } from "../../src/cli/localRedis.ts"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
// Runners need the cluster secret before anything else is looked at.
const env = { ...process.env, WEFT_CLUSTER_SECRET: randomBytes(32).toString("hex") }

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const weft = (...args: Array<string>): Promise<Run> =>
  new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 30_000, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr })
    })
  })

const running: Array<ChildProcess> = []
afterAll(() => running.forEach((child) => child.kill("SIGKILL")))

/** Starts a runner and returns its output once it says it is a cluster member. */
const startedRunner = async (...args: Array<string>): Promise<string> => {
  const child = spawn(process.execPath, [bin, "runner", "--runner-port", String(await freePort()), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env
  })
  running.push(child)
  let output = ""
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("weft runner: cluster member")) resolve()
    })
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("exit", (code) => reject(new Error(`the runner exited with ${code}:\n${output}`)))
  })
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })
  return output
}

describe("Redis durability at start-up", () => {
  it("a runner refuses a Redis without append-only persistence, naming the setting that accepts the loss", async () => {
    const volatile = await startRedisServer({ persistent: false })
    try {
      const refused = await weft("runner", "--redis", volatile.url, "--runner-port", String(await freePort()))
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(`Redis has no append-only persistence (127.0.0.1:${volatile.port}: appendonly no, no snapshots)`)
      expect(refused.stderr).toContain("--allow-volatile-redis on")
      expect(refused.stdout).not.toContain("weft runner: cluster member")

      const accepted = await startedRunner("--redis", volatile.url, "--allow-volatile-redis", "on")
      const warning = accepted.split("\n").find((line) => line.includes("--allow-volatile-redis: running on a Redis without append-only persistence"))
      expect(warning, accepted).toBeDefined()
      expect(JSON.parse(warning!).level).toBe("WARN")
    } finally {
      await volatile.stop()
    }
  })

  it("a runner on a Redis with the append-only file starts and logs its fsync policy", async () => {
    const durable = await startRedisServer({ persistent: true })
    try {
      const output = await startedRunner("--redis", durable.url)
      expect(output).toContain(`Redis persistence: 127.0.0.1:${durable.port}: appendonly yes, appendfsync always`)
    } finally {
      await durable.stop()
    }
  })

  it("on a Redis Cluster every master is checked", async () => {
    const cluster = await startRedisCluster({ persistent: false })
    try {
      const refused = await weft("runner", "--redis", cluster.url, "--runner-port", String(await freePort()))
      expect(refused.code).toBe(1)
      for (const node of cluster.nodes) expect(refused.stderr).toContain(`${node.host}:${node.port}: appendonly no`)
    } finally {
      await cluster.stop()
    }
  })

  it("wrong Redis and timing settings stop start-up naming the setting", async () => {
    const badList = await weft("runner", "--redis", "redis://127.0.0.1:7000,127.0.0.1:7001")
    expect(badList.code).toBe(2)
    expect(badList.stderr).toContain("--redis must be a redis:// URL, or the comma-separated redis:// URLs of Redis Cluster nodes")
    const badLock = await weft("runner", "--shard-lock-expiration-ms", "100")
    expect(badLock.code).toBe(2)
    expect(badLock.stderr).toContain('--shard-lock-expiration-ms must be a number of milliseconds from 1500 to 60000, got "100"')
    const badVolatile = await weft("runner", "--allow-volatile-redis", "yes")
    expect(badVolatile.code).toBe(2)
    expect(badVolatile.stderr).toContain('--allow-volatile-redis must be on or off, got "yes"')
    const weakHash = await weft("runner", "--password-hash", "N=1024,r=8,p=1")
    expect(weakHash.code).toBe(2)
    expect(weakHash.stderr).toContain('--password-hash must be scrypt parameters like N=16384,r=8,p=5 (N a power of two from 16384')
  })
})
