/*
 * handler_admin_servers.c: /api/admin/servers (contract 8.7, 11.3;
 * contract-extra 5.2, 5.6). Admin gate; admin permissions servers.*.
 *
 * Creation and deletion involve the node's daemon. Creation commits the
 * server first (the daemon asks the panel for its configuration), then
 * calls the daemon and removes the server again when the daemon refuses,
 * so no half-made server stays behind. Deletion keeps its transaction open
 * across the daemon call: a refusal rolls back (unless force).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "activity.h"
#include "nest.h"
#include "node.h"
#include "server.h"
#include "user.h"
#include "config.h"
#include "crypto.h"
#include "daemon.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "log.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "settings.h"
#include "varrule.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define NF(t) (sizeof(t) / sizeof((t)[0]))
#define MAX_ALLOCATIONS 1024
#define MAX_PINNED 1024
#define MAX_VARIABLES 1024

/* ---- request bodies ----------------------------------------------------- */

static const struct jfield limits_fields[] = {
	{"cpu", JF_INT, true, false, 0, INT32_MAX},
	{"memory", JF_INT, true, false, 0, INT64_MAX},
	{"memory_overhead", JF_INT, true, false, 0, INT64_MAX},
	{"swap", JF_INT, true, false, -1, INT64_MAX},
	{"disk", JF_INT, true, false, 0, INT64_MAX},
	{"io_weight", JF_INT, false, true, 0, 1000},
};

static const struct jfield feature_limits_fields[] = {
	{"allocations", JF_INT, true, false, 0, INT32_MAX},
	{"databases", JF_INT, true, false, 0, INT32_MAX},
	{"backups", JF_INT, true, false, 0, INT32_MAX},
	{"schedules", JF_INT, true, false, 0, INT32_MAX},
};

static const struct jfield auto_kill_fields[] = {
	{"enabled", JF_BOOL, true, false, 0, 0},
	{"seconds", JF_INT, true, false, INT64_MIN, INT64_MAX},
};

static const struct jfield variable_fields[] = {
	{"env_variable", JF_STRING, true, false, 1, 255},
	{"value", JF_STRING, true, false, 0, 0},
};

static const struct jfield create_fields[] = {
	{"node_uuid", JF_STRING, true, false, 0, 0},
	{"owner_uuid", JF_STRING, true, false, 0, 0},
	{"egg_uuid", JF_STRING, true, false, 0, 0},
	{"backup_configuration_uuid", JF_STRING, false, true, 0, 0},
	{"allocation_uuid", JF_STRING, false, true, 0, 0},
	{"allocation_uuids", JF_STRING_ARRAY, true, false, 0, MAX_ALLOCATIONS},
	{"start_on_completion", JF_BOOL, true, false, 0, 0},
	{"skip_installer", JF_BOOL, true, false, 0, 0},
	{"external_id", JF_STRING, false, true, 0, 255},
	{"name", JF_STRING, true, false, 3, 255},
	{"description", JF_STRING, false, true, 0, 1024},
	{"limits", JF_OBJECT, true, false, 0, 0},
	{"startup", JF_STRING, true, false, 1, 8192},
	{"image", JF_STRING, true, false, 2, 255},
	{"timezone", JF_STRING, false, true, 0, 0},
	{"hugepages_passthrough_enabled", JF_BOOL, true, false, 0, 0},
	{"kvm_passthrough_enabled", JF_BOOL, true, false, 0, 0},
	{"feature_limits", JF_OBJECT, true, false, 0, 0},
};

static const struct jfield update_fields[] = {
	{"owner_uuid", JF_STRING, false, false, 0, 0},
	{"egg_uuid", JF_STRING, false, false, 0, 0},
	{"backup_configuration_uuid", JF_STRING, false, true, 0, 0},
	{"suspended", JF_BOOL, false, false, 0, 0},
	{"external_id", JF_STRING, false, true, 1, 255},
	{"name", JF_STRING, false, false, 1, 255},
	{"description", JF_STRING, false, true, 1, 1024},
	{"limits", JF_OBJECT, false, false, 0, 0},
	{"startup", JF_STRING, false, false, 1, 8192},
	{"image", JF_STRING, false, false, 2, 255},
	{"auto_kill", JF_OBJECT, false, false, 0, 0},
	{"auto_start_behavior", JF_STRING, false, false, 0, 0},
	{"timezone", JF_STRING, false, true, 0, 0},
	{"hugepages_passthrough_enabled", JF_BOOL, false, false, 0, 0},
	{"kvm_passthrough_enabled", JF_BOOL, false, false, 0, 0},
	{"feature_limits", JF_OBJECT, false, false, 0, 0},
};

static const struct jfield delete_fields[] = {
	{"force", JF_BOOL, false, false, 0, 0},
	{"delete_backups", JF_BOOL, false, false, 0, 0},
};

static struct json_object *
field(const struct req *req, const char *name)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(req->json, name, &v);
	return v;
}

static bool
sent(const struct req *req, const char *name)
{
	return json_object_object_get_ex(req->json, name, NULL);
}

/* An IANA time zone name: [A-Za-z0-9_+-] segments joined by "/", known to
 * the system's zone database. */
static bool
known_timezone(struct req *req, const char *tz)
{
	struct stat st;
	size_t n = strlen(tz);

	if (n == 0 || n > 64 || tz[0] == '/' || strstr(tz, "..") != NULL ||
	    strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		       "0123456789_+-/") != n)
		return false;
	return stat(arena_printf(&req->arena, "/usr/share/zoneinfo/%s", tz),
		    &st) == 0 &&
	       S_ISREG(st.st_mode);
}

