/* router.c: route matching, body checks and dispatch. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "gate.h"
#include "handler.h"
#include "json.h"
#include "log.h"
#include "request.h"
#include "response.h"
#include "router.h"

/* Every handler group; a new group adds one line here. */
static const struct route_group *const groups[] = {
	&handler_public_group,	  /* /api/settings, languages, ... */
	&handler_auth_group,	  /* /api/auth/login */
	&handler_account_group,	  /* /api/client/account, sessions */
	&handler_keys_group,	  /* /api/client/account/api-keys */
	&handler_twofactor_group, /* two-factor, login checkpoint */
	&handler_servers_group,	  /* /api/client/servers */

	/* -- group users -- */
	&handler_admin_users_group, /* /api/admin/users */
	&handler_admin_roles_group, /* /api/admin/roles */

	/* -- group nodes -- */
	&handler_admin_locations_group,	  /* /api/admin/locations */
	&handler_admin_nodes_group,	  /* /api/admin/nodes */
	&handler_admin_allocations_group, /* .../nodes/{node}/allocations */

	/* -- group nests -- */
	&handler_admin_nests_group,    /* /api/admin/nests, nests/eggs */
	&handler_admin_eggs_group,     /* /api/admin/nests/{nest}/eggs */
	&handler_admin_egg_vars_group, /* .../eggs/{egg}/variables */

	/* -- group settings -- */
	&handler_admin_settings_group, /* /api/admin/settings */
	&handler_groups_group,	       /* /api/client/servers/groups */
	&handler_snippets_group,       /* command snippets */

	/* -- group servers -- */
	&handler_subusers_group,
	&handler_admin_servers_group, /* /api/admin/servers */

#ifdef PANEL_TEST_ROUTES
	&handler_test_group,
#endif
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

void
router_print(FILE *fp)
{
	static const char *const gates[GATE__MAX] = {"none", "client", "admin"};
	size_t g, i;

	for (g = 0; g < NGROUPS; g++)
		for (i = 0; i < groups[g]->nroutes; i++) {
			const struct route *r = &groups[g]->routes[i];

			fprintf(fp, "%s %s %s %s\n", r->method, r->pattern,
				gates[r->gate], r->perm ? r->perm : "-");
		}
}

bool
router_match(const char *pattern, const char *path, struct arena *a,
	     const char **params, size_t *nparams)
{
	const char *p = pattern, *s = path;
	size_t n = 0;

	while (*p != '\0' && *s != '\0') {
		if (*p == '{') {
			size_t len = strcspn(s, "/");

			if (len == 0 || n == REQ_MAX_PARAMS)
				return false;
			if (params != NULL)
				params[n] = arena_strndup(a, s, len);
			n++;
			s += len;
			p = strchr(p, '}');
			if (p == NULL)
				return false;
			p++;
		} else if (*p == *s) {
			p++;
			s++;
		} else {
			return false;
		}
	}
	if (*p != '\0' || *s != '\0')
		return false;
	if (nparams != NULL)
		*nparams = n;
	return true;
}

const char *
req_path_param(const struct req *req, const char *name)
{
	const char *p;
	size_t i = 0, nlen = strlen(name);

	if (req->route == NULL)
		return NULL;
	for (p = strchr(req->route->pattern, '{'); p != NULL;
	     p = strchr(p + 1, '{'), i++) {
		if (i < req->nparams && strncmp(p + 1, name, nlen) == 0 &&
		    p[1 + nlen] == '}')
			return req->params[i];
	}
	return NULL;
}

const char *
req_path_uuid(struct req *req, const char *name, int status, const char *msg)
{
	const char *v = req_path_param(req, name);
	char *out = arena_alloc(&req->arena, 37);

	if (v != NULL && uuid_normalize(v, out))
		return out;
	response_error(req, status, msg);
	return NULL;
}

/* Content-Type must be application/json, parameters allowed. */
static const char *
check_content_type(const char *ct)
{
	size_t len;

	if (ct == NULL || *ct == '\0')
		return "invalid payload: missing content type header";
	while (*ct == ' ')
		ct++;
	len = strcspn(ct, "; ");
	if (len != strlen("application/json") ||
	    strncasecmp(ct, "application/json", len) != 0)
		return "invalid payload: unsupported content type";
	return NULL;
}

/* Reads, parses and validates the body; false when an error was set. */
/*
 * Reads, parses and checks the body. Rule failures of a route with
 * ROUTE_MODEL_VALIDATION are handed back in *deferred (to answer after the
 * permission check) instead of answered.
 */
static bool
read_json_body(struct req *req, const struct route *r,
	       struct json_object **deferred)
{
	struct json_object *errs = NULL;
	const char *msg;
	enum perr e;

	msg = check_content_type(req_param(req, "CONTENT_TYPE"));
	if (msg != NULL) {
		response_error(req, 400, msg);
		return false;
	}
	e = req_read_body(req, r->body_max);
	if (e == PERR_TOOBIG) {
		response_error(req, 413,
			       "invalid payload: request body is too large");
		return false;
	}
	if (e != PERR_OK) {
		response_error(req, 400,
			       "invalid payload: failed to read body");
		return false;
	}
	if (!json_parse_body(req->body, req->body_len, JSON_MAX_DEPTH,
			     &req->arena, &req->json, &msg)) {
		log_debug(req, "rejected body: %s", msg);
		response_error(req, 400, msg);
		return false;
	}
	if (r->nfields > 0 && !json_validate(req->json, r->fields, r->nfields,
					     &req->arena, &msg, &errs)) {
		if (errs != NULL && (r->flags & ROUTE_MODEL_VALIDATION)) {
			*deferred = req_own(req, errs);
			return true;
		}
		if (errs != NULL)
			response_errors(req, 400, errs);
		else
			response_error(req, 400, msg);
		return false;
	}
	return true;
}

/* Number of literal (non-parameter) segments of a pattern. */
static size_t
literals(const char *pattern)
{
	size_t n = 0;

	for (; *pattern != '\0'; pattern++)
		if (*pattern == '/' && pattern[1] != '{')
			n++;
	return n;
}

/* The pattern of the route table that matches path with the most literal
 * segments (the first such in table order), or NULL. */
static const char *
best_pattern(const char *path)
{
	const char *best = NULL;
	size_t g, i, score = 0;

	for (g = 0; g < NGROUPS; g++)
		for (i = 0; i < groups[g]->nroutes; i++) {
			const char *p = groups[g]->routes[i].pattern;

			if ((best == NULL || literals(p) > score) &&
			    router_match(p, path, NULL, NULL, NULL)) {
				best = p;
				score = literals(p);
			}
		}
	return best;
}

void
router_dispatch(struct req *req)
{
	const struct route *found = NULL;
	struct json_object *deferred = NULL;
	const char *best;
	char allow[128] = "";
	size_t g, i;

	/* the pattern with the most literal segments wins ("/servers/groups"
	 * over "/servers/{server}"), then the method among its rows */
	best = best_pattern(req->path);
	for (g = 0; best != NULL && g < NGROUPS && found == NULL; g++) {
		for (i = 0; i < groups[g]->nroutes; i++) {
			const struct route *r = &groups[g]->routes[i];
			size_t n = 0;

			if (strcmp(r->pattern, best) != 0)
				continue;
			if (strcmp(r->method, req->method) != 0 &&
			    !(strcmp(r->method, "GET") == 0 &&
			      strcmp(req->method, "HEAD") == 0)) {
				n = strlen(allow);
				snprintf(allow + n, sizeof(allow) - n, "%s%s",
					 n ? ", " : "", r->method);
				continue;
			}
			found = r;
			break;
		}
	}
	if (found == NULL) {
		if (allow[0] != '\0') {
			response_header(req, "Allow", allow);
			response_error(req, 405, "method not allowed");
		} else {
			response_error(req, 404, "route not found");
		}
		return;
	}
	req->route = found;
	req->route_pattern = found->pattern;
	router_match(found->pattern, req->path, &req->arena, req->params,
		     &req->nparams);
	/* gate, then the body's shape, then the permission (contract 1.4) */
	if (!gate_run(req))
		return;
	if (found->body_max > 0 && !read_json_body(req, found, &deferred))
		return;
	if (found->perm != NULL &&
	    !(found->gate == GATE_ADMIN
		      ? gate_admin_permission(req, found->perm)
		      : gate_user_permission(req, found->perm)))
		return;
	if (deferred != NULL) {
		response_errors(req, 400, json_object_get(deferred));
		return;
	}
	found->handler(req);
}
