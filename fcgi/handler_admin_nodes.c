/*
 * handler_admin_nodes.c: /api/admin/nodes (contract 8.4, 3.9, 12.3).
 * Client gate, admin gate, then the admin permissions nodes.*.
 *
 * Order of checks as the contract gives it: the list validates the
 * pagination before nodes.read; the {node} sub-gate answers 400 for a
 * malformed uuid, then checks nodes.read, then 404; creates and updates
 * check the route permission before the field rules.
 *
 * Beyond the real panel: a location_uuid that names no location is the
 * 400 invalid relation `location` on create too (the panel answers 500),
 * and the daemon token is shown only in the create and reset-token
 * answers: GET .../token answers 409. The token is generated here, kept
 * sealed in nodes.token (node.c) and wiped from memory after use.
 */
#include "autoconf.h"

#include <stdint.h>
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

/* name, type, required on create, clearable on update, min, max (contract
 * 8.4's table; the row order is the statements' column order) */
#define NODE_FIELDS(X)                                                         \
	X("location_uuid", JF_STRING, true, false, 0, 0)                       \
	X("backup_configuration_uuid", JF_STRING, false, true, 0, 0)           \
	X("name", JF_STRING, true, false, 1, 255)                              \
	X("description", JF_STRING, false, true, 1, 1024)                      \
	X("deployment_enabled", JF_BOOL, true, false, 0, 0)                    \
	X("maintenance_enabled", JF_BOOL, true, false, 0, 0)                   \
	X("public_url", JF_STRING, false, true, 3, 255)                        \
	X("url", JF_STRING, true, false, 3, 255)                               \
	X("sftp_host", JF_STRING, false, true, 3, 255)                         \
	X("sftp_port", JF_INT, true, false, 1, 65535)                          \
	X("memory", JF_INT, true, false, 0, INT64_MAX)                         \
	X("disk", JF_INT, true, false, 0, INT64_MAX)

static const struct jfield create_types[] = {NODE_FIELDS(NODE_JF_CREATE_TYPE)};
static const struct jfield create_rules[] = {NODE_FIELDS(NODE_JF_CREATE_RULE)};
static const struct jfield update_types[] = {NODE_FIELDS(NODE_JF_UPDATE_TYPE)};
static const struct jfield update_rules[] = {NODE_FIELDS(NODE_JF_UPDATE_RULE)};
static const char *const uuid_fields[] = {"location_uuid",
					  "backup_configuration_uuid", NULL};
static const char *const url_fields[] = {"public_url", "url", NULL};

/* The activity data of node:create and node:update (the node after the
 * change, as the panel logs it) from its Node object. */
static struct json_object *
activity_data(struct json_object *node)
{
	static const char *const keys[] = {"name",
					   "description",
					   "deployment_enabled",
					   "maintenance_enabled",
					   "public_url",
					   "url",
					   "sftp_host",
					   "sftp_port",
					   "memory",
					   "disk"};
	struct json_object *d = json_object_new_object(), *v, *loc;
	size_t i;

	json_object_object_get_ex(node, "uuid", &v);
	ADD(d, "uuid", json_object_get(v));
	json_object_object_get_ex(node, "location", &loc);
	json_object_object_get_ex(loc, "uuid", &v);
	ADD(d, "location_uuid", json_object_get(v));
	for (i = 0; i < NF(keys); i++) {
		json_object_object_get_ex(node, keys[i], &v);
		ADD(d, keys[i], json_object_get(v));
	}
	return d;
}

/* The Node object of node uuid (new), or NULL after setting the 500. */
static struct json_object *
load_node(struct req *req, const char *uuid)
{
	struct db_arg args[1] = {DB_STR(uuid)};
	struct json_object *o;
	struct db_res res;
	enum perr e;

	e = db_exec(req->db, STMT_NODE_GET, args, 1, &res);
	if (e != PERR_OK || res.nrows != 1) {
		if (e == PERR_OK)
			db_res_free(&res);
		response_fail(req, e == PERR_OK ? PERR_DB : e);
		return NULL;
	}
	o = node_json(req, &res, 0, 0);
	db_res_free(&res);
	return o;
}

/* Adds "token_id" and "token" of pair to o. */
static void
add_token(struct json_object *o, const struct node_token_pair *pair)
{
	ADD(o, "token_id", json_object_new_string(pair->id));
	ADD(o, "token", json_object_new_string(pair->token));
}

static void
answer_write_error(struct req *req, enum perr e)
{
	if (e == PERR_CONFLICT)
		response_error(req, 409, "node with name already exists");
	else
		response_fail(req, e);
}

