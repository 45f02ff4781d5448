/**
 * One long connection, served by one fiber: read bytes, cut them into frames, answer each
 * frame in order, and write pushes for the logged-in user. Works over any Effect Socket, so
 * TCP and WebSocket share it. Nothing here is state that matters: a connection that dies
 * loses only itself, and the client resumes by token and syncs by cursor.
 */
import { type Cause, Deferred, Effect, Exit, Fiber, Metric, Queue, Scope } from "effect"
import * as Socket from "effect/socket/Socket"
import { Command, type CommandSpec } from "../protocol/Command.ts"
import { encodeFrame, type Frame, FrameDecoder, type FramingError } from "../protocol/Frame.ts"
import { type AuthRequest, Codecs } from "../protocol/Proto.ts"
import { Status } from "../protocol/Status.ts"
import { alreadyLoggedIn, notLoggedIn, WeftError } from "../protocol/WeftError.ts"
import { bytesTotal, connectionsClosed, connectionsOpen, logFailure, modify, record, recordCommand, update } from "../metrics/Instruments.ts"
import { newRequestId, withRequestId } from "../metrics/RequestId.ts"
import { anonymousCaller, type Caller, encodeResponse } from "./CommandTable.ts"
import { Presence } from "../cluster/Presence.ts"
import { authSpec, Commands, registerSpec } from "./Commands.ts"
import { ConnectionRegistry } from "./ConnectionRegistry.ts"
import { GatewayConfig, idleTimeoutMs } from "./GatewayConfig.ts"

export type CloseReason = "peer closed" | "idle timeout" | "framing error" | "slow consumer" | "kicked"

const errorFrame = (code: number, message: string, command: number, requestId: number) =>
  encodeFrame(Command.ERROR, requestId, Codecs.ErrorFrame.encode({ code, message, command }))

const framingErrorFrame = (error: FramingError) =>
  error._tag === "FrameTooLarge"
    ? errorFrame(Status.FRAME_TOO_LARGE, `frame body of ${error.size} bytes exceeds the maximum of ${error.max}`, error.command, 0)
    : errorFrame(Status.UNSUPPORTED_VERSION, `protocol version ${error.version} is not supported (use 1)`, error.command, 0)

let nextConnectionId = 1

