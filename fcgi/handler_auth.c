/*
 * handler_auth.c: /api/auth routes that need no credential: the password
 * login (contract 4.1).
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "handler.h"
#include "json.h"
#include "log.h"
#include "mail.h"
#include "ratelimit.h"
#include "request.h"
#include "resetlink.h"
#include "response.h"
#include "session.h"
#include "settings.h"
#include "user.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char *dummy_hash;
static struct argon2_params dummy_params;

static void
make_dummy(void)
{
	char pw[33];

	crypto_random_base62(pw, 32);
	pw[32] = '\0';
	dummy_hash = crypto_password_hash(pw, &dummy_params);
	crypto_wipe(pw, sizeof(pw));
}

/*
 * The same work as a real verification, for an unknown user or an account
 * without a password, so timing does not tell which case it was.
 */
static void
burn_verify(struct req *req, const char *password)
{
	struct argon2_params p = config_argon2(req->cfg);
	bool rehash;

	dummy_params = p;
	pthread_once(&dummy_once, make_dummy);
	if (dummy_hash != NULL)
		(void)crypto_password_verify(password, dummy_hash, &p, &rehash);
}

static struct json_object *
auth_data(struct req *req, const char *using)
{
	struct json_object *d = json_object_new_object();

	ADD(d, "using", json_object_new_string(using));
	ADD(d, "user_agent", json_object_new_string(req_user_agent(req)));
	return d;
}

static const struct jfield login_fields[] = {
	{"user", JF_STRING, true, false, 0, 0},
	{"password", JF_STRING, true, false, 0, 0},
	{"captcha", JF_STRING, false, true, 0, 0},
};

struct failure {
	const char *uuid;
	struct json_object *data;
};

static void
record_failure(struct req *req, void *arg)
{
	struct failure *f = arg;

	activity_log(req, f->uuid, "auth:failure", json_object_get(f->data));
}

/*
 * POST /api/auth/login {user, password, captcha?}. No gate.
 * Raises 400 (validation; invalid username or password), 429 (auth/login
 * per IP), 503. Answers {"type":"completed","user":FullUser} with the
 * session cookie, or {"type":"two_factor_required","user":User,"token"}.
 */
