/**
 * Settings of `weft gateway` and `weft runner`: command-line flags, else environment variables
 * (WEFT_ + the flag in upper snake case: --redis → WEFT_REDIS, --http-port → WEFT_HTTP_PORT),
 * else a JSON file given with --config (keys are the flag names), else the defaults. Every
 * value is checked; a wrong one stops start-up with a message naming the flag, variable or key.
 */
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import type { ScryptParams } from "../actors/Password.ts"
import { MIN_SECRET_BYTES, MIN_SECRET_LENGTH } from "../cluster/limits.ts"
import type { AuthSettings, JwtSettings } from "../cluster/Settings.ts"
import type { AdvertisedEndpoint } from "../gateway/GatewayConfig.ts"
import { UsageError } from "./args.ts"

// Only types from the server's modules: every flag is checked before a server command loads them
// (seconds of loading), so a wrong one is refused at once.

export interface Source {
  readonly value: string
  /** Where the value came from, for error messages: "--port", "WEFT_PORT", "weft.json: port". */
  readonly origin: string
}

export const readSettings = (argv: ReadonlyArray<string>, flags: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries([...flags, "config"].map((flag) => [flag, { type: "string" as const }])),
    strict: true
  })
  let file: Record<string, unknown> = {}
  const configPath = values["config"] ?? process.env["WEFT_CONFIG"]
  if (configPath !== undefined) {
    try {
      file = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>
    } catch (error) {
      throw new UsageError(`cannot read the config file ${configPath}: ${error instanceof Error ? error.message : error}`)
    }
    if (typeof file !== "object" || file === null || Array.isArray(file)) {
      throw new UsageError(`the config file ${configPath} must hold a JSON object`)
    }
    for (const key of Object.keys(file)) {
      if (!flags.includes(key)) throw new UsageError(`${configPath}: unknown setting "${key}" (known: ${flags.join(", ")})`)
    }
  }
  return (flag: string): Source | undefined => {
    const fromFlag = values[flag]
    if (typeof fromFlag === "string") return { value: fromFlag, origin: `--${flag}` }
    const envName = `WEFT_${flag.toUpperCase().replace(/-/g, "_")}`
    const fromEnv = process.env[envName]
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, origin: envName }
    const fromFile = file[flag]
    if (fromFile !== undefined) return { value: Array.isArray(fromFile) ? fromFile.join(",") : String(fromFile), origin: `${configPath}: ${flag}` }
    return undefined
  }
}

/** A given setting, checked; undefined when it is not given (the default then applies). */
export const checked = <A>(source: Source | undefined, check: (source: Source) => A): A | undefined =>
  source === undefined ? undefined : check(source)

/** The settings that were given: keys whose value is undefined are left out, so the defaults stand. */
export const given = <A extends object>(values: A): Partial<A> =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<A>

export const port = (source: Source | undefined, fallback: number): number => {
  if (source === undefined) return fallback
  if (!/^\d+$/.test(source.value) || Number(source.value) > 65535) {
    throw new UsageError(`${source.origin} must be a port number 0..65535, got "${source.value}"`)
  }
  return Number(source.value)
}

export const ports = (source: Source | undefined, fallback: ReadonlyArray<number>): ReadonlyArray<number> =>
  source === undefined
    ? fallback
    : source.value.split(",").map((part) => port({ value: part.trim(), origin: source.origin }, 0))

export const text = (source: Source | undefined, fallback: string): string => source?.value ?? fallback

export const count = (source: Source | undefined, fallback: number): number => {
  if (source === undefined) return fallback
  if (!/^\d+$/.test(source.value) || Number(source.value) === 0) {
    throw new UsageError(`${source.origin} must be a positive whole number, got "${source.value}"`)
  }
  return Number(source.value)
}

/** `--log-max-entries`: how many of a user's newest changes the log keeps; 0 keeps them all. */
export const logMaxEntries = (source: Source | undefined, fallback: number): number => {
  if (source === undefined) return fallback
  if (!/^\d+$/.test(source.value)) {
    throw new UsageError(`${source.origin} must be a whole number (0 keeps every change), got "${source.value}"`)
  }
  return Number(source.value)
}

export const loginPolicy = (source: Source | undefined): "allow-many" | "one-per-platform" | "kick-older" => {
  const value = source?.value ?? "allow-many"
  if (value !== "allow-many" && value !== "one-per-platform" && value !== "kick-older") {
    throw new UsageError(`${source?.origin ?? "login-policy"} must be allow-many, one-per-platform or kick-older, got "${value}"`)
  }
  return value
}

/** The default of `--gc-headroom-mb`: garbage the heap may gather before a full collection. */
export const DEFAULT_GC_HEADROOM_MB = 128

/**
 * `--gc-headroom-mb`: how far the JavaScript heap may grow between full collections while it is
 * smaller than that (server/GcHeadroom.ts); 0 leaves V8's own rule.
 */
