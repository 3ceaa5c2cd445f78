/*
 * handler_admin_egg_vars.c: egg variables,
 * /api/admin/nests/{nest}/eggs/{egg}/variables (contract-extra 5.7, object
 * AdminEggVariable of 7.8, rule syntax of 5.8). Client gate, admin gate,
 * the nest and egg sub-gates (nests.read, eggs.read), then eggs.read to
 * list and eggs.update for every change.
 *
 * Checks run in the contract's order: sub-gates, a malformed {variable}
 * (400 Invalid URL), the body's types (400 invalid payload), the
 * permission, 404 variable not found, the field rules (400), the unique
 * environment variable of the egg (409).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "crypto.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "nest.h"
#include "request.h"
#include "response.h"
#include "varrule.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define NF(t) (sizeof(t) / sizeof((t)[0]))
#define MAX_RULES 256
#define MAX_ORDER 1024
#define MAX_TRANSLATIONS 512

/* The sub-gates of every variable route. */
struct scope {
	struct nest nest;
	struct egg egg;
};

static bool
gates(struct req *req, struct scope *s)
{
	return nest_gate(req, &s->nest) && egg_gate(req, &s->nest, &s->egg);
}

/* {variable} as a UUID, else 400 Invalid URL. */
static const char *
variable_uuid(struct req *req)
{
	return req_path_uuid(req, "variable", 400,
			     "Invalid URL: invalid UUID in {variable}");
}

/* ---- body rules ---------------------------------------------------------- */

/*
 * The types every variable body shares; lengths are checked by var_rules
 * (after the permission, in field order). order is any integer here and
 * refused outside 16 bits by check_order.
 */
#define VAR_FIELDS(req_)                                                       \
	{"name", JF_STRING, req_, false, 0, 0},                                \
		{"name_translations", JF_OBJECT, req_, false, 0, 0},           \
		{"description", JF_STRING, false, !(req_), 0, 0},              \
		{"description_translations", JF_OBJECT, req_, false, 0, 0},    \
		{"order", JF_INT, req_, false, INT64_MIN, INT64_MAX},          \
		{"env_variable", JF_STRING, req_, false, 0, 0},                \
		{"default_value", JF_STRING, false, !(req_), 0, 0},            \
		{"user_viewable", JF_BOOL, req_, false, 0, 0},                 \
		{"user_editable", JF_BOOL, req_, false, 0, 0},                 \
		{"secret", JF_BOOL, req_, false, 0, 0},                        \
	{                                                                      \
		"rules", JF_STRING_ARRAY, req_, false, 0, MAX_RULES            \
	}

static const struct jfield create_fields[] = {VAR_FIELDS(true)};
static const struct jfield update_fields[] = {VAR_FIELDS(false)};

/* The translation values must be strings (a type error otherwise). */
static bool
check_types(struct req *req)
{
	static const char *const maps[] = {"name_translations",
					   "description_translations"};
	struct json_object *order = nest_body_field(req, "order");
	size_t i;

	if (order != NULL && (json_object_get_int64(order) < -32768 ||
			      json_object_get_int64(order) > 32767)) {
		response_error(req, 400,
			       "invalid payload: invalid value for `order`, "
			       "expected a 16-bit integer");
		return false;
	}
	for (i = 0; i < NF(maps); i++) {
		struct json_object *m = nest_body_field(req, maps[i]);

		if (m == NULL)
			continue;
		json_object_object_foreach(m, key, val)
		{
			if (json_object_is_type(val, json_type_string))
				continue;
			response_error(req, 400,
				       arena_printf(&req->arena,
						    "invalid payload: invalid "
						    "type for `%s.%s`, "
						    "expected a string",
						    maps[i], key));
			return false;
		}
	}
	return true;
}

/* Lengths in characters (chars) or bytes, as "field: length is ...". */
static void
length_rule(struct req *req, struct json_object **errs, const char *field,
	    size_t min, size_t max, bool chars)
{
	struct json_object *v = nest_body_field(req, field);
	const char *s;
	size_t n;

	if (v == NULL)
		return;
	s = json_object_get_string(v);
	n = chars ? utf8_chars(s, strlen(s)) : strlen(s);
	if (n < min)
		nest_rule_add(req, errs,
			      arena_printf(&req->arena,
					   "%s: length is lower than %zu",
					   field, min));
	if (n > max)
		nest_rule_add(req, errs,
			      arena_printf(&req->arena,
					   "%s: length is greater than %zu",
					   field, max));
}

