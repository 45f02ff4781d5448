/**
 * The OpenAPI 3 document of the admin API (AdminApi.ts), served at /api/v1/openapi.json. A test
 * calls every operation it lists, so a route documented here and missing there fails the suite.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

const jsonBody = (schema: unknown) => ({ required: true, content: { "application/json": { schema } } })

const answer = (description: string, schema?: unknown) =>
  schema === undefined ? { description } : { description, content: { "application/json": { schema } } }

/** The refusals every operation may answer, besides its own success. */
const refusals = {
  "400": answer("The input is wrong: the message names the field.", ref("Error")),
  "401": { description: "No admin token, or the wrong one (Authorization: Bearer <token>)." },
  "403": answer("The admin port has no token (the API needs one), or the actor refused (e.g. not a member).", ref("Error")),
  "404": answer("No such user, group or session.", ref("Error")),
  "503": answer("Storage or the owning actor did not answer in time: retry (with the same clientMsgId).", ref("Error"))
}

const userIdParameter = { name: "userId", in: "path", required: true, schema: ref("UserId") }

const text = { type: "string", minLength: 1, maxLength: 4096 }
const clientMsgId = {
  type: "string",
  maxLength: 128,
  description: "The message's dedupe key: a retry with the same one stores nothing twice. Made by the server when absent."
}

