/*
 * handler_admin_roles.c: /api/admin/roles (contract 8.2, 12.3). Client
 * gate + admin gate; admin permissions roles.*.
 *
 * Beyond the real panel: the subset rule binds every caller but an
 * administrator on a session (a key is held to its own lists), and it
 * covers the role as it is, too: only a caller holding every permission of
 * a role may change or delete it. Validation errors have the plain shape.
 */
#include "autoconf.h"

#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "admin_rules.h"
#include "crypto.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "perm.h"
#include "request.h"
#include "response.h"
#include "user.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define MAX_PERMS 256
#define MORE_THAN_SELF "permissions: more permissions than self"

/* A role row (ADMIN_ROLE_COLS), strings in the arena. */
struct role {
	const char *uuid, *name, *description, *created;
	bool require_two_factor;
	struct json_object *admin, *server; /* owned by the request */
};

static const char *
cell(struct req *req, const struct db_res *res, size_t row, size_t col)
{
	const char *v = db_cell(res, row, col);

	return v != NULL ? arena_strdup(&req->arena, v) : NULL;
}

static void
role_read(struct req *req, const struct db_res *res, size_t row, struct role *r)
{
	const char *rtf = db_cell(res, row, 3);

	r->uuid = cell(req, res, row, 0);
	r->name = cell(req, res, row, 1);
	r->description = cell(req, res, row, 2);
	r->require_two_factor = rtf != NULL && strcmp(rtf, "0") != 0;
	r->admin = user_json_array(req, db_cell(res, row, 4));
	r->server = user_json_array(req, db_cell(res, row, 5));
	r->created = cell(req, res, row, 6);
}

/* The fields of Role (contract 3.4) but created: the activity data of
 * role:create and role:update (12.3). */
static struct json_object *
role_data(const struct role *r)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "uuid", json_str_or_null(r->uuid));
	ADD(o, "name", json_str_or_null(r->name));
	ADD(o, "description", json_str_or_null(r->description));
	ADD(o, "require_two_factor",
	    json_object_new_boolean(r->require_two_factor));
	ADD(o, "admin_permissions", json_object_get(r->admin));
	ADD(o, "server_permissions", json_object_get(r->server));
	return o;
}

/* Role (contract 3.4). */
static struct json_object *
role_json(const struct role *r)
{
	struct json_object *o = role_data(r);

	ADD(o, "created", json_ts_or_null(r->created));
	return o;
}

static struct json_object *
list_row(struct req *req, const struct db_res *res, size_t row)
{
	struct role r;

	role_read(req, res, row, &r);
	return role_json(&r);
}

/* GET /api/admin/roles: pagination, perm roles.read; search on the name,
 * oldest first. {"roles": Pagination<Role>} */
static void
handle_list(struct req *req)
{
	admin_list(req, "roles.read", STMT_ADMIN_ROLE_LIST, 2, "roles",
		   list_row);
}

/* Reads role uuid into r; false after 404 role not found (or a 5xx). */
static bool
fetch_role(struct req *req, const char *uuid, struct role *r)
{
	struct db_res res;

	if (!admin_fetch_one(req, STMT_ADMIN_ROLE_GET, uuid, "role not found",
			     &res))
		return false;
	role_read(req, &res, 0, r);
	db_res_free(&res);
	return true;
}

/* The {role} sub-gate: 400 invalid role uuid, perm roles.read, 404. */
static bool
load_role(struct req *req, struct role *r)
{
	const char *uuid = req_path_uuid(req, "role", 400, "invalid role uuid");

	return uuid != NULL && gate_admin_permission(req, "roles.read") &&
	       fetch_role(req, uuid, r);
}

static void
answer_role(struct req *req, const struct role *r)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "role", role_json(r));
	response_json(req, 200, o);
}

/* GET /api/admin/roles/{role}: {"role": Role} */
static void
handle_get(struct req *req)
{
	struct role r;

	if (load_role(req, &r))
		answer_role(req, &r);
}

/*
 * The role as it will be: the body's fields over cur (NULL for a create).
 * Strings and lists are borrowed from the body or from cur.
 */
static void
merge(struct req *req, const struct role *cur, struct role *out)
{
	struct json_object *v;

	memset(out, 0, sizeof(*out));
	if (cur != NULL)
		*out = *cur;
	out->name = req_body_str(req, "name", out->name);
	if (admin_field_sent(req, "description"))
		out->description = req_body_str(req, "description", NULL);
	out->require_two_factor = admin_field_bool(req, "require_two_factor",
						   out->require_two_factor);
	v = admin_field(req, "admin_permissions");
	if (v != NULL)
		out->admin = v;
	v = admin_field(req, "server_permissions");
	if (v != NULL)
		out->server = v;
}

/*
 * The subset rule and the model rules (contract 8.2), in that order;
 * false after the 403 or 400 answer.
 */
static bool
role_ok(struct req *req, const struct role *r)
{
	struct json_object *errs;

	if (admin_caller_restricted(req) &&
	    !admin_caller_holds_all(req, r->admin, r->server))
		return admin_deny(req, MORE_THAN_SELF);
	errs = json_object_new_array();
	admin_rule_field(req, errs, "name", 1, 255);
	admin_rule_field(req, errs, "description", 1, 1024);
	admin_rule_perms(req, errs, "admin_permissions", PERM_ADMIN,
			 admin_field(req, "admin_permissions"));
	admin_rule_perms(req, errs, "server_permissions", PERM_SERVER,
			 admin_field(req, "server_permissions"));
	return admin_rules_ok(req, errs);
}

