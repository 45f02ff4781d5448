#!/usr/bin/env node
/**
 * node bench/one-to-one.js [--options '{"levels":[8,32],"openSeconds":3}'] [--json FILE]
 * 1:1 messages: peak (closed loop) and latency at constant offered rates, weft vs the baselines.
 */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/one-to-one.js"

await runEntry({ name: "one-to-one", run, tables, hardLimitMs: 300_000 })
