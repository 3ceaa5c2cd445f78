/*
 * handler_twofactor.c: TOTP two-factor authentication (contract 4.2, 5.5,
 * 5.6, 5.7, 10): setup, enable, disable, and the login checkpoint.
 *
 * At rest the TOTP secret is sealed with AES-256-GCM under the secrets
 * file's encryption_key (the user's uuid as associated data) and recovery
 * codes are kept as HMAC-SHA256 under the same key: a copy of the database
 * alone gives nobody a second factor. Beyond the real panel: a time step
 * is accepted once (at the checkpoint, on enable and on disable), the
 * checkpoint token is single-use, and the checkpoint is rate-limited per
 * user as well as per IP.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "activity.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "log.h"
#include "ratelimit.h"
#include "request.h"
#include "response.h"
#include "session.h"
#include "settings.h"
#include "totp.h"
#include "user.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define RECOVERY_CODES 10
#define RECOVERY_LEN 10
#define SEALED_LEN (CRYPTO_SEAL_OVERHEAD + TOTP_SECRET_BYTES)

static const struct rl_rule RL_CHECKPOINT = {"auth/login/checkpoint",
					     "auth_login_checkpoint", 10, 300};
static const struct rl_rule RL_CHECKPOINT_USER = {
	"auth/login/checkpoint:user", "auth_login_checkpoint", 10, 300};

/* The stored two-factor state of a user. */
struct tfa {
	unsigned char secret[TOTP_SECRET_BYTES];
	bool has_secret, enabled;
	char *password; /* stored hash or NULL (arena) */
};

static enum perr
load_tfa(struct req *req, const char *uuid, struct tfa *t)
{
	struct db_arg args[1] = {DB_STR(uuid)};
	struct db_res res;
	const char *sealed;
	enum perr e;

	memset(t, 0, sizeof(*t));
	e = db_exec(req->db, STMT_USER_TOTP_GET, args, 1, &res);
	if (e != PERR_OK)
		return e;
	if (res.nrows != 1) {
		db_res_free(&res);
		return PERR_NOENT;
	}
	sealed = db_cell(&res, 0, 0);
	t->has_secret = sealed != NULL && res.lens[0] == SEALED_LEN &&
			crypto_open(req->cfg->encryption_key, uuid,
				    strlen(uuid), (const unsigned char *)sealed,
				    SEALED_LEN, t->secret);
	if (sealed != NULL && !t->has_secret)
		log_warn(req, "a stored TOTP secret does not open (another "
			      "encryption_key?)");
	t->enabled = db_cell(&res, 0, 1) && strcmp(db_cell(&res, 0, 1), "0");
	t->password = db_cell(&res, 0, 3)
			      ? arena_strdup(&req->arena, db_cell(&res, 0, 3))
			      : NULL;
	db_res_free(&res);
	return PERR_OK;
}

static void
recovery_hash(const struct req *req, const char *uuid, const char *code,
	      unsigned char out[CRYPTO_SHA256_LEN])
{
	char data[64];
	int n = snprintf(data, sizeof(data), "%s:%s", uuid, code);

	if (n < 0 ||
	    !crypto_hmac_sha256(req->cfg->encryption_key, CONFIG_KEY_BYTES,
				data, (size_t)n, out))
		memset(out, 0, CRYPTO_SHA256_LEN);
	crypto_wipe(data, sizeof(data));
}

/* Takes a TOTP step once: 0 = taken now, 1 = used before, else -1. */
static int
take_step(struct req *req, const char *uuid, uint64_t step)
{
	struct db_arg args[3] = {DB_INT((long long)step), DB_STR(uuid),
				 DB_INT((long long)step)};
	struct db_res res;

	if (db_exec(req->db, STMT_USER_TOTP_USED, args, 3, &res) != PERR_OK)
		return -1;
	return res.affected == 1 ? 0 : 1;
}

/* Deletes a matching recovery code: 0 = used now, 1 = none, -1 = error. */
static int
use_recovery(struct req *req, const char *uuid, const char *code)
{
	unsigned char h[CRYPTO_SHA256_LEN];
	struct db_arg args[2];
	struct db_res res;
	enum perr e;

	recovery_hash(req, uuid, code, h);
	args[0] = DB_STR(uuid);
	args[1] = DB_BIN(h, sizeof(h));
	e = db_exec(req->db, STMT_RECOVERY_USE, args, 2, &res);
	if (e != PERR_OK)
		return -1;
	return res.affected == 1 ? 0 : 1;
}

