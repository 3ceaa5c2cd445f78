/* gate.c: the client and admin gates (contract 2.2, 2.10) and 2.12. */
#include "autoconf.h"

#include <string.h>

#include <json-c/json.h>

#include "apikey.h"
#include "config.h"
#include "gate.h"
#include "log.h"
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
	if (p->user.suspended && !(r->flags & ROUTE_EXEMPT_SUSPENDED)) {
		response_error(req, 403, "account is suspended");
		return false;
	}
	if (p->require_two_factor && !p->user.totp_enabled &&
	    !(r->flags & ROUTE_EXEMPT_TWO_FACTOR)) {
		response_error(req, 403, "two-factor authentication required");
		return false;
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
