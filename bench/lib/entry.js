/**
 * The command-line shell every scenario shares: `node bench/<name>.js [--options JSON] [--json FILE]`
 * runs the scenario with a hard time limit, prints its tables on stdout and writes its rows as
 * JSON (to FILE, else bench/results/<name>-<timestamp>.json). The orchestrator (bench/run.js)
 * runs each scenario this way, as a child process.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { progress } from "./servers.js"
import { jsonReplacer } from "./stats.js"
import { formatTable } from "./table.js"

export const stamp = () => new Date().toISOString().replace(/[:.]/g, "-")

export const environment = () => ({
  node: process.version,
  platform: `${Os.type()} ${Os.release()} ${Os.arch()}`,
  cpus: Os.cpus().length,
  cpuModel: Os.cpus()[0]?.model,
  totalMemoryMB: Math.round(Os.totalmem() / 1048576)
})

export const printTables = (tables) => tables.map((t) => formatTable(t.title, t.columns, t.rows)).join("\n\n")

export const runEntry = async ({ name, run, tables, hardLimitMs }) => {
  const { values } = parseArgs({ options: { json: { type: "string" }, options: { type: "string" } }, strict: true })
  const options = values.options === undefined ? {} : JSON.parse(values.options)
  const hard = setTimeout(() => {
    progress(`${name}: hard time limit of ${hardLimitMs / 1000} s reached; stopping`)
    process.exit(2)
  }, hardLimitMs)
  hard.unref()
  const startedAt = new Date().toISOString()
  let rows
  try {
    rows = await run(options)
  } catch (error) {
    progress(`${name} failed: ${error?.stack ?? error}`)
    process.exit(1)
  }
  clearTimeout(hard)
  console.log(printTables(tables(rows)))
  const file = values.json ?? fileURLToPath(new URL(`../results/${name}-${stamp()}.json`, import.meta.url))
  if (values.json === undefined) mkdirSync(new URL("../results/", import.meta.url), { recursive: true })
  writeFileSync(file, JSON.stringify({ scenario: name, startedAt, finishedAt: new Date().toISOString(), environment: environment(), options, rows }, jsonReplacer, 2))
  if (values.json === undefined) progress(`${name}: results in ${file}`)
  // Sockets of closed clients may linger a moment; the work is done.
  process.exit(0)
}
