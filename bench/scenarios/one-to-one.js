/**
 * 1:1 messages, weft against the two baselines in the same run.
 *
 * 1. Peak: a closed loop — N senders, each sending its next message when the last one is
 *    acknowledged, each to its own receiver — at a few N (stopping when more senders stop
 *    helping). The peak is the most messages delivered (pushed to the receiver) per second.
 * 2. Open loop: constant offered rates (a share of weft's peak, the same rates for every system),
 *    scheduled on a timer, never waiting for acknowledgements. Latency runs from the *scheduled*
 *    send time to the push arriving at the receiver (one process, one clock), so a stalled server
 *    can't hide its queue (no coordinated omission); a message not delivered by the end of the
 *    drain counts as infinitely late.
 *
 * Senders and receivers live in this process (the load generator); the server is a child process.
 */
import { performance } from "node:perf_hooks"
import { cpuTimesMs, machineTicks, progress, syscallsOf } from "../lib/servers.js"
import { pool, round, sleep, summarize, until } from "../lib/stats.js"
import { systems as known } from "../lib/systems.js"

const TEXT = "hello"

/** The server processes' CPU time (ms): all of it and the kernel's part, one read of /proc per process. */
const cpuOf = (pids) => {
  let all = 0
  let kernel = 0
  for (const pid of pids) {
    const times = cpuTimesMs(pid)
    if (times === undefined) continue
    all += times.user + times.kernel
    kernel += times.kernel
  }
  return { all, kernel }
}
const syscallsAll = (pids) => pids.reduce((sum, pid) => sum + (syscallsOf(pid) ?? 0), 0)
const ownCpu = () => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/**
 * Measures CPU (server processes and this one) across `work`, as % of one core; of the servers'
 * CPU, the part spent in the kernel (socket reads and writes, wake-ups: on loopback a write also
 * runs the receiving side's TCP), and their read and write system calls per second. And the
 * share of all the machine's CPU time that the hypervisor gave to something else (steal): a row
 * measured while the machine was taken from us says so.
 */
export const withCpu = async (pids, work) => {
  const server0 = cpuOf(pids)
  const syscalls0 = syscallsAll(pids)
  const own0 = ownCpu()
  const machine0 = machineTicks()
  const t0 = performance.now()
  const result = await work()
  const elapsed = performance.now() - t0
  const server1 = cpuOf(pids)
  const machine1 = machineTicks()
  const machineAll = machine0 === undefined || machine1 === undefined ? 0 : machine1.all - machine0.all
  return {
    result,
    serverCpuPct: Math.round(((server1.all - server0.all) / elapsed) * 100),
    serverKernelPct: Math.round(((server1.kernel - server0.kernel) / elapsed) * 100),
    serverSyscallsPerSecond: Math.round(((syscallsAll(pids) - syscalls0) / elapsed) * 1000),
    loadgenCpuPct: Math.round(((ownCpu() - own0) / elapsed) * 100),
    ...(machineAll > 0 ? { machineStealPct: Math.round(((machine1.steal - machine0.steal) / machineAll) * 1000) / 10 } : {})
  }
}

/**
 * Waits (5 s at most) until the servers are quiet — under 15% of a core over 100 ms — so that a
 * server still working off an overloaded run's backlog does not take the CPU from the next
 * system's run (the systems take turns).
 */
export const settle = async (pids) => {
  const deadline = performance.now() + 5000
  while (performance.now() < deadline) {
    const before = cpuOf(pids).all
    const t0 = performance.now()
    await sleep(100)
    if ((cpuOf(pids).all - before) / (performance.now() - t0) < 0.15) return
  }
}

/** A row's server CPU per delivered message (µs), all of it and the kernel's part, and its system calls per message. */
export const perMessage = (row) => {
  const rate = row.deliveredPerSecond
  if (!rate) return {}
  return {
    serverCpuUsPerMessage: Math.round((row.serverCpuPct * 10_000) / rate),
    serverKernelUsPerMessage: Math.round((row.serverKernelPct * 10_000) / rate),
    serverSyscallsPerMessage: Math.round((row.serverSyscallsPerSecond / rate) * 100) / 100
  }
}

let runTag = 0
const nextTag = () => `${process.pid.toString(36)}${(runTag++).toString(36)}.`

/** Connects pairs [from, to) of sender/receiver users. */
export const connectPairs = async (system, server, pairs, from, to, prefix) => {
  const users = []
  for (let i = from; i < to; i++) users.push(`${prefix}s${i}`, `${prefix}r${i}`)
  await system.prepare(server, users)
  // A few at a time: a password login costs a scrypt, and a storm of them on a loaded machine
  // outlasts the server's 5 s actor-call timeout.
  const created = new Array(to - from)
  await pool(to - from, 4, async (k) => {
    const i = from + k
    const receiver = await system.connect(server, `${prefix}r${i}`, "receiver")
    const sender = await system.connect(server, `${prefix}s${i}`, "sender")
    created[k] = { sender, receiver, to: `${prefix}r${i}` }
  })
  pairs.push(...created)
}

