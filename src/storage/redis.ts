/**
 * Redis storage, for a single server or a Redis Cluster. Every key of one user starts with the
 * hash tag `{userId}`, so a user's keys share one cluster slot and the log scripts below, which
 * touch several of them at once, run atomically on one node.
 *
 * A user's log is five kinds of keys:
 *   {userId}:log:epoch          the log's epoch, created once with SET NX
 *   {userId}:log:head           the highest sequence (absent = 0)
 *   {userId}:log:entries        hash seq -> entry bytes; a page is HGET of seq afterSeq+1..
 *   {userId}:log:first          the oldest seq kept (absent = 1): logTrim drops the entries before it
 *   {userId}:log:dedupe:<key>   the seq appended under a dedupe key, with the dedupe TTL
 */
import { Buffer } from "node:buffer"
import { Effect, Layer } from "effect"
import { Cluster, Redis, type RedisOptions } from "ioredis"
import { newEpoch } from "./memory.ts"
import { type AppendResult, type LogEntry, type LogHead, SequenceConflict, Storage, StorageError, userKey } from "./Storage.ts"

export interface RedisStorageOptions {
  /** `redis://[user:password@]host:port/db`; wins over host and port. */
  readonly url?: string | undefined
  readonly host?: string | undefined
  readonly port?: number | undefined
  /** The database index; a single server only, Redis Cluster has just database 0. */
  readonly db?: number | undefined
  /** Prepended to every key, e.g. to share one Redis between deployments or test runs. */
  readonly keyPrefix?: string | undefined
  /** Connect to a Redis Cluster through these startup nodes instead of a single server. */
  readonly cluster?: {
    readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>
    /** Options of the connection to each node (credentials, TLS). */
    readonly redisOptions?: RedisOptions | undefined
  } | undefined
  /** Reconnect attempts a command waits for before it fails (ioredis' default: 20). */
  readonly maxRetriesPerRequest?: number | undefined
  /** The longest wait between reconnect attempts (ioredis' default: 2 s). */
  readonly reconnectMaxDelayMs?: number | undefined
  /** How long start-up may wait for Redis before the layer fails; default 5 s. */
  readonly connectTimeoutMs?: number | undefined
}

// The part of the ioredis API used here, which `Redis` and `Cluster` share.
type Arg = string | Buffer | number
interface Client {
  readonly status: string
  connect(): Promise<void>
  quit(): Promise<unknown>
  disconnect(): void
  on(event: "error" | "node error", listener: (error: Error) => void): unknown
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void
  getBuffer(key: string): Promise<Buffer | null>
  call(command: string, ...args: Array<Arg>): Promise<unknown>
  callBuffer(command: string, ...args: Array<Arg>): Promise<unknown>
  del(...keys: Array<string>): Promise<number>
}
type Script = (...args: Array<Arg>) => Promise<unknown>

// Creates the log's epoch if it is new; every script that can see an empty log starts with it,
// so a log and its epoch appear together whichever operation comes first.
const ensureEpoch = `redis.call('SET', KEYS[1], ARGV[1], 'NX')
local head = tonumber(redis.call('GET', KEYS[2]) or '0')
`

// KEYS: epoch, head, first. ARGV: candidate epoch. Reply: { epoch, head, first }.
const logHeadLua = `${ensureEpoch}
return { redis.call('GET', KEYS[1]), head, tonumber(redis.call('GET', KEYS[3]) or '1') }`

// KEYS: epoch, head, entries, first. ARGV: candidate epoch, afterSeq, limit.
// Reply: { epoch, head, first, seq, data, seq, data, ... }; pairs, because a nil cannot sit in a Lua array.
const logReadLua = `${ensureEpoch}
local first = tonumber(redis.call('GET', KEYS[4]) or '1')
local reply = { redis.call('GET', KEYS[1]), head, first }
local from = math.max(tonumber(ARGV[2]) + 1, first)
for seq = from, math.min(head, from - 1 + tonumber(ARGV[3])) do
  local data = redis.call('HGET', KEYS[3], string.format('%d', seq))
  if data then
    reply[#reply + 1] = seq
    reply[#reply + 1] = data
  end
end
return reply`

