/** Small hand-written SVG line charts, several panels side by side in one file. */

const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

const niceTicks = (min, max, count = 5) => {
  const span = max - min || 1
  const step = 10 ** Math.floor(Math.log10(span / count))
  const unit = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= count) ?? step * 10
  const ticks = []
  for (let t = Math.ceil(min / unit) * unit; t <= max + 1e-9; t += unit) ticks.push(Number(t.toPrecision(12)))
  return ticks
}

const logTicks = (min, max) => {
  const ticks = []
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e)
  return ticks
}

const label = (value) => (value >= 1000 ? `${Number((value / 1000).toPrecision(3))}k` : String(Number(value.toPrecision(3))))

/**
 * One panel: { title, xLabel, yLabel, logX, logY, series: [{ name, color, dashed, points: [[x, y]] }] }.
 * A y of Infinity (never delivered) is drawn at the top edge with an arrow.
 */
const panel = ({ title, xLabel, yLabel, logX = false, logY = false, series }, width, height) => {
  const margin = { left: 56, right: 12, top: 28, bottom: 64 }
  const plotW = width - margin.left - margin.right
  const plotH = height - margin.top - margin.bottom
  const points = series.flatMap((s) => s.points)
  const finiteY = points.map((p) => p[1]).filter((y) => Number.isFinite(y) && (!logY || y > 0))
  const xs = points.map((p) => p[0]).filter((x) => !logX || x > 0)
  if (xs.length === 0 || finiteY.length === 0) {
    return `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">${escape(title)}: no data</text>`
  }
  let [xMin, xMax] = [Math.min(...xs), Math.max(...xs)]
  let [yMin, yMax] = [Math.min(...finiteY), Math.max(...finiteY)]
  if (logX) [xMin, xMax] = [10 ** Math.floor(Math.log10(xMin)), 10 ** Math.ceil(Math.log10(xMax))]
  else [xMin, xMax] = [0, xMax * 1.05]
  if (logY) [yMin, yMax] = [10 ** Math.floor(Math.log10(yMin)), 10 ** Math.ceil(Math.log10(yMax * 1.01))]
  else [yMin, yMax] = [0, yMax * 1.1]
  const sx = (x) => margin.left + (logX ? (Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin)) : (x - xMin) / (xMax - xMin || 1)) * plotW
  const sy = (y) => {
    if (!Number.isFinite(y)) return margin.top
    return margin.top + plotH - (logY ? (Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin)) : (y - yMin) / (yMax - yMin || 1)) * plotH
  }
  const out = []
  out.push(`<text x="${width / 2}" y="16" text-anchor="middle" font-weight="bold">${escape(title)}</text>`)
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`)
  for (const t of logY ? logTicks(yMin, yMax) : niceTicks(yMin, yMax)) {
    const y = sy(t)
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#eee"/>`)
    out.push(`<text x="${margin.left - 4}" y="${y + 4}" text-anchor="end">${label(t)}</text>`)
  }
  for (const t of logX ? logTicks(xMin, xMax) : niceTicks(xMin, xMax)) {
    const x = sx(t)
    out.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#eee"/>`)
    out.push(`<text x="${x}" y="${margin.top + plotH + 14}" text-anchor="middle">${label(t)}</text>`)
  }
  out.push(`<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 30}" text-anchor="middle">${escape(xLabel)}</text>`)
  out.push(`<text transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`)
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => (!logX || p[0] > 0) && (!logY || p[1] > 0)).sort((a, b) => a[0] - b[0])
    if (pts.length === 0) return
    const path = pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(" ")
    out.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`)
    for (const p of pts) {
      if (Number.isFinite(p[1])) out.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3" fill="${s.color}"/>`)
      else out.push(`<text x="${sx(p[0]).toFixed(1)}" y="${margin.top + 10}" text-anchor="middle" fill="${s.color}">↑∞</text>`)
    }
    const lx = margin.left + (i % 2) * (plotW / 2)
    const ly = margin.top + plotH + 44 + Math.floor(i / 2) * 13
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`)
    out.push(`<text x="${lx + 22}" y="${ly}">${escape(s.name)}</text>`)
  })
  return out.join("\n")
}

/** Panels side by side; returns the SVG document text. */
export const chart = (title, panels, { width = 440, height = 340 } = {}) => {
  const legendRows = Math.max(...panels.map((p) => Math.ceil(p.series.length / 2)), 1)
  const h = height + legendRows * 13
  const body = panels.map((p, i) => `<g transform="translate(${i * width} 24)">\n${panel(p, width, h - 24 + 0)}\n</g>`).join("\n")
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${panels.length * width}" height="${h + 24}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="16" font-size="13" font-weight="bold">${escape(title)}</text>
${body}
</svg>
`
}
