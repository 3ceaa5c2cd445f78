"""Two-factor authentication (contract 4.1 two-factor branch, 4.2, 5.5-5.7,
10, 12.1) through lighttpd: setup, enable, the login checkpoint, disable and
the gate's two-factor requirement, plus panel-fcgi's extras: secrets sealed
and recovery codes hashed at rest, each TOTP step accepted once (checkpoint,
enable and disable), a single-use checkpoint token, and disabling ending
every other session of the user.

The tests run on a stack of their own (database panel_tfa74,
settings_cache_seconds = 0 so settings written by SQL apply at once). TOTP
codes are computed here; every password, cookie, secret and code used is
added to ctx.secrets_to_hunt."""

import base64
import concurrent.futures
import hmac
import re
import struct
import time

import harness
from harness import test, eq, expect_error, http_request

DB = "panel_tfa74"
TFA = "/api/client/account/two-factor"
B32 = re.compile(r"^[A-Z2-7]{32}$")
RECOVERY = re.compile(r"^[A-Za-z0-9]{10}$")


# --------------------------------------------------------------------------
# helpers

def lt(ctx):
    s = getattr(ctx, "_tfa74", None)
    if s is None:
        s = harness.lighttpd_stack(ctx, "tfa74", extra={"settings_cache_seconds": "0"},
                                   dbname=DB)
        ctx._tfa74 = s
    return s


def start(ctx):
    s = lt(ctx)
    harness.reset_ratelimits(s.cfg)
    return s


def sql(ctx, text):
    return ctx.db.sql(text, db=DB)


def hunt(ctx, s):
    ctx.secrets_to_hunt.append(s)
    return s


def req(ctx, method, path, headers=None, body=None):
    return http_request(lt(ctx).port, method, path, headers=headers, body=body)


def totp(secret_b32, step):
    key = base64.b32decode(secret_b32)
    mac = hmac.new(key, struct.pack(">Q", step), "sha1").digest()
    off = mac[-1] & 15
    n = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return f"{n % 1000000:06d}"


def now_step():
    return int(time.time()) // 30


def fresh_step(margin=12):
    """The current step, with at least margin seconds of it left (waits for
    the next one otherwise), so codes of t-1..t+1 stay valid meanwhile."""
    if int(time.time()) % 30 > 30 - margin:
        time.sleep(30 - time.time() % 30 + 0.3)
    return now_step()


def code(ctx, secret, step):
    return hunt(ctx, totp(secret, step))


def not_a_code(secret, steps):
    """A 6-digit string valid for none of steps."""
    valid = {totp(secret, s) for s in steps}
    for c in ("000000", "111111", "123456", "654321"):
        if c not in valid:
            return c
    raise AssertionError("unreachable")


def create_user(ctx, username, email=None):
    pw = hunt(ctx, f"{username}-pw-Secret1")
    lt(ctx).cfg.cli("user", "create", "--username", username,
                    "--email", email or f"{username}@example.com", input=pw + "\n")
    uuid = sql(ctx, f"SELECT uuid FROM users WHERE username = '{username}'").strip()
    eq(len(uuid), 36, f"uuid of {username}")
    return pw, uuid


def cookie_of(ctx, r):
    sc = r.headers.get("set-cookie")
    assert sc, f"no Set-Cookie on {r!r}"
    c = sc.split(";")[0]
    hunt(ctx, c.split("=", 1)[1])
    return {"Cookie": c}


def login(ctx, username, pw):
    """A password login; returns the response."""
    return req(ctx, "POST", "/api/auth/login", body={"user": username, "password": pw})


def login_session(ctx, username, pw):
    r = login(ctx, username, pw)
    eq((r.status, r.json().get("type")), (200, "completed"), f"login {username}: {r!r}")
    return cookie_of(ctx, r)


