/* db.c: see db.h. With migrate.c nothing else touches SQL; only db.c
 * includes <mysql.h>. */
#include "autoconf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>
#ifdef HAVE_OPENSSL
#include <openssl/ssl.h>
#endif
#include <errmsg.h>
#include <mysqld_error.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "log.h"

#define DB_MAX_ARGS 64

/* MYSQL_BIND's is_null/error type: my_bool in MariaDB, bool in MySQL 8. */
#ifdef MARIADB_BASE_VERSION
typedef my_bool my_bool_t;
#else
typedef bool my_bool_t;
#endif
#define DB_RETRY_DELAY_MS 250 /* after a failed connect, fail fast */

struct db_conn {
	MYSQL *my;
	MYSQL_STMT *stmt[STMT__MAX];
	bool readonly;	     /* the read DSN */
	long long failed_ms; /* monotonic time of the last failed connect */
	bool down_logged;
};

struct db {
	const struct config *cfg;
	const char *user, *password; /* overrides (migrate), borrowed */
	bool prepare;
	bool lazy; /* statements prepared on first use (db_set_lazy) */
	bool has_ro;
	unsigned tx_depth;
	struct db_conn rw, ro;
	/* parsed read DSN */
	char ro_host[256], ro_socket[4096];
	unsigned ro_port;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool
db_library_init(void)
{
#ifdef HAVE_OPENSSL
	/*
	 * Connector/C initialises OpenSSL in mysql_library_init, error
	 * strings included, even when it never speaks TLS (a unix socket):
	 * those tables are 0.6 MiB of every worker's memory. Initialised first
	 * without them, OpenSSL ignores later requests to load them; its
	 * error messages then carry codes instead of text.
	 */
	OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_SSL_STRINGS |
				 OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS,
			 NULL);
#endif
	return mysql_library_init(0, NULL, NULL) == 0;
}

void
db_library_end(void)
{
	mysql_library_end();
}

void
db_thread_init(void)
{
	mysql_thread_init();
}

void
db_thread_end(void)
{
	mysql_thread_end();
}

struct db *
db_new(const struct config *cfg, const char *user, const char *password,
       bool prepare)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db->cfg = cfg;
	db->user = user;
	db->password = password;
	db->prepare = prepare;
	db->ro.readonly = true;
	/* config.c validated it; an empty value means no replica */
	if (cfg->db_read_dsn[0] != '\0' &&
	    config_parse_dsn(cfg->db_read_dsn, db->ro_host, sizeof(db->ro_host),
			     db->ro_socket, sizeof(db->ro_socket),
			     &db->ro_port))
		db->has_ro = true;
	return db;
}

static void
conn_close(struct db_conn *c)
{
	size_t i;

	for (i = 0; i < STMT__MAX; i++) {
		if (c->stmt[i] != NULL)
			mysql_stmt_close(c->stmt[i]);
		c->stmt[i] = NULL;
	}
	if (c->my != NULL)
		mysql_close(c->my);
	c->my = NULL;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	conn_close(&db->rw);
	conn_close(&db->ro);
	free(db);
}

static bool
is_conn_error(unsigned err)
{
	switch (err) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_LOST_EXTENDED:
	case CR_COMMANDS_OUT_OF_SYNC:
	case 1927: /* ER_CONNECTION_KILLED (MariaDB) */
	case ER_SERVER_SHUTDOWN:
	case 4031: /* ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8) */
		return true;
	default:
		return false;
	}
}

/* Prepares statement i on c; on failure c is closed (PERR_DBDOWN when the
 * connection failed, PERR_DB when the statement does not fit the schema). */