static const char *
json_text(struct json_object *o)
{
	return json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Runs the insert or update id with r's fields (and r->uuid); false after
 * 409 role with name already exists (or a 5xx). */
static bool
write_role(struct req *req, enum stmt id, const struct role *r)
{
	struct db_arg args[6];
	size_t n = 0;

	if (id == STMT_ADMIN_ROLE_INSERT)
		args[n++] = DB_STR(r->uuid);
	args[n++] = DB_STR(r->name);
	args[n++] = DB_STR_OR_NULL(r->description);
	args[n++] = DB_INT(r->require_two_factor ? 1 : 0);
	args[n++] = DB_STR(json_text(r->admin));
	args[n++] = DB_STR(json_text(r->server));
	if (id != STMT_ADMIN_ROLE_INSERT)
		args[n++] = DB_STR(r->uuid);
	return admin_exec(req, id, args, n, "role with name already exists");
}

static const struct jfield create_fields[] = {
	{"name", JF_STRING, true, false, 0, 0},
	{"description", JF_STRING, false, true, 0, 0},
	{"require_two_factor", JF_BOOL, true, false, 0, 0},
	{"admin_permissions", JF_STRING_ARRAY, true, false, 0, MAX_PERMS},
	{"server_permissions", JF_STRING_ARRAY, true, false, 0, MAX_PERMS},
};

/*
 * POST /api/admin/roles {name, description?, require_two_factor,
 * admin_permissions, server_permissions}. Perm roles.create (route row).
 * Raises 403 permissions: more permissions than self, 400, 409.
 * {"role": Role}
 */
static void
handle_create(struct req *req)
{
	char uuid[CRYPTO_UUID_BUFSZ];
	struct role r;

	merge(req, NULL, &r);
	if (!role_ok(req, &r))
		return;
	crypto_uuid_v4(uuid);
	r.uuid = uuid;
	if (!write_role(req, STMT_ADMIN_ROLE_INSERT, &r))
		return;
	activity_admin(req, "role:create", role_data(&r));
	if (fetch_role(req, uuid, &r))
		answer_role(req, &r);
}

/* A caller bound by the subset rule holds every permission of the role as
 * it is; else 403 and false. */
static bool
may_change(struct req *req, const struct role *r)
{
	if (!admin_caller_restricted(req) ||
	    admin_caller_holds_all(req, r->admin, r->server))
		return true;
	return admin_deny(req, MORE_THAN_SELF);
}

static const struct jfield update_fields[] = {
	{"name", JF_STRING, false, false, 0, 0},
	{"description", JF_STRING, false, true, 0, 0},
	{"require_two_factor", JF_BOOL, false, false, 0, 0},
	{"admin_permissions", JF_STRING_ARRAY, false, false, 0, MAX_PERMS},
	{"server_permissions", JF_STRING_ARRAY, false, false, 0, MAX_PERMS},
};

/*
 * PATCH /api/admin/roles/{role}: the fields of create, all optional,
 * description clearable. Sub-gate, then perm roles.update. Raises 400,
 * 403, 404, 409. {}
 */
static void
handle_update(struct req *req)
{
	struct role cur, r;

	if (!load_role(req, &cur) ||
	    !gate_admin_permission(req, "roles.update") ||
	    !may_change(req, &cur))
		return;
	merge(req, &cur, &r);
	if (!role_ok(req, &r) || !write_role(req, STMT_ADMIN_ROLE_UPDATE, &r))
		return;
	activity_admin(req, "role:update", role_data(&r));
	response_json(req, 200, json_object_new_object());
}

/* DELETE /api/admin/roles/{role}: the role's users keep no role (ON
 * DELETE SET NULL). Sub-gate, then perm roles.delete. Raises 403, 404. {}
 */
static void
handle_delete(struct req *req)
{
	struct json_object *d;
	struct db_arg args[1];
	struct role r;

	if (!load_role(req, &r) ||
	    !gate_admin_permission(req, "roles.delete") || !may_change(req, &r))
		return;
	args[0] = DB_STR(r.uuid);
	if (!admin_exec(req, STMT_ADMIN_ROLE_DELETE, args, 1, NULL))
		return;
	d = json_object_new_object();
	ADD(d, "uuid", json_object_new_string(r.uuid));
	ADD(d, "name", json_str_or_null(r.name));
	activity_admin(req, "role:delete", d);
	response_json(req, 200, json_object_new_object());
}

#define NF(t) (sizeof(t) / sizeof((t)[0]))
#define ROLES "/api/admin/roles"

static const struct route routes[] = {
	{"GET", ROLES, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_list, 0},
	{"POST", ROLES, GATE_ADMIN, "roles.create", BODY_DEFAULT_MAX,
	 create_fields, NF(create_fields), handle_create,
	 ROUTE_MODEL_VALIDATION},
	{"GET", ROLES "/{role}", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_get, 0},
	{"PATCH", ROLES "/{role}", GATE_ADMIN, NULL, BODY_DEFAULT_MAX,
	 update_fields, NF(update_fields), handle_update, 0},
	{"DELETE", ROLES "/{role}", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_delete, 0},
};

const struct route_group handler_admin_roles_group = {routes, NF(routes)};
