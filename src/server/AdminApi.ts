/**
 * The admin API: the Admin service (Admin.ts) as JSON over HTTP under /api/v1 on the admin port,
 * for the app's own server. The admin port checks the Host header and the admin token before a
 * request gets here; this API is served only when the admin port has a token (without one it
 * answers 403), since anyone who reaches it can act as any user.
 *
 * Input is checked against a schema (unknown fields refused) and a wrong one is a 400 that names
 * the field; the actors' own refusals map to 4xx by their status (the wire status in the body);
 * the document of every route is served at /api/v1/openapi.json (AdminOpenApi.ts).
 */
import { Effect, Schema } from "effect"
import { type HttpServerRequest, HttpServerResponse } from "effect/http"
import { Status, statusName } from "../protocol/Status.ts"
import { WeftError } from "../protocol/WeftError.ts"
import { Admin } from "./Admin.ts"
import { openApiDocument } from "./AdminOpenApi.ts"

export const API_PREFIX = "/api/v1"

/** The largest request body: an import of a thousand users fits. */
export const MAX_BODY_BYTES = 1024 * 1024

export type AdminApiHandler = (request: HttpServerRequest.HttpServerRequest, path: string) => Effect.Effect<HttpServerResponse.HttpServerResponse>

const json = (body: unknown, status = 200) => HttpServerResponse.jsonUnsafe(body, { status })

const failure = (status: number, code: string, message: string) => json({ error: { code, message } }, status)

/** The HTTP status of an actor's refusal (500 for any other). */
const httpStatuses = new Map<number, number>([
  [Status.BAD_REQUEST, 400],
  [Status.INVALID_USER_ID, 400],
  [Status.NOT_FOUND, 404],
  [Status.RECIPIENT_NOT_FOUND, 404],
  [Status.FORBIDDEN, 403],
  [Status.NOT_A_MEMBER, 403],
  [Status.NOT_A_CONTACT, 403],
  [Status.CONFLICT, 409],
  [Status.USER_EXISTS, 409],
  // Misdirected: the user is served by another data centre (docs/multi-idc.md).
  [Status.WRONG_IDC, 421],
  [Status.TOO_LARGE, 413],
  [Status.RATE_LIMITED, 429],
  [Status.UNAVAILABLE, 503]
])

const refused = (error: WeftError) =>
  json({ error: { code: statusName(error.code), status: error.code, message: error.message } }, httpStatuses.get(error.code) ?? 500)

const UserId = Schema.String
const Text = Schema.String

const bodies = {
  message: Schema.Struct({
    from: UserId,
    to: Schema.optional(UserId),
    groupId: Schema.optional(Schema.String),
    text: Text,
    clientMsgId: Schema.optional(Schema.String)
  }),
  notice: Schema.Struct({
    to: Schema.optional(Schema.Array(UserId)),
    groupId: Schema.optional(Schema.String),
    text: Text,
    clientMsgId: Schema.optional(Schema.String)
  }),
  group: Schema.Struct({ owner: UserId, name: Schema.String, members: Schema.Array(UserId) }),
  members: Schema.Struct({ members: Schema.Array(UserId) }),
  import: Schema.Struct({
    users: Schema.Array(Schema.Struct({
      userId: UserId,
      displayName: Schema.optional(Schema.String),
      password: Schema.optional(Schema.String)
    }))
  })
}

class BadInput extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

