/** `weft dev` as a separate process on free loopback ports, as a person would start it. */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

export const weftBin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))

export interface DevProcess {
  /** host:port of each listener. */
  readonly tcp: string
  readonly http: string
  readonly admin: string
  readonly output: () => string
  readonly stop: () => Promise<void>
}

/** `args`: more flags of `weft dev`; `env`: more environment variables. */
export const startDevProcess = (cwd?: string, args: ReadonlyArray<string> = [], env: Record<string, string> = {}): Promise<DevProcess> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [weftBin, "dev", "--port", "0", "--http-port", "0", "--admin-port", "0", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      cwd,
      env: { ...process.env, ...env }
    })
    let out = ""
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT")
      await exited
    }
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`weft dev did not start: ${out}`))
    }, 15_000)
    const onData = (chunk: Buffer) => {
      out += chunk
      const tcp = /long connections \(TCP\) on (\S+:\d+)/.exec(out)?.[1]
      const http = /short connections .* on (\S+:\d+)/.exec(out)?.[1]
      const admin = /admin \(.*\) on (\S+:\d+)/.exec(out)?.[1]
      if (tcp && http && admin) {
        clearTimeout(timer)
        resolve({ tcp, http, admin, output: () => out, stop })
      }
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", (chunk) => (out += chunk))
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`weft dev exited with ${code}: ${out}`))
    })
  })