// KEYS: epoch, head, entries[, dedupe]. ARGV: candidate epoch, seq, data, dedupe TTL ms ('' = none).
// Reply: { 'duplicate', seq, data } | { 'conflict', head } | { 'appended', seq }.
const logAppendLua = `${ensureEpoch}
if KEYS[4] then
  local seen = redis.call('GET', KEYS[4])
  if seen then
    local data = redis.call('HGET', KEYS[3], seen)
    if data then return { 'duplicate', tonumber(seen), data } end
  end
end
if tonumber(ARGV[2]) ~= head + 1 then return { 'conflict', head } end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('SET', KEYS[2], ARGV[2])
if KEYS[4] then
  if ARGV[4] == '' then redis.call('SET', KEYS[4], ARGV[2])
  else redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[4]) end
end
return { 'appended', tonumber(ARGV[2]) }`

// KEYS: head, entries, first. ARGV: beforeSeq, most entries to drop. Reply: first afterwards.
// Fields go in HDELs of at most 500 (a Lua call takes a bounded number of arguments).
const logTrimLua = `local first = tonumber(redis.call('GET', KEYS[3]) or '1')
local head = tonumber(redis.call('GET', KEYS[1]) or '0')
local upto = math.min(tonumber(ARGV[1]) - 1, head, first + tonumber(ARGV[2]) - 1)
if upto < first then return first end
local seq = first
while seq <= upto do
  local fields = {}
  local last = math.min(upto, seq + 499)
  for s = seq, last do fields[#fields + 1] = string.format('%d', s) end
  redis.call('HDEL', KEYS[2], unpack(fields))
  seq = last + 1
end
redis.call('SET', KEYS[3], upto + 1)
return upto + 1`

// KEYS: dedupe, entries. Reply: { seq, data } | nil.
const logDedupedLua = `local seen = redis.call('GET', KEYS[1])
if not seen then return nil end
local data = redis.call('HGET', KEYS[2], seen)
if not data then return nil end
return { tonumber(seen), data }`

// KEYS: counter. ARGV: by, TTL ms ('' = none). The TTL applies only to a counter this call creates.
const incrementLua = `local created = redis.call('EXISTS', KEYS[1]) == 0
local by = tonumber(ARGV[1])
local value
if math.floor(by) == by then value = redis.call('INCRBY', KEYS[1], ARGV[1])
else value = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1]) end
if created and ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`

const logKeys = (userId: string) =>
  [userKey(userId, "log", "epoch"), userKey(userId, "log", "head"), userKey(userId, "log", "entries")] as const
const firstKey = (userId: string) => userKey(userId, "log", "first")

// Redis refuses an expiry of 0 or a fraction; 1 ms is as good as "already expired".
const expiry = (ttlMs: number): number => Math.max(1, Math.ceil(ttlMs))

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
// A copy: ioredis may hand out slices of a shared socket buffer.
const toBytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer)
const message = (error: unknown): string => error instanceof Error ? error.message : String(error)
const text = (value: unknown): string => Buffer.isBuffer(value) ? value.toString("utf8") : String(value)

const parseHead = (reply: unknown): LogHead => {
  const [epoch, seq, first] = reply as [unknown, unknown, unknown]
  return { epoch: text(epoch), seq: Number(seq), first: Number(first) }
}

const parseEntries = (reply: ReadonlyArray<unknown>): Array<LogEntry> => {
  const entries: Array<LogEntry> = []
  for (let i = 0; i + 1 < reply.length; i += 2) {
    entries.push({ seq: Number(reply[i]), data: toBytes(reply[i + 1] as Buffer) })
  }
  return entries
}

const endpoint = (options: RedisStorageOptions): string => {
  if (options.cluster) return `Redis Cluster ${options.cluster.nodes.map((n) => `${n.host}:${n.port}`).join(",")}`
  if (options.url) {
    const url = new URL(options.url)
    url.password = ""
    return `Redis ${url.toString()}`
  }
  return `Redis ${options.host ?? "127.0.0.1"}:${options.port ?? 6379}`
}

