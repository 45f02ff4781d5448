/** Servers for benchmarks, each in its own process: weft dev mode, ... */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))

/** `weft dev` on free ports; resolves with its TCP and HTTP endpoints, its pid and a stop(). */
export const startDevServer = (extraArgs = []) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "dev", "--port", "0", "--http-port", "0", "--admin-port", "0", ...extraArgs], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    const timer = setTimeout(() => reject(new Error(`weft dev did not start: ${out}`)), 20_000)
    child.stdout.on("data", (chunk) => {
      out += chunk
      const tcp = /long connections \(TCP\) on ([\d.]+):(\d+)/.exec(out)
      const http = /short connections \(HTTP[^)]*\) on ([\d.]+):(\d+)/.exec(out)
      if (tcp && http) {
        clearTimeout(timer)
        resolve({
          host: tcp[1],
          port: Number(tcp[2]),
          httpPort: Number(http[2]),
          pid: child.pid,
          stop: () =>
            new Promise((done) => {
              child.once("exit", () => done())
              child.kill("SIGINT")
              setTimeout(() => child.kill("SIGKILL"), 3000).unref()
            })
        })
      }
    })
    child.once("exit", (code) => reject(new Error(`weft dev exited with ${code}: ${out}`)))
  })

export const progress = (line) => process.stderr.write(`bench: ${line}\n`)
