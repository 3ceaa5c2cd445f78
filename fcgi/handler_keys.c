/*
 * handler_keys.c: /api/client/account/api-keys (contract 5.8 and
 * contract-extra 3.2). Client gate; user permissions api-keys.*.
 *
 * Beyond the real panel (the authentication page's promise that a key can
 * never grant more than the account holds):
 *   - a key's admin permissions must be held by the account (400);
 *   - a caller authenticated by a key grants no more than that key holds,
 *     cannot change or recreate itself, and cannot change, recreate or
 *     delete a key holding a permission it lacks (400).
 * The full key appears in the create and recreate answers and nowhere else.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "activity.h"
#include "apikey.h"
#include "cidr.h"
#include "config.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "log.h"
#include "page.h"
#include "perm.h"
#include "request.h"
#include "response.h"
#include "settings.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define MAX_IPS 100
#define MAX_PERMS 256

static const char *const list_names[3] = {
	"user_permissions", "admin_permissions", "server_permissions"};
static const enum perm_family list_family[3] = {PERM_USER, PERM_ADMIN,
						PERM_SERVER};

/* UserApiKey (contract 3.5) from a row of APIKEY_COLS starting at c. */
static struct json_object *
key_json(const struct db_res *res, size_t row)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "uuid", json_str_or_null(db_cell(res, row, 0)));
	ADD(o, "name", json_str_or_null(db_cell(res, row, 1)));
	ADD(o, "key_start", json_str_or_null(db_cell(res, row, 2)));
	ADD(o, "allowed_ips", json_array_or_empty(db_cell(res, row, 3)));
	ADD(o, "user_permissions", json_array_or_empty(db_cell(res, row, 4)));
	ADD(o, "admin_permissions", json_array_or_empty(db_cell(res, row, 5)));
	ADD(o, "server_permissions", json_array_or_empty(db_cell(res, row, 6)));
	ADD(o, "last_used", json_ts_or_null(db_cell(res, row, 7)));
	ADD(o, "expires", json_ts_or_null(db_cell(res, row, 8)));
	ADD(o, "created", json_ts_or_null(db_cell(res, row, 9)));
	return o;
}

/* The body's value of name, or NULL (absent or null). */
static struct json_object *
field(struct req *req, const char *name)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(req->json, name, &v);
	return v;
}

static bool
field_sent(struct req *req, const char *name)
{
	return json_object_object_get_ex(req->json, name, NULL);
}

/*
 * allowed_ips to normalised "addr/prefix" strings (a new array), or NULL
 * after setting the 400 response.
 */
static struct json_object *
normalise_ips(struct req *req, struct json_object *in)
{
	struct json_object *out = json_object_new_array();
	size_t i, n = json_object_array_length(in);

	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(
			json_object_array_get_idx(in, i));
		char buf[CIDR_BUFSZ];
		struct cidr c;

		if (!cidr_parse(s, &c)) {
			json_object_put(out);
			response_error(
				req, 400,
				arena_printf(
					&req->arena,
					"invalid payload: allowed_ips[%zu]: "
					"invalid IP address or network",
					i));
			return NULL;
		}
		cidr_format(&c, true, buf);
		json_object_array_add(out, json_object_new_string(buf));
	}
	return out;
}

/* Every name of list is in the family's catalogue; adds errors. */
static void
check_catalogue(struct req *req, int which, struct json_object *list,
		struct json_object *errs)
{
	size_t i, n = json_object_array_length(list);

	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(
			json_object_array_get_idx(list, i));

		if (!perm_valid(list_family[which], s))
			json_object_array_add(
				errs, json_object_new_string(arena_printf(
					      &req->arena,
					      "%s: invalid permission: %s",
					      list_names[which], s)));
	}
}

/* The account holds every admin permission of list (flag or role). */
static bool
account_holds_admin(struct req *req, struct json_object *list,
		    const char **missing)
{
	const struct principal *p = req->principal;

	if (p->user.admin)
		return true;
	return perm_list_subset(list, p->user.role_admin_permissions, missing);
}

static struct json_object *
caller_list(const struct principal *p, int which)
{
	return which == 0   ? p->key_user
	       : which == 1 ? p->key_admin
			    : p->key_server;
}

/* For a key caller: the target's three lists are within the caller's. */
static bool
caller_covers(const struct principal *p, struct json_object *const lists[3])
{
	int i;

	if (p->method != AUTH_APIKEY)
		return true;
	for (i = 0; i < 3; i++)
		if (!perm_list_subset(lists[i], caller_list(p, i), NULL))
			return false;
	return true;
}

