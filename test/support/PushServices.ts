/**
 * Stand-ins for the push services, on 127.0.0.1, each speaking its service's protocol and
 * checking what a real one checks, so the providers' real client libraries can be tested:
 *
 * - APNs: HTTP/2 over TLS, /3/device/<token>, the apns-* headers, the provider JWT (ES256)
 *   verified against the test team key;
 * - FCM: the OAuth token endpoint (the service account's RS256 JWT verified) and the HTTP v1
 *   messages:send endpoint (the access token checked);
 * - Web Push: an HTTPS push service that verifies the VAPID JWT and decrypts the aes128gcm
 *   payload with the subscription's private key (RFC 8291), as a browser would;
 * - the webhook: verifies the HMAC-SHA-256 signature.
 *
 * Each records what it accepted and refused; `down` makes it answer 503 (an outage), and a
 * token (or endpoint path) starting with "dead" is answered as a dead token.
 */
import { execFileSync } from "node:child_process"
import {
  createECDH,
  createDecipheriv,
  createHmac,
  createPublicKey,
  createVerify,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
  verify
} from "node:crypto"
import { mkdtempSync, readFileSync } from "node:fs"
import * as http from "node:http"
import * as http2 from "node:http2"
import * as https from "node:https"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface Received {
  readonly token: string
  readonly headers: Record<string, string>
  readonly body: any
}

export interface Recorder {
  readonly accepted: Array<Received>
  /** Requests answered with an error: "outage", "dead", or what failed a check. */
  readonly refused: Array<string>
  down: boolean
}

const recorder = (): Recorder => ({ accepted: [], refused: [], down: false })

const readBody = (stream: NodeJS.ReadableStream): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    stream.on("data", (chunk: Buffer) => chunks.push(chunk))
    stream.on("end", () => resolve(Buffer.concat(chunks)))
    stream.on("error", reject)
  })

const listen = (server: http.Server | https.Server | http2.Http2SecureServer) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)))

/** A self-signed certificate for 127.0.0.1 (its own CA). */
export const testCertificate = () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-push-"))
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")
  ], { stdio: "ignore" })
  return { cert: readFileSync(join(dir, "cert.pem"), "utf8"), key: readFileSync(join(dir, "key.pem"), "utf8") }
}

/** Verifies a compact JWS; answers its claims, or throws saying what is wrong. */
const verifyJwt = (jwt: string, key: KeyObject, algorithm: "ES256" | "RS256") => {
  const [header, claims, signature] = jwt.split(".")
  if (header === undefined || claims === undefined || signature === undefined) throw new Error("not a JWT")
  const head = JSON.parse(Buffer.from(header, "base64url").toString())
  if (head.alg !== algorithm) throw new Error(`alg ${head.alg}`)
  const data = Buffer.from(`${header}.${claims}`)
  const ok = algorithm === "ES256"
    ? verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"))
    : createVerify("RSA-SHA256").update(data).verify(key, Buffer.from(signature, "base64url"))
  if (!ok) throw new Error("bad signature")
  return { header: head, claims: JSON.parse(Buffer.from(claims, "base64url").toString()) }
}

const fail = (error: unknown) => (error instanceof Error ? error.message : String(error))

// ---------------------------------------------------------------------------------------------

