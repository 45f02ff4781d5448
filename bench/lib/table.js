/** Plain-text tables: one header row, columns aligned, numbers right-aligned. */

const cell = (value) => {
  if (value === null || value === undefined) return "-"
  if (value === Infinity || value === "Infinity") return "inf"
  if (typeof value === "boolean") return value ? "yes" : "no"
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)))
  return String(value)
}

/** columns: [{ key, title }] or strings; rows: objects. */
export const formatTable = (title, columns, rows) => {
  const cols = columns.map((c) => (typeof c === "string" ? { key: c, title: c } : c))
  const body = rows.map((row) => cols.map((c) => cell(typeof c.value === "function" ? c.value(row) : row[c.key])))
  const numeric = cols.map((c, i) => rows.length > 0 && rows.every((row) => {
    const v = typeof c.value === "function" ? c.value(row) : row[c.key]
    return typeof v === "number" || v === null || v === undefined || v === "Infinity"
  }))
  const widths = cols.map((c, i) => Math.max(c.title.length, ...body.map((r) => r[i].length)))
  const line = (cells) => cells.map((text, i) => (numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]))).join("  ").trimEnd()
  return [
    title,
    line(cols.map((c) => c.title)),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line)
  ].join("\n")
}

/** Every key that appears in the rows, in first-seen order, minus the ones named. */
export const keysOf = (rows, omit = []) => {
  const seen = new Set()
  for (const row of rows) for (const key of Object.keys(row)) if (!omit.includes(key)) seen.add(key)
  return [...seen]
}
