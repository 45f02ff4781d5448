/**
 * A feature of its own: the "roll" command, served on every transport, answered by a Dice
 * actor per user (sharded by user id like weft's actors) that counts the user's rolls in
 * storage and appends a Rolled event to the user's log, so every device of the user sees it.
 *
 *   npx weft dev --feature examples/roll-bot/feature.js
 *   node examples/roll-bot/client.js           # rolls, as the user roller
 */
import { randomInt } from "node:crypto"
import { Effect, Schema } from "effect"
import { Rpc } from "effect/rpc"
import { actorClient, actorId, actorLayer, command, defineActor, feature, Status, Storage, userKey, userLogs, WeftError } from "weft/server"
import { protos, roll, Rolled } from "./spec.js"

const unavailable = () => new WeftError({ code: Status.UNAVAILABLE, message: "storage did not answer" })

/** One per user: that user's dice. */
export const Dice = defineActor("Dice", [
  Rpc.make("Roll", {
    payload: { sides: Schema.Number },
    success: Schema.Struct({ value: Schema.Number, rolls: Schema.Number, seq: Schema.Number }),
    error: WeftError
  })
])

const dice = actorLayer(Dice, Effect.gen(function*() {
  const userId = yield* actorId
  const storage = yield* Storage
  const logs = yield* userLogs
  return Dice.of({
    Roll: ({ payload: { sides } }) => Effect.gen(function*() {
      const value = 1 + randomInt(sides)
      const rolls = yield* storage.increment(userKey(userId, "dice"), 1).pipe(Effect.mapError(unavailable))
      const { seq } = yield* logs.append(userId, { type: "roll.v1.Rolled", payload: Rolled.encode({ sides, value, rolls }), from: "roll" })
      return { value, rolls, seq }
    })
  })
}))

const commands = Effect.gen(function*() {
  const players = yield* actorClient(Dice)
  return [
    command(roll, (caller, request) => {
      const sides = request.sides || 6
      if (sides < 2 || sides > 1000) return Effect.fail(new WeftError({ code: Status.BAD_REQUEST, message: "sides must be 2..1000" }))
      return players(caller.userId).Roll({ sides }).pipe(Effect.map((rolled) => ({ base: { code: 0, message: "" }, ...rolled })))
    })
  ]
})

export default feature({ name: "roll", protos, actors: [dice], commands })