/* The nested parts of a create or update body: limits, feature_limits,
 * auto_kill, pinned_cpus, variables, timezone, the UUID fields. A type
 * error answers 400 and returns false; rule failures are appended to
 * *errs. */
static bool
nested_ok(struct req *req, struct json_object **errs)
{
	static const char *const uuids[] = {
		"node_uuid", "owner_uuid", "egg_uuid",
		"backup_configuration_uuid", "allocation_uuid"};
	struct json_object *v, *e;
	const char *msg = NULL, *s;
	char norm[37];
	size_t i, n;

	/* UUIDs are checked and stored in their lowercase form */
	for (i = 0; i < NF(uuids); i++) {
		if ((v = field(req, uuids[i])) == NULL)
			continue;
		if (!uuid_normalize(json_object_get_string(v), norm)) {
			msg = arena_printf(&req->arena,
					   "invalid payload: %s: UUID parsing "
					   "failed",
					   uuids[i]);
			goto fail;
		}
		json_object_object_add(req->json, uuids[i],
				       json_object_new_string(norm));
	}
	v = field(req, "allocation_uuids");
	for (i = 0; v != NULL && i < json_object_array_length(v); i++) {
		e = json_object_array_get_idx(v, i);
		if (!uuid_normalize(json_object_get_string(e), norm)) {
			msg = "invalid payload: allocation_uuids: UUID parsing "
			      "failed";
			goto fail;
		}
		json_object_array_put_idx(v, i, json_object_new_string(norm));
	}
	if (((v = field(req, "limits")) != NULL &&
	     !json_validate_into(v, limits_fields, NF(limits_fields), "limits",
				 &req->arena, &msg, errs)) ||
	    ((v = field(req, "feature_limits")) != NULL &&
	     !json_validate_into(v, feature_limits_fields,
				 NF(feature_limits_fields), "feature_limits",
				 &req->arena, &msg, errs)) ||
	    ((v = field(req, "auto_kill")) != NULL &&
	     !json_validate_into(v, auto_kill_fields, NF(auto_kill_fields),
				 "auto_kill", &req->arena, &msg, errs)))
		goto fail;
	if ((v = field(req, "auto_kill")) != NULL) {
		int64_t sec = json_object_get_int64(
			json_object_object_get(v, "seconds"));

		if (sec < 1 || sec > 3600)
			json_rule_add(errs, "auto_kill: auto kill seconds "
					    "must be between 1 and 3600");
	}
	if ((v = field(req, "auto_start_behavior")) != NULL &&
	    strcmp(s = json_object_get_string(v), "always") != 0 &&
	    strcmp(s, "unless_stopped") != 0 && strcmp(s, "never") != 0) {
		msg = arena_printf(&req->arena,
				   "invalid payload: auto_start_behavior: "
				   "unknown variant `%s`, expected one of "
				   "`always`, `unless_stopped`, `never`",
				   s);
		goto fail;
	}
	if ((v = field(req, "timezone")) != NULL &&
	    !known_timezone(req, json_object_get_string(v))) {
		msg = "invalid payload: timezone: unknown time zone";
		goto fail;
	}
	if ((v = field(req, "pinned_cpus")) != NULL) {
		if (!json_object_is_type(v, json_type_array))
			goto pinned_type;
		n = json_object_array_length(v);
		if (n > MAX_PINNED)
			json_rule_add(
				errs,
				"pinned_cpus: length is greater than 1024");
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(v, i);
			if (!json_object_is_type(e, json_type_int))
				goto pinned_type;
			if (json_object_get_int64(e) < 0 ||
			    json_object_get_int64(e) > INT16_MAX)
				json_rule_add(
					errs,
					arena_printf(&req->arena,
						     "pinned_cpus[%zu]: %s", i,
						     json_object_get_int64(e) <
								     0
							     ? "lower than 0"
							     : "greater than "
							       "32767"));
		}
	}
	if ((v = field(req, "variables")) != NULL) {
		if (!json_object_is_type(v, json_type_array)) {
			msg = "invalid payload: invalid type for `variables`, "
			      "expected a sequence";
			goto fail;
		}
		n = json_object_array_length(v);
		if (n > MAX_VARIABLES)
			json_rule_add(errs, "variables: length is greater "
					    "than 1024");
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(v, i);
			if (!json_object_is_type(e, json_type_object)) {
				msg = "invalid payload: invalid type for "
				      "`variables`, expected a sequence of "
				      "objects";
				goto fail;
			}
			if (!json_validate_into(
				    e, variable_fields, NF(variable_fields),
				    arena_printf(&req->arena, "variables[%zu]",
						 i),
				    &req->arena, &msg, errs))
				goto fail;
			if (json_object_get_string_len(
				    json_object_object_get(e, "value")) > 4096)
				json_rule_add(
					errs,
					arena_printf(&req->arena,
						     "variables[%zu].value: "
						     "length is greater than "
						     "4096",
						     i));
		}
	} else if (strcmp(req->method, "POST") == 0) {
		msg = "invalid payload: missing field `variables`";
		goto fail;
	}
	return true;
pinned_type:
	msg = "invalid payload: invalid type for `pinned_cpus`, expected a "
	      "sequence of non-negative integers";
fail:
	response_error(req, 400, msg);
	return false;
}

/* ---- the AdminServer object (contract 3.11) ----------------------------- */

/* Columns of ADMIN_SERVER_COLS (db_stmt.c): the server's own, then the
 * node (NODE_NCOLS), the owner (USER_COLS and external_id), the egg and
 * the nest. */
