/**
 * A big group, both designs in one run (docs/groups.md): weft dev, 10,000 users (imported through
 * the admin API) of which 1,000 are online (app-token logins, one connection each), and two groups
 * of all 10,000 members — one kept in write fan-out (its own threshold above its size), one in read
 * diffusion. For each:
 *  - storage writes and bytes per message: the server's storage counters (admin /metrics) around
 *    M messages, sent one at a time;
 *  - time for every online member to receive a message: from the send to the push reaching the
 *    last of the 999 other online members (median and slowest of the M);
 *  - catch-up of 1,000 missed messages by a member who was offline: login with cursor 0 to the
 *    last message, and the round trips it took (read diffusion: the login's page with its
 *    GroupNews marker, then SYNC_GROUP pages; write fan-out: the login's page, then SYNC pages —
 *    measured in a 100-member fan-out group: 1,000 messages to 10,000 logs would be 10 million
 *    writes, and a member's catch-up does not depend on the group's size).
 */
import { createHmac, randomBytes } from "node:crypto"
import { performance } from "node:perf_hooks"
import { Command } from "../../dist/protocol/Command.js"
import { GroupCodecs } from "../../dist/protocol/groups.js"
import { Codecs } from "../../dist/protocol/Proto.js"
import { FrameClient } from "../lib/frame-client.js"
import { progress, startDevServer } from "../lib/servers.js"
import { pool, round, sleep } from "../lib/stats.js"

const base64url = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url")

/** An HS256 app token for `userId` (docs/app-auth.md). */
const appToken = (secret, userId) => {
  const unsigned = `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url({ sub: userId, exp: Math.floor(Date.now() / 1000) + 3600 })}`
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`
}

const WRITES = ["set", "remove", "increment", "log_append", "map_set", "map_remove"]

/** The server's storage counters: operations by name (successful ones) and bytes written. */
const storageCounters = async (server, token) => {
  const text = await (await fetch(`http://127.0.0.1:${server.adminPort}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text()
  const ops = {}
  let bytes = 0
  for (const line of text.split("\n")) {
    const op = /^weft_storage_operations_total\{([^}]*)\} (\S+)/.exec(line)
    if (op && /outcome="ok"/.test(op[1])) ops[/operation="([^"]+)"/.exec(op[1])[1]] = Number(op[2])
    const written = /^weft_storage_written_bytes_total\{[^}]*\} (\S+)/.exec(line)
    if (written) bytes += Number(written[1])
  }
  return { ops, bytes }
}

const difference = (before, after) => {
  let writes = 0
  let reads = 0
  for (const [op, count] of Object.entries(after.ops)) {
    const delta = count - (before.ops[op] ?? 0)
    if (WRITES.includes(op)) writes += delta
    else reads += delta
  }
  return { writes, reads, bytes: after.bytes - before.bytes }
}

const login = async (server, secret, userId, syncCursor) => {
  const client = await FrameClient.open(server)
  const auth = await client.request(Command.AUTH, Codecs.AuthRequest, Codecs.AuthResponse, {
    appToken: appToken(secret, userId),
    device: { deviceId: `${userId}-bench`, platform: 0, name: "" },
    ...(syncCursor === undefined ? {} : { syncCursor, syncLimit: 0 })
  })
  client.userId = userId
  return { client, auth }
}

/** Creates a group of all `members` (the owner first) in frames of at most 3,000 ids. */
const createGroup = async (owner, name, members, settings) => {
  const { group } = await owner.request(Command.CREATE_GROUP, GroupCodecs.CreateGroupRequest, GroupCodecs.CreateGroupResponse, {
    name,
    members: members.slice(1, 3000),
    settings
  })
  for (let i = 3000; i < members.length; i += 3000) {
    await owner.request(Command.ADD_MEMBERS, GroupCodecs.AddMembersRequest, GroupCodecs.AddMembersResponse, {
      groupId: group.groupId,
      userIds: members.slice(i, i + 3000)
    })
  }
  return group.groupId
}

const send = (client, groupId, clientMsgId) =>
  client.request(Command.SEND_MESSAGE, Codecs.SendMessageRequest, Codecs.SendMessageResponse, {
    to: "",
    groupId,
    type: 0,
    text: "hello, everyone",
    clientMsgId
  })

/** Pages of the group's log after `cursor` until the end: [messages, round trips]. */
const pullGroup = async (client, groupId, cursor) => {
  let messages = 0
  let trips = 0
  for (;;) {
    const page = await client.request(Command.SYNC_GROUP, GroupCodecs.SyncGroupRequest, GroupCodecs.SyncGroupResponse, { groupId, cursor, limit: 0 })
    trips++
    messages += page.changes.filter((change) => change.message).length
    cursor = page.cursor
    if (!page.more) return [messages, trips]
  }
}

/** A member who missed `count` messages logs in with cursor 0 and gets them all. */
const catchUp = async (server, secret, userId, groupId, diffusion) => {
  const started = performance.now()
  const { client, auth } = await login(server, secret, userId, 0)
  let trips = 1
  let messages = 0
  let cursor = auth.sync?.cursor ?? 0
  let more = auth.sync?.more ?? false
  const news = new Map()
  const seen = (changes) => {
    for (const change of changes) {
      if (change.message?.groupId === groupId) messages++
      if (change.groupNews) news.set(change.groupNews.groupId, change.groupNews.seq)
    }
  }
  seen(auth.sync?.changes ?? [])
  while (more) {
    const page = await client.request(Command.SYNC, Codecs.SyncRequest, Codecs.SyncResponse, { cursor, limit: 0 })
    trips++
    seen(page.changes)
    cursor = page.cursor
    more = page.more
  }
  if (diffusion && news.has(groupId)) {
    const [pulled, pages] = await pullGroup(client, groupId, 0)
    messages += pulled
    trips += pages
  }
  const ms = performance.now() - started
  client.close()
  return { ms: round(ms), trips, messages }
}

