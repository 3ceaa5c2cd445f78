/* server.c: see server.h. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "db.h"
#include "gate.h"
#include "json.h"
#include "perm.h"
#include "request.h"
#include "response.h"
#include "server.h"
#include "user.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

/* Column numbers of SERVER_COLS. */
enum {
	C_UUID,
	C_UUID_SHORT,
	C_ALLOC_UUID,
	C_ALLOC_IP,
	C_ALLOC_IP_ALIAS,
	C_ALLOC_PORT,
	C_ALLOC_NOTES,
	C_ALLOC_CREATED,
	C_EGG_UUID,
	C_EGG_NAME,
	C_EGG_DESCRIPTION,
	C_EGG_STARTUP_COMMANDS,
	C_EGG_SEPARATE_PORT,
	C_EGG_FEATURES,
	C_EGG_DOCKER_IMAGES,
	C_EGG_CREATED,
	C_STATUS,
	C_OWNER,
	C_SUSPENDED,
	C_TRANSFERRING,
	C_LOC_UUID,
	C_LOC_NAME,
	C_LOC_FLAG,
	C_NODE_UUID,
	C_NODE_NAME,
	C_NODE_MAINTENANCE,
	C_NODE_SFTP_HOST,
	C_NODE_PUBLIC_URL,
	C_NODE_URL,
	C_NODE_SFTP_PORT,
	C_NAME,
	C_DESCRIPTION,
	C_CPU,
	C_MEMORY,
	C_SWAP,
	C_DISK,
	C_ALLOCATION_LIMIT,
	C_DATABASE_LIMIT,
	C_BACKUP_LIMIT,
	C_SCHEDULE_LIMIT,
	C_STARTUP,
	C_IMAGE,
	C_AUTO_KILL,
	C_AUTO_START,
	C_TIMEZONE,
	C_CREATED,
	C_SUBUSER_PERMISSIONS,
	C__COUNT
};

_Static_assert(C__COUNT == SERVER_NCOLS, "SERVER_COLS and its column names");

static const char *
cell(const struct db_res *res, size_t row, size_t col)
{
	return db_cell(res, row, col);
}

static struct json_object *
str(const struct db_res *res, size_t row, size_t col)
{
	return json_str_or_null(cell(res, row, col));
}

static struct json_object *
num(const struct db_res *res, size_t row, size_t col)
{
	const char *v = cell(res, row, col);

	return json_object_new_int64(v ? strtoll(v, NULL, 10) : 0);
}

static bool
truth(const struct db_res *res, size_t row, size_t col)
{
	const char *v = cell(res, row, col);

	return v != NULL && strcmp(v, "0") != 0;
}

/* A stored JSON value of the wanted type, else an empty one of it. */
static struct json_object *
stored_json(const char *text, enum json_type type)
{
	struct json_object *o = text ? json_tokener_parse(text) : NULL;

	if (o == NULL || !json_object_is_type(o, type)) {
		json_object_put(o);
		o = type == json_type_array ? json_object_new_array()
					    : json_object_new_object();
	}
	return o;
}

/* The host of an absolute URL ("https://h:8080/x" -> "h", "[::1]" kept
 * bracketed), in a; NULL when there is none. */
static const char *
url_host(struct arena *a, const char *url)
{
	const char *p, *end;

	if (url == NULL || (p = strstr(url, "://")) == NULL)
		return NULL;
	p += 3;
	if (strchr(p, '@') != NULL && strchr(p, '@') < p + strcspn(p, "/?#"))
		p = strchr(p, '@') + 1;
	if (*p == '[')
		end = strchr(p, ']') ? strchr(p, ']') + 1 : p;
	else
		end = p + strcspn(p, ":/?#");
	if (end == p)
		return NULL;
	return arena_strndup(a, p, (size_t)(end - p));
}

/* The subuser permissions of the caller on row, or NULL. */
static struct json_object *
subuser_perms(struct req *req, const struct db_res *res, size_t row)
{
	const char *v = cell(res, row, C_SUBUSER_PERMISSIONS);

	return v ? user_json_array(req, v) : NULL;
}

struct json_object *
server_allocation_json(const struct db_res *res, size_t row, size_t col)
{
	struct json_object *x;

	if (cell(res, row, col) == NULL)
		return NULL;
	x = json_object_new_object();
	ADD(x, "uuid", str(res, row, col));
	ADD(x, "ip", str(res, row, col + 1));
	ADD(x, "ip_alias", str(res, row, col + 2));
	ADD(x, "port", num(res, row, col + 3));
	ADD(x, "notes", str(res, row, col + 4));
	ADD(x, "is_primary", json_object_new_boolean(1));
	ADD(x, "created", json_ts_or_null(cell(res, row, col + 5)));
	return x;
}

