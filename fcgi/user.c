/* user.c: see user.h. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "config.h"
#include "db.h"
#include "json.h"
#include "request.h"
#include "user.h"

const char *
user_check_username(const char *u)
{
	size_t n = strlen(u), i;

	if (n < 3)
		return "length is lower than 3";
	if (n > 15)
		return "length is greater than 15";
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)u[i]) && u[i] != '_')
			return "does not match pattern /^[a-zA-Z0-9_]+$/";
	return NULL;
}

static bool
valid_label(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

/* "[addr]": an IPv4 or IPv6 address literal as the domain. */
static bool
ip_literal(const char *d)
{
	unsigned char bin[16];
	char ip[64];
	size_t n = strlen(d);

	if (n < 3 || d[0] != '[' || d[n - 1] != ']' || n - 2 >= sizeof(ip))
		return false;
	memcpy(ip, d + 1, n - 2);
	ip[n - 2] = '\0';
	return inet_pton(AF_INET, ip, bin) == 1 ||
	       inet_pton(AF_INET6, ip, bin) == 1;
}

/*
 * The contract's e-mail rule (1.5), messages included: garde splits at the
 * first '@', then checks the user part and the domain (dot-separated
 * labels, or an IP literal in brackets).
 */
const char *
user_check_email(const char *e)
{
	static const char local_ok[] = "!#$%&'*+/=?^_`{|}~-.";
	const char *at, *d;
	size_t i, llen;

	if (*e == '\0')
		return "not a valid email: value is empty";
	if (strlen(e) > 255)
		return "length is greater than 255";
	at = strchr(e, '@');
	if (at == NULL)
		return "not a valid email: value is missing `@`";
	llen = (size_t)(at - e);
	if (llen > 64)
		return "not a valid email: user length exceeded maximum of 64 "
		       "characters";
	if (llen == 0)
		return "not a valid email: user contains unexpected characters";
	for (i = 0; i < llen; i++)
		if (!isalnum((unsigned char)e[i]) &&
		    strchr(local_ok, e[i]) == NULL)
			return "not a valid email: user contains unexpected "
			       "characters";
	d = at + 1;
	if (strlen(d) > 255)
		return "not a valid email: domain length exceeded maximum of "
		       "255 characters";
	if (ip_literal(d))
		return NULL;
	while (*d != '\0') {
		size_t n = strcspn(d, ".");

		if (!valid_label(d, n))
			return "not a valid email: domain contains unexpected "
			       "characters";
		d += n;
		if (*d == '.') {
			d++;
			if (*d == '\0')
				return "not a valid email: domain contains "
				       "unexpected characters";
		}
	}
	if (at[1] == '\0')
		return "not a valid email: domain contains unexpected "
		       "characters";
	return NULL;
}

const char *
user_check_password(const char *p)
{
	size_t n = utf8_chars(p, strlen(p));

	if (n < 8)
		return "length is lower than 8";
	if (n > 512)
		return "length is greater than 512";
	return NULL;
}

enum perr
user_create(struct db *db, const char *username, const char *email,
	    const char *name_first, const char *name_last,
	    const char *password_hash, bool admin,
	    char uuid_out[CRYPTO_UUID_BUFSZ])
{
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_arg args[7];
	enum perr e;

	crypto_uuid_v4(uuid);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(username);
	args[2] = DB_STR(email);
	args[3] = DB_STR(name_first);
	args[4] = DB_STR(name_last);
	args[5] = DB_STR_OR_NULL(password_hash);
	args[6] = DB_INT(admin ? 1 : 0);
	e = db_exec(db, STMT_USER_INSERT, args, 7, NULL);
	if (e == PERR_OK)
		memcpy(uuid_out, uuid, sizeof(uuid));
	return e;
}

