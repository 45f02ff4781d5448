/**
 * One long connection: bytes in, frames cut, each frame answered in order, pushes written for
 * the logged-in user. An idle connection is a small object and a registry entry, not a fiber:
 * it enters Effect only when a frame arrives (one fiber per command, gone when it is answered),
 * and its writes are coalesced (an ack and the pushes made while answering leave in one write).
 * The transport is a `Wire` (TCP socket or WebSocket), so both share this code. Nothing here is
 * state that matters: a connection that dies loses only itself, and the client resumes by token
 * and syncs by cursor.
 */
import { randomBytes } from "node:crypto"
import { Effect, Exit, type Fiber } from "effect"
import type { Context } from "effect"
import { Command, type CommandSpec } from "../protocol/Command.ts"
import { encodeFrame, type Frame, FrameDecoder, type FramingError } from "../protocol/Frame.ts"
import { type AuthRequest, Codecs } from "../protocol/Proto.ts"
import { Status } from "../protocol/Status.ts"
import { alreadyLoggedIn, notLoggedIn, type WeftError } from "../protocol/WeftError.ts"
import {
  adjust,
  bytesTotal,
  connectionsClosed,
  connectionsOpen,
  logFailure,
  countCommand,
  record
} from "../metrics/Instruments.ts"
import { newRequestId, REQUEST_ID_HEADER, requestContext } from "../metrics/RequestId.ts"
import { anonymousCaller, type Caller, encodeResponse, failureResponse } from "./CommandTable.ts"
import { Presence } from "../cluster/Presence.ts"
import { sessionIdOf } from "../actors/Session.ts"
import { authSpec, Commands, registerSpec } from "./Commands.ts"
import { ConnectionRegistry, type PushTarget } from "./ConnectionRegistry.ts"
import { GatewayConfig, idleTimeoutMs } from "./GatewayConfig.ts"

export type CloseReason =
  | "peer closed"
  | "idle timeout"
  | "login timeout"
  | "pre-login budget"
  | "framing error"
  | "slow consumer"
  | "kicked"
  | "server stopped"

/** What a connection writes to: a TCP socket or a WebSocket. */
export interface Wire {
  /** Whole frames, in order: in one write where the transport allows (one message each on a WebSocket). */
  write(frames: ReadonlyArray<Uint8Array>): void
  /** Bytes written but not yet handed to the kernel (0 where the transport cannot tell). */
  buffered(): number
  /** Stop / restart reading (frames arrive faster than they are answered). */
  pause(): void
  resume(): void
  /** Flush what was written, then close. */
  end(): void
}

const errorFrame = (code: number, message: string, command: number, requestId: number) =>
  encodeFrame(Command.ERROR, requestId, Codecs.ErrorFrame.encode({ code, message, command }))

const framingErrorFrame = (error: FramingError) =>
  error._tag === "FrameTooLarge"
    ? errorFrame(Status.FRAME_TOO_LARGE, `frame body of ${error.size} bytes exceeds the maximum of ${error.max}`, error.command, 0)
    : errorFrame(Status.UNSUPPORTED_VERSION, `protocol version ${error.version} is not supported (use 1)`, error.command, 0)

/** Frames waiting behind the one being answered before the connection stops reading. */
const MAX_INBOX = 64

/**
 * Frames answered in one event-loop turn before what they wrote leaves early, mid-turn. Writes
 * wait for the end of the turn so that an ack and the pushes made beside it leave in one write;
 * but after a stall (of the peers or of this process) one turn can hold hundreds of frames, and
 * every answer in it would wait for the last one — then the peers get it all at once, stall in
 * turn, and the next burst is as big. 32 answers are ~1 ms of work; a connection written to in
 * both parts of a turn pays one more write.
 */
const FLUSH_EVERY_FRAMES = 32

type Inbound = Frame | { readonly framingError: FramingError }

/** Commands that only read: answered even while another command of the connection runs. */
const ANSWERED_BESIDE: ReadonlySet<number> = new Set([Command.PING, Command.SYNC])

