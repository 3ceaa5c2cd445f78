/*
 * db_stmt.h: every SQL statement of the program, by index. The text lives
 * in db_stmt.c; db.c prepares all of them on each connection.
 */
#ifndef PANEL_DB_STMT_H
#define PANEL_DB_STMT_H

#include <stdbool.h>

/* The newest migration (sql/NNNN-*.sql) this binary was built for. */
#define SCHEMA_VERSION 1

enum stmt {
	STMT_TX_BEGIN,
	STMT_TX_COMMIT,
	STMT_TX_ROLLBACK,
	STMT_SETTINGS_ALL,
	STMT_USER_COUNT,
	STMT_USER_INSERT,
	STMT_USER_LIST,
	STMT_USER_BY_USERNAME,
	STMT_USER_SET_PASSWORD,
	STMT_USER_LOCK,
	STMT_USER_AUTH_BY_USERNAME,
	STMT_USER_AUTH_BY_EMAIL,
	STMT_SESSIONS_DELETE_USER,
	STMT_ANNOUNCEMENTS_PUBLIC,
	STMT_RATELIMIT_HIT,
	STMT_RATELIMIT_GET,
	STMT_RATELIMIT_SWEEP,
	STMT_SESSION_AUTH,
	STMT_SESSION_INSERT,
	STMT_SESSION_TOUCH,
	STMT_SESSION_DELETE,
	STMT_SESSION_GET_OWNED,
	STMT_SESSION_DELETE_OTHERS,
	STMT_SESSION_LIST,
	STMT_APIKEY_AUTH,
	STMT_APIKEY_TOUCH,
	STMT_APIKEY_LIST,
	STMT_APIKEY_GET_UUID,
	STMT_APIKEY_GET_START,
	STMT_APIKEY_INSERT,
	STMT_APIKEY_UPDATE,
	STMT_APIKEY_DELETE,
	STMT_APIKEY_RECREATE,
	STMT_APIKEY_COUNT,
	STMT_ACTIVITY_INSERT,
	STMT__MAX
};

#define STMT_REPLICA 0x1 /* may be answered by the read DSN (may lag) */
#define STMT_RETRY 0x2	 /* idempotent: retried once after a lost connection */

struct stmt_def {
	const char *sql; /* with ? placeholders only */
	unsigned flags;	 /* STMT_REPLICA, STMT_RETRY */
};

extern const struct stmt_def stmt_defs[STMT__MAX];

#endif
