/**
 * Offline notifications end to end: a dev server whose providers point at local stand-ins of
 * APNs, FCM, a Web Push service and a webhook (test/support/PushServices.ts), each reached by
 * weft's real client code (@parse/node-apn over HTTP/2, the FCM v1 API after the OAuth
 * exchange, web-push with VAPID and aes128gcm, a signed POST).
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import webpush from "web-push"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sendFriendRequest } from "../../src/client/contacts.ts"
import { logout } from "../../src/client/devices.ts"
import { type PushAddress, registerPush, unregisterPush } from "../../src/client/notifications.ts"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import { type LocalCluster, startLocalCluster } from "../../src/cli/localCluster.ts"
import { prometheusText } from "../../src/metrics/Prometheus.ts"
import { registrationsKey } from "../../src/notify/Registrations.ts"
import { Status } from "../../src/protocol/Status.ts"
import { type DevServer, startDevServer } from "../support/DevServer.ts"
import { harness } from "../support/Harness.ts"
import { launchBrowser } from "../support/browser.ts"
import { startApns, startFcm, startWebhook, startWebPushService, testCertificate } from "../support/PushServices.ts"
import { runnerFlags } from "../support/clusterFlags.ts"
import { uniqueUser, waitFor } from "../support/wait.ts"

const tls = testCertificate()
const webhookSecret = "a-webhook-secret-of-some-length"
let apns: Awaited<ReturnType<typeof startApns>>
let fcm: Awaited<ReturnType<typeof startFcm>>
let webPush: Awaited<ReturnType<typeof startWebPushService>>
let webhook: Awaited<ReturnType<typeof startWebhook>>
let server: DevServer
const vapid = webpush.generateVAPIDKeys()

beforeAll(async () => {
  ;[apns, fcm, webPush, webhook] = await Promise.all([startApns(tls), startFcm(), startWebPushService(tls), startWebhook(webhookSecret)])
  server = await startDevServer({
    gateway: { httpPorts: [0] },
    features: { webChat: true },
    notify: {
      apns: { ...apns.team, topic: "dev.weft.test", production: false, address: apns.address, ca: tls.cert },
      fcm: { serviceAccount: fcm.serviceAccount, endpoint: fcm.endpoint },
      webPush: { subject: "mailto:ops@weft.test", ...vapid, allowedHosts: ["127.0.0.1"], ca: tls.cert },
      webhook: { url: webhook.url, secret: webhookSecret },
      collapseMs: 100,
      // One notification per device and conversation for the length of a test: a second one
      // would show that a burst was not collapsed.
      minIntervalMs: 3_600_000,
      retryMs: 50,
      maxRetryMs: 200,
      perDevicePerMinute: 1000
    }
  })
})
afterAll(async () => {
  closeAll()
  await server?.stop()
  await Promise.all([apns, fcm, webPush, webhook].map((service) => service?.close()))
})

const { newUser, device, closeAll } = harness(() => server)
const connect = async (userId: string, deviceId: string) => (await device(userId, deviceId)).client

/** A device that registers for notifications and goes offline (its connection closed). */
const offlineDevice = async (userId: string, deviceId: string, address: PushAddress) => {
  const client = await connect(userId, deviceId)
  await registerPush(client, address)
  client.close()
}

const registrations = async (userId: string) =>
  (await Effect.runPromise(server.storage.mapEntries(registrationsKey(userId)))).map(([, value]) =>
    JSON.parse(Buffer.from(value).toString())
  )

