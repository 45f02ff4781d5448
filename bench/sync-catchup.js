#!/usr/bin/env node
/** node bench/sync-catchup.js [--options '{"sizes":[1000,10000,30000]}'] [--json FILE] — time for a device that missed N changes to be fully synced. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/sync-catchup.js"

await runEntry({ name: "sync-catchup", run, tables, hardLimitMs: 180_000 })
