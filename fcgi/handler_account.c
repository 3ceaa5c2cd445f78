/*
 * handler_account.c: the caller's own account (contract 5.1, 5.9, 5.11)
 * and the permission catalogue (6.1). Client gate.
 */
#include "autoconf.h"

#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "activity.h"
#include "config.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "page.h"
#include "perm.h"
#include "request.h"
#include "row.h"
#include "response.h"
#include "session.h"
#include "settings.h"
#include "user.h"
#include "crypto.h"

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
	if (!row_one(req, STMT_SESSION_GET_OWNED, args, 2, "session not found",
		     &res))
		return;
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

/* ---- self-service ---------------------------------------------------------
 */

static const char *const toast_positions[] = {"top_left",      "top_center",
					      "top_right",     "bottom_left",
					      "bottom_center", "bottom_right"};

/* 409 account is frozen (self-service changes only, contract 2.6). */
static bool
not_frozen(struct req *req)
{
	if (!req->principal->user.frozen)
		return true;
	response_error(req, 409, "account is frozen");
	return false;
}

static const struct jfield profile_fields[] = {
	/* types only: handle_profile checks every rule, so that all
	 * failures are reported together, in field order */
	{"username", JF_STRING, false, false, 0, 0},
	{"name_first", JF_STRING, false, false, 0, 0},
	{"name_last", JF_STRING, false, false, 0, 0},
	{"language", JF_STRING, false, false, 0, 0},
	{"toast_position", JF_STRING, false, false, 0, 0},
	{"start_on_grouped_servers", JF_BOOL, false, false, 0, 0},
};

/*
 * PATCH /api/client/account: profile fields. Perm account.infos. Exempt
 * from the suspension and 2FA gates. Raises 400, 409 account is frozen /
 * suspended, 409 user with email/username already exists. {}
 */
static void
handle_profile(struct req *req)
{
	const struct principal *p = req->principal;
	const char *username, *first, *last, *lang, *toast, *msg;
	struct json_object *v = NULL, *d, *errs;
	const struct settings *s;
	struct db_arg args[7];
	bool grouped = p->user.start_on_grouped_servers;
	enum perr e;
	size_t i;

	username = req_body_str(req, "username", p->user.username);
	first = req_body_str(req, "name_first", p->user.name_first);
	last = req_body_str(req, "name_last", p->user.name_last);
	lang = req_body_str(req, "language", p->user.language);
	toast = req_body_str(req, "toast_position", p->user.toast_position);
	if (json_object_object_get_ex(req->json, "start_on_grouped_servers",
				      &v) &&
	    v != NULL)
		grouped = json_object_get_boolean(v);
	errs = json_object_new_array();
	msg = user_check_username(username);
	if (msg != NULL && strcmp(username, p->user.username) != 0)
		json_object_array_add(
			errs, json_object_new_string(arena_printf(
				      &req->arena, "username: %s", msg)));
	for (i = 0; i < 2; i++) {
		const char *name = i == 0 ? first : last;
		size_t chars = utf8_chars(name, strlen(name));

		if (chars < 1 || chars > 255)
			json_object_array_add(
				errs,
				json_object_new_string(arena_printf(
					&req->arena, "%s: length is %s",
					i == 0 ? "name_first" : "name_last",
					chars < 1 ? "lower than 1"
						  : "greater than 255")));
	}
	if (strlen(lang) < 2 || strlen(lang) > 15)
		json_object_array_add(
			errs, json_object_new_string(arena_printf(
				      &req->arena, "language: length is %s",
				      strlen(lang) < 2 ? "lower than 2"
						       : "greater than 15")));
	else if (strcmp(lang, "en") != 0 && strcmp(lang, p->user.language) != 0)
		json_object_array_add(
			errs, json_object_new_string(arena_printf(
				      &req->arena,
				      "language: invalid language: %s", lang)));
	for (i = 0; i < sizeof(toast_positions) / sizeof(toast_positions[0]);
	     i++)
		if (strcmp(toast, toast_positions[i]) == 0)
			break;
	if (i == sizeof(toast_positions) / sizeof(toast_positions[0]))
		json_object_array_add(
			errs, json_object_new_string(arena_printf(
				      &req->arena,
				      "toast_position: unknown variant `%s`",
				      toast)));
	if (json_object_array_length(errs) > 0) {
		response_errors(req, 400, errs);
		return;
	}
	json_object_put(errs);
	if (!not_frozen(req))
		return;
	if (p->user.suspended) {
		response_error(req, 409, "account is suspended");
		return;
	}
	e = settings_current(req->db, req->cfg->settings_cache_seconds, &s);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (!settings_bool(s, "user::allow_changing_language", true))
		lang = p->user.language; /* silently ignored (contract 5.2) */
	args[0] = DB_STR(username);
	args[1] = DB_STR(first);
	args[2] = DB_STR(last);
	args[3] = DB_STR(lang);
	args[4] = DB_STR(toast);
	args[5] = DB_INT(grouped ? 1 : 0);
	args[6] = DB_STR(p->user.uuid);
	e = db_exec(req->db, STMT_USER_UPDATE_PROFILE, args, 7, NULL);
	if (e == PERR_CONFLICT) {
		response_error(req, 409,
			       "user with email/username already exists");
		return;
	}
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	d = json_object_new_object();
	ADD(d, "username", json_object_new_string(username));
	ADD(d, "name_first", json_object_new_string(first));
	ADD(d, "name_last", json_object_new_string(last));
	ADD(d, "language", json_object_new_string(lang));
	ADD(d, "toast_position", json_object_new_string(toast));
	ADD(d, "start_on_grouped_servers", json_object_new_boolean(grouped));
	activity_log(req, p->user.uuid, "account:update", d);
	response_json(req, 200, json_object_new_object());
}