/* GET /api/admin/nodes?page&per_page&search: pagination, then perm
 * nodes.read. Search on the name, oldest first.
 * {"nodes": Pagination<Node>} */
static void
handle_list(struct req *req)
{
	node_page_list(req, "nodes.read", STMT_NODE_LIST, NULL, "nodes",
		       node_page_row);
}

/* Inserts node uuid with its token; PERR_NOENT when the location does not
 * exist (the statement inserts nothing then). */
static enum perr
insert_node(struct req *req, const char *uuid,
	    const struct node_token_pair *pair)
{
	struct db_arg args[1 + NF(create_rules) + 3];
	struct db_res res;
	enum perr e;
	size_t i;

	args[0] = DB_STR(uuid);
	for (i = 0; i < NF(create_rules); i++)
		args[1 + i] = node_body_arg(req, &create_rules[i]);
	args[1 + i] = DB_STR(pair->id);
	args[2 + i] = DB_BIN(pair->sealed, sizeof(pair->sealed));
	args[3 + i] = args[1]; /* the location, which must exist */
	e = db_exec(req->db, STMT_NODE_INSERT, args, NF(args), &res);
	if (e == PERR_OK && res.affected == 0)
		e = PERR_NOENT;
	return e;
}

/* POST /api/admin/nodes. UUID fields (invalid payload), perm
 * nodes.create, the rules (400), the relations (400), 409 node with name
 * already exists. {"node": Node, "token_id": ..., "token": ...} */
static void
handle_create(struct req *req)
{
	struct node_token_pair pair;
	char uuid[CRYPTO_UUID_BUFSZ];
	struct json_object *node, *o;
	enum perr e;

	if (!node_body_checks(req, "nodes.create", create_rules,
			      NF(create_rules), uuid_fields, url_fields))
		return;
	crypto_uuid_v4(uuid);
	if (!node_token_new(req, uuid, &pair)) {
		crypto_wipe(&pair, sizeof(pair));
		response_fail(req, PERR_SYS);
		return;
	}
	e = insert_node(req, uuid, &pair);
	if (e == PERR_NOENT)
		response_error(req, 400,
			       "invalid relation `location` provided");
	else if (e != PERR_OK)
		answer_write_error(req, e);
	else if ((node = load_node(req, uuid)) != NULL) {
		activity_admin(req, "node:create", activity_data(node));
		o = json_object_new_object();
		ADD(o, "node", node);
		add_token(o, &pair);
		response_json(req, 200, o);
	}
	crypto_wipe(&pair, sizeof(pair));
}

/* GET /api/admin/nodes/{node}: the sub-gate (400, nodes.read, 404).
 * {"node": Node} */
static void
handle_get(struct req *req)
{
	struct json_object *o;
	struct db_res res;
	const char *uuid;

	if (!node_node_gate(req, &res, &uuid))
		return;
	o = json_object_new_object();
	ADD(o, "node", node_json(req, &res, 0, 0));
	db_res_free(&res);
	response_json(req, 200, o);
}

/* Runs the update in a transaction that holds a sent location (shared
 * lock) until the node points at it; PERR_NOENT when it does not exist. */
static enum perr
update_node(struct req *req, const char *uuid)
{
	struct db_arg args[2 * NF(update_rules) + 1], loc[1];
	struct db_res res;
	enum perr e;

	node_patch_args(req, update_rules, NF(update_rules), args);
	args[NF(args) - 1] = DB_STR(uuid);
	e = db_tx_begin(req->db);
	if (e != PERR_OK)
		return e;
	if (args[0].i) { /* location_uuid sent */
		loc[0] = args[1];
		e = db_exec(req->db, STMT_LOCATION_LOCK, loc, 1, &res);
		if (e == PERR_OK) {
			if (res.nrows != 1)
				e = PERR_NOENT;
			db_res_free(&res);
		}
	}
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_NODE_UPDATE, args, NF(args), NULL);
	e = db_tx_end(req->db, e);
	return e;
}

/* PATCH /api/admin/nodes/{node}: the sub-gate, UUID fields, perm
 * nodes.update, the rules, the relations, 409. description, public_url,
 * sftp_host and backup_configuration_uuid are clearable. {} */
static void
handle_update(struct req *req)
{
	struct json_object *node;
	const char *uuid;
	enum perr e;

	if (!node_node_gate(req, NULL, &uuid) ||
	    !node_body_checks(req, "nodes.update", update_rules,
			      NF(update_rules), uuid_fields, url_fields))
		return;
	e = update_node(req, uuid);
	if (e == PERR_NOENT) {
		response_error(req, 400,
			       "invalid relation `location` provided");
		return;
	}
	if (e != PERR_OK) {
		answer_write_error(req, e);
		return;
	}
	node = load_node(req, uuid);
	if (node == NULL)
		return;
	activity_admin(req, "node:update", activity_data(node));
	json_object_put(node);
	response_json(req, 200, json_object_new_object());
}

