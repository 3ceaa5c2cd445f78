/*
 * router.h: the route table. One row per endpoint; each handler group
 * exports its rows and router.c dispatches over all of them. Adding an
 * endpoint is adding a row.
 */
#ifndef PANEL_ROUTER_H
#define PANEL_ROUTER_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

struct req;
struct jfield;

enum gate {
	GATE_NONE, /* public: no credential, no rate limit of the client gate */
	GATE_CLIENT, /* /api/client routes: contract 2.2; perm is a user one */
	GATE_ADMIN,  /* /api/admin routes: 2.2 then 2.10; perm an admin one */
	GATE__MAX
};

#define BODY_NONE 0
#define BODY_DEFAULT_MAX (64 * 1024)
#define BODY_LOGIN_MAX (4 * 1024)

struct route {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern; /* "/api/x/{param}/y" */
	enum gate gate;
	const char *perm;	     /* required permission, NULL = none */
	size_t body_max;	     /* 0: the route reads no body */
	const struct jfield *fields; /* body field table (with body_max) */
	size_t nfields;
	void (*handler)(struct req *req);
	unsigned flags; /* ROUTE_EXEMPT_* (gate.h) */
};

struct route_group {
	const struct route *routes;
	size_t nroutes;
};

/* Matches req->method and req->path, runs the gate and body checks, then
 * the handler; always leaves a response in req. */
void router_dispatch(struct req *req);

/* Every route, one line each: method, pattern, gate, permission ("-"). */
void router_print(FILE *fp);

/*
 * Matches path against one pattern; on success stores up to REQ_MAX_PARAMS
 * parameter values (arena copies) and their count. Exposed for unit tests.
 */
struct arena;
bool router_match(const char *pattern, const char *path, struct arena *a,
		  const char **params, size_t *nparams);

#endif