/* Checks the current password from the body; false with 400/403 set. */
static bool
current_password_ok(struct req *req)
{
	const char *pw = req_body_str(req, "password", "");
	struct db_arg args[1] = {DB_STR(req->principal->user.uuid)};
	struct db_res res;
	bool ok;
	enum perr e;

	if (strlen(pw) > 512) {
		response_error(req, 400,
			       "password: length is greater than 512");
		return false;
	}
	e = db_exec(req->db, STMT_USER_PASSWORD_GET, args, 1, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return false;
	}
	ok = res.nrows == 1 &&
	     user_password_matches(req->cfg, db_cell(&res, 0, 0), pw);
	db_res_free(&res);
	if (!ok)
		response_error(req, 403, "invalid password");
	return ok;
}

static const struct jfield email_fields[] = {
	{"email", JF_STRING, true, false, 0, 0},
	{"password", JF_STRING, true, false, 0, 0},
};

/* PUT /api/client/account/email {email, password}. Perm account.email.
 * Raises 400, 403 invalid password, 409 frozen / email already in use. */
static void
handle_email(struct req *req)
{
	const struct principal *p = req->principal;
	const char *email = req_body_str(req, "email", ""), *msg;
	struct db_arg args[2];
	struct json_object *d;
	enum perr e;

	msg = user_check_email(email);
	if (msg != NULL) {
		response_error(req, 400,
			       arena_printf(&req->arena, "email: %s", msg));
		return;
	}
	if (!not_frozen(req) || !current_password_ok(req))
		return;
	if (strcmp(email, p->user.email) != 0) {
		args[0] = DB_STR(email);
		args[1] = DB_STR(p->user.uuid);
		e = db_exec(req->db, STMT_USER_SET_EMAIL, args, 2, NULL);
		if (e == PERR_CONFLICT) {
			response_error(req, 409, "email already in use");
			return;
		}
		if (e != PERR_OK) {
			response_fail(req, e);
			return;
		}
		d = json_object_new_object();
		ADD(d, "old", json_object_new_string(p->user.email));
		ADD(d, "new", json_object_new_string(email));
		activity_log(req, p->user.uuid, "account:email-changed", d);
	}
	response_json(req, 200, json_object_new_object());
}

static const struct jfield password_fields[] = {
	{"new_password", JF_STRING, true, false, 8, 512},
	{"password", JF_STRING, true, false, 0, 0},
};

/*
 * PUT /api/client/account/password {new_password, password}. Perm
 * account.password. Ends every other session of the user (the current one
 * stays). Raises 400, 403 invalid password, 409 account is frozen. {}
 */