/** The request's JSON body, checked against `schema`; fails with what is wrong. */
const readBody = <S extends Schema.Top>(request: HttpServerRequest.HttpServerRequest, schema: S) =>
  Effect.gen(function*() {
    const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
    if (contentType !== "application/json") return yield* Effect.fail(new BadInput(415, "the body must be application/json"))
    const length = Number(request.headers["content-length"] ?? NaN)
    if (!Number.isFinite(length)) return yield* Effect.fail(new BadInput(411, "content-length is required"))
    if (length > MAX_BODY_BYTES) return yield* Effect.fail(new BadInput(413, `the body must have at most ${MAX_BODY_BYTES} bytes`))
    const text = yield* Effect.mapError(request.text, () => new BadInput(400, "the body could not be read"))
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      return yield* Effect.fail(new BadInput(400, `the body is not JSON: ${error instanceof Error ? error.message : error}`))
    }
    return yield* Schema.decodeUnknownEffect(schema)(parsed, { errors: "all", onExcessProperty: "error" }).pipe(
      Effect.mapError((error) => new BadInput(400, `invalid body: ${error.message.replace(/\n\s*/g, " ")}`))
    ) as Effect.Effect<S["Type"], BadInput>
  })

/** A path part as given, or undefined if its escapes are malformed. */
const decodePart = (part: string): string | undefined => {
  try {
    return decodeURIComponent(part)
  } catch {
    return undefined
  }
}

/** The routes, matched on the path below /api/v1 and the method; `use` names the allowed ones. */
const route = (
  admin: Admin["Service"],
  request: HttpServerRequest.HttpServerRequest,
  path: string
): Effect.Effect<HttpServerResponse.HttpServerResponse, WeftError | BadInput> => {
  const method = request.method
  const use = (allowed: string) =>
    Effect.fail(new BadInput(405, `use ${allowed} on ${API_PREFIX}${path}`))
  const parts = path.split("/").slice(1).map(decodePart)
  if (parts.some((part) => part === undefined)) return Effect.fail(new BadInput(400, "malformed escape in the path"))
  const [first, second, third, fourth] = parts as Array<string>

  if (path === "/openapi.json") return method === "GET" ? Effect.succeed(json(openApiDocument)) : use("GET")
  if (path === "/messages") {
    if (method !== "POST") return use("POST")
    return readBody(request, bodies.message).pipe(Effect.flatMap(admin.sendAsUser), Effect.map((sent) => json(sent)))
  }
  if (path === "/notices") {
    if (method !== "POST") return use("POST")
    return readBody(request, bodies.notice).pipe(Effect.flatMap(admin.sendSystemNotice), Effect.map((sent) => json(sent)))
  }
  if (path === "/groups") {
    if (method !== "POST") return use("POST")
    return readBody(request, bodies.group).pipe(Effect.flatMap(admin.createGroup), Effect.map((group) => json(group, 201)))
  }
  if (first === "groups" && second !== undefined && third === "members" && parts.length === 3) {
    if (method !== "PUT") return use("PUT")
    return readBody(request, bodies.members).pipe(
      Effect.flatMap((body) => admin.setGroupMembers(second, body.members)),
      Effect.map((result) => json(result))
    )
  }
  if (path === "/users/import") {
    if (method !== "POST") return use("POST")
    return readBody(request, bodies.import).pipe(
      Effect.flatMap((body) => admin.importUsers(body.users)),
      Effect.map((results) => json({ results }))
    )
  }
  if (first === "users" && second !== undefined && third === "devices" && parts.length === 3) {
    if (method !== "GET") return use("GET")
    return Effect.map(admin.devices(second), (devices) => json(devices))
  }
  if (first === "users" && second !== undefined && third === "sessions" && parts.length <= 4) {
    if (method !== "DELETE") return use("DELETE")
    return Effect.map(admin.revokeSessions(second, fourth), (result) => json(result))
  }
  return Effect.fail(new BadInput(404, `no route ${API_PREFIX}${path} (the routes: GET ${API_PREFIX}/openapi.json)`))
}

/** The handler of /api/v1/... requests, bound to the Admin service of this process. */
export const handler: Effect.Effect<AdminApiHandler, never, Admin> = Effect.map(Admin, (admin) =>
  (request, path) =>
    route(admin, request, path.slice(API_PREFIX.length) || "/").pipe(
      Effect.catch((error) =>
        Effect.succeed(
          error instanceof WeftError
            ? refused(error)
            : failure(error.status, error.status === 404 ? "NOT_FOUND" : "BAD_REQUEST", error.message)
        )
      )
    ))
