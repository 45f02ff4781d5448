/**
 * The live dashboard of the admin port: `GET /dashboard` is a page that polls
 * `GET /metrics.json` (this process and the peers listed in configuration) every second and
 * shows QPS and latency per command, status codes, connections, actor mailbox times, restarts,
 * storage latency, and the call topology drawn as a graph.
 */
import { Effect, Metric } from "effect"

export interface MetricPoint {
  readonly name: string
  readonly type: string
  readonly attributes: Record<string, string>
  /** Counter count or gauge value. */
  readonly value?: number
  /** Histogram: cumulative buckets [upper bound (null: +Inf, as JSON has no Infinity), count], count and sum. */
  readonly buckets?: ReadonlyArray<readonly [number, number]>
  readonly count?: number
  readonly sum?: number
}

/** weft's and the cluster engine's metrics, as JSON numbers. */
export const metricsJson: Effect.Effect<ReadonlyArray<MetricPoint>> = Effect.map(Metric.snapshot, (snapshots) =>
  snapshots
    .filter((s) => s.id.startsWith("weft_") || s.id.startsWith("effect_cluster_"))
    .map((s): MetricPoint => {
      const attributes = Object.fromEntries(Object.entries(s.attributes ?? {}).map(([k, v]) => [k, String(v)]))
      switch (s.type) {
        case "Counter":
          return { name: s.id, type: "counter", attributes, value: Number(s.state.count) }
        case "Gauge":
          return { name: s.id, type: "gauge", attributes, value: Number(s.state.value) }
        case "Histogram":
          return {
            name: s.id,
            type: "histogram",
            attributes,
            buckets: s.state.buckets.map(([bound, count]) => [bound, count] as const),
            count: s.state.count,
            sum: s.state.sum
          }
        default:
          return { name: s.id, type: s.type.toLowerCase(), attributes }
      }
    }))

export const dashboardHtml = (peers: ReadonlyArray<string>): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>weft dashboard</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.3em}h2{font-size:1.05em;margin:1.2em 0 .4em}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{background:#fff;border:1px solid #ddd;padding:.6em 1em;min-width:9em}
.card b{display:block;font-size:1.6em}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1em}
svg text{font:12px system-ui}
</style></head><body>
<h1>weft — live</h1>
<div id="sources"></div>
<div class="cards">
 <div class="card">requests/s<b id="total-qps">0</b></div>
 <div class="card">connections<b id="connections">0</b></div>
 <div class="card">pushes/s<b id="pushes">0</b></div>
 <div class="card">actor restarts<b id="restarts">0</b></div>
 <div class="card">bytes in/out per s<b id="bytes">0 / 0</b></div>
</div>
<div class="grid">
 <div><h2>Commands</h2><table id="commands"><thead><tr><th>command</th><th>req/s</th><th>p50 ms</th><th>p99 ms</th><th>total</th></tr></thead><tbody></tbody></table></div>
 <div><h2>Status codes</h2><table id="statuses"><thead><tr><th>status</th><th>total</th><th>per s</th></tr></thead><tbody></tbody></table></div>
 <div><h2>Connections by transport and port</h2><table id="transports"><thead><tr><th>transport :port</th><th>open</th></tr></thead><tbody></tbody></table></div>
 <div><h2>Actors</h2><table id="actors"><thead><tr><th>actor · message</th><th>msg/s</th><th>queue p99 ms</th><th>handle p99 ms</th></tr></thead><tbody></tbody></table></div>
 <div><h2>Storage</h2><table id="storage"><thead><tr><th>operation</th><th>ops/s</th><th>p99 ms</th><th>errors</th></tr></thead><tbody></tbody></table></div>
 <div><h2>Call topology</h2><svg id="topology" width="460" height="340"></svg></div>
</div>
<script>
const sources = [location.origin, ...${JSON.stringify(peers.map((p) => `http://${p}`))}];
document.getElementById("sources").textContent = "sources: " + sources.join(", ");
let previous = null;
const key = (p) => p.name + JSON.stringify(p.attributes);
const sum = (points, name, filter = () => true) => points.filter((p) => p.name === name && filter(p)).reduce((a, p) => a + (p.value ?? 0), 0);
const group = (points, name, by) => { const m = new Map(); for (const p of points) if (p.name === name) { const k = by(p); const arr = m.get(k) ?? []; arr.push(p); m.set(k, arr) } return m };
const merge = (lists) => { const m = new Map(); for (const list of lists) for (const p of list) { const k = key(p); const q = m.get(k);
  if (!q) m.set(k, structuredClone(p)); else if (p.buckets) { q.count += p.count; q.sum += p.sum; q.buckets = q.buckets.map(([b, c], i) => [b, c + (p.buckets[i]?.[1] ?? 0)]) } else q.value += p.value } return [...m.values()] };
const delta = (now, before) => { const b = new Map((before ?? []).map((p) => [key(p), p])); return now.map((p) => { const q = b.get(key(p));
  if (!q) return p; if (p.buckets) return { ...p, count: p.count - q.count, buckets: p.buckets.map(([x, c], i) => [x, c - (q.buckets[i]?.[1] ?? 0)]) };
  return p.type === "counter" ? { ...p, value: p.value - q.value } : p }) };
const quantile = (hists, q) => { let total = 0; const acc = new Map(); for (const h of hists) { total += h.count; h.buckets.forEach(([b, c]) => { const bound = b ?? Infinity; acc.set(bound, (acc.get(bound) ?? 0) + c) }) }
  if (total === 0) return 0; const target = total * q; for (const [b, c] of [...acc.entries()].sort((x, y) => x[0] - y[0])) if (c >= target) return b === Infinity ? NaN : b; return NaN };
