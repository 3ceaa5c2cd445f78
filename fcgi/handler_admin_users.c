/*
 * handler_admin_users.c: /api/admin/users (contract 8.1, 12.3;
 * contract-extra 5.1, 5.9). Client gate + admin gate; admin permissions
 * users.*.
 *
 * Beyond the real panel:
 *   - a caller that is not an administrator on a session (a user without
 *     the admin flag, or any API key) cannot change, delete or strip the
 *     two-factor of an administrator (403 you cannot modify an
 *     administrator) or of a user whose role holds a permission the caller
 *     lacks (403 permissions: more permissions than self), cannot grant or
 *     change admin status, and a key gives a user only a role whose every
 *     permission it holds;
 *   - suspending a user ends all of that user's sessions and a new
 *     password every other one, in the same transaction as the change;
 *   - validation errors have the plain shape; a malformed role_uuid or
 *     toast_position is a 400, never a 500.
 * Passwords are hashed with the configured Argon2id and wiped from the
 * request body once hashed.
 */
#include "autoconf.h"

#include <limits.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "admin_rules.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "log.h"
#include "mail.h"
#include "request.h"
#include "resetlink.h"
#include "response.h"
#include "settings.h"
#include "user.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define UUID_BUFSZ CRYPTO_UUID_BUFSZ

/* A user row of the ADMIN_USER_SELECT statements (USER_COLS, external_id). */
struct target {
	struct user_row u;
	const char *external_id; /* NULL = none */
};

/* app::two_factor_requirement as the gate read it for this request (the
 * thread's copy is at most this request old: no second read). */
static const char *
tfa_requirement(struct req *req)
{
	const struct settings *s;

	if (settings_current(req->db, LONG_MAX, &s) != PERR_OK)
		return NULL;
	return settings_get(s, "app::two_factor_requirement");
}

static void
target_read(struct req *req, const struct db_res *res, size_t row,
	    struct target *t)
{
	const char *ext = db_cell(res, row, USER_NCOLS);

	user_row_read(req, res, row, 0, &t->u);
	t->external_id = ext != NULL ? arena_strdup(&req->arena, ext) : NULL;
}

/* AdminUser (contract 3.3). */
static struct json_object *
target_json(struct req *req, const struct target *t)
{
	return user_admin_json(&t->u, t->external_id, tfa_requirement(req));
}

static struct json_object *
list_row(struct req *req, const struct db_res *res, size_t row)
{
	struct target t;

	target_read(req, res, row, &t);
	return target_json(req, &t);
}

/* GET /api/admin/users: pagination, perm users.read; search on username
 * or e-mail, oldest first. {"users": Pagination<AdminUser>} */
static void
handle_list(struct req *req)
{
	admin_list(req, "users.read", STMT_ADMIN_USER_LIST, 3, "users",
		   list_row);
}

/* The user statement id selects by key into t; false after 404 user not
 * found (or a 5xx). */
static bool
fetch_user(struct req *req, enum stmt id, const char *key, struct target *t)
{
	struct db_res res;

	if (!admin_fetch_one(req, id, key, "user not found", &res))
		return false;
	target_read(req, &res, 0, t);
	db_res_free(&res);
	return true;
}

/* The {user} sub-gate: perm users.read, 400 invalid user uuid, 404. */
static bool
load_target(struct req *req, struct target *t)
{
	const char *uuid;

	if (!gate_admin_permission(req, "users.read"))
		return false;
	uuid = req_path_uuid(req, "user", 400, "invalid user uuid");
	return uuid != NULL && fetch_user(req, STMT_ADMIN_USER_GET, uuid, t);
}

static void
answer_user(struct req *req, const struct target *t)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "user", target_json(req, t));
	response_json(req, 200, o);
}

/* GET /api/admin/users/{user}: {"user": AdminUser} */
static void
handle_get(struct req *req)
{
	struct target t;

	if (load_target(req, &t))
		answer_user(req, &t);
}

/* GET /api/admin/users/external/{external_id} (contract-extra 5.1): the
 * exact, case-sensitive external id. Perm users.read (route row). Raises
 * 404 user not found. {"user": AdminUser} */