/** Serves one connection of `transport` ("tcp", "ws") accepted on the listening `port`. */
export const serveConnection = Effect.fnUntraced(function*(socket: Socket.Socket, transport: string, port: number) {
  const config = yield* GatewayConfig
  const commands = yield* Commands
  const registry = yield* ConnectionRegistry
  const presence = yield* Presence
  const scope = yield* Scope.Scope
  const connectionId = nextConnectionId++

  const write = yield* socket.writer
  const bytesIn = bytesTotal({ transport, direction: "in" })
  const bytesOut = bytesTotal({ transport, direction: "out" })
  const pull = yield* Socket.readerBytes(socket)
  const outbound = yield* Queue.bounded<Uint8Array, Cause.Done>(config.outboundQueueFrames)
  const closed = yield* Deferred.make<CloseReason>()
  const close = (reason: CloseReason) => Deferred.doneUnsafe(closed, Exit.succeed(reason))

  // The writer fiber drains the outbound queue in batches until the queue ends; a socket
  // error ends the connection.
  const writer = yield* Effect.forkIn(
    Effect.forever(Effect.flatMap(Queue.takeAll(outbound), (frames) => {
      let bytes = 0
      for (const frame of frames) bytes += frame.length
      record(bytesOut, bytes)
      return write.writeAll(frames)
    })).pipe(
      Effect.catch(() => Effect.sync(() => close("peer closed")))
    ),
    scope
  )
  const send = (frame: Uint8Array) => Queue.offer(outbound, frame)

  let caller: Caller | undefined

  const respond = (spec: CommandSpec, frame: Frame, body: Uint8Array) => send(encodeFrame(spec.id, frame.requestId, body))
  const respondError = (spec: CommandSpec, frame: Frame, error: WeftError) =>
    respond(spec, frame, spec.response.encode({ base: { code: error.code, message: error.message } }))

  const login = (request: AuthRequest) =>
    Effect.gen(function*() {
      if (caller !== undefined) return yield* alreadyLoggedIn("this connection is already logged in")
      const authenticated = yield* commands.auth(request)
      caller = {
        userId: authenticated.userId,
        deviceId: authenticated.deviceId,
        sessionToken: authenticated.response.sessionToken,
        transport
      }
      // Registered before the response is written, so no change appended after the head the
      // response reports can miss this connection.
      yield* registry.register(authenticated.userId, {
        connectionId,
        deviceId: authenticated.deviceId,
        platform: authenticated.platform,
        sessionToken: authenticated.response.sessionToken,
        offer: (frame) => {
          if (!Queue.offerUnsafe(outbound, frame)) close("slow consumer")
        },
        kick: (frame) => {
          Queue.offerUnsafe(outbound, frame)
          close("kicked")
        }
      }).pipe(Scope.provide(scope))
      yield* presence.online(authenticated.userId).pipe(Scope.provide(scope))
      return authSpec.response.encode(authenticated.response)
    })

  const dispatch = (frame: Frame): Effect.Effect<void> => {
    const entry = frame.command === Command.REGISTER || frame.command === Command.AUTH
      ? undefined
      : commands.byId(frame.command)
    const spec: CommandSpec | undefined = frame.command === Command.REGISTER
      ? registerSpec
      : frame.command === Command.AUTH
      ? authSpec
      : entry?.spec
    if (spec === undefined) {
      return send(errorFrame(Status.UNKNOWN_COMMAND, `unknown command ${frame.command}`, frame.command, frame.requestId))
    }
    let request: any
    try {
      request = spec.request.decode(frame.body)
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause)
      return send(errorFrame(Status.BAD_REQUEST, `undecodable ${spec.name} body: ${reason}`, frame.command, frame.requestId))
    }
    const run: Effect.Effect<unknown, WeftError> = spec.id === Command.REGISTER
      ? commands.register(request)
      : spec.id === Command.AUTH
      ? login(request)
      : caller === undefined
      ? entry!.beforeLogin
        ? entry!.handle(anonymousCaller(transport), request)
        : Effect.fail(notLoggedIn(`${spec.name} needs a login first (send AUTH)`))
      : entry!.handle(caller, request)
    const startedAt = performance.now()
    return run.pipe(
      Effect.matchEffect({
        onFailure: (error) =>
          Effect.andThen(respondError(spec, frame, error), recordCommand(spec.name, transport, error.code, startedAt)).pipe(
            Effect.andThen(logFailure(error))
          ),
        onSuccess: (value) =>
          Effect.andThen(
            respond(spec, frame, encodeResponse(spec, value)),
            recordCommand(spec.name, transport, 0, startedAt)
          )
      }),
      withRequestId(newRequestId(), { command: spec.name, transport, userId: caller?.userId ?? "" })
    )
  }

  const decoder = new FrameDecoder(config.maxFrameBytes)
  const idleMs = idleTimeoutMs(config)

  // The silence allowed before the next frame: the login timeout until logged in, then the idle
  // timeout. One Node timer per connection, re-armed as bytes arrive (not a fiber per read).
  const onSilence = () => close("idle timeout")
  let silence = setTimeout(onSilence, config.loginTimeoutMs).unref()
  let loggedInTimer = false
  const heard = () => {
    if (!loggedInTimer && caller !== undefined) {
      loggedInTimer = true
      clearTimeout(silence)
      silence = setTimeout(onSilence, idleMs).unref()
    } else {
      silence.refresh()
    }
  }

  const readLoop: Effect.Effect<CloseReason> = Effect.gen(function*() {
    while (true) {
      const next = yield* pull.pipe(Effect.catch(() => Effect.succeed("closed" as const)))
      if (next === "closed") return "peer closed"
      heard()
      for (const chunk of next) {
        record(bytesIn, chunk.length)
        const { frames, error } = decoder.push(chunk)
        for (const frame of frames) yield* dispatch(frame)
        if (error !== undefined) {
          yield* send(framingErrorFrame(error))
          return "framing error"
        }
      }
      // Again after answering: a login just made switches to the idle timeout.
      heard()
    }
  })

  const open = connectionsOpen({ transport, port: String(port) })
  yield* modify(open, 1)
  // The reader runs beside this fiber; whichever ends first (the reader, or close() from a kick,
  // a slow consumer, the writer or the silence timer) decides the reason.
  const reader = yield* Effect.forkIn(Effect.onExit(readLoop, (exit) => Deferred.done(closed, exit)), scope)
  const reason = yield* Deferred.await(closed).pipe(
    Effect.ensuring(Effect.andThen(Effect.sync(() => clearTimeout(silence)), Fiber.interrupt(reader))),
    Effect.ensuring(modify(open, -1))
  )
  yield* update(connectionsClosed({ transport, reason }), 1)
  // Flush what is queued (the error frame of a framing error, say), but not for long.
  yield* Queue.end(outbound)
  yield* Fiber.await(writer).pipe(Effect.timeoutOption(1000))
  return { connectionId, reason, userId: caller?.userId }
})