/**
 * The connections of one listener (a TCP port, or an HTTP port's WebSocket path): what they
 * share, their idle sweep (one timer for all of them) and their write flush (one per event-loop
 * turn for all of them, and one more every FLUSH_EVERY_FRAMES answers in a long turn).
 */
export class Connections {
  readonly live = new Set<LongConnection>()
  readonly bytesIn: ReturnType<typeof bytesTotal>
  readonly bytesOut: ReturnType<typeof bytesTotal>
  readonly open: ReturnType<typeof connectionsOpen>
  readonly idleMs: number
  /** Runs an effect in a fiber of its own with the listener's services (one per command). */
  readonly fork: <A, E>(effect: Effect.Effect<A, E>) => Fiber.Fiber<A, E>
  readonly maxBufferedBytes: number
  private flushing: Array<LongConnection> = []
  private flushScheduled = false
  /** Frames answered since the last flush (see FLUSH_EVERY_FRAMES). */
  private answeredSinceFlush = 0
  private readonly sweeper: ReturnType<typeof setInterval>

  constructor(
    readonly transport: string,
    port: number,
    readonly config: GatewayConfig["Service"],
    readonly commands: Commands["Service"],
    readonly registry: ConnectionRegistry["Service"],
    readonly presence: Presence["Service"],
    readonly context: Context.Context<never>,
    /** Called with each connection that closes, after it is closed. */
    readonly onClosed: (connection: LongConnection, reason: CloseReason) => void = () => {}
  ) {
    this.bytesIn = bytesTotal({ transport, direction: "in" })
    this.bytesOut = bytesTotal({ transport, direction: "out" })
    this.open = connectionsOpen({ transport, port: String(port) })
    this.fork = Effect.runForkWith(context)
    this.idleMs = idleTimeoutMs(config)
    this.maxBufferedBytes = Math.max(config.outboundQueueFrames * 1024, 4 * config.maxFrameBytes)
    const period = Math.min(1000, Math.max(20, Math.floor(Math.min(config.loginTimeoutMs, this.idleMs) / 4)))
    this.sweeper = setInterval(() => this.sweep(), period)
    this.sweeper.unref()
  }

  /** A new connection from `remoteAddress` (what frequency control counts logins by). */
  accept(wire: Wire, remoteAddress?: string): LongConnection {
    const connection = new LongConnection(this, wire, remoteAddress)
    this.live.add(connection)
    adjust(this.open, 1)
    return connection
  }

  /**
   * Closes a connection not logged in within the login timeout of its accept, whatever it sent
   * meanwhile (a login still being answered may finish), and a logged-in one silent for longer
   * than the idle timeout. Silence is counted from the peer's last bytes or our last answer,
   * whichever is later: a connection waiting for its answer is not idle.
   */
  private sweep() {
    const now = Date.now()
    for (const connection of this.live) {
      if (connection.answering) continue
      connection.dropInbox()
      if (connection.caller === undefined) {
        if (connection.pastLoginDeadline(now)) connection.close("login timeout")
      } else if (now - connection.lastHeardAt > this.idleMs) {
        connection.close("idle timeout")
      }
    }
  }

  scheduleFlush(connection: LongConnection) {
    this.flushing.push(connection)
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(this.flushAll)
  }

  /** Counts a frame being answered; past FLUSH_EVERY_FRAMES in one turn, writes what is queued now. */
  countAnswer(): void {
    if (++this.answeredSinceFlush >= FLUSH_EVERY_FRAMES && this.flushing.length > 0) this.flushQueued()
  }

  /** The turn's flush. */
  private readonly flushAll = () => {
    this.flushScheduled = false
    this.flushQueued()
  }

  /** The two lists take turns, so none is allocated per flush. */
  private spare: Array<LongConnection> = []
  private flushQueued() {
    this.answeredSinceFlush = 0
    const flushing = this.flushing
    this.flushing = this.spare
    this.spare = flushing
    try {
      for (const each of flushing) each.flush()
    } finally {
      flushing.length = 0
    }
  }

  /** Stops the sweep and closes every connection (the listener is going away). */
  shutdown() {
    clearInterval(this.sweeper)
    for (const connection of [...this.live]) connection.close("server stopped")
  }
}

