#!/usr/bin/env node
/**
 * Generates weft's schema module from proto/ with protobufjs-cli (`pbjs -t json-module --dts`):
 *   generated/weft.js    the schema as a protobufjs reflection root (no .proto parsing at start-up)
 *   generated/weft.d.ts  TypeScript declarations of every message and enum, with proto/'s comments
 * src/protocol/Proto.ts builds its codecs and types on both. The files are committed; `--check`
 * (run by test/protocol/Generated.test.ts, so by `npm test`) fails when proto/ changed and this
 * script was not run again.
 *
 *   node scripts/generate-proto.js            write generated/
 *   node scripts/generate-proto.js --check    exit 1, naming what is stale, if generated/ is not what proto/ gives
 *   --proto DIR / --out DIR                   other folders (the test checks a changed copy of proto/)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { pbjs } from "protobufjs-cli"

const repo = fileURLToPath(new URL("..", import.meta.url))

/** Where each output comes from; the options are explained in docs/framework.md (generated types). */
export const pbjsOptions = [
  "--target", "json-module", "--wrap", "esm", "--dts",
  // Its own entry in protobuf.roots, so an application's generated root can't collide with it.
  "--root", "weft",
  // 64-bit integers are numbers (Proto.ts decodes with longs: Number); fields with presence
  // (oneof members, proto3 `optional`) are typed nullable; proto/'s comments become the docs.
  "--force-number", "--null-semantics", "--alt-comment",
  // Declarations for the shapes only: the codecs are the reflection root's (Proto.ts).
  "--no-create", "--no-encode", "--no-decode", "--no-verify", "--no-convert", "--no-delimited",
  "--no-typeurl", "--no-service"
]

const outputs = ["weft.js", "weft.d.ts"]

/** The generated files' text, by name, for the .proto files under `protoDir`/weft/v1. */
export const generate = async (protoDir) => {
  const sourceDir = join(protoDir, "weft", "v1")
  const files = readdirSync(sourceDir).filter((name) => name.endsWith(".proto")).sort().map((name) => join(sourceDir, name))
  const work = mkdtempSync(join(tmpdir(), "weft-proto-"))
  try {
    await new Promise((resolve, reject) => {
      pbjs.main([...pbjsOptions, "--path", protoDir, "--out", join(work, "weft.js"), ...files], (error) => error ? reject(error) : resolve())
    })
    return Object.fromEntries(outputs.map((name) => [name, readFileSync(join(work, name), "utf8")]))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

const readOrEmpty = (path) => {
  try {
    return readFileSync(path, "utf8")
  } catch {
    return ""
  }
}

const main = async () => {
  const { values } = parseArgs({
    options: { check: { type: "boolean" }, proto: { type: "string" }, out: { type: "string" } }
  })
  const protoDir = values.proto ?? join(repo, "proto")
  const outDir = values.out ?? join(repo, "generated")
  const fresh = await generate(protoDir)
  if (values.check) {
    const stale = outputs.filter((name) => readOrEmpty(join(outDir, name)) !== fresh[name])
    if (stale.length > 0) {
      const where = stale.map((name) => relative(process.cwd(), join(outDir, name))).join(", ")
      console.error(`${where}: not what ${relative(process.cwd(), protoDir) || "."} gives; run: npm run generate`)
      process.exit(1)
    }
    console.log(`${relative(process.cwd(), outDir) || "."} is up to date with ${relative(process.cwd(), protoDir) || "."}`)
    return
  }
  mkdirSync(outDir, { recursive: true })
  for (const name of outputs) writeFileSync(join(outDir, name), fresh[name])
  console.log(`wrote ${outputs.map((name) => relative(process.cwd(), join(outDir, name))).join(", ")}`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
