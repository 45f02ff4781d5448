/** `weft dev` and `weft client` as separate processes, as a person would run them. */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))

let dev: ChildProcess
let server = ""
let devOutput = ""
let admin = ""

beforeAll(async () => {
  dev = spawn(process.execPath, [bin, "dev", "--port", "0", "--http-port", "0", "--admin-port", "0"], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  server = await new Promise<string>((resolve, reject) => {
    let out = ""
    const timer = setTimeout(() => reject(new Error(`weft dev did not start: ${out}`)), 15_000)
    dev.stdout!.on("data", (chunk) => {
      out += chunk
      devOutput += chunk
      const match = /long connections \(TCP\) on (\S+:\d+)/.exec(out)
      const adminMatch = /admin \(.*\) on (\S+:\d+)/.exec(out)
      if (match && adminMatch) {
        clearTimeout(timer)
        admin = adminMatch[1]!
        resolve(match[1]!)
      }
    })
    dev.once("exit", (code) => reject(new Error(`weft dev exited with ${code}: ${out}`)))
  })
})
afterAll(() => {
  dev.kill("SIGINT")
})

interface Run {
  readonly code: number
  readonly lines: Array<any>
  readonly stderr: string
}

const weft = (...args: Array<string>): Promise<Run> =>
  new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
        lines: stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line)),
        stderr
      })
    })
  })

const client = (user: string, ...args: Array<string>) =>
  weft("client", "--server", server, "--user", user, "--password", "pass-word", ...args)

