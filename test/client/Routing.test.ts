/**
 * The race of the endpoints (client/Routing.ts) with attempts the test settles itself: a wave of
 * a less preferred transport dials a silent preferred endpoint again, a refused one is not
 * dialled again, and after the last wave the preferred endpoint is dialled again while nothing
 * answers, up to the race's attempt limit.
 */
import { describe, expect, it } from "vitest"
import { DisconnectedError } from "../../src/client/errors.ts"
import type { Endpoint } from "../../src/client/RouteStore.ts"
import { planWaves, raceEndpoints } from "../../src/client/Routing.ts"

const tcp: Endpoint = { host: "127.0.0.1", port: 1, transport: "tcp" }
const http: Endpoint = { host: "127.0.0.1", port: 2, transport: "http" }
const tiers = { tcp: 0, ws: 1, http: 2 }
const silent = () => new DisconnectedError("no answer", true)

/** A race whose attempts are decided by `outcome(endpoint, n)` (n: the endpoint's nth attempt, from 0). */
const race = (
  outcome: (endpoint: Endpoint, n: number) => Promise<string>,
  extra: { readonly redialEveryMs?: number; readonly maxAttempts?: number } = {}
) => {
  const dials: Array<string> = []
  const counts = new Map<Endpoint, number>()
  const won = raceEndpoints<string>({
    waves: planWaves([tcp, http]),
    staggerMs: 5,
    attempt: (endpoint) => {
      const n = counts.get(endpoint) ?? 0
      counts.set(endpoint, n + 1)
      dials.push(`${endpoint.transport}${n}`)
      return outcome(endpoint, n)
    },
    close: () => {},
    measured: () => {},
    redial: (wave, earlier, failed) =>
      tiers[earlier.transport] < Math.min(...wave.map((e) => tiers[e.transport])) &&
      (failed === undefined || (failed.error instanceof DisconnectedError && failed.error.silent)),
    ...extra
  })
  return { won, dials }
}

const never = new Promise<string>(() => {})

describe("racing the endpoints", () => {
  it("HTTP's wave dials a TCP endpoint that has heard nothing again, and the new dial can win", async () => {
    const { won, dials } = race((endpoint, n) => (endpoint === tcp && n === 1 ? Promise.resolve("tcp again") : never))
    expect((await won).link).toBe("tcp again")
    expect(dials).toEqual(["tcp0", "tcp1", "http0"])
  })

  it("a refused TCP endpoint is not dialled again: HTTP wins", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })
    const { won, dials } = race((endpoint) => (endpoint === tcp ? Promise.reject(refused) : Promise.resolve("http")), { redialEveryMs: 1 })
    expect((await won).link).toBe("http")
    expect(dials).toEqual(["tcp0", "http0"])
  })

  it("after the last wave, the first endpoint is dialled again while nothing answers, up to the attempt limit", async () => {
    const answering = race((endpoint, n) => (endpoint === tcp && n === 3 ? Promise.resolve("tcp3") : never), { redialEveryMs: 5, maxAttempts: 10 })
    expect((await answering.won).link).toBe("tcp3")
    expect(answering.dials).toEqual(["tcp0", "tcp1", "http0", "tcp2", "tcp3"])

    // Every attempt silent: the race ends once its last attempts have failed, with at most maxAttempts.
    const failing = race((endpoint, n) => new Promise((_, reject) => setTimeout(() => reject(silent()), 200 + n)), { redialEveryMs: 5, maxAttempts: 6 })
    await expect(failing.won).rejects.toThrow("no endpoint answered")
    expect(failing.dials).toHaveLength(6)
    expect(failing.dials.filter((dial) => dial.startsWith("http"))).toEqual(["http0"])
  })
})
