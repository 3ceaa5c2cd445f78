/* peruser.c: see peruser.h. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "config.h"
#include "db.h"
#include "gate.h"
#include "json.h"
#include "peruser.h"
#include "request.h"
#include "row.h"
#include "response.h"
#include "settings.h"

struct json_object *
peruser_field(const struct req *req, const char *name)
{
	struct json_object *v = NULL;

	if (req->json == NULL)
		return NULL;
	json_object_object_get_ex(req->json, name, &v);
	return v;
}

/* An RFC 9562 UUID as the front end's schema wants it: version 1-8 and
 * variant 10xx, or the nil or max UUID (u is normalised). */
static bool
rfc_uuid(const char *u)
{
	if (strcmp(u, "00000000-0000-0000-0000-000000000000") == 0 ||
	    strcmp(u, "ffffffff-ffff-ffff-ffff-ffffffffffff") == 0)
		return true;
	return u[14] >= '1' && u[14] <= '8' && strchr("89ab", u[19]) != NULL;
}

bool
peruser_uuids(struct req *req, const char *name, struct json_object **out)
{
	struct json_object *in = peruser_field(req, name), *a;
	size_t i, n;

	*out = NULL;
	if (in == NULL)
		return true;
	a = req_own(req, json_object_new_array());
	n = json_object_array_length(in);
	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(
			json_object_array_get_idx(in, i));
		char u[37];

		if (!uuid_normalize(s, u) || !rfc_uuid(u)) {
			response_error(req, 400,
				       arena_printf(&req->arena,
						    "invalid payload: %s[%zu]: "
						    "invalid UUID",
						    name, i));
			return false;
		}
		json_object_array_add(a, json_object_new_string(u));
	}
	*out = a;
	return true;
}

bool
peruser_validate(struct req *req, const struct jfield *rules, size_t n)
{
	struct json_object *errs = NULL;
	const char *msg = NULL;

	if (json_validate(req->json, rules, n, &req->arena, &msg, &errs))
		return true;
	if (errs != NULL)
		response_errors(req, 400, errs);
	else
		response_error(req, 400, msg);
	return false;
}

bool
peruser_load(struct req *req, enum stmt id, const char *uuid,
	     const char *missing, struct db_res *res)
{
	struct db_arg args[2] = {DB_STR(uuid),
				 DB_STR(req->principal->user.uuid)};

	return row_one(req, id, args, 2, missing, res);
}

const char *
peruser_target(struct req *req, const char *param, const char *perm,
	       enum stmt id, const char *missing, struct db_res *res)
{
	const char *uuid = req_path_uuid(
		req, param, 400,
		arena_printf(&req->arena, "Invalid URL: invalid UUID in {%s}",
			     param));

	if (uuid == NULL || !gate_user_permission(req, perm) ||
	    !peruser_load(req, id, uuid, missing, res))
		return NULL;
	return uuid;
}

void
peruser_list(struct req *req, enum stmt id, const struct db_arg *args,
	     size_t nargs, const char *key, peruser_row_fn row_json)
{
	struct json_object *list, *o;
	struct db_res res;
	enum perr e;
	size_t i;

	e = db_exec(req->db, id, args, nargs, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	list = json_object_new_array();
	for (i = 0; i < res.nrows; i++)
		json_object_array_add(list, row_json(&res, i));
	db_res_free(&res);
	o = json_object_new_object();
	json_object_object_add(o, key, list);
	response_json(req, 200, o);
}

void
peruser_change(struct req *req, enum stmt id, const struct db_arg *args,
	       size_t nargs, const char *conflict, const char *event,
	       struct json_object *data)
{
	enum perr e = db_exec(req->db, id, args, nargs, NULL);

	if (e != PERR_OK) {
		json_object_put(data);
		if (e == PERR_CONFLICT && conflict != NULL)
			response_error(req, 409, conflict);
		else
			response_fail(req, e);
		return;
	}
	activity_log(req, req->principal->user.uuid, event, data);
	response_json(req, 200, json_object_new_object());
}

/* The limit of setting key, or -1 after setting the 5xx. */
static long long
limit(struct req *req, const char *key, long long def)
{
	const struct settings *s;
	enum perr e;

	e = settings_current(req->db, req->cfg->settings_cache_seconds, &s);
	if (e != PERR_OK) {
		response_fail(req, e);
		return -1;
	}
	return settings_int(s, key, def, 0, INT32_MAX);
}

/* The caller's rows of statement id (a COUNT), or -1 on failure. */
static long long
count_rows(struct req *req, enum stmt id, enum perr *e)
{
	struct db_arg arg[1] = {DB_STR(req->principal->user.uuid)};
	struct db_res res;
	long long n = 0;

	*e = db_exec(req->db, id, arg, 1, &res);
	if (*e != PERR_OK)
		return -1;
	if (res.nrows == 1 && db_cell(&res, 0, 0) != NULL)
		n = strtoll(db_cell(&res, 0, 0), NULL, 10);
	db_res_free(&res);
	return n;
}

bool
peruser_create(struct req *req, const struct peruser_insert *c)
{
	struct db_arg lock[1] = {DB_STR(req->principal->user.uuid)};
	long long max = limit(req, c->limit_key, c->limit_def), n;
	enum perr e;

	if (max < 0)
		return false;
	e = db_tx_begin(req->db);
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_USER_LOCK, lock, 1, NULL);
	if (e != PERR_OK) {
		db_tx_rollback(req->db);
		response_fail(req, e);
		return false;
	}
	n = count_rows(req, c->count, &e);
	if (n >= max) {
		db_tx_rollback(req->db);
		response_error(req, 417, c->full_msg);
		return false;
	}
	if (e != PERR_OK || !peruser_validate(req, c->rules, c->nrules)) {
		db_tx_rollback(req->db);
		if (e != PERR_OK)
			response_fail(req, e);
		return false;
	}
	e = db_exec(req->db, c->insert, c->args, c->nargs, NULL);
	if (e == PERR_OK)
		e = db_tx_commit(req->db);
	if (e == PERR_OK)
		return true;
	db_tx_rollback(req->db);
	if (e == PERR_CONFLICT && c->conflict_msg != NULL)
		response_error(req, 409, c->conflict_msg);
	else
		response_fail(req, e);
	return false;
}
