"""Account self-service (contract 5.2-5.4, 5.10): profile PATCH, e-mail and
password changes (both confirm the current password; a password change ends
every other session), and the activity list."""

import json

from harness import test, eq, expect_error, http_request, lighttpd_stack, reset_ratelimits


def stack75(ctx):
    if getattr(ctx, "_lt75", None) is None:
        ctx._lt75 = lighttpd_stack(ctx, "acct75", extra={"settings_cache_seconds": "0"},
                                   dbname="panel_acct75")
    reset_ratelimits(ctx._lt75.cfg)
    return ctx._lt75


def user(ctx, lt, name, pw=None):
    pw = pw or f"{name}-password-1"
    ctx.secrets_to_hunt.append(pw)
    lt.cfg.cli("user", "create", "--username", name, "--email", f"{name}@example.com",
               input=pw + "\n")
    return pw


def login(ctx, lt, name, pw, ua="test-agent"):
    r = http_request(lt.port, "POST", "/api/auth/login", body={"user": name, "password": pw},
                     headers={"User-Agent": ua})
    eq(r.status, 200, f"login {name}: {r!r}")
    c = r.headers["set-cookie"].split(";")[0]
    ctx.secrets_to_hunt.append(c.split("=", 1)[1])
    return {"Cookie": c}


def call(lt, method, path, cookie, body=None):
    return http_request(lt.port, method, path, headers=cookie, body=body)


@test
def profile_patch(ctx):
    lt = stack75(ctx)
    pw = user(ctx, lt, "acct_a")
    user(ctx, lt, "acct_taken")
    c = login(ctx, lt, "acct_a", pw)
    r = call(lt, "PATCH", "/api/client/account", c,
             {"name_first": "Ada", "toast_position": "top_left", "start_on_grouped_servers": True})
    eq((r.status, r.json()), (200, {}), "patch")
    u = call(lt, "GET", "/api/client/account", c).json()["user"]
    eq((u["name_first"], u["name_last"], u["toast_position"], u["start_on_grouped_servers"]),
       ("Ada", "Administrator", "top_left", True), "changed fields only")
    r = call(lt, "PATCH", "/api/client/account", c,
             {"username": "a!", "language": "xx", "toast_position": "middle"})
    eq(r.status, 400, "validation")
    eq(r.json()["errors"], ["username: length is lower than 3", "language: invalid language: xx",
                            "toast_position: unknown variant `middle`"], "every failure, in field order")
    r = call(lt, "PATCH", "/api/client/account", c, {"name_first": "", "name_last": "x" * 256})
    eq(r.json(), {"errors": ["name_first: length is lower than 1",
                             "name_last: length is greater than 255"]}, "name lengths")
    expect_error(call(lt, "PATCH", "/api/client/account", c, {"username": "ACCT_TAKEN"}), 409,
                 "user with email/username already exists")
    eq(call(lt, "PATCH", "/api/client/account", c, {"username": "acct_a2"}).status, 200, "rename")
    eq(call(lt, "GET", "/api/client/account", c).json()["user"]["username"], "acct_a2", "renamed")
    ctx.db.sql("UPDATE users SET frozen = 1 WHERE username = 'acct_a2'", db="panel_acct75")
    expect_error(call(lt, "PATCH", "/api/client/account", c, {"name_last": "X"}), 409,
                 "account is frozen")
    ctx.db.sql("UPDATE users SET frozen = 0, suspended = 1 WHERE username = 'acct_a2'",
               db="panel_acct75")
    expect_error(call(lt, "PATCH", "/api/client/account", c, {"name_last": "X"}), 409,
                 "account is suspended")
    ctx.db.sql("UPDATE users SET suspended = 0 WHERE username = 'acct_a2'", db="panel_acct75")
    row = ctx.db.sql("SELECT data FROM user_activities a JOIN users u ON u.uuid = a.user_uuid "
                     "WHERE u.username = 'acct_a2' AND event = 'account:update' ORDER BY a.id",
                     db="panel_acct75").splitlines()
    eq(json.loads(row[0]), {"username": "acct_a", "name_first": "Ada", "name_last": "Administrator",
                            "language": "en", "toast_position": "top_left",
                            "start_on_grouped_servers": True, "user_agent": "unknown"},
       "account:update data, with the requester's user agent")