enum {
	A_UUID,
	A_UUID_SHORT,
	A_EXTERNAL_ID,
	A_ALLOCATION, /* SERVER_ALLOCATION_COLS: 6 columns */
	A_STATUS = A_ALLOCATION + 6,
	A_SUSPENDED,
	A_TRANSFERRING,
	A_NAME,
	A_DESCRIPTION,
	A_CPU,
	A_MEMORY,
	A_MEMORY_OVERHEAD,
	A_SWAP,
	A_DISK,
	A_IO_WEIGHT,
	A_PINNED_CPUS,
	A_ALLOCATION_LIMIT,
	A_DATABASE_LIMIT,
	A_BACKUP_LIMIT,
	A_SCHEDULE_LIMIT,
	A_STARTUP,
	A_IMAGE,
	A_AUTO_KILL,
	A_AUTO_START,
	A_TIMEZONE,
	A_HUGEPAGES,
	A_KVM,
	A_CREATED,
	A_NODE_UUID,
	A_OWNER_UUID,
	A_EGG_UUID,
	A_NODE,
	A_OWNER = A_NODE + NODE_NCOLS,
	A_OWNER_EXTERNAL_ID = A_OWNER + USER_NCOLS,
	A_EGG,
	A_NEST = A_EGG + EGG_NCOLS,
	A__COUNT = A_NEST + NEST_NCOLS
};

_Static_assert(A__COUNT == ADMIN_SERVER_NCOLS, "ADMIN_SERVER_COLS");

static struct json_object *
str(const struct db_res *res, size_t row, size_t col)
{
	return json_str_or_null(db_cell(res, row, col));
}

static struct json_object *
num(const struct db_res *res, size_t row, size_t col)
{
	const char *v = db_cell(res, row, col);

	return v ? json_object_new_int64(strtoll(v, NULL, 10)) : NULL;
}

static struct json_object *
flag(const struct db_res *res, size_t row, size_t col)
{
	const char *v = db_cell(res, row, col);

	return json_object_new_boolean(v != NULL && strcmp(v, "0") != 0);
}

/* The owner, an AdminUser. */
static struct json_object *
owner_json(struct req *req, const struct db_res *res, size_t row)
{
	const struct settings *s;
	struct user_row u;

	user_row_read(req, res, row, A_OWNER, &u);
	return user_admin_json(
		&u, db_cell(res, row, A_OWNER_EXTERNAL_ID),
		settings_current(req->db, req->cfg->settings_cache_seconds,
				 &s) == PERR_OK
			? settings_get(s, "app::two_factor_requirement")
			: NULL);
}

static struct json_object *
admin_server_json(struct req *req, const struct db_res *res, size_t row)
{
	struct json_object *o = json_object_new_object(), *x;
	char shortid[9];

	snprintf(shortid, sizeof(shortid), "%08x",
		 (unsigned)strtol(db_cell(res, row, A_UUID_SHORT), NULL, 10));
	ADD(o, "uuid", str(res, row, A_UUID));
	ADD(o, "uuid_short", json_object_new_string(shortid));
	ADD(o, "external_id", str(res, row, A_EXTERNAL_ID));
	ADD(o, "allocation", server_allocation_json(res, row, A_ALLOCATION));
	ADD(o, "node", node_json(req, res, row, A_NODE));
	ADD(o, "owner", owner_json(req, res, row));
	ADD(o, "egg", egg_json(res, row, A_EGG));
	ADD(o, "nest", nest_json(res, row, A_NEST));
	ADD(o, "backup_configuration", NULL);
	ADD(o, "status", str(res, row, A_STATUS));
	ADD(o, "is_suspended", flag(res, row, A_SUSPENDED));
	ADD(o, "is_transferring", flag(res, row, A_TRANSFERRING));
	ADD(o, "name", str(res, row, A_NAME));
	ADD(o, "description", str(res, row, A_DESCRIPTION));
	x = json_object_new_object();
	ADD(x, "cpu", num(res, row, A_CPU));
	ADD(x, "memory", num(res, row, A_MEMORY));
	ADD(x, "memory_overhead", num(res, row, A_MEMORY_OVERHEAD));
	ADD(x, "swap", num(res, row, A_SWAP));
	ADD(x, "disk", num(res, row, A_DISK));
	ADD(x, "io_weight", num(res, row, A_IO_WEIGHT));
	ADD(o, "limits", x);
	ADD(o, "pinned_cpus",
	    server_stored_json(db_cell(res, row, A_PINNED_CPUS), true));
	server_add_runtime(o, res, row, A_ALLOCATION_LIMIT, A_STARTUP);
	ADD(o, "hugepages_passthrough_enabled", flag(res, row, A_HUGEPAGES));
	ADD(o, "kvm_passthrough_enabled", flag(res, row, A_KVM));
	ADD(o, "created", json_ts_or_null(db_cell(res, row, A_CREATED)));
	return o;
}

/* ---- lookups ------------------------------------------------------------ */

/* One server row by {server} (a UUID or 8 hex digits, anything else finds
 * nothing), or by external id; PERR_NOENT when none. */
static enum perr
find(struct req *req, enum stmt id, const char *key, struct db_res *res)
{
	struct db_arg arg;
	char uuid[37];
	enum perr e;

	if (id == STMT_ADMIN_SERVER_BY_UUID) {
		if (strlen(key) == 36 && uuid_normalize(key, uuid)) {
			arg = DB_STR(uuid);
		} else if (strlen(key) == 8 &&
			   strspn(key, "0123456789abcdefABCDEF") == 8) {
			id = STMT_ADMIN_SERVER_BY_SHORT;
			arg = DB_INT(
				(long long)(int32_t)strtoul(key, NULL, 16));
		} else {
			return PERR_NOENT;
		}
	} else {
		arg = DB_STR(key);
	}
	e = db_exec(req->db, id, &arg, 1, res);
	if (e == PERR_OK && res->nrows == 0) {
		db_res_free(res);
		e = PERR_NOENT;
	}
	return e;
}