export const gcHeadroomMb = (source: Source | undefined, fallback = DEFAULT_GC_HEADROOM_MB): number => {
  if (source === undefined) return fallback
  if (!/^\d+$/.test(source.value) || Number(source.value) > 65_536) {
    throw new UsageError(`${source.origin} must be a number of megabytes from 0 (V8's own rule) to 65536, got "${source.value}"`)
  }
  return Number(source.value)
}

/** `on` or `off`: whether the process records its metrics (off only to measure what they cost). */
export const onOff = (source: Source | undefined, fallback: boolean): boolean => {
  if (source === undefined) return fallback
  if (source.value !== "on" && source.value !== "off") {
    throw new UsageError(`${source.origin} must be on or off, got "${source.value}"`)
  }
  return source.value === "on"
}

/**
 * The cluster secret every runner and gateway shares (cluster/ClusterAuth.ts). Required: without
 * it anyone who reaches a runner or push port could act as a member.
 */
export const clusterSecret = (source: Source | undefined): string => {
  if (source === undefined) {
    throw new UsageError(
      "the cluster secret is required: set WEFT_CLUSTER_SECRET (or --cluster-secret, or cluster-secret in the config file) " +
        "to the same value on every runner and gateway, e.g. `openssl rand -hex 32` (weft local-cluster makes one itself)"
    )
  }
  if (source.value.length < MIN_SECRET_LENGTH) {
    throw new UsageError(`${source.origin} must have at least ${MIN_SECRET_LENGTH} characters (try \`openssl rand -hex 32\`)`)
  }
  return source.value
}

/**
 * TLS for the client listeners from two PEM files (the certificate chain and its key): both or
 * neither, each readable.
 */
export const tlsFiles = (
  cert: Source | undefined,
  key: Source | undefined
): { readonly cert: string; readonly key: string } | undefined => {
  if (cert === undefined && key === undefined) return undefined
  if (cert === undefined || key === undefined) {
    throw new UsageError(`${(cert ?? key)!.origin} needs its partner: give both --tls-cert and --tls-key`)
  }
  const read = (source: Source) => {
    try {
      return readFileSync(source.value, "utf8")
    } catch (error) {
      throw new UsageError(`${source.origin}: cannot read ${source.value}: ${error instanceof Error ? error.message : error}`)
    }
  }
  return { cert: read(cert), key: read(key) }
}

/** An origin like https://media.example.com (scheme, host, optional port; no path). */
export const origin = (source: Source | undefined): string => {
  if (source === undefined) return ""
  const match = /^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?\/?$/.exec(source.value)
  if (match === null) throw new UsageError(`${source.origin} must be an origin like https://media.example.com, got "${source.value}"`)
  return source.value.replace(/\/$/, "")
}

/** One `redis://` URL, or several comma-separated ones: the seed nodes of a Redis Cluster. */
export const redisUrl = (source: Source | undefined, fallback: string): string => {
  const value = source?.value ?? fallback
  const parts = value.split(",").map((part) => part.trim())
  for (const part of parts) {
    if (!/^rediss?:\/\/[^/\s,]+/.test(part)) {
      throw new UsageError(
        `${source?.origin ?? "redis"} must be a redis:// URL, or the comma-separated redis:// URLs of Redis Cluster nodes, got "${value}"`
      )
    }
  }
  return parts.join(",")
}

/**
 * `--password-hash N=16384,r=8,p=5`: the scrypt parameters of new password hashes (older ones
 * are rehashed at the next login). Never below weft's pre-0.2 hashes (N=2^14, r=8, p=1), at most
 * 256 MiB a hash; undefined: weft's own (docs/security.md).
 */
export const passwordHash = (source: Source | undefined): ScryptParams | undefined => {
  if (source === undefined) return undefined
  const match = /^N=(\d+),r=(\d+),p=(\d+)$/.exec(source.value.replace(/\s/g, ""))
  const [N, r, p] = match === null ? [] : match.slice(1).map(Number)
  if (
    N === undefined || r === undefined || p === undefined || N < 16384 || (N & (N - 1)) !== 0 || r < 8 || p < 1 || p > 16 ||
    128 * N * r > 256 * 2 ** 20
  ) {
    throw new UsageError(
      `${source.origin} must be scrypt parameters like N=16384,r=8,p=5 (N a power of two from 16384, r from 8, p 1..16, 128*N*r at most 256 MiB), got "${source.value}"`
    )
  }
  return { N, r, p }
}

/** A duration in whole milliseconds within [min, max]. */
export const milliseconds = (source: Source | undefined, fallback: number, min: number, max: number): number => {
  if (source === undefined) return fallback
  const value = Number(source.value)
  if (!/^\d+$/.test(source.value) || value < min || value > max) {
    throw new UsageError(`${source.origin} must be a number of milliseconds from ${min} to ${max}, got "${source.value}"`)
  }
  return value
}

/**
 * Endpoints the route list hands out: `tcp://203.0.113.7:9300,ws://203.0.113.7:443,http://203.0.113.7:80`,
 * each optionally `?weight=N` (1..1000, default 100).
 */
