/**
 * How the client core logs in: one AUTH with the session token when it has one (falling back to
 * the password or the app token when the token is refused), carrying the cursor (the answer
 * brings the first page of what was missed), the route list version held, and the long
 * connection given up on (the server closes it, so its pushes stop; the Kicked that closing
 * sends is told apart from a real one). Node-free.
 */
import type { AuthResponse } from "../../protocol/Proto.ts"
import { Status } from "../../protocol/Status.ts"
import { WeftRequestError } from "../errors.ts"
import type { SessionOptions } from "./SessionOptions.ts"
import type { Exchange, SessionLink } from "./Wire.ts"

/** How the device introduces itself at login (weft.v1.Device, without its id). */
export interface DeviceInfo {
  readonly platform: number
  readonly name: string
}

/** What a login says besides the credential: where the log resumes, which route list is held. */
export interface LoginContext {
  readonly syncCursor: number | undefined
  readonly routeListVersion: number
  /**
   * Whether the client is online on a long connection (the last one logged in): a login now is a
   * race's late loser, which must not name that live connection as replaced.
   */
  readonly onLongConnection: boolean
}

/** A way in as the platform found it: the link, and the login if it resumed on it in the finding. */
export interface Opened<L extends SessionLink> {
  readonly link: L
  readonly auth?: AuthResponse | undefined
  /** The server refused the resume for a reason other than the token (RATE_LIMITED, ...). */
  readonly refused?: Error | undefined
}

type Credential = { readonly password?: string | undefined; readonly resumeToken?: string | undefined; readonly appToken?: string | undefined }

export class Login<L extends SessionLink> {
  /** The session token of the last login (or the one the app gave). */
  token: string | undefined
  /** The server's id of the last long connection: named as replaced at the next login. */
  lastConnectionId = 0
  /** Each long link's id on its gateway, and the ids this client named as replaced. */
  private readonly connectionIds = new WeakMap<L, number>()
  private readonly replacedIds = new Set<number>()

  constructor(
    private readonly settings: Pick<SessionOptions, "userId" | "password" | "appToken" | "resumeToken">,
    private readonly deviceId: string,
    private readonly device: DeviceInfo,
    private readonly command: () => Exchange<object, AuthResponse>,
    private readonly context: () => LoginContext
  ) {
    this.token = settings.resumeToken
  }

  /**
   * A login resumed with the session token on a link that is still being found (the platform's
   * race): the losers are closed, so several are harmless. A refused token with a password or an
   * app token at hand forgets the token: the winner logs in afresh.
   */
  async resumeOn(link: L, timeoutMs?: number): Promise<Opened<L>> {
    if (this.token === undefined) return { link }
    try {
      return { link, auth: await this.authenticate(link, { resumeToken: this.token }, timeoutMs) }
    } catch (error) {
      if (!(error instanceof WeftRequestError)) throw error
      // The server answered: the way in works, whatever it said.
      if (error.code === Status.UNKNOWN_COMMAND) return { link }
      if (error.code === Status.INVALID_TOKEN && this.canLogInAfresh) {
        this.token = undefined
        return { link }
      }
      return { link, refused: error }
    }
  }

  /** Logs in on a link found without a login (no token, or the token was refused). */
  async logIn(link: L): Promise<AuthResponse> {
    if (this.token !== undefined) {
      try {
        return await this.authenticate(link, { resumeToken: this.token })
      } catch (error) {
        if (!(error instanceof WeftRequestError && error.code === Status.INVALID_TOKEN) || !this.canLogInAfresh) throw error
        this.token = undefined
      }
    }
    return this.authenticate(link, await this.freshCredential())
  }

  /** Whether the server closed `link` because this client named it as replaced: its own doing. */
  replaced(link: L): boolean {
    return this.replacedIds.has(this.connectionIds.get(link) ?? 0)
  }

  /** A password or an app token: what logs in when there is no session to resume. */
  private get canLogInAfresh(): boolean {
    return Boolean(this.settings.password || this.settings.appToken)
  }

  /** The app token (fetched anew when it comes from a function), else the password. */
  private async freshCredential(): Promise<Credential> {
    const appToken = this.settings.appToken
    if (appToken === undefined) return { password: this.settings.password }
    return { appToken: typeof appToken === "function" ? await appToken() : appToken }
  }

  private async authenticate(link: L, credential: Credential, timeoutMs?: number): Promise<AuthResponse> {
    const { syncCursor, routeListVersion, onLongConnection } = this.context()
    // The connection given up on; none while the last one is the connection in use (an attempt
    // of a race that answers after the winner went online would otherwise close the winner).
    const replaces = onLongConnection ? 0 : this.lastConnectionId
    const request = {
      userId: this.settings.userId,
      ...credential,
      device: { deviceId: this.deviceId, ...this.device },
      syncCursor,
      syncLimit: 0,
      routeListVersion,
      replacesConnectionId: replaces,
      omitKnown: true
    }
    if (replaces !== 0) this.replacedIds.add(replaces)
    if (this.replacedIds.size > 64) this.replacedIds.delete(this.replacedIds.values().next().value!)
    const auth = withKnown(await link.exchange(this.command(), request, timeoutMs), request)
    if (auth.connectionId) this.connectionIds.set(link, auth.connectionId)
    this.token = auth.sessionToken
    link.setSession({ userId: this.settings.userId, sessionToken: auth.sessionToken, deviceId: this.deviceId })
    return auth
  }
}

/**
 * The answer to a login that asked for nothing it told to be repeated (omit_known), filled in
 * from the request: the token resumed with, the user named, the route list version held, the
 * epoch of the first page. An answer with them all (an older server) stays as it is.
 */
const withKnown = (
  auth: AuthResponse,
  request: { readonly userId: string; readonly resumeToken?: string | undefined; readonly routeListVersion: number }
): AuthResponse => ({
  ...auth,
  sessionToken: auth.sessionToken || (request.resumeToken ?? ""),
  userId: auth.userId || request.userId,
  routeListVersion: auth.routeListVersion || request.routeListVersion,
  sync: auth.sync === undefined || auth.sync === null ? auth.sync : { ...auth.sync, epoch: auth.sync.epoch || auth.epoch }
})

