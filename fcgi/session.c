/* session.c: see session.h. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "gate.h"
#include "log.h"
#include "request.h"
#include "response.h"
#include "session.h"
#include "settings.h"

#define TAG_HEX (2 * CRYPTO_SHA256_LEN)
#define SIGNED_LEN (SESSION_COOKIE_LEN - 1 - TAG_HEX)

static bool
is_base62(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static void
tag_hex(const unsigned char *key, const char *data, size_t len,
	char out[TAG_HEX + 1])
{
	unsigned char mac[CRYPTO_SHA256_LEN];

	if (!crypto_hmac_sha256(key, CONFIG_KEY_BYTES, data, len, mac))
		memset(mac, 0, sizeof(mac)); /* never matches a real tag */
	crypto_hex(mac, sizeof(mac), out);
	crypto_wipe(mac, sizeof(mac));
}

enum perr
session_cookie_parse(const struct config *cfg, const char *v, time_t now,
		     struct session_cookie *out)
{
	char want[TAG_HEX + 1], digits[11];
	bool match = false;
	int64_t exp;
	size_t i;

	/* v1.<16>.<43>.<10>.<64> */
	if (strlen(v) != SESSION_COOKIE_LEN || strncmp(v, "v1.", 3) != 0 ||
	    v[19] != '.' || v[63] != '.' || v[74] != '.' ||
	    !is_base62(v + 3, SESSION_KEY_ID_LEN) ||
	    !is_base62(v + 20, SESSION_SECRET_LEN) ||
	    strspn(v + 64, "0123456789") < 10 ||
	    strspn(v + 75, "0123456789abcdef") != TAG_HEX)
		return PERR_INVAL;
	for (i = 0; i < cfg->ncookie_keys; i++) {
		tag_hex(cfg->cookie_keys[i], v, SIGNED_LEN, want);
		/* every key is tried: the time does not tell which matched */
		if (crypto_ct_eq(want, TAG_HEX, v + 75, TAG_HEX))
			match = true;
	}
	crypto_wipe(want, sizeof(want));
	if (!match)
		return PERR_UNAUTH;
	memcpy(digits, v + 64, 10);
	digits[10] = '\0';
	if (!parse_int64(digits, 0, 9999999999LL, &exp) || exp <= (int64_t)now)
		return PERR_UNAUTH;
	memcpy(out->key_id, v + 3, SESSION_KEY_ID_LEN);
	out->key_id[SESSION_KEY_ID_LEN] = '\0';
	memcpy(out->secret, v + 20, SESSION_SECRET_LEN);
	out->secret[SESSION_SECRET_LEN] = '\0';
	out->expires = exp;
	return PERR_OK;
}

void
session_cookie_make(const struct config *cfg, const struct session_cookie *c,
		    char out[SESSION_COOKIE_LEN + 1])
{
	char tag[TAG_HEX + 1];

	snprintf(out, SESSION_COOKIE_LEN + 1, "v1.%s.%s.%010lld.", c->key_id,
		 c->secret, c->expires);
	tag_hex(cfg->cookie_keys[0], out, SIGNED_LEN, tag);
	memcpy(out + SIGNED_LEN + 1, tag, TAG_HEX + 1);
}

