/**
 * Length-prefixed records on a byte stream (the cluster's own channels: pushes, direct calls):
 * each record is a u32 length, then that many bytes.
 */

/** Cuts whole records out of a byte stream, whatever chunks it arrives in. */
export class RecordCutter {
  // Chunks are joined once a whole record has arrived, not at every chunk.
  private chunks: Array<Buffer> = []
  private size = 0
  private needed = 4

  constructor(
    /** What the stream carries, for the error message. */
    private readonly what: string,
    private readonly minBytes: number,
    private readonly maxBytes: number
  ) {}

  /** The records completed by `chunk` (views into it; copy what must outlive it), or an error for a bad stream. */
  push(chunk: Buffer): Array<Buffer> | Error {
    this.chunks.push(chunk)
    this.size += chunk.length
    if (this.size < this.needed) return []
    const buffer = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size)
    const out: Array<Buffer> = []
    let at = 0
    while (buffer.length - at >= 4) {
      const length = buffer.readUInt32BE(at)
      if (length > this.maxBytes || length < this.minBytes) return new Error(`${this.what} record of ${length} bytes`)
      if (buffer.length - at - 4 < length) break
      out.push(buffer.subarray(at + 4, at + 4 + length))
      at += 4 + length
    }
    const rest = buffer.subarray(at)
    this.chunks = rest.length === 0 ? [] : [rest]
    this.size = rest.length
    // (A length past the bound was refused in the loop, so `needed` stays bounded.)
    this.needed = rest.length >= 4 ? 4 + rest.readUInt32BE(0) : 4
    return out
  }
}

/**
 * Writes records to a socket in batches: what is queued during one event-loop turn leaves in
 * one `writev`. Under load a batch grows and the cost per record falls.
 */
export class BatchWriter {
  private queued: Array<Buffer> = []

  constructor(private readonly socket: { cork(): void; uncork(): void; write(chunk: Buffer): boolean; readonly destroyed: boolean }) {}

  write(record: Buffer) {
    if (this.queued.length === 0) setImmediate(this.flush)
    this.queued.push(record)
  }

  private readonly flush = () => {
    const records = this.queued
    this.queued = []
    if (this.socket.destroyed) return
    if (records.length === 1) {
      this.socket.write(records[0]!)
      return
    }
    this.socket.cork()
    for (const r of records) this.socket.write(r)
    this.socket.uncork()
  }
}