static void
handle_external(struct req *req)
{
	const char *id =
		admin_path_decode(req, req_path_param(req, "external_id"));
	struct target t;

	if (id == NULL) {
		response_error(req, 404, "user not found");
		return;
	}
	if (fetch_user(req, STMT_ADMIN_USER_BY_EXTERNAL, id, &t))
		answer_user(req, &t);
}

/* ---- rules shared by create and update ----------------------------------
 */

static const char *const toast_positions[] = {"top_left",      "top_center",
					      "top_right",     "bottom_left",
					      "bottom_center", "bottom_right"};
#define NTOAST (sizeof(toast_positions) / sizeof(toast_positions[0]))

/* toast_position, when sent, is one of the enum's values; else the
 * framework's 400 (an unknown enum variant is a payload error). */
static bool
toast_ok(struct req *req)
{
	const char *s = req_body_str(req, "toast_position", NULL);
	size_t i;

	for (i = 0; s != NULL && i < NTOAST; i++)
		if (strcmp(s, toast_positions[i]) == 0)
			return true;
	if (s == NULL)
		return true;
	response_error(req, 400,
		       arena_printf(&req->arena,
				    "invalid payload: unknown variant `%s`, "
				    "expected one of `top_left`, `top_center`, "
				    "`top_right`, `bottom_left`, "
				    "`bottom_center`, `bottom_right`",
				    s));
	return false;
}

/*
 * The model rules of contract 8.1 over the fields sent, every failure in
 * field order. Create and update differ in external_id (at most 255 bytes
 * / 1 to 255 characters) and password (1 / 8 to 512 characters). The
 * languages are the ones served (en) and, for an update, the user's own.
 */
static bool
rules_ok(struct req *req, bool create, const char *language)
{
	struct json_object *errs = json_object_new_array();
	const char *s, *msg;

	s = req_body_str(req, "external_id", NULL);
	if (s != NULL)
		admin_rule_len(req, errs, "external_id", s, create ? 0 : 1, 255,
			       create);
	s = req_body_str(req, "username", NULL);
	msg = s != NULL ? user_check_username(s) : NULL;
	if (msg != NULL)
		admin_rule(req, errs, "username", msg);
	s = req_body_str(req, "email", NULL);
	msg = s != NULL ? user_check_email(s) : NULL;
	if (msg != NULL)
		admin_rule(req, errs, "email", msg);
	admin_rule_field(req, errs, "name_first", 1, 255);
	admin_rule_field(req, errs, "name_last", 1, 255);
	admin_rule_field(req, errs, "password", create ? 1 : 8, 512);
	s = req_body_str(req, "language", NULL);
	if (s != NULL && (strlen(s) < 2 || strlen(s) > 15))
		admin_rule_len(req, errs, "language", s, 2, 15, true);
	else if (s != NULL && strcmp(s, "en") != 0 &&
		 (language == NULL || strcmp(s, language) != 0))
		admin_rule(
			req, errs, "language",
			arena_printf(&req->arena, "invalid language: %s", s));
	return admin_rules_ok(req, errs);
}

/*
 * The body's password hashed with the configured Argon2id (malloc'd, free
 * with crypto_free_str), the plain text wiped from the body. *hash_out is
 * NULL when none was sent. False after a 500.
 */
static bool
hash_password(struct req *req, char **hash_out)
{
	struct argon2_params ap = config_argon2(req->cfg);
	struct json_object *v = admin_field(req, "password");
	char *plain;

	*hash_out = NULL;
	if (v == NULL)
		return true;
	plain = (char *)json_object_get_string(v); /* the body's own copy */
	*hash_out = crypto_password_hash(plain, &ap);
	crypto_wipe(plain, strlen(plain));
	if (*hash_out != NULL)
		return true;
	response_fail(req, PERR_SYS);
	return false;
}

/* In the open transaction: the role exists (and stays until the end) and
 * the caller holds every permission of it. False after 400 invalid
 * relation `role` provided, 403 (or a 5xx). */
