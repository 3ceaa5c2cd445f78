/*
 * handler_servers.c: /api/client/servers (contract 7.1, 7.2, 7.5). Client
 * gate; the list needs the user permission servers.read, a single server
 * the server gate (server.c), power actions a server permission and the
 * node's daemon.
 */
#include "autoconf.h"

#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "daemon.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "server.h"

/*
 * GET /api/client/servers?page&per_page&search&other. Checks: pagination,
 * then servers.read. other=true lists the servers the caller neither owns
 * nor is a subuser of, when has_admin_permission(servers.read) holds; else
 * (silently) the caller's own.
 */
static void
handle_list(struct req *req)
{
	struct db_arg args[8];
	const char *other = NULL;
	struct page pg;
	enum perr e;
	bool others;
	int i;

	if (!page_parse(req, &pg))
		return;
	e = req_query(req, "other", &other);
	if (e == PERR_OK && strcmp(other, "true") != 0 &&
	    strcmp(other, "false") != 0)
		e = PERR_INVAL;
	if (e == PERR_INVAL) {
		response_error(req, 400,
			       "Failed to deserialize query string: other: "
			       "provided string was not `true` or `false`");
		return;
	}
	if (!gate_user_permission(req, "servers.read"))
		return;
	others = e == PERR_OK && strcmp(other, "true") == 0 &&
		 gate_has_admin_permission(req, "servers.read");
	args[0] = DB_STR(req->principal->user.uuid);
	args[1] = DB_STR(req->principal->user.uuid);
	for (i = 2; i < 6; i++)
		args[i] = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg,
		    others ? STMT_SERVER_LIST_OTHER : STMT_SERVER_LIST_MINE,
		    args, 8, "servers", server_client_json);
}

static struct json_object *
egg_row(struct req *req, const struct db_res *res, size_t row)
{
	return server_egg_json(req, res, row, 0);
}

/*
 * GET /api/client/servers/eggs (contract-extra 3.3): the distinct eggs of
 * the servers the caller owns or is a subuser of (of every server for one
 * who may see all); pagination, then servers.read. Search on the name.
 */
static void
handle_eggs(struct req *req)
{
	struct db_arg args[6], *a = args;
	bool all = server_sees_all(req);
	struct page pg;

	if (!page_parse(req, &pg) || !gate_user_permission(req, "servers.read"))
		return;
	if (!all) {
		*a++ = DB_STR(req->principal->user.uuid);
		*a++ = DB_STR(req->principal->user.uuid);
	}
	*a++ = DB_STR_OR_NULL(pg.search);
	*a++ = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg,
		    all ? STMT_CLIENT_EGGS_ALL : STMT_CLIENT_EGGS_MINE, args,
		    (size_t)(a - args) + 2, "nest_eggs", egg_row);
}

/* GET /api/client/servers/{server}: the server gate without its state
 * checks, no permission. */
static void
handle_get(struct req *req)
{
	struct json_object *o;
	struct server s;

	if (!server_gate(req, req_path_param(req, "server"), true, &s))
		return;
	o = json_object_new_object();
	json_object_object_add(o, "server", json_object_get(s.json));
	response_json(req, 200, o);
}

static const struct jfield power_fields[] = {
	{"action", JF_STRING, false, false, 0, 0},
	{"signal", JF_STRING, false, false, 0, 0},
};

/*
 * POST /api/client/servers/{server}/power {"action": start|stop|restart|
 * kill} ("signal" is an alias). Server gate with its state checks, then
 * control.start / control.stop (stop, kill) / control.restart, then the
 * node's daemon (contract 11.2). Raises 400, 403, 404, 409, 502/504.
 */
static void
handle_power(struct req *req)
{
	static const char *const actions[][2] = {
		{"start", "control.start"},
		{"stop", "control.stop"},
		{"restart", "control.restart"},
		{"kill", "control.stop"},
	};
	const char *action = req_body_str(req, "action", NULL), *msg;
	struct json_object *body, *d;
	struct server s;
	size_t i;
	int status;

	if (action == NULL)
		action = req_body_str(req, "signal", NULL);
	if (action == NULL) {
		response_error(req, 400,
			       "invalid payload: missing field `action`");
		return;
	}
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(action, actions[i][0]) == 0)
			break;
	if (i == sizeof(actions) / sizeof(actions[0])) {
		response_error(req, 400,
			       arena_printf(&req->arena,
					    "invalid payload: unknown variant "
					    "`%s`, expected one of `start`, "
					    "`stop`, `restart`, `kill`",
					    action));
		return;
	}
	if (!server_gate(req, req_path_param(req, "server"), false, &s) ||
	    !server_permission(req, &s, actions[i][1]))
		return;
	body = json_object_new_object();
	json_object_object_add(body, "action", json_object_new_string(action));
	json_object_object_add(body, "wait_seconds", NULL);
	if (!daemon_call(
		    req, s.node_uuid, "POST",
		    arena_printf(&req->arena, "/api/servers/%s/power", s.uuid),
		    body, &status, &msg)) {
		response_error(req, status, msg);
		return;
	}
	d = json_object_new_object();
	json_object_object_add(d, "action", json_object_new_string(action));
	activity_server(req, s.uuid, s.is_owner || s.subuser_permissions,
			"server:power.action", d);
	response_json(req, 200, json_object_new_object());
}

#define NF(t) (sizeof(t) / sizeof((t)[0]))

static const struct route routes[] = {
	{"GET", "/api/client/servers", GATE_CLIENT, NULL, BODY_NONE, NULL, 0,
	 handle_list, 0},
	{"GET", "/api/client/servers/eggs", GATE_CLIENT, NULL, BODY_NONE, NULL,
	 0, handle_eggs, 0},
	{"GET", "/api/client/servers/{server}", GATE_CLIENT, NULL, BODY_NONE,
	 NULL, 0, handle_get, 0},
	{"POST", "/api/client/servers/{server}/power", GATE_CLIENT, NULL,
	 BODY_DEFAULT_MAX, power_fields, NF(power_fields), handle_power, 0},
};

const struct route_group handler_servers_group = {routes, NF(routes)};
