/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/light.js";

const $root = ($protobuf.roots["weft"] || ($protobuf.roots["weft"] = new $protobuf.Root()))
.addJSON({
  "weft": {
    "nested": {
      "v1": {
        "nested": {
          "RegisterRequest": {
            "fields": {
              "userId": {
                "type": "string",
                "id": 1,
                "protoName": "user_id"
              },
              "password": {
                "type": "string",
                "id": 2
              },
              "displayName": {
                "type": "string",
                "id": 3,
                "protoName": "display_name"
              },
              "homeIdc": {
                "type": "string",
                "id": 4,
                "protoName": "home_idc"
              }
            }
          },
          "RegisterResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          },
          "AuthRequest": {
            "oneofs": {
              "credential": {
                "oneof": [
                  "password",
                  "resumeToken",
                  "appToken"
                ]
              },
              "_syncCursor": {
                "oneof": [
                  "syncCursor"
                ]
              }
            },
            "fields": {
              "userId": {
                "type": "string",
                "id": 1,
                "protoName": "user_id"
              },
              "password": {
                "type": "string",
                "id": 2
              },
              "resumeToken": {
                "type": "string",
                "id": 3,
                "protoName": "resume_token"
              },
              "appToken": {
                "type": "string",
                "id": 9,
                "protoName": "app_token"
              },
              "device": {
                "type": "Device",
                "id": 4
              },
              "syncCursor": {
                "type": "uint64",
                "id": 5,
                "protoName": "sync_cursor",
                "options": {
                  "proto3_optional": true
                }
              },
              "syncLimit": {
                "type": "uint32",
                "id": 6,
                "protoName": "sync_limit"
              },
              "routeListVersion": {
                "type": "uint32",
                "id": 7,
                "protoName": "route_list_version"
              },
              "replacesConnectionId": {
                "type": "uint64",
                "id": 8,
                "protoName": "replaces_connection_id"
              },
              "omitKnown": {
                "type": "bool",
                "id": 10,
                "protoName": "omit_known"
              }
            }
          },
          "AuthResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "sessionToken": {
                "type": "string",
                "id": 2,
                "protoName": "session_token"
              },
              "heartbeatMinSeconds": {
                "type": "uint32",
                "id": 3,
                "protoName": "heartbeat_min_seconds"
              },
              "heartbeatMaxSeconds": {
                "type": "uint32",
                "id": 4,
                "protoName": "heartbeat_max_seconds"
              },
              "currentSeq": {
                "type": "uint64",
                "id": 5,
                "protoName": "current_seq"
              },
              "epoch": {
                "type": "string",
                "id": 6
              },
              "serverTimeMs": {
                "type": "uint64",
                "id": 7,
                "protoName": "server_time_ms"
              },
              "sync": {
                "type": "SyncResponse",
                "id": 8
              },
              "endpoints": {
                "rule": "repeated",
                "type": "Endpoint",
                "id": 9
              },
              "routeListVersion": {
                "type": "uint32",
                "id": 10,
                "protoName": "route_list_version"
              },
              "connectionId": {
                "type": "uint64",
                "id": 11,
                "protoName": "connection_id"
              },
              "userId": {
                "type": "string",
                "id": 12,
                "protoName": "user_id"
              }
            }
          },
          "PingRequest": {
            "fields": {
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "PongResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "serverTimeMs": {
                "type": "uint64",
                "id": 2,
                "protoName": "server_time_ms"
              }
            }
          },
          "Command": {
            "values": {
              "COMMAND_UNSPECIFIED": 0,
              "COMMAND_ERROR": 1,
              "COMMAND_REGISTER": 2,
              "COMMAND_AUTH": 3,
              "COMMAND_PING": 4,
              "COMMAND_SEND_MESSAGE": 5,
              "COMMAND_SYNC": 6,
              "COMMAND_PUSH": 7,
              "COMMAND_LOGOUT": 8,
              "COMMAND_KICKED": 9,
              "COMMAND_LIST_DEVICES": 10,
              "COMMAND_POLL": 11,
              "COMMAND_REGISTER_PUSH": 12,
              "COMMAND_UNREGISTER_PUSH": 13,
              "COMMAND_CHANGE_PASSWORD": 14,
              "COMMAND_FRIEND_REQUEST": 20,
              "COMMAND_FRIEND_RESPOND": 21,
              "COMMAND_LIST_CONTACTS": 22,
              "COMMAND_REMOVE_CONTACT": 23,
              "COMMAND_GET_PROFILE": 30,
              "COMMAND_SET_PROFILE": 31,
              "COMMAND_SET_AVATAR": 32,
              "COMMAND_CREATE_GROUP": 40,
              "COMMAND_ADD_MEMBERS": 41,
              "COMMAND_REMOVE_MEMBER": 42,
              "COMMAND_LEAVE_GROUP": 43,
              "COMMAND_RENAME_GROUP": 44,
              "COMMAND_LIST_MEMBERS": 45,
              "COMMAND_SYNC_GROUP": 46,
              "COMMAND_SET_GROUP_SETTINGS": 47,
              "COMMAND_RECALL_MESSAGE": 50,
              "COMMAND_MARK_READ": 51,
              "COMMAND_UNREAD_COUNTS": 52,
              "COMMAND_POST_MOMENT": 60,
              "COMMAND_LIST_FEED": 61,
              "COMMAND_COMMENT_MOMENT": 62,
              "COMMAND_LIKE_MOMENT": 63,
              "COMMAND_UPLOAD_LOG": 70,
              "COMMAND_UPLOAD_INIT": 80,
              "COMMAND_UPLOAD_CHUNK": 81,
              "COMMAND_UPLOAD_COMPLETE": 82,
              "COMMAND_MEDIA_INFO": 83,
              "COMMAND_ROUTE_LIST": 90,
              "COMMAND_REPORT_CONNECT_TIMES": 91
            }
          },
          "StatusCode": {
            "values": {
              "OK": 0,
              "BAD_REQUEST": 1000,
              "UNKNOWN_COMMAND": 1001,
              "FRAME_TOO_LARGE": 1002,
              "UNSUPPORTED_VERSION": 1003,
              "NOT_LOGGED_IN": 1004,
              "ALREADY_LOGGED_IN": 1005,
              "WRONG_CREDENTIALS": 2001,
              "USER_EXISTS": 2002,
              "INVALID_TOKEN": 2003,
              "INVALID_USER_ID": 2004,
              "WRONG_IDC": 2005,
              "RECIPIENT_NOT_FOUND": 3001,
              "NOT_FOUND": 3002,
              "FORBIDDEN": 3003,
              "NOT_A_MEMBER": 3004,
              "NOT_A_CONTACT": 3005,
              "RECALL_WINDOW_PASSED": 3006,
              "CONFLICT": 3007,
              "TOO_LARGE": 3008,
              "LOGGED_OUT": 3009,
              "REJECTED": 3010,
              "RATE_LIMITED": 4029,
              "INTERNAL": 5000,
              "UNAVAILABLE": 5003
            }
          },
          "BaseRequest": {
            "fields": {
              "userId": {
                "type": "string",
                "id": 1,
                "protoName": "user_id"
              },
              "sessionToken": {
                "type": "string",
                "id": 2,
                "protoName": "session_token"
              },
              "deviceId": {
                "type": "string",
                "id": 3,
                "protoName": "device_id"
              }
            }
          },
          "BaseResponse": {
            "fields": {
              "code": {
                "type": "StatusCode",
                "id": 1
              },
              "message": {
                "type": "string",
                "id": 2
              }
            }
          },
          "ErrorFrame": {
            "fields": {
              "code": {
                "type": "StatusCode",
                "id": 1
              },
              "message": {
                "type": "string",
                "id": 2
              },
              "command": {
                "type": "uint32",
                "id": 3
              }
            }
          },
          "Platform": {
            "values": {
              "PLATFORM_UNSPECIFIED": 0,
              "PLATFORM_IOS": 1,
              "PLATFORM_ANDROID": 2,
              "PLATFORM_WEB": 3,
              "PLATFORM_DESKTOP": 4,
              "PLATFORM_CLI": 5
            }
          },
          "Device": {
            "fields": {
              "deviceId": {
                "type": "string",
                "id": 1,
                "protoName": "device_id"
              },
              "platform": {
                "type": "Platform",
                "id": 2
              },
              "name": {
                "type": "string",
                "id": 3
              }
            }
          },
          "Transport": {
            "values": {
              "TRANSPORT_UNSPECIFIED": 0,
              "TRANSPORT_TCP": 1,
              "TRANSPORT_WS": 2,
              "TRANSPORT_HTTP": 3
            }
          },
          "Endpoint": {
            "fields": {
              "address": {
                "type": "string",
                "id": 1
              },
              "port": {
                "type": "uint32",
                "id": 2
              },
              "transport": {
                "type": "Transport",
                "id": 3
              },
              "weight": {
                "type": "uint32",
                "id": 4
              }
            }
          },
          "RouteListRequest": {
            "fields": {
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "RouteListResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "endpoints": {
                "rule": "repeated",
                "type": "Endpoint",
                "id": 2
              },
              "routeListVersion": {
                "type": "uint32",
                "id": 3,
                "protoName": "route_list_version"
              }
            }
          },
          "ConnectTime": {
            "fields": {
              "address": {
                "type": "string",
                "id": 1
              },
              "port": {
                "type": "uint32",
                "id": 2
              },
              "transport": {
                "type": "Transport",
                "id": 3
              },
              "connectMs": {
                "type": "uint32",
                "id": 4,
                "protoName": "connect_ms"
              },
              "failed": {
                "type": "bool",
                "id": 5
              }
            }
          },
          "ReportConnectTimesRequest": {
            "fields": {
              "times": {
                "rule": "repeated",
                "type": "ConnectTime",
                "id": 1
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "ReportConnectTimesResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "accepted": {
                "type": "uint32",
                "id": 2
              },
              "ignored": {
                "type": "uint32",
                "id": 3
              }
            }
          },
          "MessageType": {
            "values": {
              "MESSAGE_TYPE_TEXT": 0,
              "MESSAGE_TYPE_IMAGE": 1,
              "MESSAGE_TYPE_VOICE": 2,
              "MESSAGE_TYPE_VIDEO": 3,
              "MESSAGE_TYPE_FILE": 4,
              "MESSAGE_TYPE_SYSTEM": 5
            }
          },
          "Media": {
            "fields": {
              "mediaId": {
                "type": "string",
                "id": 1,
                "protoName": "media_id"
              },
              "mimeType": {
                "type": "string",
                "id": 2,
                "protoName": "mime_type"
              },
              "size": {
                "type": "uint64",
                "id": 3
              },
              "thumbnailMediaId": {
                "type": "string",
                "id": 4,
                "protoName": "thumbnail_media_id"
              },
              "durationMs": {
                "type": "uint32",
                "id": 5,
                "protoName": "duration_ms"
              },
              "fileName": {
                "type": "string",
                "id": 6,
                "protoName": "file_name"
              }
            }
          },
          "Message": {
            "fields": {
              "messageId": {
                "type": "string",
                "id": 1,
                "protoName": "message_id"
              },
              "from": {
                "type": "string",
                "id": 2
              },
              "to": {
                "type": "string",
                "id": 3
              },
              "type": {
                "type": "MessageType",
                "id": 4
              },
              "text": {
                "type": "string",
                "id": 5
              },
              "clientMsgId": {
                "type": "string",
                "id": 6,
                "protoName": "client_msg_id"
              },
              "sentAtMs": {
                "type": "uint64",
                "id": 7,
                "protoName": "sent_at_ms"
              },
              "groupId": {
                "type": "string",
                "id": 8,
                "protoName": "group_id"
              },
              "media": {
                "type": "Media",
                "id": 9
              },
              "mentions": {
                "rule": "repeated",
                "type": "string",
                "id": 10
              },
              "replyTo": {
                "type": "string",
                "id": 11,
                "protoName": "reply_to"
              }
            }
          },
          "Change": {
            "oneofs": {
              "body": {
                "oneof": [
                  "message",
                  "recalled",
                  "read",
                  "device",
                  "contact",
                  "profile",
                  "group",
                  "groupNews",
                  "moment",
                  "mediaReady",
                  "app"
                ]
              }
            },
            "fields": {
              "seq": {
                "type": "uint64",
                "id": 1
              },
              "atMs": {
                "type": "uint64",
                "id": 2,
                "protoName": "at_ms"
              },
              "message": {
                "type": "Message",
                "id": 10
              },
              "recalled": {
                "type": "MessageRecalled",
                "id": 11
              },
              "read": {
                "type": "ReadReceipt",
                "id": 12
              },
              "device": {
                "type": "DeviceEvent",
                "id": 15
              },
              "contact": {
                "type": "ContactEvent",
                "id": 20
              },
              "profile": {
                "type": "ProfileChanged",
                "id": 30
              },
              "group": {
                "type": "GroupEvent",
                "id": 40
              },
              "groupNews": {
                "type": "GroupNews",
                "id": 41,
                "protoName": "group_news"
              },
              "moment": {
                "type": "MomentEvent",
                "id": 60
              },
              "mediaReady": {
                "type": "MediaReady",
                "id": 80,
                "protoName": "media_ready"
              },
              "app": {
                "type": "AppEvent",
                "id": 90
              }
            }
          },
          "AppEvent": {
            "fields": {
              "type": {
                "type": "string",
                "id": 1
              },
              "payload": {
                "type": "bytes",
                "id": 2
              },
              "from": {
                "type": "string",
                "id": 3
              }
            }
          },
          "MessageRecalled": {
            "fields": {
              "messageId": {
                "type": "string",
                "id": 1,
                "protoName": "message_id"
              },
              "from": {
                "type": "string",
                "id": 2
              },
              "to": {
                "type": "string",
                "id": 3
              },
              "groupId": {
                "type": "string",
                "id": 4,
                "protoName": "group_id"
              },
              "recalledAtMs": {
                "type": "uint64",
                "id": 5,
                "protoName": "recalled_at_ms"
              }
            }
          },
          "ReadReceipt": {
            "fields": {
              "reader": {
                "type": "string",
                "id": 1
              },
              "peer": {
                "type": "string",
                "id": 2
              },
              "groupId": {
                "type": "string",
                "id": 3,
                "protoName": "group_id"
              },
              "messageId": {
                "type": "string",
                "id": 4,
                "protoName": "message_id"
              },
              "readerSeq": {
                "type": "uint64",
                "id": 5,
                "protoName": "reader_seq"
              },
              "readAtMs": {
                "type": "uint64",
                "id": 6,
                "protoName": "read_at_ms"
              },
              "groupSeq": {
                "type": "uint64",
                "id": 7,
                "protoName": "group_seq"
              }
            }
          },
          "SyncRequest": {
            "fields": {
              "cursor": {
                "type": "uint64",
                "id": 1
              },
              "limit": {
                "type": "uint32",
                "id": 2
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "SyncResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "changes": {
                "rule": "repeated",
                "type": "Change",
                "id": 2
              },
              "cursor": {
                "type": "uint64",
                "id": 3
              },
              "more": {
                "type": "bool",
                "id": 4
              },
              "epoch": {
                "type": "string",
                "id": 5
              }
            }
          },
          "PollRequest": {
            "fields": {
              "cursor": {
                "type": "uint64",
                "id": 1
              },
              "limit": {
                "type": "uint32",
                "id": 2
              },
              "timeoutMs": {
                "type": "uint32",
                "id": 3,
                "protoName": "timeout_ms"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "Push": {
            "fields": {
              "change": {
                "type": "Change",
                "id": 1
              },
              "epoch": {
                "type": "string",
                "id": 2
              },
              "groupId": {
                "type": "string",
                "id": 3,
                "protoName": "group_id"
              }
            }
          },
          "SendMessageRequest": {
            "fields": {
              "to": {
                "type": "string",
                "id": 1
              },
              "type": {
                "type": "MessageType",
                "id": 2
              },
              "text": {
                "type": "string",
                "id": 3
              },
              "clientMsgId": {
                "type": "string",
                "id": 4,
                "protoName": "client_msg_id"
              },
              "groupId": {
                "type": "string",
                "id": 5,
                "protoName": "group_id"
              },
              "media": {
                "type": "Media",
                "id": 6
              },
              "noEcho": {
                "type": "bool",
                "id": 7,
                "protoName": "no_echo"
              },
              "mentions": {
                "rule": "repeated",
                "type": "string",
                "id": 8
              },
              "replyTo": {
                "type": "string",
                "id": 9,
                "protoName": "reply_to"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "SendMessageResponse": {
            "oneofs": {
              "_text": {
                "oneof": [
                  "text"
                ]
              }
            },
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "messageId": {
                "type": "string",
                "id": 2,
                "protoName": "message_id"
              },
              "seq": {
                "type": "uint64",
                "id": 3
              },
              "sentAtMs": {
                "type": "uint64",
                "id": 4,
                "protoName": "sent_at_ms"
              },
              "duplicate": {
                "type": "bool",
                "id": 5
              },
              "text": {
                "type": "string",
                "id": 6,
                "options": {
                  "proto3_optional": true
                }
              },
              "groupSeq": {
                "type": "uint64",
                "id": 7,
                "protoName": "group_seq"
              }
            }
          },
          "RecallMessageRequest": {
            "fields": {
              "messageId": {
                "type": "string",
                "id": 1,
                "protoName": "message_id"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "RecallMessageResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "seq": {
                "type": "uint64",
                "id": 2
              },
              "recalledAtMs": {
                "type": "uint64",
                "id": 3,
                "protoName": "recalled_at_ms"
              }
            }
          },
          "MarkReadRequest": {
            "fields": {
              "conversation": {
                "type": "string",
                "id": 1
              },
              "seq": {
                "type": "uint64",
                "id": 2
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "MarkReadResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "unread": {
                "type": "uint32",
                "id": 2
              },
              "receiptSeq": {
                "type": "uint64",
                "id": 3,
                "protoName": "receipt_seq"
              },
              "messageId": {
                "type": "string",
                "id": 4,
                "protoName": "message_id"
              }
            }
          },
          "UnreadCountsRequest": {
            "fields": {
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "UnreadCount": {
            "fields": {
              "conversation": {
                "type": "string",
                "id": 1
              },
              "count": {
                "type": "uint32",
                "id": 2
              },
              "lastSeq": {
                "type": "uint64",
                "id": 3,
                "protoName": "last_seq"
              },
              "lastMessageId": {
                "type": "string",
                "id": 4,
                "protoName": "last_message_id"
              },
              "lastGroupSeq": {
                "type": "uint64",
                "id": 5,
                "protoName": "last_group_seq"
              }
            }
          },
          "UnreadCountsResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "conversations": {
                "rule": "repeated",
                "type": "UnreadCount",
                "id": 2
              },
              "total": {
                "type": "uint32",
                "id": 3
              },
              "seq": {
                "type": "uint64",
                "id": 4
              }
            }
          },
          "Kicked": {
            "fields": {
              "code": {
                "type": "StatusCode",
                "id": 1
              },
              "reason": {
                "type": "string",
                "id": 2
              }
            }
          },
          "LogoutRequest": {
            "fields": {
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "LogoutResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          },
          "ChangePasswordRequest": {
            "fields": {
              "base": {
                "type": "BaseRequest",
                "id": 15
              },
              "oldPassword": {
                "type": "string",
                "id": 1,
                "protoName": "old_password"
              },
              "newPassword": {
                "type": "string",
                "id": 2,
                "protoName": "new_password"
              }
            }
          },
          "ChangePasswordResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          },
          "ListDevicesRequest": {
            "fields": {
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "DeviceSession": {
            "fields": {
              "device": {
                "type": "Device",
                "id": 1
              },
              "sessionId": {
                "type": "string",
                "id": 2,
                "protoName": "session_id"
              },
              "issuedAtMs": {
                "type": "uint64",
                "id": 3,
                "protoName": "issued_at_ms"
              },
              "lastSeenAtMs": {
                "type": "uint64",
                "id": 4,
                "protoName": "last_seen_at_ms"
              },
              "current": {
                "type": "bool",
                "id": 5
              }
            }
          },
          "ListDevicesResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "sessions": {
                "rule": "repeated",
                "type": "DeviceSession",
                "id": 2
              }
            }
          },
          "DeviceEventKind": {
            "values": {
              "DEVICE_EVENT_KIND_UNSPECIFIED": 0,
              "DEVICE_EVENT_KIND_LOGIN": 1,
              "DEVICE_EVENT_KIND_LOGOUT": 2,
              "DEVICE_EVENT_KIND_KICKED": 3
            }
          },
          "DeviceEvent": {
            "fields": {
              "kind": {
                "type": "DeviceEventKind",
                "id": 1
              },
              "device": {
                "type": "Device",
                "id": 2
              },
              "sessionId": {
                "type": "string",
                "id": 3,
                "protoName": "session_id"
              },
              "reason": {
                "type": "string",
                "id": 4
              },
              "byDevice": {
                "type": "Device",
                "id": 5,
                "protoName": "by_device"
              }
            }
          },
          "ContactEventKind": {
            "values": {
              "CONTACT_EVENT_KIND_UNSPECIFIED": 0,
              "CONTACT_EVENT_KIND_REQUEST_SENT": 1,
              "CONTACT_EVENT_KIND_REQUEST_RECEIVED": 2,
              "CONTACT_EVENT_KIND_ACCEPTED": 3,
              "CONTACT_EVENT_KIND_DECLINED": 4,
              "CONTACT_EVENT_KIND_REMOVED": 5
            }
          },
          "ContactEvent": {
            "fields": {
              "kind": {
                "type": "ContactEventKind",
                "id": 1
              },
              "peer": {
                "type": "string",
                "id": 2
              },
              "actor": {
                "type": "string",
                "id": 3
              },
              "message": {
                "type": "string",
                "id": 4
              }
            }
          },
          "ContactState": {
            "values": {
              "CONTACT_STATE_UNSPECIFIED": 0,
              "CONTACT_STATE_CONTACT": 1,
              "CONTACT_STATE_REQUEST_SENT": 2,
              "CONTACT_STATE_REQUEST_RECEIVED": 3
            }
          },
          "Contact": {
            "fields": {
              "userId": {
                "type": "string",
                "id": 1,
                "protoName": "user_id"
              },
              "state": {
                "type": "ContactState",
                "id": 2
              },
              "sinceMs": {
                "type": "uint64",
                "id": 3,
                "protoName": "since_ms"
              },
              "message": {
                "type": "string",
                "id": 4
              }
            }
          },
          "FriendRequestRequest": {
            "fields": {
              "userId": {
                "type": "string",
                "id": 1,
                "protoName": "user_id"
              },
              "message": {
                "type": "string",
                "id": 2
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "FriendRequestResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "accepted": {
                "type": "bool",
                "id": 2
              }
            }
          },
          "FriendRespondRequest": {
            "fields": {
              "userId": {
                "type": "string",
                "id": 1,
                "protoName": "user_id"
              },
              "accept": {
                "type": "bool",
                "id": 2
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "FriendRespondResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          },
          "ListContactsRequest": {
            "fields": {
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "ListContactsResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "contacts": {
                "rule": "repeated",
                "type": "Contact",
                "id": 2
              }
            }
          },
          "RemoveContactRequest": {
            "fields": {
              "userId": {
                "type": "string",
                "id": 1,
                "protoName": "user_id"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "RemoveContactResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          },
          "Profile": {
            "fields": {
              "userId": {
                "type": "string",
                "id": 1,
                "protoName": "user_id"
              },
              "displayName": {
                "type": "string",
                "id": 2,
                "protoName": "display_name"
              },
              "signature": {
                "type": "string",
                "id": 3
              },
              "avatarUrl": {
                "type": "string",
                "id": 4,
                "protoName": "avatar_url"
              },
              "version": {
                "type": "uint64",
                "id": 5
              },
              "updatedAtMs": {
                "type": "uint64",
                "id": 6,
                "protoName": "updated_at_ms"
              }
            }
          },
          "ProfileChanged": {
            "fields": {
              "profile": {
                "type": "Profile",
                "id": 1
              }
            }
          },
          "GetProfileRequest": {
            "fields": {
              "userId": {
                "type": "string",
                "id": 1,
                "protoName": "user_id"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "GetProfileResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "profile": {
                "type": "Profile",
                "id": 2
              }
            }
          },
          "SetProfileRequest": {
            "oneofs": {
              "_displayName": {
                "oneof": [
                  "displayName"
                ]
              },
              "_signature": {
                "oneof": [
                  "signature"
                ]
              }
            },
            "fields": {
              "displayName": {
                "type": "string",
                "id": 1,
                "protoName": "display_name",
                "options": {
                  "proto3_optional": true
                }
              },
              "signature": {
                "type": "string",
                "id": 2,
                "options": {
                  "proto3_optional": true
                }
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "SetProfileResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "profile": {
                "type": "Profile",
                "id": 2
              }
            }
          },
          "SetAvatarRequest": {
            "fields": {
              "image": {
                "type": "bytes",
                "id": 1
              },
              "contentType": {
                "type": "string",
                "id": 2,
                "protoName": "content_type"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "SetAvatarResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "profile": {
                "type": "Profile",
                "id": 2
              }
            }
          },
          "GroupEventKind": {
            "values": {
              "GROUP_EVENT_KIND_UNSPECIFIED": 0,
              "GROUP_EVENT_KIND_CREATED": 1,
              "GROUP_EVENT_KIND_MEMBERS_ADDED": 2,
              "GROUP_EVENT_KIND_MEMBER_REMOVED": 3,
              "GROUP_EVENT_KIND_MEMBER_LEFT": 4,
              "GROUP_EVENT_KIND_RENAMED": 5,
              "GROUP_EVENT_KIND_CONVERTED": 6,
              "GROUP_EVENT_KIND_SETTINGS_CHANGED": 7
            }
          },
          "GroupSettings": {
            "fields": {
              "readDiffusionThreshold": {
                "type": "uint32",
                "id": 1,
                "protoName": "read_diffusion_threshold"
              },
              "historyVisible": {
                "type": "bool",
                "id": 2,
                "protoName": "history_visible"
              }
            }
          },
          "GroupNews": {
            "fields": {
              "groupId": {
                "type": "string",
                "id": 1,
                "protoName": "group_id"
              },
              "seq": {
                "type": "uint64",
                "id": 2
              }
            }
          },
          "GroupEvent": {
            "fields": {
              "kind": {
                "type": "GroupEventKind",
                "id": 1
              },
              "groupId": {
                "type": "string",
                "id": 2,
                "protoName": "group_id"
              },
              "actor": {
                "type": "string",
                "id": 3
              },
              "userIds": {
                "rule": "repeated",
                "type": "string",
                "id": 4,
                "protoName": "user_ids"
              },
              "name": {
                "type": "string",
                "id": 5
              },
              "owner": {
                "type": "string",
                "id": 6
              },
              "memberCount": {
                "type": "uint32",
                "id": 7,
                "protoName": "member_count"
              },
              "readDiffusion": {
                "type": "bool",
                "id": 8,
                "protoName": "read_diffusion"
              },
              "logSeq": {
                "type": "uint64",
                "id": 9,
                "protoName": "log_seq"
              },
              "settings": {
                "type": "GroupSettings",
                "id": 10
              }
            }
          },
          "GroupMember": {
            "fields": {
              "userId": {
                "type": "string",
                "id": 1,
                "protoName": "user_id"
              },
              "joinedAtMs": {
                "type": "uint64",
                "id": 2,
                "protoName": "joined_at_ms"
              }
            }
          },
          "GroupInfo": {
            "fields": {
              "groupId": {
                "type": "string",
                "id": 1,
                "protoName": "group_id"
              },
              "name": {
                "type": "string",
                "id": 2
              },
              "owner": {
                "type": "string",
                "id": 3
              },
              "members": {
                "rule": "repeated",
                "type": "GroupMember",
                "id": 4
              },
              "createdAtMs": {
                "type": "uint64",
                "id": 5,
                "protoName": "created_at_ms"
              },
              "settings": {
                "type": "GroupSettings",
                "id": 6
              },
              "readDiffusion": {
                "type": "bool",
                "id": 7,
                "protoName": "read_diffusion"
              },
              "logSeq": {
                "type": "uint64",
                "id": 8,
                "protoName": "log_seq"
              }
            }
          },
          "CreateGroupRequest": {
            "fields": {
              "name": {
                "type": "string",
                "id": 1
              },
              "members": {
                "rule": "repeated",
                "type": "string",
                "id": 2
              },
              "settings": {
                "type": "GroupSettings",
                "id": 3
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "CreateGroupResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "group": {
                "type": "GroupInfo",
                "id": 2
              }
            }
          },
          "AddMembersRequest": {
            "fields": {
              "groupId": {
                "type": "string",
                "id": 1,
                "protoName": "group_id"
              },
              "userIds": {
                "rule": "repeated",
                "type": "string",
                "id": 2,
                "protoName": "user_ids"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "AddMembersResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "added": {
                "rule": "repeated",
                "type": "string",
                "id": 2
              },
              "memberCount": {
                "type": "uint32",
                "id": 3,
                "protoName": "member_count"
              }
            }
          },
          "RemoveMemberRequest": {
            "fields": {
              "groupId": {
                "type": "string",
                "id": 1,
                "protoName": "group_id"
              },
              "userId": {
                "type": "string",
                "id": 2,
                "protoName": "user_id"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "RemoveMemberResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          },
          "LeaveGroupRequest": {
            "fields": {
              "groupId": {
                "type": "string",
                "id": 1,
                "protoName": "group_id"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "LeaveGroupResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          },
          "RenameGroupRequest": {
            "fields": {
              "groupId": {
                "type": "string",
                "id": 1,
                "protoName": "group_id"
              },
              "name": {
                "type": "string",
                "id": 2
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "RenameGroupResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          },
          "ListMembersRequest": {
            "fields": {
              "groupId": {
                "type": "string",
                "id": 1,
                "protoName": "group_id"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "ListMembersResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "group": {
                "type": "GroupInfo",
                "id": 2
              }
            }
          },
          "SyncGroupRequest": {
            "fields": {
              "groupId": {
                "type": "string",
                "id": 1,
                "protoName": "group_id"
              },
              "cursor": {
                "type": "uint64",
                "id": 2
              },
              "limit": {
                "type": "uint32",
                "id": 3
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "SyncGroupResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "changes": {
                "rule": "repeated",
                "type": "Change",
                "id": 2
              },
              "cursor": {
                "type": "uint64",
                "id": 3
              },
              "more": {
                "type": "bool",
                "id": 4
              },
              "epoch": {
                "type": "string",
                "id": 5
              }
            }
          },
          "SetGroupSettingsRequest": {
            "fields": {
              "groupId": {
                "type": "string",
                "id": 1,
                "protoName": "group_id"
              },
              "settings": {
                "type": "GroupSettings",
                "id": 2
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "SetGroupSettingsResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          },
          "MomentMedia": {
            "fields": {
              "mediaId": {
                "type": "string",
                "id": 1,
                "protoName": "media_id"
              },
              "mimeType": {
                "type": "string",
                "id": 2,
                "protoName": "mime_type"
              },
              "thumbnailMediaId": {
                "type": "string",
                "id": 3,
                "protoName": "thumbnail_media_id"
              }
            }
          },
          "MomentComment": {
            "fields": {
              "commentId": {
                "type": "string",
                "id": 1,
                "protoName": "comment_id"
              },
              "from": {
                "type": "string",
                "id": 2
              },
              "text": {
                "type": "string",
                "id": 3
              },
              "atMs": {
                "type": "uint64",
                "id": 4,
                "protoName": "at_ms"
              }
            }
          },
          "Moment": {
            "fields": {
              "postId": {
                "type": "string",
                "id": 1,
                "protoName": "post_id"
              },
              "author": {
                "type": "string",
                "id": 2
              },
              "text": {
                "type": "string",
                "id": 3
              },
              "media": {
                "rule": "repeated",
                "type": "MomentMedia",
                "id": 4
              },
              "postedAtMs": {
                "type": "uint64",
                "id": 5,
                "protoName": "posted_at_ms"
              },
              "comments": {
                "rule": "repeated",
                "type": "MomentComment",
                "id": 6
              },
              "likes": {
                "rule": "repeated",
                "type": "string",
                "id": 7
              }
            }
          },
          "MomentEventKind": {
            "values": {
              "MOMENT_EVENT_KIND_UNSPECIFIED": 0,
              "MOMENT_EVENT_KIND_POSTED": 1,
              "MOMENT_EVENT_KIND_COMMENTED": 2,
              "MOMENT_EVENT_KIND_LIKED": 3,
              "MOMENT_EVENT_KIND_UNLIKED": 4
            }
          },
          "MomentEvent": {
            "fields": {
              "kind": {
                "type": "MomentEventKind",
                "id": 1
              },
              "postId": {
                "type": "string",
                "id": 2,
                "protoName": "post_id"
              },
              "author": {
                "type": "string",
                "id": 3
              },
              "actor": {
                "type": "string",
                "id": 4
              },
              "moment": {
                "type": "Moment",
                "id": 5
              },
              "comment": {
                "type": "MomentComment",
                "id": 6
              }
            }
          },
          "PostMomentRequest": {
            "fields": {
              "text": {
                "type": "string",
                "id": 1
              },
              "media": {
                "rule": "repeated",
                "type": "MomentMedia",
                "id": 2
              },
              "clientPostId": {
                "type": "string",
                "id": 3,
                "protoName": "client_post_id"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "PostMomentResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "moment": {
                "type": "Moment",
                "id": 2
              },
              "duplicate": {
                "type": "bool",
                "id": 3
              }
            }
          },
          "ListFeedRequest": {
            "fields": {
              "limit": {
                "type": "uint32",
                "id": 1
              },
              "pageToken": {
                "type": "string",
                "id": 2,
                "protoName": "page_token"
              },
              "author": {
                "type": "string",
                "id": 3
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "ListFeedResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "moments": {
                "rule": "repeated",
                "type": "Moment",
                "id": 2
              },
              "nextPageToken": {
                "type": "string",
                "id": 3,
                "protoName": "next_page_token"
              }
            }
          },
          "CommentMomentRequest": {
            "fields": {
              "postId": {
                "type": "string",
                "id": 1,
                "protoName": "post_id"
              },
              "text": {
                "type": "string",
                "id": 2
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "CommentMomentResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "comment": {
                "type": "MomentComment",
                "id": 2
              }
            }
          },
          "LikeMomentRequest": {
            "fields": {
              "postId": {
                "type": "string",
                "id": 1,
                "protoName": "post_id"
              },
              "unlike": {
                "type": "bool",
                "id": 2
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "LikeMomentResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "likes": {
                "rule": "repeated",
                "type": "string",
                "id": 2
              }
            }
          },
          "MediaKind": {
            "values": {
              "MEDIA_KIND_UNSPECIFIED": 0,
              "MEDIA_KIND_IMAGE": 1,
              "MEDIA_KIND_VOICE": 2,
              "MEDIA_KIND_VIDEO": 3,
              "MEDIA_KIND_FILE": 4,
              "MEDIA_KIND_THUMBNAIL": 5,
              "MEDIA_KIND_AVATAR": 6,
              "MEDIA_KIND_MOMENT": 7
            }
          },
          "UploadInitRequest": {
            "fields": {
              "kind": {
                "type": "MediaKind",
                "id": 1
              },
              "size": {
                "type": "uint64",
                "id": 2
              },
              "sha256": {
                "type": "string",
                "id": 3
              },
              "mimeType": {
                "type": "string",
                "id": 4,
                "protoName": "mime_type"
              },
              "fileName": {
                "type": "string",
                "id": 5,
                "protoName": "file_name"
              },
              "thumbnailMediaId": {
                "type": "string",
                "id": 6,
                "protoName": "thumbnail_media_id"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "UploadInitResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "uploadId": {
                "type": "string",
                "id": 2,
                "protoName": "upload_id"
              },
              "mediaId": {
                "type": "string",
                "id": 3,
                "protoName": "media_id"
              },
              "chunkSize": {
                "type": "uint32",
                "id": 4,
                "protoName": "chunk_size"
              },
              "nextOffset": {
                "type": "uint64",
                "id": 5,
                "protoName": "next_offset"
              },
              "media": {
                "type": "MediaInfo",
                "id": 6
              }
            }
          },
          "UploadChunkRequest": {
            "fields": {
              "uploadId": {
                "type": "string",
                "id": 1,
                "protoName": "upload_id"
              },
              "offset": {
                "type": "uint64",
                "id": 2
              },
              "data": {
                "type": "bytes",
                "id": 3
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "UploadChunkResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "nextOffset": {
                "type": "uint64",
                "id": 2,
                "protoName": "next_offset"
              }
            }
          },
          "UploadCompleteRequest": {
            "fields": {
              "uploadId": {
                "type": "string",
                "id": 1,
                "protoName": "upload_id"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "UploadCompleteResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "media": {
                "type": "MediaInfo",
                "id": 2
              }
            }
          },
          "MediaInfoRequest": {
            "fields": {
              "mediaId": {
                "type": "string",
                "id": 1,
                "protoName": "media_id"
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "MediaInfoResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "media": {
                "type": "MediaInfo",
                "id": 2
              }
            }
          },
          "MediaInfo": {
            "fields": {
              "mediaId": {
                "type": "string",
                "id": 1,
                "protoName": "media_id"
              },
              "owner": {
                "type": "string",
                "id": 2
              },
              "kind": {
                "type": "MediaKind",
                "id": 3
              },
              "mimeType": {
                "type": "string",
                "id": 4,
                "protoName": "mime_type"
              },
              "size": {
                "type": "uint64",
                "id": 5
              },
              "sha256": {
                "type": "string",
                "id": 6
              },
              "ready": {
                "type": "bool",
                "id": 7
              },
              "received": {
                "type": "uint64",
                "id": 8
              },
              "fileName": {
                "type": "string",
                "id": 9,
                "protoName": "file_name"
              },
              "thumbnailMediaId": {
                "type": "string",
                "id": 10,
                "protoName": "thumbnail_media_id"
              },
              "createdAtMs": {
                "type": "uint64",
                "id": 11,
                "protoName": "created_at_ms"
              },
              "url": {
                "type": "string",
                "id": 12
              },
              "thumbnailUrl": {
                "type": "string",
                "id": 13,
                "protoName": "thumbnail_url"
              },
              "urlExpiresAtMs": {
                "type": "uint64",
                "id": 14,
                "protoName": "url_expires_at_ms"
              }
            }
          },
          "MediaReady": {
            "fields": {
              "mediaId": {
                "type": "string",
                "id": 1,
                "protoName": "media_id"
              },
              "owner": {
                "type": "string",
                "id": 2
              },
              "mimeType": {
                "type": "string",
                "id": 3,
                "protoName": "mime_type"
              },
              "size": {
                "type": "uint64",
                "id": 4
              },
              "sha256": {
                "type": "string",
                "id": 5
              }
            }
          },
          "IdcEntry": {
            "fields": {
              "to": {
                "type": "string",
                "id": 1
              },
              "dedupeKey": {
                "type": "string",
                "id": 2,
                "protoName": "dedupe_key"
              },
              "change": {
                "type": "bytes",
                "id": 3
              }
            }
          },
          "IdcBatch": {
            "fields": {
              "batchId": {
                "type": "uint64",
                "id": 1,
                "protoName": "batch_id"
              },
              "fromIdc": {
                "type": "string",
                "id": 2,
                "protoName": "from_idc"
              },
              "entries": {
                "rule": "repeated",
                "type": "IdcEntry",
                "id": 3
              }
            }
          },
          "IdcAck": {
            "fields": {
              "batchId": {
                "type": "uint64",
                "id": 1,
                "protoName": "batch_id"
              },
              "code": {
                "type": "StatusCode",
                "id": 2
              },
              "message": {
                "type": "string",
                "id": 3
              }
            }
          },
          "UploadLogRequest": {
            "fields": {
              "log": {
                "type": "bytes",
                "id": 1
              },
              "appVersion": {
                "type": "string",
                "id": 2,
                "protoName": "app_version"
              },
              "deviceId": {
                "type": "string",
                "id": 3,
                "protoName": "device_id"
              },
              "reason": {
                "type": "string",
                "id": 4
              },
              "metadata": {
                "keyType": "string",
                "type": "string",
                "id": 5
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "UploadLogResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              },
              "report": {
                "type": "LogReportStored",
                "id": 2
              }
            }
          },
          "LogReportStored": {
            "fields": {
              "reportId": {
                "type": "string",
                "id": 1,
                "protoName": "report_id"
              },
              "sizeBytes": {
                "type": "uint64",
                "id": 2,
                "protoName": "size_bytes"
              },
              "uploadedAtMs": {
                "type": "uint64",
                "id": 3,
                "protoName": "uploaded_at_ms"
              }
            }
          },
          "PushPlatform": {
            "values": {
              "PUSH_PLATFORM_UNSPECIFIED": 0,
              "PUSH_PLATFORM_APNS": 1,
              "PUSH_PLATFORM_FCM": 2,
              "PUSH_PLATFORM_WEB_PUSH": 3,
              "PUSH_PLATFORM_WEBHOOK": 4
            }
          },
          "WebPushSubscription": {
            "fields": {
              "endpoint": {
                "type": "string",
                "id": 1
              },
              "p256dh": {
                "type": "string",
                "id": 2
              },
              "auth": {
                "type": "string",
                "id": 3
              }
            }
          },
          "RegisterPushRequest": {
            "fields": {
              "platform": {
                "type": "PushPlatform",
                "id": 1
              },
              "token": {
                "type": "string",
                "id": 2
              },
              "webPush": {
                "type": "WebPushSubscription",
                "id": 3,
                "protoName": "web_push"
              },
              "appId": {
                "type": "string",
                "id": 4,
                "protoName": "app_id"
              },
              "locale": {
                "type": "string",
                "id": 5
              },
              "preview": {
                "type": "bool",
                "id": 6
              },
              "muted": {
                "rule": "repeated",
                "type": "string",
                "id": 7
              },
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "RegisterPushResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          },
          "UnregisterPushRequest": {
            "fields": {
              "base": {
                "type": "BaseRequest",
                "id": 15
              }
            }
          },
          "UnregisterPushResponse": {
            "fields": {
              "base": {
                "type": "BaseResponse",
                "id": 1
              }
            }
          }
        }
      }
    }
  }
});
export const weft = $root.get("weft");

export {
  /**
   * Reflected root namespace.
   * @type {$protobuf.Root}
   */
  $root as default
};
