/* migrate.c: see migrate.h. */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "migrate.h"

#define MAX_MIGRATIONS 1000

static const char sql_bookkeeping[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INT NOT NULL PRIMARY KEY,"
	" name VARCHAR(255) NOT NULL,"
	" applied DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

struct migration {
	int version;
	char name[256];
};

static int
cmp_migration(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* Lists NNNN-name.sql files, sorted; -1 on error (message printed). */
static int
list_migrations(const char *dir, struct migration *out, int max)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	int n = 0, i;

	if (d == NULL) {
		fprintf(stderr, "panel-fcgi: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((ent = readdir(d)) != NULL) {
		const char *nm = ent->d_name;
		size_t len = strlen(nm);
		char num[5];
		int64_t v;

		if (len < 10 || len >= sizeof(out[0].name) ||
		    strcmp(nm + len - 4, ".sql") != 0 || nm[4] != '-')
			continue;
		memcpy(num, nm, 4);
		num[4] = '\0';
		if (!parse_int64(num, 1, 9999, &v) || n == max)
			continue;
		out[n].version = (int)v;
		snprintf(out[n].name, sizeof(out[n].name), "%s", nm);
		n++;
	}
	closedir(d);
	qsort(out, (size_t)n, sizeof(*out), cmp_migration);
	for (i = 1; i < n; i++) {
		if (out[i].version == out[i - 1].version) {
			fprintf(stderr,
				"panel-fcgi: two migrations numbered "
				"%04d\n",
				out[i].version);
			return -1;
		}
	}
	return n;
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap + 1);
		}
		n = fread(buf + len, 1, cap - len, fp);
		if (n == 0)
			break;
		len += n;
	}
	fclose(fp);
	buf[len] = '\0';
	return buf;
}

/*
 * Runs the statements of one file: lines starting with "--" are dropped
 * and a ';' at the end of a line ends a statement.
 */
static bool
apply_file(struct db *db, const char *path)
{
	char *text = slurp(path), *line, *next, err[512];
	char *stmt = NULL;
	size_t slen = 0, count = 0;
	bool ok = true;

	if (text == NULL) {
		fprintf(stderr, "panel-fcgi: %s: %s\n", path, strerror(errno));
		return false;
	}
	stmt = xmalloc(strlen(text) + 1);
	for (line = text; line != NULL && ok; line = next) {
		size_t len;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (str_has_prefix(line, "--"))
			continue;
		len = strlen(line);
		while (len > 0 &&
		       (line[len - 1] == ' ' || line[len - 1] == '\r' ||
			line[len - 1] == '\t'))
			len--;
		memcpy(stmt + slen, line, len);
		slen += len;
		stmt[slen++] = '\n';
		if (len > 0 && line[len - 1] == ';') {
			slen -= 2; /* drop ";\n" */
			stmt[slen] = '\0';
			if (db_exec_trusted(db, stmt, NULL, 0, NULL, err,
					    sizeof(err)) != PERR_OK) {
				fprintf(stderr,
					"panel-fcgi: %s: statement %zu: %s\n",
					path, count + 1, err);
				ok = false;
			}
			count++;
			slen = 0;
		}
	}
	if (ok && strspn(stmt, " \n\t") < slen) {
		fprintf(stderr, "panel-fcgi: %s: text after the last ';'\n",
			path);
		ok = false;
	}
	free(stmt);
	free(text);
	return ok;
}

