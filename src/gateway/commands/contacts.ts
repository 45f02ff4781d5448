/**
 * Commands of the contacts feature: friend requests, answering them, the contact list,
 * removing a contact. The steps go to the Friendship actor of the caller and the other user,
 * which writes both sides; the list comes from the caller's ContactList.
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../../actors/ActorCall.ts"
import { checkPeer, ContactList, Friendship, pairId } from "../../actors/Contacts.ts"
import { Command } from "../../protocol/Command.ts"
import { ContactCodecs, MAX_REQUEST_MESSAGE_LENGTH } from "../../protocol/contacts.ts"
import { badRequest } from "../../protocol/WeftError.ts"
import { type CommandHandler, handler } from "../CommandTable.ts"

const ok = { code: 0, message: "" }

export const handlers: Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding> = Effect.gen(function*() {
  const friendships = yield* actorClient(Friendship)
  const lists = yield* actorClient(ContactList)
  const pair = (caller: string, peer: string) => friendships(pairId(caller, peer))
  return [
    handler(
      {
        id: Command.FRIEND_REQUEST,
        name: "friendrequest",
        request: ContactCodecs.FriendRequestRequest,
        response: ContactCodecs.FriendRequestResponse
      },
      (caller, request) =>
        Effect.gen(function*() {
          const peer = yield* checkPeer(caller.userId, request.userId, "request")
          if (request.message.length > MAX_REQUEST_MESSAGE_LENGTH) {
            return yield* badRequest(`a request's message has at most ${MAX_REQUEST_MESSAGE_LENGTH} characters`)
          }
          const result = yield* pair(caller.userId, peer).Request({ caller: caller.userId, peer, message: request.message })
          return { base: ok, accepted: result.accepted }
        })
    ),
    handler(
      {
        id: Command.FRIEND_RESPOND,
        name: "friendrespond",
        request: ContactCodecs.FriendRespondRequest,
        response: ContactCodecs.FriendRespondResponse
      },
      (caller, request) =>
        Effect.flatMap(checkPeer(caller.userId, request.userId, "other"), (peer) =>
          pair(caller.userId, peer).Respond({ caller: caller.userId, peer, accept: request.accept }))
            .pipe(Effect.as({ base: ok }))
    ),
    handler(
      {
        id: Command.LIST_CONTACTS,
        name: "listcontacts",
        request: ContactCodecs.ListContactsRequest,
        response: ContactCodecs.ListContactsResponse
      },
      (caller) =>
        lists(caller.userId).List().pipe(Effect.map((contacts) => ({ base: ok, contacts })))
    ),
    handler(
      {
        id: Command.REMOVE_CONTACT,
        name: "removecontact",
        request: ContactCodecs.RemoveContactRequest,
        response: ContactCodecs.RemoveContactResponse
      },
      (caller, request) =>
        Effect.flatMap(checkPeer(caller.userId, request.userId, "other"), (peer) =>
          pair(caller.userId, peer).Remove({ caller: caller.userId, peer })).pipe(
            Effect.as({ base: ok })
          )
    )
  ]
})
