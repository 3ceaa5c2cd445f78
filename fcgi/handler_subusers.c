/*
 * handler_subusers.c: /api/client/servers/{server}/subusers (contract 7.4,
 * 11.4). Every route passes the server gate with its state checks; the
 * permissions are server permissions (subusers.*). Nobody grants a
 * permission they lack (owner and admins hold all; a subuser only its own;
 * an API key only its server_permissions), nobody edits their own row.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "config.h"
#include "crypto.h"
#include "daemon.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "log.h"
#include "mail.h"
#include "page.h"
#include "perm.h"
#include "request.h"
#include "resetlink.h"
#include "row.h"
#include "response.h"
#include "server.h"
#include "settings.h"
#include "user.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define MORE_THAN_SELF "permissions: more permissions than self"

/* Columns of STMT_SUBUSER_LIST / _GET: u.uuid, u.username, u.totp_enabled,
 * u.created, su.permissions, su.ignored_files, su.created, then u.email
 * (_GET) or the total (_LIST). */
static struct json_object *
subuser_json(struct req *req, const struct db_res *res, size_t row)
{
	struct json_object *o = json_object_new_object(), *u;
	const char *totp = db_cell(res, row, 2);

	(void)req;
	u = json_object_new_object();
	ADD(u, "uuid", json_str_or_null(db_cell(res, row, 0)));
	ADD(u, "username", json_str_or_null(db_cell(res, row, 1)));
	ADD(u, "avatar", NULL);
	ADD(u, "totp_enabled",
	    json_object_new_boolean(totp != NULL && strcmp(totp, "0") != 0));
	ADD(u, "created", json_ts_or_null(db_cell(res, row, 3)));
	ADD(o, "user", u);
	ADD(o, "permissions", json_array_or_empty(db_cell(res, row, 4)));
	ADD(o, "ignored_files", json_array_or_empty(db_cell(res, row, 5)));
	ADD(o, "created", json_ts_or_null(db_cell(res, row, 6)));
	return o;
}

/* GET .../subusers: pagination, subusers.read; search on the username. */
static void
handle_list(struct req *req)
{
	struct db_arg args[5];
	struct server s;
	struct page pg;

	if (!server_gate(req, req_path_param(req, "server"), false, &s) ||
	    !page_parse(req, &pg) ||
	    !server_permission(req, &s, "subusers.read"))
		return;
	args[0] = DB_STR(s.uuid);
	args[1] = DB_STR_OR_NULL(pg.search);
	args[2] = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg, STMT_SUBUSER_LIST, args, 5, "subusers",
		    subuser_json);
}

/*
 * Field rules of "permissions" (each a server permission), then the two
 * grant rules of 7.4: a subuser grants only from its own list, and every
 * permission must pass has_server_permission for the caller. False with
 * the 400 set.
 */
static bool
grantable(struct req *req, const struct server *s, struct json_object *perms)
{
	struct perm_list mine = {s->subuser_permissions};
	const char *p;
	size_t i, n = json_object_array_length(perms);

	for (i = 0; i < n; i++) {
		p = json_object_get_string(json_object_array_get_idx(perms, i));
		if (!perm_valid(PERM_SERVER, p)) {
			response_error(req, 400,
				       arena_printf(&req->arena,
						    "permissions: invalid "
						    "permission: %s",
						    p));
			return false;
		}
	}
	for (i = 0; i < n; i++) {
		p = json_object_get_string(json_object_array_get_idx(perms, i));
		if ((!req->principal->user.admin &&
		     s->subuser_permissions != NULL &&
		     !perm_list_has(&mine, p)) ||
		    !server_has_permission(req, s, p)) {
			response_error(req, 400, MORE_THAN_SELF);
			return false;
		}
	}
	return true;
}

/* A username for an account made from an e-mail (7.4 step 7): up to 10
 * [A-Za-z0-9_] of the local part, "_", 4 random [A-Za-z0-9]. */
static const char *
username_from_email(struct req *req, const char *email)
{
	char name[16], rnd[5];
	size_t n = 0;

	for (; *email != '\0' && *email != '@' && n < 10; email++)
		if (isalnum((unsigned char)*email) || *email == '_')
			name[n++] = *email;
	crypto_random_base62(rnd, 4);
	rnd[4] = '\0';
	snprintf(name + n, sizeof(name) - n, "_%s", rnd);
	return arena_strdup(&req->arena, name);
}

