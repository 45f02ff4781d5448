/**
 * Limits on what an operator configures, checked by the command line (cli/config.ts) before it
 * loads any server code, and by the code that relies on them. This module imports nothing.
 */

/** The shortest cluster secret and IDC link secret: 16 characters (`openssl rand -hex 32` gives 64). */
export const MIN_SECRET_LENGTH = 16

/** An HS256 secret of app tokens shorter than this is refused (RFC 7518 §3.2: at least the hash size). */
export const MIN_SECRET_BYTES = 32

/** A data centre's name. */
export const IDC_NAME_PATTERN = /^[a-z0-9-]{1,32}$/
