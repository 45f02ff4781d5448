/** The messages of the moments feature (proto/weft/v1/moments.proto) and the form of post ids. */
import { typed } from "./Proto.ts"
import type { Carrying, Decoded, weft } from "./Shapes.ts"

/** weft.v1.MomentEventKind. */
export const MomentEventKind = {
  POSTED: 1,
  COMMENTED: 2,
  LIKED: 3,
  UNLIKED: 4
} as const

export const MomentLimits = {
  text: 2048,
  media: 9,
  mediaField: 128,
  clientPostId: 64,
  comment: 512,
  commentsPerPost: 500,
  pageDefault: 20,
  pageMax: 50
} as const

export type MomentMedia = Decoded<weft.v1.MomentMedia.$Properties>
export type MomentComment = Decoded<weft.v1.MomentComment.$Properties>
export type Moment = Decoded<weft.v1.Moment.$Properties>

/** weft.v1.Change.moment. */
export type MomentEvent = Decoded<weft.v1.MomentEvent.$Properties>

/** "<author>/<n>": the author's user id and the post's number (from 1). */
const POST_ID = /^([A-Za-z0-9_.-]{1,64})\/([1-9][0-9]{0,15})$/

export const postId = (author: string, n: number): string => `${author}/${n}`

/** The author and number of a post id, or undefined if it is malformed. */
export const parsePostId = (id: string): { readonly author: string; readonly n: number } | undefined => {
  const match = POST_ID.exec(id)
  return match === null ? undefined : { author: match[1]!, n: Number(match[2]) }
}

export type PostMomentRequest = Decoded<weft.v1.PostMomentRequest.$Properties>
export type PostMomentResponse = Carrying<Decoded<weft.v1.PostMomentResponse.$Properties>, "moment">
export type ListFeedRequest = Decoded<weft.v1.ListFeedRequest.$Properties>
export type ListFeedResponse = Decoded<weft.v1.ListFeedResponse.$Properties>
export type CommentMomentRequest = Decoded<weft.v1.CommentMomentRequest.$Properties>
export type CommentMomentResponse = Carrying<Decoded<weft.v1.CommentMomentResponse.$Properties>, "comment">
export type LikeMomentRequest = Decoded<weft.v1.LikeMomentRequest.$Properties>
export type LikeMomentResponse = Decoded<weft.v1.LikeMomentResponse.$Properties>

export const MomentCodecs = {
  MomentEvent: typed<weft.v1.MomentEvent.$Properties>("MomentEvent"),
  PostMomentRequest: typed<weft.v1.PostMomentRequest.$Properties>("PostMomentRequest"),
  PostMomentResponse: typed<weft.v1.PostMomentResponse.$Properties, PostMomentResponse>("PostMomentResponse"),
  ListFeedRequest: typed<weft.v1.ListFeedRequest.$Properties>("ListFeedRequest"),
  ListFeedResponse: typed<weft.v1.ListFeedResponse.$Properties>("ListFeedResponse"),
  CommentMomentRequest: typed<weft.v1.CommentMomentRequest.$Properties>("CommentMomentRequest"),
  CommentMomentResponse: typed<weft.v1.CommentMomentResponse.$Properties, CommentMomentResponse>("CommentMomentResponse"),
  LikeMomentRequest: typed<weft.v1.LikeMomentRequest.$Properties>("LikeMomentRequest"),
  LikeMomentResponse: typed<weft.v1.LikeMomentResponse.$Properties>("LikeMomentResponse")
} as const
