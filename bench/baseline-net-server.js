/**
 * The baseline of bench/idle-connections.js: a plain node:net server speaking weft's framing
 * (11-byte big-endian header: body length u32, version u8, command u16, request id u32) and
 * nothing else. Every whole frame it receives is answered with a fixed small frame: the same
 * command and request id, and a constant 48-byte body (about the size of weft's AuthResponse
 * without the token). It keeps per connection only what framing needs: the socket and the
 * bytes of an unfinished frame.
 *
 *   node bench/baseline-net-server.js [--host 127.0.0.1] [--port 0]
 *
 * Prints `baseline: long connections (TCP) on HOST:PORT` once listening, as `weft dev` does.
 */
import * as Net from "node:net"
import { parseArgs } from "node:util"

const HEADER_SIZE = 11
const MAX_BODY = 64 * 1024

const { values } = parseArgs({
  options: { host: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: "0" } },
  strict: true
})

const body = Buffer.alloc(48, 0x2a)

const answer = (command, requestId) => {
  const frame = Buffer.allocUnsafe(HEADER_SIZE + body.length)
  frame.writeUInt32BE(body.length, 0)
  frame.writeUInt8(1, 4)
  frame.writeUInt16BE(command, 5)
  frame.writeUInt32BE(requestId, 7)
  body.copy(frame, HEADER_SIZE)
  return frame
}

let open = 0

const server = Net.createServer({ noDelay: true }, (socket) => {
  open++
  let pending = null
  socket.on("data", (chunk) => {
    let buf = pending === null ? chunk : Buffer.concat([pending, chunk])
    let offset = 0
    while (buf.length - offset >= HEADER_SIZE) {
      const length = buf.readUInt32BE(offset)
      if (length > MAX_BODY || buf.readUInt8(offset + 4) !== 1) {
        socket.destroy()
        return
      }
      if (buf.length - offset < HEADER_SIZE + length) break
      socket.write(answer(buf.readUInt16BE(offset + 5), buf.readUInt32BE(offset + 7)))
      offset += HEADER_SIZE + length
    }
    // Copy the unfinished tail so it does not pin the whole chunk.
    pending = offset === buf.length ? null : Buffer.from(buf.subarray(offset))
  })
  socket.on("error", () => {})
  socket.on("close", () => {
    open--
  })
})

server.on("error", (error) => {
  console.error(`baseline: cannot start: ${error.code ?? error.message}`)
  process.exit(1)
})

server.listen({ host: values.host, port: Number(values.port), backlog: 511 }, () => {
  const address = server.address()
  console.log(`baseline: long connections (TCP) on ${values.host}:${address.port}`)
})

const stop = () => {
  console.log(`baseline: stopping with ${open} connections open`)
  process.exit(0)
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
