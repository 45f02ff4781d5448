#!/usr/bin/env node
/**
 * The pre-step of `npm test`: the system programs the tests run, from Debian's packages.
 * Missing ones are installed when that is allowed (root and apt-get: `apt-get update` once, then
 * `apt-get install -y`); otherwise it stops at once and names the command to run.
 * Plain JavaScript, so it runs before anything is compiled.
 */
import { spawnSync } from "node:child_process"
import { accessSync, constants } from "node:fs"
import { delimiter, join } from "node:path"
import { pathToFileURL } from "node:url"

/** What the tests run, and the Debian package that brings it. */
export const programs = [
  { program: "redis-server", package: "redis-server", usedBy: "the Redis storage and cluster tests" },
  { program: "redis-cli", package: "redis-tools", usedBy: "the Redis Cluster tests" },
  { program: "chromium", package: "chromium", usedBy: "the browser tests", env: "CHROMIUM_PATH" },
  { program: "promtool", package: "prometheus", usedBy: "the metrics test (promtool check metrics)" },
  { program: "curl", package: "curl", usedBy: "the docs test (the docs' curl examples)" }
]

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The program's path on PATH (or in its environment variable), else undefined. */
export const findProgram = (name, env = process.env) => {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && isExecutable(join(dir, name))) return join(dir, name)
  }
  return undefined
}

const present = (entry, env) =>
  (entry.env !== undefined && env[entry.env] !== undefined && isExecutable(env[entry.env])) ||
  findProgram(entry.program, env) !== undefined

export const missingPrograms = (env = process.env) => programs.filter((entry) => !present(entry, env))

const installCommand = (packages, asRoot) =>
  `${asRoot ? "" : "sudo "}apt-get update && ${asRoot ? "" : "sudo "}apt-get install -y ${packages.join(" ")}`

/** Returns the exit code: 0 when every program is there (or was installed), 1 otherwise. */
export const ensurePrograms = ({ env = process.env, isRoot = process.getuid?.() === 0, log = console.error } = {}) => {
  const missing = missingPrograms(env)
  if (missing.length === 0) return 0
  const packages = [...new Set(missing.map((entry) => entry.package))]
  const list = missing.map((entry) => `${entry.program} (Debian package ${entry.package}; ${entry.usedBy})`).join("\n  ")
  const aptGet = findProgram("apt-get", env)
  if (!isRoot || aptGet === undefined) {
    log(`weft tests: missing system programs:\n  ${list}`)
    log(
      aptGet === undefined
        ? `No apt-get here: install them with your package manager (Debian: ${installCommand(packages, false)}), then run npm test again.`
        : `Install them, then run npm test again:\n  ${installCommand(packages, false)}`
    )
    return 1
  }
  log(`weft tests: installing ${packages.join(" ")} for:\n  ${list}`)
  const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" }
  for (const args of [["update"], ["install", "-y", ...packages]]) {
    const result = spawnSync(aptGet, args, { stdio: ["ignore", "inherit", "inherit"], env: aptEnv })
    if (result.status !== 0) {
      log(`weft tests: "apt-get ${args.join(" ")}" failed (${result.error?.message ?? `exit ${result.status}`}); run it by hand, then npm test again.`)
      return 1
    }
  }
  const still = missingPrograms(env)
  if (still.length > 0) {
    log(`weft tests: still missing after apt-get install: ${still.map((entry) => entry.program).join(", ")}`)
    return 1
  }
  return 0
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(ensurePrograms())
