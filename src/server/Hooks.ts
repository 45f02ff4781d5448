/**
 * Hooks: the application's say around what weft does. Before a message is stored a hook may
 * allow it, reject it with a status, or rewrite its text; before a login it may refuse the
 * login; after a message is stored, after a login and after a group changes, hooks are told
 * (off the path of the request: they never delay an acknowledgement).
 *
 * A hook is an Effect, a Promise or a plain value. `Hooks` is the service the actors read;
 * it holds every feature's hooks combined in order (the first rejection wins; rewrites apply in
 * turn). `webhook(...)` (Webhook.ts) makes the same hooks for an app server in another language.
 * Every call is measured: `weft_hook_seconds{hook}` and `weft_hook_calls_total{hook,outcome}`.
 */
import { Cause, Context, Effect, Metric } from "effect"
import { counter, histogram, labelled, record } from "../metrics/Instruments.ts"
import { Status } from "../protocol/Status.ts"
import { WeftError } from "../protocol/WeftError.ts"

/** A message about to be stored, as its sender sent it. */
export interface MessageDraft {
  readonly from: string
  /** The recipient of a 1:1 message; "" for a group message. */
  readonly to: string
  /** The group of a group message; "" for a 1:1 message. */
  readonly groupId: string
  /** weft.v1.MessageType: 0 text, 1 image, 2 voice, 3 video, 4 file. */
  readonly type: number
  readonly text: string
  readonly clientMsgId: string
  readonly mediaId: string
}

/** A message once stored in every log that holds it. */
export interface StoredMessage extends MessageDraft {
  readonly messageId: string
  readonly sentAtMs: number
  /** Its sequence in the sender's own log. */
  readonly seq: number
}

/** What a before-hook answers. */
export type Verdict =
  | { readonly action: "allow" }
  | {
    readonly action: "reject"
    /** The status the client gets: REJECTED (3010) unless set. */
    readonly code?: number | undefined
    readonly message?: string | undefined
  }
  | {
    /** Store the message with this text instead (before-message only). */
    readonly action: "rewrite"
    readonly text: string
  }

export interface LoginAttempt {
  readonly userId: string
  readonly deviceId: string
  readonly platform: number
  /** The caller's network address, when known. */
  readonly address: string
  /** How the caller proves who it is: "password", "resume" or "token" (the app's JWT). */
  readonly method: string
}

export interface GroupChange {
  readonly groupId: string
  /** Who made the change. */
  readonly by: string
  /** "created", "members-added", "member-removed", "member-left" or "renamed". */
  readonly kind: string
  /** The users added or removed, where the change has any. */
  readonly members: ReadonlyArray<string>
  /** The group's name after a creation or a rename. */
  readonly name: string
}

type Answer<A> = Effect.Effect<A, unknown> | Promise<A> | A

/** The hooks of one feature, or of an app server (webhook). Every hook is optional. */
export interface HookSet {
  readonly beforeMessage?: (message: MessageDraft) => Answer<Verdict>
  readonly afterMessage?: (message: StoredMessage) => Answer<void>
  readonly beforeLogin?: (login: LoginAttempt) => Answer<Verdict>
  readonly afterLogin?: (login: LoginAttempt) => Answer<void>
  readonly afterGroupChange?: (change: GroupChange) => Answer<void>
}

export const hookSeconds = labelled((attributes) =>
  histogram("weft_hook_seconds", {
    description: "Time the application's hooks take, by hook",
    boundaries: Metric.exponentialBoundaries({ start: 0.0001, factor: 2, count: 18 }),
    attributes
  })
)

export const hookCalls = labelled((attributes) =>
  counter("weft_hook_calls_total", {
    description: "Calls of the application's hooks, by hook and outcome (allow, reject, rewrite, ok, failed)",
    incremental: true,
    attributes
  })
)

/** The hooks as the actors call them: `undefined` where no feature has one (nothing to pay). */
export interface Hooks {
  readonly beforeMessage: ((message: MessageDraft) => Effect.Effect<Verdict, WeftError>) | undefined
  readonly beforeLogin: ((login: LoginAttempt) => Effect.Effect<Verdict, WeftError>) | undefined
  /**
   * Starts the after-hooks in a background fiber of the caller's (its logger and request id
   * annotations) and returns at once.
   */
  readonly afterMessage: ((message: StoredMessage) => Effect.Effect<void>) | undefined
  readonly afterLogin: ((login: LoginAttempt) => Effect.Effect<void>) | undefined
  readonly afterGroupChange: ((change: GroupChange) => Effect.Effect<void>) | undefined
}

export const noHooks: Hooks = {
  beforeMessage: undefined,
  beforeLogin: undefined,
  afterMessage: undefined,
  afterLogin: undefined,
  afterGroupChange: undefined
}

/** The hooks of this process; none unless a layer provides them (`Weft.layer`, `--feature`, `--hook-url`). */
export const Hooks = Context.Reference<Hooks>("weft/server/Hooks", { defaultValue: () => noHooks })