export const startApns = async (tls: { cert: string; key: string }) => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" })
  const team = { keyId: "KEY1234567", teamId: "TEAM123456", key: privateKey.export({ type: "pkcs8", format: "pem" }).toString() }
  const record = recorder()
  const server = http2.createSecureServer({ ...tls, allowHTTP1: false })
  server.on("stream", (stream, headers) => {
    void readBody(stream).then((body) => {
      const answer = (status: number, reason?: string) => {
        stream.respond({ ":status": status, "apns-id": randomBytes(8).toString("hex") })
        stream.end(reason === undefined ? undefined : JSON.stringify({ reason }))
      }
      const path = String(headers[":path"])
      const token = path.replace(/^\/3\/device\//, "")
      try {
        if (headers[":method"] !== "POST" || !path.startsWith("/3/device/")) throw new Error(`bad path ${path}`)
        const bearer = /^bearer (.+)$/.exec(String(headers["authorization"] ?? ""))
        if (bearer === null) throw new Error("no provider token")
        const jwt = verifyJwt(bearer[1]!, publicKey, "ES256")
        if (jwt.header.kid !== team.keyId || jwt.claims.iss !== team.teamId) throw new Error("wrong key id or team")
        for (const header of ["apns-topic", "apns-push-type", "apns-collapse-id", "apns-expiration"]) {
          if (headers[header] === undefined) throw new Error(`missing ${header}`)
        }
      } catch (error) {
        record.refused.push(fail(error))
        return answer(403, "InvalidProviderToken")
      }
      if (record.down) {
        record.refused.push("outage")
        return answer(503, "ServiceUnavailable")
      }
      if (token.startsWith("dead")) {
        record.refused.push("dead")
        return answer(410, "Unregistered")
      }
      record.accepted.push({ token, headers: headers as Record<string, string>, body: JSON.parse(body.toString()) })
      answer(200)
    })
  })
  const port = await listen(server)
  return { record, team, address: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

// ---------------------------------------------------------------------------------------------

export const startFcm = async () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
  const record = recorder()
  const tokens = new Set<string>()
  let port = 0
  const server = http.createServer((request, response) => {
    void readBody(request).then((body) => {
      const answer = (status: number, value: unknown) => {
        response.writeHead(status, { "content-type": "application/json" })
        response.end(JSON.stringify(value))
      }
      if (request.url === "/token") {
        try {
          const form = new URLSearchParams(body.toString())
          if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") throw new Error("grant_type")
          const { claims } = verifyJwt(form.get("assertion") ?? "", publicKey, "RS256")
          if (claims.aud !== `http://127.0.0.1:${port}/token`) throw new Error(`aud ${claims.aud}`)
          if (!String(claims.scope).includes("firebase.messaging")) throw new Error("scope")
          const token = randomBytes(16).toString("hex")
          tokens.add(token)
          return answer(200, { access_token: token, expires_in: 3600, token_type: "Bearer" })
        } catch (error) {
          record.refused.push(`token: ${fail(error)}`)
          return answer(400, { error: "invalid_grant" })
        }
      }
      const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(request.url ?? "")
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")
      if (send === null || bearer === null || !tokens.has(bearer[1]!)) {
        record.refused.push("unauthenticated")
        return answer(401, { error: { code: 401, status: "UNAUTHENTICATED", message: "bad credentials" } })
      }
      if (record.down) {
        record.refused.push("outage")
        return answer(503, { error: { code: 503, status: "UNAVAILABLE", message: "try later" } })
      }
      const message = JSON.parse(body.toString()).message
      if (String(message?.token).startsWith("dead")) {
        record.refused.push("dead")
        return answer(404, {
          error: {
            code: 404,
            status: "NOT_FOUND",
            message: "Requested entity was not found.",
            details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: "UNREGISTERED" }]
          }
        })
      }
      record.accepted.push({ token: message.token, headers: request.headers as Record<string, string>, body: message })
      answer(200, { name: `projects/${send[1]}/messages/${randomBytes(4).toString("hex")}` })
    })
  })
  port = await listen(server)
  return {

    record,
    endpoint: `http://127.0.0.1:${port}`,
    serviceAccount: {
      clientEmail: "weft-test@example.iam.gserviceaccount.com",
      privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      projectId: "weft-test",
      tokenUri: `http://127.0.0.1:${port}/token`
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

// ---------------------------------------------------------------------------------------------

/** A browser's side of a push subscription: the keys it keeps and the subscription it hands out. */
export const browserSubscription = (endpoint: string) => {
  const ecdh = createECDH("prime256v1")
  ecdh.generateKeys()
  const auth = randomBytes(16)
  return {
    ecdh,
    auth,
    subscription: { endpoint, p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") }
  }
}

const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest()

/** RFC 8291 (aes128gcm) decryption, with the subscription's private key and auth secret. */
export const decryptPayload = (body: Buffer, ecdh: ReturnType<typeof createECDH>, auth: Buffer): string => {
  const salt = body.subarray(0, 16)
  const idLength = body[20]!
  const senderKey = body.subarray(21, 21 + idLength)
  const record = body.subarray(21 + idLength)
  const shared = ecdh.computeSecret(senderKey)
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), ecdh.getPublicKey(), senderKey, Buffer.from([1])])
  const ikm = hmac(hmac(auth, shared), keyInfo)
  const prk = hmac(salt, ikm)
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0\x01")).subarray(0, 16)
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0\x01")).subarray(0, 12)
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce)
  decipher.setAuthTag(record.subarray(record.length - 16))
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()])
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  if (padded[end] !== 2) throw new Error("no final-record delimiter")
  return padded.subarray(0, end).toString()
}