/*
 * The user of email, or a new password-less account for it (whose password
 * link is stored in token, created = true). In the caller's transaction.
 */
static enum perr
find_or_create(struct req *req, const char *email, struct db_res *user,
	       bool *created, char token[RESETLINK_TOKEN_LEN + 1])
{
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_arg arg = DB_STR(email);
	enum perr e;
	int tries;

	*created = false;
	e = db_exec(req->db, STMT_USER_BY_EMAIL, &arg, 1, user);
	if (e != PERR_OK || user->nrows == 1)
		return e;
	db_res_free(user);
	e = PERR_CONFLICT;
	for (tries = 0; tries < 3 && e == PERR_CONFLICT; tries++)
		e = user_create(req->db, username_from_email(req, email), email,
				"Server", "Subuser", NULL, false, uuid);
	if (e != PERR_OK)
		return e;
	if (!resetlink_create(req, uuid, token))
		return PERR_DB;
	*created = true;
	return db_exec(req->db, STMT_USER_BY_EMAIL, &arg, 1, user);
}

/* The subuser insert of POST after the permission checks, in one
 * transaction with the account it may create. */
static void
create_locked(struct req *req, const struct server *s, const char *email,
	      const char *perms, const char *ignored)
{
	char token[RESETLINK_TOKEN_LEN + 1];
	const struct settings *set;
	struct db_arg args[4];
	struct db_res user, res;
	struct json_object *d;
	bool created = false;
	long long count = 0, max;
	const char *uuid, *to;
	enum perr e;

	e = settings_current(req->db, req->cfg->settings_cache_seconds, &set);
	if (e == PERR_OK)
		e = db_tx_begin(req->db);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	max = settings_int(set, "server::max_subuser_count", 25, 0, INT32_MAX);
	args[0] = DB_STR(s->uuid);
	e = db_exec(req->db, STMT_SERVER_LOCK, args, 1, NULL);
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_SUBUSER_COUNT, args, 1, &res);
	if (e == PERR_OK) {
		count = strtoll(db_cell(&res, 0, 0), NULL, 10);
		db_res_free(&res);
	}
	if (e == PERR_OK && count >= max) {
		db_tx_rollback(req->db);
		response_error(req, 417, "maximum number of subusers reached");
		return;
	}
	if (e == PERR_OK)
		e = find_or_create(req, email, &user, &created, token);
	if (e != PERR_OK) {
		db_tx_rollback(req->db);
		if (created)
			crypto_wipe(token, sizeof(token));
		response_fail(req, e == PERR_CONFLICT ? PERR_DB : e);
		return;
	}
	uuid = arena_strdup(&req->arena, db_cell(&user, 0, 0));
	to = arena_strdup(&req->arena, db_cell(&user, 0, 2));
	if (strcmp(uuid, s->owner_uuid) == 0) {
		db_res_free(&user);
		db_tx_rollback(req->db);
		response_error(req, 400,
			       "cannot create subuser for server owner");
		return;
	}
	args[1] = DB_STR(uuid);
	args[2] = DB_STR(perms);
	args[3] = DB_STR(ignored);
	e = db_exec(req->db, STMT_SUBUSER_INSERT, args, 4, NULL);
	e = db_tx_end(req->db, e);
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_SUBUSER_GET, args, 2, &res);
	if (e != PERR_OK) {
		db_res_free(&user);
		if (created)
			crypto_wipe(token, sizeof(token));
		if (e == PERR_CONFLICT)
			response_error(req, 409,
				       "subuser with email already exists");
		else
			response_fail(req, e);
		return;
	}
	if (created) {
		resetlink_mail(req, to, db_cell(&user, 0, 1), token,
			       RESETLINK_ACCOUNT_CREATED);
		crypto_wipe(token, sizeof(token));
		activity_log(req, uuid, "email:account-created", NULL);
	}
	if (!mail_send(
		    req->cfg, to, "You were added to a server",
		    arena_printf(
			    &req->arena,
			    "You can now use the server %s:\n\n"
			    "%s/server/%08x\n",
			    json_object_get_string(
				    json_object_object_get(s->json, "name")),
			    settings_str(set, "app::url", req->cfg->panel_url),
			    s->uuid_short)))
		log_warn(req, "added-to-server mail not sent");
	d = json_object_new_object();
	ADD(d, "username", json_object_new_string(db_cell(&user, 0, 1)));
	ADD(d, "email", json_object_new_string(to));
	ADD(d, "permissions", json_array_or_empty(perms));
	db_res_free(&user);
	activity_server(req, s->uuid, true, "server:subuser.create", d);
	d = json_object_new_object();
	ADD(d, "subuser", subuser_json(req, &res, 0));
	db_res_free(&res);
	response_json(req, 200, d);
}

