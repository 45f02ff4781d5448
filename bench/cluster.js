#!/usr/bin/env node
/** node bench/cluster.js [--options '{"devPeak":1500}'] [--json FILE] — 1:1 on the local cluster. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/cluster.js"

await runEntry({ name: "cluster", run, tables, hardLimitMs: 600_000 })