static bool
role_assignable(struct req *req, const char *role_uuid)
{
	struct db_arg args[1] = {DB_STR(role_uuid)};
	struct db_res res;
	bool ok;
	enum perr e = db_exec(req->db, STMT_ADMIN_ROLE_SHARE, args, 1, &res);

	if (e != PERR_OK) {
		response_fail(req, e);
		return false;
	}
	if (res.nrows != 1) {
		db_res_free(&res);
		response_error(req, 400, "invalid relation `role` provided");
		return false;
	}
	ok = admin_caller_holds_all(req,
				    user_json_array(req, db_cell(&res, 0, 0)),
				    user_json_array(req, db_cell(&res, 0, 1)));
	db_res_free(&res);
	return ok || admin_deny(req, "permissions: more permissions than self");
}

/* The activity data of user:create and user:update (contract 12.3). */
static struct json_object *
user_data(const char *uuid, const char *role_uuid, const char *username,
	  const char *email, const char *first, const char *last, bool admin,
	  const char *language)
{
	struct json_object *d = json_object_new_object();

	ADD(d, "uuid", json_object_new_string(uuid));
	ADD(d, "role_uuid", json_str_or_null(role_uuid));
	ADD(d, "username", json_object_new_string(username));
	ADD(d, "email", json_object_new_string(email));
	ADD(d, "name_first", json_object_new_string(first));
	ADD(d, "name_last", json_object_new_string(last));
	ADD(d, "admin", json_object_new_boolean(admin));
	ADD(d, "language", json_object_new_string(language));
	return d;
}

/* ---- create ---------------------------------------------------------------
 */

/*
 * send_email: a password-set link for the new account (template
 * account_created), and email:account-created in its activity. A failure
 * is logged; the account stays.
 */
static void
send_account_created(struct req *req, const char *uuid, const char *email,
		     const char *username)
{
	char token[RESETLINK_TOKEN_LEN + 1];

	if (!resetlink_create(req, uuid, token)) {
		log_warn(req, "account-created mail not prepared");
		return;
	}
	resetlink_mail(req, email, username, token, RESETLINK_ACCOUNT_CREATED);
	crypto_wipe(token, sizeof(token));
	activity_log(req, uuid, "email:account-created", NULL);
}

static const struct jfield create_fields[] = {
	/* types only: the rules follow the checks of contract 8.1 */
	{"role_uuid", JF_STRING, false, true, 0, 0},
	{"external_id", JF_STRING, false, true, 0, 0},
	{"username", JF_STRING, true, false, 0, 0},
	{"email", JF_STRING, true, false, 0, 0},
	{"name_first", JF_STRING, true, false, 0, 0},
	{"name_last", JF_STRING, true, false, 0, 0},
	{"password", JF_STRING, false, true, 0, 0},
	{"admin", JF_BOOL, true, false, 0, 0},
	{"frozen", JF_BOOL, false, false, 0, 0},
	{"suspended", JF_BOOL, false, false, 0, 0},
	{"send_email", JF_BOOL, false, false, 0, 0},
	{"language", JF_STRING, true, false, 0, 0},
};

/* The insert, after the role check, in one transaction. */
static bool
insert_user(struct req *req, const char *uuid, const char *role,
	    const char *hash)
{
	struct db_arg args[12];

	args[0] = DB_STR(uuid);
	args[1] = DB_STR_OR_NULL(role);
	args[2] = DB_STR_OR_NULL(req_body_str(req, "external_id", NULL));
	args[3] = DB_STR(req_body_str(req, "username", ""));
	args[4] = DB_STR(req_body_str(req, "email", ""));
	args[5] = DB_STR(req_body_str(req, "name_first", ""));
	args[6] = DB_STR(req_body_str(req, "name_last", ""));
	args[7] = DB_STR_OR_NULL(hash);
	args[8] = DB_INT(admin_field_bool(req, "admin", false));
	args[9] = DB_INT(admin_field_bool(req, "frozen", false));
	args[10] = DB_INT(admin_field_bool(req, "suspended", false));
	args[11] = DB_STR(req_body_str(req, "language", ""));
	return admin_tx_begin(req) &&
	       admin_tx_end(
		       req,
		       (role == NULL || role_assignable(req, role)) &&
			       admin_exec(req, STMT_ADMIN_USER_INSERT, args, 12,
					  "user with email/username already "
					  "exists"));
}

