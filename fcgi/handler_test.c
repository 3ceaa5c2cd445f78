/*
 * handler_test.c: routes that exist only in builds configured with
 * --enable-test-routes, so the integration tests can reach the body, query,
 * cookie and path machinery before real routes use them, and can hold a
 * request open (graceful stop, worker kill). Never in production builds.
 */
#include "autoconf.h"

#ifdef PANEL_TEST_ROUTES

#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "gate.h"
#include "handler.h"
#include "json.h"
#include "request.h"
#include "response.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

/* POST /api/test/echo: the validated body back, plus the client IP. */
static void
handle_echo_post(struct req *req)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "body", json_object_get(req->json));
	ADD(o, "client_ip", json_object_new_string(req->client_ip));
	response_json(req, 200, o);
}

/* GET /api/test/echo?q=...: query value q, cookie c, client IP, pid. */
static void
handle_echo_get(struct req *req)
{
	struct json_object *o = json_object_new_object();
	const char *q = NULL, *c;
	enum perr e;

	e = req_query(req, "q", &q);
	if (e == PERR_INVAL) {
		response_error(req, 400,
			       "Failed to deserialize query string: invalid "
			       "encoding in q");
		json_object_put(o);
		return;
	}
	c = req_cookie(req, "c");
	ADD(o, "q", json_str_or_null(q));
	ADD(o, "cookie", json_str_or_null(c));
	ADD(o, "client_ip", json_object_new_string(req->client_ip));
	ADD(o, "pid", json_object_new_int64((int64_t)getpid()));
	response_json(req, 200, o);
}

/* GET /api/test/item/{id}/sub/{name}: the path parameters. */
static void
handle_item(struct req *req)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "id", json_str_or_null(req_path_param(req, "id")));
	ADD(o, "name", json_str_or_null(req_path_param(req, "name")));
	response_json(req, 200, o);
}

/* GET /api/test/sleep?ms=N (N <= 10000): holds the request, then the pid. */
static void
handle_sleep(struct req *req)
{
	struct json_object *o;
	const char *ms = "0";
	struct timespec ts;
	int64_t n;

	(void)req_query(req, "ms", &ms);
	if (!parse_int64(ms, 0, 10000, &n)) {
		response_error(req, 400, "ms: not an integer 0..10000");
		return;
	}
	ts.tv_sec = n / 1000;
	ts.tv_nsec = (long)(n % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
	o = json_object_new_object();
	ADD(o, "pid", json_object_new_int64((int64_t)getpid()));
	response_json(req, 200, o);
}

/* GET /api/test/admin-gate: behind the admin gate, perm settings.read;
 * the caller's username. (The admin routes arrive with a later issue.) */
static void
handle_admin_gate(struct req *req)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "username", json_str_or_null(req->principal->user.username));
	response_json(req, 200, o);
}

static const struct jfield echo_fields[] = {
	{"name", JF_STRING, true, false, 3, 31},
	{"count", JF_INT, false, false, 0, 10},
	{"tags", JF_STRING_ARRAY, false, false, 0, 5},
	{"flag", JF_BOOL, false, true, 0, 0},
};

static const struct route routes[] = {
	{"GET", "/api/test/admin-gate", GATE_ADMIN, "settings.read", BODY_NONE,
	 NULL, 0, handle_admin_gate, 0},
	{"POST", "/api/test/echo", GATE_NONE, NULL, 1024, echo_fields,
	 sizeof(echo_fields) / sizeof(echo_fields[0]), handle_echo_post, 0},
	{"GET", "/api/test/echo", GATE_NONE, NULL, BODY_NONE, NULL, 0,
	 handle_echo_get, 0},
	{"GET", "/api/test/item/{id}/sub/{name}", GATE_NONE, NULL, BODY_NONE,
	 NULL, 0, handle_item, 0},
	{"GET", "/api/test/sleep", GATE_NONE, NULL, BODY_NONE, NULL, 0,
	 handle_sleep, 0},
};

const struct route_group handler_test_group = {
	routes, sizeof(routes) / sizeof(routes[0])};

#endif /* PANEL_TEST_ROUTES */