export const openApiDocument = {
  openapi: "3.0.3",
  info: {
    title: "weft admin API",
    version: "1",
    description:
      "What an app's server may do to weft: send as any user or as the system, manage groups, import users, end sessions, " +
      "read devices and presence. Served on the admin port; every call needs the admin token. See docs/admin-api.md."
  },
  security: [{ adminToken: [] }],
  paths: {
    "/api/v1/openapi.json": {
      get: { operationId: "openApi", summary: "This document.", responses: { "200": answer("The OpenAPI document.") } }
    },
    "/api/v1/messages": {
      post: {
        operationId: "sendAsUser",
        summary: "Send a text message as a user, to a user (to) or to a group the user is in (groupId).",
        requestBody: jsonBody({
          type: "object",
          additionalProperties: false,
          required: ["from", "text"],
          properties: { from: ref("UserId"), to: ref("UserId"), groupId: { type: "string" }, text, clientMsgId }
        }),
        responses: { "200": answer("Stored in every log that holds it.", ref("Sent")), ...refusals }
      }
    },
    "/api/v1/notices": {
      post: {
        operationId: "sendSystemNotice",
        summary: "Send a system notice (type SYSTEM, from \"@system\") to users (to) or to every member of a group (groupId).",
        requestBody: jsonBody({
          type: "object",
          additionalProperties: false,
          required: ["text"],
          properties: { to: { type: "array", items: ref("UserId"), minItems: 1, maxItems: 1000 }, groupId: { type: "string" }, text, clientMsgId }
        }),
        responses: { "200": answer("Stored in every recipient's log.", ref("Sent")), ...refusals }
      }
    },
    "/api/v1/groups": {
      post: {
        operationId: "createGroup",
        summary: "Create a group owned by a user, with members.",
        requestBody: jsonBody({
          type: "object",
          additionalProperties: false,
          required: ["owner", "name", "members"],
          properties: { owner: ref("UserId"), name: { type: "string", minLength: 1, maxLength: 64 }, members: { type: "array", items: ref("UserId") } }
        }),
        responses: { "201": answer("The new group.", ref("Group")), ...refusals }
      }
    },
    "/api/v1/groups/{groupId}/members": {
      put: {
        operationId: "setGroupMembers",
        summary: "Make these users the group's members (the missing are added, the others removed; the owner last).",
        parameters: [{ name: "groupId", in: "path", required: true, schema: { type: "string" } }],
        requestBody: jsonBody({
          type: "object",
          additionalProperties: false,
          required: ["members"],
          properties: { members: { type: "array", items: ref("UserId"), minItems: 1 } }
        }),
        responses: {
          "200": answer("What changed.", {
            type: "object",
            properties: { added: { type: "array", items: ref("UserId") }, removed: { type: "array", items: ref("UserId") } }
          }),
          ...refusals
        }
      }
    },
    "/api/v1/users/import": {
      post: {
        operationId: "importUsers",
        summary: "Create users that do not exist yet (existing ones are left as they are).",
        requestBody: jsonBody({
          type: "object",
          additionalProperties: false,
          required: ["users"],
          properties: {
            users: {
              type: "array",
              minItems: 1,
              maxItems: 1000,
              items: {
                type: "object",
                additionalProperties: false,
                required: ["userId"],
                properties: {
                  userId: ref("UserId"),
                  displayName: { type: "string", maxLength: 64 },
                  password: { type: "string", minLength: 8, maxLength: 256, description: "weft's own password; none for users who log in with app tokens." }
                }
              }
            }
          }
        }),
        responses: {
          "200": answer("One result a user, in order.", {
            type: "object",
            properties: {
              results: {
                type: "array",
                items: { type: "object", properties: { userId: ref("UserId"), created: { type: "boolean" } } }
              }
            }
          }),
          ...refusals
        }
      }
    },
    "/api/v1/users/{userId}/devices": {
      get: {
        operationId: "devices",
        summary: "The user's signed-in devices (sessions) and presence.",
        parameters: [userIdParameter],
        responses: { "200": answer("Devices and presence.", ref("Devices")), ...refusals }
      }
    },
    "/api/v1/users/{userId}/sessions": {
      delete: {
        operationId: "revokeSessions",
        summary: "Sign the user out everywhere: every session ends and its connections are kicked (LOGGED_OUT).",
        parameters: [userIdParameter],
        responses: { "200": answer("The ended sessions.", ref("Revoked")), ...refusals }
      }
    },
    "/api/v1/users/{userId}/sessions/{sessionId}": {
      delete: {
        operationId: "revokeSession",
        summary: "End one session (a device), by the sessionId the device list shows.",
        parameters: [userIdParameter, { name: "sessionId", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": answer("The ended session.", ref("Revoked")), ...refusals }
      }
    }
  },
  components: {
    securitySchemes: { adminToken: { type: "http", scheme: "bearer", description: "The admin port's token (--admin-token / WEFT_ADMIN_TOKEN)." } },
    schemas: {
      UserId: { type: "string", pattern: "^[A-Za-z0-9_.-]{1,64}$" },
      Error: {
        type: "object",
        properties: {
          error: {
            type: "object",
            properties: {
              code: { type: "string", description: "The status name (BAD_REQUEST, NOT_FOUND, ...)." },
              status: { type: "integer", description: "The wire status code (weft.v1.StatusCode), when an actor refused." },
              message: { type: "string" }
            }
          }
        }
      },
      Sent: {
        type: "object",
        properties: {
          messageId: { type: "string" },
          sentAtMs: { type: "integer" },
          stored: {
            type: "array",
            items: { type: "object", properties: { userId: ref("UserId"), seq: { type: "integer" } } }
          }
        }
      },
      Group: {
        type: "object",
        properties: {
          groupId: { type: "string" },
          name: { type: "string" },
          owner: ref("UserId"),
          members: { type: "array", items: { type: "object", properties: { userId: ref("UserId"), joinedAtMs: { type: "integer" } } } },
          createdAtMs: { type: "integer" },
          settings: {
            type: "object",
            description: "0 and false: the server's defaults (docs/groups.md)",
            properties: { readDiffusionThreshold: { type: "integer" }, historyVisible: { type: "boolean" } }
          },
          readDiffusion: { type: "boolean", description: "the group keeps its messages in its own log" },
          logSeq: { type: "integer", description: "read diffusion: the head of the group's log" }
        }
      },
      Devices: {
        type: "object",
        properties: {
          userId: ref("UserId"),
          online: { type: "boolean" },
          gateways: { type: "array", items: { type: "string" } },
          connections: {
            type: "array",
            items: { type: "object", properties: { connectionId: { type: "integer" }, deviceId: { type: "string" }, platform: { type: "integer" } } }
          },
          sessions: {
            type: "array",
            items: {
              type: "object",
              properties: {
                sessionId: { type: "string" },
                device: { type: "object", properties: { deviceId: { type: "string" }, platform: { type: "integer" }, name: { type: "string" } } },
                issuedAtMs: { type: "integer" },
                lastSeenAtMs: { type: "integer" }
              }
            }
          }
        }
      },
      Revoked: { type: "object", properties: { revoked: { type: "array", items: { type: "string" } } } }
    }
  }
} as const
