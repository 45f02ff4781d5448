/** Contacts from a browser: one function per command (contacts.proto), on a connected client. */
import { Command } from "../../protocol/Command.ts"
import type { Contact } from "../../protocol/contacts.ts"
import type { Answer, CommandSpec } from "./Transport.ts"
import type { WeftBrowserClient } from "./WeftBrowserClient.ts"

export type { Contact }

/** weft.v1.ContactState (the browser cannot load protocol/contacts.ts: it reads proto/ from disk). */
export const ContactState = { CONTACT: 1, REQUEST_SENT: 2, REQUEST_RECEIVED: 3 } as const

export const ContactCommands = {
  friendRequest: { id: Command.FRIEND_REQUEST, name: "friendrequest", request: "FriendRequestRequest", response: "FriendRequestResponse" },
  friendRespond: { id: Command.FRIEND_RESPOND, name: "friendrespond", request: "FriendRespondRequest", response: "FriendRespondResponse" },
  listContacts: { id: Command.LIST_CONTACTS, name: "listcontacts", request: "ListContactsRequest", response: "ListContactsResponse" },
  removeContact: { id: Command.REMOVE_CONTACT, name: "removecontact", request: "RemoveContactRequest", response: "RemoveContactResponse" }
} as const satisfies Record<string, CommandSpec>

/** Asks `userId` to become a contact; true if the two are contacts now (the other had asked first). */
export const sendFriendRequest = async (client: WeftBrowserClient, userId: string, message = ""): Promise<boolean> =>
  (await client.call<{ base?: Answer["base"]; accepted: boolean }>(ContactCommands.friendRequest, { userId, message })).accepted

/** Answers the pending request of `userId`. */
export const respondToFriendRequest = async (client: WeftBrowserClient, userId: string, accept: boolean): Promise<void> => {
  await client.call(ContactCommands.friendRespond, { userId, accept })
}

/** Contacts and pending requests (either way), sorted by user id. */
export const listContacts = async (client: WeftBrowserClient): Promise<ReadonlyArray<Contact>> =>
  (await client.call<{ base?: Answer["base"]; contacts: ReadonlyArray<Contact> }>(ContactCommands.listContacts, {})).contacts

/** Ends a contact, or withdraws this user's own pending request. */
export const removeContact = async (client: WeftBrowserClient, userId: string): Promise<void> => {
  await client.call(ContactCommands.removeContact, { userId })
}
