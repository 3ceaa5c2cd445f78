/*
 * migrate.h: `panel-fcgi migrate`. Applies sql/NNNN-name.sql files in
 * order, records each in schema_migrations, is a no-op when up to date and
 * refuses a database newer than this binary (SCHEMA_VERSION).
 */
#ifndef PANEL_MIGRATE_H
#define PANEL_MIGRATE_H

#include <stdbool.h>

struct config;

/* user/password: the account to migrate as (NULL = the configured one).
 * Returns the exit status. */
int migrate_run(const struct config *cfg, const char *sql_dir, const char *user,
		const char *password, bool status_only);

#endif