static void
handle_password(struct req *req)
{
	const struct principal *p = req->principal;
	struct argon2_params ap = config_argon2(req->cfg);
	struct db_arg args[2];
	char *hash;
	enum perr e;

	if (!not_frozen(req) || !current_password_ok(req))
		return;
	hash = crypto_password_hash(req_body_str(req, "new_password", ""), &ap);
	if (hash == NULL) {
		response_fail(req, PERR_SYS);
		return;
	}
	e = db_tx_begin(req->db);
	if (e == PERR_OK) {
		args[0] = DB_STR(hash);
		args[1] = DB_STR(p->user.uuid);
		e = db_exec(req->db, STMT_USER_SET_PASSWORD, args, 2, NULL);
	}
	if (e == PERR_OK) {
		args[0] = DB_STR(p->user.uuid);
		args[1] = DB_STR(p->method == AUTH_SESSION ? p->cred_uuid : "");
		e = db_exec(req->db, STMT_SESSION_DELETE_OTHERS, args, 2, NULL);
	}
	e = db_tx_end(req->db, e);
	crypto_free_str(hash);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	activity_log(req, p->user.uuid, "account:password-changed", NULL);
	response_json(req, 200, json_object_new_object());
}

/* One UserActivity (contract 3.7) of STMT_ACTIVITY_LIST. */
static struct json_object *
activity_json(struct req *req, const struct db_res *res, size_t i)
{
	struct json_object *a = json_object_new_object(), *imp = NULL, *data;
	const char *flag;

	(void)req;
	if (db_cell(res, i, 0) != NULL) {
		flag = db_cell(res, i, 2);
		imp = json_object_new_object();
		ADD(imp, "uuid", json_str_or_null(db_cell(res, i, 0)));
		ADD(imp, "username", json_str_or_null(db_cell(res, i, 1)));
		ADD(imp, "avatar", NULL);
		ADD(imp, "totp_enabled",
		    json_object_new_boolean(flag && strcmp(flag, "0") != 0));
		ADD(imp, "created", json_ts_or_null(db_cell(res, i, 3)));
	}
	data = db_cell(res, i, 6) ? json_tokener_parse(db_cell(res, i, 6))
				  : NULL;
	if (data == NULL || !json_object_is_type(data, json_type_object)) {
		json_object_put(data);
		data = json_object_new_object();
	}
	flag = db_cell(res, i, 7);
	ADD(a, "impersonator", imp);
	ADD(a, "event", json_str_or_null(db_cell(res, i, 4)));
	ADD(a, "ip", json_str_or_null(db_cell(res, i, 5)));
	ADD(a, "data", data);
	ADD(a, "is_api",
	    json_object_new_boolean(flag && strcmp(flag, "0") != 0));
	ADD(a, "created", json_ts_or_null(db_cell(res, i, 8)));
	return a;
}

/* GET /api/client/account/activity: newest first, search on the event.
 * Perm activity.read. */
static void
handle_activity(struct req *req)
{
	page_list(req, STMT_ACTIVITY_LIST, req->principal->user.uuid,
		  "activities", activity_json);
}

#define EXEMPT (ROUTE_EXEMPT_SUSPENDED | ROUTE_EXEMPT_TWO_FACTOR)

static const struct route routes[] = {
	{"GET", "/api/client/account", GATE_CLIENT, NULL, BODY_NONE, NULL, 0,
	 handle_account, EXEMPT},
	{"POST", "/api/client/account/logout", GATE_CLIENT, NULL, BODY_NONE,
	 NULL, 0, handle_logout, EXEMPT},
	{"PATCH", "/api/client/account", GATE_CLIENT, "account.infos",
	 BODY_DEFAULT_MAX, profile_fields,
	 sizeof(profile_fields) / sizeof(profile_fields[0]), handle_profile,
	 EXEMPT},
	{"PUT", "/api/client/account/email", GATE_CLIENT, "account.email",
	 BODY_LOGIN_MAX, email_fields,
	 sizeof(email_fields) / sizeof(email_fields[0]), handle_email, 0},
	{"PUT", "/api/client/account/password", GATE_CLIENT, "account.password",
	 BODY_LOGIN_MAX, password_fields,
	 sizeof(password_fields) / sizeof(password_fields[0]), handle_password,
	 0},
	{"GET", "/api/client/account/activity", GATE_CLIENT, "activity.read",
	 BODY_NONE, NULL, 0, handle_activity, 0},
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
