/* test_router.c: route pattern matching and path parameters. */
#include "autoconf.h"
#include "tap.h"

#include "request.h"
#include "router.h"
#include "util.h"

int main(void);

static const struct {
	const char *pattern, *path;
	bool match;
	size_t nparams;
	const char *params[REQ_MAX_PARAMS];
} cases[] = {
	{ "/api/settings", "/api/settings", true, 0, { NULL } },
	{ "/", "/", true, 0, { NULL } },
	{ "/api/settings", "/api/settings/", false, 0, { NULL } },
	{ "/api/settings/", "/api/settings", false, 0, { NULL } },
	{ "/api/settings", "/api/settingsx", false, 0, { NULL } },
	{ "/api/settings", "/api/setting", false, 0, { NULL } },
	{ "/api/settings", "/api/Settings", false, 0, { NULL } },
	{ "/api/settings", "/api//settings", false, 0, { NULL } },
	{ "/api/settings", "", false, 0, { NULL } },
	{ "/api/settings", "/", false, 0, { NULL } },
	{ "/api/settings", "api/settings", false, 0, { NULL } },
	{ "/api/users/{user}", "/api/users/abc", true, 1, { "abc" } },
	{ "/api/users/{user}", "/api/users/a%20b", true, 1, { "a%20b" } },
	{ "/api/users/{user}", "/api/users/", false, 0, { NULL } },
	{ "/api/users/{user}", "/api/users", false, 0, { NULL } },
	{ "/api/users/{user}", "/api/users/abc/", false, 0, { NULL } },
	{ "/api/users/{user}", "/api/users/abc/def", false, 0, { NULL } },
	{ "/api/users/{user}", "/api/usersx/abc", false, 0, { NULL } },
	{ "/api/users/{user}/keys", "/api/users/u1/keys", true, 1, { "u1" } },
	{ "/api/users/{user}/keys", "/api/users//keys", false, 0, { NULL } },
	{ "/api/users/{user}/keys", "/api/users/u1/key", false, 0, { NULL } },
	{ "/api/users/{user}/keys", "/api/users/u1/keysx", false, 0, { NULL } },
	{ "/api/users/{user}/keys", "/api/users/u1", false, 0, { NULL } },
	{ "/api/{a}/{b}", "/api/x/y", true, 2, { "x", "y" } },
	{ "/api/{a}/{b}", "/api/x/", false, 0, { NULL } },
	{ "/api/{a}/{b}", "/api//y", false, 0, { NULL } },
	{ "/a/{p1}/b/{p2}/c/{p3}/d/{p4}", "/a/1/b/2/c/3/d/4", true, 4,
	  { "1", "2", "3", "4" } },
	{ "/a/{p1}/{p2}/{p3}/{p4}/{p5}", "/a/1/2/3/4/5", false, 0, { NULL } },
	{ "/x/{id}", "/x/\xc3\xa9t\xc3\xa9", true, 1, { "\xc3\xa9t\xc3\xa9" } },
};

static void
test_match(void)
{
	struct arena a = { 0 };
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *params[REQ_MAX_PARAMS] = { NULL };
		size_t n = 99;
		bool m = router_match(cases[i].pattern, cases[i].path, &a,
		                      params, &n);

		CHECK(m == cases[i].match, "\"%s\" %s \"%s\"",
		      cases[i].pattern, cases[i].match ? "matches" : "rejects",
		      cases[i].path);
		if (!cases[i].match || !m)
			continue;
		CHECK(n == cases[i].nparams, "\"%s\": %zu params (got %zu)",
		      cases[i].path, cases[i].nparams, n);
		for (j = 0; j < cases[i].nparams && j < n; j++)
			CHECK_STR(params[j], cases[i].params[j], "param value");
	}
	CHECK(router_match("/api/users/{user}", "/api/users/abc", NULL, NULL,
	                   NULL),
	      "matching without capturing");
	CHECK(!router_match("/api/users/{user", "/api/users/abc", &a,
	                    (const char *[REQ_MAX_PARAMS]){ NULL }, NULL),
	      "unterminated {param} in a pattern never matches");
	arena_reset(&a);
}

static void
test_path_param(void)
{
	static const struct route r = {
		.method = "GET",
		.pattern = "/api/servers/{server}/files/{file}",
	};
	struct req req;

	memset(&req, 0, sizeof(req));
	CHECK(req_path_param(&req, "server") == NULL,
	      "no matched route: no params");
	req.route = &r;
	CHECK(router_match(r.pattern, "/api/servers/s1/files/f2", &req.arena,
	                   req.params, &req.nparams),
	      "route matches");
	CHECK_STR(req_path_param(&req, "server"), "s1", "param server");
	CHECK_STR(req_path_param(&req, "file"), "f2", "param file");
	CHECK(req_path_param(&req, "serve") == NULL, "prefix of a name");
	CHECK(req_path_param(&req, "servers") == NULL, "superstring of a name");
	CHECK(req_path_param(&req, "files") == NULL, "literal segment");
	CHECK(req_path_param(&req, "") == NULL, "empty name");
	req.nparams = 1;
	CHECK(req_path_param(&req, "file") == NULL,
	      "params past nparams are not returned");
	arena_reset(&req.arena);
}

int
main(void)
{
	test_match();
	test_path_param();
	return tap_done();
}
