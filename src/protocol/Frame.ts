/**
 * The frame: an 11-byte big-endian header (body length u32, version u8, command u16,
 * request id u32) followed by a protobuf body. See proto/weft/v1/frame.proto.
 */
export const HEADER_SIZE = 11
export const PROTOCOL_VERSION = 1

export interface Frame {
  readonly version: number
  readonly command: number
  readonly requestId: number
  readonly body: Uint8Array
}

// On Node a frame comes from the buffer pool (it lives until its write); browsers have no Buffer.
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafe(size: number): Uint8Array } }).Buffer
const allocate = NodeBuffer === undefined
  ? (size: number) => new Uint8Array(size)
  : (size: number) => NodeBuffer.allocUnsafe(size)

/** A frame with its header written and `bodyLength` bytes after it for the caller to fill. */
export const allocateFrame = (command: number, requestId: number, bodyLength: number): Uint8Array => {
  const out = allocate(HEADER_SIZE + bodyLength)
  writeU32(out, 0, bodyLength)
  out[4] = PROTOCOL_VERSION
  out[5] = command >>> 8
  out[6] = command & 0xff
  writeU32(out, 7, requestId)
  return out
}

export const encodeFrame = (command: number, requestId: number, body: Uint8Array): Uint8Array => {
  const out = allocateFrame(command, requestId, body.length)
  out.set(body, HEADER_SIZE)
  return out
}

const writeU32 = (out: Uint8Array, at: number, value: number) => {
  out[at] = value >>> 24
  out[at + 1] = (value >>> 16) & 0xff
  out[at + 2] = (value >>> 8) & 0xff
  out[at + 3] = value & 0xff
}

/** Why a byte stream stopped being a valid sequence of frames. */
export type FramingError =
  | { readonly _tag: "FrameTooLarge"; readonly size: number; readonly max: number; readonly command: number }
  | { readonly _tag: "UnsupportedVersion"; readonly version: number; readonly command: number }

/**
 * Incremental decoder for a byte stream: feed chunks as they arrive, get whole frames.
 * The size check happens on the header, before any body byte is buffered, so an
 * oversized frame costs the server 11 bytes of memory, not its claimed length.
 */
const EMPTY = new Uint8Array(0)

const readU32 = (buf: Uint8Array, at: number): number =>
  ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0

export class FrameDecoder {
  private buffer: Uint8Array = EMPTY

  constructor(private readonly maxBodySize: number) {}

  /**
   * Returns the frames completed by this chunk and, if the stream broke, the framing error
   * that ends it (frames before the error are still returned, to be answered first).
   */
  push(chunk: Uint8Array): { readonly frames: Array<Frame>; readonly error?: FramingError } {
    const frames: Array<Frame> = []
    const error = this.decodeInto(chunk, frames)
    return error === undefined ? { frames } : { frames, error }
  }

  /**
   * `push` that appends the frames completed by this chunk to `out` (a server's inbox: no array
   * per chunk) and returns the framing error that ends the stream, if it broke.
   */
  decodeInto(chunk: Uint8Array, out: { push(frame: Frame): unknown }): FramingError | undefined {
    let buf = chunk
    if (this.buffer.length > 0) {
      buf = new Uint8Array(this.buffer.length + chunk.length)
      buf.set(this.buffer, 0)
      buf.set(chunk, this.buffer.length)
    }
    let offset = 0
    // The header read byte by byte: no DataView per frame (this runs for every frame).
    while (buf.length - offset >= HEADER_SIZE) {
      const length = readU32(buf, offset)
      const version = buf[offset + 4]!
      const command = (buf[offset + 5]! << 8) | buf[offset + 6]!
      if (version !== PROTOCOL_VERSION) return { _tag: "UnsupportedVersion", version, command }
      if (length > this.maxBodySize) return { _tag: "FrameTooLarge", size: length, max: this.maxBodySize, command }
      if (buf.length - offset < HEADER_SIZE + length) break
      const requestId = readU32(buf, offset + 7)
      const start = offset + HEADER_SIZE
      out.push({ version, command, requestId, body: buf.subarray(start, start + length) })
      offset = start + length
    }
    // Keep only the unconsumed tail; copy so the retained bytes don't pin a large chunk.
    this.buffer = offset === buf.length ? EMPTY : buf.slice(offset)
    return undefined
  }

  /** Bytes received but not yet part of a whole frame. */
  get pending(): number {
    return this.buffer.length
  }
}
