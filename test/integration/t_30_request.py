"""The request core through lighttpd, on the test-only routes: body caps at
their edge, content types, JSON limits and errors, field rules, query and
cookie decoding, path parameters and the client-IP rule."""

import json

from harness import test, eq, expect_error, http_request

JSON = {"Content-Type": "application/json"}


def body_of_size(n):
    """A valid JSON object of exactly n bytes: {"name":"abc","pad":"xxx..."}."""
    base = len(b'{"name":"abc","pad":""}')
    return b'{"name":"abc","pad":"' + b"x" * (n - base) + b'"}'


@test
def body_cap_edge(ctx):
    b = body_of_size(1024)
    eq(len(b), 1024, "fixture size")
    r = ctx.post("/api/test/echo", body=b, headers=JSON)
    eq(r.status, 200, f"exactly the cap is accepted: {r!r}")
    eq(r.json()["body"]["name"], "abc", "body echoed")
    r = ctx.post("/api/test/echo", body=body_of_size(1025), headers=JSON)
    expect_error(r, 413, "invalid payload: request body is too large")


@test
def content_type_rules(ctx):
    body = b'{"name":"abc"}'
    expect_error(ctx.post("/api/test/echo", body=body), 400,
                 "invalid payload: missing content type header")
    expect_error(ctx.post("/api/test/echo", body=body, headers={"Content-Type": "text/plain"}),
                 400, "invalid payload: unsupported content type")
    expect_error(ctx.post("/api/test/echo", body=body,
                          headers={"Content-Type": "application/jsonx"}),
                 400, "invalid payload: unsupported content type")
    for ct in ["application/json; charset=utf-8", "Application/JSON", "application/json;charset=UTF-8"]:
        r = ctx.post("/api/test/echo", body=body, headers={"Content-Type": ct})
        eq(r.status, 200, f"{ct}: {r!r}")


@test
def empty_body_is_an_empty_object(ctx):
    r = ctx.post("/api/test/echo", body=b"", headers=JSON)
    expect_error(r, 400, "invalid payload: missing field `name`")


@test
def json_syntax_errors(ctx):
    for raw in [b"{", b'{"name":"abc"} x', b"[1,2]", b'"str"', b"nul", b"{'name':'abc'}",
                b'{"name":"abc",}', b'{"name":"\xff\xfe"}', b"\xef\xbb\xbf{}"]:
        r = ctx.post("/api/test/echo", body=raw, headers=JSON)
        eq(r.status, 400, f"{raw!r}: {r!r}")
        msg = r.json()["errors"][0]
        assert msg.startswith("invalid payload: "), f"{raw!r}: {msg}"


@test
def json_depth_limit(ctx):
    def nested(depth):  # depth counts the top-level object
        return ('{"name":"abc","n":' + "[" * (depth - 1) + "]" * (depth - 1) + "}").encode()
    r = ctx.post("/api/test/echo", body=nested(16), headers=JSON)
    eq(r.status, 200, f"16 levels: {r!r}")
    r = ctx.post("/api/test/echo", body=nested(17), headers=JSON)
    eq(r.status, 400, f"17 levels: {r!r}")
    assert r.json()["errors"][0].startswith("invalid payload: "), r


@test
def field_rules_and_types(ctx):
    r = ctx.post("/api/test/echo", body={"name": "ab", "count": 11, "tags": ["a"] * 6})
    eq(r.status, 400, "status")
    eq(r.json(), {"errors": ["name: length is lower than 3", "count: greater than 10",
                             "tags: length is greater than 5"]}, "every failed rule")
    r = ctx.post("/api/test/echo", body={"name": "x" * 31, "count": 10, "tags": ["a"] * 5,
                                         "unknown": {"ignored": True}, "flag": None})
    eq(r.status, 200, f"edges accepted, unknown fields ignored: {r!r}")
    expect_error(ctx.post("/api/test/echo", body={"name": "x" * 32}), 400,
                 "name: length is greater than 31")
    # characters, not bytes: 31 two-byte characters fit
    eq(ctx.post("/api/test/echo", body={"name": "é" * 31}).status, 200, "31 chars of é")
    r = ctx.post("/api/test/echo", body={"name": 5})
    eq(r.status, 400, "type")
    assert r.json()["errors"][0].startswith("invalid payload: invalid type"), r
    r = ctx.post("/api/test/echo", body={"name": "abc\u0000def"})
    expect_error(r, 400, "name: contains a NUL character")
    r = ctx.post("/api/test/echo", body={"name": None})
    expect_error(r, 400, "invalid payload: missing field `name`")