def login_token(ctx, username, pw):
    r = login(ctx, username, pw)
    eq(r.status, 200, f"login {username}: {r!r}")
    j = r.json()
    eq(j.get("type"), "two_factor_required", f"login type: {j!r}")
    assert "set-cookie" not in r.headers, f"a cookie before the checkpoint: {r.headers!r}"
    eq(j["user"].get("username"), username, "the checkpoint's user")
    return hunt(ctx, j["token"])


def checkpoint(ctx, token, c):
    return req(ctx, "POST", "/api/auth/login/checkpoint",
               body={"code": c, "confirmation_token": token})


def setup(ctx, cookie):
    r = req(ctx, "GET", TFA, headers=cookie)
    eq(r.status, 200, f"setup: {r!r}")
    s = r.json()["secret"]
    hunt(ctx, s)
    return r.json()


def enable(ctx, username, cookie, pw, step=None):
    """Sets up and enables 2FA with a code of step (default: the previous
    one, so the next two steps stay free for logins); returns (secret,
    recovery codes, step used)."""
    secret = setup(ctx, cookie)["secret"]
    if step is None:
        step = fresh_step() - 1
    r = req(ctx, "POST", TFA, headers=cookie, body={"code": code(ctx, secret, step),
                                                     "password": pw})
    eq(r.status, 200, f"enable {username}: {r!r}")
    codes = r.json()["recovery_codes"]
    for c in codes:
        hunt(ctx, c)
    return secret, codes, step


def account_status(ctx, cookie):
    return req(ctx, "GET", "/api/client/account", headers=cookie).status


# --------------------------------------------------------------------------
# 1. setup

@test
def setup_secret_url_and_storage(ctx):
    start(ctx)
    pw, uid = create_user(ctx, "t74setup", "t74.setup+x@example.com")
    ck = login_session(ctx, "t74setup", pw)
    first = setup(ctx, ck)
    s1 = first["secret"]
    assert B32.match(s1), f"secret {s1!r}"
    eq(sorted(first), ["otp_url", "secret"], "setup keys")
    eq(first["otp_url"],
       f"otpauth://totp/Calagopus:t74.setup%2Bx%40example.com?secret={s1}&issuer=Calagopus",
       "otp_url")
    second = setup(ctx, ck)
    s2 = second["secret"]
    assert B32.match(s2) and s2 != s1, f"a second setup keeps the secret: {s1!r} {s2!r}"
    hexsec = sql(ctx, f"SELECT HEX(totp_secret), LENGTH(totp_secret), totp_enabled "
                      f"FROM users WHERE uuid = '{uid}'").strip().split("\t")
    eq(hexsec[1:], ["48", "0"], "stored secret length, totp_enabled")
    stored = hexsec[0].upper()
    for s in (s1, s2):
        assert s.encode().hex().upper() not in stored, "the base32 secret is stored in clear"
        assert base64.b32decode(s).hex().upper() not in stored, "the raw secret is stored in clear"
    # the stored secret is the second one: a code of the first does not enable
    st = fresh_step()
    c1 = code(ctx, s1, st)
    if c1 not in {totp(s2, x) for x in (st - 1, st, st + 1)}:
        expect_error(req(ctx, "POST", TFA, headers=ck, body={"code": c1, "password": pw}),
                     400, "invalid confirmation code")
    # frozen accounts cannot set up or enable
    sql(ctx, f"UPDATE users SET frozen = 1 WHERE uuid = '{uid}'")
    expect_error(req(ctx, "GET", TFA, headers=ck), 409, "account is frozen")
    expect_error(req(ctx, "POST", TFA, headers=ck,
                     body={"code": code(ctx, s2, now_step()), "password": pw}),
                 409, "account is frozen")
    sql(ctx, f"UPDATE users SET frozen = 0 WHERE uuid = '{uid}'")


# --------------------------------------------------------------------------
# 2. enable