/*
 * Checks an expires value: "" when absent, the DATETIME text else.
 * Returns false after setting the 400 response.
 */
static bool
check_expires(struct req *req, struct json_object *v, char db[TS_DB_BUFSZ])
{
	time_t t;

	db[0] = '\0';
	if (v == NULL)
		return true;
	if (!ts_parse_rfc3339(json_object_get_string(v), db, &t)) {
		response_error(req, 400,
			       "invalid payload: expires: not an RFC "
			       "3339 timestamp");
		return false;
	}
	if (t <= time(NULL)) {
		response_error(req, 400, "expires: time must be in the future");
		return false;
	}
	return true;
}

static const char *
json_text(struct json_object *o)
{
	return json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/*
 * Validates the permission lists that are given (NULL = not sent):
 * catalogue, the caller key's subset rule, the account's admin rights.
 * Returns false after setting the 400 response.
 */
static bool
check_lists(struct req *req, struct json_object *const lists[3])
{
	const struct principal *p = req->principal;
	struct json_object *errs = json_object_new_array();
	const char *missing = NULL;
	int i;

	for (i = 0; i < 3; i++)
		if (lists[i] != NULL)
			check_catalogue(req, i, lists[i], errs);
	if (json_object_array_length(errs) > 0) {
		response_errors(req, 400, errs);
		return false;
	}
	json_object_put(errs);
	for (i = 0; i < 3; i++) {
		if (lists[i] != NULL && p->method == AUTH_APIKEY &&
		    !perm_list_subset(lists[i], caller_list(p, i), NULL)) {
			response_error(
				req, 400,
				"permissions: more permissions than self");
			return false;
		}
	}
	if (lists[1] != NULL && !account_holds_admin(req, lists[1], &missing)) {
		response_error(req, 400,
			       arena_printf(&req->arena,
					    "admin_permissions: your account "
					    "does not hold %s",
					    missing));
		return false;
	}
	return true;
}

static struct json_object *
activity_data(const char *uuid, const char *start, const char *name)
{
	struct json_object *d = json_object_new_object();

	ADD(d, "uuid", json_object_new_string(uuid));
	ADD(d, "identifier", json_object_new_string(start));
	ADD(d, "name", json_object_new_string(name));
	return d;
}

/* The full-field activity data of create and update. */
static struct json_object *
activity_full(const char *uuid, const char *start, const char *name,
	      struct json_object *ips, struct json_object *const lists[3],
	      const char *expires_db)
{
	struct json_object *d = activity_data(uuid, start, name);
	int i;

	ADD(d, "allowed_ips", json_object_get(ips));
	for (i = 0; i < 3; i++)
		ADD(d, list_names[i], json_object_get(lists[i]));
	ADD(d, "expires",
	    expires_db && *expires_db ? json_ts_or_null(expires_db) : NULL);
	return d;
}

/* ---- list, get ----------------------------------------------------------- */

static struct json_object *
key_row(struct req *req, const struct db_res *res, size_t row)
{
	(void)req;
	return key_json(res, row);
}

/* GET /api/client/account/api-keys: paginated, oldest first, search on
 * the name. Perm api-keys.read. */
static void
handle_list(struct req *req)
{
	page_list(req, STMT_APIKEY_LIST, req->principal->user.uuid, "api_keys",
		  key_row);
}

/* GET .../api-keys/identifier/{identifier} (the key_start). Perm
 * api-keys.read. Raises 404 api key not found. */
static void
handle_get_identifier(struct req *req)
{
	const char *id = req_path_param(req, "identifier");
	struct db_arg args[2] = {DB_STR(id), DB_STR(req->principal->user.uuid)};
	struct json_object *o;
	struct db_res res;
	enum perr e;

	/* the shape of a key_start: anything else cannot match (and must not
	 * meet the ASCII column) */
	if (strlen(id) != APIKEY_START_LEN || !str_token_chars(id, "_")) {
		response_error(req, 404, "api key not found");
		return;
	}
	e = db_exec(req->db, STMT_APIKEY_GET_START, args, 2, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (res.nrows != 1) {
		db_res_free(&res);
		response_error(req, 404, "api key not found");
		return;
	}
	o = json_object_new_object();
	ADD(o, "api_key", key_json(&res, 0));
	db_res_free(&res);
	response_json(req, 200, o);
}

/* ---- create -------------------------------------------------------------- */

static const struct jfield create_fields[] = {
	{"name", JF_STRING, true, false, 3, 31},
	{"allowed_ips", JF_STRING_ARRAY, true, false, 0, MAX_IPS},
	{"user_permissions", JF_STRING_ARRAY, true, false, 0, MAX_PERMS},
	{"admin_permissions", JF_STRING_ARRAY, true, false, 0, MAX_PERMS},
	{"server_permissions", JF_STRING_ARRAY, true, false, 0, MAX_PERMS},
	{"expires", JF_STRING, false, true, 0, 64},
};

/* Inserts the key inside a transaction that holds the user's row, so two
 * concurrent creates cannot pass the limit together. */
static enum perr
insert_key(struct req *req, const struct db_arg *args, long long max,
	   bool *full)
{
	struct db_arg lock[1] = {args[1]};
	struct db_res res;
	long long count = 0;
	enum perr e;

	*full = false;
	e = db_tx_begin(req->db);
	if (e != PERR_OK)
		return e;
	e = db_exec(req->db, STMT_USER_LOCK, lock, 1, NULL);
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_APIKEY_COUNT, lock, 1, &res);
	if (e == PERR_OK) {
		if (res.nrows == 1 && db_cell(&res, 0, 0) != NULL)
			count = strtoll(db_cell(&res, 0, 0), NULL, 10);
		db_res_free(&res);
		if (count >= max)
			*full = true;
		else
			e = db_exec(req->db, STMT_APIKEY_INSERT, args, 10,
				    NULL);
	}
	if (e == PERR_OK && !*full)
		e = db_tx_commit(req->db);
	else
		db_tx_rollback(req->db);
	return e;
}

/* POST /api/client/account/api-keys. Perm api-keys.create. Raises 400,
 * 409 api key with name already exists, 417 maximum number of api keys
 * reached. {"api_key": UserApiKey, "key": "<the only time it is shown>"} */
static void
handle_create(struct req *req)
{
	const struct principal *p = req->principal;
	struct json_object *lists[3], *ips, *o, *created;
	const struct settings *s;
	char key[APIKEY_LEN + 1], start[APIKEY_START_LEN + 1], uuid[37];
	char expires[TS_DB_BUFSZ];
	unsigned char hash[CRYPTO_SHA256_LEN];
	struct db_arg args[10];
	struct db_res res;
	const char *name = json_object_get_string(field(req, "name"));
	bool full;
	enum perr e;
	int i;

	for (i = 0; i < 3; i++)
		lists[i] = field(req, list_names[i]);
	ips = normalise_ips(req, field(req, "allowed_ips"));
	if (ips == NULL)
		return;
	req_own(req, ips);
	if (!check_lists(req, lists) ||
	    !check_expires(req, field(req, "expires"), expires))
		return;
	e = settings_current(req->db, req->cfg->settings_cache_seconds, &s);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	apikey_generate(key);
	memcpy(start, key, APIKEY_START_LEN);
	start[APIKEY_START_LEN] = '\0';
	apikey_hash(key, hash);
	crypto_uuid_v4(uuid);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(p->user.uuid);
	args[2] = DB_STR(name);
	args[3] = DB_STR(start);
	args[4] = DB_BIN(hash, sizeof(hash));
	args[5] = DB_STR(json_text(ips));
	for (i = 0; i < 3; i++)
		args[6 + i] = DB_STR(json_text(lists[i]));
	args[9] = expires[0] ? DB_STR(expires) : DB_NULL;
	e = insert_key(
		req, args,
		settings_int(s, "user::max_api_key_count", 50, 0, 1000000),
		&full);
	crypto_wipe(hash, sizeof(hash));
	if (e == PERR_OK && full) {
		response_error(req, 417, "maximum number of api keys reached");
	} else if (e == PERR_CONFLICT) {
		response_error(req, 409, "api key with name already exists");
	} else if (e != PERR_OK) {
		response_fail(req, e);
	} else {
		struct db_arg get[2] = {DB_STR(uuid), DB_STR(p->user.uuid)};

		e = db_exec(req->db, STMT_APIKEY_GET_UUID, get, 2, &res);
		if (e != PERR_OK || res.nrows != 1) {
			if (e == PERR_OK)
				db_res_free(&res);
			response_fail(req, e == PERR_OK ? PERR_DB : e);
		} else {
			created = key_json(&res, 0);
			db_res_free(&res);
			activity_log(req, p->user.uuid, "api-key:create",
				     activity_full(uuid, start, name, ips,
						   lists, expires));
			o = json_object_new_object();
			ADD(o, "api_key", created);
			ADD(o, "key", json_object_new_string(key));
			response_json(req, 200, o);
		}
	}
	crypto_wipe(key, sizeof(key));
}

/* ---- update, delete, recreate -------------------------------------------- */

/*
 * Loads the key {api_key} of the caller; applies the rules every change
 * shares. Returns false after setting the response.
 */
static bool
load_target(struct req *req, const char *verb, bool self_forbidden,
	    char uuid[37], struct db_res *res, struct json_object *lists[3])
{
	const struct principal *p = req->principal;
	struct db_arg args[2];
	enum perr e;
	int i;

	if (!uuid_normalize(req_path_param(req, "api_key"), uuid)) {
		response_error(req, 400,
			       "Invalid URL: invalid UUID in {api_key}");
		return false;
	}
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(p->user.uuid);
	e = db_exec(req->db, STMT_APIKEY_GET_UUID, args, 2, res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return false;
	}
	if (res->nrows != 1) {
		db_res_free(res);
		response_error(req, 404, "api key not found");
		return false;
	}
	if (self_forbidden && p->method == AUTH_APIKEY &&
	    strcmp(p->cred_uuid, uuid) == 0) {
		db_res_free(res);
		response_error(req, 400,
			       arena_printf(&req->arena,
					    "an api key cannot %s "
					    "itself",
					    verb));
		return false;
	}
	for (i = 0; i < 3; i++)
		lists[i] = user_json_array(req, db_cell(res, 0, 4 + i));
	if (!caller_covers(p, lists)) {
		db_res_free(res);
		response_error(req, 400,
			       arena_printf(&req->arena,
					    "unable to %s api key with "
					    "more permissions than self",
					    verb));
		return false;
	}
	return true;
}

static const struct jfield update_fields[] = {
	{"name", JF_STRING, false, false, 3, 31},
	{"allowed_ips", JF_STRING_ARRAY, false, false, 0, MAX_IPS},
	{"user_permissions", JF_STRING_ARRAY, false, false, 0, MAX_PERMS},
	{"admin_permissions", JF_STRING_ARRAY, false, false, 0, MAX_PERMS},
	{"server_permissions", JF_STRING_ARRAY, false, false, 0, MAX_PERMS},
	{"expires", JF_STRING, false, true, 0, 64},
};

/* PATCH /api/client/account/api-keys/{api_key}. Perm api-keys.update.
 * Raises 400, 404 api key not found, 409. {} */
static void
handle_update(struct req *req)
{
	const struct principal *p = req->principal;
	struct json_object *cur[3], *lists[3], *sent[3], *ips;
	char uuid[37], expires[TS_DB_BUFSZ], *start, *name, *old_exp;
	struct db_arg args[8];
	struct db_res res;
	enum perr e;
	int i;

	if (!load_target(req, "update", true, uuid, &res, cur))
		return;
	start = arena_strdup(&req->arena, db_cell(&res, 0, 2));
	name = arena_strdup(&req->arena,
			    field(req, "name")
				    ? json_object_get_string(field(req, "name"))
				    : db_cell(&res, 0, 1));
	ips = field(req, "allowed_ips")
		      ? normalise_ips(req, field(req, "allowed_ips"))
		      : json_object_get(
				user_json_array(req, db_cell(&res, 0, 3)));
	old_exp = db_cell(&res, 0, 8)
			  ? arena_strdup(&req->arena, db_cell(&res, 0, 8))
			  : NULL;
	db_res_free(&res);
	if (ips == NULL)
		return;
	req_own(req, ips);
	for (i = 0; i < 3; i++) {
		sent[i] = field(req, list_names[i]);
		lists[i] = sent[i] ? sent[i] : cur[i];
	}
	if (!check_lists(req, sent))
		return;
	if (field_sent(req, "expires")) {
		if (!check_expires(req, field(req, "expires"), expires))
			return; /* null clears: expires stays "" */
	} else {
		snprintf(expires, sizeof(expires), "%s",
			 old_exp ? old_exp : "");
	}
	args[0] = DB_STR(name);
	args[1] = DB_STR(json_text(ips));
	for (i = 0; i < 3; i++)
		args[2 + i] = DB_STR(json_text(lists[i]));
	args[5] = expires[0] ? DB_STR(expires) : DB_NULL;
	args[6] = DB_STR(uuid);
	args[7] = DB_STR(p->user.uuid);
	e = db_exec(req->db, STMT_APIKEY_UPDATE, args, 8, NULL);
	if (e == PERR_CONFLICT) {
		response_error(req, 409, "api key with name already exists");
		return;
	}
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	activity_log(req, p->user.uuid, "user:api-key.update",
		     activity_full(uuid, start, name, ips, lists, expires));
	response_json(req, 200, json_object_new_object());
}

/* DELETE /api/client/account/api-keys/{api_key}. Perm api-keys.delete.
 * Raises 400, 404. {} */
static void
handle_delete(struct req *req)
{
	const struct principal *p = req->principal;
	struct json_object *cur[3], *d;
	struct db_arg args[2];
	struct db_res res;
	char uuid[37];
	enum perr e;

	if (!load_target(req, "delete", false, uuid, &res, cur))
		return;
	d = activity_data(uuid, db_cell(&res, 0, 2), db_cell(&res, 0, 1));
	db_res_free(&res);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(p->user.uuid);
	e = db_exec(req->db, STMT_APIKEY_DELETE, args, 2, NULL);
	if (e != PERR_OK) {
		json_object_put(d);
		response_fail(req, e);
		return;
	}
	activity_log(req, p->user.uuid, "api-key:delete", d);
	response_json(req, 200, json_object_new_object());
}

/* POST .../api-keys/{api_key}/recreate. Perm api-keys.recreate. A new
 * secret for the same key. Raises 400, 404. {"key": "<new key>"} */
static void
handle_recreate(struct req *req)
{
	const struct principal *p = req->principal;
	struct json_object *cur[3], *d, *o;
	char uuid[37], key[APIKEY_LEN + 1], start[APIKEY_START_LEN + 1];
	unsigned char hash[CRYPTO_SHA256_LEN];
	struct db_arg args[4];
	struct db_res res;
	enum perr e;

	if (!load_target(req, "recreate", true, uuid, &res, cur))
		return;
	apikey_generate(key);
	memcpy(start, key, APIKEY_START_LEN);
	start[APIKEY_START_LEN] = '\0';
	d = activity_data(uuid, start, db_cell(&res, 0, 1));
	db_res_free(&res);
	apikey_hash(key, hash);
	args[0] = DB_STR(start);
	args[1] = DB_BIN(hash, sizeof(hash));
	args[2] = DB_STR(uuid);
	args[3] = DB_STR(p->user.uuid);
	e = db_exec(req->db, STMT_APIKEY_RECREATE, args, 4, NULL);
	crypto_wipe(hash, sizeof(hash));
	if (e != PERR_OK) {
		json_object_put(d);
		crypto_wipe(key, sizeof(key));
		response_fail(req, e);
		return;
	}
	activity_log(req, p->user.uuid, "api-key:recreate", d);
	o = json_object_new_object();
	ADD(o, "key", json_object_new_string(key));
	crypto_wipe(key, sizeof(key));
	response_json(req, 200, o);
}

#define NF(t) (sizeof(t) / sizeof((t)[0]))
#define KEYS "/api/client/account/api-keys"

static const struct route routes[] = {
	{"GET", KEYS, GATE_CLIENT, "api-keys.read", BODY_NONE, NULL, 0,
	 handle_list, 0},
	{"POST", KEYS, GATE_CLIENT, "api-keys.create", BODY_DEFAULT_MAX,
	 create_fields, NF(create_fields), handle_create,
	 ROUTE_MODEL_VALIDATION},
	{"GET", KEYS "/identifier/{identifier}", GATE_CLIENT, "api-keys.read",
	 BODY_NONE, NULL, 0, handle_get_identifier, 0},
	{"PATCH", KEYS "/{api_key}", GATE_CLIENT, "api-keys.update",
	 BODY_DEFAULT_MAX, update_fields, NF(update_fields), handle_update,
	 ROUTE_MODEL_VALIDATION},
	{"DELETE", KEYS "/{api_key}", GATE_CLIENT, "api-keys.delete", BODY_NONE,
	 NULL, 0, handle_delete, 0},
	{"POST", KEYS "/{api_key}/recreate", GATE_CLIENT, "api-keys.recreate",
	 BODY_NONE, NULL, 0, handle_recreate, 0},
};

const struct route_group handler_keys_group = {routes, NF(routes)};
