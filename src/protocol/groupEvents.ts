/**
 * The kinds of weft.v1.GroupEvent, and which of them make a user a reader of a group's own log
 * (read diffusion, docs/groups.md). Without runtime imports: the browser SDK loads it too.
 */
import type { GroupEvent } from "./groups.ts"

/** weft.v1.GroupEventKind. */
export const GroupEventKind = {
  CREATED: 1,
  MEMBERS_ADDED: 2,
  MEMBER_REMOVED: 3,
  MEMBER_LEFT: 4,
  RENAMED: 5,
  CONVERTED: 6,
  SETTINGS_CHANGED: 7
} as const

/**
 * A GroupEvent in `userId`'s own log that makes the user a reader of the group's log (docs/groups.md):
 * the conversion, or the user's joining a read-diffusion group. Its log_seq is where they start.
 */
export const startsReading = (event: GroupEvent | null | undefined, userId: string): event is GroupEvent =>
  event?.readDiffusion === true &&
  (event.kind === GroupEventKind.CONVERTED ||
    ((event.kind === GroupEventKind.CREATED || event.kind === GroupEventKind.MEMBERS_ADDED) && event.userIds.includes(userId)))
