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
	STMT_SESSIONS_DELETE_USER,
	STMT_ANNOUNCEMENTS_PUBLIC,
	STMT__MAX
};

struct stmt_def {
	const char *sql; /* with ? placeholders only */
	bool read_only;	 /* may go to the read DSN; retried once on a lost
			    connection */
};

extern const struct stmt_def stmt_defs[STMT__MAX];

#endif
