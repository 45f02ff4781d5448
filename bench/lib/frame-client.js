/**
 * A lean long-connection client for load generation: weft's frames over one TCP socket,
 * responses matched by request id, pushes handed to a callback. Unlike the SDK it keeps no
 * outbox, no timers per request and no cursor, so the load generator spends little CPU per
 * message and the same code drives weft and the net relay baseline.
 */
import * as Net from "node:net"
import { Command } from "../../dist/protocol/Command.js"
import { encodeFrame, FrameDecoder } from "../../dist/protocol/Frame.js"
import { Codecs } from "../../dist/protocol/Proto.js"

export class FrameClient {
  constructor(socket) {
    this.socket = socket
    this.decoder = new FrameDecoder(16 * 1024 * 1024)
    this.pending = new Map()
    this.nextId = 1
    this.closed = false
    /** (frame) => void, for frames with request id 0 or no pending request. */
    this.onPush = () => {}
    this.onClose = () => {}
    socket.on("data", (chunk) => {
      const { frames, error } = this.decoder.push(chunk)
      for (const frame of frames) {
        const callback = frame.requestId === 0 ? undefined : this.pending.get(frame.requestId)
        if (callback === undefined) {
          this.onPush(frame)
          continue
        }
        this.pending.delete(frame.requestId)
        callback(undefined, frame)
      }
      if (error !== undefined) socket.destroy(new Error(`invalid frame: ${error._tag}`))
    })
    socket.on("error", () => {})
    socket.on("close", () => {
      this.closed = true
      for (const callback of this.pending.values()) callback(new Error("connection closed"))
      this.pending.clear()
      this.onClose()
    })
  }

  static open({ host, port }, timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const socket = Net.connect({ host, port, noDelay: true })
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new Error(`connect to ${host}:${port} timed out`))
      }, timeoutMs)
      socket.once("error", (error) => {
        clearTimeout(timer)
        reject(error)
      })
      socket.once("connect", () => {
        clearTimeout(timer)
        socket.removeAllListeners("error")
        resolve(new FrameClient(socket))
      })
    })
  }

  /** Writes a request; callback(error, frame) gets the answer. No timeout: scenarios bound time themselves. */
  requestCallback(command, body, callback) {
    if (this.closed) return callback(new Error("connection closed"))
    const id = this.nextId
    this.nextId = id >= 0xfffffff0 ? 1 : id + 1
    this.pending.set(id, callback)
    this.socket.write(encodeFrame(command, id, body))
  }

  /** The answer's body, decoded; rejects on an ERROR frame or a non-zero base.code. */
  request(command, requestCodec, responseCodec, value, timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to command ${command} within ${timeoutMs} ms`)), timeoutMs)
      this.requestCallback(command, requestCodec.encode(value), (error, frame) => {
        clearTimeout(timer)
        if (error) return reject(error)
        if (frame.command === Command.ERROR) {
          const answer = Codecs.ErrorFrame.decode(frame.body)
          return reject(Object.assign(new Error(`ERROR ${answer.code}: ${answer.message}`), { code: answer.code }))
        }
        const response = responseCodec.decode(frame.body)
        const code = response.base?.code ?? 0
        if (code !== 0) return reject(Object.assign(new Error(`status ${code}: ${response.base?.message}`), { code }))
        resolve(response)
      })
    })
  }

  close() {
    this.closed = true
    this.socket.destroy()
  }
}

/** Connects and logs in (AUTH, one round trip) with a password or a resume token. */
export const login = async (endpoint, { userId, password, resumeToken, deviceId }) => {
  const client = await FrameClient.open(endpoint)
  try {
    const auth = await client.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, {
      userId,
      ...(resumeToken ? { resumeToken } : { password }),
      device: { deviceId: deviceId ?? `${userId}-bench`, platform: 0, name: "" }
    })
    client.sessionToken = auth.sessionToken
    client.userId = userId
    return client
  } catch (error) {
    client.close()
    throw error
  }
}

export const registerUser = async (endpoint, userId, password) => {
  const client = await FrameClient.open(endpoint)
  try {
    await client.request(Command.REGISTER, Codecs.RegisterRequest, Codecs.RegisterResponse, { userId, password, displayName: "" })
  } catch (error) {
    if (error.code !== 2002) throw error // USER_EXISTS: fine, a re-run against the same server
  } finally {
    client.close()
  }
}
