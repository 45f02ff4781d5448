/**
 * The weft client SDK for browsers: the client core (client/core/ClientSession.ts, the Node
 * SDK's too) over a WebSocket, or over HTTP short connections with long polling when no
 * WebSocket gets through, moving back to the WebSocket when it can. The core logs in in one
 * round trip (a resume token first) that also brings the first page of what was missed, applies
 * changes once in sequence order, syncs by cursor on a gap, resends its outbox with the same
 * client message ids (in order per conversation on HTTP) and reconnects with backoff and jitter
 * — at once when the browser says it is back online — and, with several data centres, follows a
 * WRONG_IDC refusal to the user's home. This file adds the browser's transports, where they go,
 * its schema (protobufjs reading the server's proto/ as JSON) and its own calls. No Node modules.
 */
import { ClientSession, type Opened, randomId, type SessionCodecs } from "../../client/core/ClientSession.ts"
import type { ClientState, OutgoingMessage, SessionEvents, SessionOptions } from "../../client/core/SessionOptions.ts"
import { type Endpoint, homeForgotten, memoryRouteStore, type RouteState, type RouteStore, sentHome } from "../../client/RouteStore.ts"
import { Connector, gatewayAt, gatewayIn } from "./Connector.ts"
import { HttpTransport } from "./HttpTransport.ts"
import { Schema } from "./Schema.ts"
import {
  type Answer,
  type CommandSpec,
  Commands,
  DisconnectedError,
  exchangeOf,
  type Transport,
  type TransportKind,
  WeftRequestError
} from "./Transport.ts"

export { Commands, DisconnectedError, memoryRouteStore, randomId, Schema, WeftRequestError }
export type { ClientState, CommandSpec, Endpoint, OutgoingMessage, RouteStore, TransportKind }

/** The client core's options (client/core/SessionOptions.ts) and the browser's own. */
export interface BrowserClientOptions extends SessionOptions {
  /** The gateway's HTTP origin, e.g. "http://127.0.0.1:9380" (default: the page's origin). */
  readonly server?: string | undefined
  /** The schema (default: loaded from the server at connect). */
  readonly schema?: Schema | undefined
  readonly deviceName?: string | undefined
  /**
   * "auto" (default): WebSocket, else HTTP long polling, moving back to the WebSocket when it
   * gets through again. "ws" or "http" force one.
   */
  readonly transport?: "auto" | TransportKind | undefined
  /** In "auto" mode, the transport to try first: the one that worked last time (keep `transport`). */
  readonly preferTransport?: TransportKind | undefined
  readonly connectTimeoutMs?: number | undefined
  /**
   * Where the gateways of the user's home data centre are kept once a login was sent there
   * (WRONG_IDC; docs/multi-idc.md): the next connects go there first. Default: in memory, for
   * the client's life; `webStorageRouteStore(localStorage, key)` (WebStorageRouteStore.ts)
   * keeps them across reloads.
   */
  readonly routeStore?: RouteStore | undefined
}

/** Everything the client core tells, and the transport it went online over. */
export interface ClientEvents extends SessionEvents {
  /** The client is online over this transport (after a login, a fallback or a move back to the WebSocket). */
  transport: (transport: TransportKind) => void
}

/** Registers a new account over a short connection; needs no login. */
export const register = async (server: string, userId: string, password: string, displayName = "", schema?: Schema) => {
  const known = schema ?? await Schema.load(server)
  const transport = new HttpTransport({ server, schema: known, requestTimeoutMs: 15_000, onClose: () => {} })
  await transport.exchange(exchangeOf<Answer>(known, Commands.register), { userId, password, displayName })
}

/** The types the client core speaks, from the schema. */
const SESSION_TYPES = [
  "AuthRequest", "AuthResponse", "SyncRequest", "SyncResponse", "PollRequest", "SendMessageRequest", "SendMessageResponse",
  "PingRequest", "PongResponse", "SyncGroupRequest", "SyncGroupResponse", "Push", "Kicked", "ErrorFrame", "Change"
] as const

export class WeftBrowserClient extends ClientSession<Transport, Opened<Transport>, ClientEvents> {
  private readonly onOnline = () => this.networkChanged()
  /** The gateway the client was given (where the schema comes from). */
  private readonly given: string
  private schema: Schema | undefined
  private sessionCodecs: SessionCodecs | undefined
  private readonly connector: Connector
  private readonly routeStore: RouteStore
  private routes: RouteState