/* The first broken entry of a translation map, as the contract says. */
static void
translations_rule(struct req *req, struct json_object **errs, const char *field,
		  size_t max)
{
	struct json_object *m = nest_body_field(req, field);
	const char *msg = NULL;

	if (m == NULL)
		return;
	if (json_object_object_length(m) > MAX_TRANSLATIONS) {
		msg = arena_printf(&req->arena,
				   "%s: cannot have more than %d entries",
				   field, MAX_TRANSLATIONS);
	} else {
		json_object_object_foreach(m, key, val)
		{
			size_t k = strlen(key);
			size_t v = (size_t)json_object_get_string_len(val);

			if (k < 2 || k > 15)
				msg = arena_printf(&req->arena,
						   "%s: language code '%s' "
						   "must be between 2 and 15 "
						   "characters",
						   field, key);
			else if (v < 1 || v > max)
				msg = arena_printf(&req->arena,
						   "%s: translation for "
						   "language '%s' must be "
						   "between 1 and %zu "
						   "characters",
						   field, key, max);
			if (msg != NULL)
				break;
		}
	}
	if (msg != NULL)
		nest_rule_add(req, errs, msg);
}

/* The first rule that does not parse, as "rules: <reason>". */
static void
rules_rule(struct req *req, struct json_object **errs)
{
	struct json_object *rules = nest_body_field(req, "rules");
	size_t i, n = rules ? json_object_array_length(rules) : 0;

	for (i = 0; i < n; i++) {
		const char *why = varrule_parse(
			json_object_get_string(
				json_object_array_get_idx(rules, i)),
			&req->arena);

		if (why != NULL) {
			nest_rule_add(
				req, errs,
				arena_printf(&req->arena, "rules: %s", why));
			return;
		}
	}
}

/* Model validation of a create or update body, in field order; errs may
 * already hold the table's rule errors (NUL characters). */
static bool
var_rules(struct req *req, struct json_object *errs)
{
	length_rule(req, &errs, "name", 3, 255, true);
	translations_rule(req, &errs, "name_translations", 255);
	length_rule(req, &errs, "description", 1, 1024, true);
	translations_rule(req, &errs, "description_translations", 1024);
	length_rule(req, &errs, "env_variable", 1, 255, true);
	length_rule(req, &errs, "default_value", 0, 1024, false);
	rules_rule(req, &errs);
	return nest_rules_ok(req, errs);
}

/* ---- rows ---------------------------------------------------------------- */

/* The variable uuid of egg (AdminEggVariable, new) or NULL: *missing when
 * there is none (nothing answered), else the failure was answered. */
static struct json_object *
var_load(struct req *req, const char *egg, const char *uuid, bool *missing)
{
	struct db_arg args[2] = {DB_STR(egg), DB_STR(uuid)};
	struct json_object *o = NULL;
	struct db_res res;
	enum perr e = db_exec(req->db, STMT_EGGVAR_GET, args, 2, &res);

	*missing = false;
	if (e != PERR_OK) {
		response_fail(req, e);
		return NULL;
	}
	if (res.nrows == 1)
		o = eggvar_json(&res, 0, 0);
	else
		*missing = true;
	db_res_free(&res);
	return o;
}

/* The variable or 404 variable not found; owned by the request. */
static struct json_object *
var_find(struct req *req, const struct scope *s, const char *uuid)
{
	bool missing;
	struct json_object *o = var_load(req, s->egg.uuid, uuid, &missing);

	if (missing)
		response_error(req, 404, "variable not found");
	return req_own(req, o);
}

