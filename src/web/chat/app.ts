/**
 * The web chat page's behaviour (markup in ../ChatPage.ts): sign in or register, conversations
 * from the user's log, a conversation view, send, live updates — all through the browser SDK.
 * `?transport=http` (or `ws`) forces a transport; the session survives a reload of the tab. With
 * several data centres, a user homed in another IDC is sent to its gateway, remembered per user.
 */
import { randomId, register, type TransportKind, WeftBrowserClient } from "../sdk/WeftBrowserClient.ts"
import { sendFriendRequest } from "../sdk/contacts.ts"
import { markRead, unreadCounts } from "../sdk/messages.ts"
import { enableWebPush, serverPushKey, webPushSupported } from "../sdk/notifications.ts"
import { webStorageRouteStore } from "../sdk/WebStorageRouteStore.ts"
import { type ContactListView, refreshContacts } from "./ContactList.ts"
import { Conversations, type Entry, isGroup } from "./Conversations.ts"

const SESSION_KEY = "weft.session"
/** The transport that worked last, tried first next time (the page moves to the WebSocket when it can). */
const TRANSPORT_KEY = "weft.transport"
/** The gateways of the user's home data centre, once a login was sent there (docs/multi-idc.md). */
const routesKey = (userId: string) => `weft.routes.${userId}`

interface SavedSession {
  readonly userId: string
  readonly token: string
  readonly deviceId: string
}

const element = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T
const input = (id: string) => element<HTMLInputElement>(id)

const params = new URLSearchParams(location.search)
const transport = (params.get("transport") ?? "auto") as "auto" | TransportKind

let client: WeftBrowserClient | undefined
let conversations: Conversations | undefined
let open: string | undefined
/** True once the first sync is done: history replayed at login is not news. */
let live = false

const setStatus = (state: string) => {
  const status = element("status")
  status.dataset["state"] = state
  // The gateway, when the user's home data centre is not the one that served the page.
  const elsewhere = client !== undefined && client.server !== location.origin ? ` · ${new URL(client.server).host}` : ""
  status.textContent = state === "online" ? `online · ${client?.transport === "http" ? "HTTP" : "WebSocket"}${elsewhere}` : state
  status.dataset["transport"] = state === "online" ? client?.transport ?? "" : ""
  status.dataset["server"] = state === "online" ? client?.server ?? "" : ""
}

const showError = (id: string, error: unknown) => {
  element(id).textContent = error instanceof Error ? error.message : String(error)
}

const renderConversations = () => {
  const list = element("conversations")
  list.replaceChildren()
  for (const conversation of conversations?.list() ?? []) {
    const item = document.createElement("li")
    item.dataset["peer"] = conversation.id
    item.classList.toggle("active", conversation.id === open)
    const peer = document.createElement("span")
    peer.className = "peer"
    peer.textContent = conversation.title
    if (conversation.unread > 0) {
      const badge = document.createElement("span")
      badge.className = "badge"
      badge.textContent = String(conversation.unread)
      peer.append(badge)
    }
    const preview = document.createElement("span")
    preview.className = "preview"
    preview.textContent = conversation.entries.at(-1)?.text ?? ""
    item.append(peer, preview)
    item.onclick = () => openConversation(conversation.id)
    list.append(item)
  }
}

const renderMessage = (entry: Entry) => {
  const bubble = document.createElement("div")
  bubble.className = `msg ${entry.state}${entry.from === conversations?.me ? " mine" : ""}`
  bubble.dataset["id"] = entry.messageId
  const text = document.createElement("span")
  text.className = "text"
  text.textContent = entry.text
  const meta = document.createElement("span")
  meta.className = "meta"
  const time = new Date(entry.sentAtMs).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
  meta.textContent = `${entry.from} · ${entry.state === "pending" ? "sending…" : entry.state === "failed" ? "not sent" : time}`
  bubble.append(text, meta)
  return bubble
}

const renderMessages = () => {
  const box = element("messages")
  element("title").textContent = open === undefined ? "" : conversations?.get(open).title ?? open
  element("composer").hidden = open === undefined
  if (open === undefined || conversations === undefined) return
  box.replaceChildren(...conversations.get(open).entries.map(renderMessage))
  box.scrollTop = box.scrollHeight
}

const contactsView: ContactListView = {
  list: element("contacts"),
  openChat: (userId) => openConversation(userId),
  showError: (error) => showError("chat-error", error)
}

/** Unread counts from the server: right after login, and when another device of the user read something. */
const refreshUnread = async () => {
  if (client === undefined || conversations === undefined) return
  try {
    conversations.setUnread(await unreadCounts(client))
  } catch (error) {
    return showError("chat-error", error)
  }
  if (open !== undefined && conversations.get(open).unread > 0) void readOpenConversation()
  renderConversations()
}

/** Everything in the open conversation is read, on every device of the user. */
const readOpenConversation = async () => {
  if (client === undefined || conversations === undefined || open === undefined) return
  conversations.get(open).unread = 0
  await markRead(client, open).catch((error) => showError("chat-error", error))
}