export const closedLoop = async (pairs, senders, { warmupSeconds, seconds }) => {
  let running = true
  let counting = false
  let delivered = 0
  let errors = 0
  let inFlight = 0
  const acks = []
  const tag = nextTag()
  for (const pair of pairs) pair.receiver.onMessage = () => counting && delivered++
  const loop = (pair, lane) => {
    let k = 0
    const next = () => {
      if (!running) return inFlight--
      const started = performance.now()
      pair.sender.send(pair.to, TEXT, `${tag}${lane}.${k++}`, (error) => {
        if (error) errors++
        if (counting) acks.push(performance.now() - started)
        next()
      })
    }
    inFlight++
    next()
  }
  for (let i = 0; i < senders; i++) loop(pairs[i], i)
  await sleep(warmupSeconds * 1000)
  counting = true
  const t0 = performance.now()
  await sleep(seconds * 1000)
  counting = false
  const elapsed = (performance.now() - t0) / 1000
  running = false
  await until(() => inFlight === 0, 15_000, "closed loop: outstanding acknowledgements")
  const ack = summarize(acks)
  return { deliveredPerSecond: Math.round(delivered / elapsed), ackedPerSecond: Math.round(acks.length / elapsed), ackP50Ms: ack.p50, ackP99Ms: ack.p99, errors }
}

export const openLoop = async (pairs, rate, { warmupSeconds, seconds, drainMs }) => {
  const total = Math.ceil(rate * (warmupSeconds + seconds))
  const firstMeasured = Math.ceil(rate * warmupSeconds)
  const interval = 1000 / rate
  const latency = new Float64Array(total).fill(NaN)
  // How late each message left (actual send - scheduled): latency minus it leaves out the load
  // generator's own lateness.
  const sentLate = new Float64Array(total)
  const ackLatency = []
  const tag = nextTag()
  let errors = 0
  let deliveredMeasured = 0
  let arrivalsInWindow = 0
  const start = performance.now() + 20
  const windowStart = start + warmupSeconds * 1000
  const windowEnd = windowStart + seconds * 1000
  const onMessage = (id) => {
    if (!id.startsWith(tag)) return
    const i = Number(id.slice(tag.length))
    if (!(latency[i] !== latency[i])) return // already seen (NaN is the only value not equal to itself)
    const now = performance.now()
    latency[i] = now - (start + i * interval)
    if (i >= firstMeasured) deliveredMeasured++
    if (now >= windowStart && now < windowEnd) arrivalsInWindow++
  }
  for (const pair of pairs) pair.receiver.onMessage = onMessage
  let next = 0
  let lagMax = 0
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now()
      while (next < total && start + next * interval <= now) {
        const i = next++
        const scheduled = start + i * interval
        if (i >= firstMeasured) lagMax = Math.max(lagMax, now - scheduled)
        sentLate[i] = now - scheduled
        const pair = pairs[i % pairs.length]
        pair.sender.send(pair.to, TEXT, `${tag}${i}`, (error) => {
          if (error) errors++
          if (i >= firstMeasured) ackLatency.push(performance.now() - scheduled)
        })
      }
      if (next < total) setTimeout(tick, 1)
      else resolve()
    }
    setTimeout(tick, Math.max(0, start - performance.now()))
  })
  const measured = total - firstMeasured
  try {
    await until(() => deliveredMeasured >= measured, drainMs, "drain", 10)
  } catch {}
  const samples = []
  const sendSamples = []
  for (let i = firstMeasured; i < total; i++) {
    if (latency[i] !== latency[i]) continue // not delivered
    samples.push(latency[i])
    sendSamples.push(latency[i] - sentLate[i])
  }
  const stats = summarize(samples, measured - samples.length)
  const sendStats = summarize(sendSamples, measured - sendSamples.length)
  const ack = summarize(ackLatency, measured - ackLatency.length)
  return {
    offeredPerSecond: Math.round(rate),
    deliveredPerSecond: Math.round(arrivalsInWindow / seconds),
    p50Ms: stats.p50,
    p99Ms: stats.p99,
    p999Ms: stats.p999,
    maxMs: stats.max,
    p99FromSendMs: sendStats.p99,
    ackP99Ms: ack.p99,
    undelivered: measured - samples.length,
    errors,
    sendLagMaxMs: round(lagMax)
  }
}

