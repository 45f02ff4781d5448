/**
 * Hooks served by the application's own server, in any language: each hook is an HTTP POST of
 * JSON to one URL, signed with HMAC-SHA-256 so the app server knows it comes from weft.
 *
 *   POST <url>
 *   content-type: application/json
 *   x-weft-hook: beforeMessage
 *   x-weft-timestamp: 1764500000000              (Unix milliseconds)
 *   x-weft-signature: sha256=<hex HMAC-SHA-256 of "<timestamp>.<body>" with the shared secret>
 *   {"hook":"beforeMessage","data":{...}}
 *
 * A before-hook's answer is a 2xx with a verdict as JSON — {"action":"allow"},
 * {"action":"reject","code":3010,"message":"..."} or {"action":"rewrite","text":"..."} — or an
 * empty body (allow). A timeout, a non-2xx answer or an unreadable one is retried; when the
 * tries run out, a fail-open webhook allows and a fail-closed one (the default) refuses with
 * UNAVAILABLE (the client may retry with the same ids). After-hooks are retried with a doubling
 * backoff and then dropped (logged and counted).
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { Effect } from "effect"
import type { HookSet, Verdict } from "./Hooks.ts"

export interface WebhookOptions {
  readonly url: string
  /** Shared with the app server; at least 16 characters. */
  readonly secret: string
  /** Which hooks to send (all of them unless set). */
  readonly hooks?: ReadonlyArray<keyof HookSet> | undefined
  /** Per try (default 2,000 ms). */
  readonly timeoutMs?: number | undefined
  /** Tries after the first: before-hooks default 1, after-hooks 3. */
  readonly retries?: number | undefined
  /** When the app server cannot be reached, allow (true) or refuse (false, the default). */
  readonly failOpen?: boolean | undefined
}

/** The signature header's value for a body sent at `timestamp`. */
export const signWebhook = (secret: string, timestamp: string, body: string): string =>
  `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`

/**
 * For the app server: whether a request came from weft (its signature matches) and is fresh
 * (its timestamp within `toleranceMs` of now, so a recorded request cannot be replayed later).
 */
export const verifyWebhook = (
  secret: string,
  headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>,
  body: string,
  toleranceMs = 5 * 60_000
): boolean => {
  const timestamp = headers["x-weft-timestamp"]
  const signature = headers["x-weft-signature"]
  if (typeof timestamp !== "string" || typeof signature !== "string") return false
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > toleranceMs) return false
  const expected = Buffer.from(signWebhook(secret, timestamp, body))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

class WebhookFailure extends Error {}

/** One POST; the answer's body (possibly empty) on a 2xx, else a failure. */
const post = (options: WebhookOptions, hook: string, data: unknown, timeoutMs: number) =>
  Effect.tryPromise({
    try: async (signal) => {
      const body = JSON.stringify({ hook, data })
      const timestamp = String(Date.now())
      const response = await fetch(options.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-weft-hook": hook,
          "x-weft-timestamp": timestamp,
          "x-weft-signature": signWebhook(options.secret, timestamp, body)
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
      })
      const text = await response.text()
      if (!response.ok) throw new WebhookFailure(`HTTP ${response.status}`)
      return text
    },
    catch: (error) =>
      error instanceof WebhookFailure
        ? error
        : new WebhookFailure(error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : String(error))
  })

const tried = <A>(
  attempt: Effect.Effect<A, WebhookFailure>,
  retries: number,
  firstDelayMs: number
): Effect.Effect<A, WebhookFailure> =>
  Effect.gen(function*() {
    let delay = firstDelayMs
    for (let left = retries; ; left--) {
      const result = yield* Effect.result(attempt)
      if (result._tag === "Success") return result.success
      if (left <= 0) return yield* Effect.fail(result.failure)
      yield* Effect.sleep(delay)
      delay *= 2
    }
  })

const parseVerdict = (text: string): Verdict => {
  if (text.trim() === "") return { action: "allow" }
  try {
    return JSON.parse(text) as Verdict
  } catch {
    throw new WebhookFailure(`answered ${JSON.stringify(text.slice(0, 80))}, not JSON`)
  }
}

/** The hooks an app server serves at `options.url`. */
export const webhook = (options: WebhookOptions): HookSet => {
  if (options.secret.length < 16) throw new Error("a webhook secret must have at least 16 characters")
  const timeoutMs = options.timeoutMs ?? 2_000
  const wanted = (hook: keyof HookSet) => options.hooks === undefined || options.hooks.includes(hook)
  const before = (hook: string) => (data: unknown): Effect.Effect<Verdict, Error> =>
    tried(
      Effect.flatMap(post(options, hook, data, timeoutMs), (text) =>
        Effect.try({ try: () => parseVerdict(text), catch: (error) => error as WebhookFailure })),
      options.retries ?? 1,
      50
    ).pipe(
      Effect.catch((failure) =>
        options.failOpen === true
          ? Effect.succeed<Verdict>({ action: "allow" })
          : Effect.fail(new Error(`the app server at ${options.url} did not answer (${failure.message})`))
      )
    )
  const after = (hook: string) => (data: unknown): Effect.Effect<void, Error> =>
    tried(post(options, hook, data, timeoutMs), options.retries ?? 3, 200).pipe(Effect.asVoid)
  return {
    ...(wanted("beforeMessage") ? { beforeMessage: before("beforeMessage") } : {}),
    ...(wanted("beforeLogin") ? { beforeLogin: before("beforeLogin") } : {}),
    ...(wanted("afterMessage") ? { afterMessage: after("afterMessage") } : {}),
    ...(wanted("afterLogin") ? { afterLogin: after("afterLogin") } : {}),
    ...(wanted("afterGroupChange") ? { afterGroupChange: after("afterGroupChange") } : {})
  }
}
