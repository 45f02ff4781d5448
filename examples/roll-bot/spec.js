/** What the roll feature's server and its clients share: its protos and its command. */
import { loadProtos } from "weft"

export const protos = loadProtos([new URL("./roll.proto", import.meta.url)])

/** Command 1000, POST /cgi-bin/roll: throw a die with `sides` sides. */
export const roll = {
  id: 1000,
  name: "roll",
  request: protos.codec("roll.v1.RollRequest"),
  response: protos.codec("roll.v1.RollResponse")
}

export const Rolled = protos.codec("roll.v1.Rolled")