struct json_object *
server_egg_json(struct req *req, const struct db_res *res, size_t row,
		size_t col)
{
	struct json_object *x = json_object_new_object();

	(void)req;
	ADD(x, "uuid", str(res, row, col));
	ADD(x, "name", str(res, row, col + 1));
	ADD(x, "description", str(res, row, col + 2));
	ADD(x, "startup_commands",
	    stored_json(cell(res, row, col + 3), json_type_object));
	ADD(x, "separate_port",
	    json_object_new_boolean(truth(res, row, col + 4)));
	ADD(x, "features",
	    stored_json(cell(res, row, col + 5), json_type_array));
	ADD(x, "docker_images",
	    stored_json(cell(res, row, col + 6), json_type_object));
	ADD(x, "created", json_ts_or_null(cell(res, row, col + 7)));
	return x;
}

struct json_object *
server_stored_json(const char *text, bool array)
{
	return stored_json(text, array ? json_type_array : json_type_object);
}

struct json_object *
server_client_json(struct req *req, const struct db_res *res, size_t row)
{
	const struct user_row *u = &req->principal->user;
	struct json_object *o = json_object_new_object(), *x, *perms;
	const char *sftp;
	char shortid[9];

	snprintf(shortid, sizeof(shortid), "%08x",
		 (unsigned)strtol(cell(res, row, C_UUID_SHORT), NULL, 10));
	ADD(o, "uuid", str(res, row, C_UUID));
	ADD(o, "uuid_short", json_object_new_string(shortid));
	ADD(o, "allocation", server_allocation_json(res, row, C_ALLOC_UUID));
	ADD(o, "egg", server_egg_json(req, res, row, C_EGG_UUID));
	x = json_object_new_object();
	ADD(x, "allocation_self_assign_enabled", json_object_new_boolean(0));
	ADD(x, "allocation_self_assign_require_primary",
	    json_object_new_boolean(0));
	ADD(x, "startup_allow_custom_command", json_object_new_boolean(0));
	ADD(x, "route_order", NULL);
	ADD(o, "egg_configuration", x);
	ADD(o, "status", str(res, row, C_STATUS));
	ADD(o, "is_owner",
	    json_object_new_boolean(strcmp(cell(res, row, C_OWNER), u->uuid) ==
				    0));
	ADD(o, "is_suspended",
	    json_object_new_boolean(truth(res, row, C_SUSPENDED)));
	ADD(o, "is_transferring",
	    json_object_new_boolean(truth(res, row, C_TRANSFERRING)));
	perms = subuser_perms(req, res, row);
	if (u->admin || perms == NULL) {
		x = json_object_new_array();
		json_object_array_add(x, json_object_new_string("*"));
	} else {
		x = json_object_get(perms);
	}
	ADD(o, "permissions", x);
	ADD(o, "location_uuid", str(res, row, C_LOC_UUID));
	ADD(o, "location_name", str(res, row, C_LOC_NAME));
	ADD(o, "location_flag", str(res, row, C_LOC_FLAG));
	ADD(o, "node_uuid", str(res, row, C_NODE_UUID));
	ADD(o, "node_name", str(res, row, C_NODE_NAME));
	ADD(o, "node_maintenance_enabled",
	    json_object_new_boolean(truth(res, row, C_NODE_MAINTENANCE)));
	sftp = cell(res, row, C_NODE_SFTP_HOST);
	if (sftp == NULL || *sftp == '\0')
		sftp = url_host(&req->arena, cell(res, row, C_NODE_PUBLIC_URL));
	if (sftp == NULL)
		sftp = url_host(&req->arena, cell(res, row, C_NODE_URL));
	ADD(o, "sftp_host",
	    json_object_new_string(sftp ? sftp : "unknown.sftp.host"));
	ADD(o, "sftp_port", num(res, row, C_NODE_SFTP_PORT));
	ADD(o, "name", str(res, row, C_NAME));
	ADD(o, "description", str(res, row, C_DESCRIPTION));
	x = json_object_new_object();
	ADD(x, "cpu", num(res, row, C_CPU));
	ADD(x, "memory", num(res, row, C_MEMORY));
	ADD(x, "swap", num(res, row, C_SWAP));
	ADD(x, "disk", num(res, row, C_DISK));
	ADD(o, "limits", x);
	server_add_runtime(o, res, row, C_ALLOCATION_LIMIT, C_STARTUP);
	ADD(o, "created", json_ts_or_null(cell(res, row, C_CREATED)));
	return o;
}

void
server_add_runtime(struct json_object *o, const struct db_res *res, size_t row,
		   size_t limits, size_t startup)
{
	struct json_object *x = json_object_new_object();

	ADD(x, "allocations", num(res, row, limits));
	ADD(x, "databases", num(res, row, limits + 1));
	ADD(x, "backups", num(res, row, limits + 2));
	ADD(x, "schedules", num(res, row, limits + 3));
	ADD(o, "feature_limits", x);
	ADD(o, "startup", str(res, row, startup));
	ADD(o, "image", str(res, row, startup + 1));
	ADD(o, "auto_kill",
	    stored_json(cell(res, row, startup + 2), json_type_object));
	ADD(o, "auto_start_behavior", str(res, row, startup + 3));
	ADD(o, "timezone", str(res, row, startup + 4));
}

