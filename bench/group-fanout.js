#!/usr/bin/env node
/** node bench/group-fanout.js [--options JSON] [--json FILE] — one message to groups of 10, 100, 500. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/group-fanout.js"

await runEntry({ name: "group-fanout", run, tables, hardLimitMs: 240_000 })
