/*
 * session.h: browser sessions and the signed session cookie.
 *
 * Cookie value (139 bytes): "v1.<key_id>.<secret>.<expires>.<tag>"
 *   key_id   16 base62 characters, the row's lookup key
 *   secret   43 base62 characters (256 bits); the row keeps SHA-256 of it
 *   expires  10 decimal digits, unix seconds (inside the MAC)
 *   tag      64 lowercase hex digits, HMAC-SHA256 of everything before
 *            ".<tag>" under a cookie key: the first configured key signs,
 *            every configured key verifies (rotation).
 * A damaged or forged cookie fails the tag check before any database work.
 */
#ifndef PANEL_SESSION_H
#define PANEL_SESSION_H

#include <stdbool.h>
#include <time.h>

#include "util.h"

struct config;
struct req;
struct principal;

#define SESSION_KEY_ID_LEN 16
#define SESSION_SECRET_LEN 43
#define SESSION_COOKIE_LEN 139
/* last_used is written at most this often per session (seconds) */
#define SESSION_TOUCH_INTERVAL 60

struct session_cookie {
	char key_id[SESSION_KEY_ID_LEN + 1];
	char secret[SESSION_SECRET_LEN + 1];
	long long expires;
};

/*
 * Pure check of a cookie value (no database). PERR_INVAL when the length
 * or layout is wrong ("invalid authorization cookie"), PERR_UNAUTH when the
 * tag matches no key or the cookie has expired ("invalid session").
 */
enum perr session_cookie_parse(const struct config *cfg, const char *value,
			       time_t now, struct session_cookie *out);
/* The signed value for c, under the first cookie key. */
void session_cookie_make(const struct config *cfg,
			 const struct session_cookie *c,
			 char out[SESSION_COOKIE_LEN + 1]);

/*
 * The login checkpoint's confirmation token (contract 4.1): opaque to
 * clients, "<user uuid>.<expires>.<nonce>.<tag>", HMAC-SHA256 under the
 * first cookie key with its own domain label, valid 5 minutes.
 */
#define SESSION_CHECKPOINT_BUFSZ 160
#define SESSION_CHECKPOINT_TTL 300
void session_checkpoint_token(const struct config *cfg, const char *user_uuid,
			      char out[SESSION_CHECKPOINT_BUFSZ]);
/* Offset and length of the nonce inside a token. */
#define SESSION_CHECKPOINT_NONCE_AT 48
#define SESSION_CHECKPOINT_NONCE_LEN 16
/*
 * Checks a token's layout, tag (any cookie key) and expiry. On success
 * fills the user's uuid and the token's nonce (which the caller redeems
 * once against users.checkpoint_nonce).
 */
bool
session_checkpoint_verify(const struct config *cfg, const char *token,
			  time_t now, char uuid_out[37],
			  char nonce_out[SESSION_CHECKPOINT_NONCE_LEN + 1]);

/*
 * The end of every successful login (password, checkpoint, registration):
 * creates the session, sets the cookie and answers 200 with the FullUser,
 * as {"type":"completed","user":...} when typed, else {"user":...}. On a
 * database failure answers 503/500 without a cookie and returns false.
 */
struct user_row;
bool session_complete_login(struct req *req, const struct user_row *u,
			    bool typed);
/* Loads user uuid (USER_COLS) into u; PERR_NOENT when it is gone. */
enum perr session_load_user(struct req *req, const char *uuid,
			    struct user_row *u);

/* Creates a session row for user_uuid and sets the cookie on req. */
enum perr session_create(struct req *req, const char *user_uuid);
/* Set-Cookie for value expiring at expires ("" and now + 2 s clears). */
void session_set_cookie(struct req *req, const char *value, time_t expires);

/*
 * Verifies a presented cookie and loads the principal. On failure returns
 * false with *status and *msg for the response (401 invalid authorization
 * cookie / invalid session, or 503/500).
 */
bool session_authenticate(struct req *req, const char *value,
			  struct principal *p, int *status, const char **msg);

#endif