bool
server_sees_all(const struct req *req)
{
	const struct user_row *u = &req->principal->user;
	struct perm_list role = {u->role_admin_permissions};

	if (u->role_uuid != NULL)
		return perm_list_has(&role, "servers.read");
	return u->admin;
}

/* {server}: a UUID or 8 hex digits; anything else finds nothing. */
static bool
find(struct req *req, const char *ident, struct db_res *res, enum perr *e)
{
	struct db_arg args[2];
	char uuid[37];
	char *end;
	unsigned long v;

	args[0] = DB_STR(req->principal->user.uuid);
	if (strlen(ident) == 36 && uuid_normalize(ident, uuid)) {
		args[1] = DB_STR(uuid);
		*e = db_exec(req->db, STMT_SERVER_BY_UUID, args, 2, res);
	} else if (strlen(ident) == 8 &&
		   strspn(ident, "0123456789abcdefABCDEF") == 8) {
		v = strtoul(ident, &end, 16);
		args[1] = DB_INT((long long)(int)(unsigned)v);
		*e = db_exec(req->db, STMT_SERVER_BY_SHORT, args, 2, res);
	} else {
		*e = PERR_NOENT;
		return false;
	}
	if (*e != PERR_OK)
		return false;
	if (res->nrows == 1)
		return true;
	db_res_free(res);
	*e = PERR_NOENT;
	return false;
}

/* Contract 2.11 step 2: the state conflicts, or NULL. */
static const char *
state_conflict(const struct req *req, const struct server *s)
{
	static const struct {
		const char *status, *msg;
	} states[] = {
		{"installing", "server is currently installing"},
		{"install_failed",
		 "your server has failed its installation process"},
		{"restoring_backup", "server is restoring from a backup"},
		{"backup_restore_failed",
		 "your server has failed to restore a backup"},
	};
	size_t i;

	if (s->suspended && !req->principal->user.admin)
		return "server is suspended";
	if (s->transferring)
		return "server is being transferred";
	for (i = 0; s->status != NULL && i < sizeof(states) / sizeof(states[0]);
	     i++)
		if (strcmp(s->status, states[i].status) == 0)
			return states[i].msg;
	return NULL;
}

bool
server_gate(struct req *req, const char *ident, bool exempt_state,
	    struct server *out)
{
	const char *msg;
	struct db_res res;
	enum perr e;

	memset(out, 0, sizeof(*out));
	if (!find(req, ident, &res, &e)) {
		if (e == PERR_NOENT)
			response_error(req, 404, "server not found");
		else
			response_fail(req, e);
		return false;
	}
	out->uuid = arena_strdup(&req->arena, cell(&res, 0, C_UUID));
	out->owner_uuid = arena_strdup(&req->arena, cell(&res, 0, C_OWNER));
	out->node_uuid = arena_strdup(&req->arena, cell(&res, 0, C_NODE_UUID));
	out->status =
		cell(&res, 0, C_STATUS)
			? arena_strdup(&req->arena, cell(&res, 0, C_STATUS))
			: NULL;
	out->uuid_short =
		(unsigned)strtol(cell(&res, 0, C_UUID_SHORT), NULL, 10);
	out->suspended = truth(&res, 0, C_SUSPENDED);
	out->transferring = truth(&res, 0, C_TRANSFERRING);
	out->is_owner = strcmp(out->owner_uuid, req->principal->user.uuid) == 0;
	out->subuser_permissions = subuser_perms(req, &res, 0);
	out->json = req_own(req, server_client_json(req, &res, 0));
	db_res_free(&res);
	if (!out->is_owner && out->subuser_permissions == NULL &&
	    !server_sees_all(req)) {
		response_error(req, 404, "server not found");
		return false;
	}
	if (!exempt_state && (msg = state_conflict(req, out)) != NULL) {
		response_error(req, 409, msg);
		return false;
	}
	return true;
}

bool
server_has_permission(const struct req *req, const struct server *s,
		      const char *perm)
{
	const struct principal *p = req->principal;
	struct perm_list role = {p->user.role_server_permissions};
	struct perm_list sub = {s->subuser_permissions};
	struct perm_list key = {p->key_server};

	if (!p->user.admin && !perm_list_has(&role, perm) && !s->is_owner &&
	    (s->subuser_permissions == NULL || !perm_list_has(&sub, perm)))
		return false;
	return p->method != AUTH_APIKEY || perm_list_has(&key, perm);
}

bool
server_permission(struct req *req, const struct server *s, const char *perm)
{
	return server_has_permission(req, s, perm) || gate_deny(req, perm);
}