static void
handle_login(struct req *req)
{
	struct json_object *o, *v;
	const char *who, *password, *stored;
	struct argon2_params ap = config_argon2(req->cfg);
	struct user_row u = {0};
	struct db_arg args[2];
	struct db_res res;
	bool rehash = false, ok = false;
	enum perr e;

	json_object_object_get_ex(req->json, "user", &v);
	who = json_object_get_string(v);
	json_object_object_get_ex(req->json, "password", &v);
	password = json_object_get_string(v);
	if (strlen(password) > 512) {
		response_error(req, 400,
			       "password: length is greater than 512");
		return;
	}
	if (!ratelimit_hit(req, &RL_AUTH_LOGIN, req->client_ip))
		return;
	args[0] = DB_STR(who);
	e = db_exec(req->db,
		    strchr(who, '@') ? STMT_USER_AUTH_BY_EMAIL
				     : STMT_USER_AUTH_BY_USERNAME,
		    args, 1, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	stored = res.nrows == 1 ? db_cell(&res, 0, USER_NCOLS) : NULL;
	if (stored != NULL)
		ok = crypto_password_verify(password, stored, &ap, &rehash);
	else
		burn_verify(req, password);
	if (res.nrows == 1)
		user_row_read(req, &res, 0, 0, &u);
	db_res_free(&res);
	if (!ok) {
		/* recorded once the answer has left, so that a wrong password
		 * answers in the time an unknown user does */
		if (stored != NULL) {
			struct failure *f =
				arena_alloc(&req->arena, sizeof(*f));

			f->uuid = u.uuid;
			f->data = req_own(req, auth_data(req, "password"));
			req_after(req, record_failure, f);
		}
		log_info(req, "login refused");
		response_error(req, 400, "invalid username or password");
		return;
	}
	if (rehash) {
		/* imported bcrypt, or older Argon2 parameters: upgrade */
		char *hash = crypto_password_hash(password, &ap);

		if (hash != NULL) {
			args[0] = DB_STR(hash);
			args[1] = DB_STR(u.uuid);
			if (db_exec(req->db, STMT_USER_SET_PASSWORD, args, 2,
				    NULL) != PERR_OK)
				log_warn(req, "password hash not upgraded");
			crypto_free_str(hash);
		}
	}
	o = json_object_new_object();
	if (u.totp_enabled) {
		char token[SESSION_CHECKPOINT_BUFSZ];

		session_checkpoint_token(req->cfg, u.uuid, token);
		/* the one token that may be redeemed (single use) */
		args[0] = DB_STRN(token + SESSION_CHECKPOINT_NONCE_AT,
				  SESSION_CHECKPOINT_NONCE_LEN);
		args[1] = DB_STR(u.uuid);
		e = db_exec(req->db, STMT_USER_CHECKPOINT_SET, args, 2, NULL);
		if (e != PERR_OK) {
			crypto_wipe(token, sizeof(token));
			json_object_put(o);
			response_fail(req, e);
			return;
		}
		ADD(o, "type", json_object_new_string("two_factor_required"));
		ADD(o, "user", user_public_json(&u));
		ADD(o, "token", json_object_new_string(token));
		crypto_wipe(token, sizeof(token));
		activity_log(req, u.uuid, "auth:checkpoint",
			     auth_data(req, "password"));
		response_json(req, 200, o);
		return;
	}
	json_object_put(o);
	if (session_complete_login(req, &u, true))
		activity_log(req, u.uuid, "auth:success",
			     auth_data(req, "password"));
}

/* ---- registration ---------------------------------------------------------
 */

static const struct rl_rule RL_REGISTER = {"auth/register", "auth_register", 10,
					   3600};
static const struct rl_rule RL_FORGOT = {"auth/password/forgot",
					 "auth_password_forgot", 10, 3600};
static const struct rl_rule RL_FORGOT_EMAIL = {
	"auth/password/forgot:email", "auth_password_forgot", 10, 3600};
static const struct rl_rule RL_RESET = {"auth/password/reset",
					"auth_password_reset", 10, 300};

static const struct jfield register_fields[] = {
	{"username", JF_STRING, true, false, 3, 15},
	{"email", JF_STRING, true, false, 0, 0},
	{"name_first", JF_STRING, true, false, 1, 255},
	{"name_last", JF_STRING, true, false, 1, 255},
	{"password", JF_STRING, true, false, 8, 512},
	{"captcha", JF_STRING, false, true, 0, 0},
};

/*
 * POST /api/auth/register (contract 4.3), when app::registration_enabled.
 * Unlike the real panel no registered account is ever an administrator.
 * Raises 400 (validation, registration is disabled, user with username or
 * email already exists), 429. {"user": FullUser} with the session cookie.
 */
static void
handle_register(struct req *req)
{
	const char *username = req_body_str(req, "username", "");
	const char *email = req_body_str(req, "email", ""), *msg;
	struct argon2_params ap = config_argon2(req->cfg);
	const struct settings *s;
	struct user_row u;
	char uuid[CRYPTO_UUID_BUFSZ], *hash;
	enum perr e;

	msg = user_check_username(username);
	if (msg == NULL && user_check_email(email) != NULL) {
		response_error(req, 400,
			       arena_printf(&req->arena, "email: %s",
					    user_check_email(email)));
		return;
	}
	if (msg != NULL) {
		response_error(req, 400,
			       arena_printf(&req->arena, "username: %s", msg));
		return;
	}
	e = settings_current(req->db, req->cfg->settings_cache_seconds, &s);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (!settings_bool(s, "app::registration_enabled", true)) {
		response_error(req, 400, "registration is disabled");
		return;
	}
	if (!ratelimit_hit(req, &RL_REGISTER, req->client_ip))
		return;
	hash = crypto_password_hash(req_body_str(req, "password", ""), &ap);
	if (hash == NULL) {
		response_fail(req, PERR_SYS);
		return;
	}
	e = user_create(req->db, username, email,
			req_body_str(req, "name_first", ""),
			req_body_str(req, "name_last", ""), hash, false, uuid);
	crypto_free_str(hash);
	if (e == PERR_CONFLICT) {
		response_error(req, 400,
			       "user with username or email already exists");
		return;
	}
	if (e == PERR_OK)
		e = session_load_user(req, uuid, &u);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	(void)session_complete_login(req, &u, false);
}

/* ---- password reset -------------------------------------------------------
 */

static const struct jfield forgot_fields[] = {
	{"email", JF_STRING, true, false, 0, 0},
	{"captcha", JF_STRING, false, true, 0, 0},
};

/* Creates a token for user uuid and mails the link (at most one per 20
 * minutes). Failures are logged only: the answer is {} regardless. */
static void
send_reset(struct req *req, const char *uuid, const char *email)
{
	char token[RESETLINK_TOKEN_LEN + 1];
	struct db_arg arg = DB_STR(uuid);
	struct db_res res;
	struct json_object *d;
	long long recent = 1;

	if (db_exec(req->db, STMT_RESET_RECENT, &arg, 1, &res) == PERR_OK) {
		if (res.nrows == 1 && db_cell(&res, 0, 0))
			recent = strtoll(db_cell(&res, 0, 0), NULL, 10);
		db_res_free(&res);
	}
	if (recent > 0 || !resetlink_create(req, uuid, token))
		return;
	resetlink_mail(req, email, NULL, token, RESETLINK_FORGOT);
	crypto_wipe(token, sizeof(token));
	d = json_object_new_object();
	ADD(d, "user_agent", json_object_new_string(req_user_agent(req)));
	activity_log(req, uuid, "email:password-reset", d);
}

/*
 * POST /api/auth/password/forgot {email}: always {} (the same answer, and
 * the mail leaves in the background, whether or not the address exists).
 * Raises 400 (validation), 429 (per IP, per address).
 */
static void
handle_forgot(struct req *req)
{
	const char *email = req_body_str(req, "email", ""), *msg;
	struct db_arg args[1];
	struct db_res res;
	enum perr e;

	msg = user_check_email(email);
	if (msg != NULL) {
		response_error(req, 400,
			       arena_printf(&req->arena, "email: %s", msg));
		return;
	}
	if (!ratelimit_hit(req, &RL_FORGOT, req->client_ip) ||
	    !ratelimit_hit(req, &RL_FORGOT_EMAIL, email))
		return;
	args[0] = DB_STR(email);
	e = db_exec(req->db, STMT_USER_AUTH_BY_EMAIL, args, 1, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (res.nrows == 1) {
		char *uuid = arena_strdup(&req->arena, db_cell(&res, 0, 0));
		char *to = arena_strdup(&req->arena, db_cell(&res, 0, 2));

		db_res_free(&res);
		send_reset(req, uuid, to);
	} else {
		db_res_free(&res);
	}
	response_json(req, 200, json_object_new_object());
}

static const struct jfield reset_fields[] = {
	{"token", JF_STRING, true, false, RESETLINK_TOKEN_LEN,
	 RESETLINK_TOKEN_LEN},
	{"new_password", JF_STRING, true, false, 8, 512},
};

/*
 * POST /api/auth/password/reset {token, new_password}: the token works
 * once, within 20 minutes; the new password ends every session of the
 * user. Raises 400 (validation, invalid or expired token), 429. {}
 */
static void
handle_reset(struct req *req)
{
	const char *token = req_body_str(req, "token", "");
	struct argon2_params ap = config_argon2(req->cfg);
	unsigned char hash[CRYPTO_SHA256_LEN];
	char id[CRYPTO_UUID_BUFSZ], uuid[CRYPTO_UUID_BUFSZ], *pw;
	struct db_arg args[2];
	struct db_res res;
	struct json_object *d;
	bool found = false;
	enum perr e;
	size_t i;

	if (!ratelimit_hit(req, &RL_RESET, req->client_ip))
		return;
	if (!str_token_chars(token, "")) {
		response_error(req, 400, "invalid or expired token");
		return;
	}
	crypto_sha256(token, strlen(token), hash);
	args[0] = DB_STRN(token, RESETLINK_START_LEN);
	e = db_exec(req->db, STMT_RESET_FIND, args, 1, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	for (i = 0; i < res.nrows; i++) {
		const char *h = db_cell(&res, i, 2);

		if (h != NULL && crypto_ct_eq(hash, sizeof(hash), h,
					      res.lens[i * res.ncols + 2])) {
			snprintf(id, sizeof(id), "%s", db_cell(&res, i, 0));
			snprintf(uuid, sizeof(uuid), "%s", db_cell(&res, i, 1));
			found = true;
		}
	}
	db_res_free(&res);
	if (!found) {
		response_error(req, 400, "invalid or expired token");
		return;
	}
	pw = crypto_password_hash(req_body_str(req, "new_password", ""), &ap);
	if (pw == NULL) {
		response_fail(req, PERR_SYS);
		return;
	}
	/* redeem (once), new password, every session ends: together */
	e = db_tx_begin(req->db);
	args[0] = DB_STR(id);
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_RESET_DELETE, args, 1, &res);
	if (e == PERR_OK && res.affected != 1)
		e = PERR_NOENT;
	if (e == PERR_OK) {
		args[0] = DB_STR(pw);
		args[1] = DB_STR(uuid);
		e = db_exec(req->db, STMT_USER_SET_PASSWORD, args, 2, NULL);
	}
	if (e == PERR_OK) {
		args[0] = DB_STR(uuid);
		e = db_exec(req->db, STMT_SESSIONS_DELETE_USER, args, 1, NULL);
	}
	e = db_tx_end(req->db, e);
	crypto_free_str(pw);
	if (e == PERR_NOENT) {
		response_error(req, 400, "invalid or expired token");
		return;
	}
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	d = json_object_new_object();
	ADD(d, "user_agent", json_object_new_string(req_user_agent(req)));
	activity_log(req, uuid, "auth:reset-password", d);
	response_json(req, 200, json_object_new_object());
}

static const struct route routes[] = {
	{"POST", "/api/auth/login", GATE_NONE, NULL, BODY_LOGIN_MAX,
	 login_fields, sizeof(login_fields) / sizeof(login_fields[0]),
	 handle_login, 0},
	{"POST", "/api/auth/register", GATE_NONE, NULL, BODY_LOGIN_MAX,
	 register_fields, sizeof(register_fields) / sizeof(register_fields[0]),
	 handle_register, 0},
	{"POST", "/api/auth/password/forgot", GATE_NONE, NULL, BODY_LOGIN_MAX,
	 forgot_fields, sizeof(forgot_fields) / sizeof(forgot_fields[0]),
	 handle_forgot, 0},
	{"POST", "/api/auth/password/reset", GATE_NONE, NULL, BODY_LOGIN_MAX,
	 reset_fields, sizeof(reset_fields) / sizeof(reset_fields[0]),
	 handle_reset, 0},
};

const struct route_group handler_auth_group = {
	routes, sizeof(routes) / sizeof(routes[0])};
