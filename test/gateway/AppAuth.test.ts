/**
 * Logins with the app's own tokens (gateway/AppToken.ts): a JWT the app's server signed logs its
 * user in on the long connection, the WebSocket and the short connection, creating the account at
 * the first login; every token that must not pass is refused with a reason; and a server with
 * weft's own passwords off refuses REGISTER and password logins.
 */
import { execFile } from "node:child_process"
import * as Http from "node:http"
import { fileURLToPath } from "node:url"
import type { AddressInfo } from "node:net"
import { Effect, Exit } from "effect"
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { WeftClient } from "../../src/client/WeftClient.ts"
import { makeVerifier } from "../../src/gateway/AppToken.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser } from "../support/wait.ts"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
const SECRET = "a-secret-the-app-server-and-weft-share-0123456789"
const ISSUER = "https://app.example"
const AUDIENCE = "weft"

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({
    gateway: { httpPorts: [0] },
    auth: { passwords: false, jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } }
  })
})
afterAll(() => server?.stop())

/** A token as the app's server would sign it; `claims` and `options` override the good defaults. */
const sign = (
  sub: string,
  claims: JWTPayload = {},
  options: { secret?: string; issuer?: string; audience?: string; expires?: string | number } = {}
) =>
  new SignJWT({ sub, ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setExpirationTime(options.expires ?? "5m")
    .sign(new TextEncoder().encode(options.secret ?? SECRET))

const cgi = async (command: string, body: unknown) => {
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/cgi-bin/${command}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body)
  })
  expect(response.status).toBe(200)
  const answer = await response.json() as { base: { code?: string; message?: string }; sessionToken?: string; userId?: string }
  // proto3 JSON leaves out defaults: OK (0) has no code.
  return { ...answer, base: { code: answer.base.code ?? "OK", message: answer.base.message ?? "" } }
}

const refused = async (body: unknown) => (await cgi("auth", body)).base

describe("logins with the app's tokens", () => {
  it("a JWT logs in over HTTP (curl's JSON), naming the user itself; the session token then works", async () => {
    const user = uniqueUser("jwt-http")
    const answer = await cgi("auth", { appToken: await sign(user, { name: "Jay Doe" }) })
    expect(answer.base.code).toBe("OK")
    expect(answer.userId).toBe(user)
    const profile = await cgi("getprofile", { base: { userId: user, sessionToken: answer.sessionToken }, userId: user })
    expect(profile).toMatchObject({ base: { code: "OK" }, profile: { displayName: "Jay Doe" } })
  })

  it("a JWT logs in on the long connection and the WebSocket, and a fresh one is fetched when the session is gone", async () => {
    const alice = uniqueUser("jwt-tcp")
    const bob = uniqueUser("jwt-ws")
    let fetched = 0
    const tokenOf = (user: string) => () => {
      fetched++
      return sign(user)
    }
    const a = new WeftClient({ host: server.host, port: server.port, userId: alice, appToken: tokenOf(alice), transport: "tcp" })
    const b = new WeftClient({ host: server.host, httpPort: server.httpPort, userId: bob, appToken: tokenOf(bob), transport: "ws" })
    await a.connect()
    await b.connect()
    expect(fetched).toBe(2)
    const heard = new Promise<string>((resolve) => b.on("message", (message) => message.from === alice && resolve(message.text)))
    await a.send(bob, "hello over a JWT login")
    expect(await heard).toBe("hello over a JWT login")
    a.close()
    b.close()

    // A resume needs no app token; a session that is gone costs one fresh token.
    const resumed = new WeftClient({ host: server.host, port: server.port, userId: alice, appToken: tokenOf(alice), resumeToken: a.sessionToken })
    await resumed.connect()
    expect(fetched).toBe(2)
    resumed.close()
    const stale = new WeftClient({ host: server.host, port: server.port, userId: alice, appToken: tokenOf(alice), resumeToken: "revoked-long-ago" })
    await stale.connect()
    expect(fetched).toBe(3)
    stale.close()
  })

  it("refuses a bad signature, another issuer or audience, an expired token, alg none, no exp, and another user's token", async () => {
    const user = uniqueUser("jwt-refused")
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")
    const claims = Buffer.from(JSON.stringify({ sub: user, iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })).toString("base64url")
    const noExp = await new SignJWT({ sub: user }).setProtectedHeader({ alg: "HS256" }).setIssuer(ISSUER).setAudience(AUDIENCE)
      .sign(new TextEncoder().encode(SECRET))
    const cases: Array<[string, string, RegExp]> = [
      ["bad signature", await sign(user, {}, { secret: "another-secret-of-the-right-length-0123456789" }), /signature/],
      ["wrong issuer", await sign(user, {}, { issuer: "https://evil.example" }), /iss/],
      ["wrong audience", await sign(user, {}, { audience: "someone-else" }), /aud/],
      ["expired", await sign(user, {}, { expires: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
      ["alg none", `${header}.${claims}.`, /not accepted|well-formed/],
      ["no exp", noExp, /exp/],
      ["not a JWT", "hello", /well-formed/]
    ]
    for (const [what, token, reason] of cases) {
      const base = await refused({ appToken: token })
      expect(base.code, what).toBe("WRONG_CREDENTIALS")
      expect(base.message, what).toMatch(reason)
    }
    const other = await refused({ userId: uniqueUser("someone-else"), appToken: await sign(user) })
    expect(other).toMatchObject({ code: "WRONG_CREDENTIALS", message: expect.stringMatching(/another user/) })
    const badId = await refused({ appToken: await sign("not a user id!") })
    expect(badId).toMatchObject({ code: "WRONG_CREDENTIALS", message: expect.stringMatching(/sub claim/) })
    // Nothing of the refused logins made an account: a good token is the first login.
    expect((await cgi("auth", { userId: user, appToken: await sign(user) })).base.code).toBe("OK")
  })

  it("with passwords off, REGISTER and password logins answer FORBIDDEN, saying to use the app's token", async () => {
    const user = uniqueUser("no-passwords")
    const registered = await cgi("register", { userId: user, password: "secret-pw-1" })
    expect(registered.base).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/app_token/) })
    expect(await refused({ userId: user, password: "secret-pw-1" })).toMatchObject({ code: "FORBIDDEN" })
    // A user of the app's has no password of weft's either.
    await cgi("auth", { appToken: await sign(user) })
    expect(await refused({ userId: user, password: "secret-pw-1" })).toMatchObject({ code: "FORBIDDEN" })
  })
})