static struct json_object *
get_key(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* The activity head {uuid, nest_uuid, egg_uuid} of variable v. */
static struct json_object *
activity_head(const struct scope *s, struct json_object *v)
{
	struct json_object *d = json_object_new_object();

	ADD(d, "uuid", json_object_get(get_key(v, "uuid")));
	ADD(d, "nest_uuid", json_object_new_string(s->nest.uuid));
	ADD(d, "egg_uuid", json_object_new_string(s->egg.uuid));
	return d;
}

/* The create/update activity data: every field of the variable now. */
static struct json_object *
activity_full(const struct scope *s, struct json_object *v)
{
	static const char *const keys[] = {
		"name",		 "name_translations",
		"description",	 "description_translations",
		"order",	 "env_variable",
		"default_value", "user_viewable",
		"user_editable", "is_secret",
		"rules"};
	struct json_object *d = activity_head(s, v);
	size_t i;

	for (i = 0; i < NF(keys); i++)
		ADD(d, strcmp(keys[i], "is_secret") == 0 ? "secret" : keys[i],
		    json_object_get(get_key(v, keys[i])));
	return d;
}

/* Answers {"variable": ...} for the new row uuid and logs event. */
static void
answer_created(struct req *req, const struct scope *s, const char *uuid,
	       const char *event, struct json_object *data)
{
	struct json_object *v, *o;
	bool missing;

	v = var_load(req, s->egg.uuid, uuid, &missing);
	if (v == NULL) {
		json_object_put(data);
		if (missing)
			response_fail(req, PERR_DB);
		return;
	}
	if (data == NULL)
		data = activity_full(s, v);
	activity_admin(req, event, data);
	o = json_object_new_object();
	ADD(o, "variable", v);
	response_json(req, 200, o);
}

/* The EGGVAR_FIELDS arguments of the insert and the update (db_stmt.c):
 * name, name_translations, description_translations, order, env_variable,
 * user_viewable, user_editable, secret, rules; NULL = not sent. */
#define VAR_NFIELDS 9
static void
var_field_args(struct req *req, struct db_arg *a)
{
	a[0] = nest_arg_str(req, "name");
	a[1] = nest_arg_json(req, "name_translations");
	a[2] = nest_arg_json(req, "description_translations");
	a[3] = nest_arg_int(req, "order");
	a[4] = nest_arg_str(req, "env_variable");
	a[5] = nest_arg_int(req, "user_viewable");
	a[6] = nest_arg_int(req, "user_editable");
	a[7] = nest_arg_int(req, "secret");
	a[8] = nest_arg_json(req, "rules");
}

/* ---- routes -------------------------------------------------------------- */

/* GET .../variables: sub-gates -> perm eggs.read. By order, then created.
 * {"variables": [AdminEggVariable, ...]} */
static void
handle_list(struct req *req)
{
	struct json_object *list, *o;
	struct db_arg args[1];
	struct db_res res;
	struct scope s;
	enum perr e;
	size_t i;

	if (!gates(req, &s) || !gate_admin_permission(req, "eggs.read"))
		return;
	args[0] = DB_STR(s.egg.uuid);
	e = db_exec(req->db, STMT_EGGVAR_LIST, args, 1, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	list = json_object_new_array();
	for (i = 0; i < res.nrows; i++)
		json_object_array_add(list, eggvar_json(&res, i, 0));
	db_res_free(&res);
	o = json_object_new_object();
	ADD(o, "variables", list);
	response_json(req, 200, o);
}

/* POST .../variables: sub-gates -> body types -> perm eggs.update ->
 * rules (400) -> 409 variable with name already exists (the egg already
 * has the env_variable). {"variable": AdminEggVariable} */
static void
handle_create(struct req *req)
{
	struct json_object *errs;
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_arg args[4 + VAR_NFIELDS];
	struct scope s;

	if (!gates(req, &s) ||
	    !nest_body_check(req, create_fields, NF(create_fields), &errs) ||
	    !check_types(req) || !gate_admin_permission(req, "eggs.update") ||
	    !var_rules(req, errs))
		return;
	crypto_uuid_v4(uuid);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(s.egg.uuid);
	var_field_args(req, args + 2);
	args[2 + VAR_NFIELDS] = nest_arg_str(req, "description");
	args[3 + VAR_NFIELDS] = nest_arg_str(req, "default_value");
	if (!nest_write(req, STMT_EGGVAR_INSERT, args, 4 + VAR_NFIELDS,
			"variable with name already exists"))
		return;
	answer_created(req, &s, uuid, "nest:egg.variable.create", NULL);
}

/* PATCH .../variables/{variable}: sub-gates -> 400 Invalid URL -> body
 * types -> perm eggs.update -> 404 variable not found -> rules (400) ->
 * 409 variable with name already exists. description and default_value
 * null clear. {} */
static void
handle_update(struct req *req)
{
	struct json_object *errs, *v;
	struct db_arg args[VAR_NFIELDS + 6];
	const char *uuid;
	struct scope s;
	bool missing;

	if (!gates(req, &s))
		return;
	uuid = variable_uuid(req);
	if (uuid == NULL ||
	    !nest_body_check(req, update_fields, NF(update_fields), &errs) ||
	    !check_types(req) || !gate_admin_permission(req, "eggs.update") ||
	    var_find(req, &s, uuid) == NULL || !var_rules(req, errs))
		return;
	var_field_args(req, args);
	args[VAR_NFIELDS] = DB_INT(nest_body_sent(req, "description"));
	args[VAR_NFIELDS + 1] = nest_arg_str(req, "description");
	args[VAR_NFIELDS + 2] = DB_INT(nest_body_sent(req, "default_value"));
	args[VAR_NFIELDS + 3] = nest_arg_str(req, "default_value");
	args[VAR_NFIELDS + 4] = DB_STR(uuid);
	args[VAR_NFIELDS + 5] = DB_STR(s.egg.uuid);
	if (!nest_write(req, STMT_EGGVAR_UPDATE, args, VAR_NFIELDS + 6,
			"variable with name already exists"))
		return;
	v = var_load(req, s.egg.uuid, uuid, &missing);
	if (v != NULL) {
		activity_admin(req, "nest:egg.variable.update",
			       activity_full(&s, v));
		json_object_put(v);
	}
	response_json(req, 200, json_object_new_object());
}

/* DELETE .../variables/{variable}: sub-gates -> 400 Invalid URL -> perm
 * eggs.update -> 404 variable not found. Stored server values go by
 * cascade. {} */
static void
handle_delete(struct req *req)
{
	struct json_object *v, *d;
	struct db_arg args[2];
	const char *uuid;
	struct scope s;
	enum perr e;

	if (!gates(req, &s))
		return;
	uuid = variable_uuid(req);
	if (uuid == NULL || !gate_admin_permission(req, "eggs.update"))
		return;
	v = var_find(req, &s, uuid);
	if (v == NULL)
		return;
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(s.egg.uuid);
	e = db_exec(req->db, STMT_EGGVAR_DELETE, args, 2, NULL);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	d = activity_head(&s, v);
	ADD(d, "name", json_object_get(get_key(v, "name")));
	ADD(d, "env_variable", json_object_get(get_key(v, "env_variable")));
	activity_admin(req, "nest:egg.variable.delete", d);
	response_json(req, 200, json_object_new_object());
}

static const struct jfield order_fields[] = {
	{"variable_order", JF_STRING_ARRAY, true, false, 0, MAX_ORDER},
};

/* Sets order_ = position (1-based) of each listed variable of the egg. */
static enum perr
set_order(struct req *req, const char *egg, char (*uuids)[CRYPTO_UUID_BUFSZ],
	  size_t n)
{
	enum perr e = db_tx_begin(req->db);
	size_t i;

	for (i = 0; i < n && e == PERR_OK; i++) {
		struct db_arg args[3] = {DB_INT(i + 1), DB_STR(uuids[i]),
					 DB_STR(egg)};

		e = db_exec(req->db, STMT_EGGVAR_SET_ORDER, args, 3, NULL);
	}
	if (e == PERR_OK)
		return db_tx_commit(req->db);
	db_tx_rollback(req->db);
	return e;
}

/* PUT .../variables/order, {"variable_order": [uuid, ...]} (at most 1024):
 * sub-gates -> body (400) -> perm eggs.update. Each listed variable of
 * the egg takes its 1-based position as order; unknown ones are ignored.
 * {} */
static void
handle_order(struct req *req)
{
	struct json_object *errs, *list, *d;
	char(*uuids)[CRYPTO_UUID_BUFSZ];
	struct scope s;
	size_t i, n;
	enum perr e;

	if (!gates(req, &s) ||
	    !nest_body_check(req, order_fields, NF(order_fields), &errs) ||
	    !nest_rules_ok(req, errs))
		return;
	list = nest_body_field(req, "variable_order");
	n = json_object_array_length(list);
	uuids = arena_alloc(&req->arena, (n ? n : 1) * sizeof(*uuids));
	for (i = 0; i < n; i++) {
		if (!uuid_normalize(json_object_get_string(
					    json_object_array_get_idx(list, i)),
				    uuids[i])) {
			response_error(req, 400,
				       arena_printf(&req->arena,
						    "invalid payload: "
						    "variable_order[%zu]: "
						    "invalid UUID",
						    i));
			return;
		}
	}
	if (!gate_admin_permission(req, "eggs.update"))
		return;
	e = set_order(req, s.egg.uuid, uuids, n);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	d = json_object_new_object();
	ADD(d, "nest_uuid", json_object_new_string(s.nest.uuid));
	ADD(d, "egg_uuid", json_object_new_string(s.egg.uuid));
	ADD(d, "variable_order", json_object_get(list));
	activity_admin(req, "nest:egg.variable.update-order", d);
	response_json(req, 200, json_object_new_object());
}

static const struct jfield duplicate_fields[] = {
	{"name", JF_STRING, true, false, 1, 255},
	{"env_variable", JF_STRING, true, false, 1, 255},
};

/* The insert arguments of a duplicate: name and env_variable from the
 * body, every other field copied from src (AdminEggVariable). */
static void
duplicate_args(struct req *req, struct json_object *src, struct db_arg *a)
{
	struct json_object *v;

	a[0] = nest_arg_str(req, "name");
	a[1] = DB_STR(nest_json_text(get_key(src, "name_translations")));
	a[2] = DB_STR(nest_json_text(get_key(src, "description_translations")));
	a[3] = DB_INT(json_object_get_int(get_key(src, "order")));
	a[4] = nest_arg_str(req, "env_variable");
	a[5] = DB_INT(json_object_get_boolean(get_key(src, "user_viewable")));
	a[6] = DB_INT(json_object_get_boolean(get_key(src, "user_editable")));
	a[7] = DB_INT(json_object_get_boolean(get_key(src, "is_secret")));
	a[8] = DB_STR(nest_json_text(get_key(src, "rules")));
	v = get_key(src, "description");
	a[9] = v ? DB_STR(json_object_get_string(v)) : DB_NULL;
	v = get_key(src, "default_value");
	a[10] = v ? DB_STR(json_object_get_string(v)) : DB_NULL;
}

/* POST .../variables/{variable}/duplicate, {"name", "env_variable"}:
 * sub-gates -> 400 Invalid URL -> body types -> perm eggs.update -> 404
 * variable not found -> rules (400) -> 409 variable with name or env
 * variable already exists. {"variable": AdminEggVariable} */
static void
handle_duplicate(struct req *req)
{
	struct json_object *errs, *src, *d;
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_arg args[4 + VAR_NFIELDS];
	const char *from;
	struct scope s;

	if (!gates(req, &s))
		return;
	from = variable_uuid(req);
	if (from == NULL ||
	    !nest_body_check(req, duplicate_fields, NF(duplicate_fields),
			     &errs) ||
	    !gate_admin_permission(req, "eggs.update"))
		return;
	src = var_find(req, &s, from);
	if (src == NULL || !nest_rules_ok(req, errs))
		return;
	crypto_uuid_v4(uuid);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(s.egg.uuid);
	duplicate_args(req, src, args + 2);
	if (!nest_write(req, STMT_EGGVAR_INSERT, args, 4 + VAR_NFIELDS,
			"variable with name or env variable already exists"))
		return;
	d = json_object_new_object();
	ADD(d, "uuid", json_object_new_string(uuid));
	ADD(d, "nest_uuid", json_object_new_string(s.nest.uuid));
	ADD(d, "egg_uuid", json_object_new_string(s.egg.uuid));
	ADD(d, "source_uuid", json_object_new_string(from));
	ADD(d, "source_name", json_object_get(get_key(src, "name")));
	ADD(d, "name", json_object_get(nest_body_field(req, "name")));
	ADD(d, "env_variable",
	    json_object_get(nest_body_field(req, "env_variable")));
	answer_created(req, &s, uuid, "nest:egg.variable.duplicate", d);
}

#define VARS "/api/admin/nests/{nest}/eggs/{egg}/variables"

/* /order comes before /{variable}: the first matching row wins. */
static const struct route routes[] = {
	{"GET", VARS, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_list, 0},
	{"POST", VARS, GATE_ADMIN, NULL, BODY_DEFAULT_MAX, NULL, 0,
	 handle_create, 0},
	{"PUT", VARS "/order", GATE_ADMIN, NULL, BODY_DEFAULT_MAX, NULL, 0,
	 handle_order, 0},
	{"PATCH", VARS "/{variable}", GATE_ADMIN, NULL, BODY_DEFAULT_MAX, NULL,
	 0, handle_update, 0},
	{"DELETE", VARS "/{variable}", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_delete, 0},
	{"POST", VARS "/{variable}/duplicate", GATE_ADMIN, NULL,
	 BODY_DEFAULT_MAX, NULL, 0, handle_duplicate, 0},
};

const struct route_group handler_admin_egg_vars_group = {routes, NF(routes)};