describe("weft dev and weft client", () => {
  it("two client processes exchange messages through a dev server process", async () => {
    expect((await client("ann", "register")).lines).toEqual([{ registered: "ann" }])
    expect((await client("ben", "register")).code).toBe(0)

    const listening = client("ben", "listen", "--seconds", "4")
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const sent = await client("ann", "send", "ben", "hi ben", "--client-msg-id", "first")
    expect(sent.code).toBe(0)
    expect(sent.lines[0]).toMatchObject({ messageId: "ann/first", seq: 1, duplicate: false })

    const listened = await listening
    expect(listened.code).toBe(0)
    expect(listened.lines).toHaveLength(1)
    expect(listened.lines[0]).toMatchObject({ seq: 1, message: { from: "ann", to: "ben", text: "hi ben" } })

    const resent = await client("ann", "send", "ben", "hi ben", "--client-msg-id", "first")
    expect(resent.lines[0]).toMatchObject({ messageId: "ann/first", duplicate: true })

    await client("ann", "send", "ben", "second")
    const synced = await client("ben", "sync")
    expect(synced.lines.map((line) => [line.seq, line.message.text])).toEqual([[1, "hi ben"], [2, "second"]])
    const after = await client("ben", "sync", "--cursor", "1")
    expect(after.lines.map((line) => line.seq)).toEqual([2])
  })

  it("the example chat runs against the dev server", async () => {
    const example = fileURLToPath(new URL("../../examples/chat.js", import.meta.url))
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [example], { timeout: 20_000, env: { ...process.env, WEFT_SERVER: server } }, (error, stdout) =>
        error ? reject(error) : resolve(stdout))
    })
    expect(output).toContain("bob   <- hi bob!")
    expect(output).toContain("alice <- bye")
  })

  it("the admin port answers health, readiness and Prometheus metrics that count the traffic", async () => {
    expect(await (await fetch(`http://${admin}/healthz`)).text()).toBe("ok\n")
    expect((await fetch(`http://${admin}/readyz`)).status).toBe(200)
    const metrics = await (await fetch(`http://${admin}/metrics`)).text()
    expect(metrics).toMatch(/weft_commands_total\{[^}]*command="sendmessage"[^}]*status="OK"[^}]*\} [1-9]/)
    expect(metrics).toContain("weft_command_duration_seconds_bucket")
    // Connections are counted per listening port; actors live now, by type.
    expect(metrics).toMatch(new RegExp(`weft_connections\\{[^}]*transport="tcp"[^}]*port="${server.split(":")[1]}"`))
    expect(metrics).toMatch(/weft_actors\{[^}]*type="ChangeLog"[^}]*\} [1-9]/)
  })

  it("the server logs JSON lines, and a refused command's request id shows in the gateway's and the actor's lines", async () => {
    await client("ann", "send", "nobody-here", "hello")
    await new Promise((resolve) => setTimeout(resolve, 300))
    const lines = devOutput.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line))
    const gateway = lines.find((line) => line.annotations?.command === "sendmessage" && line.level === "INFO" &&
      JSON.stringify(line.message).includes("RECIPIENT_NOT_FOUND"))
    expect(gateway, "the gateway logged the refusal").toBeDefined()
    const requestId = gateway.annotations.requestId
    expect(requestId).toMatch(/^[0-9a-f]{8}[0-9a-z]+$/)
    const actor = lines.find((line) => line.annotations?.requestId === requestId && line.annotations?.actor === "Messenger")
    expect(actor, "the Messenger actor logged under the same request id").toBeDefined()
    // The refusal is counted under its status beside the successes, and the messages stored so
    // far are counted in bytes written to the logs.
    const metrics = await (await fetch(`http://${admin}/metrics`)).text()
    expect(metrics).toMatch(/weft_commands_total\{[^}]*command="sendmessage"[^}]*status="RECIPIENT_NOT_FOUND"[^}]*\} [1-9]/)
    expect(metrics).toMatch(/weft_commands_total\{[^}]*command="sendmessage"[^}]*status="OK"[^}]*\} [1-9]/)
    expect(metrics).toMatch(/weft_storage_written_bytes_total\{[^}]*operation="log_append"[^}]*\} [1-9]/)
    expect(metrics).not.toMatch(/weft_storage_written_bytes_total\{[^}]*operation="log_read"/)
  })

  it("--metrics off serves the same protocol and records nothing; a wrong value stops start-up", async () => {
    const quiet = spawn(process.execPath, [bin, "dev", "--port", "0", "--http-port", "0", "--admin-port", "0", "--metrics", "off"], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      const [tcp, adminAddress] = await new Promise<[string, string]>((resolve, reject) => {
        let out = ""
        const timer = setTimeout(() => reject(new Error(`weft dev did not start: ${out}`)), 15_000)
        quiet.stdout!.on("data", (chunk) => {
          out += chunk
          const match = /long connections \(TCP\) on (\S+:\d+)/.exec(out)
          const adminMatch = /admin \(.*\) on (\S+:\d+)/.exec(out)
          if (match && adminMatch) {
            clearTimeout(timer)
            resolve([match[1]!, adminMatch[1]!])
          }
        })
      })
      const run = (...args: Array<string>) => weft("client", "--server", tcp, "--user", "quinn", "--password", "pass-word", ...args)
      expect((await run("register")).code).toBe(0)
      const sent = await run("send", "quinn", "note to self")
      expect(sent.lines[0]).toMatchObject({ seq: 1, duplicate: false })
      const metrics = await (await fetch(`http://${adminAddress}/metrics`)).text()
      expect(metrics).not.toMatch(/weft_commands_total\{[^}]*command="sendmessage"/)
    } finally {
      quiet.kill("SIGINT")
    }
    const wrong = await weft("dev", "--port", "0", "--metrics", "maybe")
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toContain("--metrics must be on or off")
    const headroom = await weft("dev", "--port", "0", "--gc-headroom-mb", "lots")
    expect(headroom.code).not.toBe(0)
    expect(headroom.stderr).toContain('--gc-headroom-mb must be a number of megabytes from 0')
  })

  it("errors exit non-zero with a clear message", async () => {
    const wrong = await weft("client", "--server", server, "--user", "ann", "--password", "bad-password", "sync")
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain("WRONG_CREDENTIALS")

    const missing = await client("ann", "send", "nobody-at-all", "hello")
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("RECIPIENT_NOT_FOUND")

    const usage = await weft("client", "--server", "no-port", "--user", "ann", "--password", "x", "sync")
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain("--server must be HOST:PORT")

    const badPort = await weft("dev", "--port", "99999")
    expect(badPort.code).toBe(2)
    expect(badPort.stderr).toContain("--port must be a port number")

    // Clustered roles: a wrong setting stops start-up naming where it came from.
    const gatewayPort = await weft("gateway", "--port", "9300,abc")
    expect(gatewayPort.code).toBe(2)
    expect(gatewayPort.stderr).toContain('--port must be a port number 0..65535, got "abc"')
    const fromEnv = await new Promise<Run>((resolve) =>
      execFile(process.execPath, [bin, "runner"], { env: { ...process.env, WEFT_REDIS: "localhost:6379" } }, (error, _out, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, lines: [], stderr })))
    expect(fromEnv.code).toBe(2)
    expect(fromEnv.stderr).toContain("WEFT_REDIS must be a redis:// URL")
    const config = join(mkdtempSync(join(tmpdir(), "weft-config-")), "weft.json")
    writeFileSync(config, JSON.stringify({ redis: "redis://127.0.0.1:1", "runner-port": 99999 }))
    const fromFile = await weft("runner", "--config", config)
    expect(fromFile.code).toBe(2)
    expect(fromFile.stderr).toContain(`${config}: runner-port must be a port number`)
    writeFileSync(config, JSON.stringify({ redis: "redis://127.0.0.1:1", colour: "blue" }))
    expect((await weft("runner", "--config", config)).stderr).toContain('unknown setting "colour"')
    const noRedis = await weft("runner", "--redis", "redis://127.0.0.1:1", "--runner-port", "0", "--cluster-secret", "s".repeat(32))
    expect(noRedis.code).toBe(1)
    expect(noRedis.stderr).toContain("weft runner: cannot start")

    const down = await weft("client", "--server", "127.0.0.1:1", "--user", "ann", "--password", "x", "sync")
    expect(down.code).toBe(1)
    expect(down.stderr).toContain("ECONNREFUSED")
  })
})