/*
 * POST /api/admin/users (contract 8.1). Perm users.create, then 403 you
 * cannot grant admin status / you cannot assign roles, the rules (400),
 * the role (400 invalid relation `role` provided), 409 user with
 * email/username already exists. {"user": AdminUser}
 */
static void
handle_create(struct req *req)
{
	char role[UUID_BUFSZ], uuid[UUID_BUFSZ], *hash;
	struct target t;
	bool has_role, ok;

	if (!admin_field_uuid(req, "role_uuid", role, &has_role) ||
	    !gate_admin_permission(req, "users.create"))
		return;
	if (admin_field_bool(req, "admin", false) &&
	    admin_caller_restricted(req)) {
		admin_deny(req, "you cannot grant admin status");
		return;
	}
	if (has_role && !req->principal->user.admin) {
		admin_deny(req, "you cannot assign roles");
		return;
	}
	if (!rules_ok(req, true, NULL) || !hash_password(req, &hash))
		return;
	crypto_uuid_v4(uuid);
	ok = insert_user(req, uuid, has_role ? role : NULL, hash);
	crypto_free_str(hash);
	if (!ok)
		return;
	activity_admin(req, "user:create",
		       user_data(uuid, has_role ? role : NULL,
				 req_body_str(req, "username", ""),
				 req_body_str(req, "email", ""),
				 req_body_str(req, "name_first", ""),
				 req_body_str(req, "name_last", ""),
				 admin_field_bool(req, "admin", false),
				 req_body_str(req, "language", "")));
	if (admin_field_bool(req, "send_email", false))
		send_account_created(req, uuid, req_body_str(req, "email", ""),
				     req_body_str(req, "username", ""));
	if (fetch_user(req, STMT_ADMIN_USER_GET, uuid, &t))
		answer_user(req, &t);
}

/* ---- update, delete, two-factor -------------------------------------------
 */

static bool
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * Who may act on target t at all: a caller bound by the subset rules
 * cannot touch an administrator nor a user whose role holds more than it
 * does. False after the 403.
 */
static bool
may_touch(struct req *req, const struct target *t)
{
	if (!admin_caller_restricted(req))
		return true;
	if (t->u.admin)
		return admin_deny(req, "you cannot modify an administrator");
	if (!admin_caller_holds_all(req, t->u.role_admin_permissions,
				    t->u.role_server_permissions))
		return admin_deny(req,
				  "permissions: more permissions than self");
	return true;
}

/* The 403 checks of PATCH (contract 8.1, in its order); new_role is the
 * role_uuid sent (NULL: none or null). */
static bool
may_update(struct req *req, const struct target *t, const char *new_role)
{
	const struct principal *p = req->principal;
	struct json_object *admin = admin_field(req, "admin");
	const char *email = req_body_str(req, "email", NULL);
	bool other = strcmp(p->user.uuid, t->u.uuid) != 0;

	if (admin != NULL && admin_caller_restricted(req) &&
	    json_object_get_boolean(admin) != t->u.admin)
		return admin_deny(req, "you cannot change admin status");
	if (!p->user.admin && admin_field_sent(req, "role_uuid") &&
	    !same(new_role, t->u.role_uuid))
		return admin_deny(req, "you cannot change a user's role");
	if (!may_touch(req, t))
		return false;
	if (p->user.admin)
		return true;
	if (other && admin_field(req, "password") != NULL)
		return admin_deny(req,
				  "you cannot change another user's password");
	if (other && email != NULL && strcmp(email, t->u.email) != 0)
		return admin_deny(req,
				  "you cannot change another user's email");
	return true;
}

/* The new row: the body's fields over t's. */
static void
update_args(struct req *req, const struct target *t, const char *role,
	    struct db_arg args[13])
{
	const struct user_row *u = &t->u;

