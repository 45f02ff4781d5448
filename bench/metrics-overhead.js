#!/usr/bin/env node
/** node bench/metrics-overhead.js [--options '{"rounds":8}'] [--json FILE] — the throughput cost of weft's metrics. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/metrics-overhead.js"

await runEntry({ name: "metrics-overhead", run, tables, hardLimitMs: 240_000 })
