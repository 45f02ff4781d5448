// A weft login for one of your users: an HS256 JWT signed with the secret weft was started with
// (WEFT_JWT_SECRET), naming the user in `sub`, for weft's --jwt-issuer my-app --jwt-audience weft,
// valid for five minutes. Plain node:crypto; a JWT library (jose, jsonwebtoken) does the same.
import { createHmac } from "node:crypto"

const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url")

export const signToken = (user, secret, { issuer = "my-app", audience = "weft", seconds = 300 } = {}) => {
  const now = Math.floor(Date.now() / 1000)
  const unsigned = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub: user, iss: issuer, aud: audience, iat: now, exp: now + seconds })}`
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`
}