/* RFC 3986 percent-encoding of everything but the unreserved characters. */
static char *
pct(struct req *req, const char *s)
{
	char *out = arena_alloc(&req->arena, strlen(s) * 3 + 1), *o = out;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			*o++ = (char)c;
		else {
			static const char hexd[] = "0123456789ABCDEF";

			*o++ = '%';
			*o++ = hexd[c >> 4];
			*o++ = hexd[c & 15];
		}
	}
	*o = '\0';
	return out;
}

/* ---- setup, enable, disable ---------------------------------------------- */

/* GET /api/client/account/two-factor: a new pending secret. Perm
 * account.two-factor. Raises 409 already enabled, 409 account is frozen. */
static void
handle_setup(struct req *req)
{
	const struct principal *p = req->principal;
	unsigned char secret[TOTP_SECRET_BYTES], sealed[SEALED_LEN];
	char b32[TOTP_SECRET_B32 + 1];
	const struct settings *s;
	struct json_object *o;
	struct db_arg args[2];
	struct tfa t;
	enum perr e;

	e = load_tfa(req, p->user.uuid, &t);
	crypto_wipe(t.secret, sizeof(t.secret));
	if (e == PERR_OK)
		e = settings_current(req->db, req->cfg->settings_cache_seconds,
				     &s);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (t.enabled) {
		response_error(req, 409,
			       "two-factor authentication is already enabled");
		return;
	}
	if (p->user.frozen) {
		response_error(req, 409, "account is frozen");
		return;
	}
	crypto_random(secret, sizeof(secret));
	base32_encode(secret, sizeof(secret), false, b32);
	if (!crypto_seal(req->cfg->encryption_key, p->user.uuid,
			 strlen(p->user.uuid), secret, sizeof(secret),
			 sealed)) {
		crypto_wipe(secret, sizeof(secret));
		response_fail(req, PERR_SYS);
		return;
	}
	crypto_wipe(secret, sizeof(secret));
	args[0] = DB_BIN(sealed, sizeof(sealed));
	args[1] = DB_STR(p->user.uuid);
	e = db_exec(req->db, STMT_USER_TOTP_SET_SECRET, args, 2, NULL);
	if (e != PERR_OK) {
		crypto_wipe(b32, sizeof(b32));
		response_fail(req, e);
		return;
	}
	{
		const char *app =
			pct(req, settings_str(s, "app::name", "Calagopus"));

		o = json_object_new_object();
		ADD(o, "otp_url",
		    json_object_new_string(arena_printf(
			    &req->arena,
			    "otpauth://totp/%s:%s?secret=%s&issuer=%s", app,
			    pct(req, p->user.email), b32, app)));
		ADD(o, "secret", json_object_new_string(b32));
	}
	crypto_wipe(b32, sizeof(b32));
	response_json(req, 200, o);
}

static const struct jfield enable_fields[] = {
	{"code", JF_STRING, true, false, 6, 6},
	{"password", JF_STRING, true, false, 0, 0},
};

/* POST /api/client/account/two-factor {code, password}: enables it and
 * answers {"recovery_codes": [10 codes]}, the only time they are shown.
 * Raises 401 not configured, 403 invalid password, 400, 409. */
