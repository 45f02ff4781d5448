#!/usr/bin/env node
/** node bench/big-group.js [--options JSON] [--json FILE] — a 10k-member group, 1k online: write fan-out vs read diffusion. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/big-group.js"

await runEntry({ name: "big-group", run, tables, hardLimitMs: 280_000 })
