#!/usr/bin/env node
/** node bench/sync-catchup.js — time for a device that missed N changes to be fully synced. */
import { run } from "./scenarios/sync-catchup.js"
const rows = await run()
console.table(rows)