export const run = async (options = {}) => {
  const { members = 10_000, online = 1_000, messages = 20, missed = 1_000, limitMs = 60_000 } = options
  const secret = randomBytes(32).toString("hex")
  const token = randomBytes(16).toString("hex")
  const server = await startDevServer(["--jwt-secret", secret, "--admin-token", token])
  const clients = []
  const rows = []
  try {
    const prefix = `big${process.pid.toString(36)}`
    const userIds = Array.from({ length: members }, (_, i) => `${prefix}-${i}`)
    progress(`big group: importing ${members} users`)
    for (let i = 0; i < members; i += 1000) {
      const response = await fetch(`http://127.0.0.1:${server.adminPort}/api/v1/users/import`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ users: userIds.slice(i, i + 1000).map((userId) => ({ userId })) })
      })
      if (!response.ok) throw new Error(`import: HTTP ${response.status} ${await response.text()}`)
    }
    progress(`big group: ${online} members log in`)
    const arrivals = new Map()
    let expecting
    await pool(online, 16, async (i) => {
      const { client } = await login(server, secret, userIds[i])
      client.onPush = (frame) => {
        if (frame.command !== Command.PUSH || expecting === undefined) return
        const message = Codecs.Push.decode(frame.body).change?.message
        if (message?.clientMsgId === expecting.id && client.userId !== userIds[0]) expecting.arrived()
      }
      clients[i] = client
    })
    const owner = clients[0]
    const others = online - 1

    /** One message, sent when the previous has reached every online member: its time to the last. */
    const timed = async (groupId, id) => {
      const started = performance.now()
      let count = 0
      const reached = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${id}: ${count} of ${others} online members got it within ${limitMs} ms`)), limitMs)
        expecting = { id, arrived: () => ++count === others && (clearTimeout(timer), resolve()) }
      })
      await send(owner, groupId, id)
      await reached
      arrivals.set(id, performance.now() - started)
      return performance.now() - started
    }

    for (const mode of ["write fan-out", "read diffusion"]) {
      const diffusion = mode === "read diffusion"
      progress(`big group: ${mode}: a group of ${members}`)
      const groupId = await createGroup(owner, mode, userIds, diffusion ? undefined : { readDiffusionThreshold: members * 2, historyVisible: false })
      await sleep(1000) // the membership events' pushes settle
      const before = await storageCounters(server, token)
      const times = []
      for (let i = 0; i < messages; i++) times.push(await timed(groupId, `${mode[0]}-${i}`))
      const after = await storageCounters(server, token)
      const cost = difference(before, after)
      const sorted = [...times].sort((a, b) => a - b)
      let catchUpRow = { catchUpMs: undefined, catchUpTrips: undefined, caughtUp: undefined, catchUpNote: "" }
      // The member who catches up was never online; the catch-up group is this one (read diffusion) or a small one.
      const absent = userIds[diffusion ? members - 2 : members - 1]
      const catchUpGroup = diffusion ? groupId : await createGroup(owner, "fan-out, 100", [...userIds.slice(0, 99), absent], { readDiffusionThreshold: members * 2, historyVisible: false })
      progress(`big group: ${mode}: ${missed} messages while ${absent} is offline`)
      await pool(missed, 8, (i) => send(owner, catchUpGroup, `${mode[0]}-missed-${i}`))
      await sleep(500)
      const caught = await catchUp(server, secret, absent, catchUpGroup, diffusion)
      catchUpRow = {
        catchUpMs: caught.ms,
        catchUpTrips: caught.trips,
        caughtUp: caught.messages,
        catchUpNote: diffusion ? "" : "in a 100-member fan-out group"
      }
      const row = {
        scenario: "big group",
        mode,
        members,
        online,
        messages,
        writesPerMessage: round(cost.writes / messages, 1),
        readsPerMessage: round(cost.reads / messages, 1),
        bytesPerMessage: Math.round(cost.bytes / messages),
        receiveMedianMs: round(sorted[Math.floor(sorted.length / 2)]),
        receiveMaxMs: round(sorted[sorted.length - 1]),
        ...catchUpRow
      }
      rows.push(row)
      progress(`big group: ${mode}: ${row.writesPerMessage} writes, ${row.bytesPerMessage} bytes per message; all ${online} online in ${row.receiveMedianMs} ms (median); catch-up of ${missed}: ${row.catchUpMs} ms, ${row.catchUpTrips} round trips`)
    }
  } finally {
    for (const client of clients) client?.close()
    await server.stop()
  }
  return rows
}

export const tables = (rows) => [
  {
    title: "big group (weft dev; 10k members, 1k online; per message sent one at a time)",
    columns: [
      { key: "mode", title: "design" },
      { key: "writesPerMessage", title: "storage writes/msg" },
      { key: "bytesPerMessage", title: "bytes written/msg" },
      { key: "readsPerMessage", title: "storage reads/msg" },
      { key: "receiveMedianMs", title: "all online got it, ms (median)" },
      { key: "receiveMaxMs", title: "(slowest)" },
      { key: "catchUpMs", title: "catch-up of 1k missed, ms" },
      { key: "catchUpTrips", title: "round trips" },
      { key: "caughtUp", title: "messages caught up" },
      { title: "note", value: (row) => row.catchUpNote ?? "" }
    ],
    rows
  }
]
