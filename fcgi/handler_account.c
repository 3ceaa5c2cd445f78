/*
 * handler_account.c: the caller's own account (contract 5.1, 5.9, 5.11)
 * and the permission catalogue (6.1). Client gate.
 */
#include "autoconf.h"

#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "activity.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "page.h"
#include "perm.h"
#include "request.h"
#include "response.h"
#include "session.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

/* GET /api/client/account: {"user": FullUser}. Exempt from suspension and
 * the two-factor requirement. */
static void
handle_account(struct req *req)
{
	const struct principal *p = req->principal;
	struct json_object *o = json_object_new_object();

	ADD(o, "user", user_full_json(&p->user, p->require_two_factor));
	response_json(req, 200, o);
}

/* POST /api/client/account/logout: ends the session, clears the cookie.
 * Raises 400 for API-key callers. */
static void
handle_logout(struct req *req)
{
	const struct principal *p = req->principal;
	struct json_object *d;
	struct db_arg args[1];
	enum perr e;

	if (p->method != AUTH_SESSION) {
		response_error(req, 400,
			       "unable to log out when not using "
			       "session authentication");
		return;
	}
	args[0] = DB_STR(p->cred_uuid);
	e = db_exec(req->db, STMT_SESSION_DELETE, args, 1, NULL);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	d = json_object_new_object();
	ADD(d, "user_agent", json_object_new_string(req_user_agent(req)));
	activity_log(req, p->user.uuid, "auth:logout", d);
	session_set_cookie(req, "", time(NULL) + 2);
	response_json(req, 200, json_object_new_object());
}

/* GET /api/client/permissions: the three permission maps. */
static void
handle_permissions(struct req *req)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "user_permissions", perm_map_json(PERM_USER));
	ADD(o, "admin_permissions", perm_map_json(PERM_ADMIN));
	ADD(o, "server_permissions", perm_map_json(PERM_SERVER));
	response_json(req, 200, o);
}

/* One UserSession (contract 3.6) of STMT_SESSION_LIST. */
static struct json_object *
session_json(struct req *req, const struct db_res *res, size_t i)
{
	const struct principal *p = req->principal;
	struct json_object *s = json_object_new_object();
	const char *uuid = db_cell(res, i, 0);

	ADD(s, "uuid", json_str_or_null(uuid));
	ADD(s, "ip", json_str_or_null(db_cell(res, i, 1)));
	ADD(s, "user_agent", json_str_or_null(db_cell(res, i, 2)));
	ADD(s, "is_using",
	    json_object_new_boolean(p->method == AUTH_SESSION && uuid != NULL &&
				    strcmp(uuid, p->cred_uuid) == 0));
	ADD(s, "last_used", json_ts_or_null(db_cell(res, i, 3)));
	ADD(s, "created", json_ts_or_null(db_cell(res, i, 4)));
	return s;
}

/* GET /api/client/account/sessions: paginated, newest first, search on
 * the user agent. Perm sessions.read. */
static void
handle_sessions(struct req *req)
{
	page_list(req, STMT_SESSION_LIST, req->principal->user.uuid, "sessions",
		  session_json);
}

/* DELETE /api/client/account/sessions: every session but the current one.
 * Perm sessions.delete. {"deleted": n} */
static void
handle_sessions_delete_all(struct req *req)
{
	const struct principal *p = req->principal;
	struct json_object *o, *d;
	struct db_arg args[2];
	struct db_res res;
	enum perr e;

	args[0] = DB_STR(p->user.uuid);
	args[1] = DB_STR(p->method == AUTH_SESSION ? p->cred_uuid : "");
	e = db_exec(req->db, STMT_SESSION_DELETE_OTHERS, args, 2, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	d = json_object_new_object();
	ADD(d, "deleted", json_object_new_int64((int64_t)res.affected));
	activity_log(req, p->user.uuid, "session:delete-all", d);
	o = json_object_new_object();
	ADD(o, "deleted", json_object_new_int64((int64_t)res.affected));
	response_json(req, 200, o);
}

/* DELETE /api/client/account/sessions/{session}. Perm sessions.delete.
 * Raises 400 Invalid URL, 404 session not found. */
static void
handle_session_delete(struct req *req)
{
	const struct principal *p = req->principal;
	struct json_object *d;
	struct db_arg args[2];
	struct db_res res;
	char uuid[37];
	enum perr e;

	if (!uuid_normalize(req_path_param(req, "session"), uuid)) {
		response_error(req, 400,
			       "Invalid URL: invalid UUID in {session}");
		return;
	}
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(p->user.uuid);
	e = db_exec(req->db, STMT_SESSION_GET_OWNED, args, 2, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (res.nrows != 1) {
		db_res_free(&res);
		response_error(req, 404, "session not found");
		return;
	}
	d = json_object_new_object();
	ADD(d, "uuid", json_object_new_string(uuid));
	ADD(d, "user_agent", json_str_or_null(db_cell(&res, 0, 2)));
	ADD(d, "ip", json_str_or_null(db_cell(&res, 0, 1)));
	db_res_free(&res);
	e = db_exec(req->db, STMT_SESSION_DELETE, args, 1, NULL);
	if (e != PERR_OK) {
		json_object_put(d);
		response_fail(req, e);
		return;
	}
	activity_log(req, p->user.uuid, "session:delete", d);
	response_json(req, 200, json_object_new_object());
}

#define EXEMPT (ROUTE_EXEMPT_SUSPENDED | ROUTE_EXEMPT_TWO_FACTOR)

static const struct route routes[] = {
	{"GET", "/api/client/account", GATE_CLIENT, NULL, BODY_NONE, NULL, 0,
	 handle_account, EXEMPT},
	{"POST", "/api/client/account/logout", GATE_CLIENT, NULL, BODY_NONE,
	 NULL, 0, handle_logout, EXEMPT},
	{"GET", "/api/client/permissions", GATE_CLIENT, NULL, BODY_NONE, NULL,
	 0, handle_permissions, 0},
	{"GET", "/api/client/account/sessions", GATE_CLIENT, "sessions.read",
	 BODY_NONE, NULL, 0, handle_sessions, 0},
	{"DELETE", "/api/client/account/sessions", GATE_CLIENT,
	 "sessions.delete", BODY_NONE, NULL, 0, handle_sessions_delete_all, 0},
	{"DELETE", "/api/client/account/sessions/{session}", GATE_CLIENT,
	 "sessions.delete", BODY_NONE, NULL, 0, handle_session_delete, 0},
};

const struct route_group handler_account_group = {
	routes, sizeof(routes) / sizeof(routes[0])};
