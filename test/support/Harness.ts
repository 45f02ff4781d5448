/**
 * What a feature test does again and again against a dev server: new users, logged-in devices
 * that record every change they receive, and the short connection (JSON over HTTP).
 */
import { expect } from "vitest"
import { acceptFriendRequest, sendFriendRequest } from "../../src/client/contacts.ts"
import { register, WeftClient, WeftRequestError } from "../../src/client/WeftClient.ts"
import type { Change } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"
import type { DevServer } from "./DevServer.ts"
import { uniqueUser, waitFor } from "./wait.ts"

export interface Device {
  readonly userId: string
  readonly client: WeftClient
  /** Every change applied, pushed or synced, in order. */
  readonly changes: Array<Change>
}

export interface HttpBase {
  readonly userId: string
  readonly sessionToken: string
}

export const harness = (server: () => DevServer) => {
  const clients: Array<WeftClient> = []

  const newUser = async (name: string, displayName?: string) => {
    const userId = uniqueUser(name)
    await register(server(), userId, "password", displayName)
    return userId
  }

  const device = async (userId: string, deviceId?: string): Promise<Device> => {
    const { host, port } = server()
    const client = new WeftClient({ host, port, userId, password: "password", deviceId })
    clients.push(client)
    const changes: Array<Change> = []
    client.on("change", (change) => changes.push(change))
    await client.connect()
    return { userId, client, changes }
  }

  /** POST /cgi-bin/<command> with a JSON body; the HTTP status must be 200. */
  const post = async (command: string, body: unknown): Promise<any> => {
    const response = await fetch(`http://127.0.0.1:${server().httpPort}/cgi-bin/${command}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    expect(response.status).toBe(200)
    return response.json()
  }

  const httpLogin = async (userId: string): Promise<HttpBase> => {
    const auth = await post("auth", { userId, password: "password" })
    return { userId, sessionToken: auth.sessionToken as string }
  }

  /** The whole log of a user, as a device syncing over HTTP gets it (proto3 JSON). */
  const httpLog = async (base: HttpBase): Promise<Array<any>> =>
    (await post("sync", { base, cursor: 0, limit: 1000 })).changes ?? []

  /** The status code a long-connection request failed with. */
  const failure = async (promise: Promise<unknown>): Promise<number> => {
    const error = await promise.then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(WeftRequestError)
    return (error as WeftRequestError).code
  }

  /** Waits until the device has received `count` changes with the body field `field`. */
  const received = async (device: Device, field: keyof Change, count: number): Promise<Array<any>> => {
    await waitFor(`${count} ${String(field)} changes`, () => device.changes.filter((change) => change[field]).length >= count)
    return device.changes.filter((change) => change[field]).map((change) => change[field])
  }

  /** Makes the two devices' users contacts. */
  const befriend = async (one: Device, other: Device): Promise<void> => {
    await sendFriendRequest(one.client, other.userId)
    await acceptFriendRequest(other.client, one.userId)
  }

  /** The status code of a JSON response (0 for OK; proto3 JSON names the code). */
  const statusOf = (response: any): number => {
    const code = response.base?.code ?? 0
    return typeof code === "string" ? Status[code as keyof typeof Status] : code
  }

  const closeAll = () => clients.forEach((client) => client.close())

  return { newUser, device, post, httpLogin, httpLog, failure, received, statusOf, befriend, closeAll }
}