/**
 * options: systems (names in lib/systems.js), levels (closed-loop sender counts), loads (shares
 * of the reference peak), referencePeak (default: the first system's peak), ownLoads (shares of
 * each system's own peak), referenceName (how the reference peak is called in the rows), openPairs,
 * warmupSeconds, peakSeconds, openSeconds, drainMs, openLoopFor (names of the systems that get
 * the open loop; default all), repeatShares and repeats (the open loop at these shares runs
 * `repeats` times, each run a row with its round: one run's p99 on a shared 2-core machine can
 * be one stall of the machine; the summary takes their median and shows every run).
 *
 * Every system's server is up for the whole run and the systems take turns: at each sender count
 * of the peak search, and at each offered rate and round of the open loop, every system runs
 * once before any runs again, the order flipping each turn. So a comparison between systems is
 * between runs seconds apart: a shared machine that slows down for a minute slows every system's
 * rows of that minute, not one system's. Each row has `startedAt` (ms since the run began).
 */
export const run = async (options = {}) => {
  const {
    systems = ["weft", "net relay", "socket.io relay"],
    levels = [4, 16, 64],
    loads = [0.25, 0.5, 1],
    ownLoads = [],
    openPairs = 32,
    warmupSeconds = 1,
    peakSeconds = 3,
    openSeconds = 5,
    drainMs = 5000,
    scenario = "1:1",
    referenceName = "weft dev peak",
    openLoopFor,
    repeatShares = [0.5],
    repeats = 3
  } = options
  let referencePeak = options.referencePeak
  const entries = systems.map((name) => {
    const system = known[name] ?? options.extraSystems?.[name]
    if (system === undefined) throw new Error(`unknown system ${name}`)
    return { name, system, server: undefined, pairs: [], best: undefined, searching: true, prefix: `p${process.pid.toString(36)}${name.replace(/[^a-z]/g, "").slice(0, 6)}` }
  })
  const began = performance.now()
  const rows = []
  /** Turn `turn`'s order: as given, then reversed, and so on. */
  const inTurn = (list, turn) => (turn % 2 === 0 ? list : [...list].reverse())
  const allPids = () => entries.flatMap((each) => each.server?.pids ?? [])
  const measure = async (each, work) => {
    await settle(allPids())
    const startedAt = Math.round(performance.now() - began)
    const { result, ...cpu } = await withCpu(each.server.pids, work)
    return { startedAt, ...result, ...cpu }
  }
  try {
    for (const each of entries) {
      progress(`${scenario}: starting ${each.name}`)
      each.server = await each.system.start()
    }
    for (const [turn, senders] of levels.entries()) {
      for (const each of inTurn(entries, turn)) {
        if (!each.searching) continue
        const { name, system, server, pairs, prefix } = each
        if (pairs.length < senders) {
          progress(`${scenario}: ${name}: connecting ${senders - pairs.length} more sender/receiver pairs`)
          await connectPairs(system, server, pairs, pairs.length, senders, prefix)
        }
        progress(`${scenario}: ${name}: closed loop, ${senders} senders, ${peakSeconds} s`)
        const measured = await measure(each, () => closedLoop(pairs, senders, { warmupSeconds, seconds: peakSeconds }))
        const row = { scenario, system: name, phase: "closed loop", senders, ...measured }
        Object.assign(row, perMessage(row))
        rows.push(row)
        progress(`${scenario}: ${name}: ${senders} senders: ${row.deliveredPerSecond} delivered/s, ack p50 ${row.ackP50Ms} ms, server CPU ${row.serverCpuPct}%`)
        const improved = each.best === undefined || row.deliveredPerSecond > each.best.deliveredPerSecond * 1.1
        if (each.best === undefined || row.deliveredPerSecond > each.best.deliveredPerSecond) each.best = row
        if (!improved) each.searching = false
      }
    }
    for (const each of entries) if (each.best !== undefined) each.best.peak = true
    if (referencePeak === undefined) referencePeak = entries[0]?.best?.deliveredPerSecond
    const open = entries.filter((each) => openLoopFor === undefined || openLoopFor.includes(each.name))
    for (const each of open) {
      if (each.pairs.length < openPairs) await connectPairs(each.system, each.server, each.pairs, each.pairs.length, openPairs, each.prefix)
      // Lowest rate first: an overloaded phase leaves a backlog that would spoil the next one.
      each.rates = [
        ...loads.map((load) => ({ load: `${Math.round(load * 100)}% of ${referenceName}`, share: load, rate: load * referencePeak })),
        ...ownLoads.map((load) => ({ load: `${Math.round(load * 100)}% of own peak`, share: load, rate: load * each.best.deliveredPerSecond }))
      ].sort((a, b) => a.rate - b.rate)
    }
    let turn = 0
    const steps = Math.max(0, ...open.map((each) => each.rates.length))
    for (let step = 0; step < steps; step++) {
      const roundsOf = (each) => (repeatShares.includes(each.rates[step]?.share) ? repeats : 1)
      const rounds = Math.max(...open.map(roundsOf))
      for (let round = 1; round <= rounds; round++, turn++) {
        for (const each of inTurn(open, turn)) {
          const at = each.rates[step]
          if (at === undefined || at.rate < 1 || round > roundsOf(each)) continue
          const { load, share, rate } = at
          const repeated = roundsOf(each) > 1
          progress(`${scenario}: ${each.name}: open loop at ${Math.round(rate)} msg/s (${load}), ${openSeconds} s${repeated ? `, run ${round} of ${roundsOf(each)}` : ""}`)
          const measured = await measure(each, () => openLoop(each.pairs.slice(0, openPairs), rate, { warmupSeconds, seconds: openSeconds, drainMs }))
          const row = { scenario, system: each.name, phase: "open loop", load, share, senders: openPairs, ...(repeated ? { round } : {}), ...measured }
          rows.push(Object.assign(row, perMessage(row)))
          progress(`${scenario}: ${each.name}: offered ${row.offeredPerSecond}/s, delivered ${row.deliveredPerSecond}/s, p50 ${row.p50Ms} p99 ${row.p99Ms} p999 ${row.p999Ms} ms`)
        }
      }
    }
  } finally {
    for (const each of entries) {
      for (const pair of each.pairs) {
        pair.sender.close()
        pair.receiver.close()
      }
    }
    await Promise.all(entries.map((each) => each.server?.stop()))
  }
  // The tables read best per system: the rows of one system together, in the order they ran.
  return systems.flatMap((name) => rows.filter((row) => row.system === name))
}

