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

// Files that run servers as processes of their own (clustered mode: five or more processes;
// every documentation page: a weft dev each; the browser: chromium; the benchmarks: servers
// under load) run one at a time after the rest, so they never compete with other files for the
// two cores. The other files are servers in the test's own process and sockets on loopback:
// three of them run at once, as they spend most of their time waiting on timers, sockets and
// child processes (on 2 cores: 226 s with two at once, 191 s with three, every test passing).
const ownProcesses = ["test/cluster/**/*.test.ts", "test/docs/**/*.test.ts", "test/web/**/*.test.ts", "test/examples/**/*.test.ts", "test/bench/**/*.test.ts"]

const shared = {
  // The WebSocket client of Node 20 is behind a flag (on by default from Node 22).
  execArgv: process.versions.node.startsWith("20.") ? ["--experimental-websocket"] : [],
  // Tests marked concurrent (the documentation pages) run at most this many at once.
  maxConcurrency: 3,
  testTimeout: 60_000,
  hookTimeout: 60_000
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "in-process",
          include: ["test/**/*.test.ts"],
          exclude: ownProcesses,
          fileParallelism: true,
          maxWorkers: 3,
          sequence: { groupOrder: 0 }
        }
      },
      {
        test: {
          ...shared,
          name: "processes",
          include: ownProcesses,
          fileParallelism: false,
          sequence: { groupOrder: 1 }
        }
      }
    ]
  }
})
