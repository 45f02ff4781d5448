/**
 * The shell blocks of a Markdown page, in order, with the output the page shows for each:
 * a ```json (or bare ```) block right after it, and `# {...}` comment lines inside it.
 *
 * A json block also counts when prose stands between it and the shell block.
 * A page steers the docs test with one-line HTML comments, invisible on the rendered page:
 *   <!-- docs-test: skip (why) -->   before a block: the test does not run it
 *   <!-- docs-test: run: COMMAND --> a command the test runs in place of a step done by hand
 *                                    (in a browser, say)
 *   <!-- docs-test: dev: FLAGS -->   anywhere: the page's `weft dev` is started with these flags
 */

export interface ShellBlock {
  /** 1-based line of the opening fence. */
  readonly line: number
  readonly script: string
  /** Why the test does not run it; undefined: it runs. */
  readonly skip?: string
  /** The output the page shows: one JSON value per entry. */
  readonly shown: ReadonlyArray<unknown>
  /** Added by a `docs-test: run:` comment rather than shown on the page. */
  readonly hidden?: boolean
}

const fence = /^```\s*([\w-]*)\s*$/

/** The flags a page asks its `weft dev` to be started with (`<!-- docs-test: dev: FLAGS -->`). */
export const devFlags = (markdown: string): Array<string> =>
  /^<!--\s*docs-test:\s*dev:\s*(.*?)\s*-->\s*$/m.exec(markdown)?.[1]?.split(/\s+/).filter((flag) => flag !== "") ?? []
const marker = /^<!--\s*docs-test:\s*(skip|run:)\s*(.*?)\s*-->\s*$/

/** `# {...}` lines (and their `#   ...` continuations) of a shell block: the output it shows. */
const commentedOutput = (script: string): Array<unknown> => {
  const shown: Array<unknown> = []
  let pending: string | undefined
  for (const line of script.split("\n")) {
    const start = /^#\s(\{.*)$/.exec(line)
    const more = /^#\s+(.*)$/.exec(line)
    if (pending === undefined && start) pending = start[1]!
    else if (pending !== undefined && more) pending += more[1]!
    else pending = undefined
    if (pending !== undefined) {
      try {
        shown.push(JSON.parse(pending))
        pending = undefined
      } catch {
        // continues on the next comment line
      }
    }
  }
  return shown
}

const jsonLines = (text: string): Array<unknown> =>
  text
    .split("\n")
    .filter((line) => line.trim().startsWith("{"))
    .map((line) => JSON.parse(line))

export const shellBlocks = (markdown: string): Array<ShellBlock> => {
  const lines = markdown.split("\n")
  const blocks: Array<ShellBlock> = []
  let skip: string | undefined
  for (let i = 0; i < lines.length; i++) {
    const directive = marker.exec(lines[i]!)
    if (directive) {
      if (directive[1] === "skip") skip = directive[2] || "skipped"
      else blocks.push({ line: i + 1, script: directive[2]!, shown: [], hidden: true })
      continue
    }
    const open = fence.exec(lines[i]!)
    if (!open) continue
    const start = i
    const body: Array<string> = []
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!)
    const lang = open[1]!
    if (lang !== "sh" && lang !== "bash") {
      skip = undefined
      continue
    }
    const script = body.join("\n")
    // Its output: a bare block right after it, or the next json block before the next block or
    // heading (prose may come between).
    let shown = commentedOutput(script)
    let k = i + 1
    while (k < lines.length && !fence.test(lines[k]!) && !lines[k]!.startsWith("#")) k++
    const next = fence.exec(lines[k] ?? "")
    if (next && (next[1] === "json" || (next[1] === "" && k === i + 1))) {
      const out: Array<string> = []
      for (let j = k + 1; j < lines.length && !/^```\s*$/.test(lines[j]!); j++) out.push(lines[j]!)
      shown = [...shown, ...jsonLines(out.join("\n"))]
    }
    blocks.push({ line: start + 1, script, shown, ...(skip === undefined ? {} : { skip }) })
    skip = undefined
  }
  return blocks
}

/**
 * Whether an actual output value has the shape the page shows: the same keys at every level
 * (arrays: their first elements), the same types, and the same status `code` — not the same
 * ids, tokens and times, which differ on every run.
 */
export const sameShape = (shown: unknown, actual: unknown, key = ""): boolean => {
  if (Array.isArray(shown)) {
    return Array.isArray(actual) && (shown.length === 0 ? actual.length === 0 : actual.length > 0 && sameShape(shown[0], actual[0]))
  }
  if (shown !== null && typeof shown === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false
    const a = Object.keys(shown).sort()
    const b = Object.keys(actual).sort()
    return a.join(",") === b.join(",") &&
      a.every((k) => sameShape((shown as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], k))
  }
  if (key === "code") return shown === actual
  return typeof shown === typeof actual
}