/** The outbox is empty: every notification scheduled so far was sent, dropped or retried away. */
const outboxDrained = async () => {
  const waiting = async () => {
    const text = await Effect.runPromise(prometheusText)
    return Number(/^weft_notifications_waiting(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? "NaN")
  }
  const deadline = Date.now() + 10_000
  while ((await waiting()) !== 0) {
    if (Date.now() > deadline) throw new Error("the outbox did not drain")
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe("offline notifications", () => {
  it("an offline device gets one notification per conversation burst, badge = unread total; an online device none; an outage is retried without delaying messages", async () => {
    const bob = await newUser("bob")
    const alice = await newUser("alice")
    const carol = await newUser("carol")
    const phoneToken = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
    await offlineDevice(bob, "bob-phone", { platform: "apns", token: phoneToken })
    // The laptop registers too, but stays connected: it gets pushes, never a notification.
    const laptop = await connect(bob, "bob-laptop")
    await registerPush(laptop, { platform: "fcm", token: "laptop-fcm-token" })
    const pushed: Array<string> = []
    laptop.on("change", (change) => change.message && pushed.push(change.message.text))

    apns.record.down = true
    const carolClient = await connect(carol, "carol-1")
    const aliceClient = await connect(alice, "alice-1")
    await carolClient.send(bob, "hi bob, carol here")
    // The whole burst is stored and acknowledged while APNs is down.
    const acks = await Promise.all(Array.from({ length: 50 }, (_, i) => aliceClient.send(bob, `secret text ${i}`)))
    expect(acks.filter((ack) => ack.seq > 0)).toHaveLength(50)
    await waitFor("the laptop's pushes", () => pushed.length === 51)
    await waitFor("a failed attempt during the outage", () => apns.record.refused.includes("outage"))
    expect(apns.record.accepted).toHaveLength(0)

    apns.record.down = false
    await waitFor("the notifications after the outage", () => apns.record.accepted.length === 2)
    await outboxDrained()
    expect(apns.record.accepted).toHaveLength(2)
    expect(fcm.record.accepted.filter((received) => received.token === "laptop-fcm-token")).toHaveLength(0)

    const fromAlice = apns.record.accepted.find((received) => received.body.weft.sender === alice)!
    const fromCarol = apns.record.accepted.find((received) => received.body.weft.sender === carol)!
    expect(fromAlice.token).toBe(phoneToken)
    expect(fromAlice.body.aps.badge).toBe(51)
    expect(fromAlice.body.weft).toMatchObject({ kind: "message", conversation: alice, count: 50 })
    expect(fromAlice.body.aps.alert).toEqual({ title: alice, body: "50 new messages" })
    expect(JSON.stringify(fromAlice.body)).not.toContain("secret text")
    expect(fromAlice.headers["apns-topic"]).toBe("dev.weft.test")
    expect(fromCarol.body.weft.count).toBe(1)
    // One collapse key per conversation.
    expect(fromAlice.headers["apns-collapse-id"]).not.toBe(fromCarol.headers["apns-collapse-id"])
  })

  it("Web Push: the payload is encrypted for the subscription and signed with VAPID; FCM: sent after the OAuth exchange", async () => {
    const dana = await newUser("dana")
    const eve = await newUser("eve")
    await offlineDevice(dana, "dana-browser", { platform: "webpush", webPush: webPush.subscribe(`${dana}-browser`) })
    await offlineDevice(dana, "dana-android", { platform: "fcm", token: `${dana}-android-token` })
    const eveClient = await connect(eve, "eve-1")
    await sendFriendRequest(eveClient, dana, "let's talk")

    await waitFor("the browser's notification", () => webPush.record.accepted.some((received) => received.token === `/${dana}-browser`))
    await waitFor("the Android notification", () => fcm.record.accepted.some((received) => received.token === `${dana}-android-token`))
    const browser = webPush.record.accepted.find((received) => received.token === `/${dana}-browser`)!
    expect(browser.body).toMatchObject({ title: "Friend request", body: `${eve} wants to be your contact`, data: { kind: "friend-request", sender: eve } })
    expect(browser.headers["topic"]).toMatch(/^[A-Za-z0-9_-]{1,32}$/)
    const android = fcm.record.accepted.find((received) => received.token === `${dana}-android-token`)!
    expect(android.body.data).toMatchObject({ kind: "friend-request", sender: eve })
    expect(android.body.android.collapse_key).toBe(browser.headers["topic"])
  })

  it("the webhook gets a signed POST, with the text when the device asked for previews", async () => {
    const frank = await newUser("frank")
    const gina = await newUser("gina")
    await offlineDevice(frank, "frank-app", { platform: "webhook", token: `${frank}-device`, preview: true, locale: "de-CH" })
    await (await connect(gina, "gina-1")).send(frank, "see you at eight")
    await waitFor("the webhook call", () => webhook.record.accepted.some((received) => received.token === `${frank}-device`))
    const call = webhook.record.accepted.find((received) => received.token === `${frank}-device`)!
    expect(call.body).toMatchObject({ userId: frank, locale: "de-CH", notification: { title: gina, body: "see you at eight", badge: 1 } })
    expect(webhook.record.refused).not.toContain("bad signature")
  })

  it("a token the provider calls dead is removed, for every provider", async () => {
    const henry = await newUser("henry")
    const ida = await newUser("ida")
    await offlineDevice(henry, "h-ios", { platform: "apns", token: "dead0000" })
    await offlineDevice(henry, "h-android", { platform: "fcm", token: "dead-fcm" })
    await offlineDevice(henry, "h-browser", { platform: "webpush", webPush: webPush.subscribe("dead-browser") })
    await offlineDevice(henry, "h-app", { platform: "webhook", token: "dead-webhook" })
    expect(await registrations(henry)).toHaveLength(4)
    await (await connect(ida, "ida-1")).send(henry, "anyone there?")
    const deadline = Date.now() + 10_000
    while ((await registrations(henry)).length > 0) {
      if (Date.now() > deadline) throw new Error(`still registered: ${JSON.stringify(await registrations(henry))}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const metrics = await Effect.runPromise(prometheusText)
    for (const provider of ["apns", "fcm", "webpush", "webhook"]) {
      expect(metrics).toMatch(new RegExp(`weft_notifications_total\\{[^}]*provider="${provider}"[^}]*outcome="invalid_token"|weft_notifications_total\\{[^}]*outcome="invalid_token"[^}]*provider="${provider}"`))
    }
  })

  it("logout and unregister remove the registration; muted conversations and bad registrations are refused or skipped", async () => {
    const jack = await newUser("jack")
    const phone = await connect(jack, "jack-phone")
    await registerPush(phone, { platform: "fcm", token: "jack-token" })
    const tablet = await connect(jack, "jack-tablet")
    await registerPush(tablet, { platform: "fcm", token: "jack-tablet-token" })
    expect(await registrations(jack)).toHaveLength(2)
    await unregisterPush(tablet)
    expect((await registrations(jack)).map((registration) => registration.token)).toEqual(["jack-token"])
    await logout(phone)
    const deadline = Date.now() + 10_000
    while ((await registrations(jack)).length > 0) {
      if (Date.now() > deadline) throw new Error("the registration outlived the logout")
      await new Promise((resolve) => setTimeout(resolve, 20))
    }

    // A muted conversation notifies nobody; the others still do.
    const kate = await newUser("kate")
    const noisy = await newUser("noisy")
    await offlineDevice(kate, "kate-app", { platform: "webhook", token: `${kate}-device`, muted: [noisy] })
    await (await connect(noisy, "noisy-1")).send(kate, "buy now")
    await (await connect(jack, "jack-laptop")).send(kate, "lunch?")
    await waitFor("kate's notification from jack", () => webhook.record.accepted.some((received) => received.token === `${kate}-device`))
    await outboxDrained()
    expect(webhook.record.accepted.filter((received) => received.token === `${kate}-device`).map((received) => received.body.notification.data.sender)).toEqual([jack])

    const refused = async (address: PushAddress) => {
      const error = await registerPush(tablet, address).then(() => undefined, (error: unknown) => error)
      expect(error).toBeInstanceOf(WeftRequestError)
      return error as WeftRequestError
    }
    expect((await refused({ platform: "webpush", webPush: { endpoint: "http://127.0.0.1/x", p256dh: "AA", auth: "AA" } })).message).toMatch(/https/)
    expect((await refused({ platform: "webpush", webPush: { endpoint: "https://10.0.0.1/x", p256dh: "AA", auth: "AA" } })).message).toMatch(/not a push service/)
    expect((await refused({ platform: "apns", token: "not hex!" })).code).toBe(Status.BAD_REQUEST)
    expect((await refused({ platform: "fcm", token: "" })).code).toBe(Status.BAD_REQUEST)

    // A session that expires unused (its keys gone from storage, as its TTL does) takes its
    // registration along at the next notification, which is not sent.
    const lena = await newUser("lena")
    await offlineDevice(lena, "lena-phone", { platform: "webhook", token: `${lena}-device` })
    await Effect.runPromise(server.storage.remove(`{${lena}}:sessions`))
    await (await connect(jack, "jack-laptop")).send(lena, "still there?")
    const gone = Date.now() + 10_000
    while ((await registrations(lena)).length > 0) {
      if (Date.now() > gone) throw new Error("the registration outlived its expired session")
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await outboxDrained()
    expect(webhook.record.accepted.some((received) => received.token === `${lena}-device`)).toBe(false)
  })
})

describe("browser notifications on the web chat page", () => {
  it("the page offers them when the server sends Web Push: its service worker registers and the browser's answer is shown", async () => {
    const browser = await launchBrowser()
    try {
      const context = await browser.newContext()
      const origin = `http://127.0.0.1:${server.httpPort}`
      await context.grantPermissions(["notifications"], { origin })
      const page = await context.newPage()
      expect(await (await fetch(`${origin}/web/push.json`)).json()).toEqual({ vapidPublicKey: vapid.publicKey })
      await page.goto(`${origin}/chat`)
      await page.fill("#user", uniqueUser("web"))
      await page.fill("#password", "secret-pw")
      await page.click("#register")
      await page.waitForSelector("#notify:not([hidden])", { timeout: 15_000 })
      await page.click("#notify")
      // Headless Chromium has no push service (its profile is incognito): it refuses the
      // subscription, and the page says so; a browser with one would register it.
      await page.waitForFunction(() =>
        document.getElementById("chat-error")!.textContent !== "" || (document.getElementById("notify") as HTMLButtonElement).disabled
      )
      const shown = await page.evaluate(async () => ({
        error: document.getElementById("chat-error")!.textContent,
        workers: (await navigator.serviceWorker.getRegistrations()).map((registration) => registration.active?.scriptURL ?? "")
      }))
      expect(shown.workers).toEqual([`${origin}/web/js/web/chat/sw.js`])
      expect(shown.error).toMatch(/permission|push service|Registration failed/i)
    } finally {
      await browser.close()
    }
  })
})

describe("offline notifications in clustered mode (a runner and a gateway as processes, Redis)", () => {
  let cluster: LocalCluster
  const secret = "another-webhook-secret-0123"
  let hook: Awaited<ReturnType<typeof startWebhook>>
  const clustered: Array<WeftClient> = []
  beforeAll(async () => {
    hook = await startWebhook(secret)
    const config = join(mkdtempSync(join(tmpdir(), "weft-notify-")), "notify.json")
    writeFileSync(config, JSON.stringify({ webhook: { url: hook.url, secret }, collapseMs: 100, minIntervalMs: 3_600_000, retryMs: 50 }))
    const flags = ["--notify-config", config]
    cluster = await startLocalCluster({ runners: 1, gateways: 1, memberArgs: flags, runnerArgs: runnerFlags })
  }, 90_000)
  afterAll(async () => {
    clustered.forEach((client) => client.close())
    await cluster?.stop()
    await hook?.close()
  })

  const at = () => ({ host: "127.0.0.1", port: cluster.gateways[0]!.port })
  const online = async (userId: string, deviceId: string) => {
    const client = new WeftClient({ ...at(), userId, password: "password", deviceId })
    clustered.push(client)
    await client.connect()
    return client
  }
  const waiting = async () => {
    const text = await (await fetch(`http://127.0.0.1:${cluster.runners[0]!.adminPort}/metrics`)).text()
    return Number(/^weft_notifications_waiting(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? "NaN")
  }

  it("the runner notifies the offline session through the Redis outbox; the session online on the gateway gets none", async () => {
    const [lena, max] = [`lena-${process.pid}`, `max-${process.pid}`]
    await register(at(), lena, "password")
    await register(at(), max, "password")
    const phone = await online(lena, "lena-phone")
    await registerPush(phone, { platform: "webhook", token: "lena-phone-token" })
    phone.close()
    const desktop = await online(lena, "lena-desktop")
    await registerPush(desktop, { platform: "webhook", token: "lena-desktop-token" })
    await (await online(max, "max-1")).send(lena, "are you there?")
    await waitFor("the phone's notification", () => hook.record.accepted.length >= 1)
    const deadline = Date.now() + 10_000
    while ((await waiting()) !== 0) {
      if (Date.now() > deadline) throw new Error("the runner's outbox did not drain")
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(hook.record.accepted.map((received) => received.token)).toEqual(["lena-phone-token"])
    expect(hook.record.accepted[0]!.body.notification).toMatchObject({ userId: lena, title: max, badge: 1 })
  })
})
