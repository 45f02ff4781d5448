/**
 * The blob store: where media bytes live, apart from the storage of records and logs. A blob
 * is written in parts while it uploads (`writePart`, at an offset, so an upload resumes where
 * its last acknowledged chunk ended), then committed once its SHA-256 is checked; only
 * committed blobs are read. The filesystem implementation (FileBlobStore.ts) is the default;
 * an S3-compatible store fits the same shape (parts as a multipart upload, commit as its
 * completion, read as a ranged GET).
 */
import type { Readable } from "node:stream"
import { Context, type Effect, Schema } from "effect"

export class BlobError extends Schema.TaggedError<BlobError>()("BlobError", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {}

export type CommitResult =
  | { readonly _tag: "Committed"; readonly size: number }
  | { readonly _tag: "HashMismatch"; readonly actual: string }

export interface BlobStoreApi {
  /** Writes bytes of an unfinished blob at `offset`, dropping whatever it held past them. */
  readonly writePart: (key: string, offset: number, bytes: Uint8Array) => Effect.Effect<void, BlobError>
  /** The size of the unfinished blob so far (0 if there is none). */
  readonly partSize: (key: string) => Effect.Effect<number, BlobError>
  /**
   * Hashes the unfinished blob: if its SHA-256 (hex) is `sha256` it becomes the stored blob;
   * if not, it is deleted, so no corrupt bytes are ever readable.
   */
  readonly commit: (key: string, sha256: string) => Effect.Effect<CommitResult, BlobError>
  readonly removePart: (key: string) => Effect.Effect<void, BlobError>
  /** The size of a stored blob, or undefined. */
  readonly stat: (key: string) => Effect.Effect<number | undefined, BlobError>
  /** Bytes start..end (inclusive) of a stored blob. */
  readonly read: (key: string, start: number, end: number) => Effect.Effect<Readable, BlobError>
  readonly remove: (key: string) => Effect.Effect<void, BlobError>
  /** Deletes unfinished blobs not written to for `olderThanMs`; returns how many. */
  readonly sweepParts: (olderThanMs: number) => Effect.Effect<number, BlobError>
}

export class BlobStore extends Context.Service<BlobStore, BlobStoreApi>()("weft/media/BlobStore") {}

/** Blob keys are media ids: letters, digits and . _ ~ - only, so they are safe file and object names. */
export const isBlobKey = (key: string): boolean => /^[A-Za-z0-9_.~-]{1,200}$/.test(key) && key !== "." && key !== ".."
