/**
 * Flags of the suite's clustered runners: new password hashes at the pre-0.2 cost (scrypt p=1,
 * a fifth of weft's own), as the in-process servers have (DevServer.ts). The clustered tests
 * register and log in hundreds of users on 2 cores (0.4 s of a core each at weft's own cost),
 * and their claims are about clustering, not hashing; FrequencyControl.test.ts checks weft's
 * own parameters and the rehash at login.
 */
export const PASSWORD_HASH = { N: 16384, r: 8, p: 1 } as const

export const runnerFlags: ReadonlyArray<string> = ["--password-hash", `N=${PASSWORD_HASH.N},r=${PASSWORD_HASH.r},p=${PASSWORD_HASH.p}`]