/* at most every server permission once; ignored_files patterns */
#define MAX_PERMS 128
#define MAX_IGNORED 256

static const struct jfield create_fields[] = {
	{"email", JF_STRING, true, false, 0, 255},
	{"permissions", JF_STRING_ARRAY, true, false, 0, MAX_PERMS},
	{"ignored_files", JF_STRING_ARRAY, true, false, 0, MAX_IGNORED},
	{"captcha", JF_STRING, false, true, 0, 4096},
};

static const char *
json_text(struct req *req, const char *name)
{
	struct json_object *v = json_object_object_get(req->json, name);

	return v ? json_object_to_json_string_ext(
			   v, JSON_C_TO_STRING_PLAIN |
				      JSON_C_TO_STRING_NOSLASHESCAPE)
		 : NULL;
}

/*
 * POST .../subusers {email, permissions, ignored_files}: validation, the
 * grant rules, subusers.create, the subuser limit (417), the account
 * (found, or made without a password and sent a password link), the
 * owner (400) and duplicates (409). Response {"subuser": ServerSubuser}.
 */
static void
handle_create(struct req *req)
{
	const char *email = req_body_str(req, "email", ""), *why;
	struct server s;

	if (!server_gate(req, req_path_param(req, "server"), false, &s))
		return;
	if ((why = user_check_email(email)) != NULL) {
		response_error(req, 400,
			       arena_printf(&req->arena, "email: %s", why));
		return;
	}
	if (!grantable(req, &s,
		       json_object_object_get(req->json, "permissions")) ||
	    !server_permission(req, &s, "subusers.create"))
		return;
	create_locked(req, &s, email, json_text(req, "permissions"),
		      json_text(req, "ignored_files"));
}

/* The sub-gate of PATCH and DELETE: server gate, {subuser} a UUID (400),
 * subusers.read, a subuser of this server (404). res: STMT_SUBUSER_GET. */
static bool
subgate(struct req *req, struct server *s, struct db_res *res)
{
	struct db_arg args[2];
	const char *uuid;

	if (!server_gate(req, req_path_param(req, "server"), false, s) ||
	    (uuid = req_path_uuid(req, "subuser", 400,
				  "invalid subuser uuid")) == NULL ||
	    !server_permission(req, s, "subusers.read"))
		return false;
	args[0] = DB_STR(s->uuid);
	args[1] = DB_STR(uuid);
	return row_one(req, STMT_SUBUSER_GET, args, 2, "subuser not found",
		       res);
}

/* Tells the node which websocket permissions user now has (11.4). */
static void
notify_permissions(struct req *req, const struct server *s, const char *user,
		   const char *perms, const char *ignored)
{
	struct json_object *b = json_object_new_object(), *list, *e;

	e = json_object_new_object();
	ADD(e, "user", json_object_new_string(user));
	ADD(e, "permissions", json_array_or_empty(perms));
	ADD(e, "ignored_files", json_array_or_empty(ignored));
	list = json_object_new_array();
	json_object_array_add(list, e);
	ADD(b, "user_permissions", list);
	daemon_notify(req, s->node_uuid, "POST",
		      arena_printf(&req->arena,
				   "/api/servers/%s/ws/permissions", s->uuid),
		      b);
}

static const struct jfield update_fields[] = {
	{"permissions", JF_STRING_ARRAY, false, false, 0, MAX_PERMS},
	{"ignored_files", JF_STRING_ARRAY, false, false, 0, MAX_IGNORED},
};

