"""The same smoke checks through Apache httpd with mod_fcgid and
conf/apache-fcgid.conf (workers as www-data, one thread per process)."""

import json

from harness import test, eq, expect_error, http_request


def get(ctx, path, **kw):
    return http_request(ctx.apache.port, "GET", path, **kw)


@test
def apache_public_routes(ctx):
    r = get(ctx, "/api/settings")
    eq(r.status, 200, f"settings: {r!r}")
    o = r.json()
    eq(o["captcha_provider"], {"type": "none"}, "captcha")
    eq(o["user"]["max_api_key_count"], 50, "default limit")
    eq(get(ctx, "/api/languages").json(), {"languages": ["en"]}, "languages")
    eq(get(ctx, "/api/auth/oauth").json(), {"oauth_providers": []}, "oauth")
    eq(get(ctx, "/api/announcements").status, 200, "announcements")
    assert "x-server-name" not in r.headers, "no server name configured here"


@test
def apache_errors_and_body(ctx):
    expect_error(get(ctx, "/api/nope"), 404, "route not found")
    expect_error(http_request(ctx.apache.port, "POST", "/api/languages", body={}), 405,
                 "method not allowed")
    r = http_request(ctx.apache.port, "POST", "/api/test/echo", body={"name": "apache"})
    eq(r.status, 200, f"{r!r}")
    eq(r.json()["body"], {"name": "apache"}, "body passed through")
    r = http_request(ctx.apache.port, "POST", "/api/test/echo",
                     body=b'{"name":"abc","pad":"' + b"x" * 2000 + b'"}',
                     headers={"Content-Type": "application/json"})
    expect_error(r, 413, "invalid payload: request body is too large")


@test
def apache_no_trusted_proxy_ignores_forwarded_for(ctx):
    r = get(ctx, "/api/test/echo?q=%C3%A9", headers={"X-Forwarded-For": "203.0.113.9",
                                                       "Cookie": "c=apache"})
    o = r.json()
    eq(o["client_ip"], "127.0.0.1", "XFF ignored from an untrusted peer")
    eq(o["q"], "é", "query")
    eq(o["cookie"], "apache", "cookie")


@test
def apache_serves_many_requests_on_its_pool(ctx):
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        statuses = list(ex.map(lambda _: get(ctx, "/api/languages").status, range(200)))
    eq(statuses.count(200), 200, "all 200")


@test
def apache_static_pages(ctx):
    r = get(ctx, "/")
    eq(r.status, 200, "index")
    assert b"panel-fcgi" in r.body
    assert "script-src 'self'" in r.headers.get("content-security-policy", ""), r.headers
