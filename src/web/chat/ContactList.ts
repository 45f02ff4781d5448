/**
 * The page's contact list: contacts (click to chat), requests received (accept or decline),
 * requests sent (waiting). Reloaded from the server whenever the log says contacts changed.
 */
import { type Contact, ContactState, listContacts, respondToFriendRequest } from "../sdk/contacts.ts"
import type { WeftBrowserClient } from "../sdk/WeftBrowserClient.ts"

export interface ContactListView {
  readonly list: HTMLElement
  readonly openChat: (userId: string) => void
  readonly showError: (error: unknown) => void
}

const button = (label: string, action: () => void, className = "") => {
  const element = document.createElement("button")
  element.type = "button"
  element.textContent = label
  element.className = className
  element.onclick = (event) => {
    event.stopPropagation()
    action()
  }
  return element
}

export const renderContacts = (client: WeftBrowserClient, view: ContactListView, contacts: ReadonlyArray<Contact>) => {
  const reload = () => void refreshContacts(client, view)
  const answer = (userId: string, accept: boolean) =>
    respondToFriendRequest(client, userId, accept).then(reload, view.showError)
  view.list.replaceChildren(...contacts.map((contact) => {
    const item = document.createElement("li")
    item.dataset["user"] = contact.userId
    item.dataset["state"] = String(contact.state)
    const name = document.createElement("span")
    name.className = "peer"
    name.textContent = contact.userId
    item.append(name)
    if (contact.state === ContactState.CONTACT) {
      item.onclick = () => view.openChat(contact.userId)
    } else if (contact.state === ContactState.REQUEST_RECEIVED) {
      const note = document.createElement("span")
      note.className = "preview"
      note.textContent = contact.message === "" ? "wants to be your contact" : `“${contact.message}”`
      const actions = document.createElement("span")
      actions.className = "actions"
      actions.append(button("Accept", () => answer(contact.userId, true), "accept"), button("Decline", () => answer(contact.userId, false), "plain decline"))
      item.append(note, actions)
    } else {
      const note = document.createElement("span")
      note.className = "preview"
      note.textContent = "request sent"
      item.append(note)
    }
    return item
  }))
}

export const refreshContacts = async (client: WeftBrowserClient, view: ContactListView): Promise<void> => {
  try {
    renderContacts(client, view, await listContacts(client))
  } catch (error) {
    view.showError(error)
  }
}
