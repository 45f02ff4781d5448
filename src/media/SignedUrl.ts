/**
 * Signed, expiring download paths: "/media/<id>[/thumb]?user=<u>&expires=<ms>&sig=<hmac>".
 * The HMAC (SHA-256, media.urlSecret) covers the path, the user and the expiry, so a URL
 * works for one media, as one user, until it expires; the download still checks that the
 * media is shared with that user.
 */
import { createHmac, timingSafeEqual } from "node:crypto"

export const mediaPath = (mediaId: string, thumb: boolean): string =>
  `/media/${encodeURIComponent(mediaId)}${thumb ? "/thumb" : ""}`

const signature = (secret: string, path: string, user: string, expiresAtMs: number): string =>
  createHmac("sha256", secret).update(`${path}\n${user}\n${expiresAtMs}`).digest("base64url")

export const signedPath = (secret: string, mediaId: string, thumb: boolean, user: string, expiresAtMs: number): string => {
  const path = mediaPath(mediaId, thumb)
  const query = new URLSearchParams({ user, expires: String(expiresAtMs), sig: signature(secret, path, user, expiresAtMs) })
  return `${path}?${query.toString()}`
}

export type SignatureCheck =
  | { readonly _tag: "Valid"; readonly user: string }
  | { readonly _tag: "Invalid"; readonly reason: string }

/** Checks the query of a signed path; `path` is the request's path without the query. */
export const checkSignature = (secret: string, path: string, query: URLSearchParams, nowMs: number): SignatureCheck => {
  const user = query.get("user") ?? ""
  const expires = Number(query.get("expires") ?? NaN)
  const given = Buffer.from(query.get("sig") ?? "", "base64url")
  const expected = Buffer.from(signature(secret, path, user, expires), "base64url")
  if (user === "" || !Number.isSafeInteger(expires)) return { _tag: "Invalid", reason: "the signed URL lacks user or expires" }
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { _tag: "Invalid", reason: "the URL's signature is not valid" }
  }
  if (expires <= nowMs) return { _tag: "Invalid", reason: "the signed URL has expired" }
  return { _tag: "Valid", user }
}
