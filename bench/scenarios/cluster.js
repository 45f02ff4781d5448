/**
 * The 1:1 scenario on weft's local cluster (dist/cli/localCluster.js: Redis with append-only
 * fsync-always persistence, two runners, two gateways, all separate processes; senders on
 * gateway 1, receivers on gateway 2): its peak (closed loop) and latency at constant offered
 * rates — 50% of dev mode's peak (the comparison the issue asks for) and 50% of its own peak.
 * Dev mode's peak comes from the options (`devPeak`, as bench/run.js passes it) or is measured
 * here first.
 */
import { run as oneToOne, tables as oneToOneTables } from "./one-to-one.js"

export const run = async (options = {}) => {
  const { devPeak, levels = [16, 64], ...rest } = options
  const common = { scenario: "1:1 cluster", levels, loads: [0.5], ownLoads: [0.5], openPairs: 32, ...rest }
  if (devPeak !== undefined) return oneToOne({ ...common, systems: ["weft cluster"], referencePeak: devPeak })
  return oneToOne({ ...common, systems: ["weft", "weft cluster"], openLoopFor: ["weft cluster"] })
}

export const tables = (rows) =>
  oneToOneTables(rows).map((table) => ({ ...table, title: table.title.replace("1:1 messages", "1:1 messages on the local cluster (2 runners, 2 gateways, Redis)") }))
