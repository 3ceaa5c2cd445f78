/*
 * handler_groups.c: the caller's server groups, /api/client/servers/groups
 * (contract-extra 4, 7.2, 8.2, 9). Client gate, no server gate; user
 * permissions servers.read (list, view), servers.create, servers.update
 * (edit, reorder), servers.delete. The checks run in the contract's order,
 * so the permission is checked in the handlers, after the body's parse.
 *
 * The routes sit beside /api/client/servers/{server}; the router takes the
 * first row that matches, so this group must come before
 * handler_servers_group for GET .../groups to arrive here.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "page.h"
#include "peruser.h"
#include "request.h"
#include "response.h"
#include "server.h"
#include "user.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define NF(t) (sizeof(t) / sizeof((t)[0]))
#define NOT_FOUND "server group not found"
#define BAD_PATH "Invalid URL: invalid UUID in {server_group}"

/* UserServerGroup (contract-extra 7.2) from a GROUP_COLS row. */
static struct json_object *
group_json(const struct db_res *res, size_t row)
{
	struct json_object *o = json_object_new_object();
	const char *order = db_cell(res, row, 2);

	ADD(o, "uuid", json_str_or_null(db_cell(res, row, 0)));
	ADD(o, "name", json_str_or_null(db_cell(res, row, 1)));
	ADD(o, "order",
	    json_object_new_int64(order ? strtoll(order, NULL, 10) : 0));
	ADD(o, "server_order", json_array_or_empty(db_cell(res, row, 3)));
	ADD(o, "created", json_ts_or_null(db_cell(res, row, 4)));
	return o;
}

/* {uuid, name, server_order}: the data of create and update. */
static struct json_object *
activity_data(const char *uuid, const char *name, struct json_object *order)
{
	struct json_object *d = json_object_new_object();

	ADD(d, "uuid", json_object_new_string(uuid));
	ADD(d, "name", json_object_new_string(name));
	if (order != NULL)
		ADD(d, "server_order", json_object_get(order));
	return d;
}

static const char *
json_text(struct json_object *o)
{
	return json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* GET /api/client/servers/groups. Perm servers.read. {"server_groups":
 * [...]} by order, then age. */
static void
handle_list(struct req *req)
{
	struct db_arg args[1] = {DB_STR(req->principal->user.uuid)};

	peruser_list(req, STMT_GROUP_LIST, args, 1, "server_groups",
		     group_json);
}

/* Body types only: the rules are the model's, checked after the
 * permission (and, on create, after the limit). */
static const struct jfield create_types[] = {
	{"name", JF_STRING, true, false, 0, 0},
	{"server_order", JF_STRING_ARRAY, true, false, 0, INT32_MAX},
};
static const struct jfield update_types[] = {
	{"name", JF_STRING, false, false, 0, 0},
	{"server_order", JF_STRING_ARRAY, false, false, 0, INT32_MAX},
};
static const struct jfield rules[] = {
	{"name", JF_STRING, false, false, 2, 31},
	{"server_order", JF_STRING_ARRAY, false, false, 0, 100},
};
static const struct jfield order_types[] = {
	{"server_group_order", JF_STRING_ARRAY, true, false, 0, INT32_MAX},
};
static const struct jfield order_rules[] = {
	{"server_group_order", JF_STRING_ARRAY, true, false, 0, 25},
};

/*
 * POST /api/client/servers/groups {name, server_order}. Checks: body,
 * perm servers.create, 417 maximum number of user server groups reached,
 * model rules (400). New groups have order 0. {"server_group": ...}
 */
static void
handle_create(struct req *req)
{
	const char *user = req->principal->user.uuid;
	const char *name = json_object_get_string(peruser_field(req, "name"));
	struct json_object *order, *o;
	struct db_arg args[4];
	struct db_res res;
	char uuid[CRYPTO_UUID_BUFSZ];

	if (!peruser_uuids(req, "server_order", &order) ||
	    !gate_user_permission(req, "servers.create"))
		return;
	crypto_uuid_v4(uuid);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(user);
	args[2] = DB_STR(name);
	args[3] = DB_STR(json_text(order));
	if (!peruser_create(req,
			    &(struct peruser_insert){
				    STMT_GROUP_COUNT, STMT_GROUP_INSERT, args,
				    NF(args), "user::max_server_group_count",
				    25,
				    "maximum number of user server groups "
				    "reached",
				    rules, NF(rules), NULL}) ||
	    !peruser_load(req, STMT_GROUP_GET, uuid, NOT_FOUND, &res))
		return;
	o = json_object_new_object();
	ADD(o, "server_group", group_json(&res, 0));
	db_res_free(&res);
	activity_log(req, user, "user:server-group.create",
		     activity_data(uuid, name, order));
	response_json(req, 200, o);
}

/*
 * The group {server_group} of the caller after the path check and the
 * permission perm: its uuid (arena) and name (arena), and its stored
 * server_order (owned by the request) when order is not NULL. NULL with
 * the response set.
 */
static const char *
load_group(struct req *req, const char *perm, const char **name,
	   struct json_object **order)
{
	struct db_res res;
	const char *uuid = peruser_target(req, "server_group", perm,
					  STMT_GROUP_GET, NOT_FOUND, &res);

	if (uuid == NULL)
		return NULL;
	*name = arena_strdup(&req->arena, db_cell(&res, 0, 1));
	if (order != NULL)
		*order = user_json_array(req, db_cell(&res, 0, 3));
	db_res_free(&res);
	return uuid;
}

/* server_order without repeats (the first place of each counts), as JSON
 * text for the statement. */
static const char *
unique_order(struct req *req, struct json_object *order)
{
	struct json_object *seen = req_own(req, json_object_new_object());
	struct json_object *out = req_own(req, json_object_new_array());
	size_t i, n = json_object_array_length(order);

	for (i = 0; i < n; i++) {
		struct json_object *u = json_object_array_get_idx(order, i);
		const char *s = json_object_get_string(u);

		if (json_object_object_get_ex(seen, s, NULL))
			continue;
		ADD(seen, s, NULL);
		json_object_array_add(out, json_object_get(u));
	}
	return json_text(out);
}

/*
 * GET /api/client/servers/groups/{server_group}?page&per_page&search: the
 * group's servers that the caller can see, in the group's order. Checks:
 * path, pagination, perm servers.read, 404 server group not found.
 * {"servers": Pagination<Server>}
 */
static void
handle_servers(struct req *req)
{
	const char *user = req->principal->user.uuid, *name;
	struct json_object *order;
	struct db_arg args[10];
	struct page pg;
	int i;

	if (req_path_uuid(req, "server_group", 400, BAD_PATH) == NULL ||
	    !page_parse(req, &pg) ||
	    load_group(req, "servers.read", &name, &order) == NULL)
		return;
	args[0] = DB_STR(user);
	args[1] = DB_STR(unique_order(req, order));
	args[2] = DB_INT(server_sees_all(req) ? 1 : 0);
	args[3] = DB_STR(user);
	for (i = 4; i < 8; i++)
		args[i] = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg, STMT_GROUP_SERVERS, args, NF(args), "servers",
		    server_client_json);
}