/* The sub-gate of /api/admin/servers/{server} (contract 8.7): servers.read,
 * the identifier, 404. No visibility or state checks. */
static bool
subgate(struct req *req, struct db_res *res)
{
	enum perr e;

	if (!gate_admin_permission(req, "servers.read"))
		return false;
	e = find(req, STMT_ADMIN_SERVER_BY_UUID, req_path_param(req, "server"),
		 res);
	if (e == PERR_OK)
		return true;
	if (e == PERR_NOENT)
		response_error(req, 404, "server not found");
	else
		response_fail(req, e);
	return false;
}

static void
answer_server(struct req *req, const struct db_res *res)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "server", admin_server_json(req, res, 0));
	response_json(req, 200, o);
}

struct json_object *
admin_server_json_of(struct req *req, const char *uuid)
{
	struct json_object *o = NULL;
	struct db_res res;

	if (uuid != NULL &&
	    find(req, STMT_ADMIN_SERVER_BY_UUID, uuid, &res) == PERR_OK) {
		o = admin_server_json(req, &res, 0);
		db_res_free(&res);
	}
	return o;
}

/* GET /api/admin/servers: pagination, servers.read; search on the name. */
static void
handle_list(struct req *req)
{
	struct db_arg args[4];
	struct page pg;

	if (!page_parse(req, &pg) ||
	    !gate_admin_permission(req, "servers.read"))
		return;
	args[0] = DB_STR_OR_NULL(pg.search);
	args[1] = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg, STMT_ADMIN_SERVER_LIST, args, 4, "servers",
		    admin_server_json);
}

/* GET /api/admin/servers/{server} */
static void
handle_get(struct req *req)
{
	struct db_res res;

	if (!subgate(req, &res))
		return;
	answer_server(req, &res);
	db_res_free(&res);
}

/* GET /api/admin/servers/external/{external_id} (contract-extra 5.2). */
static void
handle_get_external(struct req *req)
{
	struct db_res res;
	enum perr e;

	if (!gate_admin_permission(req, "servers.read"))
		return;
	e = find(req, STMT_ADMIN_SERVER_BY_EXTERNAL,
		 req_path_param(req, "external_id"), &res);
	if (e == PERR_NOENT) {
		response_error(req, 404, "server not found");
		return;
	}
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	answer_server(req, &res);
	db_res_free(&res);
}

/* ---- egg variables ------------------------------------------------------ */

/* Columns of STMT_SERVER_EGG_VARIABLES: v.uuid, v.env_variable,
 * v.default_value, v.rules, sv.value (the server's stored value). */
struct vars {
	const struct db_res *egg;      /* the egg's variables */
	struct json_object *submitted; /* the body's list, or NULL */
};

/* The submitted value of env, or NULL. */
static const char *
submitted(struct json_object *list, const char *env)
{
	struct json_object *e;
	size_t i, n = list ? json_object_array_length(list) : 0;

	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(list, i);
		if (strcmp(json_object_get_string(
				   json_object_object_get(e, "env_variable")),
			   env) == 0)
			return json_object_get_string(
				json_object_object_get(e, "value"));
	}
	return NULL;
}

/* Row i's value: submitted, else stored, else the default, else "". */
static const char *
effective(const struct vars *v, size_t i)
{
	const char *s = submitted(v->submitted, db_cell(v->egg, i, 1));

	if (s == NULL)
		s = db_cell(v->egg, i, 4);
	if (s == NULL)
		s = db_cell(v->egg, i, 2);
	return s ? s : "";
}

static const char *
value_of(void *arg, const char *env)
{
	const struct vars *v = arg;
	size_t i;

	for (i = 0; i < v->egg->nrows; i++)
		if (strcmp(db_cell(v->egg, i, 1), env) == 0)
			return effective(v, i);
	return NULL;
}

/* The egg's variables with the server's values (server may be NULL). */
static enum perr
egg_variables(struct req *req, const char *egg, const char *server,
	      struct db_res *res)
{
	struct db_arg args[2] = {DB_STR_OR_NULL(server), DB_STR(egg)};

	return db_exec(req->db, STMT_SERVER_EGG_VARIABLES, args, 2, res);
}

/* Every variable's effective value against its rules (contract 8.7 and
 * contract-extra 5.6): the first failure answers 400. */
static bool
rules_hold(struct req *req, const struct db_res *egg, struct json_object *list)
{
	struct vars v = {egg, list};
	struct varrule_values others = {value_of, &v};
	const char *msg;
	size_t i;

	for (i = 0; i < egg->nrows; i++) {
		msg = varrule_check(db_cell(egg, i, 3), effective(&v, i),
				    db_cell(egg, i, 1), &others, &req->arena);
		if (msg != NULL) {
			response_error(req, 400, msg);
			return false;
		}
	}
	return true;
}

/* Stores the submitted values of the egg's variables (others ignored). */
static enum perr
store_variables(struct req *req, const char *server, const struct db_res *egg,
		struct json_object *list)
{
	struct db_arg args[3];
	const char *val;
	enum perr e = PERR_OK;
	size_t i;

	for (i = 0; i < egg->nrows && e == PERR_OK; i++) {
		val = submitted(list, db_cell(egg, i, 1));
		if (val == NULL)
			continue;
		args[0] = DB_STR(server);
		args[1] = DB_STR(db_cell(egg, i, 0));
		args[2] = DB_STR(val);
		e = db_exec(req->db, STMT_SERVER_VARIABLE_UPSERT, args, 3,
			    NULL);
	}
	return e;
}

/* A repeated env_variable in the body's list: "variables: duplicate
 * environment variable: NAME" into errs. */