	args[0] = admin_field_sent(req, "role_uuid")
			  ? DB_STR_OR_NULL(role)
			  : DB_STR_OR_NULL(u->role_uuid);
	args[1] =
		admin_field_sent(req, "external_id")
			? DB_STR_OR_NULL(req_body_str(req, "external_id", NULL))
			: DB_STR_OR_NULL(t->external_id);
	args[2] = DB_STR(req_body_str(req, "username", u->username));
	args[3] = DB_STR(req_body_str(req, "email", u->email));
	args[4] = DB_STR(req_body_str(req, "name_first", u->name_first));
	args[5] = DB_STR(req_body_str(req, "name_last", u->name_last));
	args[6] =
		DB_STR(req_body_str(req, "toast_position", u->toast_position));
	args[7] = DB_INT(admin_field_bool(req, "start_on_grouped_servers",
					  u->start_on_grouped_servers));
	args[8] = DB_INT(admin_field_bool(req, "admin", u->admin));
	args[9] = DB_INT(admin_field_bool(req, "frozen", u->frozen));
	args[10] = DB_INT(admin_field_bool(req, "suspended", u->suspended));
	args[11] = DB_STR(req_body_str(req, "language", u->language));
	args[12] = DB_STR(u->uuid);
}

/* In the open transaction: the new password (every other session of the
 * user ends) and the suspension (every session ends). */
static bool
end_sessions(struct req *req, const struct target *t, const char *hash)
{
	const struct principal *p = req->principal;
	struct db_arg args[2];

	args[1] = DB_STR(t->u.uuid);
	if (hash != NULL) {
		args[0] = DB_STR(hash);
		if (!admin_exec(req, STMT_USER_SET_PASSWORD, args, 2, NULL))
			return false;
		args[0] = DB_STR(t->u.uuid);
		args[1] = DB_STR(p->method == AUTH_SESSION ? p->cred_uuid : "");
		if (!admin_exec(req, STMT_SESSION_DELETE_OTHERS, args, 2, NULL))
			return false;
	}
	args[0] = DB_STR(t->u.uuid);
	return !admin_field_bool(req, "suspended", false) ||
	       admin_exec(req, STMT_SESSIONS_DELETE_USER, args, 1, NULL);
}

static const struct jfield update_fields[] = {
	/* types only: the rules follow the checks of contract 8.1 */
	{"role_uuid", JF_STRING, false, true, 0, 0},
	{"external_id", JF_STRING, false, true, 0, 0},
	{"username", JF_STRING, false, false, 0, 0},
	{"email", JF_STRING, false, false, 0, 0},
	{"name_first", JF_STRING, false, false, 0, 0},
	{"name_last", JF_STRING, false, false, 0, 0},
	{"password", JF_STRING, false, false, 0, 0},
	{"toast_position", JF_STRING, false, false, 0, 0},
	{"start_on_grouped_servers", JF_BOOL, false, false, 0, 0},
	{"admin", JF_BOOL, false, false, 0, 0},
	{"frozen", JF_BOOL, false, false, 0, 0},
	{"suspended", JF_BOOL, false, false, 0, 0},
	{"language", JF_STRING, false, false, 0, 0},
};

/*
 * PATCH /api/admin/users/{user}: every field optional, role_uuid and
 * external_id clearable, password null = unchanged. Sub-gate, perm
 * users.update, the 403s of may_update, the rules (400), the role (400
 * invalid relation `role` provided), 409 user with
 * email/username/external_id already exists. {}
 */
static void
handle_update(struct req *req)
{
	char role[UUID_BUFSZ], *hash;
	struct db_arg args[13];
	struct target t;
	bool has_role, ok;

	if (!load_target(req, &t) ||
	    !admin_field_uuid(req, "role_uuid", role, &has_role) ||
	    !toast_ok(req) || !gate_admin_permission(req, "users.update") ||
	    !may_update(req, &t, has_role ? role : NULL) ||
	    !rules_ok(req, false, t.u.language) || !hash_password(req, &hash))
		return;
	update_args(req, &t, has_role ? role : NULL, args);
	ok = admin_tx_begin(req);
	ok = ok &&
	     admin_tx_end(
		     req,
		     (!has_role || same(role, t.u.role_uuid) ||
		      role_assignable(req, role)) &&
			     admin_exec(req, STMT_ADMIN_USER_UPDATE, args, 13,
					"user with email/username/external_id "
					"already exists") &&
			     end_sessions(req, &t, hash));
	crypto_free_str(hash);
	if (!ok)
		return;
	activity_admin(req, "user:update",
		       user_data(t.u.uuid, args[0].s, args[2].s, args[3].s,
				 args[4].s, args[5].s, args[8].i != 0,
				 args[11].s));
	response_json(req, 200, json_object_new_object());
}

