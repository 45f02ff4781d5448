#!/usr/bin/env node
/**
 * node bench/heap-diff.js BEFORE.heapsnapshot AFTER.heapsnapshot [N] — what grew between two heap
 * snapshots of one process (e.g. the idle-connections bench with WEFT_MEMPROBE_SNAPSHOTS=<dir>:
 * before and after N connections): objects and self bytes by kind and constructor name, largest
 * growth first, and per connection when N is given.
 */
import { readFileSync } from "node:fs"

const [beforeFile, afterFile, perText] = process.argv.slice(2)
const per = Number(perText ?? 1)

const census = (file) => {
  const snapshot = JSON.parse(readFileSync(file, "utf8"))
  const meta = snapshot.snapshot.meta
  const fields = meta.node_fields
  const width = fields.length
  const typeAt = fields.indexOf("type")
  const nameAt = fields.indexOf("name")
  const sizeAt = fields.indexOf("self_size")
  const types = meta.node_types[typeAt]
  const nodes = snapshot.nodes
  const strings = snapshot.strings
  const byKey = new Map()
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]]
    const name = type === "object" || type === "closure" || type === "native" ? strings[nodes[i + nameAt]] : ""
    const key = `${type}${name ? ` ${name.slice(0, 60)}` : ""}`
    const entry = byKey.get(key) ?? { count: 0, bytes: 0 }
    entry.count++
    entry.bytes += nodes[i + sizeAt]
    byKey.set(key, entry)
  }
  return byKey
}

const before = census(beforeFile)
const after = census(afterFile)
const rows = []
let total = 0
for (const [key, a] of after) {
  const b = before.get(key) ?? { count: 0, bytes: 0 }
  const bytes = a.bytes - b.bytes
  total += bytes
  rows.push({ key, count: (a.count - b.count) / per, bytes: bytes / per })
}
rows.sort((x, y) => y.bytes - x.bytes)
console.log(`self bytes grown${per === 1 ? "" : " per connection"}: ${(total / per).toFixed(0)}`)
console.log("   bytes    objects  kind / constructor")
for (const row of rows.slice(0, 40)) console.log(`${row.bytes.toFixed(0).padStart(8)} ${row.count.toFixed(2).padStart(10)}  ${row.key}`)
