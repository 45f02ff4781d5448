/**
 * Commands of the moments feature: post, list the feed, comment, like. A post, and the feed,
 * go to the caller's own Moments actor; a comment or a like goes to the actor of the post's
 * author (named by the post id), which checks that the caller may see the post.
 */
import { Effect } from "effect"
import type { Sharding } from "effect/cluster"
import { actorClient } from "../../actors/ActorCall.ts"
import { Moments } from "../../actors/Moments.ts"
import { isValidUserId } from "../../actors/Session.ts"
import { Command } from "../../protocol/Command.ts"
import { MomentCodecs, parsePostId } from "../../protocol/moments.ts"
import { invalidUserId, notFound, type WeftError } from "../../protocol/WeftError.ts"
import { type CommandHandler, handler } from "../CommandTable.ts"

const ok = { code: 0, message: "" }

/** A malformed post id names no post. */
const checkPostId = (id: string): Effect.Effect<{ readonly author: string; readonly n: number }, WeftError> => {
  const parsed = parsePostId(id)
  return parsed === undefined ? Effect.fail(notFound(`no moment ${JSON.stringify(id)}`)) : Effect.succeed(parsed)
}

export const handlers: Effect.Effect<ReadonlyArray<CommandHandler>, never, Sharding.Sharding> = Effect.gen(function*() {
  const moments = yield* actorClient(Moments)
  return [
    handler(
      {
        id: Command.POST_MOMENT,
        name: "postmoment",
        request: MomentCodecs.PostMomentRequest,
        response: MomentCodecs.PostMomentResponse
      },
      (caller, request) =>
        moments(caller.userId).Post({ text: request.text, media: request.media, clientPostId: request.clientPostId })
          .pipe(Effect.map((result) => ({ base: ok, ...result })))
    ),
    handler(
      {
        id: Command.LIST_FEED,
        name: "listfeed",
        request: MomentCodecs.ListFeedRequest,
        response: MomentCodecs.ListFeedResponse
      },
      (caller, request) =>
        request.author !== "" && !isValidUserId(request.author)
          ? Effect.fail(invalidUserId(`${JSON.stringify(request.author)} is not a user id`))
          : moments(caller.userId).Feed({ limit: request.limit, pageToken: request.pageToken, author: request.author })
            .pipe(Effect.map((page) => ({ base: ok, ...page })))
    ),
    handler(
      {
        id: Command.COMMENT_MOMENT,
        name: "commentmoment",
        request: MomentCodecs.CommentMomentRequest,
        response: MomentCodecs.CommentMomentResponse
      },
      (caller, request) =>
        Effect.flatMap(checkPostId(request.postId), ({ author, n }) =>
          moments(author).Comment({ caller: caller.userId, n, text: request.text })).pipe(
            Effect.map((comment) => ({ base: ok, comment }))
          )
    ),
    handler(
      {
        id: Command.LIKE_MOMENT,
        name: "likemoment",
        request: MomentCodecs.LikeMomentRequest,
        response: MomentCodecs.LikeMomentResponse
      },
      (caller, request) =>
        Effect.flatMap(checkPostId(request.postId), ({ author, n }) =>
          moments(author).Like({ caller: caller.userId, n, unlike: request.unlike })).pipe(
            Effect.map((likes) => ({ base: ok, likes }))
          )
    )
  ]
})