export const startWebPushService = async (tls: { cert: string; key: string }) => {
  const record = recorder()
  /** Subscriptions by endpoint path, so the service can decrypt what is sent to each. */
  const browsers = new Map<string, ReturnType<typeof browserSubscription>>()
  let origin = ""
  const server = https.createServer(tls, (request, response) => {
    void readBody(request).then((body) => {
      const answer = (status: number) => {
        response.writeHead(status)
        response.end()
      }
      const path = request.url ?? ""
      try {
        const vapid = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(request.headers.authorization ?? "")
        if (vapid === null) throw new Error("no VAPID authorization")
        const raw = Buffer.from(vapid[2]!, "base64url")
        const key = createPublicKey({
          key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33, 65).toString("base64url") },
          format: "jwk"
        })
        const { claims } = verifyJwt(vapid[1]!, key, "ES256")
        if (claims.aud !== origin) throw new Error(`aud ${claims.aud}`)
        if (!(claims.exp * 1000 > Date.now())) throw new Error("expired")
        if (request.headers["content-encoding"] !== "aes128gcm") throw new Error("content-encoding")
        if (request.headers["ttl"] === undefined) throw new Error("no TTL")
      } catch (error) {
        record.refused.push(fail(error))
        return answer(403)
      }
      if (record.down) {
        record.refused.push("outage")
        return answer(503)
      }
      if (path.startsWith("/dead")) {
        record.refused.push("dead")
        return answer(410)
      }
      const browser = browsers.get(path)
      if (browser === undefined) {
        record.refused.push(`unknown subscription ${path}`)
        return answer(404)
      }
      const payload = JSON.parse(decryptPayload(body, browser.ecdh, browser.auth))
      record.accepted.push({ token: path, headers: request.headers as Record<string, string>, body: payload })
      answer(201)
    })
  })
  const port = await listen(server)
  origin = `https://127.0.0.1:${port}`
  return {

    record,
    /** A new browser subscription at this service. */
    subscribe: (name: string) => {
      const browser = browserSubscription(`${origin}/${name}`)
      browsers.set(`/${name}`, browser)
      return browser.subscription
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

// ---------------------------------------------------------------------------------------------

export const startWebhook = async (secret: string) => {
  const record = recorder()
  const server = http.createServer((request, response) => {
    void readBody(request).then((body) => {
      const timestamp = String(request.headers["x-weft-timestamp"] ?? "")
      const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body.toString()}`).digest("hex")}`
      if (request.headers["x-weft-signature"] !== expected) {
        record.refused.push("bad signature")
        response.writeHead(401).end()
        return
      }
      if (record.down) {
        record.refused.push("outage")
        response.writeHead(503).end()
        return
      }
      const payload = JSON.parse(body.toString())
      if (String(payload.token).startsWith("dead")) {
        record.refused.push("dead")
        response.writeHead(410).end()
        return
      }
      record.accepted.push({ token: payload.token, headers: request.headers as Record<string, string>, body: payload })
      response.writeHead(204).end()
    })
  })
  const port = await listen(server)
  return { record, url: `http://127.0.0.1:${port}/push`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
