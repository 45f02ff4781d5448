/**
 * Several data centres (src/cluster/Idc.ts): each IDC's storage with the accounts moved to the
 * one directory store. It is a Storage like any other (the contract), and two IDCs that share
 * the directory see one account record — not one each — while the rest stays in each IDC.
 */
import { assert, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { withGlobalAccounts } from "../../src/cluster/Idc.ts"
import { makeMemory } from "../../src/storage/memory.ts"
import { encodeJson, Storage, userKey } from "../../src/storage/Storage.ts"
import { storageContract } from "./contract.ts"

const memory = makeMemory

storageContract(
  "memory with its accounts in another memory store",
  Layer.effect(Storage, Effect.map(Effect.all([memory, memory]), ([local, accounts]) => withGlobalAccounts(local, accounts)))
)

it.effect("two IDCs sharing a directory see one account; the rest of a user's data stays in each", () =>
  Effect.gen(function*() {
    const directory = yield* memory
    const a = withGlobalAccounts(yield* memory, directory)
    const b = withGlobalAccounts(yield* memory, directory)
    const account = userKey("ada", "account")
    assert.isTrue(yield* a.set(account, encodeJson({ userId: "ada", home: "a" }), { onlyIfAbsent: true }))
    assert.isFalse(yield* b.set(account, encodeJson({ userId: "ada", home: "b" }), { onlyIfAbsent: true }), "the id is taken in b too")
    yield* b.set(account, encodeJson({ userId: "ada", home: "a", password: "changed in b" }))
    assert.deepStrictEqual(JSON.parse(new TextDecoder().decode((yield* a.get(account))!)), { userId: "ada", home: "a", password: "changed in b" })
    yield* a.set(userKey("ada", "sessions"), encodeJson(["token"]))
    assert.isUndefined(yield* b.get(userKey("ada", "sessions")), "sessions are the home IDC's")
  }))