export const tables = (rows) => [
  {
    title: "1:1 messages — peak search (closed loop: each sender waits for its acknowledgement)",
    columns: [
      { key: "system", title: "system" },
      { key: "senders", title: "senders" },
      { title: "round", value: (row) => row.round ?? "" },
      { key: "deliveredPerSecond", title: "delivered/s" },
      { key: "ackP50Ms", title: "ack p50 ms" },
      { key: "ackP99Ms", title: "ack p99 ms" },
      { key: "errors", title: "errors" },
      { key: "serverCpuPct", title: "server CPU %" },
      { key: "serverCpuUsPerMessage", title: "server µs/msg" },
      { key: "serverKernelUsPerMessage", title: "of it kernel" },
      { key: "serverSyscallsPerMessage", title: "syscalls/msg" },
      { key: "loadgenCpuPct", title: "load gen CPU %" },
      { key: "machineStealPct", title: "steal %" },
      { title: "peak", value: (row) => (row.peak ? "<- peak" : "") }
    ],
    rows: rows.filter((row) => row.phase === "closed loop")
  },
  {
    title: "1:1 messages — open loop at constant offered rates (latency: scheduled send -> push at the recipient)",
    columns: [
      { key: "system", title: "system" },
      { key: "load", title: "offered load" },
      { title: "round", value: (row) => row.round ?? "" },
      { key: "offeredPerSecond", title: "offered/s" },
      { key: "deliveredPerSecond", title: "delivered/s" },
      { key: "p50Ms", title: "p50 ms" },
      { key: "p99Ms", title: "p99 ms" },
      { key: "p999Ms", title: "p99.9 ms" },
      { key: "maxMs", title: "max ms" },
      // The same p99 counted from when the load generator actually sent each message: the gap
      // between the two is the load generator's own lateness (it shares the two cores).
      { key: "p99FromSendMs", title: "p99 from send ms" },
      { key: "undelivered", title: "undelivered" },
      { key: "errors", title: "errors" },
      { key: "serverCpuPct", title: "server CPU %" },
      { key: "serverCpuUsPerMessage", title: "server µs/msg" },
      { key: "serverKernelUsPerMessage", title: "of it kernel" },
      { key: "serverSyscallsPerMessage", title: "syscalls/msg" },
      { key: "loadgenCpuPct", title: "load gen CPU %" },
      // How late the load generator itself sent its latest message: its own stalls count as
      // latency (scheduled send -> push), whatever the server did.
      { key: "sendLagMaxMs", title: "load gen late max ms" },
      // The machine's CPU time the hypervisor gave to others during the run (of both cores).
      { key: "machineStealPct", title: "steal %" }
    ],
    rows: rows.filter((row) => row.phase === "open loop")
  }
]
