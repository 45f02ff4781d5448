/**
 * The bookkeeping both baseline relays keep in memory, and nothing more: who is online on which
 * connections, a sequence number per user, the members of each group. No storage.
 */
import { randomBytes } from "node:crypto"

export class RelayState {
  /** userId -> the connections logged in as that user. */
  #online = new Map()
  /** userId -> last sequence number handed out. */
  #sequences = new Map()
  /** groupId -> member ids. */
  #groups = new Map()
  #nextMessageId = 1

  join(userId, connection) {
    let connections = this.#online.get(userId)
    if (connections === undefined) this.#online.set(userId, (connections = new Set()))
    connections.add(connection)
  }

  leave(userId, connection) {
    const connections = this.#online.get(userId)
    connections?.delete(connection)
    if (connections?.size === 0) this.#online.delete(userId)
  }

  connectionsOf(userId) {
    return this.#online.get(userId)
  }

  currentSeq(userId) {
    return this.#sequences.get(userId) ?? 0
  }

  nextSeq(userId) {
    const seq = this.currentSeq(userId) + 1
    this.#sequences.set(userId, seq)
    return seq
  }

  nextMessageId() {
    return String(this.#nextMessageId++)
  }

  /** A new group of `owner` and `members` (the owner once); resolves its id and member list. */
  createGroup(owner, members) {
    const groupId = `g:${randomBytes(16).toString("base64url")}`
    const all = [owner, ...members.filter((member) => member !== owner)]
    this.#groups.set(groupId, all)
    return { groupId, members: all }
  }

  /** Who gets a message from `from`: the group's other members, or the one recipient. */
  recipients(from, groupId, to) {
    return groupId ? (this.#groups.get(groupId) ?? []).filter((member) => member !== from) : [to]
  }
}
