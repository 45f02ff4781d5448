#!/usr/bin/env node
/** node bench/actor-path.js [--options '{"messages":20000,"rounds":3}'] [--json FILE] — the in-process cost of a 1:1 send through weft's actors. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/actor-path.js"

await runEntry({ name: "actor-path", run, tables, hardLimitMs: 120_000 })