static enum perr
prepare_one(struct db_conn *c, size_t i)
{
	unsigned char on = 1; /* my_bool (MariaDB) and bool (MySQL 8) alike */

	c->stmt[i] = mysql_stmt_init(c->my);
	if (c->stmt[i] == NULL ||
	    mysql_stmt_prepare(c->stmt[i], stmt_defs[i].sql,
			       strlen(stmt_defs[i].sql)) != 0) {
		unsigned err = c->stmt[i] ? mysql_stmt_errno(c->stmt[i]) : 0;

		log_err(NULL, "statement %zu failed to prepare: %s", i,
			c->stmt[i] ? mysql_stmt_error(c->stmt[i])
				   : "out of memory");
		conn_close(c);
		return is_conn_error(err) ? PERR_DBDOWN : PERR_DB;
	}
	mysql_stmt_attr_set(c->stmt[i], STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	return PERR_OK;
}

static enum perr
conn_open(struct db *db, struct db_conn *c)
{
	const struct config *cfg = db->cfg;
	unsigned timeout = (unsigned)cfg->db_connect_timeout;
	unsigned rwtimeout = 10;
	const char *host, *sock;
	unsigned port;
	enum perr e;
	size_t i;

	if (c->my != NULL)
		return PERR_OK;
	if (c->failed_ms != 0 && now_ms() - c->failed_ms < DB_RETRY_DELAY_MS)
		return PERR_DBDOWN;
	c->my = mysql_init(NULL);
	if (c->my == NULL)
		return PERR_NOMEM;
	/* mysql_options, not mysql_optionsv: MySQL's client has only the
	 * former. Automatic reconnect stays off (the default in both): we
	 * reconnect ourselves and re-prepare every statement. */
	mysql_options(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(c->my, MYSQL_OPT_READ_TIMEOUT, &rwtimeout);
	mysql_options(c->my, MYSQL_OPT_WRITE_TIMEOUT, &rwtimeout);
	mysql_options(c->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(c->my, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	if (c->readonly) {
		host = db->ro_socket[0] ? "localhost" : db->ro_host;
		sock = db->ro_socket[0] ? db->ro_socket : NULL;
		port = db->ro_port;
	} else {
		sock = cfg->db_socket[0] ? cfg->db_socket : NULL;
		host = sock ? "localhost" : cfg->db_host;
		port = (unsigned)cfg->db_port;
	}
	if (mysql_real_connect(c->my, host, db->user ? db->user : cfg->db_user,
			       db->user ? db->password : cfg->db_password,
			       cfg->db_name, port, sock, 0) == NULL) {
		if (!c->down_logged)
			log_warn(NULL, "database %s unreachable: %s",
				 c->readonly ? "replica" : "primary",
				 mysql_error(c->my));
		c->down_logged = true;
		mysql_close(c->my);
		c->my = NULL;
		c->failed_ms = now_ms();
		return PERR_DBDOWN;
	}
	if (c->down_logged)
		log_info(NULL, "database %s reachable again",
			 c->readonly ? "replica" : "primary");
	c->down_logged = false;
	c->failed_ms = 0;
	if (!db->prepare || db->lazy)
		return PERR_OK;
	for (i = 0; i < STMT__MAX; i++) {
		if (c->readonly && !(stmt_defs[i].flags & STMT_REPLICA))
			continue;
		e = prepare_one(c, i);
		if (e == PERR_DBDOWN)
			c->failed_ms = now_ms();
		if (e != PERR_OK)
			return e;
	}
	return PERR_OK;
}

void
db_set_lazy(struct db *db)
{
	db->lazy = true;
}

enum perr
db_connect(struct db *db)
{
	enum perr e = conn_open(db, &db->rw);

	if (e == PERR_OK && db->has_ro)
		(void)conn_open(db, &db->ro); /* optional: primary serves */
	return e;
}

void
db_res_free(struct db_res *res)
{
	size_t i;

	if (res == NULL || res->cells == NULL)
		return;
	for (i = 0; i < res->nrows * res->ncols; i++) {
		if (res->cells[i] != NULL) {
			crypto_wipe(res->cells[i], res->lens[i]);
			free(res->cells[i]);
		}
	}
	free(res->cells);
	free(res->lens);
	memset(res, 0, sizeof(*res));
}

const char *
db_cell(const struct db_res *res, size_t row, size_t col)
{
	if (row >= res->nrows || col >= res->ncols)
		return NULL;
	return res->cells[row * res->ncols + col];
}

/* Fetches every row of an executed statement as text. */
static enum perr
fetch_all(MYSQL_STMT *st, MYSQL_RES *meta, struct db_res *out)
{
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	size_t ncols = mysql_num_fields(meta), nrows, r, j;
	MYSQL_BIND *bind = NULL;
	char **bufs = NULL;
	unsigned long *lens = NULL;
	my_bool_t *nulls = NULL, *errs = NULL;
	enum perr e = PERR_OK;
	int rc;

	if (mysql_stmt_store_result(st) != 0)
		return PERR_DB;
	nrows = (size_t)mysql_stmt_num_rows(st);
	out->nrows = nrows;
	out->ncols = ncols;
	out->cells = xcalloc(nrows * ncols + 1, sizeof(char *));
	out->lens = xcalloc(nrows * ncols + 1, sizeof(size_t));
	bind = xcalloc(ncols + 1, sizeof(*bind));
	bufs = xcalloc(ncols + 1, sizeof(*bufs));
	lens = xcalloc(ncols + 1, sizeof(*lens));
	nulls = xcalloc(ncols + 1, sizeof(*nulls));
	errs = xcalloc(ncols + 1, sizeof(*errs));
	for (j = 0; j < ncols; j++) {
		size_t size =
			fields[j].max_length > 64 ? fields[j].max_length : 64;

		bufs[j] = xmalloc(size + 1);
		bind[j].buffer_type = MYSQL_TYPE_STRING;
		bind[j].buffer = bufs[j];
		bind[j].buffer_length = size + 1;
		bind[j].length = &lens[j];
		bind[j].is_null = &nulls[j];
		bind[j].error = &errs[j];
	}
	if (mysql_stmt_bind_result(st, bind) != 0) {
		e = PERR_DB;
		goto out;
	}
	for (r = 0; r < nrows; r++) {
		rc = mysql_stmt_fetch(st);
		if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) {
			e = PERR_DB;
			goto out;
		}
		for (j = 0; j < ncols; j++) {
			size_t k = r * ncols + j;

			if (nulls[j])
				continue;
			out->cells[k] = xmalloc(lens[j] + 1);
			out->lens[k] = lens[j];
			if (errs[j]) {
				/* Longer than the buffer: fetch it whole. */
				MYSQL_BIND b;

				memset(&b, 0, sizeof(b));
				b.buffer_type = MYSQL_TYPE_STRING;
				b.buffer = out->cells[k];
				b.buffer_length = lens[j] + 1;
				if (mysql_stmt_fetch_column(st, &b, (unsigned)j,
							    0) != 0) {
					e = PERR_DB;
					goto out;
				}
			} else {
				memcpy(out->cells[k], bufs[j], lens[j]);
			}
			out->cells[k][lens[j]] = '\0';
		}
	}
out:
	mysql_stmt_free_result(st);
	for (j = 0; j < ncols; j++) {
		crypto_wipe(bufs[j], bind[j].buffer_length);
		free(bufs[j]);
	}
	free(bufs);
	free(bind);
	free(lens);
	free(nulls);
	free(errs);
	if (e != PERR_OK)
		db_res_free(out);
	return e;
}

/* Executes once on c; *lost tells a caller that retrying may help. */
static enum perr
run(MYSQL_STMT *st, int id, const struct db_arg *args, size_t nargs,
    struct db_res *out, bool *lost)
{
	MYSQL_BIND bind[DB_MAX_ARGS];
	unsigned long lens[DB_MAX_ARGS];
	MYSQL_RES *meta;
	enum perr e;
	unsigned err;
	size_t i;

	*lost = false;
	if (nargs > DB_MAX_ARGS || mysql_stmt_param_count(st) != nargs) {
		log_err(NULL, "statement %d: %zu arguments for %lu parameters",
			id, nargs, mysql_stmt_param_count(st));
		return PERR_SYS;
	}
	memset(bind, 0, sizeof(bind));
	for (i = 0; i < nargs; i++) {
		switch (args[i].type) {
		case DB_ARG_NULL:
			bind[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DB_ARG_STR:
			lens[i] = (unsigned long)args[i].len;
			bind[i].buffer_type = MYSQL_TYPE_STRING;
			bind[i].buffer = (void *)args[i].s;
			bind[i].buffer_length = lens[i];
			bind[i].length = &lens[i];
			break;
		case DB_ARG_INT:
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = (void *)&args[i].i;
			break;
		}
	}
	if ((nargs > 0 && mysql_stmt_bind_param(st, bind) != 0) ||
	    mysql_stmt_execute(st) != 0) {
		err = mysql_stmt_errno(st);
		if (is_conn_error(err)) {
			*lost = true;
			return PERR_DBDOWN;
		}
		if (err == ER_DUP_ENTRY || err == ER_DUP_ENTRY_WITH_KEY_NAME)
			return PERR_CONFLICT;
		log_err(NULL, "statement %d failed: %u %s", id, err,
			mysql_stmt_error(st));
		return PERR_DB;
	}
	meta = mysql_stmt_result_metadata(st);
	if (meta == NULL) {
		if (out != NULL) {
			memset(out, 0, sizeof(*out));
			out->affected = mysql_stmt_affected_rows(st);
			out->insert_id = mysql_stmt_insert_id(st);
		}
		return PERR_OK;
	}
	if (out != NULL) {
		memset(out, 0, sizeof(*out));
		e = fetch_all(st, meta, out);
	} else {
		e = mysql_stmt_free_result(st) == 0 ? PERR_OK : PERR_DB;
	}
	mysql_free_result(meta);
	if (e != PERR_OK) {
		err = mysql_stmt_errno(st);
		if (is_conn_error(err)) {
			*lost = true;
			return PERR_DBDOWN;
		}
	}
	return e;
}

enum perr
db_exec(struct db *db, enum stmt id, const struct db_arg *args, size_t nargs,
	struct db_res *out)
{
	const struct stmt_def *def = &stmt_defs[id];
	struct db_conn *c = &db->rw;
	bool lost = false;
	enum perr e;
	int attempt;

	if (!db->prepare || (unsigned)id >= STMT__MAX)
		return PERR_SYS;
	/* Reads outside a transaction may go to the read DSN when it is up. */
	if ((def->flags & STMT_REPLICA) && db->has_ro && db->tx_depth == 0 &&
	    conn_open(db, &db->ro) == PERR_OK)
		c = &db->ro;
	for (attempt = 0; attempt < 2; attempt++) {
		e = conn_open(db, c);
		if (e == PERR_OK && c->stmt[id] == NULL)
			e = prepare_one(c, id); /* db_set_lazy */
		if (e == PERR_DBDOWN && attempt == 0 && db->tx_depth == 0 &&
		    (def->flags & STMT_RETRY))
			continue; /* a connection found dead: once more */
		if (e != PERR_OK)
			return e;
		e = run(c->stmt[id], (int)id, args, nargs, out, &lost);
		if (!lost)
			return e;
		/* The connection died: drop it; statements die with it. */
		log_warn(NULL, "database connection lost; reconnecting");
		conn_close(c);
		if (db->tx_depth > 0 || !(def->flags & STMT_RETRY))
			return PERR_DBDOWN; /* outcome unknown: never replay */
	}
	return PERR_DBDOWN;
}

enum perr
db_tx_begin(struct db *db)
{
	enum perr e;

	if (db->tx_depth > 0)
		return PERR_SYS; /* no nesting */
	e = db_exec(db, STMT_TX_BEGIN, NULL, 0, NULL);
	if (e == PERR_OK)
		db->tx_depth = 1;
	return e;
}

enum perr
db_tx_commit(struct db *db)
{
	enum perr e = db_exec(db, STMT_TX_COMMIT, NULL, 0, NULL);

	db->tx_depth = 0;
	return e;
}

enum perr
db_tx_end(struct db *db, enum perr e)
{
	if (e == PERR_OK)
		return db_tx_commit(db);
	db_tx_rollback(db);
	return e;
}

void
db_tx_rollback(struct db *db)
{
	if (db->tx_depth == 0)
		return;
	(void)db_exec(db, STMT_TX_ROLLBACK, NULL, 0, NULL);
	db->tx_depth = 0;
}

enum perr
db_exec_trusted(struct db *db, const char *sql, const struct db_arg *args,
		size_t nargs, struct db_res *out, char *err, size_t errlen)
{
	struct db_conn *c = &db->rw;
	MYSQL_STMT *st;
	bool lost = false;
	enum perr e;

	e = conn_open(db, c);
	if (e != PERR_OK) {
		snprintf(err, errlen, "database unreachable");
		return e;
	}
	st = mysql_stmt_init(c->my);
	if (st == NULL)
		return PERR_NOMEM;
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		snprintf(err, errlen, "%u: %s", mysql_stmt_errno(st),
			 mysql_stmt_error(st));
		mysql_stmt_close(st);
		return PERR_DB;
	}
	e = run(st, -1, args, nargs, out, &lost);
	if (e != PERR_OK)
		snprintf(err, errlen, "%u: %s", mysql_stmt_errno(st),
			 mysql_stmt_error(st));
	mysql_stmt_close(st);
	return e;
}
