/**
 * A call to an actor through the engine. Where the actor lives is the engine's business
 * (transparent redirection); the caller only sees the actor's own WeftError or, when the
 * engine cannot deliver in time (mailbox full, shard moving, runner gone), UNAVAILABLE,
 * which a client may retry with the same ids.
 */
import { Duration, Effect } from "effect"
import { unavailable, WeftError } from "../protocol/WeftError.ts"

export const callTimeout = Duration.seconds(10)

export const callActor = <A, E, R>(
  call: Effect.Effect<A, E, R>,
  what: string
): Effect.Effect<A, WeftError, R> =>
  call.pipe(
    Effect.timeoutOrElse({
      duration: callTimeout,
      orElse: () => Effect.fail(unavailable(`${what}: no answer within ${Duration.format(callTimeout)}`))
    }),
    Effect.catch((error: unknown) =>
      Effect.fail(error instanceof WeftError ? error : unavailable(`${what}: ${describe(error)}`))
    )
  )

const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : String(error)
