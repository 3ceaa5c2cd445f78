/*
 * db_stmt.c: the statement table. Bound parameters only: no SQL is ever
 * built from input. A statement that fails to prepare stops startup.
 * Credential lookups never go to a replica: a revoked session or key must
 * fail on the very next request.
 */
#include "autoconf.h"

#include "db_stmt.h"
#include "nest.h"
#include "node.h"
#include "server.h"
#include "user.h"

#define R STMT_RETRY
#define RR (STMT_REPLICA | STMT_RETRY)
#define NOW "UTC_TIMESTAMP(6)"
#define NOT_EXPIRED "(k.expires IS NULL OR k.expires > " NOW ")"
#define APIKEY_COLS                                                            \
	"k.uuid, k.name, k.key_start, k.allowed_ips, k.user_permissions, "     \
	"k.admin_permissions, k.server_permissions, k.last_used, k.expires, "  \
	"k.created"
#define USER_JOIN "users u LEFT JOIN roles r ON r.uuid = u.role_uuid"
/* contract 7.1: name, owner username or owner e-mail */
#define SUBUSER_COLS                                                           \
	"u.uuid, u.username, u.totp_enabled, u.created, su.permissions, "      \
	"su.ignored_files, su.created"
/* PATCH /api/admin/servers/{server}: (sent, value) per column, in the
 * order of handle_update() */
#define SERVER_PATCH_SET                                                       \
	"owner_uuid = IF(?, ?, owner_uuid), egg_uuid = IF(?, ?, "              \
	"egg_uuid), suspended = IF(?, ?, suspended), external_id = IF(?, "     \
	"?, external_id), name = IF(?, ?, name), description = IF(?, ?, "      \
	"description), pinned_cpus = IF(?, ?, pinned_cpus), "                  \
	"startup = IF(?, ?, startup), image = IF(?, ?, image), "               \
	"auto_kill = IF(?, ?, auto_kill), timezone = IF(?, ?, timezone), "     \
	"hugepages_passthrough_enabled = IF(?, ?, "                            \
	"hugepages_passthrough_enabled), kvm_passthrough_enabled = IF(?, "     \
	"?, kvm_passthrough_enabled), cpu = IF(?, ?, cpu), "                   \
	"memory = IF(?, ?, memory), memory_overhead = IF(?, ?, "               \
	"memory_overhead), swap = IF(?, ?, swap), disk = IF(?, ?, disk), "     \
	"io_weight = IF(?, ?, io_weight), allocation_limit = IF(?, ?, "        \
	"allocation_limit), database_limit = IF(?, ?, database_limit), "       \
	"backup_limit = IF(?, ?, backup_limit), schedule_limit = IF(?, "       \
	"?, schedule_limit), auto_start_behavior = IF(?, UPPER(?), "           \
	"auto_start_behavior)"
#define EGG_NAME_SEARCH                                                        \
	"(? IS NULL OR e.name COLLATE utf8mb4_unicode_ci LIKE CONCAT('%', ?, " \
	"'%'))"
#define SERVER_SEARCH                                                          \
	"(? IS NULL OR s.name LIKE CONCAT('%', ?, '%') OR o.username LIKE "    \
	"CONCAT('%', ?, '%') OR o.email LIKE CONCAT('%', ?, '%'))"

