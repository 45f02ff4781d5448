/**
 * A route store (client/RouteStore.ts) in the browser's Web Storage, as JSON under one key:
 * with `localStorage`, what the client learned about reaching the server — the gateways of the
 * user's home data centre — outlives a reload and a restart of the browser. Keep one key per
 * user: a home is a user's.
 */
import type { RouteState, RouteStore } from "../../client/RouteStore.ts"

/** Unreadable or unwritable storage (private browsing, a quota) is an empty store: remembering is an optimisation. */
export const webStorageRouteStore = (storage: Storage, key: string): RouteStore => ({
  load: () => {
    try {
      const saved = storage.getItem(key)
      return saved === null ? undefined : (JSON.parse(saved) as RouteState)
    } catch {
      return undefined
    }
  },
  save: (state) => {
    try {
      storage.setItem(key, JSON.stringify(state))
    } catch {
      // The client still works; it follows the refusal again at its next start.
    }
  }
})