const openConversation = (id: string) => {
  if (conversations === undefined || id === "") return
  open = id
  void readOpenConversation()
  renderConversations()
  renderMessages()
  input("text").focus()
}

const start = async (userId: string, credentials: { password?: string; resumeToken?: string; deviceId?: string }) => {
  const preferTransport = (localStorage.getItem(TRANSPORT_KEY) ?? undefined) as TransportKind | undefined
  const routeStore = webStorageRouteStore(localStorage, routesKey(userId))
  const next = new WeftBrowserClient({ userId, transport, preferTransport, routeStore, deviceName: navigator.userAgent.slice(0, 64), ...credentials })
  conversations = new Conversations(userId)
  open = undefined
  live = false
  client = next
  next.on("state", setStatus)
  next.on("transport", (kind) => {
    if (transport === "auto") localStorage.setItem(TRANSPORT_KEY, kind)
    setStatus(next.state)
  })
  next.on("change", (change) => {
    if (change.contact) void refreshContacts(next, contactsView)
    if (change.read && change.read.reader === userId && live) void refreshUnread()
    const touched = conversations?.apply(change, open)
    if (touched === undefined) return
    renderConversations()
    if (touched !== open) return
    renderMessages()
    if (change.message && change.message.from !== userId) void readOpenConversation()
  })
  // A kick heard after this tab signed out (its own logout ending the session) changes nothing.
  next.on("kicked", (kicked) => client === next && signOut(`signed out: ${kicked.reason}`))
  next.on("error", (error) => showError("chat-error", error))
  await next.connect()
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ userId, token: next.sessionToken ?? "", deviceId: next.deviceId } satisfies SavedSession))
  element("login").hidden = true
  element("chat").hidden = false
  element("logout").hidden = false
  element("me").textContent = userId
  // Offered where the browser can take it and the server sends Web Push.
  element("notify").hidden = !webPushSupported() || (await serverPushKey().catch(() => undefined)) === undefined
  setStatus(next.state)
  renderConversations()
  await refreshContacts(next, contactsView)
  await refreshUnread()
  live = true
}

/**
 * Forgets where the user's home gateways were: the next sign-in starts at this page's gateway,
 * which names them again (after a failover they are other gateways).
 */
const forgetHome = (userId: string) => localStorage.removeItem(routesKey(userId))

const signOut = (why = "") => {
  // Log out revokes the session token; a failed call still leaves this tab signed out.
  client?.logout().catch(() => {})
  client = undefined
  const saved = sessionStorage.getItem(SESSION_KEY)
  if (saved !== null) forgetHome((JSON.parse(saved) as SavedSession).userId)
  sessionStorage.removeItem(SESSION_KEY)
  element("login").hidden = false
  element("chat").hidden = true
  element("logout").hidden = true
  element("notify").hidden = true
  element("me").textContent = ""
  element("login-error").textContent = why
  setStatus("offline")
}

const signIn = async (registerFirst: boolean) => {
  const userId = input("user").value.trim()
  const password = input("password").value
  element("login-error").textContent = ""
  try {
    if (registerFirst) await register(location.origin, userId, password)
    await start(userId, { password })
  } catch (error) {
    client?.close()
    forgetHome(userId)
    showError("login-error", error)
  }
}

element("login").onsubmit = (event) => {
  event.preventDefault()
  void signIn(false)
}
element("register").onclick = () => {
  if (element<HTMLFormElement>("login").reportValidity()) void signIn(true)
}
element("logout").onclick = () => signOut()
element("notify").onclick = () => {
  if (client === undefined) return
  element("chat-error").textContent = ""
  enableWebPush(client).then(() => {
    element("notify").textContent = "Notifications on"
    element<HTMLButtonElement>("notify").disabled = true
  }, (error) => showError("chat-error", error))
}
element("start").onsubmit = (event) => {
  event.preventDefault()
  openConversation(input("peer").value.trim())
  input("peer").value = ""
}
element("add-contact").onclick = () => {
  const userId = input("peer").value.trim()
  if (client === undefined || userId === "") return
  element("chat-error").textContent = ""
  sendFriendRequest(client, userId).then(() => {
    input("peer").value = ""
  }, (error) => showError("chat-error", error))
}
element("composer").onsubmit = (event) => {
  event.preventDefault()
  const text = input("text").value
  const to = open
  if (client === undefined || conversations === undefined || to === undefined || text.trim() === "") return
  input("text").value = ""
  element("chat-error").textContent = ""
  const clientMsgId = randomId()
  const entry = conversations.addPending(to, clientMsgId, text)
  renderConversations()
  renderMessages()
  client.sendMessage(isGroup(to) ? { groupId: to, text } : { to, text }, clientMsgId).catch((error) => {
    entry.state = "failed"
    showError("chat-error", error)
    renderMessages()
  })
}

// A reload of the tab resumes the session with its token: no password asked again.
const saved = sessionStorage.getItem(SESSION_KEY)
if (saved !== null) {
  const session = JSON.parse(saved) as SavedSession
  start(session.userId, { resumeToken: session.token, deviceId: session.deviceId }).catch((error) => signOut(String(error)))
}
