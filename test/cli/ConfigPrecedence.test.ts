/**
 * README, "Configuration": "flags, else `WEFT_<FLAG>` environment variables, else a JSON file
 * given with `--config`". Cli.test.ts checks that a wrong value from each place names it; this
 * checks which place wins when a setting is given in more than one, through the function the
 * runner and the gateway read their settings with, and with `weft runner` itself: a wrong value
 * in a place that loses stops nothing.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"
import { readSettings } from "../../src/cli/config.ts"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))

const configFile = (settings: object) => {
  const path = join(mkdtempSync(join(tmpdir(), "weft-precedence-")), "weft.json")
  writeFileSync(path, JSON.stringify(settings))
  return path
}

const saved = process.env["WEFT_SHARDS"]
afterEach(() => {
  if (saved === undefined) delete process.env["WEFT_SHARDS"]
  else process.env["WEFT_SHARDS"] = saved
})

describe("where a setting comes from", () => {
  it("a flag wins over the environment, which wins over the config file", () => {
    const config = configFile({ shards: "30" })
    process.env["WEFT_SHARDS"] = "20"
    expect(readSettings(["--config", config, "--shards", "10"], ["shards"])("shards")).toEqual({ value: "10", origin: "--shards" })
    expect(readSettings(["--config", config], ["shards"])("shards")).toEqual({ value: "20", origin: "WEFT_SHARDS" })
    delete process.env["WEFT_SHARDS"]
    expect(readSettings(["--config", config], ["shards"])("shards")).toEqual({ value: "30", origin: `${config}: shards` })
    expect(readSettings([], ["shards"])("shards")).toBeUndefined()
  })

  it("weft runner: a wrong port in the file or the environment is overridden by a good flag, not reported", async () => {
    const config = configFile({ "runner-port": "99999" })
    const run = (args: ReadonlyArray<string>, env: Record<string, string>) =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(process.execPath, [bin, "runner", ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (error, _out, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stderr })))
    // The losing places hold a wrong port; the flag's is good, so start-up gets as far as the
    // cluster secret (none given), which it refuses with exit code 2 naming the secret instead.
    const flagWins = await run(["--config", config, "--runner-port", "0"], { WEFT_RUNNER_PORT: "abc", WEFT_CLUSTER_SECRET: "" })
    expect(flagWins.stderr).not.toContain("port")
    expect(flagWins.stderr).toContain("WEFT_CLUSTER_SECRET")
    expect(flagWins.code).toBe(2)
    // Without the flag, the environment's wrong value is the one named, not the file's.
    const envWins = await run(["--config", config], { WEFT_RUNNER_PORT: "abc", WEFT_CLUSTER_SECRET: "" })
    expect(envWins.code).toBe(2)
    expect(envWins.stderr).toContain('WEFT_RUNNER_PORT must be a port number 0..65535, got "abc"')
  }, 60_000)
})
