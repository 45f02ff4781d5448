// Your app's own server, in plain Node: it signs weft logins (JWTs) for its users and talks to
// weft's admin API. Run weft with the same secret and an admin token (docs/app-auth.md), then this:
//   export WEFT_JWT_SECRET=$(openssl rand -hex 32) WEFT_ADMIN_TOKEN=$(openssl rand -hex 32)
//   npx weft dev --passwords off --jwt-issuer my-app --jwt-audience weft &
//   node examples/app-server/server.js      (then open http://127.0.0.1:8080/?as=ada)
import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import { signToken } from "./jwt.js"

const env = (name, fallback) => process.env[name] ?? fallback
const WEFT_HTTP = env("WEFT_HTTP", "http://127.0.0.1:9380") // weft's HTTP port: the SDK and its WebSocket
const WEFT_ADMIN = env("WEFT_ADMIN", "http://127.0.0.1:9390") // weft's admin port
const ADMIN_TOKEN = env("WEFT_ADMIN_TOKEN", "")
const SECRET = env("WEFT_JWT_SECRET", "")
const page = readFileSync(new URL("index.html", import.meta.url), "utf8").replaceAll("WEFT_HTTP", WEFT_HTTP)
const users = new Set() // who has signed in to this app

const weftAdmin = async (path, body) => {
  const response = await fetch(`${WEFT_ADMIN}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body)
  })
  if (!response.ok) throw new Error(`weft admin API ${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

const server = createServer(async (request, response) => {
  const url = new URL(request.url, "http://app")
  // The app's own sign-in is out of scope here: /?as=NAME stands for it, remembered in a cookie.
  const user = /(?:^|; )user=([A-Za-z0-9_.-]{1,64})/.exec(request.headers.cookie ?? "")?.[1]
  try {
    if (url.pathname === "/" && /^[A-Za-z0-9_.-]{1,64}$/.test(url.searchParams.get("as") ?? "")) {
      const name = url.searchParams.get("as")
      response.writeHead(200, { "content-type": "text/html", "set-cookie": `user=${name}; HttpOnly; SameSite=Strict` })
      return response.end(page.replace("APP_USER", name))
    }
    if (url.pathname === "/token" && user) {
      // Import is idempotent: the user exists in weft before the first login and any notice.
      if (!users.has(user)) await weftAdmin("/users/import", { users: [{ userId: user }] })
      users.add(user)
      return response.end(JSON.stringify({ token: signToken(user, SECRET) }))
    }
    if (url.pathname === "/announce" && request.method === "POST") {
      // A system notice to everyone who signed in (a real app would check who may announce).
      const sent = await weftAdmin("/notices", { to: [...users], text: url.searchParams.get("text") ?? "hello from the app" })
      return response.end(JSON.stringify(sent))
    }
    response.writeHead(404).end("not found\n")
  } catch (error) {
    response.writeHead(502).end(`${error.message}\n`)
  }
})
server.listen(Number(env("PORT", "8080")), "127.0.0.1", () => console.log(`app server on http://127.0.0.1:${server.address().port}`))