int
migrate_run(const struct config *cfg, const char *sql_dir, const char *user,
	    const char *password, bool status_only)
{
	struct migration *m = xcalloc(MAX_MIGRATIONS, sizeof(*m));
	struct db *db = db_new(cfg, user, password, false);
	struct db_res res;
	char err[512], path[4096];
	long current = 0;
	int n, i, rc = 1, applied = 0;
	bool locked = false;

	db_thread_init();
	n = list_migrations(sql_dir, m, MAX_MIGRATIONS);
	if (n < 0)
		goto out;
	if (db_connect(db) != PERR_OK) {
		fprintf(stderr, "panel-fcgi: cannot connect to the database\n");
		goto out;
	}
	if (status_only) {
		/* Read-only: no lock, no bookkeeping table created. */
		if (db_exec_trusted(db,
				    "SELECT COALESCE(MAX(version), 0) FROM "
				    "schema_migrations",
				    NULL, 0, &res, err,
				    sizeof(err)) == PERR_OK) {
			if (res.nrows == 1 && db_cell(&res, 0, 0) != NULL)
				current = strtol(db_cell(&res, 0, 0), NULL, 10);
			db_res_free(&res);
		} else if (!str_has_prefix(err, "1146:")) { /* no table: 0 */
			fprintf(stderr, "panel-fcgi: %s\n", err);
			goto out;
		}
		printf("schema version %ld of %d\n", current, SCHEMA_VERSION);
		rc = current == SCHEMA_VERSION
			     ? 0
			     : (current > SCHEMA_VERSION ? 1 : 3);
		goto out;
	}
	/* One migrator at a time across hosts. */
	if (db_exec_trusted(db, "SELECT GET_LOCK('panel-fcgi-migrate', 30)",
			    NULL, 0, &res, err, sizeof(err)) != PERR_OK) {
		fprintf(stderr, "panel-fcgi: %s\n", err);
		goto out;
	}
	locked = res.nrows == 1 && db_cell(&res, 0, 0) != NULL &&
		 strcmp(db_cell(&res, 0, 0), "1") == 0;
	db_res_free(&res);
	if (!locked) {
		fprintf(stderr, "panel-fcgi: another migrate is running\n");
		goto out;
	}
	if (db_exec_trusted(db, sql_bookkeeping, NULL, 0, NULL, err,
			    sizeof(err)) != PERR_OK ||
	    db_exec_trusted(db,
			    "SELECT COALESCE(MAX(version), 0) FROM "
			    "schema_migrations",
			    NULL, 0, &res, err, sizeof(err)) != PERR_OK) {
		fprintf(stderr, "panel-fcgi: %s\n", err);
		goto out;
	}
	if (res.nrows == 1 && db_cell(&res, 0, 0) != NULL)
		current = strtol(db_cell(&res, 0, 0), NULL, 10);
	db_res_free(&res);
	if (current > SCHEMA_VERSION) {
		fprintf(stderr,
			"panel-fcgi: the database is at schema version %ld, "
			"newer than this binary (%d); refusing to touch it\n",
			current, SCHEMA_VERSION);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct db_arg args[2];

		if (m[i].version <= current || m[i].version > SCHEMA_VERSION)
			continue;
		snprintf(path, sizeof(path), "%s/%s", sql_dir, m[i].name);
		printf("applying %s\n", m[i].name);
		if (!apply_file(db, path))
			goto out;
		args[0] = DB_INT(m[i].version);
		args[1] = DB_STR(m[i].name);
		if (db_exec_trusted(db,
				    "INSERT INTO schema_migrations (version, "
				    "name) VALUES (?, ?)",
				    args, 2, NULL, err,
				    sizeof(err)) != PERR_OK) {
			fprintf(stderr, "panel-fcgi: %s\n", err);
			goto out;
		}
		current = m[i].version;
		applied++;
	}
	if (current < SCHEMA_VERSION) {
		fprintf(stderr,
			"panel-fcgi: %s has no migration past %ld; this binary "
			"needs %d\n",
			sql_dir, current, SCHEMA_VERSION);
		goto out;
	}
	printf("schema is at version %ld (%d applied)\n", current, applied);
	rc = 0;
out:
	if (locked)
		(void)db_exec_trusted(
			db, "SELECT RELEASE_LOCK('panel-fcgi-migrate')", NULL,
			0, NULL, err, sizeof(err));
	db_free(db);
	db_thread_end();
	free(m);
	return rc;
}