@test
def enable_checks_and_recovery_codes(ctx):
    start(ctx)
    pw, uid = create_user(ctx, "t74enable")
    ck = login_session(ctx, "t74enable", pw)
    expect_error(req(ctx, "POST", TFA, headers=ck, body={"code": "123456", "password": pw}),
                 401, "two-factor authentication has not been configured")
    secret = setup(ctx, ck)["secret"]
    st = fresh_step()
    good = code(ctx, secret, st)
    expect_error(req(ctx, "POST", TFA, headers=ck,
                     body={"code": good, "password": "wrong-password-74"}),
                 403, "invalid password")
    expect_error(req(ctx, "POST", TFA, headers=ck,
                     body={"code": not_a_code(secret, [st - 1, st, st + 1]), "password": pw}),
                 400, "invalid confirmation code")
    expect_error(req(ctx, "POST", TFA, headers=ck, body={"code": good[:5], "password": pw}),
                 400, "code: length is lower than 6")
    eq(sql(ctx, f"SELECT totp_enabled FROM users WHERE uuid = '{uid}'").strip(), "0",
       "not enabled after failures")
    r = req(ctx, "POST", TFA, headers=ck, body={"code": good, "password": pw})
    eq(r.status, 200, f"enable: {r!r}")
    j = r.json()
    eq(sorted(j), ["recovery_codes"], "enable keys")
    codes = j["recovery_codes"]
    for c in codes:
        hunt(ctx, c)
    eq(len(codes), 10, "number of recovery codes")
    eq(len(set(codes)), 10, "distinct recovery codes")
    for c in codes:
        assert isinstance(c, str) and RECOVERY.match(c), f"recovery code {c!r}"
    expect_error(req(ctx, "GET", TFA, headers=ck), 409,
                 "two-factor authentication is already enabled")
    expect_error(req(ctx, "POST", TFA, headers=ck, body={"code": good, "password": pw}),
                 409, "two-factor authentication is already enabled")
    rows = [x for x in sql(ctx, f"SELECT HEX(code_hash), LENGTH(code_hash) FROM "
                                f"user_recovery_codes WHERE user_uuid = '{uid}'").splitlines() if x]
    eq(len(rows), 10, "recovery code rows")
    for row in rows:
        h, n = row.split("\t")
        eq(n, "32", "code_hash length")
        raw = bytes.fromhex(h)
        for c in codes:
            assert c.encode().hex().upper() not in h.upper(), "a recovery code in clear (hex)"
            assert c.encode() not in raw, "a recovery code in clear (raw)"
    eq(sql(ctx, f"SELECT totp_enabled FROM users WHERE uuid = '{uid}'").strip(), "1",
       "totp_enabled")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_activities WHERE user_uuid = '{uid}' "
                f"AND event = 'account:two-factor.enable'").strip(), "1", "enable activity")
    r = req(ctx, "GET", "/api/client/account", headers=ck)
    eq((r.status, r.json()["user"]["totp_enabled"]), (200, True), "account after enable")


# --------------------------------------------------------------------------
# 3. the login checkpoint

