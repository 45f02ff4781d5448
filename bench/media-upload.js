#!/usr/bin/env node
/**
 * node bench/media-upload.js [--options '{"megabytes":8,"runs":3}'] [--json FILE]
 * Media upload throughput in acknowledged 8 KB chunks: a long (TCP) connection vs the HTTP
 * short connection, and the bytes each chunk costs beyond its payload (framing, ids, acks).
 */
import { runEntry } from "./lib/entry.js"
import { run, tables } from "./scenarios/media-upload.js"

await runEntry({ name: "media-upload", run, tables, hardLimitMs: 300_000 })
