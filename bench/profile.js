#!/usr/bin/env node
/** node bench/profile.js [--options '{"senders":32,"seconds":8}'] [--json FILE] — CPU profile of weft dev under the 1:1 load. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/profile.js"

await runEntry({ name: "profile", run, tables, hardLimitMs: 120_000 })
