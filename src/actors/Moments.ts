/**
 * The moments actor: one per user, the single writer of the posts that user wrote — the posts
 * themselves, their comments and likes, and the user's index of posts. Every post, comment and
 * like is written into the author's log and the log of each of the author's contacts (the
 * people who can see the post), so they learn of it by sync.
 *
 * A change is stored together with the event that tells of it and announced after; one that a
 * failure cut short is announced by the next request that touches the post.
 *
 * The feed is read, not written: LIST_FEED asks the caller's own actor, which merges the
 * indexes of the caller and of the caller's contacts of the moment, newest first. A contact
 * removed stops seeing the author's posts at once, with nothing to clean up.
 */
import { Effect, Schema } from "effect"
import { Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import type { WeftSettings } from "../cluster/Settings.ts"
import {
  type Moment,
  type MomentComment,
  type MomentEvent,
  MomentEventKind,
  MomentLimits,
  type MomentMedia,
  postId
} from "../protocol/moments.ts"
import { badRequest, notAContact, notFound, unavailable, WeftError } from "../protocol/WeftError.ts"
import { decodeJson, encodeJson, Storage, type StorageError, userKey } from "../storage/Storage.ts"
import { encodeChangeBody } from "./ChangeLog.ts"
import { areContacts, contactsOf, makeTellContacts } from "./Contacts.ts"
import { restartPolicy, supervised } from "./Supervision.ts"
import { actorEntity } from "./LocalActors.ts"

const MediaSchema = Schema.Struct({ mediaId: Schema.String, mimeType: Schema.String, thumbnailMediaId: Schema.String })

const CommentSchema = Schema.Struct({ commentId: Schema.String, from: Schema.String, text: Schema.String, atMs: Schema.Number })

const MomentSchema = Schema.Struct({
  postId: Schema.String,
  author: Schema.String,
  text: Schema.String,
  media: Schema.Array(MediaSchema),
  postedAtMs: Schema.Number,
  comments: Schema.Array(CommentSchema),
  likes: Schema.Array(Schema.String)
})

export const Post = Rpc.make("Post", {
  payload: { text: Schema.String, media: Schema.Array(MediaSchema), clientPostId: Schema.String },
  success: Schema.Struct({ moment: MomentSchema, duplicate: Schema.Boolean }),
  error: WeftError
})

/** On a post of this actor's user. */
export const Comment = Rpc.make("Comment", {
  payload: { caller: Schema.String, n: Schema.Number, text: Schema.String },
  success: CommentSchema,
  error: WeftError
})

/** On a post of this actor's user. */
export const Like = Rpc.make("Like", {
  payload: { caller: Schema.String, n: Schema.Number, unlike: Schema.Boolean },
  success: Schema.Array(Schema.String),
  error: WeftError
})

/** The feed of this actor's user. */
export const Feed = Rpc.make("Feed", {
  payload: { limit: Schema.Number, pageToken: Schema.String, author: Schema.String },
  success: Schema.Struct({ moments: Schema.Array(MomentSchema), nextPageToken: Schema.String }),
  error: WeftError
})

export const Moments = actorEntity(Entity.make("Moments", [Post, Comment, Like, Feed]))

/** A user's posts: their numbers and times, oldest first; and the client ids already used. */
interface PostIndex {
  readonly next: number
  readonly posts: ReadonlyArray<readonly [n: number, postedAtMs: number]>
  readonly clientPostIds: Readonly<Record<string, number>>
}

interface StoredPost {
  readonly moment: Moment
  readonly nextComment: number
  /** Counts the post's changes (1: posted); each change's events share the dedupe key of its version. */
  readonly version: number
  /** The change's event, until it is in every log it goes to. */
  readonly unannounced?: MomentEvent | undefined
}

const indexKey = (userId: string) => userKey(userId, "moments")
const postKey = (userId: string, n: number) => userKey(userId, "moment", String(n))

/** How many indexes and posts a feed page reads at once. */
const READ_CONCURRENCY = 16

const storageFailed = (error: StorageError) => unavailable(`storage ${error.operation} failed`)

const emptyIndex: PostIndex = { next: 1, posts: [], clientPostIds: {} }

/** A post's place in a feed: newest first, then by author and number (so a page token is exact). */
interface FeedEntry {
  readonly author: string
  readonly n: number
  readonly postedAtMs: number
}

const newerFirst = (a: FeedEntry, b: FeedEntry) =>
  b.postedAtMs - a.postedAtMs || (a.author < b.author ? 1 : a.author > b.author ? -1 : b.n - a.n)

const pageToken = (entry: FeedEntry) => `${entry.postedAtMs}:${entry.author}/${entry.n}`

const parsePageToken = (token: string): FeedEntry | undefined => {
  const match = /^(\d{1,16}):([A-Za-z0-9_.-]{1,64})\/(\d{1,16})$/.exec(token)
  return match === null ? undefined : { postedAtMs: Number(match[1]), author: match[2]!, n: Number(match[3]) }
}

const checkPost = (text: string, media: ReadonlyArray<MomentMedia>, clientPostId: string) => {
  const field = (value: string, min: number) => value.length >= min && value.length <= MomentLimits.mediaField
  if (text.trim() === "" && media.length === 0) return badRequest("a moment needs text or media")
  if (text.length > MomentLimits.text) return badRequest(`a moment's text has at most ${MomentLimits.text} characters`)
  if (media.length > MomentLimits.media) return badRequest(`a moment has at most ${MomentLimits.media} media`)
  if (media.some((item) => !field(item.mediaId, 1) || !field(item.mimeType, 1) || !field(item.thumbnailMediaId, 0))) {
    return badRequest(`a media reference needs an id and a type of 1..${MomentLimits.mediaField} characters`)
  }
  if (clientPostId.length > MomentLimits.clientPostId) {
    return badRequest(`client_post_id has at most ${MomentLimits.clientPostId} characters`)
  }
  return undefined
}

export const layer = (_settings: WeftSettings) =>
  Moments.toLayer(
    supervised("Moments", Effect.gen(function*() {
      const storage = yield* Storage
      const tellContacts = yield* makeTellContacts
      const userId = (yield* Entity.CurrentAddress).entityId

      const readIndex = (author: string) =>
        storage.get(indexKey(author)).pipe(
          Effect.map((stored) => (stored === undefined ? emptyIndex : decodeJson<PostIndex>(stored))),
          Effect.mapError(storageFailed)
        )

      const readPost = (author: string, n: number) =>
        storage.get(postKey(author, n)).pipe(
          Effect.map((stored) => (stored === undefined ? undefined : decodeJson<StoredPost>(stored))),
          Effect.mapError(storageFailed)
        )

      const savePost = (stored: StoredPost, n: number) =>
        storage.set(postKey(userId, n), encodeJson(stored)).pipe(Effect.mapError(storageFailed))

      /**
       * Writes the post's unannounced event into the author's log and every contact's, then
       * marks it announced. A change is stored with its event first, so one that a failure cut
       * short is announced by the next request that touches the post (the dedupe key of its
       * version keeps every log from getting it twice).
       */
      const announce = (stored: StoredPost, n: number) =>
        Effect.gen(function*() {
          if (stored.unannounced === undefined) return stored
          const body = encodeChangeBody({ moment: stored.unannounced })
          yield* tellContacts(userId, body, `moment:${stored.moment.postId}:v${stored.version}`)
          const announced = { ...stored, unannounced: undefined }
          yield* savePost(announced, n)
          return announced
        })

      /** Stores the post's next state with the event that tells of it, then announces it. */
      const change = (stored: StoredPost, n: number, moment: Moment, event: Omit<MomentEvent, "postId" | "author">) =>
        Effect.gen(function*() {
          const next: StoredPost = {
            ...stored,
            moment,
            version: stored.version + 1,
            unannounced: { ...event, postId: moment.postId, author: userId }
          }
          yield* savePost(next, n)
          return yield* announce(next, n)
        })

      const post = Effect.fn("Moments.post")(function*(text: string, media: ReadonlyArray<MomentMedia>, clientPostId: string) {
        const invalid = checkPost(text, media, clientPostId)
        if (invalid !== undefined) return yield* invalid
        const index = yield* readIndex(userId)
        const seen = clientPostId === "" ? undefined : index.clientPostIds[clientPostId]
        const n = seen ?? index.next
        let stored = seen === undefined ? undefined : yield* readPost(userId, seen)
        if (stored === undefined) {
          const moment = { postId: postId(userId, n), author: userId, text, media, postedAtMs: Date.now(), comments: [], likes: [] }
          const event = { kind: MomentEventKind.POSTED, postId: moment.postId, author: userId, actor: userId, moment }
          stored = { moment, nextComment: 1, version: 1, unannounced: event }
          yield* savePost(stored, n)
          const next: PostIndex = {
            next: n + 1,
            posts: [...index.posts, [n, moment.postedAtMs]],
            clientPostIds: clientPostId === "" ? index.clientPostIds : { ...index.clientPostIds, [clientPostId]: n }
          }
          yield* storage.set(indexKey(userId), encodeJson(next)).pipe(Effect.mapError(storageFailed))
        }
        // A resend also finishes the announcement a failure cut short.
        yield* announce(stored, n)
        return { moment: stored.moment, duplicate: seen !== undefined }
      })

      /** The post, for someone who can see it: its author or a contact of the author. */
      const visiblePost = (caller: string, n: number) =>
        Effect.gen(function*() {
          const found = yield* readPost(userId, n)
          if (found === undefined) return yield* notFound(`no moment ${postId(userId, n)}`)
          const stored = yield* announce(found, n)
          if (caller !== userId && !(yield* areContacts(userId, caller))) {
            return yield* notAContact(`only ${userId} and their contacts can see ${postId(userId, n)}`)
          }
          return stored
        })

      const comment = Effect.fn("Moments.comment")(function*(caller: string, n: number, text: string) {
        const stored = yield* visiblePost(caller, n)
        if (text.trim() === "" || text.length > MomentLimits.comment) {
          return yield* badRequest(`a comment has 1..${MomentLimits.comment} characters, not only blanks`)
        }
        if (stored.moment.comments.length >= MomentLimits.commentsPerPost) {
          return yield* badRequest(`a moment has at most ${MomentLimits.commentsPerPost} comments`)
        }
        const added: MomentComment = {
          commentId: `${stored.moment.postId}/c${stored.nextComment}`,
          from: caller,
          text,
          atMs: Date.now()
        }
        const moment = { ...stored.moment, comments: [...stored.moment.comments, added] }
        yield* change({ ...stored, nextComment: stored.nextComment + 1 }, n, moment, {
          kind: MomentEventKind.COMMENTED,
          actor: caller,
          comment: added
        })
        return added
      })

      const like = Effect.fn("Moments.like")(function*(caller: string, n: number, unlike: boolean) {
        const stored = yield* visiblePost(caller, n)
        const likes = stored.moment.likes
        if (likes.includes(caller) !== unlike) return likes
        const next = unlike ? likes.filter((user) => user !== caller) : [...likes, caller]
        const kind = unlike ? MomentEventKind.UNLIKED : MomentEventKind.LIKED
        yield* change(stored, n, { ...stored.moment, likes: next }, { kind, actor: caller })
        return next
      })

      const feed = Effect.fn("Moments.feed")(function*(limit: number, token: string, author: string) {
        const after = token === "" ? undefined : parsePageToken(token)
        if (token !== "" && after === undefined) return yield* badRequest("page_token is not one this server gave")
        const pageSize = Math.min(limit || MomentLimits.pageDefault, MomentLimits.pageMax)
        let authors: ReadonlyArray<string>
        if (author === "") {
          authors = [userId, ...(yield* contactsOf(userId))]
        } else {
          if (author !== userId && !(yield* areContacts(userId, author))) {
            return yield* notAContact(`${author} is not your contact`)
          }
          authors = [author]
        }
        const indexes = yield* Effect.forEach(authors, readIndex, { concurrency: READ_CONCURRENCY })
        const entries = authors
          .flatMap((who, i) => indexes[i]!.posts.map(([n, postedAtMs]) => ({ author: who, n, postedAtMs })))
          .filter((entry) => after === undefined || newerFirst(after, entry) < 0)
          .sort(newerFirst)
        const page = entries.slice(0, pageSize)
        const posts = yield* Effect.forEach(page, (entry) => readPost(entry.author, entry.n), { concurrency: READ_CONCURRENCY })
        return {
          moments: posts.flatMap((stored) => (stored === undefined ? [] : [stored.moment])),
          nextPageToken: entries.length > page.length ? pageToken(page[page.length - 1]!) : ""
        }
      })

      return Moments.of({
        Post: ({ payload }) => post(payload.text, payload.media, payload.clientPostId),
        Comment: ({ payload }) => comment(payload.caller, payload.n, payload.text),
        Like: ({ payload }) => like(payload.caller, payload.n, payload.unlike),
        Feed: ({ payload }) => feed(payload.limit, payload.pageToken, payload.author)
      })
    })),
    { maxIdleTime: "5 minutes", defectRetryPolicy: restartPolicy }
  )