describe("app token keys", () => {
  const verify = (settings: Parameters<typeof makeVerifier>[0], token: string) =>
    Effect.runPromise(Effect.flatMap(makeVerifier(settings), (verifier) => verifier(token)))

  it("RS256 with a PEM public key, ES256 with a JWK and with a JWKS URL; HS256 is refused with a public key", async () => {
    const rsa = await generateKeyPair("RS256")
    const ec = await generateKeyPair("ES256")
    const token = (alg: string, key: CryptoKey, kid?: string) =>
      new SignJWT({ sub: "kim", name: "Kim" }).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).setExpirationTime("1m").sign(key)
    const pem = await exportSPKI(rsa.publicKey)
    expect(await verify({ publicKey: pem }, await token("RS256", rsa.privateKey))).toEqual({ userId: "kim", displayName: "Kim" })
    const jwk = JSON.stringify({ ...await exportJWK(ec.publicKey), alg: "ES256" })
    expect((await verify({ publicKey: jwk }, await token("ES256", ec.privateKey))).userId).toBe("kim")
    // A key of the wrong pair, and a token that claims HS256 signed with the public key's text.
    await expect(verify({ publicKey: pem }, await token("RS256", (await generateKeyPair("RS256")).privateKey))).rejects.toThrow(/signature/)
    const confused = await new SignJWT({ sub: "kim" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1m").sign(new TextEncoder().encode(pem))
    await expect(verify({ publicKey: pem }, confused)).rejects.toThrow(/algorithm/)

    const jwks = Http.createServer((_request, response) => {
      void exportJWK(ec.publicKey).then((key) => {
        response.setHeader("content-type", "application/json")
        response.end(JSON.stringify({ keys: [{ ...key, kid: "k1", alg: "ES256", use: "sig" }] }))
      })
    })
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve))
    try {
      const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`
      expect((await verify({ jwksUrl: url }, await token("ES256", ec.privateKey, "k1"))).userId).toBe("kim")
    } finally {
      jwks.close()
    }
  })

  it("weft client logs in with --app-token (or WEFT_APP_TOKEN) and sends; without a token or password it says what is missing", async () => {
    const [alice, bob] = [uniqueUser("cli-jwt-a"), uniqueUser("cli-jwt-b")]
    const weft = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, [bin, "client", "--server", `127.0.0.1:${server.port}`, ...args], {
          timeout: 20_000,
          env: { ...process.env, WEFT_APP_TOKEN: "", ...env }
        }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr })))
    // Bob's first login (from the environment) makes his account.
    expect((await weft(["--user", bob, "sync"], { WEFT_APP_TOKEN: await sign(bob) })).code).toBe(0)
    const sent = await weft(["--user", alice, "--app-token", await sign(alice), "send", bob, "hello from the shell"])
    expect(sent.stderr).toBe("")
    expect(JSON.parse(sent.stdout.trim().split("\n").at(-1)!)).toMatchObject({ messageId: expect.any(String) })
    const other = await weft(["--user", alice, "--app-token", await sign(bob), "sync"])
    expect(other.code).not.toBe(0)
    expect(other.stderr).toMatch(/another user/)
    const missing = await weft(["--user", alice, "sync"])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("--password or --app-token (WEFT_APP_TOKEN) is required")
  })

  it("refuses settings that cannot work: a short secret, two keys, a private JWK", async () => {
    const exit = (settings: Parameters<typeof makeVerifier>[0]) => Effect.runPromiseExit(makeVerifier(settings))
    expect(Exit.isFailure(await exit({ secret: "short" }))).toBe(true)
    expect(Exit.isFailure(await exit({ secret: SECRET, jwksUrl: "https://app.example/jwks" }))).toBe(true)
    const { privateKey } = await generateKeyPair("ES256", { extractable: true })
    expect(Exit.isFailure(await exit({ publicKey: JSON.stringify(await exportJWK(privateKey)) }))).toBe(true)
  })
})
