/**
 * Frequency control without lockout (actors/LoginThrottle.ts). An attacker floods wrong
 * passwords for a user from one address: the attempts are slowed (refused before any hashing)
 * while the user's right password from another address, every valid resume token, and her
 * live connection keep working. Guessing across users from one address is slowed too;
 * registrations are limited per address and a taken id costs no hashing. Each client below
 * has its own loopback address (127.0.0.x), as callers from different places would. The
 * delays are measured by a clock the test steps, so no outcome depends on how fast this
 * machine is.
 */
import { scryptSync } from "node:crypto"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { accountKey } from "../../src/actors/Session.ts"
import { CURRENT_PARAMS } from "../../src/actors/Password.ts"
import { prometheusText } from "../../src/metrics/Prometheus.ts"
import { Status } from "../../src/protocol/Status.ts"
import { decodeJson, encodeJson } from "../../src/storage/Storage.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { postJsonFrom } from "../support/shortConnection.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

const DELAY_MS = 2_000

/** The throttle's clock: frozen unless a test steps it. */
let clockMs = Date.now()
const step = (ms: number) => {
  clockMs += ms
}

let server: DevServer
const clients: Array<WeftClient> = []
beforeAll(async () => {
  server = await startDevServer({
    gateway: { httpPorts: [0] },
    session: {
      passwordHash: CURRENT_PARAMS,
      throttle: {
        freeFailuresPerUserAddress: 3,
        freeFailuresPerAddress: 10,
        failureWindowMs: 60_000,
        delayBaseMs: DELAY_MS,
        delayMaxMs: 8 * DELAY_MS,
        registrationsPerAddress: 3,
        registrationWindowMs: 60_000,
        now: () => clockMs
      }
    }
  })
})
afterAll(async () => {
  clients.forEach((client) => client.close())
  await server?.stop()
})

interface Answer {
  readonly code: number
  readonly message: string
  readonly sessionToken?: string
}

/** A short-connection command as JSON, sent from the loopback address `from`. */
const post = async (from: string, command: string, body: object): Promise<Answer> => {
  const json = await postJsonFrom(server.httpPort, from, command, body)
  // proto3 JSON names the status (enum), e.g. "RATE_LIMITED".
  const code = json.base?.code ?? 0
  return { code: typeof code === "string" ? (Status as Record<string, number>)[code]! : code, message: json.base?.message ?? "", sessionToken: json.sessionToken }
}

const auth = (from: string, userId: string, credentials: { password?: string; resumeToken?: string }) =>
  post(from, "auth", { userId, ...credentials })

const metric = async (pattern: RegExp): Promise<number> => {
  const text = await Effect.runPromise(prometheusText)
  const match = new RegExp(`^${pattern.source} (\\d+)`, "m").exec(text)
  return match === null ? 0 : Number(match[1])
}
const hashes = () => metric(/weft_password_hashes_total/)
const throttled = (kind: string) => metric(new RegExp(`weft_throttled_total\\{kind="${kind}"\\}`))

const retryAfter = (answer: Answer) => Number(/retry after (\d+) ms/.exec(answer.message)?.[1] ?? NaN)

