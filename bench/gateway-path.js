#!/usr/bin/env node
/** node bench/gateway-path.js [--options '{"pairs":16,"batch":5000,"rounds":12}'] — the server's 1:1 path in one process, no sockets; metrics on vs off. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/gateway-path.js"

await runEntry({ name: "gateway-path", run, tables, hardLimitMs: 300_000 })
