// Child process of GcHeadroom.test.ts: node --expose-gc --heap-growing-percent=10 <this> <headroomMb>.
// V8 held to its smallest growing factor (a weft server's case), ~16 MB kept alive, then ~60 MB
// promoted in bounded steps and dropped again: prints how many full collections ran meanwhile.
import { PerformanceObserver, constants } from "node:perf_hooks"
import { getHeapSpaceStatistics } from "node:v8"

const { keepGcHeadroom } = await import(process.env.GC_HEADROOM_MODULE)
const headroomMb = Number(process.argv[2])
keepGcHeadroom(headroomMb)

const oldUsed = () => getHeapSpaceStatistics().filter((s) => !s.space_name.startsWith("new")).reduce((sum, s) => sum + s.space_used_size, 0)
const kept = []
for (let i = 0; i < 250_000; i++) kept.push({ id: i, name: `user-${i}`, seqs: [i, i + 1] })
globalThis.gc() // a full collection: the headroom (if any) is set from the live heap after it
await new Promise((resolve) => setTimeout(resolve, 20))

let full = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++
}).observe({ entryTypes: ["gc"] })
const start = oldUsed()
const ring = []
for (let step = 0; step < 4_000 && oldUsed() - start < 60 * 1024 * 1024; step++) {
  // Survives a few scavenges (promoted), then dies in the old generation: a server's in-flight state.
  const batch = []
  for (let k = 0; k < 2_000; k++) batch.push({ step, k, text: `m${step}.${k}` })
  ring.push(batch)
  if (ring.length > 50) ring.shift()
  await new Promise((resolve) => setImmediate(resolve))
}
console.log(JSON.stringify({ full, grewMb: Math.round((oldUsed() - start) / 1048576), liveMb: Math.round(start / 1048576) }))
