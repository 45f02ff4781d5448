// node examples/app-server/token.js USER: prints a weft login token for USER (see jwt.js).
import { signToken } from "./jwt.js"

const [user] = process.argv.slice(2)
if (!user || !process.env.WEFT_JWT_SECRET) {
  console.error("usage: WEFT_JWT_SECRET=... node examples/app-server/token.js USER")
  process.exit(1)
}
console.log(signToken(user, process.env.WEFT_JWT_SECRET))