static void
duplicates(struct req *req, struct json_object *list, struct json_object **errs)
{
	const char *a, *b;
	size_t i, j, n = list ? json_object_array_length(list) : 0;

	for (i = 0; i < n; i++) {
		a = json_object_get_string(json_object_object_get(
			json_object_array_get_idx(list, i), "env_variable"));
		for (j = 0; j < i; j++) {
			b = json_object_get_string(json_object_object_get(
				json_object_array_get_idx(list, j),
				"env_variable"));
			if (strcmp(a, b) == 0) {
				json_rule_add(errs, arena_printf(&req->arena,
								 "variables: "
								 "duplicate "
								 "environment "
								 "variable: %s",
								 a));
				return;
			}
		}
	}
}

/* GET /api/admin/servers/{server}/variables (contract-extra 5.6, 7.7). */
static void
handle_variables_get(struct req *req)
{
	struct json_object *list, *o;
	struct db_res srv, res;
	struct db_arg arg;
	enum perr e;
	size_t i;

	if (!subgate(req, &srv))
		return;
	if (!gate_admin_permission(req, "servers.variables")) {
		db_res_free(&srv);
		return;
	}
	arg = DB_STR(db_cell(&srv, 0, A_UUID));
	e = db_exec(req->db, STMT_SERVER_VARIABLE_LIST, &arg, 1, &res);
	db_res_free(&srv);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	list = json_object_new_array();
	for (i = 0; i < res.nrows; i++) {
		const char *val = db_cell(&res, i, 6);

		o = json_object_new_object();
		ADD(o, "name", str(&res, i, 0));
		ADD(o, "name_translations",
		    server_stored_json(db_cell(&res, i, 1), false));
		ADD(o, "description", str(&res, i, 2));
		ADD(o, "description_translations",
		    server_stored_json(db_cell(&res, i, 3), false));
		ADD(o, "env_variable", str(&res, i, 4));
		ADD(o, "default_value", str(&res, i, 5));
		if (val == NULL)
			val = db_cell(&res, i, 5);
		ADD(o, "value", json_object_new_string(val ? val : ""));
		ADD(o, "is_editable", flag(&res, i, 7));
		ADD(o, "is_secret", flag(&res, i, 8));
		ADD(o, "rules", server_stored_json(db_cell(&res, i, 9), true));
		ADD(o, "created", json_ts_or_null(db_cell(&res, i, 10)));
		json_object_array_add(list, o);
	}
	db_res_free(&res);
	o = json_object_new_object();
	ADD(o, "variables", list);
	response_json(req, 200, o);
}

/* PUT /api/admin/servers/{server}/variables {"variables": [...]}. */
static void
handle_variables_put(struct req *req)
{
	struct json_object *list = field(req, "variables"), *errs = NULL, *d;
	struct db_res srv, egg;
	const char *uuid;
	enum perr e;

	if (!subgate(req, &srv))
		return;
	uuid = arena_strdup(&req->arena, db_cell(&srv, 0, A_UUID));
	if (list == NULL || !nested_ok(req, &errs)) {
		if (list == NULL)
			response_error(req, 400,
				       "invalid payload: missing field "
				       "`variables`");
		db_res_free(&srv);
		json_object_put(errs);
		return;
	}
	duplicates(req, list, &errs);
	if (errs != NULL) {
		db_res_free(&srv);
		response_errors(req, 400, errs);
		return;
	}
	if (!gate_admin_permission(req, "servers.variables")) {
		db_res_free(&srv);
		return;
	}
	e = egg_variables(req, db_cell(&srv, 0, A_EGG_UUID), uuid, &egg);
	db_res_free(&srv);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (rules_hold(req, &egg, list)) {
		e = db_tx_begin(req->db);
		if (e == PERR_OK)
			e = store_variables(req, uuid, &egg, list);
		e = db_tx_end(req->db, e);
		if (e != PERR_OK) {
			response_fail(req, e);
		} else {
			d = json_object_new_object();
			ADD(d, "uuid", json_object_new_string(uuid));
			ADD(d, "variables", json_object_get(list));
			activity_admin(req, "server:variables.update", d);
			response_json(req, 200, json_object_new_object());
		}
	}
	db_res_free(&egg);
}

/* ---- create ------------------------------------------------------------- */

/* The model rules the route rules leave out (contract 8.7): strings that
 * may be sent empty must not be. */
static void
model_rules(struct req *req, struct json_object **errs)
{
	static const char *const names[] = {"external_id", "description"};
	struct json_object *v;
	size_t i;

	for (i = 0; i < NF(names); i++)
		if ((v = field(req, names[i])) != NULL &&
		    json_object_get_string_len(v) == 0)
			json_rule_add(errs, arena_printf(&req->arena,
							 "%s: length is lower "
							 "than 1",
							 names[i]));
}

/* The referenced rows exist: 400 invalid relation `node|owner|egg|
 * backup_configuration` provided. Backup configurations are out of scope,
 * so a given one never exists. */
static bool
relations_exist(struct req *req)
{
	static const char *const names[] = {"node", "owner", "egg"};
	struct db_arg args[3];
	struct db_res res;
	const char *bad = NULL;
	enum perr e;
	size_t i;

	for (i = 0; i < NF(names); i++) {
		const char *v = req_body_str(
			req, arena_printf(&req->arena, "%s_uuid", names[i]),
			NULL);

		args[i] = DB_STR_OR_NULL(v);
	}
	e = db_exec(req->db, STMT_SERVER_RELATIONS, args, 3, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return false;
	}
	for (i = 0; i < NF(names) && bad == NULL; i++)
		if (args[i].type != DB_ARG_NULL &&
		    strcmp(db_cell(&res, 0, i), "0") == 0)
			bad = names[i];
	db_res_free(&res);
	if (bad == NULL && field(req, "backup_configuration_uuid") != NULL)
		bad = "backup_configuration";
	if (bad == NULL)
		return true;
	response_error(req, 400,
		       arena_printf(&req->arena,
				    "invalid relation `%s` provided", bad));
	return false;
}

