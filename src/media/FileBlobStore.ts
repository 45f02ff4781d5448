/**
 * The blob store on a local (or shared network) filesystem: `<dir>/<aa>/<key>` for stored
 * blobs and `<dir>/<aa>/<key>.part` while uploading, where `aa` spreads keys over 256
 * directories. A commit hashes the part and renames it into place, so a reader sees either
 * the whole verified blob or nothing.
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { pipeline } from "node:stream/promises"
import { Effect, Layer } from "effect"
import { BlobError, BlobStore, type BlobStoreApi, isBlobKey } from "./BlobStore.ts"

const PART = ".part"

const missing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT"

export const makeFileBlobStore = (directory: string): BlobStoreApi => {
  const pathOf = (key: string): string => {
    if (!isBlobKey(key)) throw new Error(`not a blob key: ${JSON.stringify(key)}`)
    const spread = createHash("sha1").update(key).digest("hex").slice(0, 2)
    return Path.join(directory, spread, key)
  }
  const run = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, BlobError> =>
    Effect.tryPromise({ try: f, catch: (cause) => new BlobError({ operation, cause }) })
  const unlinkQuietly = (path: string) => Fs.unlink(path).catch((error) => missing(error) ? undefined : Promise.reject(error))
  const sizeOf = (path: string) => Fs.stat(path).then((stat) => stat.size, (error) => missing(error) ? undefined : Promise.reject(error))

  return {
    writePart: (key, offset, bytes) =>
      run("writePart", async () => {
        const path = pathOf(key) + PART
        await Fs.mkdir(Path.dirname(path), { recursive: true })
        const file = await Fs.open(path, offset === 0 ? "w" : "r+").catch((error) =>
          missing(error) ? Fs.open(path, "w") : Promise.reject(error)
        )
        try {
          await file.write(bytes, 0, bytes.length, offset)
          await file.truncate(offset + bytes.length)
        } finally {
          await file.close()
        }
      }),
    partSize: (key) => run("partSize", async () => (await sizeOf(pathOf(key) + PART)) ?? 0),
    commit: (key, sha256) =>
      run("commit", async () => {
        const path = pathOf(key)
        const hash = createHash("sha256")
        let size = 0
        await pipeline(createReadStream(path + PART), async function*(source) {
          for await (const chunk of source) {
            hash.update(chunk as Buffer)
            size += (chunk as Buffer).length
          }
        })
        const actual = hash.digest("hex")
        if (actual !== sha256.toLowerCase()) {
          await unlinkQuietly(path + PART)
          return { _tag: "HashMismatch" as const, actual }
        }
        await Fs.rename(path + PART, path)
        return { _tag: "Committed" as const, size }
      }),
    removePart: (key) => run("removePart", () => unlinkQuietly(pathOf(key) + PART)),
    stat: (key) => run("stat", () => sizeOf(pathOf(key))),
    read: (key, start, end) =>
      run("read", async () => {
        const stream = createReadStream(pathOf(key), { start, end })
        // Surface a missing file as a failure here rather than mid-response.
        await new Promise<void>((resolve, reject) => {
          stream.once("open", () => resolve())
          stream.once("error", reject)
        })
        return stream
      }),
    remove: (key) => run("remove", () => unlinkQuietly(pathOf(key))),
    sweepParts: (olderThanMs) =>
      run("sweepParts", async () => {
        const before = Date.now() - olderThanMs
        let swept = 0
        const spreads = await Fs.readdir(directory).catch((error) => missing(error) ? [] : Promise.reject(error))
        for (const spread of spreads) {
          const names = await Fs.readdir(Path.join(directory, spread)).catch(() => [] as Array<string>)
          for (const name of names) {
            if (!name.endsWith(PART)) continue
            const path = Path.join(directory, spread, name)
            const stat = await Fs.stat(path).catch(() => undefined)
            if (stat !== undefined && stat.mtimeMs < before) {
              await unlinkQuietly(path)
              swept++
            }
          }
        }
        return swept
      })
  }
}

export const layerFile = (directory: string): Layer.Layer<BlobStore> =>
  Layer.succeed(BlobStore, BlobStore.of(makeFileBlobStore(directory)))