/* In the open transaction: 400 user has servers, cannot delete, else the
 * deletion. The row is locked first: no server can name the user as its
 * owner meanwhile. */
static bool
delete_user(struct req *req, const struct target *t)
{
	struct db_arg args[1] = {DB_STR(t->u.uuid)};
	struct json_object *d;
	struct db_res res;
	bool owns;
	enum perr e;

	if (!admin_exec(req, STMT_USER_LOCK, args, 1, NULL))
		return false;
	e = db_exec(req->db, STMT_ADMIN_USER_SERVER_COUNT, args, 1, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return false;
	}
	owns = res.nrows != 1 || !same(db_cell(&res, 0, 0), "0");
	db_res_free(&res);
	if (owns) {
		response_error(req, 400, "user has servers, cannot delete");
		return false;
	}
	/* recorded first, so that it survives a self-deletion (the actor's
	 * column then becomes NULL) */
	d = json_object_new_object();
	ADD(d, "uuid", json_object_new_string(t->u.uuid));
	ADD(d, "username", json_str_or_null(t->u.username));
	ADD(d, "email", json_str_or_null(t->u.email));
	activity_admin(req, "user:delete", d);
	return admin_exec(req, STMT_ADMIN_USER_DELETE, args, 1, NULL);
}

/*
 * DELETE /api/admin/users/{user}: sub-gate, perm users.delete, may_touch,
 * 400 user has servers, cannot delete. Everything of the user goes with
 * it (ON DELETE CASCADE). {}
 */
static void
handle_delete(struct req *req)
{
	struct target t;

	if (!load_target(req, &t) ||
	    !gate_admin_permission(req, "users.delete") ||
	    !may_touch(req, &t) || !admin_tx_begin(req))
		return;
	if (admin_tx_end(req, delete_user(req, &t)))
		response_json(req, 200, json_object_new_object());
}

/*
 * DELETE /api/admin/users/{user}/two-factor: sub-gate, perm
 * users.disable-two-factor, may_touch, 409 two-factor authentication is
 * not enabled; the secret and the recovery codes go. {}
 */
static void
handle_two_factor(struct req *req)
{
	struct db_arg args[1];
	struct json_object *d;
	struct target t;

	if (!load_target(req, &t) ||
	    !gate_admin_permission(req, "users.disable-two-factor") ||
	    !may_touch(req, &t))
		return;
	if (!t.u.totp_enabled) {
		response_error(req, 409,
			       "two-factor authentication is not enabled");
		return;
	}
	args[0] = DB_STR(t.u.uuid);
	if (!admin_tx_begin(req) ||
	    !admin_tx_end(req, admin_exec(req, STMT_RECOVERY_DELETE_ALL, args,
					  1, NULL) &&
				       admin_exec(req, STMT_USER_TOTP_DISABLE,
						  args, 1, NULL)))
		return;
	d = json_object_new_object();
	ADD(d, "uuid", json_object_new_string(t.u.uuid));
	activity_admin(req, "user:two-factor.disable", d);
	response_json(req, 200, json_object_new_object());
}

#define NF(t) (sizeof(t) / sizeof((t)[0]))
#define USERS "/api/admin/users"

static const struct route routes[] = {
	{"GET", USERS, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_list, 0},
	{"POST", USERS, GATE_ADMIN, NULL, BODY_DEFAULT_MAX, create_fields,
	 NF(create_fields), handle_create, 0},
	/* before {user}/two-factor, which "external/two-factor" also fits */
	{"GET", USERS "/external/{external_id}", GATE_ADMIN, "users.read",
	 BODY_NONE, NULL, 0, handle_external, 0},
	{"GET", USERS "/{user}", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_get, 0},
	{"PATCH", USERS "/{user}", GATE_ADMIN, NULL, BODY_DEFAULT_MAX,
	 update_fields, NF(update_fields), handle_update, 0},
	{"DELETE", USERS "/{user}", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_delete, 0},
	{"DELETE", USERS "/{user}/two-factor", GATE_ADMIN, NULL, BODY_NONE,
	 NULL, 0, handle_two_factor, 0},
};

const struct route_group handler_admin_users_group = {routes, NF(routes)};