/** An answer of any of the three kinds as an effect; a thrown error or a rejection is a failure. */
const toEffect = <A>(run: () => Answer<A>): Effect.Effect<A, unknown> =>
  Effect.suspend(() => {
    const answer = run()
    if (Effect.isEffect(answer)) return answer as Effect.Effect<A, unknown>
    if (answer !== null && typeof answer === "object" && typeof (answer as { then?: unknown }).then === "function") {
      return Effect.tryPromise({ try: () => answer as Promise<A>, catch: (error) => error })
    }
    return Effect.succeed(answer as A)
  })

const isVerdict = (value: unknown): value is Verdict => {
  if (value === null || typeof value !== "object") return false
  const action = (value as { action?: unknown }).action
  if (action === "allow") return true
  if (action === "reject") {
    const { code, message } = value as { code?: unknown; message?: unknown }
    return (code === undefined || (Number.isInteger(code) && (code as number) > 0)) &&
      (message === undefined || typeof message === "string")
  }
  return action === "rewrite" && typeof (value as { text?: unknown }).text === "string"
}

/** The rejection a client gets for a verdict. */
export const rejection = (verdict: Extract<Verdict, { action: "reject" }>): WeftError =>
  new WeftError({ code: verdict.code ?? Status.REJECTED, message: verdict.message ?? "refused by the application" })

const failedHook = (hook: string, cause: unknown) =>
  new WeftError({ code: Status.UNAVAILABLE, message: `hook ${hook} failed: ${describe(cause)}` })

const describe = (cause: unknown): string =>
  cause instanceof WeftError ? cause.message : cause instanceof Error ? cause.message : String(cause)

/**
 * A before-hook chain: each hook sees the draft as the previous one left it; the first
 * rejection ends it. A hook that fails (throws, rejects, answers something that is not a
 * verdict) fails the request with UNAVAILABLE: the client retries with the same ids.
 */
const beforeChain = <D>(
  name: string,
  hooks: ReadonlyArray<(draft: D) => Answer<Verdict>>,
  rewrite: (draft: D, text: string) => D
) => {
  if (hooks.length === 0) return undefined
  const seconds = hookSeconds({ hook: name })
  const outcome = (kind: string) => hookCalls({ hook: name, outcome: kind })
  const one = (hook: (draft: D) => Answer<Verdict>, draft: D): Effect.Effect<Verdict, WeftError> => {
    const started = performance.now()
    return toEffect(() => hook(draft)).pipe(
      Effect.flatMap((verdict) =>
        isVerdict(verdict)
          ? Effect.succeed(verdict)
          : Effect.fail(new Error(`answered ${JSON.stringify(verdict)}, not a verdict`))
      ),
      Effect.mapError((cause) => failedHook(name, cause)),
      Effect.onExit((exit) =>
        Effect.sync(() => {
          record(seconds, (performance.now() - started) / 1000)
          record(outcome(exit._tag === "Success" ? exit.value.action : "failed"), 1)
        })
      )
    )
  }
  return (draft: D): Effect.Effect<Verdict, WeftError> =>
    Effect.gen(function*() {
      let current = draft
      let rewritten: string | undefined
      for (const hook of hooks) {
        const verdict = yield* one(hook, current)
        if (verdict.action === "reject") return verdict
        if (verdict.action === "rewrite") {
          rewritten = verdict.text
          current = rewrite(current, verdict.text)
        }
      }
      return rewritten === undefined ? { action: "allow" } as const : { action: "rewrite", text: rewritten } as const
    })
}

/** An after-hook chain, run in a detached fiber: its failures are logged and counted, never returned. */
const afterChain = <E>(name: string, hooks: ReadonlyArray<(event: E) => Answer<void>>) => {
  if (hooks.length === 0) return undefined
  const seconds = hookSeconds({ hook: name })
  const ok = hookCalls({ hook: name, outcome: "ok" })
  const failed = hookCalls({ hook: name, outcome: "failed" })
  return (event: E): Effect.Effect<void> =>
    Effect.forEach(hooks, (hook) => {
      const started = performance.now()
      return Effect.forkDetach(
        toEffect(() => hook(event)).pipe(
          Effect.onExit((exit) =>
            Effect.sync(() => {
              record(seconds, (performance.now() - started) / 1000)
              record(exit._tag === "Success" ? ok : failed, 1)
            })
          ),
          Effect.catchCause((cause) =>
            Effect.logWarning(`hook ${name} failed`, Cause.squash(cause)).pipe(Effect.annotateLogs({ hook: name }))
          )
        )
      )
    }, { discard: true })
}

/** Every feature's hooks as one `Hooks`, in the order given. */
export const combine = (sets: ReadonlyArray<HookSet>): Hooks => {
  const all = <K extends keyof HookSet>(key: K) =>
    sets.flatMap((set) => {
      const hook = set[key] as ((input: unknown) => unknown) | undefined
      return hook === undefined ? [] : [((input: unknown) => hook.call(set, input)) as NonNullable<HookSet[K]>]
    })
  return {
    beforeMessage: beforeChain("beforeMessage", all("beforeMessage"), (draft, text) => ({ ...draft, text })),
    beforeLogin: beforeChain("beforeLogin", all("beforeLogin"), (login) => login),
    afterMessage: afterChain("afterMessage", all("afterMessage")),
    afterLogin: afterChain("afterLogin", all("afterLogin")),
    afterGroupChange: afterChain("afterGroupChange", all("afterGroupChange"))
  }
}
