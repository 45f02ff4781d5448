import { describe, expect, it } from "vitest"
import { Command, commands } from "../../src/protocol/Command.ts"
import { root } from "../../src/protocol/Proto.ts"
import { Status } from "../../src/protocol/Status.ts"

describe("the code and proto/ agree", () => {
  it("every status code in the code is the one in weft.v1.StatusCode, and none is missing", () => {
    expect(root.lookupEnum("weft.v1.StatusCode").values).toEqual(Status)
  })

  it("every command id in the code is the one in weft.v1.Command", () => {
    const values = root.lookupEnum("weft.v1.Command").values
    for (const [name, id] of Object.entries(Command)) expect(values[`COMMAND_${name}`]).toBe(id)
    expect(Object.keys(values).length - 1).toBe(Object.keys(Command).length)
  })

  it("every request command has request and response messages with a base response", () => {
    for (const spec of commands) {
      expect(spec.response.type.fields["base"]?.type).toBe("BaseResponse")
    }
  })
})
