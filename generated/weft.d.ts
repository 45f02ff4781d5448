import * as $protobuf from "protobufjs/light.js";
import Long = require("long");

/** Namespace weft. */
export namespace weft {

    /** Namespace v1. */
    namespace v1 {

        /**
         * Properties of a RegisterRequest.
         * @deprecated Use weft.v1.RegisterRequest.$Properties instead.
         */
        interface IRegisterRequest extends weft.v1.RegisterRequest.$Properties {
        }

        /**
         * REGISTER creates an account with weft's own password. A server that logs users in with its
         * app's tokens only (app_token below, started with password logins off) answers FORBIDDEN.
         */
        class RegisterRequest {

            /** Reflection-backed declarations are not constructable. Use RegisterRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** [A-Za-z0-9_.-]{1,64} */
            userId: string;

            /** 8..256 characters; stored only as a salted scrypt hash. */
            password: string;

            /** RegisterRequest displayName. */
            displayName: string;

            /**
             * Several data centres (docs/multi-idc.md): the IDC that is to be the user's home, where the
             * user's data lives. Empty: the IDC whose gateway the registration came through. A name no
             * IDC has is BAD_REQUEST. A server of one IDC ignores it.
             */
            homeIdc: string;
        }

        namespace RegisterRequest {

            /** Properties of a RegisterRequest. */
            interface $Properties {

                /** [A-Za-z0-9_.-]{1,64} */
                userId?: string;

                /** 8..256 characters; stored only as a salted scrypt hash. */
                password?: string;

                /** RegisterRequest displayName */
                displayName?: string;

                /**
                 * Several data centres (docs/multi-idc.md): the IDC that is to be the user's home, where the
                 * user's data lives. Empty: the IDC whose gateway the registration came through. A name no
                 * IDC has is BAD_REQUEST. A server of one IDC ignores it.
                 */
                homeIdc?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RegisterRequest. */
            type $Shape = weft.v1.RegisterRequest.$Properties;
        }

        /**
         * Properties of a RegisterResponse.
         * @deprecated Use weft.v1.RegisterResponse.$Properties instead.
         */
        interface IRegisterResponse extends weft.v1.RegisterResponse.$Properties {
        }

        /** Represents a RegisterResponse. */
        class RegisterResponse {

            /** Reflection-backed declarations are not constructable. Use RegisterResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RegisterResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace RegisterResponse {

            /** Properties of a RegisterResponse. */
            interface $Properties {

                /** RegisterResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RegisterResponse. */
            type $Shape = weft.v1.RegisterResponse.$Properties;
        }

        /**
         * Properties of an AuthRequest.
         * @deprecated Use weft.v1.AuthRequest.$Properties instead.
         */
        interface IAuthRequest extends weft.v1.AuthRequest.$Properties {
        }

        /** Represents an AuthRequest. */
        class AuthRequest {

            /** Reflection-backed declarations are not constructable. Use AuthRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * The user logging in. With an app_token it may be left empty: the token names the user
             * (AuthResponse.user_id says who); when set, it must be the user the token names.
             */
            userId: string;

            /** weft's own password (REGISTER). FORBIDDEN when the server has password logins off. */
            password: (string|null);

            /** A session token from an earlier AuthResponse: resumes without the password. */
            resumeToken: (string|null);

            /**
             * A token the app's own server signed for this user: a JWT (HS256, RS256 or ES256) that
             * the server checks against its configured key, issuer, audience and expiry (exp is
             * required). The user's account is created at the first such login. Refused tokens are
             * answered WRONG_CREDENTIALS with the reason; a server not set up for app tokens answers
             * BAD_REQUEST. The answer's session_token then resumes as after a password login.
             */
            appToken: (string|null);

            /** AuthRequest device. */
            device: weft.v1.Device;

            /**
             * RESUME IN ONE ROUND TRIP (optional; old clients leave these unset and get the old answer).
             * The highest sequence this device applied: when set, the response carries the first page of
             * the user's log after it (AuthResponse.sync), so no SYNC round trip comes before the first
             * missed change. Leave it unset to sync separately.
             */
            syncCursor: (number|null);

            /** Page size of that first page; the server caps it (and uses its default when 0). */
            syncLimit: number;

            /**
             * The route_list_version of the route list the client holds (0: none). The response carries
             * the route list only when the server's version differs, so an unchanged list costs nothing.
             */
            routeListVersion: number;

            /**
             * The connection_id of an earlier AuthResponse that this device has given up on (it went
             * silent, or the network changed). The server closes that connection, if it is still open and
             * belongs to this user and device, before it answers: no push goes to an abandoned
             * connection. 0: none.
             */
            replacesConnectionId: number;

            /**
             * Leave out of the AuthResponse what this request already tells (a weak link pays for every
             * byte of the round trip before the first missed message): session_token when it is the
             * resume_token sent (a resume keeps its session), user_id when the request named the user,
             * route_list_version when it is the request's (endpoints are empty then as well), and the
             * base and epoch of sync (the epoch is the response's own). Set it only if you read an empty
             * session_token as "keep the resume token" and a route_list_version of 0 after sending one as
             * "unchanged".
             */
            omitKnown: boolean;

            /** AuthRequest credential. */
            credential?: ("password"|"resumeToken"|"appToken");
        }

        namespace AuthRequest {

            /** Properties of an AuthRequest. */
            interface $Properties {

                /**
                 * The user logging in. With an app_token it may be left empty: the token names the user
                 * (AuthResponse.user_id says who); when set, it must be the user the token names.
                 */
                userId?: string;

                /** weft's own password (REGISTER). FORBIDDEN when the server has password logins off. */
                password?: (string|null);

                /** A session token from an earlier AuthResponse: resumes without the password. */
                resumeToken?: (string|null);

                /**
                 * A token the app's own server signed for this user: a JWT (HS256, RS256 or ES256) that
                 * the server checks against its configured key, issuer, audience and expiry (exp is
                 * required). The user's account is created at the first such login. Refused tokens are
                 * answered WRONG_CREDENTIALS with the reason; a server not set up for app tokens answers
                 * BAD_REQUEST. The answer's session_token then resumes as after a password login.
                 */
                appToken?: (string|null);

                /** AuthRequest device */
                device?: weft.v1.Device.$Properties;

                /**
                 * RESUME IN ONE ROUND TRIP (optional; old clients leave these unset and get the old answer).
                 * The highest sequence this device applied: when set, the response carries the first page of
                 * the user's log after it (AuthResponse.sync), so no SYNC round trip comes before the first
                 * missed change. Leave it unset to sync separately.
                 */
                syncCursor?: (number|null);

                /** Page size of that first page; the server caps it (and uses its default when 0). */
                syncLimit?: number;

                /**
                 * The route_list_version of the route list the client holds (0: none). The response carries
                 * the route list only when the server's version differs, so an unchanged list costs nothing.
                 */
                routeListVersion?: number;

                /**
                 * The connection_id of an earlier AuthResponse that this device has given up on (it went
                 * silent, or the network changed). The server closes that connection, if it is still open and
                 * belongs to this user and device, before it answers: no push goes to an abandoned
                 * connection. 0: none.
                 */
                replacesConnectionId?: number;

                /**
                 * Leave out of the AuthResponse what this request already tells (a weak link pays for every
                 * byte of the round trip before the first missed message): session_token when it is the
                 * resume_token sent (a resume keeps its session), user_id when the request named the user,
                 * route_list_version when it is the request's (endpoints are empty then as well), and the
                 * base and epoch of sync (the epoch is the response's own). Set it only if you read an empty
                 * session_token as "keep the resume token" and a route_list_version of 0 after sending one as
                 * "unchanged".
                 */
                omitKnown?: boolean;

                /** AuthRequest credential */
                credential?: ("password"|"resumeToken"|"appToken");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of an AuthRequest. */
            type $Shape = {
              userId?: string;
              password?: string|null;
              resumeToken?: string|null;
              appToken?: string|null;
              device?: weft.v1.Device.$Shape;
              syncCursor?: number|null;
              syncLimit?: number;
              routeListVersion?: number;
              replacesConnectionId?: number;
              omitKnown?: boolean;
              $unknowns?: Uint8Array[];
            } & (
              ({ credential?: undefined; password?: null; resumeToken?: null; appToken?: null }|{ credential?: "password"; password: string; resumeToken?: null; appToken?: null }|{ credential?: "resumeToken"; password?: null; resumeToken: string; appToken?: null }|{ credential?: "appToken"; password?: null; resumeToken?: null; appToken: string })
            );
        }

        /**
         * Properties of an AuthResponse.
         * @deprecated Use weft.v1.AuthResponse.$Properties instead.
         */
        interface IAuthResponse extends weft.v1.AuthResponse.$Properties {
        }

        /** Represents an AuthResponse. */
        class AuthResponse {

            /** Reflection-backed declarations are not constructable. Use AuthResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** AuthResponse base. */
            base: weft.v1.BaseResponse;

            /**
             * Present on the next AuthRequest as resume_token; revocable. Empty when the request set
             * omit_known and resumed: the resume_token sent goes on.
             */
            sessionToken: string;

            /**
             * The client must send a frame at least every heartbeat_max_seconds or be closed;
             * it should not ping more often than heartbeat_min_seconds.
             */
            heartbeatMinSeconds: number;

            /** AuthResponse heartbeatMaxSeconds. */
            heartbeatMaxSeconds: number;

            /** The newest sequence number of the user's change log: sync if it is above your cursor. */
            currentSeq: number;

            /** The log's epoch: if it differs from the one you synced against, reload from 0. */
            epoch: string;

            /** AuthResponse serverTimeMs. */
            serverTimeMs: number;

            /**
             * Set when the request carried sync_cursor: the changes after that cursor, exactly as a SYNC
             * with it would answer (more = true: SYNC again from sync.cursor), but for its base and epoch
             * when the request set omit_known. Best effort: absent when the
             * log could not answer at once (sync as usual then, if current_seq is above your cursor). On a long connection,
             * pushes of changes appended after this page was read may arrive before this response:
             * apply them after the page (a change at or below the new cursor is a duplicate; skip it).
             */
            sync: weft.v1.SyncResponse;

            /**
             * The server's current route list, best first — only when the request's route_list_version
             * differs from route_list_version below (empty otherwise: keep the list you have).
             * On a login refused WRONG_IDC: the gateways of the user's home IDC, where to log in instead.
             */
            endpoints: weft.v1.Endpoint[];

            /**
             * The version of the server's current route list (see RouteListResponse); 0 when the request
             * set omit_known and sent this version.
             */
            routeListVersion: number;

            /**
             * This long connection's id on its gateway: send it as replaces_connection_id when this
             * device logs in again on another connection. 0 over HTTP (no long connection).
             */
            connectionId: number;

            /**
             * The user this session belongs to: the request's user_id, or the user an app_token named.
             * Empty when the request set omit_known and named the user.
             */
            userId: string;
        }

        namespace AuthResponse {

            /** Properties of an AuthResponse. */
            interface $Properties {

                /** AuthResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /**
                 * Present on the next AuthRequest as resume_token; revocable. Empty when the request set
                 * omit_known and resumed: the resume_token sent goes on.
                 */
                sessionToken?: string;

                /**
                 * The client must send a frame at least every heartbeat_max_seconds or be closed;
                 * it should not ping more often than heartbeat_min_seconds.
                 */
                heartbeatMinSeconds?: number;

                /** AuthResponse heartbeatMaxSeconds */
                heartbeatMaxSeconds?: number;

                /** The newest sequence number of the user's change log: sync if it is above your cursor. */
                currentSeq?: number;

                /** The log's epoch: if it differs from the one you synced against, reload from 0. */
                epoch?: string;

                /** AuthResponse serverTimeMs */
                serverTimeMs?: number;

                /**
                 * Set when the request carried sync_cursor: the changes after that cursor, exactly as a SYNC
                 * with it would answer (more = true: SYNC again from sync.cursor), but for its base and epoch
                 * when the request set omit_known. Best effort: absent when the
                 * log could not answer at once (sync as usual then, if current_seq is above your cursor). On a long connection,
                 * pushes of changes appended after this page was read may arrive before this response:
                 * apply them after the page (a change at or below the new cursor is a duplicate; skip it).
                 */
                sync?: weft.v1.SyncResponse.$Properties;

                /**
                 * The server's current route list, best first — only when the request's route_list_version
                 * differs from route_list_version below (empty otherwise: keep the list you have).
                 * On a login refused WRONG_IDC: the gateways of the user's home IDC, where to log in instead.
                 */
                endpoints?: weft.v1.Endpoint.$Properties[];

                /**
                 * The version of the server's current route list (see RouteListResponse); 0 when the request
                 * set omit_known and sent this version.
                 */
                routeListVersion?: number;

                /**
                 * This long connection's id on its gateway: send it as replaces_connection_id when this
                 * device logs in again on another connection. 0 over HTTP (no long connection).
                 */
                connectionId?: number;

