#!/usr/bin/env node
/** node bench/wire-cost.js — bytes and round trips for a login and one "hello". */
import { run } from "./scenarios/wire-cost.js"
console.table(await run())
