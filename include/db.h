/*
 * db.h: the database layer. One struct db per thread: a lazily opened
 * connection to the primary (and to the read DSN when configured), every
 * statement of db_stmt.c prepared on it, reconnect and re-prepare after a
 * lost connection, transactions. Only db.c includes <mysql.h>.
 */
#ifndef PANEL_DB_H
#define PANEL_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "db_stmt.h"
#include "util.h"

struct config;
struct db;

enum db_arg_type { DB_ARG_NULL, DB_ARG_STR, DB_ARG_INT };

/* A bound parameter; strings are borrowed for the call only. */
struct db_arg {
	enum db_arg_type type;
	const char *s;
	size_t len;
	long long i;
};

#define DB_STR(x) ((struct db_arg){DB_ARG_STR, (x), strlen(x), 0})
#define DB_STRN(x, n) ((struct db_arg){DB_ARG_STR, (x), (n), 0})
#define DB_BIN(x, n) ((struct db_arg){DB_ARG_STR, (const char *)(x), (n), 0})
#define DB_INT(x) ((struct db_arg){DB_ARG_INT, NULL, 0, (long long)(x)})
#define DB_NULL ((struct db_arg){DB_ARG_NULL, NULL, 0, 0})
#define DB_STR_OR_NULL(x) ((x) != NULL ? DB_STR(x) : DB_NULL)

/* A result: every cell as text (NULL pointer = SQL NULL), owned. */
struct db_res {
	size_t nrows, ncols;
	char **cells; /* nrows * ncols */
	size_t *lens;
	unsigned long long affected;  /* for statements without a result */
	unsigned long long insert_id; /* LAST_INSERT_ID of the statement */
};

/* Process-wide: before any thread starts, and at exit. */
bool db_library_init(void);
void db_library_end(void);
/* Per thread, around its use of the database. */
void db_thread_init(void);
void db_thread_end(void);

/*
 * A handle (no connection yet). With user != NULL connect as that account
 * (migrations); with prepare false the statement table is not prepared.
 */
struct db *db_new(const struct config *cfg, const char *user,
		  const char *password, bool prepare);
void db_free(struct db *db);
/*
 * Statements are then prepared on a connection when first used, not all
 * at connect: a worker thread holds only the few it needs (each costs
 * client and server memory). The statement table is still checked whole
 * once at startup (db_connect on a handle that is not lazy).
 */
void db_set_lazy(struct db *db);

/*
 * Connects now. PERR_OK, PERR_DBDOWN (unreachable: requests will get 503
 * until it is back) or PERR_DB (a statement failed to prepare: the schema
 * does not match this binary).
 */
enum perr db_connect(struct db *db);

/*
 * Runs statement id with nargs bound parameters. out may be NULL; else it
 * receives the rows (free with db_res_free). PERR_CONFLICT for a duplicate
 * key, PERR_DBDOWN when the server cannot be reached, PERR_DB otherwise.
 */
enum perr db_exec(struct db *db, enum stmt id, const struct db_arg *args,
		  size_t nargs, struct db_res *out);
const char *db_cell(const struct db_res *res, size_t row, size_t col);
void db_res_free(struct db_res *res);

enum perr db_tx_begin(struct db *db);
enum perr db_tx_commit(struct db *db);
void db_tx_rollback(struct db *db);
/* Ends a transaction: commits when e is PERR_OK, else rolls back; the
 * result (the commit's, or e). */
enum perr db_tx_end(struct db *db, enum perr e);

/*
 * Prepares and runs one trusted statement text (a migration file's, or
 * migrate.c's own bookkeeping) with bound parameters, on a fresh statement
 * handle. Only migrate.c calls this.
 */
enum perr db_exec_trusted(struct db *db, const char *sql,
			  const struct db_arg *args, size_t nargs,
			  struct db_res *out, char *err, size_t errlen);

#endif
