/**
 * The chat page's service worker: shows the notifications weft sends through Web Push (the
 * payload of notify/providers/webpush.ts) and opens the chat when one is clicked. A page of
 * the chat that is open and visible already shows the message: no notification then.
 */
interface PushPayload {
  readonly title: string
  readonly body: string
  readonly badge: number
  readonly tag: string
  readonly data: { readonly conversation: string }
}

// The service worker's global scope (the page's DOM types do not describe it).
const worker = self as unknown as {
  addEventListener: (type: string, listener: (event: any) => void) => void
  registration: { showNotification: (title: string, options: object) => Promise<void> }
  clients: { matchAll: (options: object) => Promise<Array<any>>; openWindow: (url: string) => Promise<unknown> }
}

worker.addEventListener("push", (event) => {
  const payload = event.data?.json() as PushPayload | undefined
  if (payload === undefined) return
  event.waitUntil((async () => {
    const windows = await worker.clients.matchAll({ type: "window", includeUncontrolled: true })
    if (windows.some((client) => client.visibilityState === "visible")) return
    await worker.registration.showNotification(payload.title, {
      body: payload.body,
      tag: payload.tag,
      renotify: true,
      data: payload.data
    })
  })())
})

worker.addEventListener("notificationclick", (event) => {
  event.notification.close()
  event.waitUntil((async () => {
    const windows = await worker.clients.matchAll({ type: "window", includeUncontrolled: true })
    const chat = windows.find((client) => new URL(client.url).pathname === "/chat")
    if (chat !== undefined) return chat.focus()
    return worker.clients.openWindow("/chat")
  })())
})
