/**
 * App tokens: the JWTs an app's own server signs for its users, checked by the gateway at AUTH
 * with `jose` — the signature against the configured key (an HS256 secret, a PEM or JWK public
 * key, or a JWKS URL), the algorithm against an allow-list (never `none`, never a secret's HS256
 * with a public key), `exp` (required), `nbf`, `iss` and `aud`, with a leeway for clock skew.
 * What passes names a user: the configured claim (`sub` by default), which must be a user id.
 */
import { Effect } from "effect"
import {
  createRemoteJWKSet,
  errors,
  importJWK,
  importSPKI,
  type JWK,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey
} from "jose"
import { isValidUserId } from "../actors/Session.ts"
import { MIN_SECRET_BYTES } from "../cluster/limits.ts"
import type { JwtSettings } from "../cluster/Settings.ts"
import { type WeftError, wrongCredentials } from "../protocol/WeftError.ts"

/** A verified app token: the user it names, and its `name` claim if it has a usable one. */
export interface AppIdentity {
  readonly userId: string
  readonly displayName: string | undefined
}

export type AppTokenVerifier = (token: string) => Effect.Effect<AppIdentity, WeftError>


/** The longest token looked at: a JWT is a few hundred bytes; this bounds the work of a bad one. */
const MAX_TOKEN_LENGTH = 8192

type Key = Parameters<typeof jwtVerify>[1]

/** Checks the settings and prepares the key; throws an Error naming what is wrong. */
const keyOf = async (settings: JwtSettings): Promise<{ readonly key: Key; readonly algorithms: ReadonlyArray<string> }> => {
  const given = [settings.secret, settings.publicKey, settings.jwksUrl].filter((value) => value !== undefined && value !== "")
  if (given.length !== 1) throw new Error("app tokens need exactly one key: a secret (HS256), a public key (PEM or JWK) or a JWKS URL")
  const asymmetric = ["RS256", "ES256"]
  const check = (allowed: ReadonlyArray<string>) => {
    const algorithms = settings.algorithms ?? allowed
    const wrong = algorithms.find((algorithm) => !allowed.includes(algorithm))
    if (wrong !== undefined || algorithms.length === 0) {
      throw new Error(`this key allows the algorithms ${allowed.join(", ")}, not ${wrong ?? "none"}`)
    }
    return algorithms
  }
  if (settings.secret !== undefined && settings.secret !== "") {
    const key = new TextEncoder().encode(settings.secret)
    if (key.length < MIN_SECRET_BYTES) throw new Error(`the JWT secret must have at least ${MIN_SECRET_BYTES} bytes`)
    return { key, algorithms: check(["HS256"]) }
  }
  if (settings.jwksUrl !== undefined && settings.jwksUrl !== "") {
    let url: URL
    try {
      url = new URL(settings.jwksUrl)
    } catch {
      throw new Error(`the JWKS URL is not a URL: ${settings.jwksUrl}`)
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("the JWKS URL must be http(s)")
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(url)
    return { key: jwks, algorithms: check(asymmetric) }
  }
  const text = settings.publicKey!.trim()
  if (text.startsWith("{")) {
    let jwk: JWK
    try {
      jwk = JSON.parse(text) as JWK
    } catch (error) {
      throw new Error(`the JWT public key is not valid JSON: ${error instanceof Error ? error.message : error}`)
    }
    if (jwk.kty !== "RSA" && jwk.kty !== "EC") throw new Error("the JWT public key must be an RSA or EC JWK")
    if ("d" in jwk) throw new Error("the JWT public key is a private key: give weft the public half only")
    const algorithm = jwk.alg ?? (jwk.kty === "RSA" ? "RS256" : "ES256")
    const algorithms = check([algorithm])
    return { key: await importJWK(jwk, algorithm), algorithms }
  }
  if (!text.startsWith("-----BEGIN PUBLIC KEY-----")) {
    throw new Error("the JWT public key must be a PEM public key (-----BEGIN PUBLIC KEY-----) or a JWK")
  }
  // The PEM says which kind of key it is; try the two algorithms weft allows.
  for (const algorithm of check(asymmetric)) {
    try {
      return { key: await importSPKI(text, algorithm), algorithms: [algorithm] }
    } catch {
      // Not a key of this algorithm: try the next.
    }
  }
  throw new Error("the JWT public key is neither an RSA (RS256) nor a P-256 (ES256) public key")
}

/** Why a token was refused, for the app's developer (never the key or the token itself). */
const reasonOf = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return "the app token has expired"
  if (error instanceof errors.JWTClaimValidationFailed) return `the app token's ${error.claim} claim is not accepted (${error.reason})`
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the app token's signature does not verify"
  if (error instanceof errors.JOSEAlgNotAllowed) return "the app token's algorithm is not accepted"
  if (error instanceof errors.JWKSNoMatchingKey) return "no key of the JWKS matches the app token"
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError && error.code === "ERR_JOSE_GENERIC") {
    return "the app token could not be checked (the JWKS did not answer)"
  }
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return "the app token is not a well-formed JWT"
  return "the app token is not accepted"
}

/**
 * The verifier of the settings' app tokens; fails (at start-up) with an Error naming what is wrong
 * in the settings.
 */
export const makeVerifier = (settings: JwtSettings): Effect.Effect<AppTokenVerifier, Error> =>
  Effect.tryPromise({ try: () => keyOf(settings), catch: (error) => error instanceof Error ? error : new Error(String(error)) }).pipe(
    Effect.map(({ key, algorithms }) => {
      const claim = settings.userIdClaim ?? "sub"
      const options = {
        algorithms: [...algorithms],
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: settings.clockToleranceSeconds ?? 30,
        requiredClaims: ["exp"]
      }
      return (token: string) =>
        token.length > MAX_TOKEN_LENGTH
          ? Effect.fail(wrongCredentials("the app token is too long"))
          : Effect.tryPromise({
            try: () => jwtVerify(token, key as Uint8Array, options),
            catch: (error) => wrongCredentials(reasonOf(error))
          }).pipe(Effect.flatMap(({ payload }) => identityOf(payload, claim)))
    })
  )

const identityOf = (payload: JWTPayload, claim: string): Effect.Effect<AppIdentity, WeftError> => {
  const userId = payload[claim]
  if (typeof userId !== "string" || !isValidUserId(userId)) {
    return Effect.fail(wrongCredentials(`the app token's ${claim} claim must be a user id ([A-Za-z0-9_.-]{1,64})`))
  }
  const name = payload["name"]
  return Effect.succeed({ userId, displayName: typeof name === "string" && name.length <= 64 ? name : undefined })
}