void
session_set_cookie(struct req *req, const char *value, time_t expires)
{
	char date[64];
	struct tm tm;

	gmtime_r(&expires, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	/* one session cookie per response: the last decision wins */
	req->set_cookie = (arena_printf(
		&req->arena,
		"%s=%s; Expires=%s; Path=/; HttpOnly; "
		"SameSite=Lax%s",
		req->cfg->session_cookie, value, date,
		str_has_prefix(req->cfg->panel_url, "https://") ? "; Secure"
								: ""));
}

/* Sets the cookie for c, expiring session_duration from now. */
static void
issue(struct req *req, struct session_cookie *c)
{
	char value[SESSION_COOKIE_LEN + 1];
	time_t now = time(NULL);

	c->expires = (long long)now + req->cfg->session_duration;
	session_cookie_make(req->cfg, c, value);
	session_set_cookie(req, value, (time_t)c->expires);
	crypto_wipe(value, sizeof(value));
}

enum perr
session_create(struct req *req, const char *user_uuid)
{
	struct session_cookie c;
	unsigned char hash[CRYPTO_SHA256_LEN];
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_arg args[6];
	enum perr e;

	crypto_uuid_v4(uuid);
	crypto_random_base62(c.key_id, SESSION_KEY_ID_LEN);
	c.key_id[SESSION_KEY_ID_LEN] = '\0';
	crypto_random_base62(c.secret, SESSION_SECRET_LEN);
	c.secret[SESSION_SECRET_LEN] = '\0';
	crypto_sha256(c.secret, SESSION_SECRET_LEN, hash);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(user_uuid);
	args[2] = DB_STR(c.key_id);
	args[3] = DB_BIN(hash, sizeof(hash));
	args[4] = DB_STR(req->client_ip);
	args[5] = DB_STR(req_user_agent(req));
	e = db_exec(req->db, STMT_SESSION_INSERT, args, 6, NULL);
	if (e == PERR_OK)
		issue(req, &c);
	crypto_wipe(&c, sizeof(c));
	return e;
}

bool
session_authenticate(struct req *req, const char *value, struct principal *p,
		     int *status, const char **msg)
{
	unsigned char hash[CRYPTO_SHA256_LEN];
	struct session_cookie c;
	struct db_arg args[3];
	struct db_res res;
	const char *stored, *idle_s;
	int64_t idle = 0;
	bool ok;
	enum perr e;

	*status = 401;
	e = session_cookie_parse(req->cfg, value, time(NULL), &c);
	if (e != PERR_OK) {
		*msg = e == PERR_INVAL ? "invalid authorization cookie"
				       : "invalid session";
		return false;
	}
	args[0] = DB_STR(c.key_id);
	e = db_exec(req->db, STMT_SESSION_AUTH, args, 1, &res);
	if (e != PERR_OK) {
		crypto_wipe(&c, sizeof(c));
		*status = e == PERR_DBDOWN ? 503 : 500;
		*msg = e == PERR_DBDOWN ? "database unavailable"
					: "internal server error";
		return false;
	}
	crypto_sha256(c.secret, SESSION_SECRET_LEN, hash);
	stored = res.nrows == 1 ? db_cell(&res, 0, USER_NCOLS + 1) : NULL;
	ok = stored != NULL &&
	     crypto_ct_eq(hash, sizeof(hash), stored, res.lens[USER_NCOLS + 1]);
	crypto_wipe(hash, sizeof(hash));
	if (!ok) {
		db_res_free(&res);
		crypto_wipe(&c, sizeof(c));
		*msg = "invalid session";
		return false;
	}
	user_row_read(req, &res, 0, 0, &p->user);
	p->method = AUTH_SESSION;
	snprintf(p->cred_uuid, sizeof(p->cred_uuid), "%s",
		 db_cell(&res, 0, USER_NCOLS));
	idle_s = db_cell(&res, 0, USER_NCOLS + 2);
	if (idle_s != NULL)
		(void)parse_int64(idle_s, INT64_MIN, INT64_MAX, &idle);
	db_res_free(&res);
	/* The gate enforces the idle expiry itself: no sweeper needed. */
	if (idle > req->cfg->session_duration) {
		args[0] = DB_STR(p->cred_uuid);
		(void)db_exec(req->db, STMT_SESSION_DELETE, args, 1, NULL);
		crypto_wipe(&c, sizeof(c));
		*msg = "invalid session";
		return false;
	}
	if (idle >= SESSION_TOUCH_INTERVAL) {
		args[0] = DB_STR(req->client_ip);
		args[1] = DB_STR(req_user_agent(req));
		args[2] = DB_STR(p->cred_uuid);
		e = db_exec(req->db, STMT_SESSION_TOUCH, args, 3, NULL);
		if (e != PERR_OK)
			log_warn(req, "session last_used not updated: %s",
				 perr_str(e));
	}
	issue(req, &c); /* sliding expiry: a fresh cookie on every use */
	crypto_wipe(&c, sizeof(c));
	return true;
}

void
session_checkpoint_token(const struct config *cfg, const char *user_uuid,
			 char out[SESSION_CHECKPOINT_BUFSZ])
{
	char nonce[17], data[128], tag[TAG_HEX + 1];
	unsigned char mac[CRYPTO_SHA256_LEN];
	int n;

	crypto_random_base62(nonce, 16);
	nonce[16] = '\0';
	n = snprintf(data, sizeof(data), "two-factor-checkpoint.%s.%lld.%s",
		     user_uuid, (long long)time(NULL) + SESSION_CHECKPOINT_TTL,
		     nonce);
	if (n < 0 || !crypto_hmac_sha256(cfg->cookie_keys[0], CONFIG_KEY_BYTES,
					 data, (size_t)n, mac))
		memset(mac, 0, sizeof(mac));
	crypto_hex(mac, sizeof(mac), tag);
	/* the label is implied: the token omits it */
	snprintf(out, SESSION_CHECKPOINT_BUFSZ, "%.90s.%.64s",
		 data + strlen("two-factor-checkpoint."), tag);
	crypto_wipe(mac, sizeof(mac));
}

bool
session_checkpoint_verify(const struct config *cfg, const char *token,
			  time_t now, char uuid_out[37],
			  char nonce_out[SESSION_CHECKPOINT_NONCE_LEN + 1])
{
	/* <uuid 36>.<exp 10>.<nonce 16>.<tag 64>; the tag covers the label
	 * "two-factor-checkpoint." and the first 64 characters */
	const size_t signed_len =
		36 + 1 + 10 + 1 + SESSION_CHECKPOINT_NONCE_LEN;
	const char *tag = token + signed_len + 1;
	char data[128], want[TAG_HEX + 1], digits[11], uuid[37];
	bool match = false;
	int64_t exp;
	size_t i;
	int n;

	if (strlen(token) != signed_len + 1 + TAG_HEX || token[36] != '.' ||
	    token[47] != '.' || token[signed_len] != '.' ||
	    strspn(token + 37, "0123456789") < 10 ||
	    !is_base62(token + SESSION_CHECKPOINT_NONCE_AT,
		       SESSION_CHECKPOINT_NONCE_LEN) ||
	    strspn(tag, "0123456789abcdef") != TAG_HEX)
		return false;
	memcpy(uuid, token, 36);
	uuid[36] = '\0';
	if (!uuid_normalize(uuid, uuid_out) || strcmp(uuid, uuid_out) != 0)
		return false;
	n = snprintf(data, sizeof(data), "two-factor-checkpoint.%.*s",
		     (int)signed_len, token);
	for (i = 0; n > 0 && i < cfg->ncookie_keys; i++) {
		tag_hex(cfg->cookie_keys[i], data, (size_t)n, want);
		if (crypto_ct_eq(want, TAG_HEX, tag, TAG_HEX))
			match = true;
	}
	crypto_wipe(want, sizeof(want));
	memcpy(digits, token + 37, 10);
	digits[10] = '\0';
	if (!match || !parse_int64(digits, 0, 9999999999LL, &exp) ||
	    exp <= (int64_t)now)
		return false;
	memcpy(nonce_out, token + SESSION_CHECKPOINT_NONCE_AT,
	       SESSION_CHECKPOINT_NONCE_LEN);
	nonce_out[SESSION_CHECKPOINT_NONCE_LEN] = '\0';
	return true;
}

enum perr
session_load_user(struct req *req, const char *uuid, struct user_row *u)
{
	struct db_arg args[1] = {DB_STR(uuid)};
	struct db_res res;
	enum perr e;

	e = db_exec(req->db, STMT_USER_BY_UUID, args, 1, &res);
	if (e != PERR_OK)
		return e;
	if (res.nrows == 1)
		user_row_read(req, &res, 0, 0, u);
	e = res.nrows == 1 ? PERR_OK : PERR_NOENT;
	db_res_free(&res);
	return e;
}

bool
session_complete_login(struct req *req, const struct user_row *u, bool typed)
{
	const struct settings *s;
	struct json_object *o;
	enum perr e;

	e = session_create(req, u->uuid);
	if (e == PERR_OK)
		e = settings_current(req->db, req->cfg->settings_cache_seconds,
				     &s);
	if (e != PERR_OK) {
		req->set_cookie = NULL;
		response_fail(req, e);
		return false;
	}
	o = json_object_new_object();
	if (typed)
		json_object_object_add(o, "type",
				       json_object_new_string("completed"));
	json_object_object_add(
		o, "user",
		user_full_json(u, user_requires_two_factor(
					  u, settings_get(s, "app::two_factor_"
							     "requirement"))));
	response_json(req, 200, o);
	return true;
}
