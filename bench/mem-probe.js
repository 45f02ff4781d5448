/**
 * Preloaded (node --import) into each server the idle-connections bench measures, weft's and the
 * raw baseline alike, so both carry the same extra code. It changes nothing in the server:
 *
 * - on SIGUSR2 it runs a full garbage collection (when started with --expose-gc) and prints one
 *   line `MEMPROBE {json}` to stderr with process.memoryUsage(), so the bench reads the live
 *   heap beside the RSS it takes from /proc/<pid>/status (it never throws: a server out of
 *   descriptors still answers, with the heap figures only);
 * - it exits the server if the bench that started it goes away (WEFT_BENCH_PARENT_PID), so a
 *   bench killed with SIGKILL leaves no server behind.
 */
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from "node:v8"

// With WEFT_MEMPROBE_SNAPSHOTS=<dir>, every probe also writes a heap snapshot there (heap-1, -2,
// ...), to see what each connection holds: bench/heap-diff.js compares two of them.
const snapshotDir = process.env.WEFT_MEMPROBE_SNAPSHOTS
let snapshots = 0

process.on("SIGUSR2", () => {
  const gc = globalThis.gc
  const collected = typeof gc === "function"
  if (collected) {
    // Twice: the first pass can leave objects whose finalizers free more on the second.
    gc()
    gc()
  }
  let usage
  try {
    usage = process.memoryUsage()
  } catch (error) {
    // memoryUsage() opens /proc/self/stat for the RSS and throws when the server is out of
    // descriptors (EMFILE); the heap figures need no descriptor.
    const heap = getHeapStatistics()
    usage = {
      heapUsed: heap.used_heap_size,
      heapTotal: heap.total_heap_size,
      external: heap.external_memory,
      error: String(error?.code ?? error)
    }
  }
  // Where the committed heap is (new space, old space, large objects): KB committed and used.
  usage.spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((space) => [space.space_name, [space.space_size >> 10, space.space_used_size >> 10]])
  )
  if (snapshotDir !== undefined) writeHeapSnapshot(`${snapshotDir}/heap-${++snapshots}.heapsnapshot`)
  try {
    process.stderr.write(`MEMPROBE ${JSON.stringify({ gc: collected, ...usage })}\n`)
  } catch {}
})

const parentPid = Number(process.env.WEFT_BENCH_PARENT_PID ?? "")
if (Number.isInteger(parentPid) && parentPid > 0) {
  const watch = setInterval(() => {
    if (process.ppid !== parentPid) process.exit(3)
  }, 1000)
  watch.unref()
}
