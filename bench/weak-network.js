#!/usr/bin/env node
/** node bench/weak-network.js [--options JSON] [--json FILE] — the SDK on a shaped mobile-like link. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/weak-network.js"

await runEntry({ name: "weak-network", run, tables, hardLimitMs: 420_000 })
