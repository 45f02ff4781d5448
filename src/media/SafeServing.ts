/**
 * Headers that keep an uploaded file from running as a page of the app's origin (stored XSS).
 * Whatever a user declared, a file is shown inline only if its type is a known image, audio or
 * video type that browsers never execute; everything else (text/html, SVG, PDF, XML, scripts)
 * is a download (`Content-Disposition: attachment`). Every media and avatar response also
 * carries `nosniff` (no guessing HTML from the bytes) and a CSP sandbox: even a file a browser
 * did render runs in an opaque origin without scripts, so it cannot read the app's storage.
 */

/** Types browsers display without running anything. SVG is absent on purpose: it can hold script. */
const INLINE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "audio/mpeg",
  "audio/mp4",
  "audio/aac",
  "audio/ogg",
  "audio/wav",
  "audio/webm",
  "video/mp4",
  "video/webm",
  "video/ogg"
])

/** The sandbox without any allow-*: no scripts, no forms, no popups, an opaque origin. */
export const MEDIA_CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'"

const TOKEN = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/

/** The declared type as served: its essence (no parameters) if well-formed, else octet-stream. */
export const servedType = (declared: string): string => {
  const essence = declared.split(";")[0]!.trim().toLowerCase()
  return TOKEN.test(essence) ? essence : "application/octet-stream"
}

export const isInlineType = (declared: string): boolean => INLINE_TYPES.has(servedType(declared))

/** The headers of a stored file served to a browser; `fileName` names a download. */
export const safeMediaHeaders = (declared: string, fileName = ""): Record<string, string> => {
  const type = servedType(declared)
  const name = fileName.replace(/[^\w.-]/g, "_").slice(0, 100)
  return {
    "content-type": type,
    "content-disposition": INLINE_TYPES.has(type) ? "inline" : name === "" ? "attachment" : `attachment; filename="${name}"`,
    "x-content-type-options": "nosniff",
    "content-security-policy": MEDIA_CSP
  }
}
