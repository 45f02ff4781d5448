/**
 * Offline notifications from a browser (notify.proto): register this session for Web Push, so
 * the browser is woken when the page is closed, and unregister. `enableWebPush` does the
 * browser's part: the service worker that shows notifications, the permission, the push
 * subscription (with the server's VAPID key from /web/push.json), then REGISTER_PUSH.
 */
import { Command } from "../../protocol/Command.ts"
import type { CommandSpec } from "./Transport.ts"
import type { WeftBrowserClient } from "./WeftBrowserClient.ts"

export const NotifyCommands = {
  registerPush: { id: Command.REGISTER_PUSH, name: "registerpush", request: "RegisterPushRequest", response: "RegisterPushResponse" },
  unregisterPush: { id: Command.UNREGISTER_PUSH, name: "unregisterpush", request: "UnregisterPushRequest", response: "UnregisterPushResponse" }
} as const satisfies Record<string, CommandSpec>

/** weft.v1.PushPlatform.PUSH_PLATFORM_WEB_PUSH. */
const WEB_PUSH = 3

export interface WebPushOptions {
  /** The service worker script that shows the notifications. */
  readonly serviceWorker?: string | undefined
  /** Show message text (off by default: sender and count). */
  readonly preview?: boolean | undefined
  readonly muted?: ReadonlyArray<string> | undefined
}

/** Whether this browser can receive Web Push at all (a secure page, a service worker, PushManager). */
export const webPushSupported = (): boolean =>
  typeof window !== "undefined" && window.isSecureContext && "serviceWorker" in navigator && "PushManager" in window &&
  "Notification" in window

/** The server's VAPID public key, or undefined when it sends no Web Push. */
export const serverPushKey = async (): Promise<string | undefined> => {
  const response = await fetch("/web/push.json")
  if (!response.ok) return undefined
  return ((await response.json()) as { vapidPublicKey?: string }).vapidPublicKey
}

const activated = (registration: ServiceWorkerRegistration): Promise<void> =>
  new Promise((resolve) => {
    const worker = registration.installing ?? registration.waiting ?? registration.active
    if (worker === null || worker.state === "activated") return resolve()
    worker.addEventListener("statechange", () => {
      if (worker.state === "activated") resolve()
    })
  })

/** Registers a browser push subscription (PushSubscription.toJSON()) for this session. */
export const registerWebPush = async (
  client: WeftBrowserClient,
  subscription: { readonly endpoint?: string; readonly keys?: Record<string, string> },
  options: WebPushOptions = {}
): Promise<void> => {
  await client.call(NotifyCommands.registerPush, {
    platform: WEB_PUSH,
    webPush: { endpoint: subscription.endpoint ?? "", p256dh: subscription.keys?.["p256dh"] ?? "", auth: subscription.keys?.["auth"] ?? "" },
    locale: navigator.language,
    preview: options.preview ?? false,
    muted: options.muted ?? []
  })
}

/**
 * Asks for permission, subscribes this browser and registers the subscription. Rejects with a
 * message a person can read when the browser, the user or the server says no.
 */
export const enableWebPush = async (client: WeftBrowserClient, options: WebPushOptions = {}): Promise<void> => {
  if (!webPushSupported()) throw new Error("this browser cannot receive push notifications here (it needs https and a service worker)")
  const key = await serverPushKey()
  if (key === undefined) throw new Error("this server sends no browser notifications")
  if ((await Notification.requestPermission()) !== "granted") throw new Error("notifications are blocked for this page")
  const registration = await navigator.serviceWorker.register(options.serviceWorker ?? "/web/js/web/chat/sw.js", { type: "module" })
  // Not navigator.serviceWorker.ready: the worker's scope (/web/...) does not cover the page,
  // and push needs no more than an active worker.
  await activated(registration)
  const subscription = (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }))
  await registerWebPush(client, subscription.toJSON(), options)
}

/** Stops notifications to this session (the browser's subscription stays for the next sign-in). */
export const unregisterPush = async (client: WeftBrowserClient): Promise<void> => {
  await client.call(NotifyCommands.unregisterPush, {})
}
