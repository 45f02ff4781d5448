/**
 * The pre-step of `npm test` (scripts/test-programs.js), run as a real process with a PATH on
 * which some programs are missing and a stand-in apt-get that records how it was called and
 * installs what it is asked for (empty executables), so the script's own check afterwards is real.
 */
import { spawnSync } from "node:child_process"
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"

const script = join(import.meta.dirname, "../../scripts/test-programs.js")
const allPrograms = ["redis-server", "redis-cli", "chromium", "promtool", "curl"]
const programOf: Record<string, string> = {
  "redis-server": "redis-server",
  "redis-tools": "redis-cli",
  chromium: "chromium",
  prometheus: "promtool",
  curl: "curl"
}

let dir = ""
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A PATH holding `present` (and apt-get unless told otherwise); the script copied beside it. */
const machine = (present: ReadonlyArray<string>, apt: "works" | "fails" | "absent" = "works") => {
  dir = mkdtempSync(join(tmpdir(), "weft-test-programs-"))
  chmodSync(dir, 0o755)
  const bin = join(dir, "bin")
  mkdirSync(bin)
  chmodSync(bin, 0o777)
  for (const program of present) writeFileSync(join(bin, program), "#!/bin/sh\nexit 0\n", { mode: 0o755 })
  const calls = join(dir, "apt-calls")
  if (apt !== "absent") {
    const installs = Object.entries(programOf)
      .map(([pkg, program]) => `      ${pkg}) printf '#!/bin/sh\\n' > "${bin}/${program}"; chmod 755 "${bin}/${program}" ;;`)
      .join("\n")
    writeFileSync(
      join(bin, "apt-get"),
      `#!/bin/sh
PATH=/usr/bin:/bin
echo "$*" >> "${calls}"
[ "$1" = install ] || exit 0
${apt === "fails" ? "exit 100" : ""}
shift
for pkg in "$@"; do
  case "$pkg" in
${installs}
  esac
done
`,
      { mode: 0o755 }
    )
  }
  writeFileSync(join(dir, "test-programs.js"), readFileSync(script), { mode: 0o644 })
  const run = (options: { uid?: number } = {}) => {
    const result = spawnSync(process.execPath, [join(dir, "test-programs.js")], {
      env: { PATH: bin },
      encoding: "utf8",
      timeout: 20_000,
      ...options
    })
    return {
      status: result.status,
      stderr: result.stderr,
      aptCalls: existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : []
    }
  }
  return { bin, run }
}

// Root (as CI and the Debian machines run it) is what lets the step install; run by anyone else, the
// tests of installing cannot run, and the refusal is tested as that user.
const isRoot = process.getuid?.() === 0

describe("npm test's pre-step", () => {
  it("does nothing, quietly, when every program is there", () => {
    const result = machine(allPrograms).run()
    expect(result).toEqual({ status: 0, stderr: "", aptCalls: [] })
  })

  it.runIf(isRoot)("as root: runs apt-get update once, then installs only the missing packages", () => {
    const m = machine(["redis-server", "redis-cli", "curl"])
    const result = m.run()
    expect(result.aptCalls).toEqual(["update", "install -y chromium prometheus"])
    expect(result.status).toBe(0)
    expect(existsSync(join(m.bin, "promtool"))).toBe(true)
    // A second run finds everything and calls apt-get no more.
    expect(m.run().aptCalls).toEqual(["update", "install -y chromium prometheus"])
  })

  it("not root: stops at once, installs nothing, and names the command to run", () => {
    // As root, the test runs the step as the user nobody.
    const result = machine(["redis-server", "redis-cli", "chromium", "curl"]).run(isRoot ? { uid: 65534 } : {})
    expect(result.status).toBe(1)
    expect(result.aptCalls).toEqual([])
    expect(result.stderr).toContain("promtool (Debian package prometheus")
    expect(result.stderr).toContain("sudo apt-get update && sudo apt-get install -y prometheus")
  })

  it.runIf(isRoot)("fails, naming the command, when apt-get install fails", () => {
    const result = machine(["redis-server", "redis-cli", "promtool", "curl"], "fails").run()
    expect(result.status).toBe(1)
    expect(result.aptCalls).toEqual(["update", "install -y chromium"])
    expect(result.stderr).toContain(`"apt-get install -y chromium" failed`)
  })

  it("without apt-get: stops and names the Debian command", () => {
    const result = machine(["redis-server", "redis-cli", "promtool", "chromium"], "absent").run()
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("No apt-get here")
    expect(result.stderr).toContain("apt-get install -y curl")
  })
})