/* The allocations a new server takes: the primary (allocation_uuid) first,
 * then allocation_uuids, without repeats; each a free allocation of the
 * node. 400 invalid relation `allocation`, 409 when one is taken. */
static bool
allocations_free(struct req *req, const char *node, struct json_object **out)
{
	struct json_object *all = json_object_new_array(), *v;
	struct db_arg args[2];
	struct db_res res;
	const char *u;
	enum perr e;
	size_t i, j;

	if ((v = field(req, "allocation_uuid")) != NULL)
		json_object_array_add(all, json_object_get(v));
	v = field(req, "allocation_uuids");
	for (i = 0; i < json_object_array_length(v); i++) {
		u = json_object_get_string(json_object_array_get_idx(v, i));
		for (j = 0; j < json_object_array_length(all); j++)
			if (strcasecmp(
				    json_object_get_string(
					    json_object_array_get_idx(all, j)),
				    u) == 0)
				break;
		if (j == json_object_array_length(all))
			json_object_array_add(all, json_object_new_string(u));
	}
	*out = req_own(req, all);
	for (i = 0; i < json_object_array_length(all); i++) {
		args[0] = DB_STR(json_object_get_string(
			json_object_array_get_idx(all, i)));
		args[1] = DB_STR(node);
		e = db_exec(req->db, STMT_NODE_ALLOCATION_STATE, args, 2, &res);
		if (e != PERR_OK) {
			response_fail(req, e);
			return false;
		}
		if (res.nrows == 0) {
			db_res_free(&res);
			response_error(
				req, 400,
				"invalid relation `allocation` provided");
			return false;
		}
		if (strcmp(db_cell(&res, 0, 0), "0") != 0) {
			db_res_free(&res);
			response_error(req, 409,
				       "server with allocation(s) or external "
				       "id already exists");
			return false;
		}
		db_res_free(&res);
	}
	return true;
}

static struct db_arg
body_int(struct req *req, const char *obj, const char *name)
{
	struct json_object *o = field(req, obj), *v = NULL;

	if (o != NULL)
		json_object_object_get_ex(o, name, &v);
	return v ? DB_INT(json_object_get_int64(v)) : DB_NULL;
}

