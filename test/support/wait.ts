/** Polls until the condition holds; fails the test with `what` after `ms`. */
export const waitFor = async (what: string, predicate: () => boolean, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

let counter = 0
/** A user id no other test uses. */
export const uniqueUser = (name: string) => `${name}-${process.pid}-${++counter}`