@test
def email_change_confirms_the_password(ctx):
    lt = stack75(ctx)
    pw = user(ctx, lt, "acct_e")
    user(ctx, lt, "acct_e_other")
    c = login(ctx, lt, "acct_e", pw)
    expect_error(call(lt, "PUT", "/api/client/account/email", c,
                      {"email": "new@example.com", "password": "wrong-password"}), 403,
                 "invalid password")
    expect_error(call(lt, "PUT", "/api/client/account/email", c,
                      {"email": "nope", "password": pw}), 400,
                 "email: not a valid email: value is missing `@`")
    expect_error(call(lt, "PUT", "/api/client/account/email", c,
                      {"email": "ACCT_E_OTHER@example.com", "password": pw}), 409,
                 "email already in use")
    eq(call(lt, "PUT", "/api/client/account/email", c,
            {"email": "new-e@example.com", "password": pw}).json(), {}, "changed")
    eq(call(lt, "GET", "/api/client/account", c).json()["user"]["email"], "new-e@example.com", "new")
    data = ctx.db.sql("SELECT a.data FROM user_activities a JOIN users u ON u.uuid = a.user_uuid "
                      "WHERE u.username = 'acct_e' AND a.event = 'account:email-changed'",
                      db="panel_acct75").strip()
    eq(json.loads(data), {"old": "acct_e@example.com", "new": "new-e@example.com",
                          "user_agent": "unknown"}, "activity")


@test
def password_change_ends_other_sessions(ctx):
    lt = stack75(ctx)
    pw = user(ctx, lt, "acct_p")
    c1 = login(ctx, lt, "acct_p", pw, ua="first")
    c2 = login(ctx, lt, "acct_p", pw, ua="second")
    expect_error(call(lt, "PUT", "/api/client/account/password", c1,
                      {"new_password": "short", "password": pw}), 400,
                 "new_password: length is lower than 8")
    expect_error(call(lt, "PUT", "/api/client/account/password", c1,
                      {"new_password": "brand-new-password", "password": "wrong"}), 403,
                 "invalid password")
    ctx.secrets_to_hunt.append("brand-new-password")
    eq(call(lt, "PUT", "/api/client/account/password", c1,
            {"new_password": "brand-new-password", "password": pw}).json(), {}, "changed")
    eq(call(lt, "GET", "/api/client/account", c1).status, 200, "the current session stays")
    expect_error(call(lt, "GET", "/api/client/account", c2), 401, "invalid session")
    expect_error(http_request(lt.port, "POST", "/api/auth/login",
                              body={"user": "acct_p", "password": pw}), 400,
                 "invalid username or password")
    login(ctx, lt, "acct_p", "brand-new-password")
    stored = ctx.db.sql("SELECT password FROM users WHERE username = 'acct_p'", db="panel_acct75")
    assert stored.startswith("$argon2id$") and "brand-new-password" not in stored, "hashed"


@test
def activity_list_newest_first(ctx):
    lt = stack75(ctx)
    pw = user(ctx, lt, "acct_act")
    http_request(lt.port, "POST", "/api/auth/login", body={"user": "acct_act", "password": "wrong-pw"})
    c = login(ctx, lt, "acct_act", pw)
    call(lt, "PATCH", "/api/client/account", c, {"name_last": "Lovelace"})
    r = call(lt, "GET", "/api/client/account/activity", c)
    eq(r.status, 200, f"{r!r}")
    page = r.json()["activities"]
    eq([a["event"] for a in page["data"]], ["account:update", "auth:success", "auth:failure"],
       "newest first")
    eq(page["total"], 3, "total")
    a = page["data"][0]
    eq(list(a.keys()), ["impersonator", "event", "ip", "data", "is_api", "created"], "keys")
    eq((a["impersonator"], a["ip"], a["is_api"]), (None, "127.0.0.1", False), "fields")
    r = call(lt, "GET", "/api/client/account/activity?search=AUTH&per_page=1", c)
    eq([x["event"] for x in r.json()["activities"]["data"]], ["auth:success"], "search, per_page")
    eq(r.json()["activities"]["total"], 2, "search total")