/* PATCH .../subusers/{subuser} {permissions?, ignored_files?}. */
static void
handle_update(struct req *req)
{
	const char *perms = json_text(req, "permissions");
	const char *ignored = json_text(req, "ignored_files");
	struct json_object *d;
	struct db_arg args[4];
	struct db_res res;
	struct server s;
	enum perr e;

	if (!subgate(req, &s, &res))
		return;
	if ((perms != NULL &&
	     !grantable(req, &s,
			json_object_object_get(req->json, "permissions"))) ||
	    !server_permission(req, &s, "subusers.update")) {
		db_res_free(&res);
		return;
	}
	if (strcmp(db_cell(&res, 0, 0), req->principal->user.uuid) == 0) {
		db_res_free(&res);
		response_error(req, 400, "cannot update permissions for self");
		return;
	}
	args[0] = DB_STR_OR_NULL(perms);
	args[1] = DB_STR_OR_NULL(ignored);
	args[2] = DB_STR(s.uuid);
	args[3] = DB_STR(db_cell(&res, 0, 0));
	e = db_exec(req->db, STMT_SUBUSER_UPDATE, args, 4, NULL);
	if (e != PERR_OK) {
		db_res_free(&res);
		response_fail(req, e);
		return;
	}
	perms = perms ? perms : db_cell(&res, 0, 4);
	ignored = ignored ? ignored : db_cell(&res, 0, 5);
	notify_permissions(req, &s, db_cell(&res, 0, 0), perms, ignored);
	d = json_object_new_object();
	ADD(d, "username", json_object_new_string(db_cell(&res, 0, 1)));
	ADD(d, "email", json_object_new_string(db_cell(&res, 0, 7)));
	ADD(d, "permissions", json_array_or_empty(perms));
	ADD(d, "ignored_files", json_array_or_empty(ignored));
	activity_server(req, s.uuid, true, "server:subuser.update", d);
	db_res_free(&res);
	response_json(req, 200, json_object_new_object());
}

/* DELETE .../subusers/{subuser}: the sub-gate, subusers.delete (deleting
 * the own row is allowed); the node drops the user's permissions and
 * tokens. */
static void
handle_delete(struct req *req)
{
	struct json_object *d, *jtis;
	struct db_arg args[2];
	struct db_res res;
	struct server s;
	const char *user;
	enum perr e;

	if (!subgate(req, &s, &res))
		return;
	if (!server_permission(req, &s, "subusers.delete")) {
		db_res_free(&res);
		return;
	}
	user = arena_strdup(&req->arena, db_cell(&res, 0, 0));
	args[0] = DB_STR(s.uuid);
	args[1] = DB_STR(user);
	e = db_exec(req->db, STMT_SUBUSER_DELETE, args, 2, NULL);
	if (e != PERR_OK) {
		db_res_free(&res);
		response_fail(req, e);
		return;
	}
	notify_permissions(req, &s, user, "[]", "[]");
	d = json_object_new_object();
	jtis = json_object_new_array();
	json_object_array_add(jtis, json_object_new_string(user));
	ADD(d, "jtis", jtis);
	daemon_notify(
		req, s.node_uuid, "POST",
		arena_printf(&req->arena, "/api/servers/%s/ws/deny", s.uuid),
		d);
	d = json_object_new_object();
	ADD(d, "username", json_object_new_string(db_cell(&res, 0, 1)));
	ADD(d, "email", json_object_new_string(db_cell(&res, 0, 7)));
	activity_server(req, s.uuid, true, "server:subuser.delete", d);
	db_res_free(&res);
	response_json(req, 200, json_object_new_object());
}

#define NF(t) (sizeof(t) / sizeof((t)[0]))
#define SUB "/api/client/servers/{server}/subusers"

static const struct route routes[] = {
	{"GET", SUB, GATE_CLIENT, NULL, BODY_NONE, NULL, 0, handle_list, 0},
	{"POST", SUB, GATE_CLIENT, NULL, BODY_DEFAULT_MAX, create_fields,
	 NF(create_fields), handle_create, 0},
	{"PATCH", SUB "/{subuser}", GATE_CLIENT, NULL, BODY_DEFAULT_MAX,
	 update_fields, NF(update_fields), handle_update, 0},
	{"DELETE", SUB "/{subuser}", GATE_CLIENT, NULL, BODY_NONE, NULL, 0,
	 handle_delete, 0},
};

const struct route_group handler_subusers_group = {routes, NF(routes)};
