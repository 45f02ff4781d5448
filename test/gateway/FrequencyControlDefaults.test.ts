/**
 * docs/security.md's frequency control as shipped: its table of defaults (5 wrong passwords per
 * (user, address), 30 per address, 1 s doubling up to 60 s), and the rules FrequencyControl.test.ts
 * does not reach: a right password clears its (user, address) count, an unknown resume token
 * counts against the address only, a count is forgotten after its window, and IPv6 addresses
 * count by their /64. Each client has its own loopback address (127.0.0.x); the delays are
 * measured by a clock the test steps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { register } from "../../src/client/WeftClient.ts"
import { defaultThrottleOptions, sourceOf } from "../../src/actors/LoginThrottle.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { postJsonFrom } from "../support/shortConnection.ts"
import { sleep, uniqueUser } from "../support/wait.ts"

let clockMs = Date.now()
const step = (ms: number) => {
  clockMs += ms
}

const WINDOW_MS = 500
let server: DevServer
/** The same defaults but a short failure window on the real clock (the counts' expiry is real time). */
let forgetful: DevServer
beforeAll(async () => {
  ;[server, forgetful] = await Promise.all([
    startDevServer({
      gateway: { httpPorts: [0] },
      session: { throttle: { ...defaultThrottleOptions, registrationsPerAddress: 1_000_000, now: () => clockMs } }
    }),
    startDevServer({
      gateway: { httpPorts: [0] },
      session: { throttle: { ...defaultThrottleOptions, registrationsPerAddress: 1_000_000, failureWindowMs: WINDOW_MS } }
    })
  ])
})
afterAll(() => Promise.all([server?.stop(), forgetful?.stop()]))

interface Answer {
  readonly code: string
  readonly message: string
  readonly sessionToken?: string
}

/** A short-connection command as JSON from the loopback address `from`; `code` is the status name ("" for OK). */
const post = async (on: DevServer, from: string, command: string, body: object): Promise<Answer> => {
  const json = await postJsonFrom(on.httpPort, from, command, body)
  return { code: json.base?.code ?? "", message: json.base?.message ?? "", sessionToken: json.sessionToken }
}

const password = (on: DevServer, from: string, userId: string, secret: string) => post(on, from, "auth", { userId, password: secret })
const retryAfter = (answer: Answer) => Number(/retry after (\d+) ms/.exec(answer.message)?.[1] ?? NaN)

const newUser = async (on: DevServer) => {
  const userId = uniqueUser("fc")
  await register(on, userId, "right-password")
  return userId
}

describe("frequency control as documented", () => {
  it("five wrong passwords per user and address are free; then the wait starts at 1 s and doubles up to 60 s", async () => {
    const user = await newUser(server)
    const from = "127.0.1.1"
    for (let i = 0; i < 5; i++) expect((await password(server, from, user, `guess-${i}`)).code).toBe("WRONG_CREDENTIALS")
    const waits: Array<number> = []
    for (let i = 0; i < 8; i++) {
      const refused = await password(server, from, user, "guess")
      expect(refused.code).toBe("RATE_LIMITED")
      waits.push(retryAfter(refused))
      step(retryAfter(refused))
      expect((await password(server, from, user, "guess")).code).toBe("WRONG_CREDENTIALS")
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000])
  }, 30_000)

  it("a right password clears its (user, address) count", async () => {
    const user = await newUser(server)
    const from = "127.0.1.2"
    for (let i = 0; i < 4; i++) expect((await password(server, from, user, "guess")).code).toBe("WRONG_CREDENTIALS")
    expect((await password(server, from, user, "right-password")).code).toBe("")
    // Counted on from 4, the second of these would wait; counted from 0, five are free again.
    for (let i = 0; i < 5; i++) expect((await password(server, from, user, "guess")).code).toBe("WRONG_CREDENTIALS")
    expect((await password(server, from, user, "guess")).code).toBe("RATE_LIMITED")
  }, 30_000)

  it("unknown resume tokens count against the address, never the user: after 30, that address's password logins wait", async () => {
    const user = await newUser(server)
    const from = "127.0.1.3"
    const valid = (await password(server, "127.0.1.4", user, "right-password")).sessionToken!
    const unknownToken = () => post(server, from, "auth", { userId: user, resumeToken: "not-a-token-of-anyone-00" })
    for (let i = 0; i < 29; i++) expect((await unknownToken()).code).toBe("INVALID_TOKEN")
    // 29 failures from this address: still free.
    expect((await password(server, from, user, "right-password")).code).toBe("")
    expect((await unknownToken()).code).toBe("INVALID_TOKEN")
    // The 30th: this address waits, for any user...
    const refused = await password(server, from, user, "right-password")
    expect(refused.code).toBe("RATE_LIMITED")
    expect(refused.message).toContain("from your address")
    const other = await newUser(server)
    expect((await password(server, from, other, "right-password")).code).toBe("RATE_LIMITED")
    // ...but the user was not counted: elsewhere her password works, and a valid token works from anywhere.
    expect((await password(server, "127.0.1.5", user, "right-password")).code).toBe("")
    expect((await post(server, from, "auth", { userId: user, resumeToken: valid })).code).toBe("")
  }, 30_000)

  it("a failure count is forgotten once its window has passed", async () => {
    const user = await newUser(forgetful)
    const from = "127.0.1.6"
    for (let i = 0; i < 5; i++) expect((await password(forgetful, from, user, "guess")).code).toBe("WRONG_CREDENTIALS")
    // The delay (1 s) is longer than the window: only forgetting lets the next attempt through.
    expect((await password(forgetful, from, user, "guess")).code).toBe("RATE_LIMITED")
    await sleep(WINDOW_MS + 200)
    expect((await password(forgetful, from, user, "guess")).code).toBe("WRONG_CREDENTIALS")
  }, 30_000)

  it("IPv6 addresses count by their /64 network; IPv4-mapped addresses as the IPv4 address", () => {
    expect(sourceOf("2001:db8:1:2::1")).toBe(sourceOf("2001:db8:1:2:ffff:ffff:ffff:9"))
    expect(sourceOf("2001:db8:1:2::1")).toBe(sourceOf("2001:0db8:0001:0002:0:0:0:7"))
    expect(sourceOf("2001:db8:1:2::1")).not.toBe(sourceOf("2001:db8:1:3::1"))
    expect(sourceOf("::ffff:10.0.0.7")).toBe(sourceOf("10.0.0.7"))
    expect(sourceOf("10.0.0.7")).not.toBe(sourceOf("10.0.0.8"))
  })
})