                /**
                 * The user this session belongs to: the request's user_id, or the user an app_token named.
                 * Empty when the request set omit_known and named the user.
                 */
                userId?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an AuthResponse. */
            type $Shape = {
              base?: weft.v1.BaseResponse.$Shape;
              sessionToken?: string;
              heartbeatMinSeconds?: number;
              heartbeatMaxSeconds?: number;
              currentSeq?: number;
              epoch?: string;
              serverTimeMs?: number;
              sync?: weft.v1.SyncResponse.$Shape;
              endpoints?: weft.v1.Endpoint.$Shape[];
              routeListVersion?: number;
              connectionId?: number;
              userId?: string;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a PingRequest.
         * @deprecated Use weft.v1.PingRequest.$Properties instead.
         */
        interface IPingRequest extends weft.v1.PingRequest.$Properties {
        }

        /** Represents a PingRequest. */
        class PingRequest {

            /** Reflection-backed declarations are not constructable. Use PingRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** PingRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace PingRequest {

            /** Properties of a PingRequest. */
            interface $Properties {

                /** PingRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PingRequest. */
            type $Shape = weft.v1.PingRequest.$Properties;
        }

        /**
         * Properties of a PongResponse.
         * @deprecated Use weft.v1.PongResponse.$Properties instead.
         */
        interface IPongResponse extends weft.v1.PongResponse.$Properties {
        }

        /** Represents a PongResponse. */
        class PongResponse {

            /** Reflection-backed declarations are not constructable. Use PongResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** PongResponse base. */
            base: weft.v1.BaseResponse;

            /** PongResponse serverTimeMs. */
            serverTimeMs: number;
        }

        namespace PongResponse {

            /** Properties of a PongResponse. */
            interface $Properties {

                /** PongResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** PongResponse serverTimeMs */
                serverTimeMs?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PongResponse. */
            type $Shape = weft.v1.PongResponse.$Properties;
        }

        /** Command ids carried in the frame header. */
        enum Command {

            /** COMMAND_UNSPECIFIED value */
            COMMAND_UNSPECIFIED = 0,

            /** Server -> client: an ErrorFrame answering a frame that could not be handled. */
            COMMAND_ERROR = 1,

            /** RegisterRequest -> RegisterResponse. Allowed before login. */
            COMMAND_REGISTER = 2,

            /** AuthRequest -> AuthResponse. The first frame of a long connection (or REGISTER first). */
            COMMAND_AUTH = 3,

            /**
             * PingRequest -> PongResponse. The heartbeat; any frame also counts as activity.
             * Over HTTP it checks a session token. On a logged-in long connection a ping is answered at
             * once, even while an earlier request is still being answered (its pong may come first):
             * clients probe a link with it.
             */
            COMMAND_PING = 4,

            /** SendMessageRequest -> SendMessageResponse. */
            COMMAND_SEND_MESSAGE = 5,

            /** SyncRequest -> SyncResponse. */
            COMMAND_SYNC = 6,

            /** Server -> client (request_id 0): a Push with one new change of the user's log. */
            COMMAND_PUSH = 7,

            /**
             * 8-19: sessions and devices (devices.proto).
             * LogoutRequest -> LogoutResponse: revokes this session token everywhere.
             */
            COMMAND_LOGOUT = 8,

            /** Server -> client (request_id 0): a Kicked, just before the server closes the connection. */
            COMMAND_KICKED = 9,

            /** ListDevicesRequest -> ListDevicesResponse. */
            COMMAND_LIST_DEVICES = 10,

            /**
             * PollRequest -> SyncResponse: a sync that waits (long polling), for clients on short
             * connections only: it answers as soon as the log grows past the cursor, or empty at the timeout.
             */
            COMMAND_POLL = 11,

            /** RegisterPushRequest -> RegisterPushResponse: this session's push address (notify.proto). */
            COMMAND_REGISTER_PUSH = 12,

            /** UnregisterPushRequest -> UnregisterPushResponse. */
            COMMAND_UNREGISTER_PUSH = 13,

            /** ChangePasswordRequest -> ChangePasswordResponse (devices.proto). */
            COMMAND_CHANGE_PASSWORD = 14,

            /**
             * 20-29: contacts (contacts.proto).
             * FriendRequestRequest -> FriendRequestResponse.
             */
            COMMAND_FRIEND_REQUEST = 20,

            /** FriendRespondRequest -> FriendRespondResponse: accept or decline. */
            COMMAND_FRIEND_RESPOND = 21,

            /** ListContactsRequest -> ListContactsResponse. */
            COMMAND_LIST_CONTACTS = 22,

            /** RemoveContactRequest -> RemoveContactResponse. */
            COMMAND_REMOVE_CONTACT = 23,

            /**
             * 30-39: profiles and avatars (profile.proto).
             * GetProfileRequest -> GetProfileResponse.
             */
            COMMAND_GET_PROFILE = 30,

            /** SetProfileRequest -> SetProfileResponse. */
            COMMAND_SET_PROFILE = 31,

            /** SetAvatarRequest -> SetAvatarResponse (also POST /avatars over HTTP, see profile.proto). */
            COMMAND_SET_AVATAR = 32,

            /** 40-49: groups (groups.proto). */
            COMMAND_CREATE_GROUP = 40,

            /** COMMAND_ADD_MEMBERS value */
            COMMAND_ADD_MEMBERS = 41,

            /** COMMAND_REMOVE_MEMBER value */
            COMMAND_REMOVE_MEMBER = 42,

            /** COMMAND_LEAVE_GROUP value */
            COMMAND_LEAVE_GROUP = 43,

            /** COMMAND_RENAME_GROUP value */
            COMMAND_RENAME_GROUP = 44,

            /** COMMAND_LIST_MEMBERS value */
            COMMAND_LIST_MEMBERS = 45,

            /** Read-diffusion groups: a page of the group's own log after a cursor. */
            COMMAND_SYNC_GROUP = 46,

            /** The owner changes the group's settings (GroupSettings). */
            COMMAND_SET_GROUP_SETTINGS = 47,

            /** 50-59: message state (sync.proto): recall, read receipts, unread counts. */
            COMMAND_RECALL_MESSAGE = 50,

            /** COMMAND_MARK_READ value */
            COMMAND_MARK_READ = 51,

            /** COMMAND_UNREAD_COUNTS value */
            COMMAND_UNREAD_COUNTS = 52,

            /**
             * 60-69: moments (moments.proto).
             * PostMomentRequest -> PostMomentResponse.
             */
            COMMAND_POST_MOMENT = 60,

            /** ListFeedRequest -> ListFeedResponse. */
            COMMAND_LIST_FEED = 61,

            /** CommentMomentRequest -> CommentMomentResponse. */
            COMMAND_COMMENT_MOMENT = 62,

            /** LikeMomentRequest -> LikeMomentResponse. */
            COMMAND_LIKE_MOMENT = 63,

            /** 70-79: client log reports (logs.proto). */
            COMMAND_UPLOAD_LOG = 70,

            /** 80-89: media uploads (media.proto). */
            COMMAND_UPLOAD_INIT = 80,

            /** COMMAND_UPLOAD_CHUNK value */
            COMMAND_UPLOAD_CHUNK = 81,

            /** COMMAND_UPLOAD_COMPLETE value */
            COMMAND_UPLOAD_COMPLETE = 82,

            /** COMMAND_MEDIA_INFO value */
            COMMAND_MEDIA_INFO = 83,

            /**
             * 90-99: connection routing (routes.proto).
             * RouteListRequest -> RouteListResponse. Allowed before login.
             */
            COMMAND_ROUTE_LIST = 90,

            /** ReportConnectTimesRequest -> ReportConnectTimesResponse. */
            COMMAND_REPORT_CONNECT_TIMES = 91
        }

        /** Numeric status codes carried in BaseResponse.code and ErrorFrame.code. */
        enum StatusCode {

            /** OK value */
            OK = 0,

            /** 1xxx: the frame or request is malformed; retrying the same bytes will fail again. */
            BAD_REQUEST = 1000,

            /** the command id is not one this server knows */
            UNKNOWN_COMMAND = 1001,

            /** the frame exceeds the server's maximum; the connection is closed */
            FRAME_TOO_LARGE = 1002,

            /** the frame version is not supported; the connection is closed */
            UNSUPPORTED_VERSION = 1003,

            /** the command needs a login first */
            NOT_LOGGED_IN = 1004,

            /** a second AUTH on a logged-in connection */
            ALREADY_LOGGED_IN = 1005,

            /** 2xxx: accounts and sessions. */
            WRONG_CREDENTIALS = 2001,

            /** REGISTER with a user id that is taken */
            USER_EXISTS = 2002,

            /** the resume token is unknown, expired or revoked */
            INVALID_TOKEN = 2003,

            /** the user id does not match [A-Za-z0-9_.-]{1,64} */
            INVALID_USER_ID = 2004,

            /** the user's home is another data centre (IDC): the message names it, */
            WRONG_IDC = 2005,

            /** 3xxx: messaging. */
            RECIPIENT_NOT_FOUND = 3001,

            /** the message, request, group or moment named does not exist */
            NOT_FOUND = 3002,

            /** the request acts on another user's data */
            FORBIDDEN = 3003,

            /** the group does not have the caller (or the named user) as a member */
            NOT_A_MEMBER = 3004,

            /** the action needs the two users to be contacts */
            NOT_A_CONTACT = 3005,

            /** the message is older than the recall window */
            RECALL_WINDOW_PASSED = 3006,

            /** the request contradicts the current state (already friends, ...) */
            CONFLICT = 3007,

            /** an upload (avatar, log) exceeds its maximum size */
            TOO_LARGE = 3008,

            /** this device was logged out or kicked (see Kicked.reason) */
            LOGGED_OUT = 3009,

            /** a hook of the application refused the request (moderation, bans) */
            REJECTED = 3010,

            /** 4xxx: load. */
            RATE_LIMITED = 4029,

            /** 5xxx: the server failed; the request may be retried with the same ids. */
            INTERNAL = 5000,

            /** the owning actor could not be reached in time, or storage did not answer (Redis down); retry */
            UNAVAILABLE = 5003
        }

        /**
         * Properties of a BaseRequest.
         * @deprecated Use weft.v1.BaseRequest.$Properties instead.
         */
        interface IBaseRequest extends weft.v1.BaseRequest.$Properties {
        }

        /**
         * Carried by requests that need a login, as field 15. On a long connection the connection's
         * login already says who is asking and this may be left empty; on the short connection (HTTP)
         * it is required: the session token travels here, never in the URL.
         */
        class BaseRequest {

            /** Reflection-backed declarations are not constructable. Use BaseRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** BaseRequest userId. */
            userId: string;

            /** BaseRequest sessionToken. */
            sessionToken: string;

            /** BaseRequest deviceId. */
            deviceId: string;
        }

        namespace BaseRequest {

            /** Properties of a BaseRequest. */
            interface $Properties {

                /** BaseRequest userId */
                userId?: string;

                /** BaseRequest sessionToken */
                sessionToken?: string;

                /** BaseRequest deviceId */
                deviceId?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a BaseRequest. */
            type $Shape = weft.v1.BaseRequest.$Properties;
        }

        /**
         * Properties of a BaseResponse.
         * @deprecated Use weft.v1.BaseResponse.$Properties instead.
         */
        interface IBaseResponse extends weft.v1.BaseResponse.$Properties {
        }

        /** Carried in every response body as field 1. */
        class BaseResponse {

            /** Reflection-backed declarations are not constructable. Use BaseResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** BaseResponse code. */
            code: weft.v1.StatusCode;

            /** BaseResponse message. */
            message: string;
        }

        namespace BaseResponse {

            /** Properties of a BaseResponse. */
            interface $Properties {

                /** BaseResponse code */
                code?: weft.v1.StatusCode;

                /** BaseResponse message */
                message?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a BaseResponse. */
            type $Shape = weft.v1.BaseResponse.$Properties;
        }

        /**
         * Properties of an ErrorFrame.
         * @deprecated Use weft.v1.ErrorFrame.$Properties instead.
         */
        interface IErrorFrame extends weft.v1.ErrorFrame.$Properties {
        }

        /** Body of COMMAND_ERROR frames. */
        class ErrorFrame {

            /** Reflection-backed declarations are not constructable. Use ErrorFrame.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ErrorFrame code. */
            code: weft.v1.StatusCode;

            /** ErrorFrame message. */
            message: string;

            /** The command id of the frame this error answers (0 if it could not be read). */
            command: number;
        }

        namespace ErrorFrame {

            /** Properties of an ErrorFrame. */
            interface $Properties {

                /** ErrorFrame code */
                code?: weft.v1.StatusCode;

                /** ErrorFrame message */
                message?: string;

                /** The command id of the frame this error answers (0 if it could not be read). */
                command?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an ErrorFrame. */
            type $Shape = weft.v1.ErrorFrame.$Properties;
        }

        /** Platform enum. */
        enum Platform {

            /** PLATFORM_UNSPECIFIED value */
            PLATFORM_UNSPECIFIED = 0,

            /** PLATFORM_IOS value */
            PLATFORM_IOS = 1,

            /** PLATFORM_ANDROID value */
            PLATFORM_ANDROID = 2,

            /** PLATFORM_WEB value */
            PLATFORM_WEB = 3,

            /** PLATFORM_DESKTOP value */
            PLATFORM_DESKTOP = 4,

            /** PLATFORM_CLI value */
            PLATFORM_CLI = 5
        }

        /**
         * Properties of a Device.
         * @deprecated Use weft.v1.Device.$Properties instead.
         */
        interface IDevice extends weft.v1.Device.$Properties {
        }

        /** Represents a Device. */
        class Device {

            /** Reflection-backed declarations are not constructable. Use Device.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Stable per installation, chosen by the client (1..64 characters). */
            deviceId: string;

            /** Device platform. */
            platform: weft.v1.Platform;

            /** Device name. */
            name: string;
        }

        namespace Device {

            /** Properties of a Device. */
            interface $Properties {

                /** Stable per installation, chosen by the client (1..64 characters). */
                deviceId?: string;

                /** Device platform */
                platform?: weft.v1.Platform;

                /** Device name */
                name?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Device. */
            type $Shape = weft.v1.Device.$Properties;
        }

        /** Transport enum. */
        enum Transport {

            /** TRANSPORT_UNSPECIFIED value */
            TRANSPORT_UNSPECIFIED = 0,

            /** The long connection: frames over TCP. */
            TRANSPORT_TCP = 1,

            /** The same frames as binary WebSocket messages, GET /ws on an HTTP port. */
            TRANSPORT_WS = 2,

            /** Short connections only: POST /cgi-bin/<command>, pushes by long polling (COMMAND_POLL). */
            TRANSPORT_HTTP = 3
        }

        /**
         * Properties of an Endpoint.
         * @deprecated Use weft.v1.Endpoint.$Properties instead.
         */
        interface IEndpoint extends weft.v1.Endpoint.$Properties {
        }

        /** Represents an Endpoint. */
        class Endpoint {

            /** Reflection-backed declarations are not constructable. Use Endpoint.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Endpoint address. */
            address: string;

            /** Endpoint port. */
            port: number;

            /** Endpoint transport. */
            transport: weft.v1.Transport;

            /** Higher is better; 1..1000. Reflects the connect times clients reported for this endpoint. */
            weight: number;
        }

        namespace Endpoint {

            /** Properties of an Endpoint. */
            interface $Properties {

                /** Endpoint address */
                address?: string;

                /** Endpoint port */
                port?: number;

                /** Endpoint transport */
                transport?: weft.v1.Transport;

                /** Higher is better; 1..1000. Reflects the connect times clients reported for this endpoint. */
                weight?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Endpoint. */
            type $Shape = weft.v1.Endpoint.$Properties;
        }

        /**
         * Properties of a RouteListRequest.
         * @deprecated Use weft.v1.RouteListRequest.$Properties instead.
         */
        interface IRouteListRequest extends weft.v1.RouteListRequest.$Properties {
        }

        /**
         * COMMAND_ROUTE_LIST: allowed before login, on every transport (a client asks for it while it
         * looks for a way in). The answer is ordered best first.
         */
        class RouteListRequest {

            /** Reflection-backed declarations are not constructable. Use RouteListRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RouteListRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace RouteListRequest {

            /** Properties of a RouteListRequest. */
            interface $Properties {

                /** RouteListRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RouteListRequest. */
            type $Shape = weft.v1.RouteListRequest.$Properties;
        }

        /**
         * Properties of a RouteListResponse.
         * @deprecated Use weft.v1.RouteListResponse.$Properties instead.
         */
        interface IRouteListResponse extends weft.v1.RouteListResponse.$Properties {
        }

        /** Represents a RouteListResponse. */
        class RouteListResponse {

            /** Reflection-backed declarations are not constructable. Use RouteListResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RouteListResponse base. */
            base: weft.v1.BaseResponse;

            /** RouteListResponse endpoints. */
            endpoints: weft.v1.Endpoint[];

            /**
             * Changes whenever the list or its ranking changes; a client sends the version it holds in
             * AuthRequest.route_list_version and gets the list back with its login only if it changed.
             */
            routeListVersion: number;
        }

        namespace RouteListResponse {

            /** Properties of a RouteListResponse. */
            interface $Properties {

                /** RouteListResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** RouteListResponse endpoints */
                endpoints?: weft.v1.Endpoint.$Properties[];

                /**
                 * Changes whenever the list or its ranking changes; a client sends the version it holds in
                 * AuthRequest.route_list_version and gets the list back with its login only if it changed.
                 */
                routeListVersion?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RouteListResponse. */
            type $Shape = weft.v1.RouteListResponse.$Properties;
        }

        /**
         * Properties of a ConnectTime.
         * @deprecated Use weft.v1.ConnectTime.$Properties instead.
         */
        interface IConnectTime extends weft.v1.ConnectTime.$Properties {
        }

        /**
         * One measurement: how long connecting (transport open plus one round trip) took, or that it
         * failed.
         */
        class ConnectTime {

            /** Reflection-backed declarations are not constructable. Use ConnectTime.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ConnectTime address. */
            address: string;

            /** ConnectTime port. */
            port: number;

            /** ConnectTime transport. */
            transport: weft.v1.Transport;

            /** 0..120000. */
            connectMs: number;

            /** ConnectTime failed. */
            failed: boolean;
        }

        namespace ConnectTime {

            /** Properties of a ConnectTime. */
            interface $Properties {

                /** ConnectTime address */
                address?: string;

                /** ConnectTime port */
                port?: number;

                /** ConnectTime transport */
                transport?: weft.v1.Transport;

                /** 0..120000. */
                connectMs?: number;

                /** ConnectTime failed */
                failed?: boolean;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ConnectTime. */
            type $Shape = weft.v1.ConnectTime.$Properties;
        }

        /**
         * Properties of a ReportConnectTimesRequest.
         * @deprecated Use weft.v1.ReportConnectTimesRequest.$Properties instead.
         */
        interface IReportConnectTimesRequest extends weft.v1.ReportConnectTimesRequest.$Properties {
        }

        /**
         * COMMAND_REPORT_CONNECT_TIMES: needs a login. Sent by the SDK when idle.
         * Errors: BAD_REQUEST (more than 32 measurements, a transport that is not TCP, WS or HTTP, or a
         * connect_ms above 120000). Measurements of endpoints this server does not list are ignored and
         * counted in `ignored`.
         */
        class ReportConnectTimesRequest {

            /** Reflection-backed declarations are not constructable. Use ReportConnectTimesRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ReportConnectTimesRequest times. */
            times: weft.v1.ConnectTime[];

            /** ReportConnectTimesRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace ReportConnectTimesRequest {

            /** Properties of a ReportConnectTimesRequest. */
            interface $Properties {

                /** ReportConnectTimesRequest times */
                times?: weft.v1.ConnectTime.$Properties[];

                /** ReportConnectTimesRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ReportConnectTimesRequest. */
            type $Shape = weft.v1.ReportConnectTimesRequest.$Properties;
        }

        /**
         * Properties of a ReportConnectTimesResponse.
         * @deprecated Use weft.v1.ReportConnectTimesResponse.$Properties instead.
         */
        interface IReportConnectTimesResponse extends weft.v1.ReportConnectTimesResponse.$Properties {
        }

        /** Represents a ReportConnectTimesResponse. */
        class ReportConnectTimesResponse {

            /** Reflection-backed declarations are not constructable. Use ReportConnectTimesResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ReportConnectTimesResponse base. */
            base: weft.v1.BaseResponse;

            /** ReportConnectTimesResponse accepted. */
            accepted: number;

            /** ReportConnectTimesResponse ignored. */
            ignored: number;
        }

        namespace ReportConnectTimesResponse {

            /** Properties of a ReportConnectTimesResponse. */
            interface $Properties {

                /** ReportConnectTimesResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** ReportConnectTimesResponse accepted */
                accepted?: number;

                /** ReportConnectTimesResponse ignored */
                ignored?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ReportConnectTimesResponse. */
            type $Shape = weft.v1.ReportConnectTimesResponse.$Properties;
        }

        /**
         * What a message carries. TEXT has text only; the others carry a Media reference (and may
         * have a caption in text).
         */
        enum MessageType {

            /** MESSAGE_TYPE_TEXT value */
            MESSAGE_TYPE_TEXT = 0,

            /** MESSAGE_TYPE_IMAGE value */
            MESSAGE_TYPE_IMAGE = 1,

            /** MESSAGE_TYPE_VOICE value */
            MESSAGE_TYPE_VOICE = 2,

            /** MESSAGE_TYPE_VIDEO value */
            MESSAGE_TYPE_VIDEO = 3,

            /** MESSAGE_TYPE_FILE value */
            MESSAGE_TYPE_FILE = 4,

            /**
             * A notice from the app's server (the admin API), not from a user: `from` is "@system" (no
             * user id can have an "@"), text only. Clients show it as the system's; nobody can answer it
             * or recall it.
             */
            MESSAGE_TYPE_SYSTEM = 5
        }

        /**
         * Properties of a Media.
         * @deprecated Use weft.v1.Media.$Properties instead.
         */
        interface IMedia extends weft.v1.Media.$Properties {
        }

        /**
         * A reference to uploaded media, carried by IMAGE, VOICE, VIDEO and FILE messages. The ids are
         * opaque to messaging (the media service issues them); the server checks their sizes only.
         */
        class Media {

            /** Reflection-backed declarations are not constructable. Use Media.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** 1..128 characters. */
            mediaId: string;

            /** 1..128 characters, e.g. "image/jpeg". */
            mimeType: string;

            /** The size of the media in bytes: 1..2^53-1. */
            size: number;

            /** Optional (empty: none), at most 128 characters: the media id of a thumbnail (images, video). */
            thumbnailMediaId: string;

            /** Optional (0: none): the length of a voice or video message, at most 24 hours. */
            durationMs: number;

            /** Optional (empty: none), at most 255 characters: the file's name (FILE messages). */
            fileName: string;
        }

        namespace Media {

            /** Properties of a Media. */
            interface $Properties {

                /** 1..128 characters. */
                mediaId?: string;

                /** 1..128 characters, e.g. "image/jpeg". */
                mimeType?: string;

                /** The size of the media in bytes: 1..2^53-1. */
                size?: number;

                /** Optional (empty: none), at most 128 characters: the media id of a thumbnail (images, video). */
                thumbnailMediaId?: string;

                /** Optional (0: none): the length of a voice or video message, at most 24 hours. */
                durationMs?: number;

                /** Optional (empty: none), at most 255 characters: the file's name (FILE messages). */
                fileName?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Media. */
            type $Shape = weft.v1.Media.$Properties;
        }

        /**
         * Properties of a Message.
         * @deprecated Use weft.v1.Message.$Properties instead.
         */
        interface IMessage extends weft.v1.Message.$Properties {
        }

        /**
         * A chat message as stored in the logs that hold it: the sender's and the recipient's (1:1),
         * or the log of every member of the group (group_id set, `to` empty).
         */
        class Message {

            /** Reflection-backed declarations are not constructable. Use Message.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Server-assigned, unique: "<from>/<client_msg_id>". */
            messageId: string;

            /** Message from. */
            from: string;

            /** The recipient of a 1:1 message; empty for a group message. */
            to: string;

            /** Message type. */
            type: weft.v1.MessageType;

            /** TEXT: the text (1..4096 characters). Other types: an optional caption (0..4096). */
            text: string;

            /** The sender's id for the message; a resend with the same id is not duplicated. */
            clientMsgId: string;

            /** Message sentAtMs. */
            sentAtMs: number;

            /** The group of a group message; empty for a 1:1 message. */
            groupId: string;

            /** Set for IMAGE, VOICE, VIDEO and FILE messages; unset for TEXT. */
            media: weft.v1.Media;

            /**
             * Group messages: the members the message mentions (@user), at most 50. In a read-diffusion
             * group the message is also written into their logs (so it counts and notifies like a direct
             * message).
             */
            mentions: string[];

            /**
             * Group messages: the message_id of the message this one answers; its sender is treated as
             * mentioned.
             */
            replyTo: string;
        }

        namespace Message {

            /** Properties of a Message. */
            interface $Properties {

                /** Server-assigned, unique: "<from>/<client_msg_id>". */
                messageId?: string;

                /** Message from */
                from?: string;

                /** The recipient of a 1:1 message; empty for a group message. */
                to?: string;

                /** Message type */
                type?: weft.v1.MessageType;

                /** TEXT: the text (1..4096 characters). Other types: an optional caption (0..4096). */
                text?: string;

                /** The sender's id for the message; a resend with the same id is not duplicated. */
                clientMsgId?: string;

                /** Message sentAtMs */
                sentAtMs?: number;

                /** The group of a group message; empty for a 1:1 message. */
                groupId?: string;

                /** Set for IMAGE, VOICE, VIDEO and FILE messages; unset for TEXT. */
                media?: weft.v1.Media.$Properties;

                /**
                 * Group messages: the members the message mentions (@user), at most 50. In a read-diffusion
                 * group the message is also written into their logs (so it counts and notifies like a direct
                 * message).
                 */
                mentions?: string[];

                /**
                 * Group messages: the message_id of the message this one answers; its sender is treated as
                 * mentioned.
                 */
                replyTo?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Message. */
            type $Shape = weft.v1.Message.$Properties;
        }

        /**
         * Properties of a Change.
         * @deprecated Use weft.v1.Change.$Properties instead.
         */
        interface IChange extends weft.v1.Change.$Properties {
        }

        /** One entry of a user's change log. */
        class Change {

            /** Reflection-backed declarations are not constructable. Use Change.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Change seq. */
            seq: number;

            /** Change atMs. */
            atMs: number;

            /** Change message. */
            message: (weft.v1.Message|null);

            /** Change recalled. */
            recalled: (weft.v1.MessageRecalled|null);

            /** Change read. */
            read: (weft.v1.ReadReceipt|null);

            /** Change device. */
            device: (weft.v1.DeviceEvent|null);

            /** Change contact. */
            contact: (weft.v1.ContactEvent|null);

            /** Change profile. */
            profile: (weft.v1.ProfileChanged|null);

            /** Change group. */
            group: (weft.v1.GroupEvent|null);

            /** Change groupNews. */
            groupNews: (weft.v1.GroupNews|null);

            /** Change moment. */
            moment: (weft.v1.MomentEvent|null);

            /** Change mediaReady. */
            mediaReady: (weft.v1.MediaReady|null);

            /** Change app. */
            app: (weft.v1.AppEvent|null);

            /** Change body. */
            body?: ("message"|"recalled"|"read"|"device"|"contact"|"profile"|"group"|"groupNews"|"moment"|"mediaReady"|"app");
        }

        namespace Change {

            /** Properties of a Change. */
            interface $Properties {

                /** Change seq */
                seq?: number;

                /** Change atMs */
                atMs?: number;

                /** Change message */
                message?: (weft.v1.Message.$Properties|null);

                /** Change recalled */
                recalled?: (weft.v1.MessageRecalled.$Properties|null);

                /** Change read */
                read?: (weft.v1.ReadReceipt.$Properties|null);

                /** Change device */
                device?: (weft.v1.DeviceEvent.$Properties|null);

                /** Change contact */
                contact?: (weft.v1.ContactEvent.$Properties|null);

                /** Change profile */
                profile?: (weft.v1.ProfileChanged.$Properties|null);

                /** Change group */
                group?: (weft.v1.GroupEvent.$Properties|null);

                /** Change groupNews */
                groupNews?: (weft.v1.GroupNews.$Properties|null);

                /** Change moment */
                moment?: (weft.v1.MomentEvent.$Properties|null);

                /** Change mediaReady */
                mediaReady?: (weft.v1.MediaReady.$Properties|null);

                /** Change app */
                app?: (weft.v1.AppEvent.$Properties|null);

                /** Change body */
                body?: ("message"|"recalled"|"read"|"device"|"contact"|"profile"|"group"|"groupNews"|"moment"|"mediaReady"|"app");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a Change. */
            type $Shape = {
              seq?: number;
              atMs?: number;
              message?: weft.v1.Message.$Shape|null;
              recalled?: weft.v1.MessageRecalled.$Shape|null;
              read?: weft.v1.ReadReceipt.$Shape|null;
              device?: weft.v1.DeviceEvent.$Shape|null;
              contact?: weft.v1.ContactEvent.$Shape|null;
              profile?: weft.v1.ProfileChanged.$Shape|null;
              group?: weft.v1.GroupEvent.$Shape|null;
              groupNews?: weft.v1.GroupNews.$Shape|null;
              moment?: weft.v1.MomentEvent.$Shape|null;
              mediaReady?: weft.v1.MediaReady.$Shape|null;
              app?: weft.v1.AppEvent.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ body?: undefined; message?: null; recalled?: null; read?: null; device?: null; contact?: null; profile?: null; group?: null; groupNews?: null; moment?: null; mediaReady?: null; app?: null }|{ body?: "message"; message: weft.v1.Message.$Shape; recalled?: null; read?: null; device?: null; contact?: null; profile?: null; group?: null; groupNews?: null; moment?: null; mediaReady?: null; app?: null }|{ body?: "recalled"; message?: null; recalled: weft.v1.MessageRecalled.$Shape; read?: null; device?: null; contact?: null; profile?: null; group?: null; groupNews?: null; moment?: null; mediaReady?: null; app?: null }|{ body?: "read"; message?: null; recalled?: null; read: weft.v1.ReadReceipt.$Shape; device?: null; contact?: null; profile?: null; group?: null; groupNews?: null; moment?: null; mediaReady?: null; app?: null }|{ body?: "device"; message?: null; recalled?: null; read?: null; device: weft.v1.DeviceEvent.$Shape; contact?: null; profile?: null; group?: null; groupNews?: null; moment?: null; mediaReady?: null; app?: null }|{ body?: "contact"; message?: null; recalled?: null; read?: null; device?: null; contact: weft.v1.ContactEvent.$Shape; profile?: null; group?: null; groupNews?: null; moment?: null; mediaReady?: null; app?: null }|{ body?: "profile"; message?: null; recalled?: null; read?: null; device?: null; contact?: null; profile: weft.v1.ProfileChanged.$Shape; group?: null; groupNews?: null; moment?: null; mediaReady?: null; app?: null }|{ body?: "group"; message?: null; recalled?: null; read?: null; device?: null; contact?: null; profile?: null; group: weft.v1.GroupEvent.$Shape; groupNews?: null; moment?: null; mediaReady?: null; app?: null }|{ body?: "groupNews"; message?: null; recalled?: null; read?: null; device?: null; contact?: null; profile?: null; group?: null; groupNews: weft.v1.GroupNews.$Shape; moment?: null; mediaReady?: null; app?: null }|{ body?: "moment"; message?: null; recalled?: null; read?: null; device?: null; contact?: null; profile?: null; group?: null; groupNews?: null; moment: weft.v1.MomentEvent.$Shape; mediaReady?: null; app?: null }|{ body?: "mediaReady"; message?: null; recalled?: null; read?: null; device?: null; contact?: null; profile?: null; group?: null; groupNews?: null; moment?: null; mediaReady: weft.v1.MediaReady.$Shape; app?: null }|{ body?: "app"; message?: null; recalled?: null; read?: null; device?: null; contact?: null; profile?: null; group?: null; groupNews?: null; moment?: null; mediaReady?: null; app: weft.v1.AppEvent.$Shape })
            );
        }

        /**
         * Properties of an AppEvent.
         * @deprecated Use weft.v1.AppEvent.$Properties instead.
         */
        interface IAppEvent extends weft.v1.AppEvent.$Properties {
        }

        /**
         * An event of an application's own feature (a server-side extension, docs/framework.md),
         * appended to a user's log by the feature's actor so that it syncs like messages. Clients that
         * do not know the type keep it in their cursor and skip it.
         */
        class AppEvent {

            /** Reflection-backed declarations are not constructable. Use AppEvent.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * The feature's name for the event; by convention the full protobuf name of the payload's
             * type, e.g. "roll.v1.Rolled".
             */
            type: string;

            /** The event, encoded as the feature defines (protobuf of `type`, JSON, ...); at most 64 KiB. */
            payload: Uint8Array;

            /** The user or feature the event comes from (may be empty). */
            from: string;
        }

        namespace AppEvent {

            /** Properties of an AppEvent. */
            interface $Properties {

                /**
                 * The feature's name for the event; by convention the full protobuf name of the payload's
                 * type, e.g. "roll.v1.Rolled".
                 */
                type?: string;

                /** The event, encoded as the feature defines (protobuf of `type`, JSON, ...); at most 64 KiB. */
                payload?: Uint8Array;

                /** The user or feature the event comes from (may be empty). */
                from?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an AppEvent. */
            type $Shape = weft.v1.AppEvent.$Properties;
        }

        /**
         * Properties of a MessageRecalled.
         * @deprecated Use weft.v1.MessageRecalled.$Properties instead.
         */
        interface IMessageRecalled extends weft.v1.MessageRecalled.$Properties {
        }

        /**
         * A message was recalled by its sender (COMMAND_RECALL_MESSAGE): clients hide it; it stops
         * counting as unread. Appended to every log that holds the message: the sender's and the
         * recipient's (1:1), or those of the group's members that received it and are still members.
         */
        class MessageRecalled {

            /** Reflection-backed declarations are not constructable. Use MessageRecalled.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** The Message.message_id of the recalled message. */
            messageId: string;

            /** The recalled message's sender (who recalled it). */
            from: string;

            /** The recalled message's recipient (1:1); empty for a group message. */
            to: string;

            /** The recalled message's group; empty for a 1:1 message. */
            groupId: string;

            /** MessageRecalled recalledAtMs. */
            recalledAtMs: number;
        }

        namespace MessageRecalled {

            /** Properties of a MessageRecalled. */
            interface $Properties {

                /** The Message.message_id of the recalled message. */
                messageId?: string;

                /** The recalled message's sender (who recalled it). */
                from?: string;

                /** The recalled message's recipient (1:1); empty for a group message. */
                to?: string;

                /** The recalled message's group; empty for a 1:1 message. */
                groupId?: string;

                /** MessageRecalled recalledAtMs */
                recalledAtMs?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MessageRecalled. */
            type $Shape = weft.v1.MessageRecalled.$Properties;
        }

        /**
         * Properties of a ReadReceipt.
         * @deprecated Use weft.v1.ReadReceipt.$Properties instead.
         */
        interface IReadReceipt extends weft.v1.ReadReceipt.$Properties {
        }

        /**
         * The reader has read a conversation up to a message (COMMAND_MARK_READ). Appended to the
         * reader's own log (so the reader's other devices learn it) and, for a 1:1 conversation, to
         * the log of the other user, the sender of the messages read (so the sender's devices learn it).
         */
        class ReadReceipt {

            /** Reflection-backed declarations are not constructable. Use ReadReceipt.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Who read. */
            reader: string;

            /**
             * For a 1:1 conversation: the other user of the conversation as the reader sees it (the
             * sender of the messages read). Empty for a group.
             */
            peer: string;

            /** For a group conversation: the group. Empty for 1:1. */
            groupId: string;

            /** The newest message of the conversation that is now read; every earlier one is read too. */
            messageId: string;

            /**
             * In the reader's own log: the conversation is read up to this sequence (inclusive).
             * 0 in the copy in the sender's log (it is a position in the reader's log).
             * 0 for a read-diffusion group (see group_seq).
             */
            readerSeq: number;

            /** ReadReceipt readAtMs. */
            readAtMs: number;

            /** A read-diffusion group: the group's log is read up to this sequence (inclusive). */
            groupSeq: number;
        }

        namespace ReadReceipt {

            /** Properties of a ReadReceipt. */
            interface $Properties {

                /** Who read. */
                reader?: string;

                /**
                 * For a 1:1 conversation: the other user of the conversation as the reader sees it (the
                 * sender of the messages read). Empty for a group.
                 */
                peer?: string;

                /** For a group conversation: the group. Empty for 1:1. */
                groupId?: string;

                /** The newest message of the conversation that is now read; every earlier one is read too. */
                messageId?: string;

                /**
                 * In the reader's own log: the conversation is read up to this sequence (inclusive).
                 * 0 in the copy in the sender's log (it is a position in the reader's log).
                 * 0 for a read-diffusion group (see group_seq).
                 */
                readerSeq?: number;

                /** ReadReceipt readAtMs */
                readAtMs?: number;

                /** A read-diffusion group: the group's log is read up to this sequence (inclusive). */
                groupSeq?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ReadReceipt. */
            type $Shape = weft.v1.ReadReceipt.$Properties;
        }

        /**
         * Properties of a SyncRequest.
         * @deprecated Use weft.v1.SyncRequest.$Properties instead.
         */
        interface ISyncRequest extends weft.v1.SyncRequest.$Properties {
        }

        /** Represents a SyncRequest. */
        class SyncRequest {

            /** Reflection-backed declarations are not constructable. Use SyncRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** The highest sequence the device has applied; 0 for everything. */
            cursor: number;

            /** Page size; the server caps it (and uses its default when 0). */
            limit: number;

            /** SyncRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace SyncRequest {

            /** Properties of a SyncRequest. */
            interface $Properties {

                /** The highest sequence the device has applied; 0 for everything. */
                cursor?: number;

                /** Page size; the server caps it (and uses its default when 0). */
                limit?: number;

                /** SyncRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SyncRequest. */
            type $Shape = weft.v1.SyncRequest.$Properties;
        }

        /**
         * Properties of a SyncResponse.
         * @deprecated Use weft.v1.SyncResponse.$Properties instead.
         */
        interface ISyncResponse extends weft.v1.SyncResponse.$Properties {
        }

        /** Represents a SyncResponse. */
        class SyncResponse {

            /** Reflection-backed declarations are not constructable. Use SyncResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SyncResponse base. */
            base: weft.v1.BaseResponse;

            /** In sequence order, all with seq > the request's cursor. */
            changes: weft.v1.Change[];

            /** The cursor to send next: the seq of the last change returned (or the request's cursor). */
            cursor: number;

            /** True if more changes follow: call SYNC again with the new cursor. */
            more: boolean;

            /** Changes when the log's history was lost or trimmed: reload from cursor 0. */
            epoch: string;
        }

        namespace SyncResponse {

            /** Properties of a SyncResponse. */
            interface $Properties {

                /** SyncResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** In sequence order, all with seq > the request's cursor. */
                changes?: weft.v1.Change.$Properties[];

                /** The cursor to send next: the seq of the last change returned (or the request's cursor). */
                cursor?: number;

                /** True if more changes follow: call SYNC again with the new cursor. */
                more?: boolean;

                /** Changes when the log's history was lost or trimmed: reload from cursor 0. */
                epoch?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SyncResponse. */
            type $Shape = {
              base?: weft.v1.BaseResponse.$Shape;
              changes?: weft.v1.Change.$Shape[];
              cursor?: number;
              more?: boolean;
              epoch?: string;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a PollRequest.
         * @deprecated Use weft.v1.PollRequest.$Properties instead.
         */
        interface IPollRequest extends weft.v1.PollRequest.$Properties {
        }

        /**
         * Long polling: like SyncRequest, but the answer waits until there is something after the
         * cursor, or until timeout_ms (capped by the server; 25 s when 0) passes with nothing new.
         */
        class PollRequest {

            /** Reflection-backed declarations are not constructable. Use PollRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** PollRequest cursor. */
            cursor: number;

            /** PollRequest limit. */
            limit: number;

            /** PollRequest timeoutMs. */
            timeoutMs: number;

            /** PollRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace PollRequest {

            /** Properties of a PollRequest. */
            interface $Properties {

                /** PollRequest cursor */
                cursor?: number;

                /** PollRequest limit */
                limit?: number;

                /** PollRequest timeoutMs */
                timeoutMs?: number;

                /** PollRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PollRequest. */
            type $Shape = weft.v1.PollRequest.$Properties;
        }

        /**
         * Properties of a Push.
         * @deprecated Use weft.v1.Push.$Properties instead.
         */
        interface IPush extends weft.v1.Push.$Properties {
        }

        /** Body of COMMAND_PUSH frames (request id 0). */
        class Push {

            /** Reflection-backed declarations are not constructable. Use Push.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Push change. */
            change: weft.v1.Change;

            /**
             * Empty in pushes: the epoch travels in AuthResponse and SyncResponse (a changed epoch means
             * the history is gone, which a client learns at its next login or sync). Kept so that a
             * server may set it; a client that sees a non-empty epoch different from its own must sync.
             */
            epoch: string;

            /**
             * Set when the change is an entry of this read-diffusion group's log, not of the user's: its
             * seq is a position in the group's log. A device that sees a gap calls SYNC_GROUP.
             */
            groupId: string;
        }

        namespace Push {

            /** Properties of a Push. */
            interface $Properties {

                /** Push change */
                change?: weft.v1.Change.$Properties;

                /**
                 * Empty in pushes: the epoch travels in AuthResponse and SyncResponse (a changed epoch means
                 * the history is gone, which a client learns at its next login or sync). Kept so that a
                 * server may set it; a client that sees a non-empty epoch different from its own must sync.
                 */
                epoch?: string;

                /**
                 * Set when the change is an entry of this read-diffusion group's log, not of the user's: its
                 * seq is a position in the group's log. A device that sees a gap calls SYNC_GROUP.
                 */
                groupId?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Push. */
            type $Shape = {
              change?: weft.v1.Change.$Shape;
              epoch?: string;
              groupId?: string;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a SendMessageRequest.
         * @deprecated Use weft.v1.SendMessageRequest.$Properties instead.
         */
        interface ISendMessageRequest extends weft.v1.SendMessageRequest.$Properties {
        }

        /**
         * COMMAND_SEND_MESSAGE: a 1:1 message (`to`) or a group message (`group_id`): exactly one of
         * the two. A 1:1 message is stored in the recipient's log, then in the sender's own log (the
         * sender's other devices see it). A group message is stored in the log of every member, the
         * sender included (write fan-out), or, for a read-diffusion group, once in the group's own log
         * (groups.proto). Acknowledged only once stored.
         * Errors: BAD_REQUEST (both or neither of to/group_id, sizes, a type without its media or text
         * with media), RECIPIENT_NOT_FOUND (no such user), NOT_FOUND (no such group), NOT_A_MEMBER (the
         * caller is not a member of the group), CONFLICT (client_msg_id was already used by the caller
         * for a message to another conversation).
         */
        class SendMessageRequest {

            /** Reflection-backed declarations are not constructable. Use SendMessageRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** The recipient of a 1:1 message. */
            to: string;

            /** SendMessageRequest type. */
            type: weft.v1.MessageType;

            /** TEXT: 1..4096 characters. Other types: an optional caption, 0..4096 characters. */
            text: string;

            /**
             * 1..64 characters, unique per sender: the dedupe key. A resend with the same id (after a
             * lost acknowledgement) stores nothing new, in any log, and answers with duplicate = true.
             */
            clientMsgId: string;

            /** The group of a group message. */
            groupId: string;

            /** Required for IMAGE, VOICE, VIDEO and FILE; must be unset for TEXT. */
            media: weft.v1.Media;

            /**
             * Set by a client that applies its own acknowledged message to its log itself, from this
             * request and the response (both SDKs do): the server then pushes the message to the
             * sender's other connections but not to the one that sent it — on HTTP, not to the long polls
             * of the same session. Without it, every connection of the sender gets the push, this one too.
             */
            noEcho: boolean;

            /** Group messages only: members mentioned (at most 50 user ids), see Message.mentions. */
            mentions: string[];

            /** Group messages only: the message_id answered, see Message.reply_to. */
            replyTo: string;

            /** SendMessageRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace SendMessageRequest {

            /** Properties of a SendMessageRequest. */
            interface $Properties {

                /** The recipient of a 1:1 message. */
                to?: string;

                /** SendMessageRequest type */
                type?: weft.v1.MessageType;

                /** TEXT: 1..4096 characters. Other types: an optional caption, 0..4096 characters. */
                text?: string;

                /**
                 * 1..64 characters, unique per sender: the dedupe key. A resend with the same id (after a
                 * lost acknowledgement) stores nothing new, in any log, and answers with duplicate = true.
                 */
                clientMsgId?: string;

                /** The group of a group message. */
                groupId?: string;

                /** Required for IMAGE, VOICE, VIDEO and FILE; must be unset for TEXT. */
                media?: weft.v1.Media.$Properties;

                /**
                 * Set by a client that applies its own acknowledged message to its log itself, from this
                 * request and the response (both SDKs do): the server then pushes the message to the
                 * sender's other connections but not to the one that sent it — on HTTP, not to the long polls
                 * of the same session. Without it, every connection of the sender gets the push, this one too.
                 */
                noEcho?: boolean;

                /** Group messages only: members mentioned (at most 50 user ids), see Message.mentions. */
                mentions?: string[];

                /** Group messages only: the message_id answered, see Message.reply_to. */
                replyTo?: string;

                /** SendMessageRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SendMessageRequest. */
            type $Shape = weft.v1.SendMessageRequest.$Properties;
        }

        /**
         * Properties of a SendMessageResponse.
         * @deprecated Use weft.v1.SendMessageResponse.$Properties instead.
         */
        interface ISendMessageResponse extends weft.v1.SendMessageResponse.$Properties {
        }

        /**
         * What a client with no_echo needs to apply its own message: the change in its log is
         * Change { seq, message = the request's fields with message_id, from (the caller), sent_at_ms
         * and, when set, text from here }; its at_ms is the moment of the append, a few milliseconds
         * after sent_at_ms, which a client may use in its place. Apply it only when seq is the next
         * sequence after the client's cursor and duplicate is false; otherwise a sync brings it.
         */
        class SendMessageResponse {

            /** Reflection-backed declarations are not constructable. Use SendMessageResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SendMessageResponse base. */
            base: weft.v1.BaseResponse;

            /** SendMessageResponse messageId. */
            messageId: string;

            /**
             * The sequence of the message in the sender's own log; 0 for a read-diffusion group, whose
             * messages are not written into the sender's log (see group_seq).
             */
            seq: number;

            /** SendMessageResponse sentAtMs. */
            sentAtMs: number;

            /** True if this client_msg_id had already been stored: nothing new was written. */
            duplicate: boolean;

            /** The text as stored, when it is not the request's (a beforeMessage hook rewrote it). */
            text: (string|null);

            /**
             * A read-diffusion group: the message's sequence in the group's log (a client applies its own
             * message there, as it does with seq in its own log).
             */
            groupSeq: number;
        }

        namespace SendMessageResponse {

            /** Properties of a SendMessageResponse. */
            interface $Properties {

                /** SendMessageResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** SendMessageResponse messageId */
                messageId?: string;

                /**
                 * The sequence of the message in the sender's own log; 0 for a read-diffusion group, whose
                 * messages are not written into the sender's log (see group_seq).
                 */
                seq?: number;

                /** SendMessageResponse sentAtMs */
                sentAtMs?: number;

                /** True if this client_msg_id had already been stored: nothing new was written. */
                duplicate?: boolean;

                /** The text as stored, when it is not the request's (a beforeMessage hook rewrote it). */
                text?: (string|null);

                /**
                 * A read-diffusion group: the message's sequence in the group's log (a client applies its own
                 * message there, as it does with seq in its own log).
                 */
                groupSeq?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SendMessageResponse. */
            type $Shape = weft.v1.SendMessageResponse.$Properties;
        }

        /**
         * Properties of a RecallMessageRequest.
         * @deprecated Use weft.v1.RecallMessageRequest.$Properties instead.
         */
        interface IRecallMessageRequest extends weft.v1.RecallMessageRequest.$Properties {
        }

        /**
         * COMMAND_RECALL_MESSAGE: the sender takes a message back, within the server's recall window
         * (setting features.recallWindowMs; 2 minutes by default). A MessageRecalled is appended to
         * every log that holds the message. Recalling a recalled message again answers OK with the
         * first recall's time and appends nothing new.
         * Errors: BAD_REQUEST (message_id malformed), FORBIDDEN (the message is not the caller's: only
         * its sender may recall it), NOT_FOUND (no such message of the caller, or sent too long ago to
         * be remembered), RECALL_WINDOW_PASSED (sent longer ago than the recall window), NOT_A_MEMBER
         * (a group message, and the caller has left the group since).
         */
        class RecallMessageRequest {

            /** Reflection-backed declarations are not constructable. Use RecallMessageRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Message.message_id: "<caller>/<client_msg_id>". */
            messageId: string;

            /** RecallMessageRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace RecallMessageRequest {

            /** Properties of a RecallMessageRequest. */
            interface $Properties {

                /** Message.message_id: "<caller>/<client_msg_id>". */
                messageId?: string;

                /** RecallMessageRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RecallMessageRequest. */
            type $Shape = weft.v1.RecallMessageRequest.$Properties;
        }

        /**
         * Properties of a RecallMessageResponse.
         * @deprecated Use weft.v1.RecallMessageResponse.$Properties instead.
         */
        interface IRecallMessageResponse extends weft.v1.RecallMessageResponse.$Properties {
        }

        /** Represents a RecallMessageResponse. */
        class RecallMessageResponse {

            /** Reflection-backed declarations are not constructable. Use RecallMessageResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RecallMessageResponse base. */
            base: weft.v1.BaseResponse;

            /**
             * The sequence of the MessageRecalled in the caller's own log; for a read-diffusion group, in
             * the group's log.
             */
            seq: number;

            /** RecallMessageResponse recalledAtMs. */
            recalledAtMs: number;
        }

        namespace RecallMessageResponse {

            /** Properties of a RecallMessageResponse. */
            interface $Properties {

                /** RecallMessageResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /**
                 * The sequence of the MessageRecalled in the caller's own log; for a read-diffusion group, in
                 * the group's log.
                 */
                seq?: number;

                /** RecallMessageResponse recalledAtMs */
                recalledAtMs?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RecallMessageResponse. */
            type $Shape = weft.v1.RecallMessageResponse.$Properties;
        }

        /**
         * Properties of a MarkReadRequest.
         * @deprecated Use weft.v1.MarkReadRequest.$Properties instead.
         */
        interface IMarkReadRequest extends weft.v1.MarkReadRequest.$Properties {
        }

        /**
         * COMMAND_MARK_READ: the caller has read a conversation up to a position of the caller's own
         * log: every message of the conversation with a sequence <= seq stops counting as unread. If
         * that reads something new, a ReadReceipt is appended to the caller's log and, for a 1:1
         * conversation, to the other user's log; if everything up to seq was read already, nothing is
         * appended (receipt_seq = 0).
         * Errors: BAD_REQUEST (conversation is neither a user id nor a group id; seq past the end of
         * the caller's log).
         */
        class MarkReadRequest {

            /** Reflection-backed declarations are not constructable. Use MarkReadRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** The conversation: the other user's id (1:1) or a group id ("g:..."). */
            conversation: string;

            /**
             * A sequence of the caller's log (e.g. the seq of the newest message shown); 0 means
             * "everything so far" (the head of the log). For a read-diffusion group: a sequence of the
             * group's log.
             */
            seq: number;

            /** MarkReadRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace MarkReadRequest {

            /** Properties of a MarkReadRequest. */
            interface $Properties {

                /** The conversation: the other user's id (1:1) or a group id ("g:..."). */
                conversation?: string;

                /**
                 * A sequence of the caller's log (e.g. the seq of the newest message shown); 0 means
                 * "everything so far" (the head of the log). For a read-diffusion group: a sequence of the
                 * group's log.
                 */
                seq?: number;

                /** MarkReadRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MarkReadRequest. */
            type $Shape = weft.v1.MarkReadRequest.$Properties;
        }

        /**
         * Properties of a MarkReadResponse.
         * @deprecated Use weft.v1.MarkReadResponse.$Properties instead.
         */
        interface IMarkReadResponse extends weft.v1.MarkReadResponse.$Properties {
        }

        /** Represents a MarkReadResponse. */
        class MarkReadResponse {

            /** Reflection-backed declarations are not constructable. Use MarkReadResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** MarkReadResponse base. */
            base: weft.v1.BaseResponse;

            /** Messages of the conversation still unread after this (newer than seq). */
            unread: number;

            /** The sequence of the ReadReceipt in the caller's log; 0 if nothing new was read. */
            receiptSeq: number;

            /** The newest message now read (ReadReceipt.message_id); empty if nothing new was read. */
            messageId: string;
        }

        namespace MarkReadResponse {

            /** Properties of a MarkReadResponse. */
            interface $Properties {

                /** MarkReadResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Messages of the conversation still unread after this (newer than seq). */
                unread?: number;

                /** The sequence of the ReadReceipt in the caller's log; 0 if nothing new was read. */
                receiptSeq?: number;

                /** The newest message now read (ReadReceipt.message_id); empty if nothing new was read. */
                messageId?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MarkReadResponse. */
            type $Shape = weft.v1.MarkReadResponse.$Properties;
        }

        /**
         * Properties of an UnreadCountsRequest.
         * @deprecated Use weft.v1.UnreadCountsRequest.$Properties instead.
         */
        interface IUnreadCountsRequest extends weft.v1.UnreadCountsRequest.$Properties {
        }

        /**
         * COMMAND_UNREAD_COUNTS: the caller's unread messages per conversation, the same on every
         * device of the user: a message counts from the moment it is in the user's log until a
         * MARK_READ (from any device) covers it or its sender recalls it. Messages the user sent never
         * count.
         */
        class UnreadCountsRequest {

            /** Reflection-backed declarations are not constructable. Use UnreadCountsRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UnreadCountsRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace UnreadCountsRequest {

            /** Properties of an UnreadCountsRequest. */
            interface $Properties {

                /** UnreadCountsRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UnreadCountsRequest. */
            type $Shape = weft.v1.UnreadCountsRequest.$Properties;
        }

        /**
         * Properties of an UnreadCount.
         * @deprecated Use weft.v1.UnreadCount.$Properties instead.
         */
        interface IUnreadCount extends weft.v1.UnreadCount.$Properties {
        }

        /** The unread messages of one conversation. */
        class UnreadCount {

            /** Reflection-backed declarations are not constructable. Use UnreadCount.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** The other user's id (1:1) or the group id. */
            conversation: string;

            /** UnreadCount count. */
            count: number;

            /**
             * The sequence (in the caller's log) and id of the newest unread message. For a
             * read-diffusion group: the sequence of the GroupNews that brought it.
             */
            lastSeq: number;

            /** UnreadCount lastMessageId. */
            lastMessageId: string;

            /** A read-diffusion group: the sequence in the group's log of the newest unread message. */
            lastGroupSeq: number;
        }

        namespace UnreadCount {

            /** Properties of an UnreadCount. */
            interface $Properties {

                /** The other user's id (1:1) or the group id. */
                conversation?: string;

                /** UnreadCount count */
                count?: number;

                /**
                 * The sequence (in the caller's log) and id of the newest unread message. For a
                 * read-diffusion group: the sequence of the GroupNews that brought it.
                 */
                lastSeq?: number;

                /** UnreadCount lastMessageId */
                lastMessageId?: string;

                /** A read-diffusion group: the sequence in the group's log of the newest unread message. */
                lastGroupSeq?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UnreadCount. */
            type $Shape = weft.v1.UnreadCount.$Properties;
        }

        /**
         * Properties of an UnreadCountsResponse.
         * @deprecated Use weft.v1.UnreadCountsResponse.$Properties instead.
         */
        interface IUnreadCountsResponse extends weft.v1.UnreadCountsResponse.$Properties {
        }

        /** Represents an UnreadCountsResponse. */
        class UnreadCountsResponse {

            /** Reflection-backed declarations are not constructable. Use UnreadCountsResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UnreadCountsResponse base. */
            base: weft.v1.BaseResponse;

            /** The conversations with unread messages, the most recent first. */
            conversations: weft.v1.UnreadCount[];

            /** The sum of the counts. */
            total: number;

            /** The counts take the caller's log into account up to this sequence. */
            seq: number;
        }

        namespace UnreadCountsResponse {

            /** Properties of an UnreadCountsResponse. */
            interface $Properties {

                /** UnreadCountsResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** The conversations with unread messages, the most recent first. */
                conversations?: weft.v1.UnreadCount.$Properties[];

                /** The sum of the counts. */
                total?: number;

                /** The counts take the caller's log into account up to this sequence. */
                seq?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UnreadCountsResponse. */
            type $Shape = weft.v1.UnreadCountsResponse.$Properties;
        }

        /**
         * Properties of a Kicked.
         * @deprecated Use weft.v1.Kicked.$Properties instead.
         */
        interface IKicked extends weft.v1.Kicked.$Properties {
        }

        /**
         * Body of COMMAND_KICKED frames (server -> client, request id 0), sent just before the server
         * closes a connection whose session ended. A kicked client must not reconnect with the same
         * session: its token is revoked.
         */
        class Kicked {

            /** Reflection-backed declarations are not constructable. Use Kicked.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LOGGED_OUT for a logout, CONFLICT when a newer login replaced this device. */
            code: weft.v1.StatusCode;

            /** For people: "logged out", "signed in on another iPhone", ... */
            reason: string;
        }

        namespace Kicked {

            /** Properties of a Kicked. */
            interface $Properties {

                /** LOGGED_OUT for a logout, CONFLICT when a newer login replaced this device. */
                code?: weft.v1.StatusCode;

                /** For people: "logged out", "signed in on another iPhone", ... */
                reason?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Kicked. */
            type $Shape = weft.v1.Kicked.$Properties;
        }

        /**
         * Properties of a LogoutRequest.
         * @deprecated Use weft.v1.LogoutRequest.$Properties instead.
         */
        interface ILogoutRequest extends weft.v1.LogoutRequest.$Properties {
        }

        /**
         * COMMAND_LOGOUT: ends the caller's session (the one whose token the request carries, or the
         * long connection's login). The token is revoked on every transport at once and every long
         * connection of the session gets a Kicked (code LOGGED_OUT) and is closed. The caller's own
         * long connection receives the LogoutResponse first, then the Kicked, then the close.
         * Other sessions of the user (other devices) are not touched.
         */
        class LogoutRequest {

            /** Reflection-backed declarations are not constructable. Use LogoutRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LogoutRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace LogoutRequest {

            /** Properties of a LogoutRequest. */
            interface $Properties {

                /** LogoutRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LogoutRequest. */
            type $Shape = weft.v1.LogoutRequest.$Properties;
        }

        /**
         * Properties of a LogoutResponse.
         * @deprecated Use weft.v1.LogoutResponse.$Properties instead.
         */
        interface ILogoutResponse extends weft.v1.LogoutResponse.$Properties {
        }

        /** Represents a LogoutResponse. */
        class LogoutResponse {

            /** Reflection-backed declarations are not constructable. Use LogoutResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LogoutResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace LogoutResponse {

            /** Properties of a LogoutResponse. */
            interface $Properties {

                /** LogoutResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LogoutResponse. */
            type $Shape = weft.v1.LogoutResponse.$Properties;
        }

        /**
         * Properties of a ChangePasswordRequest.
         * @deprecated Use weft.v1.ChangePasswordRequest.$Properties instead.
         */
        interface IChangePasswordRequest extends weft.v1.ChangePasswordRequest.$Properties {
        }

        /**
         * COMMAND_CHANGE_PASSWORD: replaces the caller's weft password. The current one must be given
         * (WRONG_CREDENTIALS otherwise; wrong guesses count as failed logins). The new one takes effect
         * at once for every later password login, in every data centre (docs/multi-idc.md); sessions
         * already open stay open. FORBIDDEN for a user of the app's own accounts (no weft password).
         */
        class ChangePasswordRequest {

            /** Reflection-backed declarations are not constructable. Use ChangePasswordRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ChangePasswordRequest base. */
            base: weft.v1.BaseRequest;

            /** ChangePasswordRequest oldPassword. */
            oldPassword: string;

            /** 8..256 characters. */
            newPassword: string;
        }

        namespace ChangePasswordRequest {

            /** Properties of a ChangePasswordRequest. */
            interface $Properties {

                /** ChangePasswordRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** ChangePasswordRequest oldPassword */
                oldPassword?: string;

                /** 8..256 characters. */
                newPassword?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ChangePasswordRequest. */
            type $Shape = weft.v1.ChangePasswordRequest.$Properties;
        }

        /**
         * Properties of a ChangePasswordResponse.
         * @deprecated Use weft.v1.ChangePasswordResponse.$Properties instead.
         */
        interface IChangePasswordResponse extends weft.v1.ChangePasswordResponse.$Properties {
        }

        /** Represents a ChangePasswordResponse. */
        class ChangePasswordResponse {

            /** Reflection-backed declarations are not constructable. Use ChangePasswordResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ChangePasswordResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace ChangePasswordResponse {

            /** Properties of a ChangePasswordResponse. */
            interface $Properties {

                /** ChangePasswordResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ChangePasswordResponse. */
            type $Shape = weft.v1.ChangePasswordResponse.$Properties;
        }

        /**
         * Properties of a ListDevicesRequest.
         * @deprecated Use weft.v1.ListDevicesRequest.$Properties instead.
         */
        interface IListDevicesRequest extends weft.v1.ListDevicesRequest.$Properties {
        }

        /**
         * COMMAND_LIST_DEVICES: the caller's active sessions, newest login first. Session tokens are
         * never listed.
         */
        class ListDevicesRequest {

            /** Reflection-backed declarations are not constructable. Use ListDevicesRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ListDevicesRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace ListDevicesRequest {

            /** Properties of a ListDevicesRequest. */
            interface $Properties {

                /** ListDevicesRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ListDevicesRequest. */
            type $Shape = weft.v1.ListDevicesRequest.$Properties;
        }

        /**
         * Properties of a DeviceSession.
         * @deprecated Use weft.v1.DeviceSession.$Properties instead.
         */
        interface IDeviceSession extends weft.v1.DeviceSession.$Properties {
        }

        /** One active session of the user. */
        class DeviceSession {

            /** Reflection-backed declarations are not constructable. Use DeviceSession.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** The device as it logged in (AuthRequest.device). */
            device: weft.v1.Device;

            /**
             * A public name of the session (derived from the token, which it does not reveal); the same
             * id appears in DeviceEvent.session_id.
             */
            sessionId: string;

            /** When the password login created the session. */
            issuedAtMs: number;

            /** The latest login or resume of this session. */
            lastSeenAtMs: number;

            /** True for the session that asks. */
            current: boolean;
        }

        namespace DeviceSession {

            /** Properties of a DeviceSession. */
            interface $Properties {

                /** The device as it logged in (AuthRequest.device). */
                device?: weft.v1.Device.$Properties;

                /**
                 * A public name of the session (derived from the token, which it does not reveal); the same
                 * id appears in DeviceEvent.session_id.
                 */
                sessionId?: string;

                /** When the password login created the session. */
                issuedAtMs?: number;

                /** The latest login or resume of this session. */
                lastSeenAtMs?: number;

                /** True for the session that asks. */
                current?: boolean;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a DeviceSession. */
            type $Shape = weft.v1.DeviceSession.$Properties;
        }

        /**
         * Properties of a ListDevicesResponse.
         * @deprecated Use weft.v1.ListDevicesResponse.$Properties instead.
         */
        interface IListDevicesResponse extends weft.v1.ListDevicesResponse.$Properties {
        }

        /** Represents a ListDevicesResponse. */
        class ListDevicesResponse {

            /** Reflection-backed declarations are not constructable. Use ListDevicesResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ListDevicesResponse base. */
            base: weft.v1.BaseResponse;

            /** ListDevicesResponse sessions. */
            sessions: weft.v1.DeviceSession[];
        }

        namespace ListDevicesResponse {

            /** Properties of a ListDevicesResponse. */
            interface $Properties {

                /** ListDevicesResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** ListDevicesResponse sessions */
                sessions?: weft.v1.DeviceSession.$Properties[];

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ListDevicesResponse. */
            type $Shape = weft.v1.ListDevicesResponse.$Properties;
        }

        /** DeviceEventKind enum. */
        enum DeviceEventKind {

            /** DEVICE_EVENT_KIND_UNSPECIFIED value */
            DEVICE_EVENT_KIND_UNSPECIFIED = 0,

            /**
             * A device signed in with its password (a new session). Logins of devices whose platform is
             * PLATFORM_UNSPECIFIED (scripts, the command line) are not recorded.
             */
            DEVICE_EVENT_KIND_LOGIN = 1,

            /** A device logged out (COMMAND_LOGOUT). */
            DEVICE_EVENT_KIND_LOGOUT = 2,

            /** A device was signed out by the login policy (or because the user has too many sessions). */
            DEVICE_EVENT_KIND_KICKED = 3
        }

        /**
         * Properties of a DeviceEvent.
         * @deprecated Use weft.v1.DeviceEvent.$Properties instead.
         */
        interface IDeviceEvent extends weft.v1.DeviceEvent.$Properties {
        }

        /** The change this feature appends to a user's log (weft.v1.Change.device). */
        class DeviceEvent {

            /** Reflection-backed declarations are not constructable. Use DeviceEvent.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** DeviceEvent kind. */
            kind: weft.v1.DeviceEventKind;

            /** The device the event is about (for KICKED: the device that was signed out). */
            device: weft.v1.Device;

            /** The session the event is about (DeviceSession.session_id). */
            sessionId: string;

            /** KICKED: why, the text its Kicked frame carried ("signed in on another device (...)"). */
            reason: string;

            /** KICKED by a login policy: the device whose login ended the session. */
            byDevice: weft.v1.Device;
        }

        namespace DeviceEvent {

            /** Properties of a DeviceEvent. */
            interface $Properties {

                /** DeviceEvent kind */
                kind?: weft.v1.DeviceEventKind;

                /** The device the event is about (for KICKED: the device that was signed out). */
                device?: weft.v1.Device.$Properties;

                /** The session the event is about (DeviceSession.session_id). */
                sessionId?: string;

                /** KICKED: why, the text its Kicked frame carried ("signed in on another device (...)"). */
                reason?: string;

                /** KICKED by a login policy: the device whose login ended the session. */
                byDevice?: weft.v1.Device.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a DeviceEvent. */
            type $Shape = weft.v1.DeviceEvent.$Properties;
        }

        /** ContactEventKind enum. */
        enum ContactEventKind {

            /** CONTACT_EVENT_KIND_UNSPECIFIED value */
            CONTACT_EVENT_KIND_UNSPECIFIED = 0,

            /** In the requester's log: the caller asked `peer` to be a contact. */
            CONTACT_EVENT_KIND_REQUEST_SENT = 1,

            /** In the recipient's log: `peer` asks to be a contact (`message` is theirs). */
            CONTACT_EVENT_KIND_REQUEST_RECEIVED = 2,

            /** In both logs: the two are contacts from now on (`actor` accepted). */
            CONTACT_EVENT_KIND_ACCEPTED = 3,

            /** In both logs: `actor` declined the request; nothing changes but the request is gone. */
            CONTACT_EVENT_KIND_DECLINED = 4,

            /** In both logs: `actor` removed the other; they are no longer contacts. */
            CONTACT_EVENT_KIND_REMOVED = 5
        }

        /**
         * Properties of a ContactEvent.
         * @deprecated Use weft.v1.ContactEvent.$Properties instead.
         */
        interface IContactEvent extends weft.v1.ContactEvent.$Properties {
        }

        /** The change this feature appends to a user's log (a field of weft.v1.Change.body). */
        class ContactEvent {

            /** Reflection-backed declarations are not constructable. Use ContactEvent.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ContactEvent kind. */
            kind: weft.v1.ContactEventKind;

            /** The other user, as the owner of the log sees it. */
            peer: string;

            /** Who made the change (the owner of the log or the peer). */
            actor: string;

            /** The request's message (REQUEST_SENT, REQUEST_RECEIVED); empty otherwise. */
            message: string;
        }

        namespace ContactEvent {

            /** Properties of a ContactEvent. */
            interface $Properties {

                /** ContactEvent kind */
                kind?: weft.v1.ContactEventKind;

                /** The other user, as the owner of the log sees it. */
                peer?: string;

                /** Who made the change (the owner of the log or the peer). */
                actor?: string;

                /** The request's message (REQUEST_SENT, REQUEST_RECEIVED); empty otherwise. */
                message?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ContactEvent. */
            type $Shape = weft.v1.ContactEvent.$Properties;
        }

        /** ContactState enum. */
        enum ContactState {

            /** CONTACT_STATE_UNSPECIFIED value */
            CONTACT_STATE_UNSPECIFIED = 0,

            /** The two are contacts. */
            CONTACT_STATE_CONTACT = 1,

            /** The caller asked the other and waits for an answer. */
            CONTACT_STATE_REQUEST_SENT = 2,

            /** The other asked the caller: FRIEND_RESPOND answers. */
            CONTACT_STATE_REQUEST_RECEIVED = 3
        }

        /**
         * Properties of a Contact.
         * @deprecated Use weft.v1.Contact.$Properties instead.
         */
        interface IContact extends weft.v1.Contact.$Properties {
        }

        /** A contact, or a pending request, as the caller sees it. */
        class Contact {

            /** Reflection-backed declarations are not constructable. Use Contact.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Contact userId. */
            userId: string;

            /** Contact state. */
            state: weft.v1.ContactState;

            /** When the state began (contact since / request made). */
            sinceMs: number;

            /** The request's message, for a pending request. */
            message: string;
        }

        namespace Contact {

            /** Properties of a Contact. */
            interface $Properties {

                /** Contact userId */
                userId?: string;

                /** Contact state */
                state?: weft.v1.ContactState;

                /** When the state began (contact since / request made). */
                sinceMs?: number;

                /** The request's message, for a pending request. */
                message?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Contact. */
            type $Shape = weft.v1.Contact.$Properties;
        }

        /**
         * Properties of a FriendRequestRequest.
         * @deprecated Use weft.v1.FriendRequestRequest.$Properties instead.
         */
        interface IFriendRequestRequest extends weft.v1.FriendRequestRequest.$Properties {
        }

        /**
         * COMMAND_FRIEND_REQUEST: asks `user_id` to become a contact. REQUEST_SENT is appended to the
         * caller's log and REQUEST_RECEIVED to the recipient's. If `user_id` had already asked the
         * caller, this accepts that request instead (ACCEPTED in both logs; accepted = true).
         * Errors: BAD_REQUEST (a request to oneself; message over 256 characters), INVALID_USER_ID,
         * NOT_FOUND (no such user), CONFLICT (already contacts, or a request to them is pending).
         */
        class FriendRequestRequest {

            /** Reflection-backed declarations are not constructable. Use FriendRequestRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** FriendRequestRequest userId. */
            userId: string;

            /** Optional, at most 256 characters: shown to the recipient ("hi, it's Ada from the club"). */
            message: string;

            /** FriendRequestRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace FriendRequestRequest {

            /** Properties of a FriendRequestRequest. */
            interface $Properties {

                /** FriendRequestRequest userId */
                userId?: string;

                /** Optional, at most 256 characters: shown to the recipient ("hi, it's Ada from the club"). */
                message?: string;

                /** FriendRequestRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a FriendRequestRequest. */
            type $Shape = weft.v1.FriendRequestRequest.$Properties;
        }

        /**
         * Properties of a FriendRequestResponse.
         * @deprecated Use weft.v1.FriendRequestResponse.$Properties instead.
         */
        interface IFriendRequestResponse extends weft.v1.FriendRequestResponse.$Properties {
        }

        /** Represents a FriendRequestResponse. */
        class FriendRequestResponse {

            /** Reflection-backed declarations are not constructable. Use FriendRequestResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** FriendRequestResponse base. */
            base: weft.v1.BaseResponse;

            /** True if the two are contacts now (the other had asked first). */
            accepted: boolean;
        }

        namespace FriendRequestResponse {

            /** Properties of a FriendRequestResponse. */
            interface $Properties {

                /** FriendRequestResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** True if the two are contacts now (the other had asked first). */
                accepted?: boolean;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a FriendRequestResponse. */
            type $Shape = weft.v1.FriendRequestResponse.$Properties;
        }

        /**
         * Properties of a FriendRespondRequest.
         * @deprecated Use weft.v1.FriendRespondRequest.$Properties instead.
         */
        interface IFriendRespondRequest extends weft.v1.FriendRespondRequest.$Properties {
        }

        /**
         * COMMAND_FRIEND_RESPOND: answers the pending request of `user_id` to the caller: accept (they
         * become contacts: ACCEPTED in both logs) or decline (DECLINED in both logs; they may ask again).
         * Only the recipient of a request can answer it.
         * Errors: INVALID_USER_ID, NOT_FOUND (no request from `user_id` to the caller is pending —
         * also when the caller is the one who sent it).
         */
        class FriendRespondRequest {

            /** Reflection-backed declarations are not constructable. Use FriendRespondRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** FriendRespondRequest userId. */
            userId: string;

            /** FriendRespondRequest accept. */
            accept: boolean;

            /** FriendRespondRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace FriendRespondRequest {

            /** Properties of a FriendRespondRequest. */
            interface $Properties {

                /** FriendRespondRequest userId */
                userId?: string;

                /** FriendRespondRequest accept */
                accept?: boolean;

                /** FriendRespondRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a FriendRespondRequest. */
            type $Shape = weft.v1.FriendRespondRequest.$Properties;
        }

        /**
         * Properties of a FriendRespondResponse.
         * @deprecated Use weft.v1.FriendRespondResponse.$Properties instead.
         */
        interface IFriendRespondResponse extends weft.v1.FriendRespondResponse.$Properties {
        }

        /** Represents a FriendRespondResponse. */
        class FriendRespondResponse {

            /** Reflection-backed declarations are not constructable. Use FriendRespondResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** FriendRespondResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace FriendRespondResponse {

            /** Properties of a FriendRespondResponse. */
            interface $Properties {

                /** FriendRespondResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a FriendRespondResponse. */
            type $Shape = weft.v1.FriendRespondResponse.$Properties;
        }

        /**
         * Properties of a ListContactsRequest.
         * @deprecated Use weft.v1.ListContactsRequest.$Properties instead.
         */
        interface IListContactsRequest extends weft.v1.ListContactsRequest.$Properties {
        }

        /** COMMAND_LIST_CONTACTS: the caller's contacts and pending requests, sorted by user id. */
        class ListContactsRequest {

            /** Reflection-backed declarations are not constructable. Use ListContactsRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ListContactsRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace ListContactsRequest {

            /** Properties of a ListContactsRequest. */
            interface $Properties {

                /** ListContactsRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ListContactsRequest. */
            type $Shape = weft.v1.ListContactsRequest.$Properties;
        }

        /**
         * Properties of a ListContactsResponse.
         * @deprecated Use weft.v1.ListContactsResponse.$Properties instead.
         */
        interface IListContactsResponse extends weft.v1.ListContactsResponse.$Properties {
        }

        /** Represents a ListContactsResponse. */
        class ListContactsResponse {

            /** Reflection-backed declarations are not constructable. Use ListContactsResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ListContactsResponse base. */
            base: weft.v1.BaseResponse;

            /** ListContactsResponse contacts. */
            contacts: weft.v1.Contact[];
        }

        namespace ListContactsResponse {

            /** Properties of a ListContactsResponse. */
            interface $Properties {

                /** ListContactsResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** ListContactsResponse contacts */
                contacts?: weft.v1.Contact.$Properties[];

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ListContactsResponse. */
            type $Shape = weft.v1.ListContactsResponse.$Properties;
        }

        /**
         * Properties of a RemoveContactRequest.
         * @deprecated Use weft.v1.RemoveContactRequest.$Properties instead.
         */
        interface IRemoveContactRequest extends weft.v1.RemoveContactRequest.$Properties {
        }

        /**
         * COMMAND_REMOVE_CONTACT: ends a contact (REMOVED in both logs), or withdraws the caller's
         * own pending request to `user_id` (REMOVED in both logs too).
         * Errors: INVALID_USER_ID, NOT_A_CONTACT (neither a contact nor a request sent by the caller).
         */
        class RemoveContactRequest {

            /** Reflection-backed declarations are not constructable. Use RemoveContactRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RemoveContactRequest userId. */
            userId: string;

            /** RemoveContactRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace RemoveContactRequest {

            /** Properties of a RemoveContactRequest. */
            interface $Properties {

                /** RemoveContactRequest userId */
                userId?: string;

                /** RemoveContactRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RemoveContactRequest. */
            type $Shape = weft.v1.RemoveContactRequest.$Properties;
        }

        /**
         * Properties of a RemoveContactResponse.
         * @deprecated Use weft.v1.RemoveContactResponse.$Properties instead.
         */
        interface IRemoveContactResponse extends weft.v1.RemoveContactResponse.$Properties {
        }

        /** Represents a RemoveContactResponse. */
        class RemoveContactResponse {

            /** Reflection-backed declarations are not constructable. Use RemoveContactResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RemoveContactResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace RemoveContactResponse {

            /** Properties of a RemoveContactResponse. */
            interface $Properties {

                /** RemoveContactResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RemoveContactResponse. */
            type $Shape = weft.v1.RemoveContactResponse.$Properties;
        }

        /**
         * Properties of a Profile.
         * @deprecated Use weft.v1.Profile.$Properties instead.
         */
        interface IProfile extends weft.v1.Profile.$Properties {
        }

        /** A user's profile. */
        class Profile {

            /** Reflection-backed declarations are not constructable. Use Profile.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Profile userId. */
            userId: string;

            /** Profile displayName. */
            displayName: string;

            /** Profile signature. */
            signature: string;

            /**
             * Where to GET the avatar, relative to the gateway's HTTP address: "/avatars/<user id>?v=N"
             * (the version changes with every new avatar, so it can be cached); empty when none is set.
             */
            avatarUrl: string;

            /** Counts the profile's changes: a device that holds an older version is out of date. */
            version: number;

            /** Profile updatedAtMs. */
            updatedAtMs: number;
        }

        namespace Profile {

            /** Properties of a Profile. */
            interface $Properties {

                /** Profile userId */
                userId?: string;

                /** Profile displayName */
                displayName?: string;

                /** Profile signature */
                signature?: string;

                /**
                 * Where to GET the avatar, relative to the gateway's HTTP address: "/avatars/<user id>?v=N"
                 * (the version changes with every new avatar, so it can be cached); empty when none is set.
                 */
                avatarUrl?: string;

                /** Counts the profile's changes: a device that holds an older version is out of date. */
                version?: number;

                /** Profile updatedAtMs */
                updatedAtMs?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Profile. */
            type $Shape = weft.v1.Profile.$Properties;
        }

        /**
         * Properties of a ProfileChanged.
         * @deprecated Use weft.v1.ProfileChanged.$Properties instead.
         */
        interface IProfileChanged extends weft.v1.ProfileChanged.$Properties {
        }

        /**
         * The change this feature appends to a user's log (a field of weft.v1.Change.body): the
         * profile of `profile.user_id` after a change — the owner of the log's own, or a contact's.
         */
        class ProfileChanged {

            /** Reflection-backed declarations are not constructable. Use ProfileChanged.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ProfileChanged profile. */
            profile: weft.v1.Profile;
        }

        namespace ProfileChanged {

            /** Properties of a ProfileChanged. */
            interface $Properties {

                /** ProfileChanged profile */
                profile?: weft.v1.Profile.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ProfileChanged. */
            type $Shape = weft.v1.ProfileChanged.$Properties;
        }

        /**
         * Properties of a GetProfileRequest.
         * @deprecated Use weft.v1.GetProfileRequest.$Properties instead.
         */
        interface IGetProfileRequest extends weft.v1.GetProfileRequest.$Properties {
        }

        /**
         * COMMAND_GET_PROFILE: the profile of `user_id` (the caller's own when empty).
         * Errors: INVALID_USER_ID, NOT_FOUND (no such user).
         */
        class GetProfileRequest {

            /** Reflection-backed declarations are not constructable. Use GetProfileRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** GetProfileRequest userId. */
            userId: string;

            /** GetProfileRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace GetProfileRequest {

            /** Properties of a GetProfileRequest. */
            interface $Properties {

                /** GetProfileRequest userId */
                userId?: string;

                /** GetProfileRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a GetProfileRequest. */
            type $Shape = weft.v1.GetProfileRequest.$Properties;
        }

        /**
         * Properties of a GetProfileResponse.
         * @deprecated Use weft.v1.GetProfileResponse.$Properties instead.
         */
        interface IGetProfileResponse extends weft.v1.GetProfileResponse.$Properties {
        }

        /** Represents a GetProfileResponse. */
        class GetProfileResponse {

            /** Reflection-backed declarations are not constructable. Use GetProfileResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** GetProfileResponse base. */
            base: weft.v1.BaseResponse;

            /** GetProfileResponse profile. */
            profile: weft.v1.Profile;
        }

        namespace GetProfileResponse {

            /** Properties of a GetProfileResponse. */
            interface $Properties {

                /** GetProfileResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** GetProfileResponse profile */
                profile?: weft.v1.Profile.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a GetProfileResponse. */
            type $Shape = weft.v1.GetProfileResponse.$Properties;
        }

        /**
         * Properties of a SetProfileRequest.
         * @deprecated Use weft.v1.SetProfileRequest.$Properties instead.
         */
        interface ISetProfileRequest extends weft.v1.SetProfileRequest.$Properties {
        }

        /**
         * COMMAND_SET_PROFILE: changes the caller's display name and/or signature; a field left out
         * keeps its value. If anything changed, a ProfileChanged is appended to the caller's log and
         * to each contact's log; setting the same values again appends nothing.
         * Errors: BAD_REQUEST (display name empty, only blanks or over 64 characters; signature over
         * 256 characters; neither field given).
         */
        class SetProfileRequest {

            /** Reflection-backed declarations are not constructable. Use SetProfileRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SetProfileRequest displayName. */
            displayName: (string|null);

            /** May be set to "" to clear it. */
            signature: (string|null);

            /** SetProfileRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace SetProfileRequest {

            /** Properties of a SetProfileRequest. */
            interface $Properties {

                /** SetProfileRequest displayName */
                displayName?: (string|null);

                /** May be set to "" to clear it. */
                signature?: (string|null);

                /** SetProfileRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SetProfileRequest. */
            type $Shape = weft.v1.SetProfileRequest.$Properties;
        }

        /**
         * Properties of a SetProfileResponse.
         * @deprecated Use weft.v1.SetProfileResponse.$Properties instead.
         */
        interface ISetProfileResponse extends weft.v1.SetProfileResponse.$Properties {
        }

        /** Represents a SetProfileResponse. */
        class SetProfileResponse {

            /** Reflection-backed declarations are not constructable. Use SetProfileResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SetProfileResponse base. */
            base: weft.v1.BaseResponse;

            /** SetProfileResponse profile. */
            profile: weft.v1.Profile;
        }

        namespace SetProfileResponse {

            /** Properties of a SetProfileResponse. */
            interface $Properties {

                /** SetProfileResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** SetProfileResponse profile */
                profile?: weft.v1.Profile.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SetProfileResponse. */
            type $Shape = weft.v1.SetProfileResponse.$Properties;
        }

        /**
         * Properties of a SetAvatarRequest.
         * @deprecated Use weft.v1.SetAvatarRequest.$Properties instead.
         */
        interface ISetAvatarRequest extends weft.v1.SetAvatarRequest.$Properties {
        }

        /**
         * COMMAND_SET_AVATAR: sets the caller's avatar (a ProfileChanged with the new avatar_url goes
         * to the caller's and the contacts' logs).
         * Errors: BAD_REQUEST (empty image; content type not one of image/png, image/jpeg, image/gif,
         * image/webp; the bytes are not an image of that type), TOO_LARGE (over maxAvatarBytes).
         */
        class SetAvatarRequest {

            /** Reflection-backed declarations are not constructable. Use SetAvatarRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SetAvatarRequest image. */
            image: Uint8Array;

            /** SetAvatarRequest contentType. */
            contentType: string;

            /** SetAvatarRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace SetAvatarRequest {

            /** Properties of a SetAvatarRequest. */
            interface $Properties {

                /** SetAvatarRequest image */
                image?: Uint8Array;

                /** SetAvatarRequest contentType */
                contentType?: string;

                /** SetAvatarRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SetAvatarRequest. */
            type $Shape = weft.v1.SetAvatarRequest.$Properties;
        }

        /**
         * Properties of a SetAvatarResponse.
         * @deprecated Use weft.v1.SetAvatarResponse.$Properties instead.
         */
        interface ISetAvatarResponse extends weft.v1.SetAvatarResponse.$Properties {
        }

        /** Represents a SetAvatarResponse. */
        class SetAvatarResponse {

            /** Reflection-backed declarations are not constructable. Use SetAvatarResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SetAvatarResponse base. */
            base: weft.v1.BaseResponse;

            /** SetAvatarResponse profile. */
            profile: weft.v1.Profile;
        }

        namespace SetAvatarResponse {

            /** Properties of a SetAvatarResponse. */
            interface $Properties {

                /** SetAvatarResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** SetAvatarResponse profile */
                profile?: weft.v1.Profile.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SetAvatarResponse. */
            type $Shape = weft.v1.SetAvatarResponse.$Properties;
        }

        /** GroupEventKind enum. */
        enum GroupEventKind {

            /** GROUP_EVENT_KIND_UNSPECIFIED value */
            GROUP_EVENT_KIND_UNSPECIFIED = 0,

            /** The group was created; user_ids: the initial members, the owner first. */
            GROUP_EVENT_KIND_CREATED = 1,

            /** Members were added by `actor`; user_ids: the users added. */
            GROUP_EVENT_KIND_MEMBERS_ADDED = 2,

            /** The owner (`actor`) removed a member; user_ids: the member removed. */
            GROUP_EVENT_KIND_MEMBER_REMOVED = 3,

            /** A member (`actor`) left; user_ids: the same member. */
            GROUP_EVENT_KIND_MEMBER_LEFT = 4,

            /** `actor` renamed the group; name: the new name. */
            GROUP_EVENT_KIND_RENAMED = 5,

            /**
             * The group passed its threshold and now keeps its messages in its own log (read diffusion):
             * every message before this event is in the members' logs, every one after it in the group's
             * log, from log_seq on. Appended to every member's log.
             */
            GROUP_EVENT_KIND_CONVERTED = 6,

            /** The owner (`actor`) changed the group's settings (`settings`). */
            GROUP_EVENT_KIND_SETTINGS_CHANGED = 7
        }

        /**
         * Properties of a GroupSettings.
         * @deprecated Use weft.v1.GroupSettings.$Properties instead.
         */
        interface IGroupSettings extends weft.v1.GroupSettings.$Properties {
        }

        /** How a group behaves; every field has a default (0, false) that means "the server's". */
        class GroupSettings {

            /** Reflection-backed declarations are not constructable. Use GroupSettings.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * More members than this and the group keeps its messages in its own log (read diffusion).
             * 0: the server's (features.readDiffusionThreshold, 500 by default).
             */
            readDiffusionThreshold: number;

            /**
             * Read-diffusion groups: new members may read the group's log from its start, not only from
             * the moment they joined.
             */
            historyVisible: boolean;
        }

        namespace GroupSettings {

            /** Properties of a GroupSettings. */
            interface $Properties {

                /**
                 * More members than this and the group keeps its messages in its own log (read diffusion).
                 * 0: the server's (features.readDiffusionThreshold, 500 by default).
                 */
                readDiffusionThreshold?: number;

                /**
                 * Read-diffusion groups: new members may read the group's log from its start, not only from
                 * the moment they joined.
                 */
                historyVisible?: boolean;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a GroupSettings. */
            type $Shape = weft.v1.GroupSettings.$Properties;
        }

        /**
         * Properties of a GroupNews.
         * @deprecated Use weft.v1.GroupNews.$Properties instead.
         */
        interface IGroupNews extends weft.v1.GroupNews.$Properties {
        }

        /**
         * "The log of group_id has entries up to seq": appended to a member's own log (Change.group_news)
         * when the member's log is synced and a read-diffusion group of the member has moved since the
         * last marker. A device whose cursor for the group is below seq calls SYNC_GROUP.
         */
        class GroupNews {

            /** Reflection-backed declarations are not constructable. Use GroupNews.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** GroupNews groupId. */
            groupId: string;

            /** GroupNews seq. */
            seq: number;
        }

        namespace GroupNews {

            /** Properties of a GroupNews. */
            interface $Properties {

                /** GroupNews groupId */
                groupId?: string;

                /** GroupNews seq */
                seq?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a GroupNews. */
            type $Shape = weft.v1.GroupNews.$Properties;
        }

        /**
         * Properties of a GroupEvent.
         * @deprecated Use weft.v1.GroupEvent.$Properties instead.
         */
        interface IGroupEvent extends weft.v1.GroupEvent.$Properties {
        }

        /** The change this feature appends to a user's log (a field of weft.v1.Change.body). */
        class GroupEvent {

            /** Reflection-backed declarations are not constructable. Use GroupEvent.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** GroupEvent kind. */
            kind: weft.v1.GroupEventKind;

            /** GroupEvent groupId. */
            groupId: string;

            /** Who made the change. */
            actor: string;

            /** The users the change is about (see GroupEventKind). */
            userIds: string[];

            /** The group's name after the change. */
            name: string;

            /** The group's owner after the change (it changes when the owner leaves). */
            owner: string;

            /** The number of members after the change. */
            memberCount: number;

            /** The group keeps its messages in its own log (read diffusion) after this change. */
            readDiffusion: boolean;

            /**
             * Read diffusion: the position of the group's log from which the users the event is about (the
             * members added; every member at a conversion) may read: their first cursor for SYNC_GROUP.
             */
            logSeq: number;

            /** SETTINGS_CHANGED: the settings after the change. */
            settings: weft.v1.GroupSettings;
        }

        namespace GroupEvent {

            /** Properties of a GroupEvent. */
            interface $Properties {

                /** GroupEvent kind */
                kind?: weft.v1.GroupEventKind;

                /** GroupEvent groupId */
                groupId?: string;

                /** Who made the change. */
                actor?: string;

                /** The users the change is about (see GroupEventKind). */
                userIds?: string[];

                /** The group's name after the change. */
                name?: string;

                /** The group's owner after the change (it changes when the owner leaves). */
                owner?: string;

                /** The number of members after the change. */
                memberCount?: number;

                /** The group keeps its messages in its own log (read diffusion) after this change. */
                readDiffusion?: boolean;

                /**
                 * Read diffusion: the position of the group's log from which the users the event is about (the
                 * members added; every member at a conversion) may read: their first cursor for SYNC_GROUP.
                 */
                logSeq?: number;

                /** SETTINGS_CHANGED: the settings after the change. */
                settings?: weft.v1.GroupSettings.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a GroupEvent. */
            type $Shape = weft.v1.GroupEvent.$Properties;
        }

        /**
         * Properties of a GroupMember.
         * @deprecated Use weft.v1.GroupMember.$Properties instead.
         */
        interface IGroupMember extends weft.v1.GroupMember.$Properties {
        }

        /** Represents a GroupMember. */
        class GroupMember {

            /** Reflection-backed declarations are not constructable. Use GroupMember.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** GroupMember userId. */
            userId: string;

            /** GroupMember joinedAtMs. */
            joinedAtMs: number;
        }

        namespace GroupMember {

            /** Properties of a GroupMember. */
            interface $Properties {

                /** GroupMember userId */
                userId?: string;

                /** GroupMember joinedAtMs */
                joinedAtMs?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a GroupMember. */
            type $Shape = weft.v1.GroupMember.$Properties;
        }

        /**
         * Properties of a GroupInfo.
         * @deprecated Use weft.v1.GroupInfo.$Properties instead.
         */
        interface IGroupInfo extends weft.v1.GroupInfo.$Properties {
        }

        /** A group as its members see it. */
        class GroupInfo {

            /** Reflection-backed declarations are not constructable. Use GroupInfo.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** GroupInfo groupId. */
            groupId: string;

            /** GroupInfo name. */
            name: string;

            /** GroupInfo owner. */
            owner: string;

            /** In the order they joined; the owner is not necessarily first (after the owner left). */
            members: weft.v1.GroupMember[];

            /** GroupInfo createdAtMs. */
            createdAtMs: number;

            /** GroupInfo settings. */
            settings: weft.v1.GroupSettings;

            /** The group keeps its messages in its own log (read diffusion). */
            readDiffusion: boolean;

            /** Read diffusion: the head of the group's log. */
            logSeq: number;
        }

        namespace GroupInfo {

            /** Properties of a GroupInfo. */
            interface $Properties {

                /** GroupInfo groupId */
                groupId?: string;

                /** GroupInfo name */
                name?: string;

                /** GroupInfo owner */
                owner?: string;

                /** In the order they joined; the owner is not necessarily first (after the owner left). */
                members?: weft.v1.GroupMember.$Properties[];

                /** GroupInfo createdAtMs */
                createdAtMs?: number;

                /** GroupInfo settings */
                settings?: weft.v1.GroupSettings.$Properties;

                /** The group keeps its messages in its own log (read diffusion). */
                readDiffusion?: boolean;

                /** Read diffusion: the head of the group's log. */
                logSeq?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a GroupInfo. */
            type $Shape = weft.v1.GroupInfo.$Properties;
        }

        /**
         * Properties of a CreateGroupRequest.
         * @deprecated Use weft.v1.CreateGroupRequest.$Properties instead.
         */
        interface ICreateGroupRequest extends weft.v1.CreateGroupRequest.$Properties {
        }

        /**
         * COMMAND_CREATE_GROUP: creates a group owned by the caller, with the caller and `members` as
         * its members. A GROUP_EVENT_KIND_CREATED is appended to every member's log.
         * Errors: BAD_REQUEST (name empty or over 64 characters; more than maxGroupMembers members,
         * the caller included), INVALID_USER_ID (a member id is malformed), NOT_FOUND (a member does
         * not exist).
         */
        class CreateGroupRequest {

            /** Reflection-backed declarations are not constructable. Use CreateGroupRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** 1..64 characters, not only blanks. */
            name: string;

            /** The other initial members (the caller is added anyway; repeats are ignored); may be empty. */
            members: string[];

            /** Optional; unset fields mean the server's defaults. */
            settings: weft.v1.GroupSettings;

            /** CreateGroupRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace CreateGroupRequest {

            /** Properties of a CreateGroupRequest. */
            interface $Properties {

                /** 1..64 characters, not only blanks. */
                name?: string;

                /** The other initial members (the caller is added anyway; repeats are ignored); may be empty. */
                members?: string[];

                /** Optional; unset fields mean the server's defaults. */
                settings?: weft.v1.GroupSettings.$Properties;

                /** CreateGroupRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a CreateGroupRequest. */
            type $Shape = weft.v1.CreateGroupRequest.$Properties;
        }

        /**
         * Properties of a CreateGroupResponse.
         * @deprecated Use weft.v1.CreateGroupResponse.$Properties instead.
         */
        interface ICreateGroupResponse extends weft.v1.CreateGroupResponse.$Properties {
        }

        /** Represents a CreateGroupResponse. */
        class CreateGroupResponse {

            /** Reflection-backed declarations are not constructable. Use CreateGroupResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** CreateGroupResponse base. */
            base: weft.v1.BaseResponse;

            /** CreateGroupResponse group. */
            group: weft.v1.GroupInfo;
        }

        namespace CreateGroupResponse {

            /** Properties of a CreateGroupResponse. */
            interface $Properties {

                /** CreateGroupResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** CreateGroupResponse group */
                group?: weft.v1.GroupInfo.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a CreateGroupResponse. */
            type $Shape = weft.v1.CreateGroupResponse.$Properties;
        }

        /**
         * Properties of an AddMembersRequest.
         * @deprecated Use weft.v1.AddMembersRequest.$Properties instead.
         */
        interface IAddMembersRequest extends weft.v1.AddMembersRequest.$Properties {
        }

        /**
         * COMMAND_ADD_MEMBERS: a member adds users to the group. Users already members are skipped;
         * if anyone was added, a GROUP_EVENT_KIND_MEMBERS_ADDED is appended to every member's log (the
         * new members' included). New members see the messages sent from then on.
         * Errors: NOT_FOUND, NOT_A_MEMBER (the caller), BAD_REQUEST (no user ids; the group would have
         * more than maxGroupMembers members), INVALID_USER_ID, NOT_FOUND (a user does not exist).
         */
        class AddMembersRequest {

            /** Reflection-backed declarations are not constructable. Use AddMembersRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** AddMembersRequest groupId. */
            groupId: string;

            /** 1..maxGroupMembers user ids. */
            userIds: string[];

            /** AddMembersRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace AddMembersRequest {

            /** Properties of an AddMembersRequest. */
            interface $Properties {

                /** AddMembersRequest groupId */
                groupId?: string;

                /** 1..maxGroupMembers user ids. */
                userIds?: string[];

                /** AddMembersRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an AddMembersRequest. */
            type $Shape = weft.v1.AddMembersRequest.$Properties;
        }

        /**
         * Properties of an AddMembersResponse.
         * @deprecated Use weft.v1.AddMembersResponse.$Properties instead.
         */
        interface IAddMembersResponse extends weft.v1.AddMembersResponse.$Properties {
        }

        /** Represents an AddMembersResponse. */
        class AddMembersResponse {

            /** Reflection-backed declarations are not constructable. Use AddMembersResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** AddMembersResponse base. */
            base: weft.v1.BaseResponse;

            /** The users that were added (those not already members). */
            added: string[];

            /** AddMembersResponse memberCount. */
            memberCount: number;
        }

        namespace AddMembersResponse {

            /** Properties of an AddMembersResponse. */
            interface $Properties {

                /** AddMembersResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** The users that were added (those not already members). */
                added?: string[];

                /** AddMembersResponse memberCount */
                memberCount?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an AddMembersResponse. */
            type $Shape = weft.v1.AddMembersResponse.$Properties;
        }

        /**
         * Properties of a RemoveMemberRequest.
         * @deprecated Use weft.v1.RemoveMemberRequest.$Properties instead.
         */
        interface IRemoveMemberRequest extends weft.v1.RemoveMemberRequest.$Properties {
        }

        /**
         * COMMAND_REMOVE_MEMBER: the owner removes a member (removing oneself is leaving, allowed to
         * anyone). A GROUP_EVENT_KIND_MEMBER_REMOVED is appended to the logs of the members, the
         * removed one included.
         * Errors: NOT_FOUND, NOT_A_MEMBER (the caller, or user_id), FORBIDDEN (the caller is not the
         * owner).
         */
        class RemoveMemberRequest {

            /** Reflection-backed declarations are not constructable. Use RemoveMemberRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RemoveMemberRequest groupId. */
            groupId: string;

            /** RemoveMemberRequest userId. */
            userId: string;

            /** RemoveMemberRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace RemoveMemberRequest {

            /** Properties of a RemoveMemberRequest. */
            interface $Properties {

                /** RemoveMemberRequest groupId */
                groupId?: string;

                /** RemoveMemberRequest userId */
                userId?: string;

                /** RemoveMemberRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RemoveMemberRequest. */
            type $Shape = weft.v1.RemoveMemberRequest.$Properties;
        }

        /**
         * Properties of a RemoveMemberResponse.
         * @deprecated Use weft.v1.RemoveMemberResponse.$Properties instead.
         */
        interface IRemoveMemberResponse extends weft.v1.RemoveMemberResponse.$Properties {
        }

        /** Represents a RemoveMemberResponse. */
        class RemoveMemberResponse {

            /** Reflection-backed declarations are not constructable. Use RemoveMemberResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RemoveMemberResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace RemoveMemberResponse {

            /** Properties of a RemoveMemberResponse. */
            interface $Properties {

                /** RemoveMemberResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RemoveMemberResponse. */
            type $Shape = weft.v1.RemoveMemberResponse.$Properties;
        }

        /**
         * Properties of a LeaveGroupRequest.
         * @deprecated Use weft.v1.LeaveGroupRequest.$Properties instead.
         */
        interface ILeaveGroupRequest extends weft.v1.LeaveGroupRequest.$Properties {
        }

        /**
         * COMMAND_LEAVE_GROUP: the caller leaves the group. A GROUP_EVENT_KIND_MEMBER_LEFT is appended
         * to the logs of the members, the caller's included.
         * Errors: NOT_FOUND, NOT_A_MEMBER.
         */
        class LeaveGroupRequest {

            /** Reflection-backed declarations are not constructable. Use LeaveGroupRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LeaveGroupRequest groupId. */
            groupId: string;

            /** LeaveGroupRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace LeaveGroupRequest {

            /** Properties of a LeaveGroupRequest. */
            interface $Properties {

                /** LeaveGroupRequest groupId */
                groupId?: string;

                /** LeaveGroupRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LeaveGroupRequest. */
            type $Shape = weft.v1.LeaveGroupRequest.$Properties;
        }

        /**
         * Properties of a LeaveGroupResponse.
         * @deprecated Use weft.v1.LeaveGroupResponse.$Properties instead.
         */
        interface ILeaveGroupResponse extends weft.v1.LeaveGroupResponse.$Properties {
        }

        /** Represents a LeaveGroupResponse. */
        class LeaveGroupResponse {

            /** Reflection-backed declarations are not constructable. Use LeaveGroupResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LeaveGroupResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace LeaveGroupResponse {

            /** Properties of a LeaveGroupResponse. */
            interface $Properties {

                /** LeaveGroupResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LeaveGroupResponse. */
            type $Shape = weft.v1.LeaveGroupResponse.$Properties;
        }

        /**
         * Properties of a RenameGroupRequest.
         * @deprecated Use weft.v1.RenameGroupRequest.$Properties instead.
         */
        interface IRenameGroupRequest extends weft.v1.RenameGroupRequest.$Properties {
        }

        /**
         * COMMAND_RENAME_GROUP: a member renames the group. A GROUP_EVENT_KIND_RENAMED is appended to
         * every member's log.
         * Errors: NOT_FOUND, NOT_A_MEMBER, BAD_REQUEST (name empty or over 64 characters).
         */
        class RenameGroupRequest {

            /** Reflection-backed declarations are not constructable. Use RenameGroupRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RenameGroupRequest groupId. */
            groupId: string;

            /** 1..64 characters, not only blanks. */
            name: string;

            /** RenameGroupRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace RenameGroupRequest {

            /** Properties of a RenameGroupRequest. */
            interface $Properties {

                /** RenameGroupRequest groupId */
                groupId?: string;

                /** 1..64 characters, not only blanks. */
                name?: string;

                /** RenameGroupRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RenameGroupRequest. */
            type $Shape = weft.v1.RenameGroupRequest.$Properties;
        }

        /**
         * Properties of a RenameGroupResponse.
         * @deprecated Use weft.v1.RenameGroupResponse.$Properties instead.
         */
        interface IRenameGroupResponse extends weft.v1.RenameGroupResponse.$Properties {
        }

        /** Represents a RenameGroupResponse. */
        class RenameGroupResponse {

            /** Reflection-backed declarations are not constructable. Use RenameGroupResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RenameGroupResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace RenameGroupResponse {

            /** Properties of a RenameGroupResponse. */
            interface $Properties {

                /** RenameGroupResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RenameGroupResponse. */
            type $Shape = weft.v1.RenameGroupResponse.$Properties;
        }

        /**
         * Properties of a ListMembersRequest.
         * @deprecated Use weft.v1.ListMembersRequest.$Properties instead.
         */
        interface IListMembersRequest extends weft.v1.ListMembersRequest.$Properties {
        }

        /**
         * COMMAND_LIST_MEMBERS: the group, its name, owner and members, for a member.
         * Errors: NOT_FOUND, NOT_A_MEMBER.
         */
        class ListMembersRequest {

            /** Reflection-backed declarations are not constructable. Use ListMembersRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ListMembersRequest groupId. */
            groupId: string;

            /** ListMembersRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace ListMembersRequest {

            /** Properties of a ListMembersRequest. */
            interface $Properties {

                /** ListMembersRequest groupId */
                groupId?: string;

                /** ListMembersRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ListMembersRequest. */
            type $Shape = weft.v1.ListMembersRequest.$Properties;
        }

        /**
         * Properties of a ListMembersResponse.
         * @deprecated Use weft.v1.ListMembersResponse.$Properties instead.
         */
        interface IListMembersResponse extends weft.v1.ListMembersResponse.$Properties {
        }

        /** Represents a ListMembersResponse. */
        class ListMembersResponse {

            /** Reflection-backed declarations are not constructable. Use ListMembersResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ListMembersResponse base. */
            base: weft.v1.BaseResponse;

            /** ListMembersResponse group. */
            group: weft.v1.GroupInfo;
        }

        namespace ListMembersResponse {

            /** Properties of a ListMembersResponse. */
            interface $Properties {

                /** ListMembersResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** ListMembersResponse group */
                group?: weft.v1.GroupInfo.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ListMembersResponse. */
            type $Shape = weft.v1.ListMembersResponse.$Properties;
        }

        /**
         * Properties of a SyncGroupRequest.
         * @deprecated Use weft.v1.SyncGroupRequest.$Properties instead.
         */
        interface ISyncGroupRequest extends weft.v1.SyncGroupRequest.$Properties {
        }

        /**
         * COMMAND_SYNC_GROUP: a page of a read-diffusion group's own log, after `cursor`. A member reads
         * from the point they joined (GroupEvent.log_seq), or from the start if the group's history is
         * visible; a former member reads up to the event of their leaving, and nothing after it. The
         * changes carry the group log's sequence numbers: Message, MessageRecalled and GroupEvent bodies.
         * A group that keeps its messages in its members' logs (write fan-out) answers an empty page.
         * Errors: NOT_FOUND, NOT_A_MEMBER (the caller never was a member since the conversion).
         */
        class SyncGroupRequest {

            /** Reflection-backed declarations are not constructable. Use SyncGroupRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SyncGroupRequest groupId. */
            groupId: string;

            /** The highest sequence of the group's log the device has applied. */
            cursor: number;

            /** Page size; the server caps it (and uses its default when 0). */
            limit: number;

            /** SyncGroupRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace SyncGroupRequest {

            /** Properties of a SyncGroupRequest. */
            interface $Properties {

                /** SyncGroupRequest groupId */
                groupId?: string;

                /** The highest sequence of the group's log the device has applied. */
                cursor?: number;

                /** Page size; the server caps it (and uses its default when 0). */
                limit?: number;

                /** SyncGroupRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SyncGroupRequest. */
            type $Shape = weft.v1.SyncGroupRequest.$Properties;
        }

        /**
         * Properties of a SyncGroupResponse.
         * @deprecated Use weft.v1.SyncGroupResponse.$Properties instead.
         */
        interface ISyncGroupResponse extends weft.v1.SyncGroupResponse.$Properties {
        }

        /** Represents a SyncGroupResponse. */
        class SyncGroupResponse {

            /** Reflection-backed declarations are not constructable. Use SyncGroupResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SyncGroupResponse base. */
            base: weft.v1.BaseResponse;

            /** In sequence order (the group log's), all after the request's cursor. */
            changes: weft.v1.Change[];

            /** The cursor to send next. */
            cursor: number;

            /** True if more entries the caller may read follow. */
            more: boolean;

            /** The group log's epoch: when it changes, the history is gone; pull from 0. */
            epoch: string;
        }

        namespace SyncGroupResponse {

            /** Properties of a SyncGroupResponse. */
            interface $Properties {

                /** SyncGroupResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** In sequence order (the group log's), all after the request's cursor. */
                changes?: weft.v1.Change.$Properties[];

                /** The cursor to send next. */
                cursor?: number;

                /** True if more entries the caller may read follow. */
                more?: boolean;

                /** The group log's epoch: when it changes, the history is gone; pull from 0. */
                epoch?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SyncGroupResponse. */
            type $Shape = {
              base?: weft.v1.BaseResponse.$Shape;
              changes?: weft.v1.Change.$Shape[];
              cursor?: number;
              more?: boolean;
              epoch?: string;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a SetGroupSettingsRequest.
         * @deprecated Use weft.v1.SetGroupSettingsRequest.$Properties instead.
         */
        interface ISetGroupSettingsRequest extends weft.v1.SetGroupSettingsRequest.$Properties {
        }

        /**
         * COMMAND_SET_GROUP_SETTINGS: the owner changes the group's settings. A group whose members now
         * exceed its threshold converts to read diffusion at once. Every member learns it from a
         * GROUP_EVENT_KIND_SETTINGS_CHANGED event.
         * Errors: NOT_FOUND, NOT_A_MEMBER, FORBIDDEN (not the owner).
         */
        class SetGroupSettingsRequest {

            /** Reflection-backed declarations are not constructable. Use SetGroupSettingsRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SetGroupSettingsRequest groupId. */
            groupId: string;

            /** SetGroupSettingsRequest settings. */
            settings: weft.v1.GroupSettings;

            /** SetGroupSettingsRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace SetGroupSettingsRequest {

            /** Properties of a SetGroupSettingsRequest. */
            interface $Properties {

                /** SetGroupSettingsRequest groupId */
                groupId?: string;

                /** SetGroupSettingsRequest settings */
                settings?: weft.v1.GroupSettings.$Properties;

                /** SetGroupSettingsRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SetGroupSettingsRequest. */
            type $Shape = weft.v1.SetGroupSettingsRequest.$Properties;
        }

        /**
         * Properties of a SetGroupSettingsResponse.
         * @deprecated Use weft.v1.SetGroupSettingsResponse.$Properties instead.
         */
        interface ISetGroupSettingsResponse extends weft.v1.SetGroupSettingsResponse.$Properties {
        }

        /** Represents a SetGroupSettingsResponse. */
        class SetGroupSettingsResponse {

            /** Reflection-backed declarations are not constructable. Use SetGroupSettingsResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SetGroupSettingsResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace SetGroupSettingsResponse {

            /** Properties of a SetGroupSettingsResponse. */
            interface $Properties {

                /** SetGroupSettingsResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SetGroupSettingsResponse. */
            type $Shape = weft.v1.SetGroupSettingsResponse.$Properties;
        }

        /**
         * Properties of a MomentMedia.
         * @deprecated Use weft.v1.MomentMedia.$Properties instead.
         */
        interface IMomentMedia extends weft.v1.MomentMedia.$Properties {
        }

        /**
         * A reference to uploaded media in a post (the media service issues the ids; only their sizes
         * are checked here).
         */
        class MomentMedia {

            /** Reflection-backed declarations are not constructable. Use MomentMedia.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** 1..128 characters. */
            mediaId: string;

            /** 1..128 characters, e.g. "image/jpeg". */
            mimeType: string;

            /** Optional (empty: none), at most 128 characters. */
            thumbnailMediaId: string;
        }

        namespace MomentMedia {

            /** Properties of a MomentMedia. */
            interface $Properties {

                /** 1..128 characters. */
                mediaId?: string;

                /** 1..128 characters, e.g. "image/jpeg". */
                mimeType?: string;

                /** Optional (empty: none), at most 128 characters. */
                thumbnailMediaId?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MomentMedia. */
            type $Shape = weft.v1.MomentMedia.$Properties;
        }

        /**
         * Properties of a MomentComment.
         * @deprecated Use weft.v1.MomentComment.$Properties instead.
         */
        interface IMomentComment extends weft.v1.MomentComment.$Properties {
        }

        /** Represents a MomentComment. */
        class MomentComment {

            /** Reflection-backed declarations are not constructable. Use MomentComment.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Unique within the post: "<post id>/c<n>". */
            commentId: string;

            /** MomentComment from. */
            from: string;

            /** MomentComment text. */
            text: string;

            /** MomentComment atMs. */
            atMs: number;
        }

        namespace MomentComment {

            /** Properties of a MomentComment. */
            interface $Properties {

                /** Unique within the post: "<post id>/c<n>". */
                commentId?: string;

                /** MomentComment from */
                from?: string;

                /** MomentComment text */
                text?: string;

                /** MomentComment atMs */
                atMs?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MomentComment. */
            type $Shape = weft.v1.MomentComment.$Properties;
        }

        /**
         * Properties of a Moment.
         * @deprecated Use weft.v1.Moment.$Properties instead.
         */
        interface IMoment extends weft.v1.Moment.$Properties {
        }

        /** A post with its comments (oldest first) and likes (the users, in the order they liked). */
        class Moment {

            /** Reflection-backed declarations are not constructable. Use Moment.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Moment postId. */
            postId: string;

            /** Moment author. */
            author: string;

            /** Moment text. */
            text: string;

            /** Moment media. */
            media: weft.v1.MomentMedia[];

            /** Moment postedAtMs. */
            postedAtMs: number;

            /** Moment comments. */
            comments: weft.v1.MomentComment[];

            /** Moment likes. */
            likes: string[];
        }

        namespace Moment {

            /** Properties of a Moment. */
            interface $Properties {

                /** Moment postId */
                postId?: string;

                /** Moment author */
                author?: string;

                /** Moment text */
                text?: string;

                /** Moment media */
                media?: weft.v1.MomentMedia.$Properties[];

                /** Moment postedAtMs */
                postedAtMs?: number;

                /** Moment comments */
                comments?: weft.v1.MomentComment.$Properties[];

                /** Moment likes */
                likes?: string[];

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Moment. */
            type $Shape = weft.v1.Moment.$Properties;
        }

        /** MomentEventKind enum. */
        enum MomentEventKind {

            /** MOMENT_EVENT_KIND_UNSPECIFIED value */
            MOMENT_EVENT_KIND_UNSPECIFIED = 0,

            /** `moment` was posted (by `actor`, its author). */
            MOMENT_EVENT_KIND_POSTED = 1,

            /** `actor` commented on the post: `comment`. */
            MOMENT_EVENT_KIND_COMMENTED = 2,

            /** `actor` liked the post. */
            MOMENT_EVENT_KIND_LIKED = 3,

            /** `actor` took back their like. */
            MOMENT_EVENT_KIND_UNLIKED = 4
        }

        /**
         * Properties of a MomentEvent.
         * @deprecated Use weft.v1.MomentEvent.$Properties instead.
         */
        interface IMomentEvent extends weft.v1.MomentEvent.$Properties {
        }

        /** The change this feature appends to a user's log (a field of weft.v1.Change.body). */
        class MomentEvent {

            /** Reflection-backed declarations are not constructable. Use MomentEvent.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** MomentEvent kind. */
            kind: weft.v1.MomentEventKind;

            /** MomentEvent postId. */
            postId: string;

            /** The post's author. */
            author: string;

            /** Who posted, commented or liked. */
            actor: string;

            /** The post as posted (POSTED only). */
            moment: weft.v1.Moment;

            /** The new comment (COMMENTED only). */
            comment: weft.v1.MomentComment;
        }

        namespace MomentEvent {

            /** Properties of a MomentEvent. */
            interface $Properties {

                /** MomentEvent kind */
                kind?: weft.v1.MomentEventKind;

                /** MomentEvent postId */
                postId?: string;

                /** The post's author. */
                author?: string;

                /** Who posted, commented or liked. */
                actor?: string;

                /** The post as posted (POSTED only). */
                moment?: weft.v1.Moment.$Properties;

                /** The new comment (COMMENTED only). */
                comment?: weft.v1.MomentComment.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MomentEvent. */
            type $Shape = weft.v1.MomentEvent.$Properties;
        }

        /**
         * Properties of a PostMomentRequest.
         * @deprecated Use weft.v1.PostMomentRequest.$Properties instead.
         */
        interface IPostMomentRequest extends weft.v1.PostMomentRequest.$Properties {
        }

        /**
         * COMMAND_POST_MOMENT: posts a moment (POSTED in the caller's and the contacts' logs).
         * Errors: BAD_REQUEST (neither text nor media; text over 2048 characters; more than 9 media;
         * a media reference with an empty or over-long id or type; client_post_id over 64 characters).
         */
        class PostMomentRequest {

            /** Reflection-backed declarations are not constructable. Use PostMomentRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** 0..2048 characters (at least text or one media reference). */
            text: string;

            /** PostMomentRequest media. */
            media: weft.v1.MomentMedia[];

            /**
             * Optional, at most 64 characters: a resend with the same id returns the first post
             * (duplicate = true) and stores nothing new.
             */
            clientPostId: string;

            /** PostMomentRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace PostMomentRequest {

            /** Properties of a PostMomentRequest. */
            interface $Properties {

                /** 0..2048 characters (at least text or one media reference). */
                text?: string;

                /** PostMomentRequest media */
                media?: weft.v1.MomentMedia.$Properties[];

                /**
                 * Optional, at most 64 characters: a resend with the same id returns the first post
                 * (duplicate = true) and stores nothing new.
                 */
                clientPostId?: string;

                /** PostMomentRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PostMomentRequest. */
            type $Shape = weft.v1.PostMomentRequest.$Properties;
        }

        /**
         * Properties of a PostMomentResponse.
         * @deprecated Use weft.v1.PostMomentResponse.$Properties instead.
         */
        interface IPostMomentResponse extends weft.v1.PostMomentResponse.$Properties {
        }

        /** Represents a PostMomentResponse. */
        class PostMomentResponse {

            /** Reflection-backed declarations are not constructable. Use PostMomentResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** PostMomentResponse base. */
            base: weft.v1.BaseResponse;

            /** PostMomentResponse moment. */
            moment: weft.v1.Moment;

            /** PostMomentResponse duplicate. */
            duplicate: boolean;
        }

        namespace PostMomentResponse {

            /** Properties of a PostMomentResponse. */
            interface $Properties {

                /** PostMomentResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** PostMomentResponse moment */
                moment?: weft.v1.Moment.$Properties;

                /** PostMomentResponse duplicate */
                duplicate?: boolean;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PostMomentResponse. */
            type $Shape = weft.v1.PostMomentResponse.$Properties;
        }

        /**
         * Properties of a ListFeedRequest.
         * @deprecated Use weft.v1.ListFeedRequest.$Properties instead.
         */
        interface IListFeedRequest extends weft.v1.ListFeedRequest.$Properties {
        }

        /**
         * COMMAND_LIST_FEED: the posts of the caller and of the caller's contacts, newest first.
         * Start with an empty page_token; pass next_page_token to get the next page; an empty
         * next_page_token means there is no more.
         * Errors: BAD_REQUEST (a malformed page_token).
         */
        class ListFeedRequest {

            /** Reflection-backed declarations are not constructable. Use ListFeedRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Posts per page: 20 when 0; a larger number than 50 is taken as 50. */
            limit: number;

            /** ListFeedRequest pageToken. */
            pageToken: string;

            /** Only the posts of this user (the caller or a contact); empty for everyone's. */
            author: string;

            /** ListFeedRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace ListFeedRequest {

            /** Properties of a ListFeedRequest. */
            interface $Properties {

                /** Posts per page: 20 when 0; a larger number than 50 is taken as 50. */
                limit?: number;

                /** ListFeedRequest pageToken */
                pageToken?: string;

                /** Only the posts of this user (the caller or a contact); empty for everyone's. */
                author?: string;

                /** ListFeedRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ListFeedRequest. */
            type $Shape = weft.v1.ListFeedRequest.$Properties;
        }

        /**
         * Properties of a ListFeedResponse.
         * @deprecated Use weft.v1.ListFeedResponse.$Properties instead.
         */
        interface IListFeedResponse extends weft.v1.ListFeedResponse.$Properties {
        }

        /** Represents a ListFeedResponse. */
        class ListFeedResponse {

            /** Reflection-backed declarations are not constructable. Use ListFeedResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ListFeedResponse base. */
            base: weft.v1.BaseResponse;

            /** ListFeedResponse moments. */
            moments: weft.v1.Moment[];

            /** ListFeedResponse nextPageToken. */
            nextPageToken: string;
        }

        namespace ListFeedResponse {

            /** Properties of a ListFeedResponse. */
            interface $Properties {

                /** ListFeedResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** ListFeedResponse moments */
                moments?: weft.v1.Moment.$Properties[];

                /** ListFeedResponse nextPageToken */
                nextPageToken?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ListFeedResponse. */
            type $Shape = weft.v1.ListFeedResponse.$Properties;
        }

        /**
         * Properties of a CommentMomentRequest.
         * @deprecated Use weft.v1.CommentMomentRequest.$Properties instead.
         */
        interface ICommentMomentRequest extends weft.v1.CommentMomentRequest.$Properties {
        }

        /**
         * COMMAND_COMMENT_MOMENT: comments on a post the caller can see (COMMENTED in the author's
         * and the author's contacts' logs).
         * Errors: NOT_FOUND (no such post), NOT_A_CONTACT (the caller is not the author nor a contact
         * of the author), BAD_REQUEST (text empty, only blanks or over 512 characters; the post has
         * 500 comments already).
         */
        class CommentMomentRequest {

            /** Reflection-backed declarations are not constructable. Use CommentMomentRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** CommentMomentRequest postId. */
            postId: string;

            /** CommentMomentRequest text. */
            text: string;

            /** CommentMomentRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace CommentMomentRequest {

            /** Properties of a CommentMomentRequest. */
            interface $Properties {

                /** CommentMomentRequest postId */
                postId?: string;

                /** CommentMomentRequest text */
                text?: string;

                /** CommentMomentRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a CommentMomentRequest. */
            type $Shape = weft.v1.CommentMomentRequest.$Properties;
        }

        /**
         * Properties of a CommentMomentResponse.
         * @deprecated Use weft.v1.CommentMomentResponse.$Properties instead.
         */
        interface ICommentMomentResponse extends weft.v1.CommentMomentResponse.$Properties {
        }

        /** Represents a CommentMomentResponse. */
        class CommentMomentResponse {

            /** Reflection-backed declarations are not constructable. Use CommentMomentResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** CommentMomentResponse base. */
            base: weft.v1.BaseResponse;

            /** CommentMomentResponse comment. */
            comment: weft.v1.MomentComment;
        }

        namespace CommentMomentResponse {

            /** Properties of a CommentMomentResponse. */
            interface $Properties {

                /** CommentMomentResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** CommentMomentResponse comment */
                comment?: weft.v1.MomentComment.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a CommentMomentResponse. */
            type $Shape = weft.v1.CommentMomentResponse.$Properties;
        }

        /**
         * Properties of a LikeMomentRequest.
         * @deprecated Use weft.v1.LikeMomentRequest.$Properties instead.
         */
        interface ILikeMomentRequest extends weft.v1.LikeMomentRequest.$Properties {
        }

        /**
         * COMMAND_LIKE_MOMENT: likes a post the caller can see, or takes the like back (unlike = true);
         * LIKED / UNLIKED in the author's and the author's contacts' logs. Liking a post liked already
         * (or unliking one not liked) changes nothing and appends nothing.
         * Errors: NOT_FOUND (no such post), NOT_A_CONTACT (as for comments).
         */
        class LikeMomentRequest {

            /** Reflection-backed declarations are not constructable. Use LikeMomentRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LikeMomentRequest postId. */
            postId: string;

            /** LikeMomentRequest unlike. */
            unlike: boolean;

            /** LikeMomentRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace LikeMomentRequest {

            /** Properties of a LikeMomentRequest. */
            interface $Properties {

                /** LikeMomentRequest postId */
                postId?: string;

                /** LikeMomentRequest unlike */
                unlike?: boolean;

                /** LikeMomentRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LikeMomentRequest. */
            type $Shape = weft.v1.LikeMomentRequest.$Properties;
        }

        /**
         * Properties of a LikeMomentResponse.
         * @deprecated Use weft.v1.LikeMomentResponse.$Properties instead.
         */
        interface ILikeMomentResponse extends weft.v1.LikeMomentResponse.$Properties {
        }

        /** Represents a LikeMomentResponse. */
        class LikeMomentResponse {

            /** Reflection-backed declarations are not constructable. Use LikeMomentResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LikeMomentResponse base. */
            base: weft.v1.BaseResponse;

            /** The users who like the post now. */
            likes: string[];
        }

        namespace LikeMomentResponse {

            /** Properties of a LikeMomentResponse. */
            interface $Properties {

                /** LikeMomentResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** The users who like the post now. */
                likes?: string[];

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LikeMomentResponse. */
            type $Shape = weft.v1.LikeMomentResponse.$Properties;
        }

        /** What the media is for. It does not change how it is stored; it is reported back in MediaInfo. */
        enum MediaKind {

            /** MEDIA_KIND_UNSPECIFIED value */
            MEDIA_KIND_UNSPECIFIED = 0,

            /** MEDIA_KIND_IMAGE value */
            MEDIA_KIND_IMAGE = 1,

            /** MEDIA_KIND_VOICE value */
            MEDIA_KIND_VOICE = 2,

            /** MEDIA_KIND_VIDEO value */
            MEDIA_KIND_VIDEO = 3,

            /** MEDIA_KIND_FILE value */
            MEDIA_KIND_FILE = 4,

            /** MEDIA_KIND_THUMBNAIL value */
            MEDIA_KIND_THUMBNAIL = 5,

            /** MEDIA_KIND_AVATAR value */
            MEDIA_KIND_AVATAR = 6,

            /** MEDIA_KIND_MOMENT value */
            MEDIA_KIND_MOMENT = 7
        }

        /**
         * Properties of an UploadInitRequest.
         * @deprecated Use weft.v1.UploadInitRequest.$Properties instead.
         */
        interface IUploadInitRequest extends weft.v1.UploadInitRequest.$Properties {
        }

        /**
         * COMMAND_UPLOAD_INIT: starts an upload, resumes one (same sha256 and size), or completes at
         * once (content already stored by the caller).
         * Errors: BAD_REQUEST (size 0, sha256 not 64 hex digits, mime_type not 1..128 characters,
         * file_name over 255, a resumed upload with another size, thumbnail not the caller's ready
         * media), TOO_LARGE (size over media.maxFileBytes, or over the caller's remaining quota
         * media.quotaBytes — the message says which), RATE_LIMITED (too many uploads in progress).
         */
        class UploadInitRequest {

            /** Reflection-backed declarations are not constructable. Use UploadInitRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UploadInitRequest kind. */
            kind: weft.v1.MediaKind;

            /** Total size in bytes, 1..media.maxFileBytes. */
            size: number;

            /** SHA-256 of the whole content, 64 lower- or upper-case hex digits. */
            sha256: string;

            /** UploadInitRequest mimeType. */
            mimeType: string;

            /** Optional, at most 255 characters. */
            fileName: string;

            /** Optional: a ready media of the caller that is this media's thumbnail (/media/<id>/thumb). */
            thumbnailMediaId: string;

            /** UploadInitRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace UploadInitRequest {

            /** Properties of an UploadInitRequest. */
            interface $Properties {

                /** UploadInitRequest kind */
                kind?: weft.v1.MediaKind;

                /** Total size in bytes, 1..media.maxFileBytes. */
                size?: number;

                /** SHA-256 of the whole content, 64 lower- or upper-case hex digits. */
                sha256?: string;

                /** UploadInitRequest mimeType */
                mimeType?: string;

                /** Optional, at most 255 characters. */
                fileName?: string;

                /** Optional: a ready media of the caller that is this media's thumbnail (/media/<id>/thumb). */
                thumbnailMediaId?: string;

                /** UploadInitRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UploadInitRequest. */
            type $Shape = weft.v1.UploadInitRequest.$Properties;
        }

        /**
         * Properties of an UploadInitResponse.
         * @deprecated Use weft.v1.UploadInitResponse.$Properties instead.
         */
        interface IUploadInitResponse extends weft.v1.UploadInitResponse.$Properties {
        }

        /** Represents an UploadInitResponse. */
        class UploadInitResponse {

            /** Reflection-backed declarations are not constructable. Use UploadInitResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UploadInitResponse base. */
            base: weft.v1.BaseResponse;

            /** Names the upload in UPLOAD_CHUNK and UPLOAD_COMPLETE (the same string as media_id). */
            uploadId: string;

            /** UploadInitResponse mediaId. */
            mediaId: string;

            /** The largest chunk accepted (media.chunkBytes, 8 KiB by default). */
            chunkSize: number;

            /** Where to continue: 0 for a new upload, the last acknowledged offset for a resumed one. */
            nextOffset: number;

            /** Set when the upload is already complete (content already stored): send no chunk. */
            media: weft.v1.MediaInfo;
        }

        namespace UploadInitResponse {

            /** Properties of an UploadInitResponse. */
            interface $Properties {

                /** UploadInitResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Names the upload in UPLOAD_CHUNK and UPLOAD_COMPLETE (the same string as media_id). */
                uploadId?: string;

                /** UploadInitResponse mediaId */
                mediaId?: string;

                /** The largest chunk accepted (media.chunkBytes, 8 KiB by default). */
                chunkSize?: number;

                /** Where to continue: 0 for a new upload, the last acknowledged offset for a resumed one. */
                nextOffset?: number;

                /** Set when the upload is already complete (content already stored): send no chunk. */
                media?: weft.v1.MediaInfo.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UploadInitResponse. */
            type $Shape = weft.v1.UploadInitResponse.$Properties;
        }

        /**
         * Properties of an UploadChunkRequest.
         * @deprecated Use weft.v1.UploadChunkRequest.$Properties instead.
         */
        interface IUploadChunkRequest extends weft.v1.UploadChunkRequest.$Properties {
        }

        /**
         * COMMAND_UPLOAD_CHUNK: bytes [offset, offset + len(data)) of the upload.
         * Errors: NOT_FOUND (no such upload of the caller: unknown, or dropped after uploadTtlMs),
         * CONFLICT (offset is not the next offset: the message names it; re-send UPLOAD_INIT to learn
         * it), TOO_LARGE (data longer than chunk_size), BAD_REQUEST (empty data, or past the size).
         */
        class UploadChunkRequest {

            /** Reflection-backed declarations are not constructable. Use UploadChunkRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UploadChunkRequest uploadId. */
            uploadId: string;

            /** UploadChunkRequest offset. */
            offset: number;

            /** UploadChunkRequest data. */
            data: Uint8Array;

            /** UploadChunkRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace UploadChunkRequest {

            /** Properties of an UploadChunkRequest. */
            interface $Properties {

                /** UploadChunkRequest uploadId */
                uploadId?: string;

                /** UploadChunkRequest offset */
                offset?: number;

                /** UploadChunkRequest data */
                data?: Uint8Array;

                /** UploadChunkRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UploadChunkRequest. */
            type $Shape = weft.v1.UploadChunkRequest.$Properties;
        }

        /**
         * Properties of an UploadChunkResponse.
         * @deprecated Use weft.v1.UploadChunkResponse.$Properties instead.
         */
        interface IUploadChunkResponse extends weft.v1.UploadChunkResponse.$Properties {
        }

        /** Represents an UploadChunkResponse. */
        class UploadChunkResponse {

            /** Reflection-backed declarations are not constructable. Use UploadChunkResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UploadChunkResponse base. */
            base: weft.v1.BaseResponse;

            /** offset + len(data): the acknowledged end, where the next chunk starts. */
            nextOffset: number;
        }

        namespace UploadChunkResponse {

            /** Properties of an UploadChunkResponse. */
            interface $Properties {

                /** UploadChunkResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** offset + len(data): the acknowledged end, where the next chunk starts. */
                nextOffset?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UploadChunkResponse. */
            type $Shape = weft.v1.UploadChunkResponse.$Properties;
        }

        /**
         * Properties of an UploadCompleteRequest.
         * @deprecated Use weft.v1.UploadCompleteRequest.$Properties instead.
         */
        interface IUploadCompleteRequest extends weft.v1.UploadCompleteRequest.$Properties {
        }

        /**
         * COMMAND_UPLOAD_COMPLETE: checks the size and the sha256 of what arrived and stores it.
         * Errors: NOT_FOUND (no such upload), CONFLICT (bytes missing: the message names the next
         * offset), BAD_REQUEST (the sha256 of the bytes differs from the declared one: the bytes are
         * dropped and the upload starts again at offset 0). Completing a completed upload answers OK.
         */
        class UploadCompleteRequest {

            /** Reflection-backed declarations are not constructable. Use UploadCompleteRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UploadCompleteRequest uploadId. */
            uploadId: string;

            /** UploadCompleteRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace UploadCompleteRequest {

            /** Properties of an UploadCompleteRequest. */
            interface $Properties {

                /** UploadCompleteRequest uploadId */
                uploadId?: string;

                /** UploadCompleteRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UploadCompleteRequest. */
            type $Shape = weft.v1.UploadCompleteRequest.$Properties;
        }

        /**
         * Properties of an UploadCompleteResponse.
         * @deprecated Use weft.v1.UploadCompleteResponse.$Properties instead.
         */
        interface IUploadCompleteResponse extends weft.v1.UploadCompleteResponse.$Properties {
        }

        /** Represents an UploadCompleteResponse. */
        class UploadCompleteResponse {

            /** Reflection-backed declarations are not constructable. Use UploadCompleteResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UploadCompleteResponse base. */
            base: weft.v1.BaseResponse;

            /** UploadCompleteResponse media. */
            media: weft.v1.MediaInfo;
        }

        namespace UploadCompleteResponse {

            /** Properties of an UploadCompleteResponse. */
            interface $Properties {

                /** UploadCompleteResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** UploadCompleteResponse media */
                media?: weft.v1.MediaInfo.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UploadCompleteResponse. */
            type $Shape = weft.v1.UploadCompleteResponse.$Properties;
        }

        /**
         * Properties of a MediaInfoRequest.
         * @deprecated Use weft.v1.MediaInfoRequest.$Properties instead.
         */
        interface IMediaInfoRequest extends weft.v1.MediaInfoRequest.$Properties {
        }

        /**
         * COMMAND_MEDIA_INFO: a media's details and signed download URLs, for a user it is shared with.
         * Errors: NOT_FOUND, FORBIDDEN (not shared with the caller).
         */
        class MediaInfoRequest {

            /** Reflection-backed declarations are not constructable. Use MediaInfoRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** MediaInfoRequest mediaId. */
            mediaId: string;

            /** MediaInfoRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace MediaInfoRequest {

            /** Properties of a MediaInfoRequest. */
            interface $Properties {

                /** MediaInfoRequest mediaId */
                mediaId?: string;

                /** MediaInfoRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MediaInfoRequest. */
            type $Shape = weft.v1.MediaInfoRequest.$Properties;
        }

        /**
         * Properties of a MediaInfoResponse.
         * @deprecated Use weft.v1.MediaInfoResponse.$Properties instead.
         */
        interface IMediaInfoResponse extends weft.v1.MediaInfoResponse.$Properties {
        }

        /** Represents a MediaInfoResponse. */
        class MediaInfoResponse {

            /** Reflection-backed declarations are not constructable. Use MediaInfoResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** MediaInfoResponse base. */
            base: weft.v1.BaseResponse;

            /** MediaInfoResponse media. */
            media: weft.v1.MediaInfo;
        }

        namespace MediaInfoResponse {

            /** Properties of a MediaInfoResponse. */
            interface $Properties {

                /** MediaInfoResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** MediaInfoResponse media */
                media?: weft.v1.MediaInfo.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MediaInfoResponse. */
            type $Shape = weft.v1.MediaInfoResponse.$Properties;
        }

        /**
         * Properties of a MediaInfo.
         * @deprecated Use weft.v1.MediaInfo.$Properties instead.
         */
        interface IMediaInfo extends weft.v1.MediaInfo.$Properties {
        }

        /** Represents a MediaInfo. */
        class MediaInfo {

            /** Reflection-backed declarations are not constructable. Use MediaInfo.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** MediaInfo mediaId. */
            mediaId: string;

            /** MediaInfo owner. */
            owner: string;

            /** MediaInfo kind. */
            kind: weft.v1.MediaKind;

            /** MediaInfo mimeType. */
            mimeType: string;

            /** MediaInfo size. */
            size: number;

            /** Hex SHA-256 of the content; the download's ETag is this in quotes. */
            sha256: string;

            /** False while the original is still being uploaded. */
            ready: boolean;

            /** Bytes received so far (== size once ready). */
            received: number;

            /** MediaInfo fileName. */
            fileName: string;

            /** Empty: no thumbnail. */
            thumbnailMediaId: string;

            /** MediaInfo createdAtMs. */
            createdAtMs: number;

            /**
             * Download paths on the gateway's HTTP port, signed for the caller and valid until
             * url_expires_at_ms (media.urlTtlMs): "/media/<id>?user=..&expires=..&sig=..".
             */
            url: string;

            /** Empty when there is no thumbnail. */
            thumbnailUrl: string;

            /** MediaInfo urlExpiresAtMs. */
            urlExpiresAtMs: number;
        }

        namespace MediaInfo {

            /** Properties of a MediaInfo. */
            interface $Properties {

                /** MediaInfo mediaId */
                mediaId?: string;

                /** MediaInfo owner */
                owner?: string;

                /** MediaInfo kind */
                kind?: weft.v1.MediaKind;

                /** MediaInfo mimeType */
                mimeType?: string;

                /** MediaInfo size */
                size?: number;

                /** Hex SHA-256 of the content; the download's ETag is this in quotes. */
                sha256?: string;

                /** False while the original is still being uploaded. */
                ready?: boolean;

                /** Bytes received so far (== size once ready). */
                received?: number;

                /** MediaInfo fileName */
                fileName?: string;

                /** Empty: no thumbnail. */
                thumbnailMediaId?: string;

                /** MediaInfo createdAtMs */
                createdAtMs?: number;

                /**
                 * Download paths on the gateway's HTTP port, signed for the caller and valid until
                 * url_expires_at_ms (media.urlTtlMs): "/media/<id>?user=..&expires=..&sig=..".
                 */
                url?: string;

                /** Empty when there is no thumbnail. */
                thumbnailUrl?: string;

                /** MediaInfo urlExpiresAtMs */
                urlExpiresAtMs?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MediaInfo. */
            type $Shape = weft.v1.MediaInfo.$Properties;
        }

        /**
         * Properties of a MediaReady.
         * @deprecated Use weft.v1.MediaReady.$Properties instead.
         */
        interface IMediaReady extends weft.v1.MediaReady.$Properties {
        }

        /**
         * Change.media_ready: an original that messages referenced before it was uploaded is now
         * complete and downloadable. Appended to the log of every user it was shared with, and of
         * its owner.
         */
        class MediaReady {

            /** Reflection-backed declarations are not constructable. Use MediaReady.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** MediaReady mediaId. */
            mediaId: string;

            /** MediaReady owner. */
            owner: string;

            /** MediaReady mimeType. */
            mimeType: string;

            /** MediaReady size. */
            size: number;

            /** MediaReady sha256. */
            sha256: string;
        }

        namespace MediaReady {

            /** Properties of a MediaReady. */
            interface $Properties {

                /** MediaReady mediaId */
                mediaId?: string;

                /** MediaReady owner */
                owner?: string;

                /** MediaReady mimeType */
                mimeType?: string;

                /** MediaReady size */
                size?: number;

                /** MediaReady sha256 */
                sha256?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MediaReady. */
            type $Shape = weft.v1.MediaReady.$Properties;
        }

        /**
         * Properties of an IdcEntry.
         * @deprecated Use weft.v1.IdcEntry.$Properties instead.
         */
        interface IIdcEntry extends weft.v1.IdcEntry.$Properties {
        }

        /** One change for one user homed in the receiving IDC. */
        class IdcEntry {

            /** Reflection-backed declarations are not constructable. Use IdcEntry.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** The user whose change log gets the change. */
            to: string;

            /** Appending twice with this key stores the change once ("msg:<from>/<client_msg_id>" for a message). */
            dedupeKey: string;

            /**
             * A weft.v1.Change with only its body set (e.g. message), encoded; the receiver's log adds
             * seq and at_ms.
             */
            change: Uint8Array;
        }

        namespace IdcEntry {

            /** Properties of an IdcEntry. */
            interface $Properties {

                /** The user whose change log gets the change. */
                to?: string;

                /** Appending twice with this key stores the change once ("msg:<from>/<client_msg_id>" for a message). */
                dedupeKey?: string;

                /**
                 * A weft.v1.Change with only its body set (e.g. message), encoded; the receiver's log adds
                 * seq and at_ms.
                 */
                change?: Uint8Array;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an IdcEntry. */
            type $Shape = weft.v1.IdcEntry.$Properties;
        }

        /**
         * Properties of an IdcBatch.
         * @deprecated Use weft.v1.IdcBatch.$Properties instead.
         */
        interface IIdcBatch extends weft.v1.IdcBatch.$Properties {
        }

        /**
         * Entries in the order the sending IDC accepted them: the receiver appends the entries of one
         * recipient in this order, so the order of each sender's messages to a recipient is kept.
         */
        class IdcBatch {

            /** Reflection-backed declarations are not constructable. Use IdcBatch.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Chosen by the sender; echoed by the IdcAck. */
            batchId: number;

            /** The sending IDC's name, for the receiver's logs and metrics. */
            fromIdc: string;

            /** IdcBatch entries. */
            entries: weft.v1.IdcEntry[];
        }

        namespace IdcBatch {

            /** Properties of an IdcBatch. */
            interface $Properties {

                /** Chosen by the sender; echoed by the IdcAck. */
                batchId?: number;

                /** The sending IDC's name, for the receiver's logs and metrics. */
                fromIdc?: string;

                /** IdcBatch entries */
                entries?: weft.v1.IdcEntry.$Properties[];

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an IdcBatch. */
            type $Shape = weft.v1.IdcBatch.$Properties;
        }

        /**
         * Properties of an IdcAck.
         * @deprecated Use weft.v1.IdcAck.$Properties instead.
         */
        interface IIdcAck extends weft.v1.IdcAck.$Properties {
        }

        /**
         * The receiver's answer once every entry of the batch is stored (code OK), or why it was not
         * (BAD_REQUEST: the record was not an IdcBatch, or an entry is malformed — the connection is
         * then closed; UNAVAILABLE: storage failed — the sender sends the batch again).
         */
        class IdcAck {

            /** Reflection-backed declarations are not constructable. Use IdcAck.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** IdcAck batchId. */
            batchId: number;

            /** IdcAck code. */
            code: weft.v1.StatusCode;

            /** IdcAck message. */
            message: string;
        }

        namespace IdcAck {

            /** Properties of an IdcAck. */
            interface $Properties {

                /** IdcAck batchId */
                batchId?: number;

                /** IdcAck code */
                code?: weft.v1.StatusCode;

                /** IdcAck message */
                message?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an IdcAck. */
            type $Shape = weft.v1.IdcAck.$Properties;
        }

        /**
         * Properties of an UploadLogRequest.
         * @deprecated Use weft.v1.UploadLogRequest.$Properties instead.
         */
        interface IUploadLogRequest extends weft.v1.UploadLogRequest.$Properties {
        }

        /**
         * COMMAND_UPLOAD_LOG: stores one report.
         * Errors: BAD_REQUEST (empty or not gzip, or a field out of bounds), TOO_LARGE (log over
         * maxLogReportBytes).
         */
        class UploadLogRequest {

            /** Reflection-backed declarations are not constructable. Use UploadLogRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** The log, gzip-compressed: it must start with the gzip magic bytes 1f 8b. */
            log: Uint8Array;

            /** The client's version, 0..64 characters. */
            appVersion: string;

            /** The device the log comes from, 0..64 characters; the caller's device when empty. */
            deviceId: string;

            /** Why it was sent ("crash", "user report", ...), 0..256 characters. */
            reason: string;

            /**
             * Anything else, for operators: at most 16 entries, keys of 1..64 characters out of
             * [A-Za-z0-9_.-], values of 0..256 characters.
             */
            metadata: { [k: string]: string };

            /** UploadLogRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace UploadLogRequest {

            /** Properties of an UploadLogRequest. */
            interface $Properties {

                /** The log, gzip-compressed: it must start with the gzip magic bytes 1f 8b. */
                log?: Uint8Array;

                /** The client's version, 0..64 characters. */
                appVersion?: string;

                /** The device the log comes from, 0..64 characters; the caller's device when empty. */
                deviceId?: string;

                /** Why it was sent ("crash", "user report", ...), 0..256 characters. */
                reason?: string;

                /**
                 * Anything else, for operators: at most 16 entries, keys of 1..64 characters out of
                 * [A-Za-z0-9_.-], values of 0..256 characters.
                 */
                metadata?: { [k: string]: string };

                /** UploadLogRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UploadLogRequest. */
            type $Shape = weft.v1.UploadLogRequest.$Properties;
        }

        /**
         * Properties of an UploadLogResponse.
         * @deprecated Use weft.v1.UploadLogResponse.$Properties instead.
         */
        interface IUploadLogResponse extends weft.v1.UploadLogResponse.$Properties {
        }

        /** Represents an UploadLogResponse. */
        class UploadLogResponse {

            /** Reflection-backed declarations are not constructable. Use UploadLogResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UploadLogResponse base. */
            base: weft.v1.BaseResponse;

            /** UploadLogResponse report. */
            report: weft.v1.LogReportStored;
        }

        namespace UploadLogResponse {

            /** Properties of an UploadLogResponse. */
            interface $Properties {

                /** UploadLogResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** UploadLogResponse report */
                report?: weft.v1.LogReportStored.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UploadLogResponse. */
            type $Shape = weft.v1.UploadLogResponse.$Properties;
        }

        /**
         * Properties of a LogReportStored.
         * @deprecated Use weft.v1.LogReportStored.$Properties instead.
         */
        interface ILogReportStored extends weft.v1.LogReportStored.$Properties {
        }

        /**
         * A stored report, as its uploader learns it. (Not appended to the user's log: no other device
         * needs to act on it.)
         */
        class LogReportStored {

            /** Reflection-backed declarations are not constructable. Use LogReportStored.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** "<user id>~<suffix>": the name of the report on the admin port. */
            reportId: string;

            /** LogReportStored sizeBytes. */
            sizeBytes: number;

            /** LogReportStored uploadedAtMs. */
            uploadedAtMs: number;
        }

        namespace LogReportStored {

            /** Properties of a LogReportStored. */
            interface $Properties {

                /** "<user id>~<suffix>": the name of the report on the admin port. */
                reportId?: string;

                /** LogReportStored sizeBytes */
                sizeBytes?: number;

                /** LogReportStored uploadedAtMs */
                uploadedAtMs?: number;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LogReportStored. */
            type $Shape = weft.v1.LogReportStored.$Properties;
        }

        /** PushPlatform enum. */
        enum PushPlatform {

            /** PUSH_PLATFORM_UNSPECIFIED value */
            PUSH_PLATFORM_UNSPECIFIED = 0,

            /** Apple Push Notification service: `token` is the device token (hex). */
            PUSH_PLATFORM_APNS = 1,

            /** Firebase Cloud Messaging (HTTP v1): `token` is the registration token. */
            PUSH_PLATFORM_FCM = 2,

            /**
             * Web Push (RFC 8030 with VAPID, RFC 8291 payload encryption): `web_push` is the browser's
             * PushSubscription; `token` is unused.
             */
            PUSH_PLATFORM_WEB_PUSH = 3,

            /**
             * The app's own push server, called by the server's configured webhook: `token` is whatever
             * that server needs to find the device (opaque to weft, 1..4096 characters).
             */
            PUSH_PLATFORM_WEBHOOK = 4
        }

        /**
         * Properties of a WebPushSubscription.
         * @deprecated Use weft.v1.WebPushSubscription.$Properties instead.
         */
        interface IWebPushSubscription extends weft.v1.WebPushSubscription.$Properties {
        }

        /** A browser's PushSubscription (PushSubscription.toJSON()). */
        class WebPushSubscription {

            /** Reflection-backed declarations are not constructable. Use WebPushSubscription.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** The push service URL to POST to (https; the server may restrict the hosts it accepts). */
            endpoint: string;

            /** keys.p256dh: the subscription's P-256 public key, base64url. */
            p256dh: string;

            /** keys.auth: the 16-byte authentication secret, base64url. */
            auth: string;
        }

        namespace WebPushSubscription {

            /** Properties of a WebPushSubscription. */
            interface $Properties {

                /** The push service URL to POST to (https; the server may restrict the hosts it accepts). */
                endpoint?: string;

                /** keys.p256dh: the subscription's P-256 public key, base64url. */
                p256dh?: string;

                /** keys.auth: the 16-byte authentication secret, base64url. */
                auth?: string;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a WebPushSubscription. */
            type $Shape = weft.v1.WebPushSubscription.$Properties;
        }

        /**
         * Properties of a RegisterPushRequest.
         * @deprecated Use weft.v1.RegisterPushRequest.$Properties instead.
         */
        interface IRegisterPushRequest extends weft.v1.RegisterPushRequest.$Properties {
        }

        /**
         * COMMAND_REGISTER_PUSH: registers (or replaces) the push address of the caller's session.
         * Errors: BAD_REQUEST (unknown platform, missing or oversized token, a Web Push endpoint that
         * is not https or not on the server's list of push services, too many muted conversations),
         * UNAVAILABLE (the platform is not configured on this server: the message says which).
         */
        class RegisterPushRequest {

            /** Reflection-backed declarations are not constructable. Use RegisterPushRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RegisterPushRequest platform. */
            platform: weft.v1.PushPlatform;

            /** APNs / FCM / webhook: the token (1..4096 characters). */
            token: string;

            /** Web Push: the subscription. */
            webPush: weft.v1.WebPushSubscription;

            /** APNs: the topic (the app's bundle id), when not the server's default. FCM: unused. */
            appId: string;

            /** BCP 47 language tag of the device ("en", "de-CH"), for the text of notifications. */
            locale: string;

            /**
             * True: a notification of a message shows the message's text. False (the default): only the
             * sender and a count.
             */
            preview: boolean;

            /** Conversations (a user id for 1:1, a group id) that never notify this device. At most 1000. */
            muted: string[];

            /** RegisterPushRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace RegisterPushRequest {

            /** Properties of a RegisterPushRequest. */
            interface $Properties {

                /** RegisterPushRequest platform */
                platform?: weft.v1.PushPlatform;

                /** APNs / FCM / webhook: the token (1..4096 characters). */
                token?: string;

                /** Web Push: the subscription. */
                webPush?: weft.v1.WebPushSubscription.$Properties;

                /** APNs: the topic (the app's bundle id), when not the server's default. FCM: unused. */
                appId?: string;

                /** BCP 47 language tag of the device ("en", "de-CH"), for the text of notifications. */
                locale?: string;

                /**
                 * True: a notification of a message shows the message's text. False (the default): only the
                 * sender and a count.
                 */
                preview?: boolean;

                /** Conversations (a user id for 1:1, a group id) that never notify this device. At most 1000. */
                muted?: string[];

                /** RegisterPushRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RegisterPushRequest. */
            type $Shape = weft.v1.RegisterPushRequest.$Properties;
        }

        /**
         * Properties of a RegisterPushResponse.
         * @deprecated Use weft.v1.RegisterPushResponse.$Properties instead.
         */
        interface IRegisterPushResponse extends weft.v1.RegisterPushResponse.$Properties {
        }

        /** Represents a RegisterPushResponse. */
        class RegisterPushResponse {

            /** Reflection-backed declarations are not constructable. Use RegisterPushResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RegisterPushResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace RegisterPushResponse {

            /** Properties of a RegisterPushResponse. */
            interface $Properties {

                /** RegisterPushResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RegisterPushResponse. */
            type $Shape = weft.v1.RegisterPushResponse.$Properties;
        }

        /**
         * Properties of an UnregisterPushRequest.
         * @deprecated Use weft.v1.UnregisterPushRequest.$Properties instead.
         */
        interface IUnregisterPushRequest extends weft.v1.UnregisterPushRequest.$Properties {
        }

        /**
         * COMMAND_UNREGISTER_PUSH: the caller's session stops receiving notifications. Answers OK when
         * there was no registration.
         */
        class UnregisterPushRequest {

            /** Reflection-backed declarations are not constructable. Use UnregisterPushRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UnregisterPushRequest base. */
            base: weft.v1.BaseRequest;
        }

        namespace UnregisterPushRequest {

            /** Properties of an UnregisterPushRequest. */
            interface $Properties {

                /** UnregisterPushRequest base */
                base?: weft.v1.BaseRequest.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UnregisterPushRequest. */
            type $Shape = weft.v1.UnregisterPushRequest.$Properties;
        }

        /**
         * Properties of an UnregisterPushResponse.
         * @deprecated Use weft.v1.UnregisterPushResponse.$Properties instead.
         */
        interface IUnregisterPushResponse extends weft.v1.UnregisterPushResponse.$Properties {
        }

        /** Represents an UnregisterPushResponse. */
        class UnregisterPushResponse {

            /** Reflection-backed declarations are not constructable. Use UnregisterPushResponse.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** UnregisterPushResponse base. */
            base: weft.v1.BaseResponse;
        }

        namespace UnregisterPushResponse {

            /** Properties of an UnregisterPushResponse. */
            interface $Properties {

                /** UnregisterPushResponse base */
                base?: weft.v1.BaseResponse.$Properties;

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an UnregisterPushResponse. */
            type $Shape = weft.v1.UnregisterPushResponse.$Properties;
        }
    }
}

/** Reflected root namespace. */
declare const _default: $protobuf.Root;
export default _default;
