/*
 * handler_admin_locations.c: /api/admin/locations (contract 8.3, 3.8,
 * 12.3; contract-extra 5.3). Client gate, admin gate, then the admin
 * permissions locations.* (nodes.read for a location's nodes).
 *
 * Order of checks as the contract gives it: list routes validate the
 * pagination before the permission; the {location} sub-gate answers 400
 * for a malformed uuid, then checks locations.read, then 404; creates and
 * updates check the route permission before the field rules. The body's
 * JSON types are checked first of all, by the router.
 */
#include "autoconf.h"

#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "node.h"
#include "page.h"
#include "request.h"
#include "response.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define NF(t) (sizeof(t) / sizeof((t)[0]))

/* name, type, required on create, clearable on update, min, max */
#define LOCATION_FIELDS(X)                                                     \
	X("backup_configuration_uuid", JF_STRING, false, true, 0, 0)           \
	X("name", JF_STRING, true, false, 1, 255)                              \
	X("description", JF_STRING, false, true, 1, 1024)                      \
	X("flag", JF_STRING, false, true, 2, 2)

static const struct jfield create_types[] = {
	LOCATION_FIELDS(NODE_JF_CREATE_TYPE)};
static const struct jfield create_rules[] = {
	LOCATION_FIELDS(NODE_JF_CREATE_RULE)};
static const struct jfield update_types[] = {
	LOCATION_FIELDS(NODE_JF_UPDATE_TYPE)};
static const struct jfield update_rules[] = {
	LOCATION_FIELDS(NODE_JF_UPDATE_RULE)};
static const char *const uuid_fields[] = {"backup_configuration_uuid", NULL};

/* The activity data of create and update: {uuid, name, description} of
 * the location row res (after the change). */
static struct json_object *
activity_data(const struct db_res *res)
{
	struct json_object *d = json_object_new_object();

	ADD(d, "uuid", json_str_or_null(db_cell(res, 0, 0)));
	ADD(d, "name", json_str_or_null(db_cell(res, 0, 1)));
	ADD(d, "description", json_str_or_null(db_cell(res, 0, 2)));
	return d;
}

/*
 * Reads location uuid after a change, writes the activity event and
 * answers {"location": Location} (create) or {} (update).
 */
static void
answer_changed(struct req *req, const char *uuid, const char *event, bool show)
{
	struct db_arg args[1] = {DB_STR(uuid)};
	struct json_object *o;
	struct db_res res;
	enum perr e;

	e = db_exec(req->db, STMT_LOCATION_GET, args, 1, &res);
	if (e != PERR_OK || res.nrows != 1) {
		if (e == PERR_OK)
			db_res_free(&res);
		response_fail(req, e == PERR_OK ? PERR_DB : e);
		return;
	}
	activity_admin(req, event, activity_data(&res));
	o = json_object_new_object();
	if (show)
		ADD(o, "location", node_location_json(&res, 0, 0));
	db_res_free(&res);
	response_json(req, 200, o);
}

/* The answer to a failed insert or update. */
static void
answer_write_error(struct req *req, enum perr e)
{
	if (e == PERR_CONFLICT)
		response_error(req, 409, "location with name already exists");
	else
		response_fail(req, e);
}

static struct json_object *
location_row(struct req *req, const struct db_res *res, size_t row)
{
	(void)req;
	return node_location_json(res, row, 0);
}

/* GET /api/admin/locations?page&per_page&search: pagination, then perm
 * locations.read. Search on the name, oldest first.
 * {"locations": Pagination<Location>} */
static void
handle_list(struct req *req)
{
	node_page_list(req, "locations.read", STMT_LOCATION_LIST, NULL,
		       "locations", location_row);
}

/* POST /api/admin/locations. Perm locations.create, then the rules (400),
 * the backup configuration relation (400), 409 location with name already
 * exists. {"location": Location} */
