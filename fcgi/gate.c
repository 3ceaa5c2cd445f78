/* gate.c: the client and admin gates (contract 2.2, 2.10) and 2.12. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "apikey.h"
#include "config.h"
#include "db.h"
#include "gate.h"
#include "log.h"
#include "perm.h"
#include "ratelimit.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "session.h"
#include "settings.h"

static bool
changes_state(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	       strcmp(method, "OPTIONS") != 0;
}

/* scheme://host[:port] of a URL equals the panel URL (case-insensitive). */
static bool
same_origin(const char *url, const char *panel)
{
	size_t n = strlen(panel);

	if (strncasecmp(url, panel, n) != 0)
		return false;
	return url[n] == '\0' || url[n] == '/';
}

/*
 * Cookie-authenticated requests that change state must come from the
 * panel's own pages: the browser's Origin (or, without it, Referer) must be
 * the panel URL when it sends one. API keys are not subject to this.
 */
static bool
origin_ok(struct req *req)
{
	const char *origin = req_param(req, "HTTP_ORIGIN");
	const char *referer = req_param(req, "HTTP_REFERER");

	if (origin != NULL && *origin != '\0')
		return strlen(origin) == strlen(req->cfg->panel_url) &&
		       same_origin(origin, req->cfg->panel_url);
	if (referer != NULL && *referer != '\0')
		return same_origin(referer, req->cfg->panel_url);
	return true;
}

/* Contract 2.6, 2.7: a suspended account, or one that must use two-factor
 * authentication and has not set it up, only reaches the exempt routes. */
static bool
account_usable(struct req *req, const struct principal *p)
{
	const struct route *r = req->route;

	if (p->user.suspended && !(r->flags & ROUTE_EXEMPT_SUSPENDED)) {
		response_error(req, 403, "account is suspended");
		return false;
	}
	if (p->require_two_factor && !p->user.totp_enabled &&
	    !(r->flags & ROUTE_EXEMPT_TWO_FACTOR)) {
		response_error(req, 403, "two-factor authentication required");
		return false;
	}
	return true;
}

/* A UUID in any of the header's accepted forms: hyphenated, 32 hex
 * digits, {braced}, urn:uuid:... */
static bool
any_uuid(const char *v, char out[37])
{
	char h[37];
	size_t n;

	if (strncasecmp(v, "urn:uuid:", 9) == 0)
		v += 9;
	n = strlen(v);
	if (n == 38 && v[0] == '{' && v[37] == '}') {
		memcpy(h, v + 1, 36);
		h[36] = '\0';
		return uuid_normalize(h, out);
	}
	if (n == 32 && strspn(v, "0123456789abcdefABCDEF") == 32) {
		snprintf(h, sizeof(h), "%.8s-%.4s-%.4s-%.4s-%.12s", v, v + 8,
			 v + 12, v + 16, v + 20);
		return uuid_normalize(h, out);
	}
	return uuid_normalize(v, out);
}

enum imp { IMP_NONE, IMP_REFUSED, IMP_DONE };

/*
 * Contract 2.9 with one change: the caller's API key keeps its limits
 * (p->key_* stay), so the request runs with the target's rights
 * intersected with the key's. Ignored silently without users.impersonate
 * or with a value that is no UUID.
 */
static enum imp
impersonate(struct req *req, struct principal *p)
{
	const char *v = req_param(req, "HTTP_CALAGOPUS_USER");
	struct user_row caller = p->user, target;
	struct db_arg arg;
	struct db_res res;
	char uuid[37];
	enum perr e;

	if (v == NULL || !any_uuid(v, uuid) ||
	    !gate_has_admin_permission(req, "users.impersonate"))
		return IMP_NONE;
	arg = DB_STR(uuid);
	e = db_exec(req->db, STMT_USER_BY_UUID, &arg, 1, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return IMP_REFUSED;
	}
	if (res.nrows != 1) {
		db_res_free(&res);
		response_error(
			req, 401,
			"unable to find user from calagopus-user header");
		return IMP_REFUSED;
	}
	user_row_read(req, &res, 0, 0, &target);
	db_res_free(&res);
	if (!caller.admin &&
	    (target.admin ||
	     !perm_list_subset(target.role_admin_permissions,
			       caller.role_admin_permissions, NULL) ||
	     !perm_list_subset(target.role_server_permissions,
			       caller.role_server_permissions, NULL))) {
		response_error(
			req, 403,
			"cannot impersonate a user with more permissions");
		return IMP_REFUSED;
	}
	p->user = target;
	p->impersonator_uuid = caller.uuid;
	log_info(req, "user %s acts as user %s", caller.uuid, target.uuid);
	return IMP_DONE;
}

