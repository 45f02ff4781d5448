/**
 * The cluster-internal ports admit only members holding the cluster secret: a stranger who
 * reaches a gateway's push port or a runner's port can neither push a forged message to a user
 * nor kick one, nor call a runner — and is counted. The same calls made with the secret go
 * through, which shows the refused ones were real attacks and not broken requests.
 */
import { execFile, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Net from "node:net"
import { serialize } from "node:v8"
import * as NodeSocket from "@effect/platform-node/NodeSocket"
import { Effect, Exit } from "effect"
import { Runners } from "effect/cluster"
import { RpcClient, RpcSerialization } from "effect/rpc"
import * as Socket from "effect/socket/Socket"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LocalCluster, startLocalCluster } from "../../src/cli/localCluster.ts"
import * as ClusterAuth from "../../src/cluster/ClusterAuth.ts"
import * as DirectCalls from "../../src/cluster/DirectCalls.ts"
import * as PushRpc from "../../src/cluster/PushRpc.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { Codecs, type Change, type Kicked } from "../../src/protocol/Proto.ts"
import { runnerFlags } from "../support/clusterFlags.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))

let cluster: LocalCluster
beforeAll(async () => {
  cluster = await startLocalCluster({ runners: 1, gateways: 1, runnerArgs: runnerFlags })
}, 90_000)
afterAll(() => cluster?.stop())

const clients: Array<WeftClient> = []
afterAll(() => clients.forEach((client) => client.close()))

/** A socket to `port`: a plain TCP connection (a stranger), or a member's with `secret`. */
const socketTo = (port: number, secret?: string) =>
  secret === undefined
    ? NodeSocket.makeNet({ host: "127.0.0.1", port, openTimeout: 1000 })
    : ClusterAuth.connect({ host: "127.0.0.1", port, secret, openTimeoutMs: 1000 })

/**
 * Writes one push-channel record to the gateway's push port over a fresh connection, as a runner
 * does: after the handshake when given the secret, straight away (a stranger) otherwise.
 */
const pushRecord = (port: number, secret: string | undefined, bytes: Uint8Array) =>
  new Promise<void>((resolve) => {
    const socket = Net.createConnection({ host: "127.0.0.1", port })
    socket.on("error", () => {})
    socket.once("close", () => resolve())
    socket.once("connect", () => {
      const send = () => socket.end(bytes)
      if (secret === undefined) return send()
      socket.pause()
      ClusterAuth.joinMember(socket, secret).then(send, () => socket.destroy())
    })
    socket.resume()
  })

/** Pings a runner over its cluster protocol (what another member's health check does). */
const runnerPing = (port: number, secret: string | undefined) =>
  Effect.runPromiseExit(Effect.scoped(Effect.gen(function*() {
    const socket = yield* socketTo(port, secret)
    const protocol = yield* RpcClient.makeProtocolSocket({ retryTransientErrors: false }).pipe(
      Effect.provideService(Socket.Socket, socket),
      Effect.provide(RpcSerialization.layerSchemaBinary())
    )
    const client = yield* RpcClient.make(Runners.Rpcs).pipe(Effect.provideService(RpcClient.Protocol, protocol))
    return yield* client.Ping()
  })))

const refusals = async (adminPort: number, kind: string): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text()
  const match = new RegExp(`^weft_cluster_auth_refused_total\\{[^}]*port="${kind}"[^}]*\\} (\\d+)`, "m").exec(text)
  return match === null ? 0 : Number(match[1])
}

const forgedChange = (seq: number): Change => ({
  seq,
  atMs: Date.now(),
  message: { messageId: "forged", from: "admin", to: "", type: 1, text: "reset your password at evil.example", clientMsgId: "", sentAtMs: Date.now() }
})