const struct stmt_def stmt_defs[STMT__MAX] = {
	/* STMT_TX_BEGIN */
	{"START TRANSACTION", 0},
	/* STMT_TX_COMMIT */
	{"COMMIT", 0},
	/* STMT_TX_ROLLBACK */
	{"ROLLBACK", 0},
	/* STMT_SETTINGS_ALL: every stored setting */
	{"SELECT `key`, value FROM settings", RR},
	/* STMT_USER_COUNT */
	{"SELECT COUNT(*) FROM users", RR},
	/* STMT_USER_INSERT: uuid, username, email, name_first, name_last,
	 * password, admin */
	{"INSERT INTO users (uuid, username, email, name_first, name_last, "
	 "password, admin) VALUES (?, ?, ?, ?, ?, ?, ?)",
	 0},
	/* STMT_USER_LIST */
	{"SELECT uuid, username, email, admin, suspended, totp_enabled, "
	 "created FROM users ORDER BY created, uuid",
	 RR},
	/* STMT_USER_BY_USERNAME: username or e-mail (case-insensitive) */
	{"SELECT uuid, username, email FROM users WHERE username = ? OR "
	 "email = ?",
	 R},
	/* STMT_USER_SET_PASSWORD: password, uuid */
	{"UPDATE users SET password = ? WHERE uuid = ?", 0},
	/* STMT_USER_LOCK: uuid; serialises per-user limits in a transaction */
	{"SELECT uuid FROM users WHERE uuid = ? FOR UPDATE", 0},
	/* STMT_USER_AUTH_BY_USERNAME: username -> USER_COLS, password */
	{"SELECT " USER_COLS ", u.password FROM " USER_JOIN
	 " WHERE u.username = ?",
	 R},
	/* STMT_USER_AUTH_BY_EMAIL: email -> USER_COLS, password */
	{"SELECT " USER_COLS ", u.password FROM " USER_JOIN
	 " WHERE u.email = ?",
	 R},
	/* STMT_SESSIONS_DELETE_USER: user_uuid */
	{"DELETE FROM user_sessions WHERE user_uuid = ?", 0},
	/* STMT_ANNOUNCEMENTS_PUBLIC: enabled, in window, not targeted */
	{"SELECT uuid, LOWER(type), dismissible, dismissible_end, title, "
	 "title_translations, content, content_translations FROM "
	 "announcements WHERE enabled AND (enabled_start IS NULL OR "
	 "enabled_start <= " NOW ") AND (enabled_end IS NULL OR "
	 "enabled_end >= " NOW ") AND JSON_LENGTH(locations) = 0 "
	 "AND JSON_LENGTH(nodes) = 0 AND "
	 "JSON_LENGTH(backup_configurations) = 0 AND JSON_LENGTH(eggs) = 0 "
	 "ORDER BY created, uuid",
	 RR},
	/* STMT_RATELIMIT_HIT: key, window end, now, now. A new window or one
	 * more hit; LAST_INSERT_ID carries the count back (0 = inserted).
	 * hits is assigned first, so both IFs see the old window_end. */
	{"INSERT INTO ratelimit_windows (rl_key, window_end, hits) VALUES "
	 "(?, ?, 1) ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(IF("
	 "window_end <= ?, 1, hits + 1)), window_end = IF(window_end <= ?, "
	 "VALUES(window_end), window_end)",
	 0},
	/* STMT_RATELIMIT_GET: key -> window_end */
	{"SELECT window_end FROM ratelimit_windows WHERE rl_key = ?", R},
	/* STMT_RATELIMIT_SWEEP: before (unix seconds) */
	{"DELETE FROM ratelimit_windows WHERE window_end < ? LIMIT 1000", 0},
	/* STMT_SESSION_AUTH: key_id -> USER_COLS, uuid, key_hash, idle s */
	{"SELECT " USER_COLS ", s.uuid, s.key_hash, TIMESTAMPDIFF(SECOND, "
	 "s.last_used, " NOW ") FROM user_sessions s JOIN " USER_JOIN
	 " ON u.uuid = s.user_uuid WHERE s.key_id = ?",
	 R},
	/* STMT_SESSION_INSERT: uuid, user_uuid, key_id, key_hash, ip, ua */
	{"INSERT INTO user_sessions (uuid, user_uuid, key_id, key_hash, ip, "
	 "user_agent) VALUES (?, ?, ?, ?, ?, ?)",
	 0},
	/* STMT_SESSION_TOUCH: ip, user_agent, uuid */
	{"UPDATE user_sessions SET last_used = " NOW ", ip = ?, "
	 "user_agent = ? WHERE uuid = ?",
	 0},
	/* STMT_SESSION_DELETE: uuid */
	{"DELETE FROM user_sessions WHERE uuid = ?", 0},
	/* STMT_SESSION_GET_OWNED: uuid, user_uuid -> uuid, ip, user_agent */
	{"SELECT uuid, ip, user_agent FROM user_sessions WHERE uuid = ? AND "
	 "user_uuid = ?",
	 R},
	/* STMT_SESSION_DELETE_OTHERS: user_uuid, uuid to keep ("" = none) */
	{"DELETE FROM user_sessions WHERE user_uuid = ? AND uuid <> ?", 0},
	/* STMT_SESSION_LIST: user_uuid, search, search, limit, offset */
	{"SELECT uuid, ip, user_agent, last_used, created, COUNT(*) OVER () "
	 "FROM user_sessions WHERE user_uuid = ? AND (? IS NULL OR user_agent "
	 "COLLATE utf8mb4_unicode_ci LIKE CONCAT('%', ?, '%')) ORDER BY "
	 "created DESC, uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_APIKEY_AUTH: key_hash -> USER_COLS, uuid, key_hash,
	 * allowed_ips, user/admin/server permissions, idle s, not expired.
	 * A lookup by the unique hash makes every table a constant one for
	 * the optimizer (the cheapest plan there is); the expiry is a column,
	 * not a condition, for the same reason. */
	{"SELECT " USER_COLS ", k.uuid, k.key_hash, k.allowed_ips, "
	 "k.user_permissions, k.admin_permissions, k.server_permissions, "
	 "TIMESTAMPDIFF(SECOND, k.last_used, " NOW "), " NOT_EXPIRED
	 " FROM user_api_keys k JOIN " USER_JOIN
	 " ON u.uuid = k.user_uuid WHERE k.key_hash = ?",
	 R},
	/* STMT_APIKEY_TOUCH: uuid */
	{"UPDATE user_api_keys SET last_used = " NOW " WHERE uuid = ?", 0},
	/* STMT_APIKEY_LIST: user_uuid, search, search, limit, offset */
	{"SELECT " APIKEY_COLS ", COUNT(*) OVER () FROM user_api_keys k WHERE "
	 "k.user_uuid = ? AND " NOT_EXPIRED " AND (? IS NULL OR k.name "
	 "COLLATE utf8mb4_unicode_ci LIKE CONCAT('%', ?, '%')) ORDER BY "
	 "k.created, k.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_APIKEY_GET_UUID: uuid, user_uuid */
	{"SELECT " APIKEY_COLS " FROM user_api_keys k WHERE k.uuid = ? AND "
	 "k.user_uuid = ? AND " NOT_EXPIRED,
	 R},
	/* STMT_APIKEY_GET_START: key_start, user_uuid */
	{"SELECT " APIKEY_COLS " FROM user_api_keys k WHERE k.key_start = ? "
	 "AND k.user_uuid = ? AND " NOT_EXPIRED,
	 R},
	/* STMT_APIKEY_INSERT: uuid, user_uuid, name, key_start, key_hash,
	 * allowed_ips, user/admin/server permissions, expires */
	{"INSERT INTO user_api_keys (uuid, user_uuid, name, key_start, "
	 "key_hash, allowed_ips, user_permissions, admin_permissions, "
	 "server_permissions, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 0},
	/* STMT_APIKEY_UPDATE: name, allowed_ips, user/admin/server
	 * permissions, expires, uuid, user_uuid */
	{"UPDATE user_api_keys SET name = ?, allowed_ips = ?, "
	 "user_permissions = ?, admin_permissions = ?, server_permissions = ?, "
	 "expires = ? WHERE uuid = ? AND user_uuid = ?",
	 0},
	/* STMT_APIKEY_DELETE: uuid, user_uuid */
	{"DELETE FROM user_api_keys WHERE uuid = ? AND user_uuid = ?", 0},
	/* STMT_APIKEY_RECREATE: key_start, key_hash, uuid, user_uuid */
	{"UPDATE user_api_keys SET key_start = ?, key_hash = ? WHERE uuid = ? "
	 "AND user_uuid = ?",
	 0},
	/* STMT_APIKEY_COUNT: user_uuid (expired, unpurged keys count) */
	{"SELECT COUNT(*) FROM user_api_keys WHERE user_uuid = ?", 0},
	/* STMT_ACTIVITY_INSERT: user_uuid, impersonator_uuid, api_key_uuid,
	 * event, ip, data */
	{"INSERT INTO user_activities (user_uuid, impersonator_uuid, "
	 "api_key_uuid, event, ip, data) VALUES (?, ?, ?, ?, ?, ?)",
	 0},
	/* STMT_USER_BY_UUID: uuid -> USER_COLS */
	{"SELECT " USER_COLS " FROM " USER_JOIN " WHERE u.uuid = ?", R},
	/* STMT_USER_TOTP_GET: uuid -> totp_secret (sealed), totp_enabled,
	 * totp_last_step, password */
	{"SELECT totp_secret, totp_enabled, totp_last_step, password FROM "
	 "users "
	 "WHERE uuid = ?",
	 R},
	/* STMT_USER_TOTP_SET_SECRET: sealed secret, uuid (not while enabled) */
	{"UPDATE users SET totp_secret = ? WHERE uuid = ? AND NOT totp_enabled",
	 0},
	/* STMT_USER_TOTP_ENABLE: step of the confirming code, uuid */
	{"UPDATE users SET totp_enabled = TRUE, totp_last_used = NULL, "
	 "totp_last_step = ? WHERE uuid = ? AND NOT totp_enabled",
	 0},
	/* STMT_USER_TOTP_DISABLE: uuid */
	{"UPDATE users SET totp_enabled = FALSE, totp_secret = NULL, "
	 "totp_last_used = NULL, totp_last_step = NULL, checkpoint_nonce = "
	 "NULL "
	 "WHERE uuid = ?",
	 0},
	/* STMT_USER_TOTP_USED: step, uuid, step. Takes the step once: 0 rows
	 * means it (or a later one) was used already. */
	{"UPDATE users SET totp_last_used = " NOW ", totp_last_step = ? WHERE "
	 "uuid = ? AND (totp_last_step IS NULL OR totp_last_step < ?)",
	 0},
	/* STMT_USER_CHECKPOINT_SET: nonce, uuid */
	{"UPDATE users SET checkpoint_nonce = ? WHERE uuid = ?", 0},
	/* STMT_USER_CHECKPOINT_TAKE: uuid, nonce. 1 row: this caller won */
	{"UPDATE users SET checkpoint_nonce = NULL WHERE uuid = ? AND "
	 "checkpoint_nonce = ?",
	 0},
	/* STMT_RECOVERY_DELETE_ALL: user_uuid */
	{"DELETE FROM user_recovery_codes WHERE user_uuid = ?", 0},
	/* STMT_RECOVERY_INSERT: user_uuid, code_hash */
	{"INSERT INTO user_recovery_codes (user_uuid, code_hash) VALUES (?, ?)",
	 0},
	/* STMT_RECOVERY_USE: user_uuid, code_hash. 1 row: the code was valid */
	{"DELETE FROM user_recovery_codes WHERE user_uuid = ? AND code_hash = "
	 "?",
	 0},
	/* STMT_USER_UPDATE_PROFILE: username, name_first, name_last,
	 * language, toast_position (lowercase), start_on_grouped_servers,
	 * uuid */
	{"UPDATE users SET username = ?, name_first = ?, name_last = ?, "
	 "language = ?, toast_position = UPPER(?), start_on_grouped_servers = "
	 "? "
	 "WHERE uuid = ?",
	 0},
	/* STMT_USER_SET_EMAIL: email, uuid */
	{"UPDATE users SET email = ? WHERE uuid = ?", 0},
	/* STMT_USER_PASSWORD_GET: uuid -> password */
	{"SELECT password FROM users WHERE uuid = ?", R},
	/* STMT_ACTIVITY_LIST: user_uuid, search, search, limit, offset ->
	 * impersonator uuid/username/totp_enabled/created, event, ip, data,
	 * is_api, created, total */
	{"SELECT i.uuid, i.username, i.totp_enabled, i.created, a.event, a.ip, "
	 "a.data, a.api_key_uuid IS NOT NULL, a.created, COUNT(*) OVER () FROM "
	 "user_activities a LEFT JOIN users i ON i.uuid = a.impersonator_uuid "
	 "WHERE a.user_uuid = ? AND (? IS NULL OR a.event COLLATE "
	 "utf8mb4_unicode_ci LIKE CONCAT('%', ?, '%')) ORDER BY a.created "
	 "DESC, "
	 "a.id DESC LIMIT ? OFFSET ?",
	 R},
	/* STMT_RESET_RECENT: user_uuid -> resets created in 20 minutes */
	{"SELECT COUNT(*) FROM user_password_resets WHERE user_uuid = ? AND "
	 "created > " NOW " - INTERVAL 20 MINUTE",
	 R},
	/* STMT_RESET_INSERT: uuid, user_uuid, token_start, token_hash */
	{"INSERT INTO user_password_resets (uuid, user_uuid, token_start, "
	 "token_hash) VALUES (?, ?, ?, ?)",
	 0},
	/* STMT_RESET_FIND: token_start -> uuid, user_uuid, token_hash of the
	 * resets younger than 20 minutes */
	{"SELECT uuid, user_uuid, token_hash FROM user_password_resets WHERE "
	 "token_start = ? AND created > " NOW " - INTERVAL 20 MINUTE",
	 R},
	/* STMT_RESET_DELETE: uuid. 1 row: this request redeemed it */
	{"DELETE FROM user_password_resets WHERE uuid = ?", 0},
	/* STMT_SERVER_LIST_MINE: user (subuser join), user (owner), search x4,
	 * limit, offset -> SERVER_COLS, total: owned or subuser servers */
	{"SELECT " SERVER_COLS ", COUNT(*) OVER () FROM " SERVER_JOIN
	 " JOIN users o ON o.uuid = s.owner_uuid WHERE (s.owner_uuid = ? OR "
	 "su.user_uuid IS NOT NULL) AND " SERVER_SEARCH
	 " ORDER BY s.created, s.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_SERVER_LIST_OTHER: the same arguments -> everyone else's */
	{"SELECT " SERVER_COLS ", COUNT(*) OVER () FROM " SERVER_JOIN
	 " JOIN users o ON o.uuid = s.owner_uuid WHERE s.owner_uuid <> ? AND "
	 "su.user_uuid IS NULL AND " SERVER_SEARCH
	 " ORDER BY s.created, s.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_SERVER_BY_UUID: user (subuser join), uuid -> SERVER_COLS */
	{"SELECT " SERVER_COLS " FROM " SERVER_JOIN " WHERE s.uuid = ?", R},
	/* STMT_SERVER_BY_SHORT: user (subuser join), uuid_short */
	{"SELECT " SERVER_COLS " FROM " SERVER_JOIN " WHERE s.uuid_short = ?",
	 R},
	/* STMT_ADMIN_ACTIVITY_INSERT: user_uuid, impersonator_uuid,
	 * api_key_uuid, event, ip, data */
	{"INSERT INTO admin_activities (user_uuid, impersonator_uuid, "
	 "api_key_uuid, event, ip, data) VALUES (?, ?, ?, ?, ?, ?)",
	 0},

	/* -- group users -- */
	/* STMT_ADMIN_USER_LIST: search x3, limit, offset -> USER_COLS,
	 * external_id, total (contract 8.1: username or e-mail) */
	{"SELECT " USER_COLS ", u.external_id"
	 ", COUNT(*) OVER () FROM " USER_JOIN
	 " WHERE (? IS NULL OR u.username LIKE CONCAT('%', ?, '%') OR "
	 "u.email LIKE CONCAT('%', ?, '%')) ORDER BY u.created, u.uuid "
	 "LIMIT ? OFFSET ?",
	 R},
	/* STMT_ADMIN_USER_GET: uuid -> USER_COLS, external_id */
	{"SELECT " USER_COLS ", u.external_id"
	 " FROM " USER_JOIN " WHERE u.uuid = ?",
	 R},
	/* STMT_ADMIN_USER_BY_EXTERNAL: external_id (exact, case-sensitive) */
	{"SELECT " USER_COLS ", u.external_id"
	 " FROM " USER_JOIN " WHERE u.external_id = ?",
	 R},
	/* STMT_ADMIN_USER_INSERT: uuid, role_uuid, external_id, username,
	 * email, name_first, name_last, password, admin, frozen, suspended,
	 * language */
	{"INSERT INTO users (uuid, role_uuid, external_id, username, email, "
	 "name_first, name_last, password, admin, frozen, suspended, "
	 "language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 0},
	/* STMT_ADMIN_USER_UPDATE: role_uuid, external_id, username, email,
	 * name_first, name_last, toast_position (lowercase),
	 * start_on_grouped_servers, admin, frozen, suspended, language, uuid */
	{"UPDATE users SET role_uuid = ?, external_id = ?, username = ?, "
	 "email = ?, name_first = ?, name_last = ?, toast_position = "
	 "UPPER(?), start_on_grouped_servers = ?, admin = ?, frozen = ?, "
	 "suspended = ?, language = ? WHERE uuid = ?",
	 0},
	/* STMT_ADMIN_USER_DELETE: uuid (cascades sessions, keys, ...) */
	{"DELETE FROM users WHERE uuid = ?", 0},
	/* STMT_ADMIN_USER_SERVER_COUNT: owner uuid -> servers owned */
	{"SELECT COUNT(*) FROM servers WHERE owner_uuid = ?", 0},
	/* STMT_ADMIN_ROLE_LIST: search x2, limit, offset -> uuid, name,
	 * description, require_two_factor, admin_permissions,
	 * server_permissions, created, total (contract 8.2: the name,
	 * case-insensitively) */
	{"SELECT uuid, name, description, require_two_factor, "
	 "admin_permissions, server_permissions, created, COUNT(*) OVER () "
	 "FROM roles WHERE (? IS "
	 "NULL OR name COLLATE utf8mb4_unicode_ci LIKE CONCAT('%', ?, '%')) "
	 "ORDER BY created, uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_ADMIN_ROLE_GET: uuid -> uuid, name, description,
	 * require_two_factor, admin_permissions, server_permissions, created */
	{"SELECT uuid, name, description, require_two_factor, "
	 "admin_permissions, server_permissions, created FROM roles WHERE uuid "
	 "= ?",
	 R},
	/* STMT_ADMIN_ROLE_SHARE: uuid -> admin_permissions,
	 * server_permissions; in a transaction, the role cannot go before it
	 * ends (a user row about to reference it) */
	{"SELECT admin_permissions, server_permissions FROM roles WHERE uuid "
	 "= ? LOCK IN SHARE MODE",
	 0},
	/* STMT_ADMIN_ROLE_INSERT: uuid, name, description,
	 * require_two_factor, admin_permissions, server_permissions */
	{"INSERT INTO roles (uuid, name, description, require_two_factor, "
	 "admin_permissions, server_permissions) VALUES (?, ?, ?, ?, ?, ?)",
	 0},
	/* STMT_ADMIN_ROLE_UPDATE: name, description, require_two_factor,
	 * admin_permissions, server_permissions, uuid */
	{"UPDATE roles SET name = ?, description = ?, require_two_factor = ?, "
	 "admin_permissions = ?, server_permissions = ? WHERE uuid = ?",
	 0},
	/* STMT_ADMIN_ROLE_DELETE: uuid (its users' role_uuid becomes NULL:
	 * ON DELETE SET NULL) */
	{"DELETE FROM roles WHERE uuid = ?", 0},

	/* -- group nodes -- */
	/* STMT_LOCATION_LOCK: uuid -> uuid, kept until the transaction ends */
	{"SELECT uuid FROM locations WHERE uuid = ? LOCK IN SHARE MODE", 0},
#define NODES_LOCATION_COLS "l.uuid, l.name, l.description, l.flag, l.created"
#define NODES_NODE_COLS                                                        \
	"n.uuid, " NODES_LOCATION_COLS ", n.name, n.description, "             \
	"n.deployment_enabled, n.maintenance_enabled, n.public_url, n.url, "   \
	"n.sftp_host, n.sftp_port, n.memory, n.disk, n.created"
#define NODES_JOIN "nodes n JOIN locations l ON l.uuid = n.location_uuid"
/* case-insensitive substring of the name (contract 1.6): search, search */
#define NODES_SEARCH_L                                                         \
	"(? IS NULL OR l.name COLLATE utf8mb4_unicode_ci LIKE CONCAT('%', ?, " \
	"'%'))"
#define NODES_SEARCH_N                                                         \
	"(? IS NULL OR n.name COLLATE utf8mb4_unicode_ci LIKE CONCAT('%', ?, " \
	"'%'))"
/* The uuids of a JSON array argument, as a derived table t(u). The
 * column's character set is the uuid columns' own, so the primary key
 * serves the join; a derived table with DISTINCT, as UPDATE and DELETE
 * through a table function directly are slow (or fail) in MariaDB 10.11. */
#define NODES_JSON_UUIDS                                                       \
	"(SELECT DISTINCT j.u FROM JSON_TABLE(?, '$[*]' COLUMNS (u CHAR(36) "  \
	"CHARACTER SET ascii COLLATE ascii_bin PATH '$')) j)"
#define NODES_ALLOC_JOIN                                                       \
	"node_allocations a LEFT JOIN server_allocations sa ON "               \
	"sa.allocation_uuid = a.uuid"
/* The allocations of a node a selector or filter matches (contract-extra
 * 5.5): node, uuids x2 (JSON array or NULL), search x4, ip x2, port_from
 * x2, port_to x2, assigned x2 (NULL = no criterion). */
#define NODES_ALLOC_MATCH                                                      \
	"a.node_uuid = ? AND (? IS NULL OR a.uuid IN (SELECT t.u "             \
	"FROM " NODES_JSON_UUIDS " t)) AND (? IS NULL OR CONCAT(a.ip, ':', "   \
	"a.port) LIKE CONCAT('%', ?, "                                         \
	"'%') OR CONCAT(a.ip_alias, ':', a.port) LIKE CONCAT('%', ?, '%') OR " \
	"sa.notes LIKE CONCAT('%', ?, '%')) AND (? IS NULL OR a.ip = ?) AND "  \
	"(? IS NULL OR a.port >= ?) AND (? IS NULL OR a.port <= ?) AND (? IS " \
	"NULL OR (sa.uuid IS NOT NULL) = ?)"
	/* STMT_LOCATION_LIST: search, search, limit, offset -> location row,
	 * total; oldest first */
	{"SELECT " NODES_LOCATION_COLS ", COUNT(*) OVER () FROM locations l "
	 "WHERE " NODES_SEARCH_L " ORDER BY l.created, l.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_LOCATION_GET: uuid -> location row */
	{"SELECT " NODES_LOCATION_COLS " FROM locations l WHERE l.uuid = ?", R},
	/* STMT_LOCATION_INSERT: uuid, backup_configuration_uuid, name,
	 * description, flag */
	{"INSERT INTO locations (uuid, backup_configuration_uuid, name, "
	 "description, flag) VALUES (?, ?, ?, ?, ?)",
	 0},
	/* STMT_LOCATION_UPDATE: (sent, value) for backup_configuration_uuid,
	 * name, description, flag; uuid */
	{"UPDATE locations SET backup_configuration_uuid = IF(?, ?, "
	 "backup_configuration_uuid), name = IF(?, ?, name), description = "
	 "IF(?, ?, description), flag = IF(?, ?, flag) WHERE uuid = ?",
	 0},
	/* STMT_LOCATION_DELETE: uuid, uuid. 0 rows: it has nodes */
	{"DELETE FROM locations WHERE uuid = ? AND NOT EXISTS (SELECT 1 FROM "
	 "nodes WHERE location_uuid = ?)",
	 0},
	/* STMT_NODE_LIST: location_uuid x2 (NULL = any), search, search,
	 * limit, offset -> node row, total; oldest first */
	{"SELECT " NODES_NODE_COLS ", COUNT(*) OVER () FROM " NODES_JOIN
	 " WHERE (? IS NULL OR n.location_uuid = ?) AND " NODES_SEARCH_N
	 " ORDER BY n.created, n.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_NODE_GET: uuid -> node row */
	{"SELECT " NODES_NODE_COLS " FROM " NODES_JOIN " WHERE n.uuid = ?", R},
	/* STMT_NODE_INSERT: uuid, location_uuid, backup_configuration_uuid,
	 * name, description, deployment_enabled, maintenance_enabled,
	 * public_url, url, sftp_host, sftp_port, memory, disk, token_id,
	 * token (sealed), location_uuid. 0 rows: no such location */
	{"INSERT INTO nodes (uuid, location_uuid, backup_configuration_uuid, "
	 "name, description, deployment_enabled, maintenance_enabled, "
	 "public_url, url, sftp_host, sftp_port, memory, disk, token_id, "
	 "token) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM "
	 "locations WHERE uuid = ?",
	 0},
	/* STMT_NODE_UPDATE: (sent, value) for location_uuid,
	 * backup_configuration_uuid, name, description, deployment_enabled,
	 * maintenance_enabled, public_url, url, sftp_host, sftp_port, memory,
	 * disk; uuid */
	{"UPDATE nodes SET location_uuid = IF(?, ?, location_uuid), "
	 "backup_configuration_uuid = IF(?, ?, backup_configuration_uuid), "
	 "name = IF(?, ?, name), description = IF(?, ?, description), "
	 "deployment_enabled = IF(?, ?, deployment_enabled), "
	 "maintenance_enabled = IF(?, ?, maintenance_enabled), public_url = "
	 "IF(?, ?, public_url), url = IF(?, ?, url), sftp_host = IF(?, ?, "
	 "sftp_host), sftp_port = IF(?, ?, sftp_port), memory = IF(?, ?, "
	 "memory), disk = IF(?, ?, disk) WHERE uuid = ?",
	 0},
	/* STMT_NODE_DELETE: uuid x3. 0 rows: a server is on or moves to it */
	{"DELETE FROM nodes WHERE uuid = ? AND NOT EXISTS (SELECT 1 FROM "
	 "servers WHERE node_uuid = ? OR destination_node_uuid = ?)",
	 0},
	/* STMT_NODE_TOKEN_SET: token_id, token (sealed), uuid */
	{"UPDATE nodes SET token_id = ?, token = ? WHERE uuid = ?", 0},
	/* STMT_NODE_DAEMON: uuid -> url, token (sealed) */
	{"SELECT url, token FROM nodes WHERE uuid = ?", R},
	/* STMT_NODE_LOCK: uuid -> uuid; serialises the allocation changes of
	 * one node until the transaction ends */
	{"SELECT uuid FROM nodes WHERE uuid = ? FOR UPDATE", 0},
	/* STMT_ALLOC_LIST: NODES_ALLOC_MATCH arguments, limit, offset ->
	 * uuid, server_uuid, ip, ip_alias, port, created, total; by address,
	 * then port */
	{"SELECT a.uuid, sa.server_uuid, a.ip, a.ip_alias, a.port, a.created, "
	 "COUNT(*) OVER () FROM " NODES_ALLOC_JOIN " WHERE " NODES_ALLOC_MATCH
	 " ORDER BY IS_IPV6(a.ip), INET6_ATON(a.ip), a.port, a.uuid LIMIT ? "
	 "OFFSET ?",
	 R},
	/* STMT_ALLOC_IPS: node_uuid -> the distinct addresses, in order */
	{"SELECT ip FROM node_allocations WHERE node_uuid = ? GROUP BY ip "
	 "ORDER BY IS_IPV6(ip), INET6_ATON(ip)",
	 R},
	/* STMT_ALLOC_MATCH: NODES_ALLOC_MATCH arguments -> uuid, port,
	 * assigned, ip; by port, then uuid */
	{"SELECT a.uuid, a.port, sa.uuid IS NOT NULL, a.ip "
	 "FROM " NODES_ALLOC_JOIN " WHERE " NODES_ALLOC_MATCH
	 " ORDER BY a.port, a.uuid",
	 0},
	/* STMT_ALLOC_INSERT: node_uuid, ip, ip_alias, JSON [[uuid, port],
	 * ...]. An address and port the node has already is skipped */
	{"INSERT IGNORE INTO node_allocations (uuid, node_uuid, ip, ip_alias, "
	 "port) SELECT j.u, ?, ?, ?, j.p FROM JSON_TABLE(?, '$[*]' COLUMNS (u "
	 "CHAR(36) PATH '$[0]', p INT PATH '$[1]')) j",
	 0},
	/* STMT_ALLOC_AT_IP: node_uuid, ip -> port, uuid */
	{"SELECT port, uuid FROM node_allocations WHERE node_uuid = ? AND ip = "
	 "?",
	 0},
	/* STMT_ALLOC_MOVE: JSON [uuid, ...], ip, (sent, value) of ip_alias,
	 * node_uuid */
	{"UPDATE node_allocations a JOIN " NODES_JSON_UUIDS
	 " t ON t.u = a.uuid SET a.ip = ?, a.ip_alias = IF(?, ?, a.ip_alias) "
	 "WHERE a.node_uuid = ?",
	 0},
	/* STMT_ALLOC_DELETE: JSON [uuid, ...], node_uuid */
	{"DELETE a FROM node_allocations a JOIN " NODES_JSON_UUIDS
	 " t ON t.u = a.uuid WHERE a.node_uuid = ?",
	 0},

	/* -- group nests -- */
	/* STMT_NEST_INSERT: uuid, author, name, description */
	{"INSERT INTO nests (uuid, author, name, description) VALUES "
	 "(?, ?, ?, ?)",
	 0},
/* the columns of nest.h (NEST_NCOLS, EGG_NCOLS, EGGVAR_NCOLS) */
#define NEST_COLS "n.uuid, n.name, n.description, n.author, n.created"
#define EGG_COLS                                                               \
	"e.uuid, e.nest_uuid, e.name, e.description, e.author, "               \
	"e.config_files, e.config_startup, e.config_stop, e.config_script, "   \
	"e.startup_commands, e.force_outgoing_ip, e.separate_port, "           \
	"e.features, e.docker_images, e.file_denylist, e.created"
#define EGGVAR_COLS                                                            \
	"v.uuid, v.name, v.name_translations, v.description, "                 \
	"v.description_translations, v.order_, v.env_variable, "               \
	"v.default_value, v.user_viewable, v.user_editable, v.secret, "        \
	"v.rules, v.created"
/* the written columns that inserts and updates share, in this order */
#define EGG_FIELDS                                                             \
	"author, name, config_files, config_startup, config_stop, "            \
	"config_script, startup_commands, force_outgoing_ip, separate_port, "  \
	"features, docker_images, file_denylist"
#define EGGVAR_FIELDS                                                          \
	"name, name_translations, description_translations, order_, "          \
	"env_variable, user_viewable, user_editable, secret, rules"
/* case-insensitive substring search on a utf8mb4_bin name column */
#define NAME_SEARCH(col)                                                       \
	"(? IS NULL OR " col " COLLATE utf8mb4_unicode_ci LIKE "               \
	"CONCAT('%', ?, '%'))"
	/* STMT_NEST_LIST: search x2, limit, offset -> NEST_COLS, total */
	{"SELECT " NEST_COLS
	 ", COUNT(*) OVER () FROM nests n WHERE " NAME_SEARCH(
		 "n.name") " ORDER BY n.created, n.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_NEST_GET: uuid -> NEST_COLS */
	{"SELECT " NEST_COLS " FROM nests n WHERE n.uuid = ?", R},
	/* STMT_NEST_UPDATE: author (NULL: keep), name (NULL: keep),
	 * set_description (0/1), description, uuid */
	{"UPDATE nests SET author = COALESCE(?, author), name = COALESCE(?, "
	 "name), description = IF(?, ?, description) WHERE uuid = ?",
	 0},
	/* STMT_NEST_LOCK: uuid (in a transaction: no egg joins it) */
	{"SELECT uuid FROM nests WHERE uuid = ? FOR UPDATE", 0},
	/* STMT_NEST_EGG_COUNT: nest_uuid -> eggs (locked: no server joins
	 * one of them until the transaction ends) */
	{"SELECT COUNT(*) FROM nest_eggs WHERE nest_uuid = ? FOR UPDATE", 0},
	/* STMT_NEST_SERVER_COUNT: nest_uuid -> servers using its eggs */
	{"SELECT COUNT(*) FROM servers s JOIN nest_eggs e ON e.uuid = "
	 "s.egg_uuid WHERE e.nest_uuid = ?",
	 0},
	/* STMT_NEST_EGGS_DELETE: nest_uuid (variables go by cascade) */
	{"DELETE FROM nest_eggs WHERE nest_uuid = ?", 0},
	/* STMT_NEST_DELETE: uuid */
	{"DELETE FROM nests WHERE uuid = ?", 0},
	/* STMT_EGG_LIST: nest_uuid, search x2, limit, offset -> EGG_COLS,
	 * total */
	{"SELECT " EGG_COLS ", COUNT(*) OVER () FROM nest_eggs e WHERE "
	 "e.nest_uuid = ? AND " NAME_SEARCH(
		 "e.name") " ORDER BY e.created, e.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_EGG_ALL: -> NEST_COLS, EGG_COLS of every egg, by nest */
	{"SELECT " NEST_COLS ", " EGG_COLS " FROM nests n JOIN nest_eggs e ON "
	 "e.nest_uuid = n.uuid ORDER BY n.created, n.uuid, e.created, e.uuid",
	 R},
	/* STMT_EGG_GET: nest_uuid, uuid -> EGG_COLS */
	{"SELECT " EGG_COLS " FROM nest_eggs e WHERE e.nest_uuid = ? AND "
	 "e.uuid = ?",
	 R},
	/* STMT_EGG_INSERT: uuid, nest_uuid, then EGG_FIELDS, description */
	{"INSERT INTO nest_eggs (uuid, nest_uuid, " EGG_FIELDS
	 ", description) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 0},
	/* STMT_EGG_UPDATE: EGG_FIELDS (each NULL: keep), set_description
	 * (0/1), description, clear_repository (0/1), uuid */
	{"UPDATE nest_eggs SET author = COALESCE(?, author), name = "
	 "COALESCE(?, "
	 "name), config_files = COALESCE(?, config_files), config_startup = "
	 "COALESCE(?, config_startup), config_stop = COALESCE(?, config_stop), "
	 "config_script = COALESCE(?, config_script), startup_commands = "
	 "COALESCE(?, startup_commands), force_outgoing_ip = COALESCE(?, "
	 "force_outgoing_ip), separate_port = COALESCE(?, separate_port), "
	 "features = COALESCE(?, features), docker_images = COALESCE(?, "
	 "docker_images), file_denylist = COALESCE(?, file_denylist), "
	 "description = IF(?, ?, description), egg_repository_egg_uuid = IF(?, "
	 "NULL, egg_repository_egg_uuid) WHERE uuid = ?",
	 0},
	/* STMT_EGG_LOCK: uuid (in a transaction: no server joins it) */
	{"SELECT uuid FROM nest_eggs WHERE uuid = ? FOR UPDATE", 0},
	/* STMT_EGG_SERVER_COUNT: egg_uuid -> servers using it */
	{"SELECT COUNT(*) FROM servers WHERE egg_uuid = ?", 0},
	/* STMT_EGG_DELETE: uuid (variables go by cascade) */
	{"DELETE FROM nest_eggs WHERE uuid = ?", 0},
	/* STMT_EGGVAR_LIST: egg_uuid -> EGGVAR_COLS by order, created */
	{"SELECT " EGGVAR_COLS " FROM nest_egg_variables v WHERE v.egg_uuid = "
	 "? ORDER BY v.order_, v.created, v.uuid",
	 R},
	/* STMT_EGGVAR_GET: egg_uuid, uuid -> EGGVAR_COLS */
	{"SELECT " EGGVAR_COLS " FROM nest_egg_variables v WHERE v.egg_uuid = "
	 "? AND v.uuid = ?",
	 R},
	/* STMT_EGGVAR_INSERT: uuid, egg_uuid, then EGGVAR_FIELDS,
	 * description, default_value */
	{"INSERT INTO nest_egg_variables (uuid, egg_uuid, " EGGVAR_FIELDS
	 ", description, default_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	 "?, ?, ?)",
	 0},
	/* STMT_EGGVAR_UPDATE: EGGVAR_FIELDS (each NULL: keep),
	 * set_description (0/1), description, set_default (0/1),
	 * default_value, uuid, egg_uuid */
	{"UPDATE nest_egg_variables SET name = COALESCE(?, name), "
	 "name_translations = COALESCE(?, name_translations), "
	 "description_translations = COALESCE(?, description_translations), "
	 "order_ = COALESCE(?, order_), env_variable = COALESCE(?, "
	 "env_variable), user_viewable = COALESCE(?, user_viewable), "
	 "user_editable = COALESCE(?, user_editable), secret = COALESCE(?, "
	 "secret), rules = COALESCE(?, rules), description = IF(?, ?, "
	 "description), default_value = IF(?, ?, default_value) WHERE uuid = ? "
	 "AND egg_uuid = ?",
	 0},
	/* STMT_EGGVAR_DELETE: uuid, egg_uuid (server values by cascade) */
	{"DELETE FROM nest_egg_variables WHERE uuid = ? AND egg_uuid = ?", 0},
	/* STMT_EGGVAR_SET_ORDER: order_, uuid, egg_uuid */
	{"UPDATE nest_egg_variables SET order_ = ? WHERE uuid = ? AND "
	 "egg_uuid = ?",
	 0},

	/* -- group settings -- */
	/* STMT_SETTINGS_UPSERT: key, value */
	{"INSERT INTO settings (`key`, value) VALUES (?, ?) ON DUPLICATE KEY "
	 "UPDATE value = VALUES(value)",
	 0},
/* UserServerGroup (contract-extra 7.2) and UserCommandSnippet (7.1) */
#define GROUP_COLS "g.uuid, g.name, g.order_, g.server_order, g.created"
#define SNIPPET_COLS "c.uuid, c.name, c.eggs, c.command, c.created"
	/* STMT_GROUP_LIST: user_uuid -> GROUP_COLS, by order then age */
	{"SELECT " GROUP_COLS " FROM user_server_groups g WHERE g.user_uuid = "
	 "? ORDER BY g.order_, g.created, g.uuid",
	 R},
	/* STMT_GROUP_GET: uuid, user_uuid -> GROUP_COLS */
	{"SELECT " GROUP_COLS " FROM user_server_groups g WHERE g.uuid = ? "
	 "AND g.user_uuid = ?",
	 R},
	/* STMT_GROUP_COUNT: user_uuid */
	{"SELECT COUNT(*) FROM user_server_groups WHERE user_uuid = ?", 0},
	/* STMT_GROUP_INSERT: uuid, user_uuid, name, server_order (order 0) */
	{"INSERT INTO user_server_groups (uuid, user_uuid, name, server_order) "
	 "VALUES (?, ?, ?, ?)",
	 0},
	/* STMT_GROUP_UPDATE: name, server_order, uuid, user_uuid */
	{"UPDATE user_server_groups SET name = ?, server_order = ? WHERE uuid "
	 "= ? AND user_uuid = ?",
	 0},
	/* STMT_GROUP_DELETE: uuid, user_uuid */
	{"DELETE FROM user_server_groups WHERE uuid = ? AND user_uuid = ?", 0},
	/* STMT_GROUP_ORDER: JSON array of group uuids, user_uuid. Each of the
	 * user's listed groups takes its first 1-based position. */
	{"UPDATE user_server_groups g JOIN (SELECT j.uuid, MIN(j.pos) AS pos "
	 "FROM JSON_TABLE(?, '$[*]' COLUMNS (pos FOR ORDINALITY, uuid "
	 "VARCHAR(36) PATH '$')) j GROUP BY j.uuid) o ON g.uuid = "
	 "CONVERT(o.uuid USING ascii) COLLATE ascii_bin SET g.order_ = o.pos "
	 "WHERE g.user_uuid = ?",
	 0},
	/* STMT_GROUP_SERVERS: user (subuser join), JSON array of server uuids
	 * (no duplicates), sees all (1/0), user (owner), search x4, limit,
	 * offset -> SERVER_COLS, total: the visible servers of the list, in
	 * its order */
	{"SELECT " SERVER_COLS ", COUNT(*) OVER () FROM " SERVER_JOIN
	 " JOIN users o ON o.uuid = s.owner_uuid JOIN JSON_TABLE(?, '$[*]' "
	 "COLUMNS (pos FOR ORDINALITY, uuid VARCHAR(36) PATH '$')) j ON "
	 "s.uuid = CONVERT(j.uuid USING ascii) COLLATE ascii_bin WHERE (? = 1 "
	 "OR s.owner_uuid = ? OR su.user_uuid IS NOT NULL) AND " SERVER_SEARCH
	 " ORDER BY j.pos, s.created, s.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_SNIPPET_LIST: user_uuid, search, search, limit, offset */
	{"SELECT " SNIPPET_COLS ", COUNT(*) OVER () FROM user_command_snippets "
	 "c WHERE c.user_uuid = ? AND (? IS NULL OR c.name COLLATE "
	 "utf8mb4_unicode_ci LIKE CONCAT('%', ?, '%')) ORDER BY c.created, "
	 "c.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_SNIPPET_GET: uuid, user_uuid */
	{"SELECT " SNIPPET_COLS " FROM user_command_snippets c WHERE c.uuid = "
	 "? AND c.user_uuid = ?",
	 R},
	/* STMT_SNIPPET_COUNT: user_uuid */
	{"SELECT COUNT(*) FROM user_command_snippets WHERE user_uuid = ?", 0},
	/* STMT_SNIPPET_INSERT: uuid, user_uuid, name, eggs, command */
	{"INSERT INTO user_command_snippets (uuid, user_uuid, name, eggs, "
	 "command) VALUES (?, ?, ?, ?, ?)",
	 0},
	/* STMT_SNIPPET_UPDATE: name, eggs, command, uuid, user_uuid */
	{"UPDATE user_command_snippets SET name = ?, eggs = ?, command = ? "
	 "WHERE uuid = ? AND user_uuid = ?",
	 0},
	/* STMT_SNIPPET_DELETE: uuid, user_uuid */
	{"DELETE FROM user_command_snippets WHERE uuid = ? AND user_uuid = ?",
	 0},
	/* STMT_SNIPPET_BY_EGG: user_uuid, egg uuid -> the snippets for every
	 * egg or for this one, oldest first */
	{"SELECT " SNIPPET_COLS " FROM user_command_snippets c WHERE "
	 "c.user_uuid = ? AND (JSON_LENGTH(c.eggs) = 0 OR "
	 "JSON_CONTAINS(c.eggs, JSON_QUOTE(?))) ORDER BY c.created, c.uuid",
	 R},

	/* -- group servers -- */
	/* STMT_SERVER_ACTIVITY_INSERT: server_uuid, user_uuid,
	 * impersonator_uuid, api_key_uuid, event, ip, data */
	{"INSERT INTO server_activities (server_uuid, user_uuid, "
	 "impersonator_uuid, api_key_uuid, event, ip, data) VALUES (?, ?, ?, "
	 "?, ?, ?, ?)",
	 0},
	/* STMT_SUBUSER_LIST: server_uuid, search, search, limit, offset */
	{"SELECT " SUBUSER_COLS ", COUNT(*) OVER () FROM server_subusers su "
	 "JOIN users u ON u.uuid = su.user_uuid WHERE su.server_uuid = ? AND "
	 "(? IS NULL OR u.username LIKE CONCAT('%', ?, '%')) ORDER BY "
	 "su.created, u.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_SUBUSER_GET: server_uuid, user_uuid -> SUBUSER_COLS, email */
	{"SELECT " SUBUSER_COLS ", u.email FROM server_subusers su JOIN users "
	 "u ON u.uuid = su.user_uuid WHERE su.server_uuid = ? AND "
	 "su.user_uuid = ?",
	 0},
	/* STMT_SUBUSER_COUNT: server_uuid */
	{"SELECT COUNT(*) FROM server_subusers WHERE server_uuid = ?", 0},
	/* STMT_SUBUSER_INSERT: server_uuid, user_uuid, permissions,
	 * ignored_files */
	{"INSERT INTO server_subusers (server_uuid, user_uuid, permissions, "
	 "ignored_files) VALUES (?, ?, ?, ?)",
	 0},
	/* STMT_SUBUSER_UPDATE: permissions or NULL, ignored_files or NULL,
	 * server_uuid, user_uuid */
	{"UPDATE server_subusers SET permissions = COALESCE(?, permissions), "
	 "ignored_files = COALESCE(?, ignored_files) WHERE server_uuid = ? AND "
	 "user_uuid = ?",
	 0},
	/* STMT_SUBUSER_DELETE: server_uuid, user_uuid */
	{"DELETE FROM server_subusers WHERE server_uuid = ? AND user_uuid = ?",
	 0},
	/* STMT_SERVER_LOCK: uuid; serialises per-server limits */
	{"SELECT uuid FROM servers WHERE uuid = ? FOR UPDATE", 0},
	/* STMT_USER_BY_EMAIL: email (case-insensitive) -> uuid, username,
	 * email */
	{"SELECT uuid, username, email FROM users WHERE email = ?", 0},
	/* STMT_ADMIN_SERVER_LIST: search, search, limit, offset */
	{"SELECT " ADMIN_SERVER_COLS
	 ", COUNT(*) OVER () FROM " ADMIN_SERVER_JOIN
	 " WHERE (? IS NULL OR s.name LIKE CONCAT('%', ?, '%')) ORDER BY "
	 "s.created, s.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_ADMIN_SERVER_BY_UUID: uuid */
	{"SELECT " ADMIN_SERVER_COLS " FROM " ADMIN_SERVER_JOIN
	 " WHERE s.uuid = ?",
	 R},
	/* STMT_ADMIN_SERVER_BY_SHORT: uuid_short */
	{"SELECT " ADMIN_SERVER_COLS " FROM " ADMIN_SERVER_JOIN
	 " WHERE s.uuid_short = ?",
	 R},
	/* STMT_ADMIN_SERVER_BY_EXTERNAL: external_id (one of them) */
	{"SELECT " ADMIN_SERVER_COLS " FROM " ADMIN_SERVER_JOIN
	 " WHERE s.external_id = ? LIMIT 1",
	 R},
	/* STMT_SERVER_EGG_VARIABLES: server (or NULL), egg -> v.uuid,
	 * env_variable, default_value, rules, the server's value */
	{"SELECT v.uuid, v.env_variable, v.default_value, v.rules, sv.value "
	 "FROM nest_egg_variables v LEFT JOIN server_variables sv ON "
	 "sv.variable_uuid = v.uuid AND sv.server_uuid = ? WHERE v.egg_uuid = "
	 "? ORDER BY v.order_, v.created, v.uuid",
	 0},
	/* STMT_SERVER_VARIABLE_UPSERT: server, variable, value */
	{"INSERT INTO server_variables (server_uuid, variable_uuid, value) "
	 "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)",
	 0},
	/* STMT_SERVER_VARIABLE_LIST: server -> ServerVariable columns */
	{"SELECT v.name, v.name_translations, v.description, "
	 "v.description_translations, v.env_variable, v.default_value, "
	 "sv.value, v.user_editable, v.secret, v.rules, COALESCE(sv.created, "
	 "UTC_TIMESTAMP(6)) FROM servers s JOIN nest_egg_variables v ON "
	 "v.egg_uuid = s.egg_uuid LEFT JOIN server_variables sv ON "
	 "sv.variable_uuid = v.uuid AND sv.server_uuid = s.uuid WHERE s.uuid "
	 "= ? ORDER BY v.order_, v.created, v.uuid",
	 R},
	/* STMT_SERVER_RELATIONS: node, owner, egg -> 1/0 each */
	{"SELECT (SELECT COUNT(*) FROM nodes WHERE uuid = ?), (SELECT COUNT(*) "
	 "FROM users WHERE uuid = ?), (SELECT COUNT(*) FROM nest_eggs WHERE "
	 "uuid = ?)",
	 0},
	/* STMT_NODE_ALLOCATION_STATE: allocation, node -> servers using it */
	{"SELECT (SELECT COUNT(*) FROM server_allocations x WHERE "
	 "x.allocation_uuid = a.uuid) FROM node_allocations a WHERE a.uuid = "
	 "? AND a.node_uuid = ?",
	 0},
	/* STMT_ADMIN_SERVER_INSERT: 25 values, see insert_server() */
	{"INSERT INTO servers (uuid, uuid_short, external_id, node_uuid, "
	 "owner_uuid, egg_uuid, name, description, status, cpu, memory, "
	 "memory_overhead, swap, disk, io_weight, pinned_cpus, startup, image, "
	 "timezone, hugepages_passthrough_enabled, kvm_passthrough_enabled, "
	 "allocation_limit, database_limit, backup_limit, schedule_limit) "
	 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, IF(?, 'INSTALLING', NULL), ?, ?, ?, "
	 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	 0},
	/* STMT_SERVER_ALLOCATION_INSERT: uuid, server, node allocation */
	{"INSERT INTO server_allocations (uuid, server_uuid, allocation_uuid) "
	 "VALUES (?, ?, ?)",
	 0},
	/* STMT_ADMIN_SERVER_SET_PRIMARY: server allocation, server */
	{"UPDATE servers SET allocation_uuid = ? WHERE uuid = ?", 0},
	/* STMT_ADMIN_SERVER_DELETE: uuid */
	{"DELETE FROM servers WHERE uuid = ?", 0},
	/* STMT_ADMIN_SERVER_UPDATE: (sent, value) per column, then uuid */
	{"UPDATE servers SET " SERVER_PATCH_SET " WHERE uuid = ?", 0},
	/* STMT_CLIENT_EGGS_MINE: user, user, search x2, limit, offset: the
	 * eggs of the servers the user owns or is a subuser of */
	{"SELECT " SERVER_EGG_COLS ", COUNT(*) OVER () FROM nest_eggs e WHERE "
	 "EXISTS (SELECT 1 FROM servers s LEFT JOIN server_subusers su ON "
	 "su.server_uuid = s.uuid AND su.user_uuid = ? WHERE s.egg_uuid = "
	 "e.uuid AND (s.owner_uuid = ? OR su.user_uuid IS NOT NULL)) "
	 "AND " EGG_NAME_SEARCH " ORDER BY e.created, e.uuid LIMIT ? OFFSET ?",
	 R},
	/* STMT_CLIENT_EGGS_ALL: search x2, limit, offset: every egg in use */
	{"SELECT " SERVER_EGG_COLS ", COUNT(*) OVER () FROM nest_eggs e WHERE "
	 "EXISTS (SELECT 1 FROM servers s WHERE s.egg_uuid = e.uuid) "
	 "AND " EGG_NAME_SEARCH " ORDER BY e.created, e.uuid LIMIT ? OFFSET ?",
	 R},
};