const ms = (s) => Number.isNaN(s) ? ">max" : (s * 1000).toFixed(s < 0.001 ? 2 : 1);
const rows = (id, data) => { document.querySelector("#" + id + " tbody").innerHTML = data.map((r) => "<tr>" + r.map((c) => "<td>" + c + "</td>").join("") + "</tr>").join("") };
function drawTopology(edges) { const svg = document.getElementById("topology"); const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
  const pos = new Map(nodes.map((n, i) => [n, [230 + 140 * Math.cos(2 * Math.PI * i / nodes.length), 170 + 130 * Math.sin(2 * Math.PI * i / nodes.length)]]));
  let out = '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker></defs>';
  for (const e of edges) { const [x1, y1] = pos.get(e.from), [x2, y2] = pos.get(e.to);
    out += '<line x1="' + x1 + '" y1="' + y1 + '" x2="' + x2 + '" y2="' + y2 + '" stroke="#888" stroke-width="' + Math.min(6, 1 + Math.log10(1 + e.total)) + '" marker-end="url(#arrow)"/>';
    out += '<text class="edge" x="' + (x1 + x2) / 2 + '" y="' + (y1 + y2) / 2 + '">' + e.total + ' calls · p99 ' + e.p99 + ' ms</text>' }
  for (const [n, [x, y]] of pos) out += '<circle cx="' + x + '" cy="' + y + '" r="22" fill="#e8f0fe" stroke="#4a7bd0"/><text x="' + (x - 26) + '" y="' + (y + 36) + '">' + n + '</text>';
  svg.innerHTML = out }
async function tick() {
  const lists = await Promise.all(sources.map((s) => fetch(s + "/metrics.json").then((r) => r.json()).catch(() => [])));
  const now = merge(lists); const at = performance.now();
  const d = previous ? delta(now, previous.points) : now.map((p) => p.type === "counter" ? { ...p, value: 0 } : p); const secs = previous ? (at - previous.at) / 1000 : 1;
  previous = { points: now, at };
  document.getElementById("total-qps").textContent = (sum(d, "weft_commands_total") / secs).toFixed(1);
  document.getElementById("connections").textContent = sum(now, "weft_connections");
  document.getElementById("pushes").textContent = (sum(d, "weft_pushes_total") / secs).toFixed(1);
  document.getElementById("restarts").textContent = sum(now, "weft_actor_restarts_total");
  document.getElementById("bytes").textContent = (sum(d, "weft_bytes_total", (p) => p.attributes.direction === "in") / secs).toFixed(0) + " / " + (sum(d, "weft_bytes_total", (p) => p.attributes.direction === "out") / secs).toFixed(0);
  const lat = group(d, "weft_command_duration_seconds", (p) => p.attributes.command);
  rows("commands", [...group(now, "weft_commands_total", (p) => p.attributes.command)].sort().map(([c, ps]) => [c,
    (sum(d, "weft_commands_total", (p) => p.attributes.command === c) / secs).toFixed(1), ms(quantile(lat.get(c) ?? [], 0.5)), ms(quantile(lat.get(c) ?? [], 0.99)), ps.reduce((a, p) => a + p.value, 0)]));
  rows("statuses", [...group(now, "weft_commands_total", (p) => p.attributes.status)].sort().map(([s, ps]) => [s, ps.reduce((a, p) => a + p.value, 0), (sum(d, "weft_commands_total", (p) => p.attributes.status === s) / secs).toFixed(1)]));
  rows("transports", [...group(now, "weft_connections", (p) => p.attributes.transport + " :" + p.attributes.port)].sort().map(([t, ps]) => [t, ps.reduce((a, p) => a + p.value, 0)]));
  const queue = group(d, "weft_actor_queue_seconds", (p) => p.attributes.type + " · " + p.attributes.rpc), handle = group(d, "weft_actor_handle_seconds", (p) => p.attributes.type + " · " + p.attributes.rpc);
  rows("actors", [...group(now, "weft_actor_messages_total", (p) => p.attributes.type + " · " + p.attributes.rpc)].sort().map(([k]) => [k,
    (sum(d, "weft_actor_messages_total", (p) => p.attributes.type + " · " + p.attributes.rpc === k) / secs).toFixed(1), ms(quantile(queue.get(k) ?? [], 0.99)), ms(quantile(handle.get(k) ?? [], 0.99))]));
  const slat = group(d, "weft_storage_operation_seconds", (p) => p.attributes.operation);
  rows("storage", [...group(now, "weft_storage_operations_total", (p) => p.attributes.operation)].sort().map(([o]) => [o,
    (sum(d, "weft_storage_operations_total", (p) => p.attributes.operation === o) / secs).toFixed(1), ms(quantile(slat.get(o) ?? [], 0.99)), sum(now, "weft_storage_operations_total", (p) => p.attributes.operation === o && p.attributes.outcome === "error")]));
  const edgeLat = group(now, "weft_call_seconds", (p) => p.attributes.from + ">" + p.attributes.to);
  drawTopology([...group(now, "weft_calls_total", (p) => p.attributes.from + ">" + p.attributes.to)].map(([k, ps]) => { const [from, to] = k.split(">");
    return { from, to, total: ps.reduce((a, p) => a + p.value, 0), p99: ms(quantile(edgeLat.get(k) ?? [], 0.99)) } }));
}
tick(); setInterval(tick, 1000);
</script></body></html>`