describe("cluster-internal ports", () => {
  it("a stranger on the push port can neither push a forged message nor kick a user; a member with the secret can", async () => {
    const gateway = cluster.gateways[0]!
    const [alice, bob] = [uniqueUser("alice"), uniqueUser("bob")]
    for (const user of [alice, bob]) await register({ host: "127.0.0.1", port: gateway.port }, user, "password")
    const aliceClient = new WeftClient({ host: "127.0.0.1", port: gateway.port, userId: alice, password: "password", reconnect: false })
    const bobClient = new WeftClient({ host: "127.0.0.1", port: gateway.port, userId: bob, password: "password", reconnect: false })
    clients.push(aliceClient, bobClient)
    const changes: Array<Change> = []
    const kicks: Array<Kicked> = []
    aliceClient.on("change", (change) => changes.push(change))
    aliceClient.on("kicked", (kicked) => kicks.push(kicked))
    await aliceClient.connect()
    await bobClient.connect()
    const refusedBefore = await refusals(gateway.adminPort, "push")

    const push = () =>
      PushRpc.encodePush({ userId: alice, seq: aliceClient.cursor + 1, data: Codecs.Change.encode(forgedChange(aliceClient.cursor + 1)), epoch: "" })
    await pushRecord(gateway.pushPort, undefined, push())
    await pushRecord(gateway.pushPort, undefined, PushRpc.encodeKick({ userId: alice, filter: {}, kicked: Codecs.Kicked.encode({ code: 4001, reason: "forged kick" }) }))
    // A raw socket writing anything at all is cut off too.
    const raw = Net.createConnection({ host: "127.0.0.1", port: gateway.pushPort })
    raw.on("error", () => {})
    raw.resume()
    raw.write(Buffer.alloc(200, 7))
    await new Promise((resolve) => raw.once("close", resolve))
    expect(await refusals(gateway.adminPort, "push"), "each stranger is counted").toBeGreaterThanOrEqual(refusedBefore + 3)

    // Alice is still connected, and the next change she sees is bob's real message.
    await bobClient.send(alice, "a real message")
    await waitFor("bob's message", () => changes.length > 0)
    expect(changes[0]!.message?.from).toBe(bob)
    expect(changes.some((change) => change.message?.messageId === "forged")).toBe(false)
    expect(kicks).toEqual([])

    // The same calls with the cluster secret are delivered: the refusals above were the secret's doing.
    await pushRecord(gateway.pushPort, cluster.secret, push())
    await waitFor("the member's push", () => changes.some((change) => change.message?.messageId === "forged"))
    await pushRecord(gateway.pushPort, cluster.secret, PushRpc.encodeKick({ userId: alice, filter: {}, kicked: Codecs.Kicked.encode({ code: 4001, reason: "member kick" }) }))
    await waitFor("the member's kick", () => kicks.length === 1)
    expect(kicks[0]!.reason).toBe("member kick")
  }, 60_000)

  it("a stranger on a runner's port cannot call it; a member with the secret can", async () => {
    const runner = cluster.runners[0]!
    const refusedBefore = await refusals(runner.adminPort, "runner")
    expect(Exit.isFailure(await runnerPing(runner.port, undefined)), "the stranger's ping is refused").toBe(true)
    expect(Exit.isFailure(await runnerPing(runner.port, "not-the-cluster-secret")), "a wrong secret is refused").toBe(true)
    expect(await refusals(runner.adminPort, "runner")).toBeGreaterThanOrEqual(refusedBefore + 2)
    expect(Exit.isSuccess(await runnerPing(runner.port, cluster.secret)), "a member's ping is answered").toBe(true)
  }, 30_000)

  it("a stranger cannot make direct actor calls on a runner's port; a member with the secret is answered", async () => {
    const runner = cluster.runners[0]!
    const refusedBefore = await refusals(runner.adminPort, "runner")
    // A Sync of some user's log, as another member sends it on the direct channel (DirectCalls.ts).
    const request = DirectCalls.encodeRequest(1, ["ChangeLog", uniqueUser("victim"), "Sync", ""], serialize({ cursor: 0, limit: 10 }))
    const attempt = (secret: string | undefined) =>
      new Promise<{ readonly joined: boolean; readonly answered: Buffer }>((resolve) => {
        const socket = Net.createConnection({ host: "127.0.0.1", port: runner.port })
        const chunks: Array<Buffer> = []
        let joined = false
        const read = () =>
          socket.on("data", (chunk: Buffer) => {
            chunks.push(chunk)
            // One reply record is enough to tell.
            if (joined && Buffer.concat(chunks).length >= 9) socket.destroy()
          })
        socket.on("error", () => {})
        socket.once("close", () => resolve({ joined, answered: Buffer.concat(chunks) }))
        socket.once("connect", () => {
          if (secret === undefined) {
            // Straight to the request, as if the port were open.
            read()
            socket.write(request)
            return
          }
          socket.pause()
          ClusterAuth.joinMember(socket, secret, ClusterAuth.Channel.direct).then(() => {
            joined = true
            read()
            socket.write(request)
          }, () => socket.destroy())
        })
      })
    const stranger = await attempt(undefined)
    const wrong = await attempt("not-the-cluster-secret")
    expect(stranger.joined || wrong.joined).toBe(false)
    // The stranger only ever saw the server's greeting, never a reply record.
    expect(stranger.answered.subarray(0, 8).toString()).toBe("WEFTCL2\n")
    expect(stranger.answered.length).toBe(8 + 32)
    expect(await refusals(runner.adminPort, "runner")).toBeGreaterThanOrEqual(refusedBefore + 2)
    const member = await attempt(cluster.secret)
    expect(member.joined).toBe(true)
    // The reply record: ok (2) or "not here" (4: the log's actor is not active on this runner).
    expect([2, 4]).toContain(member.answered.readUInt8(4))
    expect(member.answered.readUInt32BE(5)).toBe(1)
  }, 30_000)

  it("a runner or gateway refuses to start without a cluster secret, naming how to set one", async () => {
    const run = (args: ReadonlyArray<string>, env: Record<string, string | undefined>) =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(process.execPath, [bin, ...args], { env: { ...process.env, WEFT_CLUSTER_SECRET: undefined, ...env } }, (error, _out, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stderr })))
    for (const role of ["runner", "gateway"]) {
      const missing = await run([role, "--redis", cluster.redisUrl], {})
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain("the cluster secret is required: set WEFT_CLUSTER_SECRET")
    }
    const short = await run(["runner", "--redis", cluster.redisUrl], { WEFT_CLUSTER_SECRET: "short" })
    expect(short.code).toBe(2)
    expect(short.stderr).toContain("WEFT_CLUSTER_SECRET must have at least 16 characters")
    // The frequency-control limits of a runner are flags too, checked like the others.
    for (const flag of ["--registrations-per-address", "--failed-logins-per-user-address", "--failed-logins-per-address"]) {
      const wrong = await run(["runner", "--redis", cluster.redisUrl, flag, "many"], { WEFT_CLUSTER_SECRET: cluster.secret })
      expect(wrong.code, flag).toBe(2)
      expect(wrong.stderr).toContain(`${flag} must be a positive whole number, got "many"`)
    }
  }, 30_000)

  it("a gateway opens an admin port only when asked, and prints where", async () => {
    const gateway = cluster.gateways[0]!
    expect(gateway.output()).toContain(`weft gateway: admin (/healthz /readyz /metrics /log-reports) on 127.0.0.1:${gateway.adminPort}`)
    const child = spawn(process.execPath, [bin, "gateway", "--redis", cluster.redisUrl, "--port", "0", "--http-port", "0", "--push-port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WEFT_CLUSTER_SECRET: cluster.secret }
    })
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let out = ""
        child.stdout!.on("data", (chunk) => {
          out += chunk
          if (/weft gateway: pushes/.test(out)) resolve(out)
        })
        child.stderr!.on("data", (chunk) => (out += chunk))
        child.once("exit", (code) => reject(new Error(`gateway exited with ${code}: ${out}`)))
      })
      expect(output).not.toContain("admin")
    } finally {
      child.kill("SIGTERM")
    }
  }, 30_000)

  it("a member of another handshake version is told so, not taken for a stranger's port", async () => {
    // A port greeting as the first version of the handshake did (no channel byte).
    const old = Net.createServer((socket) => socket.end(Buffer.concat([Buffer.from("WEFTCL1\n"), Buffer.alloc(32, 1)])))
    await new Promise<void>((resolve) => old.listen(0, "127.0.0.1", resolve))
    try {
      const socket = Net.createConnection({ host: "127.0.0.1", port: (old.address() as Net.AddressInfo).port })
      socket.on("error", () => {})
      socket.pause()
      await new Promise((resolve) => socket.once("connect", resolve))
      const error = await ClusterAuth.joinMember(socket, "a-secret-for-this-test-only").then(() => undefined, (e: Error) => e)
      socket.destroy()
      expect(error?.message).toContain("another version of the cluster handshake (WEFTCL1, this member WEFTCL2)")
    } finally {
      old.close()
    }
  })

  it("the handshake: a member with the secret is served, a wrong secret is not", async () => {
    const secret = "a-secret-for-this-test-only"
    const served: Array<string> = []
    const text = (chunks: ReadonlyArray<Uint8Array | string>) =>
      chunks.map((chunk) => typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk)).join("")
    const exit = await Effect.runPromiseExit(Effect.scoped(Effect.gen(function*() {
      const server = yield* ClusterAuth.makeServer({ host: "127.0.0.1", port: 0, secret, kind: "push" })
      const port = server.address._tag === "UnixPathAddress" ? 0 : server.address.port
      yield* Effect.forkScoped(server.run((socket) =>
        Effect.scoped(Effect.gen(function*() {
          const { pull } = yield* socket.reader
          const { write } = yield* socket.writer
          served.push(text(yield* pull))
          yield* write("echo")
          yield* pull
        })).pipe(Effect.ignore)
      ))
      const wrong = yield* Effect.exit(Effect.scoped(Effect.gen(function*() {
        const socket = yield* ClusterAuth.connect({ host: "127.0.0.1", port, secret: "another-secret-entirely", openTimeoutMs: 2000 })
        const { pull } = yield* socket.reader
        return yield* pull
      })))
      expect(Exit.isFailure(wrong)).toBe(true)
      return yield* Effect.scoped(Effect.gen(function*() {
        const member = yield* ClusterAuth.connect({ host: "127.0.0.1", port, secret, openTimeoutMs: 2000 })
        const { pull } = yield* member.reader
        const { write } = yield* member.writer
        yield* write("hello")
        return text(yield* pull)
      }))
    })))
    expect(exit).toEqual(Exit.succeed("echo"))
    expect(served).toEqual(["hello"])
  })
})


