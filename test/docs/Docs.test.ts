/**
 * Every shell block of README.md and docs/*.md, run in order as a reader would paste them into
 * one terminal, against a fresh `weft dev` process per page (on free ports: the pages' 9300,
 * 9380 and 9390 are replaced by the real ones). A block fails the page when a command fails, when
 * the page shows output whose shape the real output does not have, or when the real output
 * carries an error status the page does not show. `npx weft` runs as `node bin/weft.js` (npm's
 * start-up would cost seconds per command); that `npx weft` is this repository's bin is checked
 * once, below.
 */
import { execFile } from "node:child_process"
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { startDevProcess, weftBin } from "../support/devProcess.ts"
import { devFlags, sameShape, type ShellBlock, shellBlocks } from "./markdown.ts"

const root = fileURLToPath(new URL("../..", import.meta.url))
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).sort().map((name) => `docs/${name}`)]

const run = (command: string, args: ReadonlyArray<string>, options: { cwd: string; env?: NodeJS.ProcessEnv; timeout: number }) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { ...options, env: { ...process.env, ...options.env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }))
  })

/** A scratch directory that looks like the repository (a reader's files land here, not in it). */
const workspace = () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-docs-"))
  for (const entry of ["bin", "dist", "examples", "node_modules", "proto"]) symlinkSync(join(root, entry), join(dir, entry))
  copyFileSync(join(root, "package.json"), join(dir, "package.json"))
  return dir
}

const marker = (index: number) => `@@docs-test block ${index}@@`

/** The JSON objects in a command's output, also when curl prints them with no newline between. */
const parseJsonLines = (text: string): Array<unknown> => {
  const values: Array<unknown> = []
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "{" || (i > 0 && text[i - 1] !== "\n" && text[i - 1] !== "}")) continue
    let depth = 0
    let inString = false
    for (let j = i; j < text.length; j++) {
      const c = text[j]
      if (inString) {
        if (c === "\\") j++
        else if (c === '"') inString = false
      } else if (c === '"') inString = true
      else if (c === "{") depth++
      else if (c === "}" && --depth === 0) {
        try {
          values.push(JSON.parse(text.slice(i, j + 1)))
          i = j
        } catch {
          // not JSON after all
        }
        break
      }
    }
  }
  return values
}

const statusOf = (value: unknown): string | undefined => {
  const code = (value as { base?: { code?: unknown } })?.base?.code
  return typeof code === "string" && code !== "" && code !== "OK" ? code : undefined
}

const describeBlock = (page: string, block: ShellBlock) => `${page}:${block.line}\n${block.script}`

describe("the documentation runs as written", () => {
  // Before the pages, not beside them: in a fresh clone `npx weft` runs the package's prepare
  // script (tsc), which may rewrite dist/ while the pages' commands load it from there (a page
  // then failed with "devices.commands is not iterable", a module read half-written). The build
  // is incremental, so a dist/ as new as the sources is left alone (and this takes 2 s, not 10).
  it("`npx weft` in the repository is this repository's weft command", async () => {
    const result = await run("npx", ["--no-install", "weft", "help"], { cwd: root, timeout: 60_000 })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^usage:\n {2}weft dev/)
  }, 90_000)

  // The pages run side by side (vitest's maxConcurrency), each against its own dev server and
  // in its own workspace: most of a page's time is spent waiting on its processes.
  it.concurrent.for(pages)("%s", async (page, { expect }) => {
    const blocks = shellBlocks(readFileSync(join(root, page), "utf8"))
    const runnable = blocks.filter((block) => block.skip === undefined)
    // The test talks to loopback only: a block naming another address must be marked skip.
    for (const block of runnable) {
      const elsewhere = (block.script.match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? []).filter((ip) => !ip.startsWith("127.") && ip !== "0.0.0.0")
      expect(elsewhere, `${describeBlock(page, block)}\nnames addresses off this machine: mark it <!-- docs-test: skip (...) -->`).toEqual([])
    }
    if (runnable.length === 0) return
    // A page about a server started with flags of its own (an admin token, a JWT key) says so.
    const flags = devFlags(readFileSync(join(root, page), "utf8"))
    const dev = await startDevProcess(undefined, flags)
    const dir = workspace()
    try {
      const port = (address: string) => address.split(":").pop()!
      const script = [
        "set -eo pipefail",
        // stderr through a pipe, as in a terminal: a page may `tee /dev/stderr`, which cannot
        // open the socket that a child process's stderr is here.
        "exec 2> >(cat >&2)",
        // What a block left running in the background (listen &) ends with the page, or with
        // the first failure.
        "trap 'jobs -p | xargs -r kill 2>/dev/null' EXIT",
        ...runnable.flatMap((block, index) => [
          `printf '\\n${marker(index)}\\n'; printf '\\n${marker(index)}\\n' >&2`,
          block.script
            .replaceAll("npx weft", `node ${JSON.stringify(weftBin)}`)
            .replace(/\b9300\b/g, port(dev.tcp))
            .replace(/\b9380\b/g, port(dev.http))
            .replace(/\b9390\b/g, port(dev.admin))
        ])
      ].join("\n")
      const result = await run("bash", ["-c", script], { cwd: dir, env: { WEFT_SERVER: dev.tcp }, timeout: 180_000 })
      const outputs = result.stdout.split(/^@@docs-test block \d+@@$/m).slice(1)
      const errors = result.stderr.split(/^@@docs-test block \d+@@$/m).slice(1)
      const reached = outputs.length - 1
      if (result.code !== 0) {
        const block = runnable[reached]!
        expect.fail(`a command failed (exit ${result.code}) in ${describeBlock(page, block)}\n--- stdout\n${outputs[reached]}\n--- stderr\n${errors[reached] ?? result.stderr}`)
      }
      expect(reached).toBe(runnable.length - 1)
      runnable.forEach((block, index) => {
        // A terminal shows both streams (and a page may `tee /dev/stderr`).
        const actual = [...parseJsonLines(outputs[index] ?? ""), ...parseJsonLines(errors[index] ?? "")]
        for (const shown of block.shown) {
          expect(
            actual.some((value) => sameShape(shown, value)),
            `${describeBlock(page, block)}\nshows ${JSON.stringify(shown)}\nbut printed\n${outputs[index]}`
          ).toBe(true)
        }
        for (const value of actual) {
          const status = statusOf(value)
          if (status === undefined) continue
          expect(
            block.shown.some((shown) => statusOf(shown) === status),
            `${describeBlock(page, block)}\nprinted an error the page does not show: ${JSON.stringify(value)}`
          ).toBe(true)
        }
      })
    } finally {
      await dev.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 240_000)
})
