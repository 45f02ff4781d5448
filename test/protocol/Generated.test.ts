import { execFile } from "node:child_process"
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { loadRoot, root } from "../../src/protocol/Proto.ts"

const repo = fileURLToPath(new URL("../../", import.meta.url))
const generator = join(repo, "scripts", "generate-proto.js")
const work = mkdtempSync(join(tmpdir(), "weft-generated-test-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** `node scripts/generate-proto.js ARGS`: its exit code and what it printed. */
const generate = (...args: Array<string>) =>
  promisify(execFile)(process.execPath, [generator, ...args], { cwd: repo }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (failure: { code: number; stdout: string; stderr: string }) => ({ code: failure.code, output: failure.stdout + failure.stderr })
  )

/** A copy of proto/ in which weft.v1.Kicked has one more field. */
const changedProto = () => {
  const dir = join(work, "proto")
  cpSync(join(repo, "proto"), dir, { recursive: true })
  const file = join(dir, "weft", "v1", "devices.proto")
  const text = readFileSync(file, "utf8")
  const changed = text.replace(/message Kicked \{\n/, "message Kicked {\n  string kicked_by = 14;\n")
  expect(changed).not.toBe(text)
  writeFileSync(file, changed)
  return dir
}

describe.concurrent("generated/ (types and schema generated from proto/)", () => {
  it("is what proto/ gives: the check passes on the committed files", async () => {
    const result = await generate("--check")
    expect(result.output).toContain("generated is up to date with proto")
    expect(result.code).toBe(0)
  })

  it("the check fails, naming the stale files and the command to run, once a .proto changes", async () => {
    const proto = changedProto()
    const stale = await generate("--check", "--proto", proto)
    expect(stale.code).toBe(1)
    expect(stale.output).toContain("generated/weft.js, generated/weft.d.ts")
    expect(stale.output).toContain("npm run generate")

    // Generating again puts the new field in the schema and in the types.
    const out = join(work, "generated")
    expect((await generate("--proto", proto, "--out", out)).code).toBe(0)
    expect(readFileSync(join(out, "weft.d.ts"), "utf8")).toMatch(/interface \$Properties \{[^}]*kickedBy\?: string;/)
    expect(readFileSync(join(out, "weft.js"), "utf8")).toContain(`"kickedBy"`)
    expect((await generate("--check", "--proto", proto, "--out", out)).code).toBe(0)
  })

  it("the schema the server runs on is the one parsed from proto/'s text", () => {
    expect(root.toJSON()).toEqual(loadRoot().toJSON())
  })
})