let nextConnectionId = 1
/** Makes a connection's origin unique among the gateways of a cluster (their ids are per process). */
const PROCESS_TAG = randomBytes(6).toString("base64url")

export class LongConnection implements PushTarget {
  readonly connectionId = nextConnectionId++
  deviceId = ""
  platform = 0
  sessionToken = ""
  origin = ""
  caller: Caller | undefined = undefined
  lastHeardAt = Date.now()
  private readonly acceptedAt = this.lastHeardAt
  /** Bytes received before login, against config.preLoginBytes. */
  private preLoginBytes = 0
  closedBecause: CloseReason | undefined = undefined
  private readonly decoder: FrameDecoder
  private inbox: Array<Inbound> | undefined = undefined
  private running: Fiber.Fiber<unknown, unknown> | undefined = undefined
  /** Reads answered while `running` runs (see answerBeside). */
  private beside: Set<Fiber.Fiber<unknown, unknown>> | undefined = undefined
  private out: Array<Uint8Array> | undefined = undefined
  private paused = false

  constructor(
    private readonly connections: Connections,
    private readonly wire: Wire,
    private readonly remoteAddress: string | undefined
  ) {
    this.decoder = new FrameDecoder(connections.config.maxFrameBytes)
  }

  pastLoginDeadline(now: number): boolean {
    return now - this.acceptedAt > this.connections.config.loginTimeoutMs
  }

  /** Bytes from the peer. */
  received(chunk: Uint8Array) {
    if (this.closedBecause !== undefined) return
    this.lastHeardAt = Date.now()
    record(this.connections.bytesIn, chunk.length)
    const budget = this.connections.config.preLoginBytes
    if (this.caller === undefined && (this.preLoginBytes += chunk.length) > budget) {
      this.send(errorFrame(Status.FRAME_TOO_LARGE, `more than ${budget} bytes before login`, 0, 0))
      this.close("pre-login budget")
      return
    }
    const inbox = this.inbox ??= []
    const queued = inbox.length
    const error = this.decoder.decodeInto(chunk, inbox)
    if (error !== undefined) inbox.push({ framingError: error })
    if (inbox.length > queued) this.drain()
  }

  /**
   * An idle connection keeps no inbox (an array that has held frames keeps their room): the
   * sweep drops an empty one, while a busy connection reuses its array, frame after frame.
   */
  dropInbox() {
    if (this.inbox !== undefined && this.inbox.length === 0) this.inbox = undefined
  }

  get answering(): boolean {
    return this.running !== undefined
  }

  /** Answers queued frames one at a time, in order. */
  private drain() {
    const inbox = this.inbox
    while (this.running === undefined && inbox !== undefined && inbox.length > 0 && this.closedBecause === undefined) {
      // Past the login deadline, nothing more is answered for a connection not logged in.
      if (this.caller === undefined && this.pastLoginDeadline(Date.now())) {
        this.close("login timeout")
        return
      }
      // Past FLUSH_EVERY_FRAMES answers in this turn what is queued leaves now — which may cut
      // this connection as a slow consumer: then the frame stays unanswered, like the rest.
      this.connections.countAnswer()
      if (this.closedBecause !== undefined) return
      const next = inbox.shift()!
      if ("framingError" in next) {
        this.send(framingErrorFrame(next.framingError))
        this.close("framing error")
        return
      }
      const fiber = this.dispatch(next)
      if (fiber === undefined || fiber.pollUnsafe() !== undefined) continue
      this.running = fiber
      // A closure per command that waits, none per idle connection.
      fiber.addObserver(() => this.answered())
    }
    if (this.running !== undefined && this.caller !== undefined && inbox !== undefined) this.answerBeside(inbox)
    if (inbox !== undefined && inbox.length > MAX_INBOX && !this.paused) {
      this.paused = true
      this.wire.pause()
    } else if (this.paused && (inbox === undefined || inbox.length === 0)) {
      this.paused = false
      this.wire.resume()
    }
  }

