"""Registration (contract 4.3: never an administrator here) and the
password reset by mail (4.4, 4.5): the mail is captured from the
sendmail-compatible command, its link works once, and the reset ends every
session of the user."""

import os
import re

from harness import test, eq, expect_error, http_request, lighttpd_stack, reset_ratelimits
import stack


def stack76(ctx):
    if getattr(ctx, "_lt76", None) is None:
        mails = os.path.join(ctx.root, "mails76.txt")
        ctx._lt76 = lighttpd_stack(ctx, "reg76", dbname="panel_reg76", extra={
            "settings_cache_seconds": "0",
            "sendmail": f"cat >> {mails}"})
        ctx._mails76 = mails
    reset_ratelimits(ctx._lt76.cfg)
    return ctx._lt76


def post(lt, path, body, headers=None):
    return http_request(lt.port, "POST", path, body=body, headers=headers)


def mails(ctx):
    try:
        with open(ctx._mails76) as f:
            return f.read()
    except FileNotFoundError:
        return ""


@test
def register_never_makes_an_administrator(ctx):
    lt = stack76(ctx)
    body = {"username": "reg_first", "email": "reg.first@example.com", "name_first": "Reg",
            "name_last": "First", "password": "reg-first-password"}
    ctx.secrets_to_hunt.append("reg-first-password")
    ctx.db.sql("INSERT INTO settings (`key`, value) VALUES ('app::registration_enabled', 'false')",
               db="panel_reg76")
    expect_error(post(lt, "/api/auth/register", body), 400, "registration is disabled")
    ctx.db.sql("DELETE FROM settings", db="panel_reg76")
    eq(ctx.db.sql("SELECT COUNT(*) FROM users", db="panel_reg76").strip(), "0", "no user yet")
    r = post(lt, "/api/auth/register", body)
    eq(r.status, 200, f"{r!r}")
    u = r.json()["user"]
    eq((u["username"], u["admin"], u["email"]), ("reg_first", False, "reg.first@example.com"),
       "the first registered account is not an administrator")
    cookie = {"Cookie": r.headers["set-cookie"].split(";")[0]}
    eq(http_request(lt.port, "GET", "/api/client/account", headers=cookie).status, 200, "logged in")
    expect_error(post(lt, "/api/auth/register", dict(body, email="x@example.com",
                                                     username="REG_FIRST")), 400,
                 "user with username or email already exists")
    expect_error(post(lt, "/api/auth/register", dict(body, username="reg_b", password="short")),
                 400, "password: length is lower than 8")
    expect_error(post(lt, "/api/auth/register", dict(body, username="reg_c", email="nope")),
                 400, "email: not a valid email: value is missing `@`")


@test
def password_reset_by_mail_works_once(ctx):
    lt = stack76(ctx)
    lt.cfg.cli("user", "create", "--username", "reset_me", "--email", "reset.me@example.com",
               input="old-reset-password\n")
    ctx.secrets_to_hunt += ["old-reset-password", "new-reset-password"]
    r = post(lt, "/api/auth/login", {"user": "reset_me", "password": "old-reset-password"})
    old_session = {"Cookie": r.headers["set-cookie"].split(";")[0]}
    before = mails(ctx)
    eq(post(lt, "/api/auth/password/forgot", {"email": "nobody@example.com"}).json(), {},
       "unknown address: the same answer")
    eq(post(lt, "/api/auth/password/forgot", {"email": "reset.me@example.com"}).json(), {},
       "known address")
    assert stack.wait_until(lambda: "reset.me@example.com" in mails(ctx)[len(before):], 10), \
        "the mail reached the sendmail command"
    mail = mails(ctx)[len(before):]
    assert "nobody@example.com" not in mail, "no mail for an unknown address"
    assert mail.startswith("To: reset.me@example.com\nSubject: Reset your password\n"), mail[:200]
    token = re.search(r"/auth/reset-password\?token=([A-Za-z0-9]{96})", mail).group(1)
    ctx.secrets_to_hunt.append(token)
    eq(post(lt, "/api/auth/password/forgot", {"email": "reset.me@example.com"}).json(), {},
       "a second request within 20 minutes")
    import time
    time.sleep(1)
    eq(mails(ctx).count("To: reset.me@example.com"), before.count("To: reset.me@example.com") + 1,
       "no second mail within 20 minutes")
    stored = ctx.db.sql("SELECT token_start, HEX(token_hash) FROM user_password_resets",
                        db="panel_reg76")
    assert token not in stored and token[:16] in stored, "only the start and a hash are stored"
    r = post(lt, "/api/auth/password/reset", {"token": token[:95], "new_password": "new-reset-password"})
    expect_error(r, 400, "token: length is lower than 96")
    r = post(lt, "/api/auth/password/reset", {"token": token[:16] + "x" * 80,
                                              "new_password": "new-reset-password"})
    expect_error(r, 400, "invalid or expired token")
    eq(post(lt, "/api/auth/password/reset", {"token": token,
                                             "new_password": "new-reset-password"}).json(), {},
       "reset")
    expect_error(post(lt, "/api/auth/password/reset", {"token": token,
                                                       "new_password": "another-password-1"}),
                 400, "invalid or expired token")
    expect_error(http_request(lt.port, "GET", "/api/client/account", headers=old_session), 401,
                 "invalid session")
    eq(post(lt, "/api/auth/login", {"user": "reset_me", "password": "new-reset-password"}).status,
       200, "the new password works")
    events = ctx.db.sql("SELECT event FROM user_activities a JOIN users u ON u.uuid = a.user_uuid "
                        "WHERE u.username = 'reset_me' ORDER BY a.id", db="panel_reg76").split()
    for ev in ("email:password-reset", "auth:reset-password"):
        assert ev in events, f"{ev} in {events}"
