/*
 * gate.h: the request gates of contract 2 (client gate, admin gate) and
 * the permission checks of 2.12 over the authenticated principal.
 */
#ifndef PANEL_GATE_H
#define PANEL_GATE_H

#include <stdbool.h>

#include "crypto.h"
#include "perm.h"
#include "user.h"

struct req;
struct route;

enum auth_method { AUTH_SESSION, AUTH_APIKEY };

/* Who is calling, after the client gate (in the request's arena). */
struct principal {
	struct user_row user;
	enum auth_method method;
	char cred_uuid[CRYPTO_UUID_BUFSZ]; /* session or API key uuid */
	/* the authenticated caller when the request runs as another user
	 * (Calagopus-User header, contract 2.9), else NULL */
	const char *impersonator_uuid;
	bool require_two_factor; /* contract 2.7 */
	/* API keys only: the key's lists (owned by the request) */
	struct json_object *key_user, *key_admin, *key_server;
};

/* Route flags that the gates read. */
#define ROUTE_EXEMPT_SUSPENDED 0x1 /* contract 2.2 exemption table */
#define ROUTE_EXEMPT_TWO_FACTOR 0x2
/* Field rules (lengths, ranges) are checked after the permission, as the
 * real panel's model validation is; type and presence errors still come
 * first (contract 1.4). */
#define ROUTE_MODEL_VALIDATION 0x4

/*
 * Runs the gate of req->route. Returns true when the handler may run;
 * otherwise the error response is set.
 */
bool gate_run(struct req *req);

/* Contract 2.12; each sets the 403 response and returns false. */
bool gate_user_permission(struct req *req, const char *perm);
bool gate_admin_permission(struct req *req, const char *perm);
/* The admin check without an answer (for silent fallbacks, contract 7.1). */
bool gate_has_admin_permission(const struct req *req, const char *perm);
/* Sets the 403 "you do not have permission ...: perm"; returns false. */
bool gate_deny(struct req *req, const char *perm);

#endif
