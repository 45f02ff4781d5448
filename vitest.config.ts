import { defineConfig } from "vitest/config"

// vitest 5's reporter calls Map.groupBy (Node 21+); the machine's Node is 20. Without this,
// a failing test crashes the reporter instead of being reported.
if (typeof (Map as { groupBy?: unknown }).groupBy !== "function") {
  Object.defineProperty(Map, "groupBy", {
    value: <K, V>(items: Iterable<V>, key: (item: V, index: number) => K) => {
      const groups = new Map<K, Array<V>>()
      let index = 0
      for (const item of items) {
        const k = key(item, index++)
        const group = groups.get(k)
        if (group) group.push(item)
        else groups.set(k, [item])
      }
      return groups
    }
  })
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One file at a time: the clustered-mode tests run five server processes, and on a 2-core
    // machine they must not compete with the other files for the CPU.
    fileParallelism: false,
    // The WebSocket client of Node 20 is behind a flag (on by default from Node 22).
    execArgv: process.versions.node.startsWith("20.") ? ["--experimental-websocket"] : [],
    // Tests marked concurrent (the documentation pages) run at most this many at once.
    maxConcurrency: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
