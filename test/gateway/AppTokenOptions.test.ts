/**
 * docs/app-auth.md's options table, where AppAuth.test.ts does not reach: the default leeway of
 * 30 s for `exp` and `nbf` (`--jwt-clock-tolerance`), and `--jwt-user-claim` naming the claim
 * that holds the user id. Logins over the short connection, as curl sends them.
 */
import { SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser } from "../support/wait.ts"

const SECRET = "a-secret-the-app-server-and-weft-share-0123456789"

let defaults: DevServer
let ownClaim: DevServer
beforeAll(async () => {
  ;[defaults, ownClaim] = await Promise.all([
    startDevServer({ gateway: { httpPorts: [0] }, auth: { passwords: false, jwt: { secret: SECRET } } }),
    startDevServer({ gateway: { httpPorts: [0] }, auth: { passwords: false, jwt: { secret: SECRET, userIdClaim: "uid" } } })
  ])
})
afterAll(() => Promise.all([defaults?.stop(), ownClaim?.stop()]))

const now = () => Math.floor(Date.now() / 1000)

const sign = (claims: Record<string, unknown>, times: { exp: number; nbf?: number }) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime(times.exp)
  return (times.nbf === undefined ? jwt : jwt.setNotBefore(times.nbf)).sign(new TextEncoder().encode(SECRET))
}

/** The AUTH answer's status name ("OK" for none), message and user. */
const auth = async (on: DevServer, appToken: string) => {
  const response = await fetch(`http://127.0.0.1:${on.httpPort}/cgi-bin/auth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ appToken })
  })
  expect(response.status).toBe(200)
  const answer = (await response.json()) as any
  return { code: answer.base?.code ?? "OK", message: answer.base?.message ?? "", userId: answer.userId }
}

describe("app token options as documented", () => {
  it("by default exp and nbf get 30 s of leeway, and no more", async () => {
    const user = uniqueUser("skew")
    expect((await auth(defaults, await sign({ sub: user }, { exp: now() - 10 }))).code).toBe("OK")
    expect((await auth(defaults, await sign({ sub: user }, { exp: now() + 300, nbf: now() + 10 }))).code).toBe("OK")
    const expired = await auth(defaults, await sign({ sub: user }, { exp: now() - 60 }))
    expect(expired).toMatchObject({ code: "WRONG_CREDENTIALS", message: expect.stringMatching(/exp/) })
    const early = await auth(defaults, await sign({ sub: user }, { exp: now() + 300, nbf: now() + 60 }))
    expect(early).toMatchObject({ code: "WRONG_CREDENTIALS", message: expect.stringMatching(/nbf/) })
  })

  it("--jwt-user-claim: the user is the one the named claim holds, not sub", async () => {
    const user = uniqueUser("claimed")
    const answer = await auth(ownClaim, await sign({ sub: "someone-else", uid: user }, { exp: now() + 300 }))
    expect(answer).toMatchObject({ code: "OK", userId: user })
    // Without the claim there is no user to log in.
    expect((await auth(ownClaim, await sign({ sub: user }, { exp: now() + 300 }))).code).toBe("WRONG_CREDENTIALS")
  })
})
