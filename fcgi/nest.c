/* nest.c: see nest.h. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "db.h"
#include "gate.h"
#include "json.h"
#include "nest.h"
#include "request.h"
#include "row.h"
#include "response.h"
#include "server.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

static struct json_object *
bool_cell(const struct db_res *res, size_t row, size_t col)
{
	const char *c = db_cell(res, row, col);

	return json_object_new_boolean(c != NULL && strcmp(c, "0") != 0);
}

struct json_object *
nest_json(const struct db_res *res, size_t row, size_t col)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "uuid", json_str_or_null(db_cell(res, row, col)));
	ADD(o, "name", json_str_or_null(db_cell(res, row, col + 1)));
	ADD(o, "description", json_str_or_null(db_cell(res, row, col + 2)));
	ADD(o, "author", json_str_or_null(db_cell(res, row, col + 3)));
	ADD(o, "created", json_ts_or_null(db_cell(res, row, col + 4)));
	return o;
}

struct json_object *
egg_json(const struct db_res *res, size_t row, size_t col)
{
	struct json_object *o = json_object_new_object();

#define CELL(i) db_cell(res, row, col + (i))
	ADD(o, "uuid", json_str_or_null(CELL(0)));
	ADD(o, "egg_repository_egg", NULL);
	ADD(o, "name", json_str_or_null(CELL(2)));
	ADD(o, "description", json_str_or_null(CELL(3)));
	ADD(o, "author", json_str_or_null(CELL(4)));
	ADD(o, "config_files", server_stored_json(CELL(5), true));
	ADD(o, "config_startup", server_stored_json(CELL(6), false));
	ADD(o, "config_stop", server_stored_json(CELL(7), false));
	ADD(o, "config_script", server_stored_json(CELL(8), false));
	ADD(o, "startup_commands", server_stored_json(CELL(9), false));
	ADD(o, "force_outgoing_ip", bool_cell(res, row, col + 10));
	ADD(o, "separate_port", bool_cell(res, row, col + 11));
	ADD(o, "features", server_stored_json(CELL(12), true));
	ADD(o, "docker_images", server_stored_json(CELL(13), false));
	ADD(o, "file_denylist", server_stored_json(CELL(14), true));
	ADD(o, "created", json_ts_or_null(CELL(15)));
	return o;
}

struct json_object *
eggvar_json(const struct db_res *res, size_t row, size_t col)
{
	struct json_object *o = json_object_new_object();
	const char *order = CELL(5);

	ADD(o, "uuid", json_str_or_null(CELL(0)));
	ADD(o, "name", json_str_or_null(CELL(1)));
	ADD(o, "name_translations", server_stored_json(CELL(2), false));
	ADD(o, "description", json_str_or_null(CELL(3)));
	ADD(o, "description_translations", server_stored_json(CELL(4), false));
	ADD(o, "order",
	    json_object_new_int(order ? (int)strtol(order, NULL, 10) : 0));
	ADD(o, "env_variable", json_str_or_null(CELL(6)));
	ADD(o, "default_value", json_str_or_null(CELL(7)));
	ADD(o, "user_viewable", bool_cell(res, row, col + 8));
	ADD(o, "user_editable", bool_cell(res, row, col + 9));
	ADD(o, "is_secret", bool_cell(res, row, col + 10));
	ADD(o, "rules", server_stored_json(CELL(11), true));
	ADD(o, "created", json_ts_or_null(CELL(12)));
#undef CELL
	return o;
}

/* ---- sub-gates ----------------------------------------------------------- */

bool
nest_gate(struct req *req, struct nest *out)
{
	const char *uuid = req_path_uuid(req, "nest", 400, "invalid nest id");
	struct db_arg args[1];
	struct db_res res;

	if (uuid == NULL || !gate_admin_permission(req, "nests.read"))
		return false;
	args[0] = DB_STR(uuid);
	if (!row_one(req, STMT_NEST_GET, args, 1, "nest not found", &res))
		return false;
	out->uuid = uuid;
	out->name = arena_strdup(&req->arena, db_cell(&res, 0, 1));
	out->author = arena_strdup(&req->arena, db_cell(&res, 0, 3));
	out->json = req_own(req, nest_json(&res, 0, 0));
	db_res_free(&res);
	return true;
}

bool
egg_gate(struct req *req, const struct nest *nest, struct egg *out)
{
	const char *uuid = req_path_uuid(req, "egg", 400, "invalid egg id");
	struct db_arg args[2];
	struct db_res res;

	if (uuid == NULL || !gate_admin_permission(req, "eggs.read"))
		return false;
	args[0] = DB_STR(nest->uuid);
	args[1] = DB_STR(uuid);
	if (!row_one(req, STMT_EGG_GET, args, 2, "egg not found", &res))
		return false;
	out->uuid = uuid;
	out->nest_uuid = nest->uuid;
	out->name = arena_strdup(&req->arena, db_cell(&res, 0, 2));
	out->author = arena_strdup(&req->arena, db_cell(&res, 0, 4));
	out->json = req_own(req, egg_json(&res, 0, 0));
	db_res_free(&res);
	return true;
}

/* ---- body helpers -------------------------------------------------------- */

struct json_object *
nest_body_field(const struct req *req, const char *name)
{
	struct json_object *v = NULL;

	if (req->json != NULL)
		json_object_object_get_ex(req->json, name, &v);
	return v;
}

bool
nest_body_sent(const struct req *req, const char *name)
{
	return req->json != NULL &&
	       json_object_object_get_ex(req->json, name, NULL);
}

bool
nest_body_check(struct req *req, const struct jfield *fields, size_t nfields,
		struct json_object **rule_errs)
{
	const char *msg = NULL;
	struct json_object *errs = NULL;

	*rule_errs = NULL;
	if (json_validate(req->json, fields, nfields, &req->arena, &msg, &errs))
		return true;
	if (errs == NULL) {
		response_error(req, 400, msg);
		return false;
	}
	*rule_errs = req_own(req, errs);
	return true;
}

bool
nest_rules_ok(struct req *req, struct json_object *rule_errs)
{
	if (rule_errs == NULL || json_object_array_length(rule_errs) == 0)
		return true;
	response_errors(req, 400, json_object_get(rule_errs));
	return false;
}

void
nest_rule_add(struct req *req, struct json_object **errs, const char *msg)
{
	if (*errs == NULL)
		*errs = req_own(req, json_object_new_array());
	json_rule_add(errs, msg);
}

const char *
nest_json_text(struct json_object *o)
{
	return json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

struct db_arg
nest_arg_str(const struct req *req, const char *key)
{
	struct json_object *v = nest_body_field(req, key);

	return v ? DB_STR(json_object_get_string(v)) : DB_NULL;
}

struct db_arg
nest_arg_json(const struct req *req, const char *key)
{
	struct json_object *v = nest_body_field(req, key);

	return v ? DB_STR(nest_json_text(v)) : DB_NULL;
}

struct db_arg
nest_arg_int(const struct req *req, const char *key)
{
	struct json_object *v = nest_body_field(req, key);

	if (v == NULL)
		return DB_NULL;
	if (json_object_is_type(v, json_type_boolean))
		return DB_INT(json_object_get_boolean(v));
	return DB_INT(json_object_get_int64(v));
}

bool
nest_write(struct req *req, enum stmt id, const struct db_arg *args,
	   size_t nargs, const char *conflict)
{
	enum perr e = db_exec(req->db, id, args, nargs, NULL);

	if (e == PERR_CONFLICT)
		response_error(req, 409, conflict);
	else if (e != PERR_OK)
		response_fail(req, e);
	return e == PERR_OK;
}
