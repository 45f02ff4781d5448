import { describe, expect, it } from "vitest"
import { Context, Effect, Layer } from "effect"
import { engine } from "../../src/cluster/Dev.ts"
import { withOverrides } from "../../src/cluster/Settings.ts"
import { authSpec, Commands, layer as commandsLayer, registerSpec } from "../../src/gateway/Commands.ts"
import { Command } from "../../src/protocol/Command.ts"
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

  it("every served command is in weft.v1.Command, answers with a BaseResponse and takes a BaseRequest", async () => {
    const table = await Effect.runPromise(
      Effect.scoped(
        Effect.map(Layer.build(commandsLayer.pipe(Layer.provide(engine(withOverrides())))), (context) =>
          Context.get(context, Commands).all)
      )
    )
    const ids = new Set(Object.values(root.lookupEnum("weft.v1.Command").values))
    const names = new Set<string>()
    expect(table.length).toBeGreaterThanOrEqual(3)
    for (const { spec } of [...table, { spec: registerSpec }, { spec: authSpec }]) {
      expect(ids.has(spec.id), `command ${spec.name} (${spec.id}) is in weft.v1.Command`).toBe(true)
      expect(names.has(spec.name), `command name ${spec.name} is unique`).toBe(false)
      names.add(spec.name)
      expect(spec.response.type.fields["base"]?.type, `${spec.name} response has base`).toBe("BaseResponse")
      expect(spec.response.type.fields["base"]?.id).toBe(1)
    }
    for (const { spec } of table) {
      // The short connection carries the session in the request: field 15, BaseRequest.
      expect(spec.request.type.fields["base"]?.type, `${spec.name} request has base`).toBe("BaseRequest")
      expect(spec.request.type.fields["base"]?.id).toBe(15)
    }
  })
})