describe("frequency control", () => {
  it("a wrong-password flood locks out neither the right password from elsewhere, nor a resume token, nor a live connection", async () => {
    const [alice, bob] = [uniqueUser("alice"), uniqueUser("bob")]
    for (const user of [alice, bob]) await register(server, user, "right-password")
    const aliceClient = new WeftClient({ host: server.host, port: server.port, userId: alice, password: "right-password", reconnect: false })
    const bobClient = new WeftClient({ host: server.host, port: server.port, userId: bob, password: "right-password", reconnect: false })
    clients.push(aliceClient, bobClient)
    const received: Array<string> = []
    aliceClient.on("message", (message) => received.push(message.text))
    await aliceClient.connect()
    await bobClient.connect()
    const token = (await auth("127.0.0.31", alice, { password: "right-password" })).sessionToken!

    const attacker = "127.0.0.21"
    const hashesBefore = await hashes()
    const throttledBefore = await throttled("login-user-address")
    const codes: Array<number> = []
    for (let i = 0; i < 40; i++) {
      codes.push((await auth(attacker, alice, { password: `guess-${i}` })).code)
      if (i === 20) await bobClient.send(alice, "during the flood")
    }
    // Three free failures, then every attempt refused before any hashing.
    expect(codes.slice(0, 3)).toEqual([Status.WRONG_CREDENTIALS, Status.WRONG_CREDENTIALS, Status.WRONG_CREDENTIALS])
    expect(codes.slice(3).every((code) => code === Status.RATE_LIMITED)).toBe(true)
    expect(await hashes() - hashesBefore).toBe(3)
    expect(await throttled("login-user-address") - throttledBefore).toBe(37)

    // The real user: a right password from another address, her resume token, her connection.
    const fresh = await auth("127.0.0.22", alice, { password: "right-password" })
    expect(fresh.code).toBe(0)
    expect((await auth(attacker, alice, { resumeToken: token })).code).toBe(0)
    expect((await auth("127.0.0.23", alice, { resumeToken: fresh.sessionToken! })).code).toBe(0)
    await bobClient.send(alice, "after the flood")
    await waitFor("both messages", () => received.length === 2)
    expect(received).toEqual(["during the flood", "after the flood"])

    // From the attacker's own address the right password waits, but is not locked out.
    const early = await auth(attacker, alice, { password: "right-password" })
    expect(early.code).toBe(Status.RATE_LIMITED)
    expect(retryAfter(early)).toBe(DELAY_MS)
    step(DELAY_MS)
    expect((await auth(attacker, alice, { password: "right-password" })).code).toBe(0)
  }, 60_000)

  it("each further wrong password doubles the wait, up to the maximum", async () => {
    const carol = uniqueUser("carol")
    const from = "127.0.0.24"
    expect((await post(from, "register", { userId: carol, password: "right-password" })).code).toBe(0)
    for (let i = 0; i < 3; i++) expect((await auth(from, carol, { password: "wrong" })).code).toBe(Status.WRONG_CREDENTIALS)
    const waits: Array<number> = []
    for (let i = 0; i < 6; i++) {
      const refused = await auth(from, carol, { password: "wrong" })
      expect(refused.code).toBe(Status.RATE_LIMITED)
      waits.push(retryAfter(refused))
      step(retryAfter(refused))
      expect((await auth(from, carol, { password: "wrong" })).code).toBe(Status.WRONG_CREDENTIALS)
    }
    expect(waits).toEqual([DELAY_MS, 2 * DELAY_MS, 4 * DELAY_MS, 8 * DELAY_MS, 8 * DELAY_MS, 8 * DELAY_MS])
    // Never a lock: the right password after the wait.
    const last = await auth(from, carol, { password: "right-password" })
    step(retryAfter(last))
    expect((await auth(from, carol, { password: "right-password" })).code).toBe(0)
  }, 30_000)

  it("guessing across many users from one address is slowed per address; other addresses are not", async () => {
    const from = "127.0.0.25"
    const codes: Array<number> = []
    for (let i = 0; i < 12; i++) codes.push((await auth(from, uniqueUser("nobody"), { password: "guess-guess" })).code)
    expect(codes.slice(0, 10).every((code) => code === Status.WRONG_CREDENTIALS)).toBe(true)
    expect(codes.slice(10)).toEqual([Status.RATE_LIMITED, Status.RATE_LIMITED])
    const dave = uniqueUser("dave")
    expect((await post("127.0.0.26", "register", { userId: dave, password: "right-password" })).code).toBe(0)
    expect((await auth("127.0.0.26", dave, { password: "right-password" })).code).toBe(0)
  }, 30_000)

  it("registrations are limited per address, and a taken id is refused before any hashing", async () => {
    const from = "127.0.0.27"
    const taken = uniqueUser("taken")
    expect((await post(from, "register", { userId: taken, password: "password-1" })).code).toBe(0)
    const hashesBefore = await hashes()
    const again = await post(from, "register", { userId: taken, password: "password-1" })
    expect(again.code).toBe(Status.USER_EXISTS)
    expect(await hashes()).toBe(hashesBefore)
    expect((await post(from, "register", { userId: uniqueUser("new"), password: "password-1" })).code).toBe(0)
    expect((await post(from, "register", { userId: uniqueUser("new"), password: "password-1" })).code).toBe(0)
    const refused = await post(from, "register", { userId: uniqueUser("new"), password: "password-1" })
    expect(refused.code).toBe(Status.RATE_LIMITED)
    expect(refused.message).toContain("too many registrations from your address")
    expect((await post("127.0.0.28", "register", { userId: uniqueUser("new"), password: "password-1" })).code).toBe(0)
  }, 30_000)

  it("a password hashed with older scrypt parameters is rehashed with today's at the next login", async () => {
    const erin = uniqueUser("erin")
    const salt = Buffer.from("00112233445566778899aabbccddeeff", "hex")
    const legacy = {
      userId: erin,
      displayName: erin,
      password: { salt: salt.toString("hex"), hash: scryptSync("old-password", salt, 32, { N: 16384, r: 8, p: 1 }).toString("hex") },
      createdAtMs: Date.now()
    }
    await Effect.runPromise(server.storage.set(accountKey(erin), encodeJson(legacy)))
    expect((await auth("127.0.0.29", erin, { password: "old-password" })).code).toBe(0)
    const stored = decodeJson<{ password: { params?: unknown } }>((await Effect.runPromise(server.storage.get(accountKey(erin))))!)
    expect(stored.password.params).toEqual(CURRENT_PARAMS)
    expect((await auth("127.0.0.29", erin, { password: "old-password" })).code).toBe(0)
    expect((await auth("127.0.0.29", erin, { password: "another" })).code).toBe(Status.WRONG_CREDENTIALS)
  }, 30_000)
})
