#!/usr/bin/env node
/** node bench/multi-idc.js [--options JSON] [--json FILE] — cross-IDC vs same-IDC delivery, and replication lag. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/multi-idc.js"

await runEntry({ name: "multi-idc", run, tables, hardLimitMs: 240_000 })