@test
def login_checkpoint(ctx):
    start(ctx)
    user = "t74login"
    pw, uid = create_user(ctx, user)
    ck = login_session(ctx, user, pw)
    secret, rcodes, e = enable(ctx, user, ck, pw)   # step e = current - 1
    # the password login now stops at the checkpoint
    tok = login_token(ctx, user, pw)
    # the enabling step is taken: its code is a replay
    expect_error(checkpoint(ctx, tok, code(ctx, secret, e)), 400,
                 "this code has already been used")
    c1 = code(ctx, secret, e + 1)
    r = checkpoint(ctx, tok, c1)
    eq(r.status, 200, f"checkpoint: {r!r}")
    j = r.json()
    eq(list(j), ["user"], "checkpoint keys (no type)")
    eq((j["user"]["username"], j["user"]["totp_enabled"], j["user"]["uuid"]),
       (user, True, uid), "checkpoint user")
    assert "email" in j["user"] and "require_two_factor" in j["user"], f"FullUser: {j!r}"
    s1 = cookie_of(ctx, r)
    r = req(ctx, "GET", "/api/client/account", headers=s1)
    eq((r.status, r.json()["user"]["username"]), (200, user), "the checkpoint's session")
    # single-use token, even with another valid code
    expect_error(checkpoint(ctx, tok, code(ctx, secret, e + 2)), 400,
                 "invalid confirmation token")
    # a tampered token
    tok2 = login_token(ctx, user, pw)
    for i in (0, len(tok2) - 1, 40, 50):
        bad = tok2[:i] + ("b" if tok2[i] != "b" else "c") + tok2[i + 1:]
        expect_error(checkpoint(ctx, bad, code(ctx, secret, e + 2)), 400,
                     "invalid confirmation token")
    expect_error(checkpoint(ctx, "", "123456"), 400, "invalid confirmation token")
    # a replay of the code of the successful login, with a fresh token
    expect_error(checkpoint(ctx, tok2, c1), 400, "this code has already been used")
    # a code two steps old
    old = now_step() - 2
    c_old = code(ctx, secret, old)
    if c_old not in {totp(secret, x) for x in (old + 1, old + 2, old + 3)}:
        expect_error(checkpoint(ctx, tok2, c_old), 400, "invalid confirmation code")
    # a code of 8 characters
    expect_error(checkpoint(ctx, tok2, "12345678"), 400, "invalid confirmation code")
    expect_error(checkpoint(ctx, tok2, "1234567890"), 400, "invalid recovery code")
    # a recovery code works once
    r = checkpoint(ctx, tok2, rcodes[0])
    eq(r.status, 200, f"recovery checkpoint: {r!r}")
    eq(r.json()["user"]["username"], user, "recovery checkpoint user")
    s2 = cookie_of(ctx, r)
    eq(account_status(ctx, s2), 200, "the recovery code's session")
    tok3 = login_token(ctx, user, pw)
    expect_error(checkpoint(ctx, tok3, rcodes[0]), 400, "invalid recovery code")
    # a new login replaces an older, unused token
    harness.reset_ratelimits(lt(ctx).cfg)
    tok4 = login_token(ctx, user, pw)
    expect_error(checkpoint(ctx, tok3, rcodes[1]), 400, "invalid confirmation token")
    r = checkpoint(ctx, tok4, rcodes[2])
    eq(r.status, 200, f"recovery checkpoint with the newest token: {r!r}")
    cookie_of(ctx, r)
    # activity
    rows = sql(ctx, f"SELECT event, JSON_UNQUOTE(JSON_EXTRACT(data, '$.using')) FROM "
                    f"user_activities WHERE user_uuid = '{uid}' ORDER BY id").splitlines()
    rows = [tuple(x.split("\t")) for x in rows if x]
    succ = [u for ev, u in rows if ev == "auth:success"]
    eq(succ, ["password", "two-factor", "recovery-code", "recovery-code"], "auth:success usings")
    eq(len([1 for ev, u in rows if ev == "auth:checkpoint" and u == "password"]), 4,
       "auth:checkpoint entries")


@test
def refused_checkpoint_keeps_recovery_code(ctx):
    """A checkpoint refused for its token (already redeemed, or replaced by a
    newer login) must not consume the recovery code it carried."""
    start(ctx)
    user = "t74stale"
    pw, uid = create_user(ctx, user)
    ck = login_session(ctx, user, pw)
    secret, rcodes, e = enable(ctx, user, ck, pw)
    stale = login_token(ctx, user, pw)
    newest = login_token(ctx, user, pw)
    expect_error(checkpoint(ctx, stale, rcodes[0]), 400, "invalid confirmation token")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_recovery_codes WHERE user_uuid = '{uid}'").strip(),
       "10", "recovery codes after a refused checkpoint")
    r = checkpoint(ctx, newest, rcodes[0])
    eq(r.status, 200, f"the recovery code with the newest token: {r!r}")
    cookie_of(ctx, r)


