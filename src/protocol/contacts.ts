/** The messages of the contacts feature (proto/weft/v1/contacts.proto). */
import { typed } from "./Proto.ts"
import type { Decoded, weft } from "./Shapes.ts"

/** weft.v1.ContactEventKind. */
export const ContactEventKind = {
  REQUEST_SENT: 1,
  REQUEST_RECEIVED: 2,
  ACCEPTED: 3,
  DECLINED: 4,
  REMOVED: 5
} as const

/** weft.v1.ContactState. */
export const ContactState = {
  CONTACT: 1,
  REQUEST_SENT: 2,
  REQUEST_RECEIVED: 3
} as const

export const MAX_REQUEST_MESSAGE_LENGTH = 256

/** weft.v1.Change.contact. */
export type ContactEvent = Decoded<weft.v1.ContactEvent.$Properties>
export type Contact = Decoded<weft.v1.Contact.$Properties>
export type FriendRequestRequest = Decoded<weft.v1.FriendRequestRequest.$Properties>
export type FriendRequestResponse = Decoded<weft.v1.FriendRequestResponse.$Properties>
export type FriendRespondRequest = Decoded<weft.v1.FriendRespondRequest.$Properties>
export type ListContactsRequest = Decoded<weft.v1.ListContactsRequest.$Properties>
export type ListContactsResponse = Decoded<weft.v1.ListContactsResponse.$Properties>
export type RemoveContactRequest = Decoded<weft.v1.RemoveContactRequest.$Properties>

/** The responses that carry nothing but the base response. */
export type EmptyResponse = Decoded<weft.v1.FriendRespondResponse.$Properties>

export const ContactCodecs = {
  ContactEvent: typed<weft.v1.ContactEvent.$Properties>("ContactEvent"),
  FriendRequestRequest: typed<weft.v1.FriendRequestRequest.$Properties>("FriendRequestRequest"),
  FriendRequestResponse: typed<weft.v1.FriendRequestResponse.$Properties>("FriendRequestResponse"),
  FriendRespondRequest: typed<weft.v1.FriendRespondRequest.$Properties>("FriendRespondRequest"),
  FriendRespondResponse: typed<weft.v1.FriendRespondResponse.$Properties>("FriendRespondResponse"),
  ListContactsRequest: typed<weft.v1.ListContactsRequest.$Properties>("ListContactsRequest"),
  ListContactsResponse: typed<weft.v1.ListContactsResponse.$Properties>("ListContactsResponse"),
  RemoveContactRequest: typed<weft.v1.RemoveContactRequest.$Properties>("RemoveContactRequest"),
  RemoveContactResponse: typed<weft.v1.RemoveContactResponse.$Properties>("RemoveContactResponse")
} as const
