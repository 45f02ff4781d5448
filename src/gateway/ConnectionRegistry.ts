/**
 * The live, logged-in connections of this gateway, by user. A connection registers for the
 * lifetime of its scope; pushes for its user are handed to it without waiting (each
 * connection has its own bounded outbound queue and drops itself when that overflows).
 */
import { Context, Effect, Layer, Metric, type Scope } from "effect"
import { pushesTotal, record } from "../metrics/Instruments.ts"
import { Command } from "../protocol/Command.ts"
import { encodeFrame } from "../protocol/Frame.ts"
import { encodeGroupPushFrame, encodePushFrame } from "../protocol/prebuilt.ts"
import type { LogEntry } from "../storage/Storage.ts"

export interface PushTarget {
  readonly connectionId: number
  readonly deviceId: string
  readonly platform: number
  readonly sessionToken: string
  /**
   * Who a change that a request of this target caused comes from (Caller.origin): a push with
   * this origin skips the target. A long connection's is its own; the long polls of one HTTP
   * session share the session's.
   */
  readonly origin: string
  /** Queue a whole frame for this connection; must not block. */
  readonly offer: (frame: Uint8Array) => void
  /** Queue a last frame (a Kicked) and close the connection. */
  readonly kick: (frame: Uint8Array) => void
}

/** Which of a user's connections to close. */
export interface KickFilter {
  readonly sessionToken?: string | undefined
  readonly deviceId?: string | undefined
  /** Close only this connection (a device's abandoned one, named at its next login). */
  readonly connectionId?: number | undefined
  /** Close only connections of this platform... */
  readonly platform?: number | undefined
  /** ...and never this session (the new login that causes the kick). */
  readonly exceptSessionToken?: string | undefined
}

export class ConnectionRegistry extends Context.Service<ConnectionRegistry, {
  readonly register: (userId: string, target: PushTarget) => Effect.Effect<void, never, Scope.Scope>
  /**
   * `register` as plain calls, for a connection that holds no scope while idle: `add` at login,
   * `remove` when it closes.
   */
  readonly add: (userId: string, target: PushTarget) => void
  readonly remove: (userId: string, target: PushTarget) => void
  /** Sends the change to every live connection of the user but `origin`; returns how many got it. */
  readonly pushToConnections: (userId: string, entry: LogEntry, epoch: string, origin?: string) => Effect.Effect<number>
  /** Sends `frame` to the matching connections of the user and closes them; returns how many. */
  readonly kick: (userId: string, filter: KickFilter, frame: Uint8Array) => Effect.Effect<number>
  /** `pushToConnections` as a plain call, for a batch of pushes from another process. */
  readonly pushNow: (userId: string, change: Uint8Array, origin?: string) => number
  /**
   * Sends an entry of a read-diffusion group's log to the live connections of those of
   * `userIds` on this gateway (one frame, made once); returns how many got it.
   */
  readonly pushGroupNow: (groupId: string, userIds: ReadonlyArray<string>, change: Uint8Array, origin?: string) => number
  /** `kick` as a plain call. */
  readonly kickNow: (userId: string, filter: KickFilter, frame: Uint8Array) => number
  readonly connectionsOf: (userId: string) => ReadonlyArray<PushTarget>
  readonly size: () => number
}>()("weft/gateway/ConnectionRegistry") {}

export const make = Effect.sync(() => {
  // A user's connections as an array, not a Set: most users have one to three, a push walks them
  // by index (no iterator per push) and an idle user's entry is a few words. Logins and logouts
  // replace the array rather than change it, so a push walking it (whose offer may cut a slow
  // consumer) sees the connections it started with.
  const byUser = new Map<string, ReadonlyArray<PushTarget>>()
  let count = 0

  const add = (userId: string, target: PushTarget) => {
    const targets = byUser.get(userId)
    if (targets?.includes(target)) return
    byUser.set(userId, targets === undefined ? [target] : [...targets, target])
    count++
  }

  const drop = (userId: string, target: PushTarget) => {
    const targets = byUser.get(userId)
    if (targets === undefined || !targets.includes(target)) return
    count--
    if (targets.length === 1) byUser.delete(userId)
    else byUser.set(userId, targets.filter((each) => each !== target))
  }

  const pushNow = (userId: string, change: Uint8Array, origin?: string): number => {
    const targets = byUser.get(userId)
    if (targets === undefined) return 0
    let frame: Uint8Array | undefined
    let pushed = 0
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i]!
      if (target.origin === origin) continue
      target.offer(frame ??= encodePushFrame(change))
      pushed++
    }
    record(pushesTotal, pushed)
    return pushed
  }

  const pushGroupNow = (groupId: string, userIds: ReadonlyArray<string>, change: Uint8Array, origin?: string): number => {
    let frame: Uint8Array | undefined
    let count = 0
    for (const userId of userIds) {
      const targets = byUser.get(userId)
      if (targets === undefined) continue
      frame ??= encodeGroupPushFrame(groupId, change)
      for (let i = 0; i < targets.length; i++) {
        const target = targets[i]!
        if (origin !== undefined && target.origin === origin) continue
        target.offer(frame)
        count++
      }
    }
    if (count > 0) record(pushesTotal, count)
    return count
  }

  const kickNow = (userId: string, filter: KickFilter, frame: Uint8Array): number => {
    let kicked = 0
    for (const target of [...(byUser.get(userId) ?? [])]) {
      if (filter.sessionToken !== undefined && target.sessionToken !== filter.sessionToken) continue
      if (filter.deviceId !== undefined && target.deviceId !== filter.deviceId) continue
      if (filter.connectionId !== undefined && target.connectionId !== filter.connectionId) continue
      if (filter.platform !== undefined && target.platform !== filter.platform) continue
      if (filter.exceptSessionToken !== undefined && target.sessionToken === filter.exceptSessionToken) continue
      target.kick(frame)
      kicked++
    }
    return kicked
  }

  return ConnectionRegistry.of({
    register: (userId, target) =>
      Effect.acquireRelease(Effect.sync(() => add(userId, target)), () => Effect.sync(() => drop(userId, target))),
    pushToConnections: (userId, entry, _epoch, origin) => Effect.sync(() => pushNow(userId, entry.data, origin)),
    kick: (userId, filter, frame) => Effect.sync(() => kickNow(userId, filter, frame)),
    add,
    remove: drop,
    pushNow,
    pushGroupNow,
    kickNow,
    connectionsOf: (userId) => [...(byUser.get(userId) ?? [])],
    size: () => count
  })
})

export const layer: Layer.Layer<ConnectionRegistry> = Layer.effect(ConnectionRegistry, make)
