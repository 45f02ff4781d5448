/** The SDK side of contacts: one function per command, on a connected WeftClient. */
import { Command } from "../protocol/Command.ts"
import { type Contact, ContactCodecs } from "../protocol/contacts.ts"
import type { WeftClient } from "./WeftClient.ts"

/**
 * Asks `userId` to become a contact; resolves with true if the two are contacts now (the other
 * had asked first), false if the request waits for an answer.
 */
export const sendFriendRequest = async (client: WeftClient, userId: string, message = ""): Promise<boolean> =>
  (await client.call(Command.FRIEND_REQUEST, ContactCodecs.FriendRequestRequest, ContactCodecs.FriendRequestResponse, {
    userId,
    message
  })).accepted

/** Answers the pending request of `userId`: accept (they become contacts) or decline. */
export const respondToFriendRequest = async (client: WeftClient, userId: string, accept: boolean): Promise<void> => {
  await client.call(Command.FRIEND_RESPOND, ContactCodecs.FriendRespondRequest, ContactCodecs.FriendRespondResponse, {
    userId,
    accept
  })
}

export const acceptFriendRequest = (client: WeftClient, userId: string) => respondToFriendRequest(client, userId, true)

export const declineFriendRequest = (client: WeftClient, userId: string) => respondToFriendRequest(client, userId, false)

/** Contacts and pending requests (either way), sorted by user id. */
export const listContacts = async (client: WeftClient): Promise<ReadonlyArray<Contact>> =>
  (await client.call(Command.LIST_CONTACTS, ContactCodecs.ListContactsRequest, ContactCodecs.ListContactsResponse, {}))
    .contacts

/** Ends a contact, or withdraws this user's own pending request to `userId`. */
export const removeContact = async (client: WeftClient, userId: string): Promise<void> => {
  await client.call(Command.REMOVE_CONTACT, ContactCodecs.RemoveContactRequest, ContactCodecs.RemoveContactResponse, {
    userId
  })
}