static void
handle_enable(struct req *req)
{
	const struct principal *p = req->principal;
	const char *code = req_body_str(req, "code", ""),
		   *pw = req_body_str(req, "password", "");
	struct json_object *codes, *o;
	struct db_arg args[2];
	uint64_t step;
	struct tfa t;
	enum perr e;
	int i;

	e = load_tfa(req, p->user.uuid, &t);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (t.enabled || p->user.frozen || !t.has_secret) {
		crypto_wipe(t.secret, sizeof(t.secret));
		if (t.enabled)
			response_error(req, 409,
				       "two-factor authentication is "
				       "already enabled");
		else if (p->user.frozen)
			response_error(req, 409, "account is frozen");
		else
			response_error(req, 401,
				       "two-factor authentication has "
				       "not been configured");
		return;
	}
	if (strlen(pw) > 512 ||
	    !user_password_matches(req->cfg, t.password, pw)) {
		crypto_wipe(t.secret, sizeof(t.secret));
		response_error(req, strlen(pw) > 512 ? 400 : 403,
			       strlen(pw) > 512
				       ? "password: length is greater than 512"
				       : "invalid password");
		return;
	}
	if (!totp_verify(t.secret, sizeof(t.secret), code, time(NULL), &step)) {
		crypto_wipe(t.secret, sizeof(t.secret));
		response_error(req, 400, "invalid confirmation code");
		return;
	}
	crypto_wipe(t.secret, sizeof(t.secret));
	codes = json_object_new_array();
	e = db_tx_begin(req->db);
	if (e == PERR_OK) {
		args[0] = DB_INT((long long)step);
		args[1] = DB_STR(p->user.uuid);
		e = db_exec(req->db, STMT_USER_TOTP_ENABLE, args, 2, NULL);
	}
	if (e == PERR_OK) {
		args[0] = DB_STR(p->user.uuid);
		e = db_exec(req->db, STMT_RECOVERY_DELETE_ALL, args, 1, NULL);
	}
	for (i = 0; e == PERR_OK && i < RECOVERY_CODES; i++) {
		char c[RECOVERY_LEN + 1];
		unsigned char h[CRYPTO_SHA256_LEN];

		crypto_random_base62(c, RECOVERY_LEN);
		c[RECOVERY_LEN] = '\0';
		recovery_hash(req, p->user.uuid, c, h);
		args[0] = DB_STR(p->user.uuid);
		args[1] = DB_BIN(h, sizeof(h));
		e = db_exec(req->db, STMT_RECOVERY_INSERT, args, 2, NULL);
		json_object_array_add(codes, json_object_new_string(c));
		crypto_wipe(c, sizeof(c));
	}
	e = db_tx_end(req->db, e);
	if (e != PERR_OK) {
		json_object_put(codes);
		response_fail(req, e);
		return;
	}
	activity_log(req, p->user.uuid, "account:two-factor.enable", NULL);
	o = json_object_new_object();
	ADD(o, "recovery_codes", codes);
	response_json(req, 200, o);
}

static const struct jfield disable_fields[] = {
	{"code", JF_STRING, true, false, 6, 10},
	{"password", JF_STRING, true, false, 0, 0},
};

/*
 * Checks a second-factor code of user uuid: 6 characters are TOTP (each
 * step once), 10 a recovery code (deleted on use). Returns NULL on success
 * with *using set, else the error message for a 400 (or NULL with the
 * response set on a database failure: *failed).
 */
static const char *
second_factor(struct req *req, const char *uuid, const struct tfa *t,
	      const char *code, const char **using, bool *failed)
{
	uint64_t step;
	size_t n = strlen(code);
	int r;

	*failed = false;
	if (n == TOTP_DIGITS) {
		if (!t->has_secret || !totp_verify(t->secret, sizeof(t->secret),
						   code, time(NULL), &step))
			return "invalid confirmation code";
		r = take_step(req, uuid, step);
		if (r == 1)
			return "this code has already been used";
		*using = "two-factor";
	} else if (n == RECOVERY_LEN) {
		r = use_recovery(req, uuid, code);
		if (r == 1)
			return "invalid recovery code";
		*using = "recovery-code";
	} else {
		return "invalid confirmation code";
	}
	if (r < 0) {
		*failed = true;
		response_fail(req, PERR_DB);
	}
	return NULL;
}

/* DELETE /api/client/account/two-factor {code, password}: disables it,
 * deletes the recovery codes and ends every other session of the user.
 * Raises 409 not enabled, 403 invalid password, 400. {} */
static void
handle_disable(struct req *req)
{
	const struct principal *p = req->principal;
	const char *code = req_body_str(req, "code", ""),
		   *pw = req_body_str(req, "password", "");
	const char *msg, *using = NULL;
	struct db_arg args[2];
	struct tfa t;
	bool failed;
	enum perr e;

	e = load_tfa(req, p->user.uuid, &t);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (!t.enabled) {
		crypto_wipe(t.secret, sizeof(t.secret));
		response_error(req, 409,
			       "two-factor authentication is not enabled");
		return;
	}
	if (strlen(pw) > 512 ||
	    !user_password_matches(req->cfg, t.password, pw)) {
		crypto_wipe(t.secret, sizeof(t.secret));
		response_error(req, strlen(pw) > 512 ? 400 : 403,
			       strlen(pw) > 512
				       ? "password: length is greater than 512"
				       : "invalid password");
		return;
	}
	if (strlen(code) > TOTP_DIGITS && strlen(code) < RECOVERY_LEN) {
		crypto_wipe(t.secret, sizeof(t.secret));
		response_error(req, 400, "invalid confirmation code length");
		return;
	}
	msg = second_factor(req, p->user.uuid, &t, code, &using, &failed);
	crypto_wipe(t.secret, sizeof(t.secret));
	if (failed)
		return;
	if (msg != NULL) {
		response_error(req, 400, msg);
		return;
	}
	e = db_tx_begin(req->db);
	args[0] = DB_STR(p->user.uuid);
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_RECOVERY_DELETE_ALL, args, 1, NULL);
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_USER_TOTP_DISABLE, args, 1, NULL);
	if (e == PERR_OK) {
		args[1] = DB_STR(p->method == AUTH_SESSION ? p->cred_uuid : "");
		e = db_exec(req->db, STMT_SESSION_DELETE_OTHERS, args, 2, NULL);
	}
	e = db_tx_end(req->db, e);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	activity_log(req, p->user.uuid, "account:two-factor.disable", NULL);
	response_json(req, 200, json_object_new_object());
}