  /**
   * While a command runs (a send waiting on a shard between runners, say), the queued frames that
   * only read — pings and syncs — are answered beside it, so a stuck send does not hold up the
   * heartbeat; everything else waits its turn, which keeps a sender's messages in order.
   * Responses carry their request ids, so they may leave out of order.
   */
  private answerBeside(inbox: Array<Inbound>) {
    for (let i = 0; i < inbox.length; i++) {
      const frame = inbox[i]!
      if ("framingError" in frame) return
      if (!ANSWERED_BESIDE.has(frame.command)) continue
      inbox.splice(i--, 1)
      const fiber = this.dispatch(frame)
      if (fiber === undefined || fiber.pollUnsafe() !== undefined) continue
      const beside = this.beside ??= new Set()
      beside.add(fiber)
      fiber.addObserver(() => beside.delete(fiber))
    }
  }

  private answered() {
    this.running = undefined
    // A login just made switches to the idle timeout from now.
    this.lastHeardAt = Date.now()
    this.drain()
  }

  /** Queues bytes for the peer; they leave with everything else written in this event-loop turn. */
  send(bytes: Uint8Array) {
    if (this.closedBecause !== undefined) return
    if (this.out === undefined) {
      this.out = [bytes]
      this.connections.scheduleFlush(this)
    } else {
      this.out.push(bytes)
    }
  }

  flush() {
    const out = this.out
    if (out === undefined) return
    this.out = undefined
    let bytes = 0
    for (const frame of out) bytes += frame.length
    record(this.connections.bytesOut, bytes)
    this.wire.write(out)
    this.cutIfSlow()
  }

  /** Disconnects a consumer too slow to take what it is sent: more than the limit still buffered. */
  cutIfSlow() {
    if (this.closedBecause === undefined && this.wire.buffered() > this.connections.maxBufferedBytes) {
      this.close("slow consumer")
    }
  }

  // PushTarget: pushes never wait; a consumer too slow to take them is disconnected.
  offer(frame: Uint8Array) {
    this.send(frame)
  }

  kick(frame: Uint8Array) {
    this.send(frame)
    this.close("kicked")
  }

  close(reason: CloseReason) {
    if (this.closedBecause !== undefined) return
    // What is queued (an error frame, a Kicked) still leaves, then the wire closes.
    this.flush()
    this.closedBecause = reason
    this.connections.live.delete(this)
    this.wire.end()
    this.running?.interruptUnsafe()
    if (this.beside !== undefined) for (const fiber of this.beside) fiber.interruptUnsafe()
    this.inbox = undefined
    // A logged-in connection leaves the registry and its presence mark; it held no scope for them.
    const caller = this.caller
    if (caller !== undefined) {
      this.connections.registry.remove(caller.userId, this)
      this.connections.fork(this.connections.presence.leave(caller.userId, sessionIdOf(caller.sessionToken)))
    }
    adjust(this.connections.open, -1)
    record(connectionsClosed({ transport: this.connections.transport, reason }), 1)
    this.connections.onClosed(this, reason)
  }

  private respond(spec: CommandSpec, frame: Frame, body: Uint8Array) {
    this.send(encodeFrame(spec.id, frame.requestId, body))
  }

  private login(request: AuthRequest): Effect.Effect<Uint8Array, WeftError> {
    const { commands, registry, presence, transport } = this.connections
    const self = this
    return Effect.gen(function*() {
      if (self.caller !== undefined) return yield* alreadyLoggedIn("this connection is already logged in")
      const authenticated = yield* commands.auth(request, self.remoteAddress)
      if (self.closedBecause !== undefined) return authSpec.response.encode(authenticated.response)
      self.origin = `${PROCESS_TAG}.${self.connectionId}`
      self.caller = {
        userId: authenticated.userId,
        deviceId: authenticated.deviceId,
        sessionToken: authenticated.response.sessionToken,
        transport,
        origin: self.origin
      }
      self.deviceId = authenticated.deviceId
      self.platform = authenticated.platform
      self.sessionToken = authenticated.response.sessionToken
      // Registered before the response is written, so no change appended after the head the
      // response reports can miss this connection. No scope holds the entry or the presence mark
      // (an idle connection keeps no effect state): close() removes both.
      registry.add(authenticated.userId, self)
      yield* presence.enter(authenticated.userId, sessionIdOf(authenticated.response.sessionToken))
      return yield* commands.answerAuth(authenticated, request, self.connectionId)
    })
  }

