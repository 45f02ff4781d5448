/**
 * The `weft client` subcommands of contacts, profiles and moments, run as separate processes
 * against a dev server: JSON lines out, a non-zero exit with the status on stderr when refused.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, expect, it } from "vitest"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser } from "../support/wait.ts"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0] } })
})
afterAll(() => server.stop())

interface Run {
  readonly code: number
  readonly lines: Array<any>
  readonly stderr: string
}

const client = (user: string, ...args: Array<string>): Promise<Run> =>
  new Promise((resolve) => {
    const argv = [bin, "client", "--server", `127.0.0.1:${server.port}`, "--user", user, "--password", "pass-word", ...args]
    execFile(process.execPath, argv, { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
        lines: stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line)),
        stderr
      })
    })
  })

it("contacts, profile and moments subcommands print JSON lines; refusals exit non-zero naming the status", async () => {
  const [ann, ben] = [uniqueUser("ann"), uniqueUser("ben")]
  expect((await client(ann, "register")).code).toBe(0)
  expect((await client(ben, "register")).code).toBe(0)

  expect((await client(ann, "add-friend", ben, "--message", "hi ben")).lines).toEqual([{ userId: ben, accepted: false }])
  expect((await client(ben, "contacts")).lines).toMatchObject([{ userId: ann, state: "request-received", message: "hi ben" }])
  expect((await client(ben, "accept-friend", ann)).lines).toEqual([{ userId: ann, accepted: true }])
  expect((await client(ann, "contacts")).lines).toMatchObject([{ userId: ben, state: "contact" }])

  expect((await client(ann, "set-profile", "--name", "Ann", "--signature", "hello")).lines).toMatchObject([
    { userId: ann, displayName: "Ann", signature: "hello" }
  ])
  expect((await client(ben, "profile", ann)).lines).toMatchObject([{ displayName: "Ann", signature: "hello" }])
  const file = join(mkdtempSync(join(tmpdir(), "weft-avatar-")), "me.png")
  writeFileSync(file, Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64"))
  expect((await client(ann, "set-avatar", file)).lines).toMatchObject([{ avatarUrl: `/avatars/${ann}?v=1` }])

  const [posted] = (await client(ben, "post-moment", "new bike", "--media", "m-1:image/jpeg")).lines
  expect(posted).toMatchObject({ author: ben, text: "new bike", media: [{ mediaId: "m-1", mimeType: "image/jpeg" }] })
  expect((await client(ann, "comment", posted.postId, "nice")).lines).toMatchObject([{ from: ann, text: "nice" }])
  expect((await client(ann, "like", posted.postId)).lines).toEqual([{ postId: posted.postId, likes: [ann] }])
  await client(ann, "post-moment", "my turn")
  const feed = (await client(ben, "feed", "--limit", "1")).lines
  expect(feed).toHaveLength(2)
  expect(feed[0]).toMatchObject({ author: ann, text: "my turn" })
  const next = (await client(ben, "feed", "--page-token", feed[1].nextPageToken)).lines
  expect(next).toMatchObject([{ postId: posted.postId, likes: [ann], comments: [{ text: "nice" }] }, { nextPageToken: "" }])

  const self = await client(ann, "add-friend", ann)
  expect(self.code).not.toBe(0)
  expect(self.stderr).toContain("BAD_REQUEST")
  const usage = await client(ann, "set-profile")
  expect(usage.code).not.toBe(0)
  expect(usage.stderr).toContain("set-profile needs --name or --signature")
  expect((await client(ben, "remove-contact", ann)).lines).toEqual([{ removed: ann }])
  const gone = await client(ann, "comment", posted.postId, "still friends?")
  expect(gone.code).not.toBe(0)
  expect(gone.stderr).toContain("NOT_A_CONTACT")
})