@test
def checkpoint_rate_limited_per_user(ctx):
    """Beyond the per-IP limit, the checkpoint is limited per user: 9 tries
    from 9 addresses pass, the 10th (from a fresh address) is refused; the
    same fresh address still serves another user."""
    start(ctx)
    pw, uid = create_user(ctx, "t74limit")
    ck = login_session(ctx, "t74limit", pw)
    secret, _, _ = enable(ctx, "t74limit", ck, pw)
    pw2, _ = create_user(ctx, "t74limit2")
    ck2 = login_session(ctx, "t74limit2", pw2)
    enable(ctx, "t74limit2", ck2, pw2)
    tok = login_token(ctx, "t74limit", pw)
    tok2 = login_token(ctx, "t74limit2", pw2)
    st = now_step()
    wrong = not_a_code(secret, [st - 1, st, st + 1])

    def cp(token, ip):
        return http_request(lt(ctx).port, "POST", "/api/auth/login/checkpoint",
                            headers={"X-Forwarded-For": ip},
                            body={"code": wrong, "confirmation_token": token})
    for i in range(9):
        expect_error(cp(tok, f"198.51.100.{i + 1}"), 400, "invalid confirmation code")
    r = cp(tok, "198.51.100.200")
    eq(r.status, 429, f"the 10th try of one user: {r!r}")
    assert r.json()["errors"][0].startswith("you are ratelimited, retry in "), repr(r)
    expect_error(cp(tok2, "198.51.100.200"), 400, "invalid confirmation code")


# --------------------------------------------------------------------------
# 4. a race on one token

@test
def checkpoint_race_one_winner(ctx):
    start(ctx)
    user = "t74race"
    pw, uid = create_user(ctx, user)
    ck = login_session(ctx, user, pw)
    for attempt in range(3):
        harness.reset_ratelimits(lt(ctx).cfg)
        sql(ctx, f"UPDATE users SET totp_last_step = NULL WHERE uuid = '{uid}'")
        if attempt == 0:
            secret, _, _ = enable(ctx, user, ck, pw)
        st = fresh_step()
        tok = login_token(ctx, user, pw)
        codes = [code(ctx, secret, st), code(ctx, secret, st + 1)]
        with concurrent.futures.ThreadPoolExecutor(2) as ex:
            rs = list(ex.map(lambda c: checkpoint(ctx, tok, c), codes))
        ok = [r for r in rs if r.status == 200]
        eq(len(ok), 1, f"exactly one winner: {rs!r}")
        cookie_of(ctx, ok[0])
        loser = [r for r in rs if r.status != 200][0]
        eq(loser.status, 400, f"the loser: {loser!r}")
        assert loser.json()["errors"][0] in ("invalid confirmation token",
                                             "this code has already been used"), repr(loser)
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_activities WHERE user_uuid = '{uid}' "
                f"AND event = 'auth:success' AND JSON_UNQUOTE(JSON_EXTRACT(data, '$.using')) = 'two-factor'").strip(),
       "3", "one two-factor login per race")


# --------------------------------------------------------------------------
# 5. disable

