#!/usr/bin/env node
/** node bench/wire-cost.js [--json FILE] — bytes and round trips for a login and one "hello". */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/wire-cost.js"

await runEntry({ name: "wire-cost", run, tables, hardLimitMs: 60_000 })