static struct db_arg
body_text(struct req *req, const char *name)
{
	struct json_object *v = field(req, name);

	if (v == NULL)
		return DB_NULL;
	if (json_object_is_type(v, json_type_string))
		return DB_STR(json_object_get_string(v));
	if (json_object_is_type(v, json_type_boolean))
		return DB_INT(json_object_get_boolean(v) ? 1 : 0);
	return DB_STR(json_object_to_json_string_ext(
		v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Inserts the server row under a new uuid (another one when its short id
 * is taken), in the caller's transaction. */
static enum perr
insert_server(struct req *req, char uuid[CRYPTO_UUID_BUFSZ])
{
	struct db_arg a[26];
	enum perr e = PERR_CONFLICT;
	int tries;

	for (tries = 0; tries < 3 && e == PERR_CONFLICT; tries++) {
		crypto_uuid_v4(uuid);
		a[0] = DB_STR(uuid);
		a[1] = DB_INT((long long)(int32_t)strtoul(uuid, NULL, 16));
		a[2] = body_text(req, "external_id");
		a[3] = body_text(req, "node_uuid");
		a[4] = body_text(req, "owner_uuid");
		a[5] = body_text(req, "egg_uuid");
		a[6] = body_text(req, "name");
		a[7] = body_text(req, "description");
		a[8] = DB_INT(
			json_object_get_boolean(field(req, "skip_installer"))
				? 0
				: 1);
		a[9] = body_int(req, "limits", "cpu");
		a[10] = body_int(req, "limits", "memory");
		a[11] = body_int(req, "limits", "memory_overhead");
		a[12] = body_int(req, "limits", "swap");
		a[13] = body_int(req, "limits", "disk");
		a[14] = body_int(req, "limits", "io_weight");
		a[15] = body_text(req, "pinned_cpus");
		a[16] = body_text(req, "startup");
		a[17] = body_text(req, "image");
		a[18] = body_text(req, "timezone");
		a[19] = body_text(req, "hugepages_passthrough_enabled");
		a[20] = body_text(req, "kvm_passthrough_enabled");
		a[21] = body_int(req, "feature_limits", "allocations");
		a[22] = body_int(req, "feature_limits", "databases");
		a[23] = body_int(req, "feature_limits", "backups");
		a[24] = body_int(req, "feature_limits", "schedules");
		if (a[15].type == DB_ARG_NULL)
			a[15] = DB_STR("[]");
		e = db_exec(req->db, STMT_ADMIN_SERVER_INSERT, a, 25, NULL);
	}
	return e;
}

/* The allocation rows of a new server; the first is its primary when
 * allocation_uuid was given. */
static enum perr
insert_allocations(struct req *req, const char *server,
		   struct json_object *allocs)
{
	char sa[CRYPTO_UUID_BUFSZ];
	struct db_arg args[3];
	enum perr e = PERR_OK;
	size_t i;

	for (i = 0; i < json_object_array_length(allocs) && e == PERR_OK; i++) {
		crypto_uuid_v4(sa);
		args[0] = DB_STR(sa);
		args[1] = DB_STR(server);
		args[2] = DB_STR(json_object_get_string(
			json_object_array_get_idx(allocs, i)));
		e = db_exec(req->db, STMT_SERVER_ALLOCATION_INSERT, args, 3,
			    NULL);
		if (e == PERR_OK && i == 0 &&
		    field(req, "allocation_uuid") != NULL) {
			args[0] = DB_STR(sa);
			args[1] = DB_STR(server);
			e = db_exec(req->db, STMT_ADMIN_SERVER_SET_PRIMARY,
				    args, 2, NULL);
		}
	}
	return e;
}

/* The daemon creates the server (11.3); when it cannot, the server goes
 * again. False with the answer set. */
static bool
daemon_create(struct req *req, const char *uuid)
{
	struct json_object *b = json_object_new_object();
	struct db_arg arg = DB_STR(uuid);
	const char *msg;
	int status;

	ADD(b, "uuid", json_object_new_string(uuid));
	ADD(b, "start_on_completion",
	    json_object_new_boolean(json_object_get_boolean(
		    field(req, "start_on_completion"))));
	ADD(b, "skip_scripts",
	    json_object_new_boolean(
		    json_object_get_boolean(field(req, "skip_installer"))));
	if (daemon_call(req, req_body_str(req, "node_uuid", ""), "POST",
			"/api/servers", b, &status, &msg))
		return true;
	if (db_exec(req->db, STMT_ADMIN_SERVER_DELETE, &arg, 1, NULL) !=
	    PERR_OK)
		log_err(req,
			"server %s: the daemon refused it and it could "
			"not be removed again",
			uuid);
	response_error(req, status, msg);
	return false;
}

/* POST /api/admin/servers: route rules, servers.create, the egg's variable
 * rules, model rules, relations, allocations, insert, the daemon. */
static void
handle_create(struct req *req)
{
	struct json_object *errs = NULL, *allocs, *list, *d;
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_res egg, res;
	enum perr e;

	if (!nested_ok(req, &errs)) {
		json_object_put(errs);
		return;
	}
	list = field(req, "variables");
	duplicates(req, list, &errs);
	if (errs != NULL) {
		response_errors(req, 400, errs);
		return;
	}
	if (!gate_admin_permission(req, "servers.create"))
		return;
	e = egg_variables(req, req_body_str(req, "egg_uuid", ""), NULL, &egg);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (!rules_hold(req, &egg, list)) {
		db_res_free(&egg);
		return;
	}
	model_rules(req, &errs);
	if (errs != NULL) {
		db_res_free(&egg);
		response_errors(req, 400, errs);
		return;
	}
	if (!relations_exist(req) ||
	    !allocations_free(req, req_body_str(req, "node_uuid", ""),
			      &allocs)) {
		db_res_free(&egg);
		return;
	}
	e = db_tx_begin(req->db);
	if (e == PERR_OK)
		e = insert_server(req, uuid);
	if (e == PERR_OK)
		e = insert_allocations(req, uuid, allocs);
	if (e == PERR_OK)
		e = store_variables(req, uuid, &egg, list);
	db_res_free(&egg);
	e = db_tx_end(req->db, e);
	if (e == PERR_CONFLICT) {
		response_error(req, 409,
			       "server with allocation(s) or external id "
			       "already exists");
		return;
	}
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (!daemon_create(req, uuid))
		return;
	d = json_object_new_object();
	ADD(d, "uuid", json_object_new_string(uuid));
	ADD(d, "name", json_object_get(field(req, "name")));
	ADD(d, "node_uuid", json_object_get(field(req, "node_uuid")));
	ADD(d, "owner_uuid", json_object_get(field(req, "owner_uuid")));
	ADD(d, "egg_uuid", json_object_get(field(req, "egg_uuid")));
	activity_admin(req, "server:create", d);
	e = find(req, STMT_ADMIN_SERVER_BY_UUID, uuid, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	answer_server(req, &res);
	db_res_free(&res);
}

/* ---- update ------------------------------------------------------------- */

/* The type-only table of PATCH (its rules are checked after the sub-gate
 * and the permission, as the model's are). */
static const struct jfield update_types[] = {
	{"owner_uuid", JF_STRING, false, false, 0, 0},
	{"egg_uuid", JF_STRING, false, false, 0, 0},
	{"backup_configuration_uuid", JF_STRING, false, true, 0, 0},
	{"suspended", JF_BOOL, false, false, 0, 0},
	{"external_id", JF_STRING, false, true, 0, 0},
	{"name", JF_STRING, false, false, 0, 0},
	{"description", JF_STRING, false, true, 0, 0},
	{"limits", JF_OBJECT, false, false, 0, 0},
	{"startup", JF_STRING, false, false, 0, 0},
	{"image", JF_STRING, false, false, 0, 0},
	{"auto_kill", JF_OBJECT, false, false, 0, 0},
	{"auto_start_behavior", JF_STRING, false, false, 0, 0},
	{"timezone", JF_STRING, false, true, 0, 0},
	{"hugepages_passthrough_enabled", JF_BOOL, false, false, 0, 0},
	{"kvm_passthrough_enabled", JF_BOOL, false, false, 0, 0},
	{"feature_limits", JF_OBJECT, false, false, 0, 0},
};

/* (sent, value) of a PATCH column. */
static void
patch_arg(struct db_arg *a, bool was_sent, struct db_arg value)
{
	a[0] = DB_INT(was_sent ? 1 : 0);
	a[1] = was_sent ? value : DB_NULL;
}

/* PATCH /api/admin/servers/{server} (contract 8.7). The daemon is not
 * told (the configuration sync of 11.5 is out of scope). */
static void
handle_update(struct req *req)
{
	static const char *const text[] = {"owner_uuid",
					   "egg_uuid",
					   "suspended",
					   "external_id",
					   "name",
					   "description",
					   "pinned_cpus",
					   "startup",
					   "image",
					   "auto_kill",
					   "timezone",
					   "hugepages_passthrough_enabled",
					   "kvm_passthrough_enabled"};
	static const char *const limits[] = {
		"cpu",	"memory", "memory_overhead",
		"swap", "disk",	  "io_weight"};
	static const char *const features[] = {"allocations", "databases",
					       "backups", "schedules"};
	struct db_arg a[2 * 24 + 1], *p = a;
	struct json_object *errs = NULL, *d;
	const char *uuid, *msg = NULL;
	struct db_res srv;
	enum perr e;
	size_t i;

	if (!subgate(req, &srv))
		return;
	uuid = arena_strdup(&req->arena, db_cell(&srv, 0, A_UUID));
	db_res_free(&srv);
	if (!gate_admin_permission(req, "servers.update") ||
	    !json_validate_into(req->json, update_fields, NF(update_fields),
				NULL, &req->arena, &msg, &errs) ||
	    !nested_ok(req, &errs)) {
		if (msg != NULL)
			response_error(req, 400, msg);
		json_object_put(errs);
		return;
	}
	if (errs != NULL) {
		response_errors(req, 400, errs);
		return;
	}
	if (!relations_exist(req))
		return;
	for (i = 0; i < NF(text); i++, p += 2)
		patch_arg(p,
			  field(req, text[i]) != NULL ||
				  (sent(req, text[i]) &&
				   (strcmp(text[i], "external_id") == 0 ||
				    strcmp(text[i], "description") == 0 ||
				    strcmp(text[i], "timezone") == 0)),
			  body_text(req, text[i]));
	for (i = 0; i < NF(limits); i++, p += 2)
		patch_arg(p, field(req, "limits") != NULL,
			  body_int(req, "limits", limits[i]));
	for (i = 0; i < NF(features); i++, p += 2)
		patch_arg(p, field(req, "feature_limits") != NULL,
			  body_int(req, "feature_limits", features[i]));
	patch_arg(p, field(req, "auto_start_behavior") != NULL,
		  body_text(req, "auto_start_behavior"));
	p += 2;
	*p++ = DB_STR(uuid);
	e = db_exec(req->db, STMT_ADMIN_SERVER_UPDATE, a, (size_t)(p - a),
		    NULL);
	if (e == PERR_CONFLICT) {
		response_error(req, 409,
			       "server with external id already exists");
		return;
	}
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	d = json_object_get(req->json);
	json_object_object_add(d, "uuid", json_object_new_string(uuid));
	activity_admin(req, "server:update", d);
	response_json(req, 200, json_object_new_object());
}

/* ---- delete ------------------------------------------------------------- */

/* DELETE /api/admin/servers/{server} {force, delete_backups}: the row goes
 * in a transaction that stays open across the daemon's delete; a refusal
 * rolls back (417) unless force. */
static void
handle_delete(struct req *req)
{
	struct json_object *force = field(req, "force"), *d;
	const char *uuid, *node, *msg;
	struct db_arg arg;
	struct db_res srv;
	enum perr e;
	int status;

	if (!subgate(req, &srv))
		return;
	uuid = arena_strdup(&req->arena, db_cell(&srv, 0, A_UUID));
	node = arena_strdup(&req->arena, db_cell(&srv, 0, A_NODE_UUID));
	d = json_object_new_object();
	ADD(d, "uuid", json_object_new_string(uuid));
	ADD(d, "name", str(&srv, 0, A_NAME));
	db_res_free(&srv);
	if (!gate_admin_permission(req, "servers.delete")) {
		json_object_put(d);
		return;
	}
	arg = DB_STR(uuid);
	e = db_tx_begin(req->db);
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_ADMIN_SERVER_DELETE, &arg, 1, NULL);
	if (e != PERR_OK) {
		db_tx_rollback(req->db);
		json_object_put(d);
		response_fail(req, e);
		return;
	}
	if (!daemon_call(req, node, "DELETE",
			 arena_printf(&req->arena, "/api/servers/%s", uuid),
			 NULL, &status, &msg) &&
	    !json_object_get_boolean(force)) {
		db_tx_rollback(req->db);
		json_object_put(d);
		response_error(req, 417,
			       arena_printf(&req->arena,
					    "failed to delete server: %s",
					    msg));
		return;
	}
	e = db_tx_commit(req->db);
	if (e != PERR_OK) {
		json_object_put(d);
		response_fail(req, e);
		return;
	}
	activity_admin(req, "server:delete", d);
	response_json(req, 200, json_object_new_object());
}

#define SRV "/api/admin/servers"

static const struct route routes[] = {
	{"GET", SRV, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_list, 0},
	{"POST", SRV, GATE_ADMIN, NULL, BODY_DEFAULT_MAX, create_fields,
	 NF(create_fields), handle_create, 0},
	{"GET", SRV "/external/{external_id}", GATE_ADMIN, NULL, BODY_NONE,
	 NULL, 0, handle_get_external, 0},
	{"GET", SRV "/{server}", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_get, 0},
	{"PATCH", SRV "/{server}", GATE_ADMIN, NULL, BODY_DEFAULT_MAX,
	 update_types, NF(update_types), handle_update, 0},
	{"DELETE", SRV "/{server}", GATE_ADMIN, NULL, BODY_DEFAULT_MAX,
	 delete_fields, NF(delete_fields), handle_delete, 0},
	{"GET", SRV "/{server}/variables", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_variables_get, 0},
	{"PUT", SRV "/{server}/variables", GATE_ADMIN, NULL, BODY_DEFAULT_MAX,
	 NULL, 0, handle_variables_put, 0},
};

const struct route_group handler_admin_servers_group = {routes, NF(routes)};
