/** The messages of the contacts feature (proto/weft/v1/contacts.proto). */
import { type BaseRequest, type BaseResponse, codec } from "./Proto.ts"

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
export interface ContactEvent {
  readonly kind: number
  readonly peer: string
  readonly actor: string
  readonly message: string
}

export interface Contact {
  readonly userId: string
  readonly state: number
  readonly sinceMs: number
  readonly message: string
}

export interface FriendRequestRequest {
  readonly userId: string
  readonly message: string
  readonly base?: BaseRequest | null | undefined
}

export interface FriendRequestResponse {
  readonly base: BaseResponse
  readonly accepted: boolean
}

export interface FriendRespondRequest {
  readonly userId: string
  readonly accept: boolean
  readonly base?: BaseRequest | null | undefined
}

export interface ListContactsRequest {
  readonly base?: BaseRequest | null | undefined
}

export interface ListContactsResponse {
  readonly base: BaseResponse
  readonly contacts: ReadonlyArray<Contact>
}

export interface RemoveContactRequest {
  readonly userId: string
  readonly base?: BaseRequest | null | undefined
}

/** The responses that carry nothing but the base response. */
export interface EmptyResponse {
  readonly base: BaseResponse
}

export const ContactCodecs = {
  ContactEvent: codec<ContactEvent>("ContactEvent"),
  FriendRequestRequest: codec<FriendRequestRequest>("FriendRequestRequest"),
  FriendRequestResponse: codec<FriendRequestResponse>("FriendRequestResponse"),
  FriendRespondRequest: codec<FriendRespondRequest>("FriendRespondRequest"),
  FriendRespondResponse: codec<EmptyResponse>("FriendRespondResponse"),
  ListContactsRequest: codec<ListContactsRequest>("ListContactsRequest"),
  ListContactsResponse: codec<ListContactsResponse>("ListContactsResponse"),
  RemoveContactRequest: codec<RemoveContactRequest>("RemoveContactRequest"),
  RemoveContactResponse: codec<EmptyResponse>("RemoveContactResponse")
} as const