bool
gate_run(struct req *req)
{
	const struct route *r = req->route;
	const struct settings *s;
	const char *cookie, *authz, *key, *msg = NULL;
	struct principal *p;
	int status = 401;
	enum perr e;

	if (r->gate == GATE_NONE)
		return true;
	/* 1. rate limit, before any authentication */
	if (!ratelimit_hit(req, &RL_CLIENT, req->client_ip))
		return false;
	p = arena_alloc(&req->arena, sizeof(*p));
	memset(p, 0, sizeof(*p));
	/* 2. a session cookie wins over an Authorization header */
	cookie = req_cookie(req, req->cfg->session_cookie);
	authz = req_param(req, "HTTP_AUTHORIZATION");
	if (cookie != NULL) {
		if (!session_authenticate(req, cookie, p, &status, &msg)) {
			response_error(req, status, msg);
			return false;
		}
		if (changes_state(req->method) && !origin_ok(req)) {
			log_info(req, "cross-site request refused");
			response_error(req, 403,
				       "cross-site request refused: origin is "
				       "not the panel");
			return false;
		}
	} else if (authz != NULL) {
		key = apikey_from_header(authz);
		if (key == NULL) {
			response_error(req, 401,
				       "invalid authorization header");
			return false;
		}
		if (!apikey_authenticate(req, key, p, &status, &msg)) {
			response_error(req, status, msg);
			return false;
		}
	} else {
		response_error(req, 401, "missing authorization");
		return false;
	}
	e = settings_current(req->db, req->cfg->settings_cache_seconds, &s);
	if (e != PERR_OK) {
		response_fail(req, e);
		return false;
	}
	p->require_two_factor = user_requires_two_factor(
		&p->user, settings_get(s, "app::two_factor_requirement"));
	req->principal = p;
	if (!account_usable(req, p))
		return false;
	/* 3. impersonation: the target must pass the same checks */
	switch (impersonate(req, p)) {
	case IMP_NONE:
		break;
	case IMP_REFUSED:
		return false;
	case IMP_DONE:
		p->require_two_factor = user_requires_two_factor(
			&p->user,
			settings_get(s, "app::two_factor_requirement"));
		if (!account_usable(req, p))
			return false;
		break;
	}
	/* the admin gate: the admin flag, or a role with an admin permission */
	if (r->gate == GATE_ADMIN && !p->user.admin &&
	    (p->user.role_uuid == NULL ||
	     json_object_array_length(p->user.role_admin_permissions) == 0)) {
		response_error(req, 401, "unauthorized");
		return false;
	}
	return true;
}

bool
gate_deny(struct req *req, const char *perm)
{
	response_error(req, 403,
		       arena_printf(&req->arena,
				    "you do not have permission to perform "
				    "this action: %s",
				    perm));
	return false;
}

bool
gate_user_permission(struct req *req, const char *perm)
{
	const struct principal *p = req->principal;
	struct perm_list key = {p->key_user};

	if (p->method == AUTH_SESSION || perm_list_has(&key, perm))
		return true;
	return gate_deny(req, perm);
}

bool
gate_has_admin_permission(const struct req *req, const char *perm)
{
	const struct principal *p = req->principal;
	struct perm_list role = {p->user.role_admin_permissions};
	struct perm_list key = {p->key_admin};

	if (!p->user.admin && !perm_list_has(&role, perm))
		return false;
	return p->method != AUTH_APIKEY || perm_list_has(&key, perm);
}

bool
gate_admin_permission(struct req *req, const char *perm)
{
	return gate_has_admin_permission(req, perm) || gate_deny(req, perm);
}