/* DELETE /api/admin/nodes/{node}: the sub-gate, perm nodes.delete, 400
 * node has servers, cannot delete (a server on it, or moving to it). The
 * node's allocations go with it. {} */
static void
handle_delete(struct req *req)
{
	static const struct node_delete del = {
		"nodes.delete",
		STMT_NODE_DELETE,
		3,
		400,
		"node has servers, cannot delete",
		"node:delete"};
	struct db_res res;
	const char *uuid, *name;

	if (!node_node_gate(req, &res, &uuid))
		return;
	name = arena_strdup(&req->arena, db_cell(&res, 0, 1 + LOCATION_NCOLS));
	db_res_free(&res);
	node_guarded_delete(req, &del, uuid, name);
}

/* GET /api/admin/nodes/{node}/token: the sub-gate, perm nodes.read-token,
 * then always 409: the token is shown when it is created or reset only. */
static void
handle_token(struct req *req)
{
	const char *uuid;

	if (!node_node_gate(req, NULL, &uuid) ||
	    !gate_admin_permission(req, "nodes.read-token"))
		return;
	response_error(req, 409,
		       "node token is shown only when it is created or reset");
}

/* POST /api/admin/nodes/{node}/reset-token: the sub-gate, perm
 * nodes.reset-token. A new pair replaces the old one at once.
 * {"token_id": ..., "token": ...} */
static void
handle_reset_token(struct req *req)
{
	struct node_token_pair pair;
	struct json_object *d, *o;
	struct db_arg args[3];
	const char *uuid;
	enum perr e;

	if (!node_node_gate(req, NULL, &uuid) ||
	    !gate_admin_permission(req, "nodes.reset-token"))
		return;
	if (!node_token_new(req, uuid, &pair)) {
		crypto_wipe(&pair, sizeof(pair));
		response_fail(req, PERR_SYS);
		return;
	}
	args[0] = DB_STR(pair.id);
	args[1] = DB_BIN(pair.sealed, sizeof(pair.sealed));
	args[2] = DB_STR(uuid);
	e = db_exec(req->db, STMT_NODE_TOKEN_SET, args, 3, NULL);
	if (e != PERR_OK) {
		response_fail(req, e);
	} else {
		d = json_object_new_object();
		ADD(d, "node_uuid", json_object_new_string(uuid));
		activity_admin(req, "node:reset-token", d);
		o = json_object_new_object();
		add_token(o, &pair);
		response_json(req, 200, o);
	}
	crypto_wipe(&pair, sizeof(pair));
}

#ifdef PANEL_TEST_ROUTES
/* GET /api/test/node-token/{node} (test builds only): what node_daemon
 * opens from the stored token, so the tests can check the seal round trip
 * against the reset-token answer. Perm nodes.read-token.
 * {"token": ..., "url": ...} or 404. */
static void
handle_test_token(struct req *req)
{
	char token[NODE_TOKEN_LEN + 1];
	const char *uuid = req_path_uuid(req, "node", 404, "node not found");
	const char *url;
	struct json_object *o;

	if (uuid == NULL)
		return;
	if (!node_daemon(req, uuid, token, &url)) {
		response_error(req, 404, "node not found");
		return;
	}
	o = json_object_new_object();
	ADD(o, "token", json_object_new_string(token));
	ADD(o, "url", json_object_new_string(url));
	crypto_wipe(token, sizeof(token));
	response_json(req, 200, o);
}
#endif

#define NODES "/api/admin/nodes"
#define NODE NODES "/{node}"

/* Permissions are checked in the handlers, in the contract's order. */
static const struct route routes[] = {
	{"GET", NODES, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_list, 0},
	{"POST", NODES, GATE_ADMIN, NULL, BODY_DEFAULT_MAX, create_types,
	 NF(create_types), handle_create, 0},
	{"GET", NODE, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_get, 0},
	{"PATCH", NODE, GATE_ADMIN, NULL, BODY_DEFAULT_MAX, update_types,
	 NF(update_types), handle_update, 0},
	{"DELETE", NODE, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_delete,
	 0},
	{"GET", NODE "/token", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_token, 0},
	{"POST", NODE "/reset-token", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_reset_token, 0},
#ifdef PANEL_TEST_ROUTES
	{"GET", "/api/test/node-token/{node}", GATE_ADMIN, "nodes.read-token",
	 BODY_NONE, NULL, 0, handle_test_token, 0},
#endif
};

const struct route_group handler_admin_nodes_group = {routes, NF(routes)};