/* The uuid of the user with this username or e-mail; PERR_NOENT if none. */
static enum perr
find_user(struct db *db, const char *who, char uuid[CRYPTO_UUID_BUFSZ])
{
	struct db_arg args[2] = {DB_STR(who), DB_STR(who)};
	struct db_res res;
	enum perr e;

	e = db_exec(db, STMT_USER_BY_USERNAME, args, 2, &res);
	if (e != PERR_OK)
		return e;
	e = res.nrows == 1 ? PERR_OK : PERR_NOENT;
	if (e == PERR_OK)
		snprintf(uuid, CRYPTO_UUID_BUFSZ, "%s", db_cell(&res, 0, 0));
	db_res_free(&res);
	return e;
}

/* Ends the transaction db_tx_begin started: commit when e is PERR_OK. */
static enum perr
finish_tx(struct db *db, enum perr e)
{
	if (e == PERR_OK)
		return db_tx_commit(db);
	db_tx_rollback(db);
	return e;
}

enum perr
user_disable_two_factor(struct db *db, const char *who)
{
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_arg args[1];
	enum perr e = find_user(db, who, uuid);

	if (e != PERR_OK)
		return e;
	args[0] = DB_STR(uuid);
	e = db_tx_begin(db);
	if (e != PERR_OK)
		return e;
	e = db_exec(db, STMT_RECOVERY_DELETE_ALL, args, 1, NULL);
	if (e == PERR_OK)
		e = db_exec(db, STMT_USER_TOTP_DISABLE, args, 1, NULL);
	if (e == PERR_OK)
		e = db_exec(db, STMT_SESSIONS_DELETE_USER, args, 1, NULL);
	return finish_tx(db, e);
}

enum perr
user_set_password(struct db *db, const char *who, const char *password_hash)
{
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_arg args[2];
	enum perr e = find_user(db, who, uuid);

	if (e != PERR_OK)
		return e;
	/* The new password and the end of every session, together. */
	e = db_tx_begin(db);
	if (e != PERR_OK)
		return e;
	args[0] = DB_STR(password_hash);
	args[1] = DB_STR(uuid);
	e = db_exec(db, STMT_USER_SET_PASSWORD, args, 2, NULL);
	if (e == PERR_OK) {
		args[0] = DB_STR(uuid);
		e = db_exec(db, STMT_SESSIONS_DELETE_USER, args, 1, NULL);
	}
	return finish_tx(db, e);
}

/* ---- user rows ----------------------------------------------------------- */

struct json_object *
json_array_or_empty(const char *text)
{
	struct json_object *o = text ? json_tokener_parse(text) : NULL;

	if (o == NULL || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		o = json_object_new_array();
	}
	return o;
}

struct json_object *
user_json_array(struct req *req, const char *text)
{
	return req_own(req, json_array_or_empty(text));
}

static const char *
cell(struct req *req, const struct db_res *res, size_t row, size_t col)
{
	const char *v = db_cell(res, row, col);

	return v ? arena_strdup(&req->arena, v) : NULL;
}

static bool
flag(const struct db_res *res, size_t row, size_t col)
{
	const char *v = db_cell(res, row, col);

	return v != NULL && strcmp(v, "0") != 0;
}

void
user_row_read(struct req *req, const struct db_res *res, size_t row, size_t c,
	      struct user_row *u)
{
	u->uuid = cell(req, res, row, c + 0);
	u->username = cell(req, res, row, c + 1);
	u->email = cell(req, res, row, c + 2);
	u->name_first = cell(req, res, row, c + 3);
	u->name_last = cell(req, res, row, c + 4);
	u->admin = flag(res, row, c + 5);
	u->frozen = flag(res, row, c + 6);
	u->suspended = flag(res, row, c + 7);
	u->totp_enabled = flag(res, row, c + 8);
	u->totp_last_used = cell(req, res, row, c + 9);
	u->language = cell(req, res, row, c + 10);
	u->toast_position = cell(req, res, row, c + 11);
	u->start_on_grouped_servers = flag(res, row, c + 12);
	u->has_password = flag(res, row, c + 13);
	u->created = cell(req, res, row, c + 14);
	u->role_uuid = cell(req, res, row, c + 15);
	u->role_name = cell(req, res, row, c + 16);
	u->role_description = cell(req, res, row, c + 17);
	u->role_require_two_factor = flag(res, row, c + 18);
	u->role_admin_permissions =
		user_json_array(req, db_cell(res, row, c + 19));
	u->role_server_permissions =
		user_json_array(req, db_cell(res, row, c + 20));
	u->role_created = cell(req, res, row, c + 21);
}