@test
def query_decoding(ctx):
    eq(ctx.get("/api/test/echo?q=a+b%20c%2Fd").json()["q"], "a b c/d", "decoded")
    eq(ctx.get("/api/test/echo?x=1&q=%C3%A9&q=second").json()["q"], "é", "first value")
    eq(ctx.get("/api/test/echo?q").json()["q"], "", "no value")
    eq(ctx.get("/api/test/echo").json()["q"], None, "absent")
    # lighttpd refuses %00 itself (HTML 400) and re-encodes a stray '%' as
    # %25, so those arrive as literal text; t_50 checks our own decoder on
    # each bad form without a web server in between.
    for bad in ["%00", "a%0", "%zz", "%"]:
        r = ctx.get("/api/test/echo?q=" + bad)
        if r.status == 200:
            eq(r.json()["q"], bad, f"q={bad} passed on literally by lighttpd")
        else:
            eq(r.status, 400, f"q={bad}: {r!r}")
            if r.headers.get("content-type") == "application/json":
                expect_error(r, 400, "Failed to deserialize query string: invalid encoding in q")


@test
def cookies(ctx):
    def cookie(h):
        return ctx.get("/api/test/echo", headers={"Cookie": h}).json()["cookie"]
    eq(cookie("c=v1"), "v1", "single")
    eq(cookie("a=1; c=v2; d=3"), "v2", "among others")
    eq(cookie('cc=no; c="quoted"'), "quoted", "quoted, not the prefix match")
    eq(cookie("cc=no"), None, "prefix of another name")


@test
def path_parameters(ctx):
    eq(ctx.get("/api/test/item/42/sub/x-y").json(), {"id": "42", "name": "x-y"}, "params")
    expect_error(ctx.get("/api/test/item//sub/x"), 404, "route not found")
    expect_error(ctx.get("/api/test/item/1/sub/x/y"), 404, "route not found")


@test
def client_ip_trusted_proxy_rule(ctx):
    # The lighttpd stack trusts 127.0.0.1 (the test client's address).
    def ip(**h):
        return ctx.get("/api/test/echo", headers=h).json()["client_ip"]
    eq(ip(), "127.0.0.1", "no header")
    eq(ip(**{"X-Forwarded-For": "203.0.113.9"}), "203.0.113.9", "one hop")
    eq(ip(**{"X-Forwarded-For": "198.51.100.1, 203.0.113.9, 127.0.0.1"}), "203.0.113.9",
       "right-most untrusted")
    eq(ip(**{"X-Forwarded-For": "::ffff:198.51.100.7"}), "198.51.100.7", "v4-mapped")
    eq(ip(**{"X-Forwarded-For": "junk, 203.0.113.9"}), "203.0.113.9", "junk left of it")
    eq(ip(**{"X-Forwarded-For": "203.0.113.9, junk"}), "127.0.0.1", "junk stops at the peer")
    eq(ip(**{"X-Real-IP": "192.0.2.44"}), "192.0.2.44", "X-Real-IP without XFF")


@test
def headers_and_cookies_over_size_are_refused_cleanly(ctx):
    # lighttpd refuses oversized headers itself (431/400); nothing reaches us.
    r = ctx.get("/api/languages", headers={"Cookie": "c=" + "x" * 70000})
    assert r.status in (400, 413, 431), r
    eq(ctx.get("/api/languages").status, 200, "still serving")