  /**
   * Starts answering one frame: the fiber answering it (already done if nothing in it had to
   * wait), or undefined when it was answered at once.
   */
  private dispatch(frame: Frame): Fiber.Fiber<void> | undefined {
    const { commands, transport } = this.connections
    const entry = frame.command === Command.REGISTER || frame.command === Command.AUTH
      ? undefined
      : commands.byId(frame.command)
    const spec: CommandSpec | undefined = frame.command === Command.REGISTER
      ? registerSpec
      : frame.command === Command.AUTH
      ? authSpec
      : entry?.spec
    if (spec === undefined) {
      this.send(errorFrame(Status.UNKNOWN_COMMAND, `unknown command ${frame.command}`, frame.command, frame.requestId))
      return undefined
    }
    let request: any
    try {
      request = spec.request.decode(frame.body)
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause)
      this.send(errorFrame(Status.BAD_REQUEST, `undecodable ${spec.name} body: ${reason}`, frame.command, frame.requestId))
      return undefined
    }
    const caller = this.caller
    const startedAt = performance.now()
    const requestId = newRequestId()
    let run: Effect.Effect<unknown, WeftError> | undefined
    if (caller !== undefined && entry?.now !== undefined) {
      // The command's plain form first: answered within this call, with no fiber, when
      // everything it calls answers within its call; else what is left runs as below.
      try {
        run = entry.now(caller, request, { [REQUEST_ID_HEADER]: requestId })
      } catch (defect) {
        run = Effect.die(defect)
      }
      if (run !== undefined && Exit.isExit(run) && Exit.isSuccess(run)) {
        this.respond(spec, frame, encodeResponse(spec, run.value))
        countCommand(spec.name, transport, 0, startedAt)
        return undefined
      }
      // A failure (an Exit too) is answered, counted and logged as the handler's would be.
    }
    run ??= spec.id === Command.REGISTER
      ? commands.register(request, this.remoteAddress)
      : spec.id === Command.AUTH
      ? this.login(request)
      : caller === undefined
      ? entry!.beforeLogin
        ? entry!.handle(anonymousCaller(transport), request)
        : Effect.fail(notLoggedIn(`${spec.name} needs a login first (send AUTH)`))
      : entry!.handle(caller, request)
    const answer = run.pipe(
      Effect.matchEffect({
        onFailure: (error) => {
          this.respond(spec, frame, spec.response.encode(failureResponse(spec, error)))
          countCommand(spec.name, transport, error.code, startedAt)
          return logFailure(error)
        },
        onSuccess: (value) => {
          this.respond(spec, frame, encodeResponse(spec, value))
          countCommand(spec.name, transport, 0, startedAt)
          return Effect.void
        }
      })
    )
    // The command's fiber starts in its request's context (its logs and actor calls carry the id).
    const context = requestContext(this.connections.context, requestId, { command: spec.name, transport, userId: caller?.userId ?? "" })
    return Effect.runForkWith(context)(answer)
  }
}

/**
 * The connections of one listener, as a scoped resource: closing the scope closes them all.
 * `onClosed` sees every connection that closes (for logging).
 */
export const makeConnections = (transport: string, port: number) =>
  Effect.gen(function*() {
    const connections = new Connections(
      transport,
      port,
      yield* GatewayConfig,
      yield* Commands,
      yield* ConnectionRegistry,
      yield* Presence,
      yield* Effect.context<never>(),
      (connection, reason) => {
        if (reason !== "peer closed") {
          Effect.runForkWith(connections.context)(
            Effect.logDebug("connection closed", { connectionId: connection.connectionId, reason, userId: connection.caller?.userId })
          )
        }
      }
    )
    yield* Effect.addFinalizer(() => Effect.sync(() => connections.shutdown()))
    return connections
  })
