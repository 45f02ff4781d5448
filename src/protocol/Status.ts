/**
 * Numeric status codes of the wire protocol (weft.v1.StatusCode in proto/weft/v1/frame.proto).
 * A test checks that this table and the .proto file agree.
 */
export const Status = {
  OK: 0,
  BAD_REQUEST: 1000,
  UNKNOWN_COMMAND: 1001,
  FRAME_TOO_LARGE: 1002,
  UNSUPPORTED_VERSION: 1003,
  NOT_LOGGED_IN: 1004,
  ALREADY_LOGGED_IN: 1005,
  WRONG_CREDENTIALS: 2001,
  USER_EXISTS: 2002,
  INVALID_TOKEN: 2003,
  INVALID_USER_ID: 2004,
  WRONG_IDC: 2005,
  RECIPIENT_NOT_FOUND: 3001,
  NOT_FOUND: 3002,
  FORBIDDEN: 3003,
  NOT_A_MEMBER: 3004,
  NOT_A_CONTACT: 3005,
  RECALL_WINDOW_PASSED: 3006,
  CONFLICT: 3007,
  TOO_LARGE: 3008,
  LOGGED_OUT: 3009,
  REJECTED: 3010,
  RATE_LIMITED: 4029,
  INTERNAL: 5000,
  UNAVAILABLE: 5003
} as const

export type StatusCode = typeof Status[keyof typeof Status]

const names = new Map<number, string>(Object.entries(Status).map(([name, code]) => [code, name]))

export const statusName = (code: number): string => names.get(code) ?? `STATUS_${code}`
