/**
 * TLS on the client listeners (gateway.tls; --tls-cert/--tls-key) with a certificate made at
 * test time: the SDK chats over TLS, HTTPS short connections and WSS work, and a client that
 * speaks plain TCP, or does not trust the certificate, gets nowhere. The command line takes the
 * certificate files (server) and the CA (client).
 */
import { execFile, execFileSync, spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import * as Https from "node:https"
import * as Net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { WebSocket } from "ws"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FrameConnection } from "../../src/client/FrameConnection.ts"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { Command } from "../../src/protocol/Command.ts"
import { Codecs } from "../../src/protocol/Proto.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

const bin = fileURLToPath(new URL("../../bin/weft.js", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "weft-tls-"))
const certFile = join(dir, "cert.pem")
const keyFile = join(dir, "key.pem")
// A self-signed certificate for 127.0.0.1, valid for a day: it is its own CA.
execFileSync("openssl", [
  "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
  "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile, "-out", certFile
], { stdio: "ignore" })
const cert = readFileSync(certFile, "utf8")
const key = readFileSync(keyFile, "utf8")

let server: DevServer
const clients: Array<WeftClient> = []
beforeAll(async () => {
  server = await startDevServer({ gateway: { httpPorts: [0], loginTimeoutMs: 2_000, tls: { cert, key } } })
})
afterAll(async () => {
  clients.forEach((client) => client.close())
  await server?.stop()
})

const online = async (userId: string, transport?: "ws" | "http") => {
  const client = new WeftClient({
    host: server.host,
    port: server.port,
    httpPort: server.httpPort,
    transport,
    userId,
    password: "password",
    reconnect: false,
    tls: { ca: cert }
  })
  clients.push(client)
  await client.connect()
  return client
}

describe("TLS", () => {
  it("two SDK clients register and chat over TLS", async () => {
    const [alice, bob] = [uniqueUser("alice"), uniqueUser("bob")]
    for (const user of [alice, bob]) await register({ ...server, tls: { ca: cert } }, user, "password")
    const aliceClient = await online(alice)
    const bobClient = await online(bob)
    const received: Array<string> = []
    bobClient.on("message", (message) => received.push(message.text))
    await aliceClient.send(bob, "over tls")
    await waitFor("the message", () => received.length === 1)
    expect(received).toEqual(["over tls"])
  })

  it("the SDK's WSS and HTTPS links trust the client's own CA too", async () => {
    const [wsUser, httpUser] = [uniqueUser("wss"), uniqueUser("https")]
    for (const user of [wsUser, httpUser]) await register({ ...server, tls: { ca: cert } }, user, "password")
    const overWs = await online(wsUser, "ws")
    const overHttp = await online(httpUser, "http")
    expect([overWs.endpoint?.transport, overHttp.endpoint?.transport]).toEqual(["ws", "http"])
    const received: Array<string> = []
    overHttp.on("message", (message) => received.push(message.text))
    await overWs.send(httpUser, "wss to https")
    await waitFor("the message, by long polling over HTTPS", () => received.length === 1)
    expect(received).toEqual(["wss to https"])
  })

  it("a plain TCP client, and a TLS client that does not trust the certificate, get nowhere", async () => {
    const plain = await FrameConnection.open({ host: server.host, port: server.port, onPush: () => {}, onClose: () => {} })
    const answer = await plain.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, { userId: "anyone", password: "password" })
      .then(() => "answered", (error: Error) => error.name)
    expect(answer).toBe("DisconnectedError")
    const untrusting = await FrameConnection.open({ host: server.host, port: server.port, onPush: () => {}, onClose: () => {}, tls: true })
      .then(() => "connected", (error: NodeJS.ErrnoException) => error.code)
    expect(untrusting).toBe("DEPTH_ZERO_SELF_SIGNED_CERT")
  })

  it("a connection that never finishes the TLS handshake is closed within the login timeout", async () => {
    const socket = Net.createConnection({ host: server.host, port: server.port })
    socket.on("error", () => {})
    socket.resume()
    await new Promise((resolve) => socket.once("close", resolve))
  }, 15_000)

  it("HTTPS short connections and WSS are served on the HTTP port", async () => {
    const user = uniqueUser("carol")
    await register({ ...server, tls: { ca: cert } }, user, "password")
    const body = JSON.stringify({ userId: user, password: "password" })
    const answer = await new Promise<{ status: number; json: { sessionToken?: string } }>((resolve, reject) => {
      const request = Https.request({
        host: "127.0.0.1",
        port: server.httpPort,
        path: "/cgi-bin/auth",
        method: "POST",
        ca: cert,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
      }, (response) => {
        let text = ""
        response.on("data", (chunk) => (text += chunk))
        response.on("end", () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) }))
      })
      request.on("error", reject)
      request.end(body)
    })
    expect(answer.status).toBe(200)
    expect(answer.json.sessionToken).toMatch(/.{16,}/)
    const socket = new WebSocket(`wss://127.0.0.1:${server.httpPort}/ws`, { ca: cert })
    await new Promise((resolve, reject) => {
      socket.once("open", resolve)
      socket.once("error", reject)
    })
    socket.close()
  })

  it("weft dev --tls-cert/--tls-key serves TLS, and weft client --tls-ca talks to it", async () => {
    const dev = spawn(process.execPath, [bin, "dev", "--port", "0", "--http-port", "0", "--admin-port", "0", "--tls-cert", certFile, "--tls-key", keyFile], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let out = ""
        dev.stdout!.on("data", (chunk) => {
          out += chunk
          const match = /long connections \(TLS\) on (\S+:\d+)/.exec(out)
          if (match) resolve(match[1]!)
        })
        dev.once("exit", (code) => reject(new Error(`weft dev exited with ${code}: ${out}`)))
      })
      const run = (...args: Array<string>) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
          execFile(process.execPath, [bin, "client", "--server", address, "--tls-ca", certFile, "--user", "dora", "--password", "password", ...args], (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code) : 0, stdout, stderr })))
      const registered = await run("register")
      expect(registered.stderr).toBe("")
      expect(JSON.parse(registered.stdout)).toEqual({ registered: "dora" })
      expect((await run("sync")).code).toBe(0)
      const missing = await run("--tls-ca", join(dir, "nope.pem"), "sync")
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain("--tls-ca: cannot read")
    } finally {
      dev.kill("SIGINT")
    }
  }, 60_000)
})