static void
handle_create(struct req *req)
{
	struct db_arg args[1 + NF(create_rules)];
	char uuid[CRYPTO_UUID_BUFSZ];
	size_t i;
	enum perr e;

	if (!node_body_checks(req, "locations.create", create_rules,
			      NF(create_rules), uuid_fields, NULL))
		return;
	crypto_uuid_v4(uuid);
	args[0] = DB_STR(uuid);
	for (i = 0; i < NF(create_rules); i++)
		args[1 + i] = node_body_arg(req, &create_rules[i]);
	e = db_exec(req->db, STMT_LOCATION_INSERT, args, NF(args), NULL);
	if (e != PERR_OK) {
		answer_write_error(req, e);
		return;
	}
	answer_changed(req, uuid, "location:create", true);
}

/* GET /api/admin/locations/{location}: the sub-gate (400, locations.read,
 * 404). {"location": Location} */
static void
handle_get(struct req *req)
{
	struct json_object *o;
	struct db_res res;
	const char *uuid;

	if (!node_location_gate(req, &res, &uuid))
		return;
	o = json_object_new_object();
	ADD(o, "location", node_location_json(&res, 0, 0));
	db_res_free(&res);
	response_json(req, 200, o);
}

/* PATCH /api/admin/locations/{location}: the sub-gate, then perm
 * locations.update, the rules, the relation, 409. description, flag and
 * backup_configuration_uuid are clearable. {} */
static void
handle_update(struct req *req)
{
	struct db_arg args[2 * NF(update_rules) + 1];
	const char *uuid;
	enum perr e;

	if (!node_location_gate(req, NULL, &uuid) ||
	    !node_body_checks(req, "locations.update", update_rules,
			      NF(update_rules), uuid_fields, NULL))
		return;
	node_patch_args(req, update_rules, NF(update_rules), args);
	args[NF(args) - 1] = DB_STR(uuid);
	e = db_exec(req->db, STMT_LOCATION_UPDATE, args, NF(args), NULL);
	if (e != PERR_OK) {
		answer_write_error(req, e);
		return;
	}
	answer_changed(req, uuid, "location:update", false);
}

/* DELETE /api/admin/locations/{location}: the sub-gate, perm
 * locations.delete, 409 location has nodes, cannot delete. {} */
static void
handle_delete(struct req *req)
{
	static const struct node_delete del = {
		"locations.delete",
		STMT_LOCATION_DELETE,
		2,
		409,
		"location has nodes, cannot delete",
		"location:delete"};
	struct db_res res;
	const char *uuid, *name;

	if (!node_location_gate(req, &res, &uuid))
		return;
	name = arena_strdup(&req->arena, db_cell(&res, 0, 1));
	db_res_free(&res);
	node_guarded_delete(req, &del, uuid, name);
}

/* GET /api/admin/locations/{location}/nodes: the sub-gate, pagination,
 * perm nodes.read. The location's nodes, search on the name, oldest
 * first. {"nodes": Pagination<Node>} */
static void
handle_nodes(struct req *req)
{
	const char *uuid;

	if (node_location_gate(req, NULL, &uuid))
		node_page_list(req, "nodes.read", STMT_NODE_LIST, uuid, "nodes",
			       node_page_row);
}

#define LOCATIONS "/api/admin/locations"
#define LOCATION LOCATIONS "/{location}"

/* Permissions are checked in the handlers, in the contract's order. */
static const struct route routes[] = {
	{"GET", LOCATIONS, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_list,
	 0},
	{"POST", LOCATIONS, GATE_ADMIN, NULL, BODY_DEFAULT_MAX, create_types,
	 NF(create_types), handle_create, 0},
	{"GET", LOCATION, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_get, 0},
	{"PATCH", LOCATION, GATE_ADMIN, NULL, BODY_DEFAULT_MAX, update_types,
	 NF(update_types), handle_update, 0},
	{"DELETE", LOCATION, GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_delete, 0},
	{"GET", LOCATION "/nodes", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_nodes, 0},
};

const struct route_group handler_admin_locations_group = {routes, NF(routes)};