bool
user_requires_two_factor(const struct user_row *u, const char *setting)
{
	if (u->role_uuid != NULL)
		return u->role_require_two_factor;
	if (setting != NULL && strcmp(setting, "admins") == 0)
		return u->admin;
	if (setting != NULL && strcmp(setting, "all_users") == 0)
		return true;
	return false;
}

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

static struct json_object *
role_json(const struct user_row *u)
{
	struct json_object *r;

	if (u->role_uuid == NULL)
		return NULL;
	r = json_object_new_object();
	ADD(r, "uuid", json_object_new_string(u->role_uuid));
	ADD(r, "name", json_str_or_null(u->role_name));
	ADD(r, "description", json_str_or_null(u->role_description));
	ADD(r, "require_two_factor",
	    json_object_new_boolean(u->role_require_two_factor));
	ADD(r, "admin_permissions", json_object_get(u->role_admin_permissions));
	ADD(r, "server_permissions",
	    json_object_get(u->role_server_permissions));
	ADD(r, "created", json_ts_or_null(u->role_created));
	return r;
}

struct json_object *
user_full_json(const struct user_row *u, bool require_two_factor)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "uuid", json_str_or_null(u->uuid));
	ADD(o, "username", json_str_or_null(u->username));
	ADD(o, "role", role_json(u));
	ADD(o, "avatar", NULL);
	ADD(o, "email", json_str_or_null(u->email));
	ADD(o, "name_first", json_str_or_null(u->name_first));
	ADD(o, "name_last", json_str_or_null(u->name_last));
	ADD(o, "admin", json_object_new_boolean(u->admin));
	ADD(o, "frozen", json_object_new_boolean(u->frozen));
	ADD(o, "suspended", json_object_new_boolean(u->suspended));
	ADD(o, "totp_enabled", json_object_new_boolean(u->totp_enabled));
	ADD(o, "totp_last_used", json_ts_or_null(u->totp_last_used));
	ADD(o, "require_two_factor",
	    json_object_new_boolean(require_two_factor));
	ADD(o, "language", json_str_or_null(u->language));
	ADD(o, "toast_position", json_str_or_null(u->toast_position));
	ADD(o, "start_on_grouped_servers",
	    json_object_new_boolean(u->start_on_grouped_servers));
	ADD(o, "has_password", json_object_new_boolean(u->has_password));
	ADD(o, "created", json_ts_or_null(u->created));
	return o;
}

struct json_object *
user_admin_json(const struct user_row *u, const char *external_id,
		const char *tfa_setting)
{
	struct json_object *full, *o = json_object_new_object();

	full = user_full_json(u, user_requires_two_factor(u, tfa_setting));
	json_object_object_foreach(full, key, val)
	{
		json_object_object_add(o, key, json_object_get(val));
		if (strcmp(key, "uuid") == 0)
			json_object_object_add(o, "external_id",
					       json_str_or_null(external_id));
	}
	json_object_put(full);
	return o;
}

struct json_object *
user_public_json(const struct user_row *u)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "uuid", json_str_or_null(u->uuid));
	ADD(o, "username", json_str_or_null(u->username));
	ADD(o, "avatar", NULL);
	ADD(o, "totp_enabled", json_object_new_boolean(u->totp_enabled));
	ADD(o, "created", json_ts_or_null(u->created));
	return o;
}

bool
user_password_matches(const struct config *cfg, const char *stored,
		      const char *password)
{
	struct argon2_params p = config_argon2(cfg);
	bool rehash;

	return stored == NULL ||
	       crypto_password_verify(password, stored, &p, &rehash);
}