/* ---- the login checkpoint ------------------------------------------------ */

static const struct jfield checkpoint_fields[] = {
	{"code", JF_STRING, true, false, 0, 0},
	{"confirmation_token", JF_STRING, true, false, 0, 0},
};

/*
 * POST /api/auth/login/checkpoint {code, confirmation_token}. No gate.
 * Raises 400 invalid confirmation token / code / recovery code, this code
 * has already been used; 429. Answers {"user": FullUser} with the cookie.
 */
static void
handle_checkpoint(struct req *req)
{
	const char *code = req_body_str(req, "code", "");
	const char *msg, *using = NULL;
	char uuid[37], nonce[SESSION_CHECKPOINT_NONCE_LEN + 1];
	struct user_row u;
	struct db_arg args[2];
	struct db_res res;
	struct json_object *d;
	struct tfa t;
	bool failed;
	enum perr e;

	if (!session_checkpoint_verify(
		    req->cfg, req_body_str(req, "confirmation_token", ""),
		    time(NULL), uuid, nonce)) {
		response_error(req, 400, "invalid confirmation token");
		return;
	}
	if (!ratelimit_hit(req, &RL_CHECKPOINT, req->client_ip) ||
	    !ratelimit_hit(req, &RL_CHECKPOINT_USER, uuid))
		return;
	e = load_tfa(req, uuid, &t);
	if (e == PERR_NOENT || (e == PERR_OK && !t.enabled)) {
		crypto_wipe(t.secret, sizeof(t.secret));
		response_error(req, 400, "invalid confirmation token");
		return;
	}
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	/*
	 * The token works once: whoever clears its nonce first wins. Its
	 * redemption and the code's use are one transaction, so a refused
	 * token does not burn the code and a refused code not the token.
	 */
	e = db_tx_begin(req->db);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(nonce);
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_USER_CHECKPOINT_TAKE, args, 2, &res);
	if (e != PERR_OK) {
		db_tx_rollback(req->db);
		crypto_wipe(t.secret, sizeof(t.secret));
		response_fail(req, e);
		return;
	}
	if (res.affected != 1) {
		db_tx_rollback(req->db);
		crypto_wipe(t.secret, sizeof(t.secret));
		response_error(req, 400, "invalid confirmation token");
		return;
	}
	msg = second_factor(req, uuid, &t, code, &using, &failed);
	crypto_wipe(t.secret, sizeof(t.secret));
	if (failed || msg != NULL) {
		db_tx_rollback(req->db);
		if (msg != NULL)
			response_error(req, 400, msg);
		return;
	}
	e = db_tx_commit(req->db);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	e = session_load_user(req, uuid, &u);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (session_complete_login(req, &u, false)) {
		d = json_object_new_object();
		ADD(d, "using", json_object_new_string(using));
		activity_log(req, uuid, "auth:success", d);
	}
}

#define NF(t) (sizeof(t) / sizeof((t)[0]))
#define TFA "/api/client/account/two-factor"

static const struct route routes[] = {
	{"GET", TFA, GATE_CLIENT, "account.two-factor", BODY_NONE, NULL, 0,
	 handle_setup, ROUTE_EXEMPT_TWO_FACTOR},
	{"POST", TFA, GATE_CLIENT, "account.two-factor", BODY_LOGIN_MAX,
	 enable_fields, NF(enable_fields), handle_enable,
	 ROUTE_EXEMPT_TWO_FACTOR},
	{"DELETE", TFA, GATE_CLIENT, "account.two-factor", BODY_LOGIN_MAX,
	 disable_fields, NF(disable_fields), handle_disable,
	 ROUTE_EXEMPT_TWO_FACTOR},
	{"POST", "/api/auth/login/checkpoint", GATE_NONE, NULL, BODY_LOGIN_MAX,
	 checkpoint_fields, NF(checkpoint_fields), handle_checkpoint, 0},
};

const struct route_group handler_twofactor_group = {routes, NF(routes)};