const createClient = (options: RedisStorageOptions, connectTimeout: number): Client => {
  // lazyConnect: the connection is made (and its failure reported) by `connect` below.
  const keyPrefix = options.keyPrefix ?? ""
  if (options.cluster) {
    const nodes = options.cluster.nodes.map((node) => ({ ...node }))
    const maxDelay = options.reconnectMaxDelayMs ?? 2_000
    return new Cluster(nodes, {
      lazyConnect: true,
      keyPrefix,
      redisOptions: { ...options.cluster.redisOptions, connectTimeout },
      clusterRetryStrategy: (times) => Math.min(100 + times * 2, maxDelay),
      // While the cluster is unreachable a command fails at once (like maxRetriesPerRequest on a
      // single server) rather than waiting in a queue for as long as the outage lasts.
      ...(options.maxRetriesPerRequest === undefined ? {} : { enableOfflineQueue: false })
    })
  }
  const maxDelay = options.reconnectMaxDelayMs ?? 2_000
  const common = {
    lazyConnect: true,
    connectTimeout,
    keyPrefix,
    ...(options.db === undefined ? {} : { db: options.db }),
    ...(options.maxRetriesPerRequest === undefined ? {} : { maxRetriesPerRequest: options.maxRetriesPerRequest }),
    retryStrategy: (times: number) => Math.min(times * 50, maxDelay)
  }
  return options.url === undefined
    ? new Redis({ ...common, host: options.host ?? "127.0.0.1", port: options.port ?? 6379 })
    : new Redis(options.url, common)
}

