/** Command-line values, checked: a wrong value stops with a message that names the flag. */
export class UsageError extends Error {}

export const parsePort = (flag: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`${flag} must be a port number 0..65535, got "${value}"`)
  return port
}

export const parseCount = (flag: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  const count = Number(value)
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got "${value}"`)
  return count
}

export const parseServer = (value: string | undefined): { host: string; port: number } => {
  if (value === undefined) throw new UsageError("--server HOST:PORT is required")
  const match = /^(.+):(\d+)$/.exec(value)
  if (match === null) throw new UsageError(`--server must be HOST:PORT, got "${value}"`)
  return { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port: parsePort("--server port", match[2], 0) }
}

/** Checks a subcommand's positional arguments: exactly `count`, none empty. */
export const requireArgs = (name: string, args: ReadonlyArray<string>, count: number, what: string): void => {
  if (args.length !== count || args.some((arg) => arg === "")) throw new UsageError(`${name} needs ${what}`)
}