export const advertisedEndpoints = (source: Source | undefined): ReadonlyArray<AdvertisedEndpoint> => {
  if (source === undefined) return []
  return source.value.split(",").map((part) => part.trim()).filter((part) => part !== "").map((part) => {
    const match = /^(tcp|ws|http):\/\/(\[[^\]]+\]|[^:/?]+):(\d{1,5})(?:\?weight=(\d{1,4}))?$/.exec(part)
    const weight = match?.[4] === undefined ? undefined : Number(match[4])
    if (match === null || Number(match[3]) > 65535 || Number(match[3]) === 0 || (weight !== undefined && (weight < 1 || weight > 1000))) {
      throw new UsageError(
        `${source.origin}: "${part}" is not an endpoint like tcp://203.0.113.7:9300 (transport tcp, ws or http; port 1..65535; optional ?weight=1..1000)`
      )
    }
    const address = match[2]!.replace(/^\[(.*)\]$/, "$1")
    return { transport: match[1] as "tcp" | "ws" | "http", address, port: Number(match[3]), weight }
  })
}

/** The flags of app-token logins and weft's own passwords (`authSettings`). */
export const authFlags = [
  "jwt-secret", "jwt-public-key", "jwt-jwks-url", "jwt-algorithms", "jwt-issuer", "jwt-audience", "jwt-user-claim",
  "jwt-clock-tolerance", "passwords"
] as const

/**
 * How users log in: app tokens when a JWT key is given — a secret (best from WEFT_JWT_SECRET:
 * a flag shows in `ps`), a PEM or JWK public key file, or a JWKS URL — and weft's own passwords
 * unless `--passwords off`. The secret is never printed, in errors neither.
 */
export const authSettings = (get: (flag: string) => Source | undefined): AuthSettings => {
  const passwords = onOff(get("passwords"), true)
  const secret = get("jwt-secret")
  const publicKeyFile = get("jwt-public-key")
  const jwksUrl = get("jwt-jwks-url")
  const keys = [secret, publicKeyFile, jwksUrl].filter((source) => source !== undefined)
  const tuning = ["jwt-algorithms", "jwt-issuer", "jwt-audience", "jwt-user-claim", "jwt-clock-tolerance"]
    .map((flag) => get(flag))
    .find((source) => source !== undefined)
  if (keys.length === 0) {
    if (tuning !== undefined) throw new UsageError(`${tuning.origin} needs a key: --jwt-secret (or WEFT_JWT_SECRET), --jwt-public-key or --jwt-jwks-url`)
    if (!passwords) throw new UsageError("--passwords off leaves no way to log in: give a JWT key (--jwt-secret, --jwt-public-key or --jwt-jwks-url) too")
    return { jwt: undefined, passwords }
  }
  if (keys.length > 1) throw new UsageError(`${keys.map((source) => source!.origin).join(" and ")}: give one JWT key, not several`)
  if (secret !== undefined && Buffer.byteLength(secret.value) < MIN_SECRET_BYTES) {
    throw new UsageError(`${secret.origin} must have at least ${MIN_SECRET_BYTES} bytes (try \`openssl rand -hex 32\`)`)
  }
  let publicKey: string | undefined
  if (publicKeyFile !== undefined) {
    try {
      publicKey = readFileSync(publicKeyFile.value, "utf8")
    } catch (error) {
      throw new UsageError(`${publicKeyFile.origin}: cannot read ${publicKeyFile.value}: ${error instanceof Error ? error.message : error}`)
    }
  }
  if (jwksUrl !== undefined && !/^https?:\/\/\S+$/.test(jwksUrl.value)) {
    throw new UsageError(`${jwksUrl.origin} must be an http(s) URL, got "${jwksUrl.value}"`)
  }
  const algorithmsSource = get("jwt-algorithms")
  const algorithms = algorithmsSource?.value.split(",").map((part) => part.trim())
  const wrong = algorithms?.find((algorithm) => algorithm !== "HS256" && algorithm !== "RS256" && algorithm !== "ES256")
  if (wrong !== undefined) throw new UsageError(`${algorithmsSource!.origin} must list HS256, RS256 or ES256, got "${wrong}"`)
  const tolerance = get("jwt-clock-tolerance")
  if (tolerance !== undefined && (!/^\d+$/.test(tolerance.value) || Number(tolerance.value) > 600)) {
    throw new UsageError(`${tolerance.origin} must be a number of seconds from 0 to 600, got "${tolerance.value}"`)
  }
  const claim = get("jwt-user-claim")
  if (claim !== undefined && !/^[A-Za-z0-9_.:/-]{1,64}$/.test(claim.value)) {
    throw new UsageError(`${claim.origin} must be a claim name, got "${claim.value}"`)
  }
  return {
    passwords,
    jwt: {
      secret: secret?.value,
      publicKey,
      jwksUrl: jwksUrl?.value,
      algorithms: algorithms as JwtSettings["algorithms"],
      issuer: get("jwt-issuer")?.value,
      audience: get("jwt-audience")?.value,
      userIdClaim: claim?.value,
      clockToleranceSeconds: tolerance === undefined ? undefined : Number(tolerance.value)
    }
  }
}