/** Connects to Redis (or a Redis Cluster); fails if it is not reachable within the connect timeout. */
export const makeRedis = Effect.fnUntraced(function*(options: RedisStorageOptions = {}) {
  const connectTimeout = options.connectTimeoutMs ?? 5_000
  // What went wrong while connecting, for the start-up error: ioredis reports it in events.
  const connectErrors = new Set<string>()
  let connecting = true
  const client = yield* Effect.acquireRelease(
    Effect.sync(() => {
      const client = createClient(options, connectTimeout)
      // Without a listener ioredis reports every reconnect attempt as an unhandled error.
      const record = (error: Error) => {
        if (connecting) connectErrors.add(message(error))
      }
      client.on("error", record)
      client.on("node error", record)
      return client
    }),
    (client) =>
      client.status === "ready"
        ? Effect.promise(() => client.quit().catch(() => client.disconnect()))
        : Effect.sync(() => client.disconnect())
  )
  const unreachable = (cause: unknown) =>
    new StorageError({
      operation: "connect",
      cause: new Error(`${endpoint(options)} is not reachable: ${[...connectErrors, message(cause)].join("; ")}`, { cause })
    })
  yield* Effect.tryPromise({ try: () => client.connect(), catch: unreachable }).pipe(
    Effect.timeoutOrElse({
      duration: connectTimeout + 1_000,
      orElse: () => Effect.fail(unreachable(`no answer within ${connectTimeout} ms`))
    })
  )
  connecting = false

  const script = (name: string, lua: string, numberOfKeys?: number): Script => {
    client.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys })
    // The "Buffer" variant ioredis defines beside it keeps bulk replies as bytes.
    const fn = (client as unknown as Record<string, Script>)[`${name}Buffer`]!
    return (...args) => fn.apply(client, args)
  }
  const logHeadScript = script("weftLogHead", logHeadLua, 3)
  const logReadScript = script("weftLogRead", logReadLua, 4)
  const logTrimScript = script("weftLogTrim", logTrimLua, 3)
  const logAppendScript = script("weftLogAppend", logAppendLua) // 3 or 4 keys
  const incrementScript = script("weftIncrement", incrementLua, 1)
  const logDedupedScript = script("weftLogDeduped", logDedupedLua, 2)

  const run = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, StorageError> =>
    Effect.tryPromise({ try: f, catch: (cause) => new StorageError({ operation, cause }) })

  return Storage.of({
    get: (key) => run("get", () => client.getBuffer(key)).pipe(Effect.map((buffer) => buffer === null ? undefined : toBytes(buffer))),
    set: (key, value, setOptions) => {
      const args: Array<Arg> = [key, toBuffer(value)]
      if (setOptions?.ttlMs !== undefined) args.push("PX", expiry(setOptions.ttlMs))
      if (setOptions?.onlyIfAbsent) args.push("NX")
      return run("set", () => client.call("SET", ...args)).pipe(Effect.map((reply) => reply !== null))
    },
    remove: (key) => run("remove", () => client.del(key)).pipe(Effect.asVoid),
    increment: (key, by, ttlMs) =>
      run("increment", () => incrementScript(key, String(by), ttlMs === undefined ? "" : expiry(ttlMs))).pipe(
        Effect.map((reply) => Number(text(reply)))
      ),
    logHead: (userId) => {
      const [epoch, head] = logKeys(userId)
      return run("logHead", () => logHeadScript(epoch, head, firstKey(userId), newEpoch())).pipe(Effect.map(parseHead))
    },
    logAppend: (userId, request) => {
      const keys: Array<string> = [...logKeys(userId)]
      if (request.dedupeKey !== undefined) keys.push(userKey(userId, "log", "dedupe", request.dedupeKey))
      const ttl = request.dedupeTtlMs === undefined ? "" : expiry(request.dedupeTtlMs)
      return run("logAppend", () => logAppendScript(keys.length, ...keys, newEpoch(), String(request.seq), toBuffer(request.data), ttl)).pipe(
        Effect.flatMap((reply): Effect.Effect<AppendResult, SequenceConflict> => {
          const [tag, seq, data] = reply as [Buffer, number, Buffer | undefined]
          switch (text(tag)) {
            case "appended":
              return Effect.succeed({ _tag: "Appended", entry: { seq: Number(seq), data: request.data } })
            case "duplicate":
              return Effect.succeed({ _tag: "Duplicate", entry: { seq: Number(seq), data: toBytes(data!) } })
            default:
              return Effect.fail(new SequenceConflict({ userId, seq: request.seq, head: Number(seq) }))
          }
        })
      )
    },
    logTrim: (userId, beforeSeq, maxEntries) => {
      const [, head, entries] = logKeys(userId)
      return run("logTrim", () => logTrimScript(head, entries, firstKey(userId), Math.floor(beforeSeq), Math.max(0, Math.floor(maxEntries)))).pipe(
        Effect.map(Number)
      )
    },
    logDeduped: (userId, dedupeKey) =>
      run("logDeduped", () => logDedupedScript(userKey(userId, "log", "dedupe", dedupeKey), logKeys(userId)[2])).pipe(
        Effect.map((reply) => {
          if (reply === null) return undefined
          const [seq, data] = reply as [number, Buffer]
          return { seq: Number(seq), data: toBytes(data) }
        })
      ),
    logRead: (userId, afterSeq, limit) =>
      run("logRead", () => logReadScript(...logKeys(userId), firstKey(userId), newEpoch(), Math.floor(afterSeq), Math.max(0, Math.floor(limit)))).pipe(
        Effect.map((reply) => {
          const all = reply as ReadonlyArray<unknown>
          return { head: parseHead(all), entries: parseEntries(all.slice(3)) }
        })
      ),
    mapGet: (key, field) =>
      run("mapGet", () => client.callBuffer("HGET", key, field)).pipe(
        Effect.map((reply) => reply === null ? undefined : toBytes(reply as Buffer))
      ),
    mapSet: (key, field, value) => run("mapSet", () => client.call("HSET", key, field, toBuffer(value))).pipe(Effect.asVoid),
    mapRemove: (key, field) => run("mapRemove", () => client.call("HDEL", key, field)).pipe(Effect.asVoid),
    mapEntries: (key) =>
      run("mapEntries", () => client.callBuffer("HGETALL", key)).pipe(
        Effect.map((reply) => {
          const flat = reply as ReadonlyArray<Buffer>
          const entries: Array<readonly [string, Uint8Array]> = []
          for (let i = 0; i + 1 < flat.length; i += 2) entries.push([text(flat[i]), toBytes(flat[i + 1]!)])
          return entries
        })
      )
  })
})

/** Storage on Redis; the connection lives as long as the layer's scope. */
export const layerRedis = (options: RedisStorageOptions = {}): Layer.Layer<Storage, StorageError> =>
  Layer.effect(Storage, makeRedis(options))
