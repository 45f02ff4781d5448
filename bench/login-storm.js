#!/usr/bin/env node
/** node bench/login-storm.js [--options JSON] [--json FILE] — 10k resume-token logins, 200 password logins. */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/login-storm.js"

await runEntry({ name: "login-storm", run, tables, hardLimitMs: 240_000 })
