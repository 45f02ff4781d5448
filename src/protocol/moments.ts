/** The messages of the moments feature (proto/weft/v1/moments.proto) and the form of post ids. */
import { type BaseRequest, type BaseResponse, codec } from "./Proto.ts"

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

export interface MomentMedia {
  readonly mediaId: string
  readonly mimeType: string
  readonly thumbnailMediaId: string
}

export interface MomentComment {
  readonly commentId: string
  readonly from: string
  readonly text: string
  readonly atMs: number
}

export interface Moment {
  readonly postId: string
  readonly author: string
  readonly text: string
  readonly media: ReadonlyArray<MomentMedia>
  readonly postedAtMs: number
  readonly comments: ReadonlyArray<MomentComment>
  readonly likes: ReadonlyArray<string>
}

/** weft.v1.Change.moment. */
export interface MomentEvent {
  readonly kind: number
  readonly postId: string
  readonly author: string
  readonly actor: string
  readonly moment?: Moment | null | undefined
  readonly comment?: MomentComment | null | undefined
}

/** "<author>/<n>": the author's user id and the post's number (from 1). */
const POST_ID = /^([A-Za-z0-9_.-]{1,64})\/([1-9][0-9]{0,15})$/

export const postId = (author: string, n: number): string => `${author}/${n}`

/** The author and number of a post id, or undefined if it is malformed. */
export const parsePostId = (id: string): { readonly author: string; readonly n: number } | undefined => {
  const match = POST_ID.exec(id)
  return match === null ? undefined : { author: match[1]!, n: Number(match[2]) }
}

export interface PostMomentRequest {
  readonly text: string
  readonly media: ReadonlyArray<MomentMedia>
  readonly clientPostId: string
  readonly base?: BaseRequest | null | undefined
}

export interface PostMomentResponse {
  readonly base: BaseResponse
  readonly moment: Moment
  readonly duplicate: boolean
}

export interface ListFeedRequest {
  readonly limit: number
  readonly pageToken: string
  readonly author: string
  readonly base?: BaseRequest | null | undefined
}

export interface ListFeedResponse {
  readonly base: BaseResponse
  readonly moments: ReadonlyArray<Moment>
  readonly nextPageToken: string
}

export interface CommentMomentRequest {
  readonly postId: string
  readonly text: string
  readonly base?: BaseRequest | null | undefined
}

export interface CommentMomentResponse {
  readonly base: BaseResponse
  readonly comment: MomentComment
}

export interface LikeMomentRequest {
  readonly postId: string
  readonly unlike: boolean
  readonly base?: BaseRequest | null | undefined
}

export interface LikeMomentResponse {
  readonly base: BaseResponse
  readonly likes: ReadonlyArray<string>
}

export const MomentCodecs = {
  MomentEvent: codec<MomentEvent>("MomentEvent"),
  PostMomentRequest: codec<PostMomentRequest>("PostMomentRequest"),
  PostMomentResponse: codec<PostMomentResponse>("PostMomentResponse"),
  ListFeedRequest: codec<ListFeedRequest>("ListFeedRequest"),
  ListFeedResponse: codec<ListFeedResponse>("ListFeedResponse"),
  CommentMomentRequest: codec<CommentMomentRequest>("CommentMomentRequest"),
  CommentMomentResponse: codec<CommentMomentResponse>("CommentMomentResponse"),
  LikeMomentRequest: codec<LikeMomentRequest>("LikeMomentRequest"),
  LikeMomentResponse: codec<LikeMomentResponse>("LikeMomentResponse")
} as const
