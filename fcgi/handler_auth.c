/*
 * handler_auth.c: /api/auth routes that need no credential: the password
 * login (contract 4.1).
 */
#include "autoconf.h"

#include <pthread.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "handler.h"
#include "json.h"
#include "log.h"
#include "ratelimit.h"
#include "request.h"
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

static struct argon2_params
params(const struct req *req)
{
	struct argon2_params p = {(unsigned long)req->cfg->argon2_time,
				  (unsigned long)req->cfg->argon2_memory_kib,
				  (unsigned long)req->cfg->argon2_parallelism};

	return p;
}

/*
 * The same work as a real verification, for an unknown user or an account
 * without a password, so timing does not tell which case it was.
 */
static void
burn_verify(struct req *req, const char *password)
{
	struct argon2_params p = params(req);
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
	struct argon2_params ap = params(req);
	const struct settings *s;
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
		if (stored != NULL)
			activity_log(req, u.uuid, "auth:failure",
				     auth_data(req, "password"));
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
	e = session_create(req, u.uuid);
	if (e == PERR_OK)
		e = settings_current(req->db, req->cfg->settings_cache_seconds,
				     &s);
	if (e != PERR_OK) {
		json_object_put(o);
		req->set_cookie = NULL;
		response_fail(req, e);
		return;
	}
	activity_log(req, u.uuid, "auth:success", auth_data(req, "password"));
	ADD(o, "type", json_object_new_string("completed"));
	ADD(o, "user",
	    user_full_json(&u, user_requires_two_factor(
				       &u, settings_get(s, "app::two_factor_"
							   "requirement"))));
	response_json(req, 200, o);
}

static const struct route routes[] = {
	{"POST", "/api/auth/login", GATE_NONE, NULL, BODY_LOGIN_MAX,
	 login_fields, sizeof(login_fields) / sizeof(login_fields[0]),
	 handle_login, 0},
};

const struct route_group handler_auth_group = {
	routes, sizeof(routes) / sizeof(routes[0])};