  constructor(private readonly options: BrowserClientOptions) {
    super(options, options.deviceId ?? `web-${randomId()}`, { platform: 3, name: options.deviceName ?? "browser" })
    this.given = options.server ?? globalThis.location.origin
    this.schema = options.schema
    this.routeStore = options.routeStore ?? memoryRouteStore()
    this.routes = this.routeStore.load() ?? {}
    this.connector = new Connector({
      rtt: this.rtt,
      gateway: gatewayIn(this.routes.home ?? [], this.given) ?? gatewayAt(this.given),
      mode: options.transport ?? "auto",
      preferred: options.preferTransport,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
      onPush: (transport, frame) => this.pushed(transport, frame),
      onClose: (transport) => this.lost(transport)
    })
  }

  /** The HTTP origin of the gateway the client connects to: the one given, or its home IDC's once sent there. */
  get server(): string {
    return this.connector.gateway.http
  }

  /** The transport in use while online: "ws" or "http". */
  get transport(): TransportKind | undefined {
    return this.link?.transport
  }

  /** Connects and logs in; resolves once online and synced. The first login must succeed. */
  override connect(): Promise<void> {
    if (this.state === "offline") globalThis.addEventListener?.("online", this.onOnline)
    return super.connect()
  }

  /** Any command (`{ id, name, request, response }` type names of the schema); needs to be online. */
  call<Res extends Answer>(command: CommandSpec, request: object): Promise<Res> {
    if (this.schema === undefined) return Promise.reject(new DisconnectedError("offline"))
    return this.request(exchangeOf<Res>(this.schema, command), request)
  }

  /** Closes for good; unacknowledged sends are rejected. */
  override close(): void {
    globalThis.removeEventListener?.("online", this.onOnline)
    super.close()
  }

  /** Ends the session on the server (the token stops working on every device using it), then closes. */
  async logout(): Promise<void> {
    // Over HTTP the long poll can hear the session end before the logout's own answer comes:
    // the ended token answers it, the client closes, and that aborts the logout's request. The
    // session is over as asked, so that is a logout done; a link lost with no word from the
    // server is still an error (the session may live on).
    let ended = false
    const stopListening = this.on("kicked", () => ended = true)
    try {
      if (this.state === "online") await this.call(Commands.logout, {})
    } catch (error) {
      if (!(ended && error instanceof DisconnectedError)) throw error
    } finally {
      stopListening()
      this.close()
    }
  }

  protected get codecs(): SessionCodecs {
    this.sessionCodecs ??= Object.fromEntries(SESSION_TYPES.map((name) => [name, this.schema!.codec(name)])) as unknown as SessionCodecs
    return this.sessionCodecs
  }

  protected async open(): Promise<Opened<Transport>> {
    this.schema ??= await Schema.load(this.given)
    const link = await this.connector.open(this.schema)
    this.opening(link)
    return { link }
  }

  /** On HTTP in "auto" mode: the WebSocket again. */
  protected openLong(): Promise<Opened<Transport>> | undefined {
    const schema = this.schema
    if (!this.connector.mayUpgrade || schema === undefined) return undefined
    return this.connector.openWebSocket(schema).then((link) => {
      this.opening(link)
      return { link }
    })
  }

  /** Tries the WebSocket again after 1 s, then less and less often (at most every minute). */
  protected get upgradeDelays() {
    return { firstMs: 1000, maxMs: 60_000 }
  }

  /**
   * A login refused WRONG_IDC: the client goes to the home IDC's WebSocket (or HTTP) endpoint at
   * once, and keeps it in the route store. Only the endpoints of the refusal are followed — the
   * answer to this client's own login, its credentials checked — never anything a page supplies.
   */
  protected override relocate(home: ReadonlyArray<Endpoint>): boolean {
    const reachable = home.filter((endpoint) => endpoint.transport !== "tcp")
    const gateway = gatewayIn(reachable, this.given)
    const next = gateway === undefined ? undefined : sentHome(this.routes, reachable)
    if (gateway === undefined || next === undefined) return false
    this.routes = next
    this.routeStore.save(next)
    this.connector.moveTo(gateway)
    return true
  }

  /** The home's gateway stopped answering: back to the given gateway, which sends the client home again. */
  protected override forgetHome(): boolean {
    const next = homeForgotten(this.routes)
    if (next === undefined) return false
    this.routes = next
    this.routeStore.save(next)
    this.connector.moveTo(gatewayAt(this.given))
    return true
  }

  protected wentOnline(link: Transport): void {
    this.connector.worked(link.transport)
    this.emit("transport", link.transport)
  }
}
