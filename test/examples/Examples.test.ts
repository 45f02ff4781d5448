/** The runnable examples of examples/, each as its own process against a `weft dev` process. */
import { execFile, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { register, WeftClient } from "../../src/client/WeftClient.ts"
import { type DevProcess, startDevProcess } from "../support/devProcess.ts"

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url))

let dev: DevProcess
beforeAll(async () => {
  dev = await startDevProcess()
})
afterAll(() => dev.stop())

const server = () => {
  const [host, port] = dev.tcp.split(":")
  return { host: host!, port: Number(port) }
}

describe("examples/", () => {
  it("group-chat.js: three members each hear the other two in the group", async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [example("group-chat.js")], { timeout: 30_000, env: { ...process.env, WEFT_SERVER: dev.tcp } }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout))
    })
    expect(output).toMatch(/^alice made g:\S+ \("book club"\) with alice, bob, dave$/m)
    for (const [member, from, text] of [
      ["alice", "bob", "thanks, alice!"],
      ["alice", "dave", "hello both"],
      ["bob", "alice", "welcome to the book club"],
      ["bob", "dave", "hello both"],
      ["dave", "alice", "welcome to the book club"],
      ["dave", "bob", "thanks, alice!"]
    ]) {
      expect(output).toContain(`${member!.padEnd(5)} <- ${from}: ${text}`)
    }
  })

  it("echo-bot.js: answers a message with the same text, and stops on SIGINT", async () => {
    const bot = spawn(process.execPath, [example("echo-bot.js")], { env: { ...process.env, WEFT_SERVER: dev.tcp }, stdio: ["ignore", "pipe", "pipe"] })
    const exited = new Promise<number | null>((resolve) => bot.once("exit", (code) => resolve(code)))
    let output = ""
    await new Promise<void>((resolve, reject) => {
      bot.stdout.on("data", (chunk) => {
        output += chunk
        if (output.includes("is listening")) resolve()
      })
      bot.stderr.on("data", (chunk) => (output += chunk))
      void exited.then((code) => reject(new Error(`the bot exited (${code}): ${output}`)))
    })
    await register(server(), "dora", "dora-password")
    const dora = new WeftClient({ ...server(), userId: "dora", password: "dora-password", cursor: "head" })
    await dora.connect()
    const answer = new Promise<{ from: string; text: string }>((resolve) =>
      dora.on("message", (message) => message.from === "echo-bot" && resolve(message)))
    await dora.send("echo-bot", "is anybody there?")
    expect(await answer).toMatchObject({ from: "echo-bot", text: "is anybody there?" })
    dora.close()
    bot.kill("SIGINT")
    expect(await exited).toBe(0)
    expect(output).toContain("dora: is anybody there?")
  })
})