@test
def disable_ends_other_sessions(ctx):
    start(ctx)
    user = "t74disable"
    pw, uid = create_user(ctx, user)
    ck = login_session(ctx, user, pw)
    secret, rcodes, e = enable(ctx, user, ck, pw)
    # two more sessions through the checkpoint (recovery codes: no steps used)
    r = checkpoint(ctx, login_token(ctx, user, pw), rcodes[0])
    eq(r.status, 200, f"checkpoint a: {r!r}")
    a = cookie_of(ctx, r)
    r = checkpoint(ctx, login_token(ctx, user, pw), rcodes[1])
    eq(r.status, 200, f"checkpoint b: {r!r}")
    b = cookie_of(ctx, r)
    eq((account_status(ctx, a), account_status(ctx, b)), (200, 200), "both sessions")
    expect_error(req(ctx, "DELETE", TFA, headers=a, body={"code": "1234567", "password": pw}),
                 400, "invalid confirmation code length")
    expect_error(req(ctx, "DELETE", TFA, headers=a,
                     body={"code": rcodes[2], "password": "wrong-password-74"}),
                 403, "invalid password")
    expect_error(req(ctx, "DELETE", TFA, headers=a, body={"code": "ZZZZZZZZZZ", "password": pw}),
                 400, "invalid recovery code")
    # the enabling step cannot disable (each step once)
    expect_error(req(ctx, "DELETE", TFA, headers=a,
                     body={"code": code(ctx, secret, e), "password": pw}),
                 400, "this code has already been used")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_recovery_codes WHERE user_uuid = '{uid}'").strip(),
       "8", "recovery codes before disabling")
    r = req(ctx, "DELETE", TFA, headers=a, body={"code": rcodes[2], "password": pw})
    eq((r.status, r.json()), (200, {}), f"disable: {r!r}")
    eq(sql(ctx, f"SELECT totp_enabled, totp_secret IS NULL FROM users "
                f"WHERE uuid = '{uid}'").strip().split("\t"), ["0", "1"],
       "totp_enabled, totp_secret NULL")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_recovery_codes WHERE user_uuid = '{uid}'").strip(),
       "0", "recovery codes after disabling")
    eq(account_status(ctx, a), 200, "the disabling session")
    expect_error(req(ctx, "GET", "/api/client/account", headers=b), 401, "invalid session")
    expect_error(req(ctx, "GET", "/api/client/account", headers=ck), 401, "invalid session")
    expect_error(req(ctx, "DELETE", TFA, headers=a, body={"code": rcodes[3], "password": pw}),
                 409, "two-factor authentication is not enabled")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_activities WHERE user_uuid = '{uid}' "
                f"AND event = 'account:two-factor.disable'").strip(), "1", "disable activity")
    # the password login is plain again
    login_session(ctx, user, pw)


@test
def disable_with_totp_code(ctx):
    start(ctx)
    user = "t74distotp"
    pw, uid = create_user(ctx, user)
    ck = login_session(ctx, user, pw)
    secret, rcodes, e = enable(ctx, user, ck, pw)
    st = now_step()
    expect_error(req(ctx, "DELETE", TFA, headers=ck,
                     body={"code": not_a_code(secret, [st - 1, st, st + 1]), "password": pw}),
                 400, "invalid confirmation code")
    r = req(ctx, "DELETE", TFA, headers=ck, body={"code": code(ctx, secret, e + 1),
                                                  "password": pw})
    eq((r.status, r.json()), (200, {}), f"disable with TOTP: {r!r}")
    eq(sql(ctx, f"SELECT totp_enabled FROM users WHERE uuid = '{uid}'").strip(), "0",
       "totp_enabled")


# --------------------------------------------------------------------------
# 6. the gate's requirement

@test
def requirement_allows_setup(ctx):
    start(ctx)
    user = "t74required"
    pw, uid = create_user(ctx, user)
    ck = login_session(ctx, user, pw)
    sql(ctx, "REPLACE INTO settings (`key`, value) VALUES "
             "('app::two_factor_requirement', 'all_users')")
    try:
        expect_error(req(ctx, "GET", "/api/client/permissions", headers=ck), 403,
                     "two-factor authentication required")
        r = req(ctx, "GET", "/api/client/account", headers=ck)
        eq((r.status, r.json()["user"]["require_two_factor"]), (200, True),
           "account is exempt and shows the requirement")
        enable(ctx, user, ck, pw)
        eq(req(ctx, "GET", "/api/client/permissions", headers=ck).status, 200,
           "the same session after enabling")
    finally:
        sql(ctx, "DELETE FROM settings WHERE `key` = 'app::two_factor_requirement'")
