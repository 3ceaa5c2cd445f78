/*
 * db_stmt.c: the statement table. Bound parameters only: no SQL is ever
 * built from input. A statement that fails to prepare stops startup.
 */
#include "autoconf.h"

#include "db_stmt.h"

const struct stmt_def stmt_defs[STMT__MAX] = {
	/* STMT_TX_BEGIN */
	{"START TRANSACTION", false},
	/* STMT_TX_COMMIT */
	{"COMMIT", false},
	/* STMT_TX_ROLLBACK */
	{"ROLLBACK", false},
	/* STMT_SETTINGS_ALL: every stored setting */
	{"SELECT `key`, value FROM settings", true},
	/* STMT_USER_COUNT */
	{"SELECT COUNT(*) FROM users", true},
	/* STMT_USER_INSERT: uuid, username, email, name_first, name_last,
	 * password, admin */
	{"INSERT INTO users (uuid, username, email, name_first, name_last, "
	 "password, admin) VALUES (?, ?, ?, ?, ?, ?, ?)",
	 false},
	/* STMT_USER_LIST */
	{"SELECT uuid, username, email, admin, suspended, totp_enabled, "
	 "created FROM users ORDER BY created, uuid",
	 true},
	/* STMT_USER_BY_USERNAME: username or e-mail (case-insensitive) */
	{"SELECT uuid, username, email FROM users WHERE username = ? OR "
	 "email = ?",
	 false},
	/* STMT_USER_SET_PASSWORD: password, uuid */
	{"UPDATE users SET password = ? WHERE uuid = ?", false},
	/* STMT_SESSIONS_DELETE_USER: user_uuid */
	{"DELETE FROM user_sessions WHERE user_uuid = ?", false},
	/* STMT_ANNOUNCEMENTS_PUBLIC: enabled, in window, not targeted */
	{"SELECT uuid, LOWER(type), dismissible, dismissible_end, title, "
	 "title_translations, content, content_translations FROM "
	 "announcements WHERE enabled AND (enabled_start IS NULL OR "
	 "enabled_start <= UTC_TIMESTAMP(6)) AND (enabled_end IS NULL OR "
	 "enabled_end >= UTC_TIMESTAMP(6)) AND JSON_LENGTH(locations) = 0 "
	 "AND JSON_LENGTH(nodes) = 0 AND "
	 "JSON_LENGTH(backup_configurations) = 0 AND JSON_LENGTH(eggs) = 0 "
	 "ORDER BY created, uuid",
	 true},
};