/*
 * PATCH /api/client/servers/groups/{server_group} {name?, server_order?}.
 * Checks: path and body, perm servers.update, 404, model rules (400). {}
 */
static void
handle_update(struct req *req)
{
	struct json_object *order, *sent;
	const char *uuid, *name;
	struct db_arg args[4];

	if (req_path_uuid(req, "server_group", 400, BAD_PATH) == NULL ||
	    !peruser_uuids(req, "server_order", &sent))
		return;
	uuid = load_group(req, "servers.update", &name, &order);
	if (uuid == NULL || !peruser_validate(req, rules, NF(rules)))
		return;
	if (peruser_field(req, "name") != NULL)
		name = json_object_get_string(peruser_field(req, "name"));
	if (sent != NULL)
		order = sent;
	args[0] = DB_STR(name);
	args[1] = DB_STR(json_text(order));
	args[2] = DB_STR(uuid);
	args[3] = DB_STR(req->principal->user.uuid);
	peruser_change(req, STMT_GROUP_UPDATE, args, 4, NULL,
		       "user:server-group.update",
		       activity_data(uuid, name, order));
}

/* DELETE /api/client/servers/groups/{server_group}. Checks: path, perm
 * servers.delete, 404. {} */
static void
handle_delete(struct req *req)
{
	const char *uuid, *name;
	struct db_arg args[2];

	uuid = load_group(req, "servers.delete", &name, NULL);
	if (uuid == NULL)
		return;
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(req->principal->user.uuid);
	peruser_change(req, STMT_GROUP_DELETE, args, 2, NULL,
		       "user:server-group.delete",
		       activity_data(uuid, name, NULL));
}

/*
 * PUT /api/client/servers/groups/order {server_group_order: uuid[<=25]}.
 * Checks: body, rules (plain 400), perm servers.update. Each listed group
 * of the caller takes its 1-based place; others keep theirs. {}
 */
static void
handle_order(struct req *req)
{
	struct json_object *list, *d;
	struct db_arg args[2];

	if (!peruser_uuids(req, "server_group_order", &list) ||
	    !peruser_validate(req, order_rules, NF(order_rules)) ||
	    !gate_user_permission(req, "servers.update"))
		return;
	args[0] = DB_STR(json_text(list));
	args[1] = DB_STR(req->principal->user.uuid);
	d = json_object_new_object();
	ADD(d, "server_group_order", json_object_get(list));
	peruser_change(req, STMT_GROUP_ORDER, args, 2, NULL,
		       "user:server-group.update-order", d);
}

#define GROUPS "/api/client/servers/groups"

static const struct route routes[] = {
	{"GET", GROUPS, GATE_CLIENT, "servers.read", BODY_NONE, NULL, 0,
	 handle_list, 0},
	{"POST", GROUPS, GATE_CLIENT, NULL, BODY_DEFAULT_MAX, create_types,
	 NF(create_types), handle_create, 0},
	/* before {server_group} (contract-extra 4.6) */
	{"PUT", GROUPS "/order", GATE_CLIENT, NULL, BODY_DEFAULT_MAX,
	 order_types, NF(order_types), handle_order, 0},
	{"GET", GROUPS "/{server_group}", GATE_CLIENT, NULL, BODY_NONE, NULL, 0,
	 handle_servers, 0},
	{"PATCH", GROUPS "/{server_group}", GATE_CLIENT, NULL, BODY_DEFAULT_MAX,
	 update_types, NF(update_types), handle_update, 0},
	{"DELETE", GROUPS "/{server_group}", GATE_CLIENT, NULL, BODY_NONE, NULL,
	 0, handle_delete, 0},
};

const struct route_group handler_groups_group = {routes, NF(routes)};
