/** The SDK side of moments: post, feed, comment, like, on a connected WeftClient. */
import { randomUUID } from "node:crypto"
import { Command } from "../protocol/Command.ts"
import {
  type ListFeedResponse,
  MomentCodecs,
  type MomentComment,
  type MomentMedia,
  type PostMomentResponse
} from "../protocol/moments.ts"
import type { WeftClient } from "./WeftClient.ts"

/**
 * Posts a moment: text and/or media references. `clientPostId` makes a resend safe (the same
 * id returns the first post); a fresh one is made when omitted.
 */
export const postMoment = (
  client: WeftClient,
  post: { readonly text?: string; readonly media?: ReadonlyArray<Partial<MomentMedia> & { mediaId: string; mimeType: string }> },
  clientPostId: string = randomUUID()
): Promise<PostMomentResponse> =>
  client.call(Command.POST_MOMENT, MomentCodecs.PostMomentRequest, MomentCodecs.PostMomentResponse, {
    text: post.text ?? "",
    media: (post.media ?? []).map((item) => ({ thumbnailMediaId: "", ...item })),
    clientPostId
  })

/**
 * A page of the feed (this user's and the contacts' posts, newest first); pass the previous
 * page's nextPageToken for the next. `author` narrows it to one user's posts.
 */
export const listFeed = (
  client: WeftClient,
  options: { readonly limit?: number; readonly pageToken?: string; readonly author?: string } = {}
): Promise<ListFeedResponse> =>
  client.call(Command.LIST_FEED, MomentCodecs.ListFeedRequest, MomentCodecs.ListFeedResponse, {
    limit: options.limit ?? 0,
    pageToken: options.pageToken ?? "",
    author: options.author ?? ""
  })

export const commentMoment = async (client: WeftClient, postId: string, text: string): Promise<MomentComment> =>
  (await client.call(Command.COMMENT_MOMENT, MomentCodecs.CommentMomentRequest, MomentCodecs.CommentMomentResponse, {
    postId,
    text
  })).comment

/** Likes a post (or takes the like back); resolves with who likes it now. */
export const likeMoment = async (client: WeftClient, postId: string, unlike = false): Promise<ReadonlyArray<string>> =>
  (await client.call(Command.LIKE_MOMENT, MomentCodecs.LikeMomentRequest, MomentCodecs.LikeMomentResponse, {
    postId,
    unlike
  })).likes
