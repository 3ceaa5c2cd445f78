"""Authentication through lighttpd (issue 3): the password login, the login
and client rate limits, every row of the client gate's error table, the
session cookie's life (sliding expiry, logout, idle expiry, key rotation),
the cross-site check, the sessions routes and the activity entries.

The tests run on a stack of their own (2 panel-fcgi processes x 2 threads)
with a database of its own (auth70), settings_cache_seconds = 0 (settings
written by SQL apply on the next request) and log_level = debug (the most
the server ever logs, for the secret hunt); the database fallback of the rate
limits and the cookie-key rotation get stacks of their own. Every password,
cookie and key used is added to ctx.secrets_to_hunt."""

import concurrent.futures
import datetime
import email.utils
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import signal
import string
import time
import uuid as uuidlib

import harness
from harness import test, eq, expect_error
import stack

DB = "auth70"
COOKIE = "calagopus_session"
PANEL = "http://127.0.0.1:8080"
DURATION = 604800
BASE62 = string.ascii_uppercase + string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
FULL_USER_KEYS = ["uuid", "username", "role", "avatar", "email", "name_first", "name_last",
                  "admin", "frozen", "suspended", "totp_enabled", "totp_last_used",
                  "require_two_factor", "language", "toast_position",
                  "start_on_grouped_servers", "has_password", "created"]
USER_KEYS = ["uuid", "username", "avatar", "totp_enabled", "created"]
SESSION_KEYS = ["uuid", "ip", "user_agent", "is_using", "last_used", "created"]
MINE = []  # every secret these tests used, for the log checks at the end


# --------------------------------------------------------------------------
# helpers

def hunt(ctx, s):
    ctx.secrets_to_hunt.append(s)
    MINE.append(s)
    return s


def lt(ctx):
    """This file's stack (created on first use)."""
    s = getattr(ctx, "_auth70", None)
    if s is None:
        # rate limits in the shared-memory table (the default); the
        # database fallback gets a stack of its own below
        shm = os.path.join(ctx.root, "auth70", "ratelimit.shm")
        s = harness.lighttpd_stack(ctx, "auth70", {"settings_cache_seconds": "0",
                                                   "log_level": "debug",
                                                   "ratelimit_file": shm}, dbname=DB)
        ctx._auth70 = s
    return s


def sql(ctx, text):
    return ctx.db.sql(text, db=DB)


def sq(s):
    return s.replace("\\", "\\\\").replace("'", "''")


def set_setting(ctx, key, value):
    sql(ctx, f"REPLACE INTO settings (`key`, value) VALUES ('{sq(key)}', '{sq(value)}');")


def fresh(ctx):
    """No settings and no rate-limit counters: every test starts from the
    defaults."""
    harness.reset_ratelimits(lt(ctx).cfg)  # the shared-memory table
    sql(ctx, "DELETE FROM settings; DELETE FROM ratelimit_windows;")  # the fallback


def call(ctx, method, path, cookie=None, key=None, headers=None, body=None, port=None):
    """One request; the Response also carries every Set-Cookie header."""
    h = dict(headers or {})
    if cookie is not None:
        h["Cookie"] = f"{COOKIE}={cookie}"
    if key is not None:
        h["Authorization"] = f"Bearer {key}"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection("127.0.0.1", port or lt(ctx).port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        raw = r.getheaders()
        resp = harness.Response(r.status, raw, r.read())
        resp.set_cookies = [v for k, v in raw if k.lower() == "set-cookie"]
        return resp
    finally:
        conn.close()


def login(ctx, user, password, headers=None, port=None):
    return call(ctx, "POST", "/api/auth/login", headers=headers,
                body={"user": user, "password": password}, port=port)


def mkuser(ctx, username, admin=False, email=None, cfg=None):
    """A user made by the CLI; returns (uuid, password)."""
    pw = hunt(ctx, "pw-" + secrets.token_urlsafe(15))
    args = ["user", "create", "--username", username,
            "--email", email or f"{username}@example.com",
            "--name-first", "Ada", "--name-last", "Lovelace"]
    if admin:
        args.append("--admin")
    (cfg or lt(ctx).cfg).cli(*args, input=pw + "\n")
    db = DB if cfg is None else cfg.dbname
    uid = ctx.db.sql(f"SELECT uuid FROM users WHERE username = '{username}'", db=db).strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", uid), uid
    return uid, pw


def parse_set_cookie(raw):
    """(value, {attribute (lower case): value or None}) of a Set-Cookie."""
    parts = raw.split("; ")
    name, _, value = parts[0].partition("=")
    eq(name, COOKIE, f"cookie name in {raw!r}")
    attrs = {}
    for p in parts[1:]:
        k, sep, v = p.partition("=")
        assert k.lower() not in attrs, f"attribute {k} twice in {raw!r}"
        attrs[k.lower()] = v if sep else None
    return value, attrs


def expires_of(attrs):
    return email.utils.parsedate_to_datetime(attrs["expires"]).timestamp()


def the_cookie(ctx, resp, secure=False):
    """The one Set-Cookie of resp, checked attribute by attribute; returns
    (value, expires as unix seconds)."""
    eq(len(resp.set_cookies), 1, f"one Set-Cookie in {resp!r}: {resp.set_cookies}")
    value, attrs = parse_set_cookie(resp.set_cookies[0])
    want = {"expires", "path", "httponly", "samesite"} | ({"secure"} if secure else set())
    eq(set(attrs), want, f"attributes of {resp.set_cookies[0]!r}")
    eq(attrs["path"], "/", "Path")
    eq(attrs["httponly"], None, "HttpOnly is a flag")
    eq(attrs["samesite"], "Lax", "SameSite")
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT",
                        attrs["expires"]), attrs["expires"]
    if value:
        hunt(ctx, value)
    return value, expires_of(attrs)



def login_cookie(ctx, user, password, headers=None, port=None):
    r = login(ctx, user, password, headers=headers, port=port)
    eq(r.status, 200, f"login of {user}: {r!r}")
    eq(r.json()["type"], "completed", "login type")
    value, _ = the_cookie(ctx, r)
    return value


def new_key(ctx, uid, user_perms=(), prefix="ptlc_", expires=None):
    """An API key inserted by SQL the way the server stores one (key_start
    and SHA-256); returns (key, uuid)."""
    key = hunt(ctx, prefix + "".join(secrets.choice(BASE62) for _ in range(43)))
    kid = str(uuidlib.uuid4())
    exp = "NULL" if expires is None else f"'{expires}'"
    sql(ctx, "INSERT INTO user_api_keys (uuid, user_uuid, name, key_start, key_hash, "
             "allowed_ips, user_permissions, admin_permissions, server_permissions, expires) "
             f"VALUES ('{kid}', '{uid}', 'k-{kid[:8]}', '{key[:16]}', UNHEX(SHA2('{key}', 256)), "
             f"'[]', '{json.dumps(list(user_perms))}', '[]', '[]', {exp});")
    return key, kid


def ts(db):
    """A DATETIME(6) text from the database as the contract's timestamp."""
    day, _, t = db.partition(" ")
    hms, _, frac = t.partition(".")
    frac = (frac + "000000")[:6]
    if int(frac) == 0:
        f = ""
    elif frac.endswith("000"):
        f = "." + frac[:3]
    else:
        f = "." + frac
    return f"{day}T{hms}{f}Z"


def db_created(ctx, table, uid):
    return ts(sql(ctx, f"SELECT created FROM {table} WHERE uuid = '{uid}'").strip())


def full_user(ctx, uid, username, email, **over):
    """The FullUser of a CLI-made account with the defaults, plus over."""
    u = {"uuid": uid, "username": username, "role": None, "avatar": None, "email": email,
         "name_first": "Ada", "name_last": "Lovelace", "admin": False, "frozen": False,
         "suspended": False, "totp_enabled": False, "totp_last_used": None,
         "require_two_factor": False, "language": "en", "toast_position": "bottom_right",
         "start_on_grouped_servers": False, "has_password": True,
         "created": db_created(ctx, "users", uid)}
    u.update(over)
    return u


def cookie_keys(cfg):
    keys, enc = [], None
    with open(cfg.secrets) as f:
        for line in f:
            k, sep, v = line.partition("=")
            if sep and k.strip() == "cookie_key":
                keys.append(bytes.fromhex(v.strip()))
            elif sep and k.strip() == "encryption_key":
                enc = v.strip()
    return keys, enc


def sign(key, key_id, secret, exp):
    """A cookie in the server's documented layout (include/session.h)."""
    data = f"v1.{key_id}.{secret}.{exp:010d}"
    return data + "." + hmac.new(key, data.encode(), hashlib.sha256).hexdigest()


def fields(cookie):
    v, key_id, secret, exp, tag = cookie.split(".")
    eq((v, len(key_id), len(secret), len(exp), len(tag)), ("v1", 16, 43, 10, 64),
       f"cookie layout of {len(cookie)} bytes")
    return key_id, secret, int(exp), tag


def flip(s, i, alphabet):
    c = alphabet[(alphabet.index(s[i]) + 1) % len(alphabet)]
    return s[:i] + c + s[i + 1:]


def account(ctx, cookie=None, key=None, port=None, headers=None):
    return call(ctx, "GET", "/api/client/account", cookie=cookie, key=key, port=port,
                headers=headers)


def begin(ctx):
    fresh(ctx)


# --------------------------------------------------------------------------
# 1. login

@test
def login_by_username_and_email_exact_body_and_cookie(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_alice", email="Alice.Mixed@Example.COM")
    want = full_user(ctx, uid, "a70_alice", "Alice.Mixed@Example.COM")
    for who in ["a70_alice", "A70_ALICE", "Alice.Mixed@Example.COM", "alice.mixed@example.com",
                "ALICE.MIXED@EXAMPLE.COM"]:
        t0 = time.time()
        r = login(ctx, who, pw)
        eq(r.status, 200, f"login as {who}: {r!r}")
        eq(r.headers.get("content-type"), "application/json", "content type")
        o = r.json()
        eq(list(o.keys()), ["type", "user"], "completed keys")
        eq(o["type"], "completed", "type")
        eq(list(o["user"].keys()), FULL_USER_KEYS, "FullUser keys in contract order")
        eq(o["user"], want, f"FullUser of {who}")
        value, exp = the_cookie(ctx, r, secure=False)
        eq(len(value), 139, "cookie value length")
        fields(value)
        assert t0 + DURATION - 3 <= exp <= time.time() + DURATION + 3, \
            f"Expires {exp} is not now + {DURATION}"
    # every login is a session of its own
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_sessions WHERE user_uuid = '{uid}'").strip(), "5",
       "five sessions")
    # the cookie authenticates
    r = account(ctx, cookie=value)
    eq(r.status, 200, f"account: {r!r}")
    eq(r.json(), {"user": want}, "GET /api/client/account")


@test
def login_refusals_are_one_message(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_bob")
    bad = "invalid username or password"
    expect_error(login(ctx, "a70_bob", pw + "x"), 400, bad)
    expect_error(login(ctx, "a70_bob", ""), 400, bad)
    expect_error(login(ctx, "a70_nobody", pw), 400, bad)
    expect_error(login(ctx, "nobody70@example.com", pw), 400, bad)
    expect_error(login(ctx, "a70_bob@example.com", pw + "x"), 400, bad)
    expect_error(login(ctx, "", pw), 400, bad)
    # the e-mail is matched as a whole, the username too
    expect_error(login(ctx, "a70_bo", pw), 400, bad)
    expect_error(login(ctx, "70_bob@example.com", pw), 400, bad)
    # a password-less account cannot log in, even with an empty password
    uid2, pw2 = mkuser(ctx, "a70_nopw")
    sql(ctx, f"UPDATE users SET password = NULL WHERE uuid = '{uid2}'")
    expect_error(login(ctx, "a70_nopw", pw2), 400, bad)
    expect_error(login(ctx, "a70_nopw", ""), 400, bad)
    r = login(ctx, "a70_bob", pw + "x")
    eq(r.set_cookies, [], "no cookie on a refusal")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_sessions WHERE user_uuid IN ('{uid}', '{uid2}')")
       .strip(), "0", "no session made")


@test
def login_payload_validation(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_val")
    expect_error(login(ctx, "a70_val", "x" * 513), 400, "password: length is greater than 512")
    # bytes, not characters: 257 two-byte characters are 514 bytes
    expect_error(login(ctx, "a70_val", "\u00e9" * 257), 400,
                 "password: length is greater than 512")
    expect_error(login(ctx, "a70_val", "x" * 512), 400, "invalid username or password")
    expect_error(login(ctx, "a70_val", "\u00e9" * 256), 400, "invalid username or password")
    expect_error(call(ctx, "POST", "/api/auth/login", body={"password": pw}), 400,
                 "invalid payload: missing field `user`")
    expect_error(call(ctx, "POST", "/api/auth/login", body={"user": "a70_val"}), 400,
                 "invalid payload: missing field `password`")
    r = call(ctx, "POST", "/api/auth/login", body={"user": 5, "password": pw})
    eq(r.status, 400, f"user of the wrong type: {r!r}")
    assert r.json()["errors"][0].startswith("invalid payload: "), r
    expect_error(call(ctx, "POST", "/api/auth/login", body=json.dumps({"user": "a70_val",
                                                                       "password": pw})),
                 400, "invalid payload: missing content type header")


@test
def login_with_totp_enabled_asks_for_the_second_factor(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_totp")
    sql(ctx, f"UPDATE users SET totp_enabled = 1 WHERE uuid = '{uid}'")
    r = login(ctx, "a70_totp", pw)
    eq(r.status, 200, f"{r!r}")
    o = r.json()
    eq(list(o.keys()), ["type", "user", "token"], "keys")
    eq(o["type"], "two_factor_required", "type")
    eq(list(o["user"].keys()), USER_KEYS, "User keys in contract order")
    eq(o["user"], {"uuid": uid, "username": "a70_totp", "avatar": None, "totp_enabled": True,
                   "created": db_created(ctx, "users", uid)}, "User")
    assert isinstance(o["token"], str) and len(o["token"]) >= 32, o["token"]
    hunt(ctx, o["token"])
    eq(r.set_cookies, [], "no cookie before the second factor")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_sessions WHERE user_uuid = '{uid}'").strip(), "0",
       "no session before the second factor")
    # a wrong password is still the plain refusal
    expect_error(login(ctx, "a70_totp", pw + "x"), 400, "invalid username or password")


@test
def login_imported_bcrypt_hash_is_upgraded(ctx):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt
    begin(ctx)
    for prefix in ["$2b$", "$2a$", "$2y$"]:
        name = "a70_bc" + prefix[2]
        uid, _ = mkuser(ctx, name)
        pw = hunt(ctx, "imported-" + secrets.token_hex(8))
        h = crypt.crypt(pw, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16))
        assert h.startswith("$2b$04$"), h
        h = prefix + h[4:]
        sql(ctx, f"UPDATE users SET password = '{sq(h)}' WHERE uuid = '{uid}'")
        expect_error(login(ctx, name, pw + "x"), 400, "invalid username or password")
        eq(sql(ctx, f"SELECT password FROM users WHERE uuid = '{uid}'").strip(), h,
           f"{prefix}: a refused login keeps the imported hash")
        r = login(ctx, name, pw)
        eq(r.status, 200, f"{prefix}: {r!r}")
        eq(r.json()["type"], "completed", "type")
        the_cookie(ctx, r)
        stored = sql(ctx, f"SELECT password FROM users WHERE uuid = '{uid}'").strip()
        assert stored.startswith("$argon2id$"), f"{prefix}: upgraded to Argon2id: {stored[:12]}"
        # the new hash verifies the same password
        r = login(ctx, name, pw)
        eq(r.status, 200, f"{prefix}: login after the upgrade: {r!r}")
        eq(sql(ctx, f"SELECT password FROM users WHERE uuid = '{uid}'").strip(), stored,
           "no second re-hash")


# --------------------------------------------------------------------------
# 2. rate limits

def expect_limited(r, hits, window, t0):
    eq(r.status, 429, f"limited: {r!r}")
    msg = r.json()["errors"][0]
    m = re.fullmatch(r"you are ratelimited, retry in (\d+)s", msg)
    assert m, msg
    n = int(m.group(1))
    eq(r.json(), {"errors": [f"you are ratelimited, retry in {n}s"]}, "body")
    assert window - 5 <= n <= window, f"retry in {n}s of a {window}s window"
    eq(r.headers.get("x-ratelimit-limit"), str(hits), "X-RateLimit-Limit")
    eq(r.headers.get("x-ratelimit-remaining"), "0", "X-RateLimit-Remaining")
    eq(r.headers.get("retry-after"), str(n), "Retry-After")
    reset = int(r.headers.get("x-ratelimit-reset"))
    assert t0 + window - 3 <= reset <= time.time() + window + 1, \
        f"X-RateLimit-Reset {reset} is not about now + {window}"
    assert abs(reset - n - time.time()) <= 3, "Reset = now + Retry-After"
    eq(r.set_cookies, [], "no cookie on a 429")


@test
def login_rate_limit(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_rl")
    set_setting(ctx, "ratelimits::auth_login", '{"hits":3,"window_seconds":60}')
    try:
        t0 = time.time()
        expect_error(login(ctx, "a70_rl", pw + "x"), 400, "invalid username or password")
        r = login(ctx, "a70_rl", pw)
        eq(r.status, 200, f"second attempt passes: {r!r}")
        the_cookie(ctx, r)
        expect_limited(login(ctx, "a70_rl", pw), 3, 60, t0)
        # validation comes before the limit and does not count
        expect_error(login(ctx, "a70_rl", "x" * 513), 400, "password: length is greater than 512")
        # every later attempt in the window is refused, the right password too
        expect_limited(login(ctx, "a70_rl", pw), 3, 60, t0)
        expect_limited(login(ctx, "a70_nobody", pw), 3, 60, t0)
        # another client address has a counter of its own
        r = login(ctx, "a70_rl", pw, headers={"X-Forwarded-For": "203.0.113.70"})
        eq(r.status, 200, f"other client: {r!r}")
        the_cookie(ctx, r)
        # a short window: it ends, and a new one starts with the next hit
        set_setting(ctx, "ratelimits::auth_login", '{"hits":3,"window_seconds":4}')
        xff = {"X-Forwarded-For": "203.0.113.71"}
        t0 = time.time()
        for i in range(2):
            expect_error(login(ctx, "a70_rl", pw + "x", headers=xff), 400,
                         "invalid username or password")
        r = login(ctx, "a70_rl", pw, headers=xff)
        expect_limited(r, 3, 4, t0)
        end = int(r.headers["x-ratelimit-reset"])
        time.sleep(max(0, end - time.time()) + 0.2)
        r = login(ctx, "a70_rl", pw, headers=xff)
        eq(r.status, 200, f"after the window: {r!r}")
        the_cookie(ctx, r)
        expect_error(login(ctx, "a70_rl", pw + "x", headers=xff), 400,
                     "invalid username or password")
        expect_limited(login(ctx, "a70_rl", pw, headers=xff), 3, 4, time.time() - 0.5)
    finally:
        fresh(ctx)


def client_limit_exact_and_kept_across_restarts(ctx, s):
    """40 concurrent requests against ratelimits::client = 21 hits: exactly
    20 pass, whichever of the two processes serves them; after both
    processes are killed and respawned the window still holds."""
    set_setting(ctx, "ratelimits::client", '{"hits":21,"window_seconds":120}')
    ip = "198.51.100.70"
    try:
        def one(_=None, addr=ip):
            return call(ctx, "GET", "/api/client/account", headers={"X-Forwarded-For": addr},
                        port=s.port)
        out = os.path.join(s.root, "lighttpd.out")  # the workers' stderr
        seen = os.path.getsize(out)
        t0 = time.time()
        with concurrent.futures.ThreadPoolExecutor(40) as ex:
            rs = list(ex.map(one, range(40)))
        statuses = [r.status for r in rs]
        eq((statuses.count(401), statuses.count(429)), (20, 20),
           f"exactly hits - 1 pass: {sorted(statuses)}")
        with open(out, errors="replace") as f:
            f.seek(seen)
            served = re.findall(r"panel-fcgi\[(\d+)\] debug \[[^]]*\] "
                                r"GET /api/client/account -> (?:401|429)", f.read())
        eq(len(served), 40, "every request in the debug log")
        eq(len(set(served)), 2, "both processes served the burst")
        for r in rs:
            if r.status == 401:
                expect_error(r, 401, "missing authorization")
            else:
                expect_limited(r, 21, 120, t0)
        # both worker processes die; their successors see the same window
        pids = s.backends()
        eq(len(pids), 2, f"two backends: {pids}")
        for p in pids:
            os.kill(p, signal.SIGKILL)
        assert stack.wait_until(lambda: len(s.backends()) == 2 and
                                not set(pids) & set(s.backends()), 15), \
            f"respawned: {pids} -> {s.backends()}"
        expect_limited(one(), 21, 120, t0)
        expect_error(one(addr="198.51.100.71"), 401, "missing authorization")
    finally:
        fresh(ctx)


@test
def client_rate_limit_exact_under_concurrency_and_survives_worker_restart(ctx):
    begin(ctx)
    client_limit_exact_and_kept_across_restarts(ctx, lt(ctx))


@test
def client_rate_limit_in_the_database_table(ctx):
    # ratelimit_file empty: the counters live in ratelimit_windows
    begin(ctx)
    s = harness.lighttpd_stack(ctx, "auth70-rldb", {"ratelimit_file": "",
                                                    "settings_cache_seconds": "0",
                                                    "log_level": "debug"}, dbname=DB)
    try:
        client_limit_exact_and_kept_across_restarts(ctx, s)
        set_setting(ctx, "ratelimits::client", '{"hits":21,"window_seconds":120}')
        for _ in range(3):
            call(ctx, "GET", "/api/client/account", headers={"X-Forwarded-For": "198.51.100.72"},
                 port=s.port)
        eq(sql(ctx, "SELECT hits FROM ratelimit_windows "
                    "WHERE rl_key = 'ratelimit::client::198.51.100.72'").strip(), "3",
           "the database holds the counter")
    finally:
        fresh(ctx)
        s.stop()


# --------------------------------------------------------------------------
# 3. the client gate's error table

@test
def gate_authorization_header_errors(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_hdr")
    key, kid = new_key(ctx, uid)
    r = account(ctx, key=key)
    eq(r.status, 200, f"the key works: {r!r}")
    eq(r.json()["user"]["uuid"], uid, "its user")
    eq(r.set_cookies, [], "no cookie for a key")
    expect_error(account(ctx), 401, "missing authorization")
    expect_error(call(ctx, "GET", "/api/client/permissions"), 401, "missing authorization")
    expect_error(call(ctx, "GET", "/api/client/account", headers={"Cookie": "other=1"}), 401,
                 "missing authorization")
    rnd = lambda n: "".join(secrets.choice(BASE62) for _ in range(n))  # noqa: E731
    for h in ["Bearer abc", "Bearer " + key[:-1], "Bearer " + key + "x", key,
              "Bearer  " + key, "Bearer" + key]:
        expect_error(call(ctx, "GET", "/api/client/account", headers={"Authorization": h}),
                     401, "invalid authorization header")
    eq(len("Bearer " + key[:-1]), 54, "54 bytes")
    for k in ["ptlc_" + rnd(43), "c7sp_" + rnd(43), flip(key, 47, BASE62),
              key[:16] + rnd(32), "Bearer " + rnd(41)]:
        expect_error(account(ctx, key=k), 401, "invalid api key")
    # the prefix is not checked: a key the real panel minted works
    ck, _ = new_key(ctx, uid, prefix="c7sp_")
    r = account(ctx, key=ck)
    eq(r.status, 200, f"a c7sp_ key: {r!r}")
    # an expired key fails at once
    xk, xid = new_key(ctx, uid, expires="2001-01-01 00:00:00")
    expect_error(account(ctx, key=xk), 401, "invalid api key")
    sql(ctx, f"UPDATE user_api_keys SET expires = UTC_TIMESTAMP(6) + INTERVAL 1 HOUR "
             f"WHERE uuid = '{xid}'")
    eq(account(ctx, key=xk).status, 200, "not yet expired")
    sql(ctx, f"UPDATE user_api_keys SET expires = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND "
             f"WHERE uuid = '{xid}'")
    expect_error(account(ctx, key=xk), 401, "invalid api key")
    # a deleted key fails on the very next request
    sql(ctx, f"DELETE FROM user_api_keys WHERE uuid = '{kid}'")
    expect_error(account(ctx, key=key), 401, "invalid api key")


@test
def gate_header_of_the_right_length_without_bearer_is_an_unknown_key(ctx):
    # Contract 2.2 step 3: only the length (55) decides "invalid
    # authorization header"; then every leading "Bearer " is stripped and the
    # rest is looked up as the key, so a 55-byte value with another scheme is
    # "invalid api key".
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_hdr2")
    key, _ = new_key(ctx, uid)
    for h in ["bearer " + key, "Token  " + key, "Basic: " + key]:
        eq(len(h), 55, "55 bytes")
        expect_error(call(ctx, "GET", "/api/client/account", headers={"Authorization": h}),
                     401, "invalid api key")


@test
def gate_cookie_errors(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_ck")
    good = login_cookie(ctx, "a70_ck", pw)
    key, _ = new_key(ctx, uid)
    key_id, secret, exp, tag = fields(good)
    eq(account(ctx, cookie=good).status, 200, "the cookie works")
    bad_form = "invalid authorization cookie"
    for v in ["abc", "", good[:-1], good + "0", good[1:], "x" * 81,
              key_id + ":" + secrets.token_hex(32), "v2" + good[2:], good.replace(".", ":", 1),
              good[:75] + good[75:].upper()]:
        expect_error(account(ctx, cookie=v), 401, bad_form)
    # one character changed, in each part: the signature no longer matches
    for i, alphabet, what in [(76, HEX, "tag"), (138, HEX, "tag end"), (30, BASE62, "secret"),
                              (5, BASE62, "key id"), (73, "0123456789", "expiry digit")]:
        expect_error(account(ctx, cookie=flip(good, i, alphabet)), 401, "invalid session")
    # cookies signed with the stack's own key: only a live session passes
    k = cookie_keys(lt(ctx).cfg)[0][0]
    now = int(time.time())
    resigned = hunt(ctx, sign(k, key_id, secret, now + 3600))
    r = account(ctx, cookie=resigned)
    eq(r.status, 200, f"a re-signed cookie of the live session (checks sign()): {r!r}")
    the_cookie(ctx, r)
    for v, what in [(sign(k, key_id, secret, now - 1), "expired"),
                    (sign(k, key_id, flip(secret, 0, BASE62), now + 3600), "wrong secret"),
                    (sign(k, flip(key_id, 0, BASE62), secret, now + 3600), "unknown key id"),
                    (sign(os.urandom(32), key_id, secret, now + 3600), "another key")]:
        expect_error(account(ctx, cookie=v), 401, "invalid session")
    # the cookie wins over an Authorization header
    expect_error(account(ctx, cookie="abc", key=key), 401, bad_form)
    expect_error(account(ctx, cookie=flip(good, 76, HEX), key=key), 401, "invalid session")
    r = account(ctx, cookie=good, headers={"Authorization": "Bearer abc"})
    eq(r.status, 200, f"good cookie, bad header: {r!r}")
    eq(account(ctx, cookie=good).status, 200, "the session is unharmed")


@test
def gate_suspended_account(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_susp")
    c = login_cookie(ctx, "a70_susp", pw)
    key, _ = new_key(ctx, uid)
    sql(ctx, f"UPDATE users SET suspended = 1 WHERE uuid = '{uid}'")
    r = call(ctx, "GET", "/api/client/permissions", cookie=c)
    expect_error(r, 403, "account is suspended")
    the_cookie(ctx, r)  # the cookie authenticated: it is re-issued
    expect_error(call(ctx, "GET", "/api/client/account/sessions", cookie=c), 403,
                 "account is suspended")
    expect_error(call(ctx, "GET", "/api/client/permissions", key=key), 403,
                 "account is suspended")
    want = full_user(ctx, uid, "a70_susp", "a70_susp@example.com", suspended=True)
    r = account(ctx, cookie=c)
    eq(r.status, 200, f"GET account is exempt: {r!r}")
    eq(r.json(), {"user": want}, "account")
    r = account(ctx, key=key)
    eq(r.status, 200, f"GET account with a key: {r!r}")
    eq(r.json(), {"user": want}, "account")
    # login itself does not check suspension (contract 2.6)
    c2 = login_cookie(ctx, "a70_susp", pw)
    expect_error(call(ctx, "POST", "/api/client/account/logout", key=key), 400,
                 "unable to log out when not using session authentication")
    r = call(ctx, "POST", "/api/client/account/logout", cookie=c2)
    eq((r.status, r.json()), (200, {}), "logout is exempt")
    expect_error(account(ctx, cookie=c2), 401, "invalid session")
    eq(account(ctx, cookie=c).status, 200, "the other session lives")


@test
def gate_two_factor_requirement(ctx):
    begin(ctx)
    adm, apw = mkuser(ctx, "a70_adm", admin=True)
    usr, upw = mkuser(ctx, "a70_usr")
    ca = login_cookie(ctx, "a70_adm", apw)
    cu = login_cookie(ctx, "a70_usr", upw)
    ka, _ = new_key(ctx, adm)
    need = "two-factor authentication required"

    def perms(cookie=None, key=None):
        return call(ctx, "GET", "/api/client/permissions", cookie=cookie, key=key)

    def req2fa(cookie):
        r = account(ctx, cookie=cookie)
        eq(r.status, 200, f"GET account is exempt: {r!r}")
        return r.json()["user"]["require_two_factor"]

    eq((perms(ca).status, perms(cu).status), (200, 200), "no setting: nobody")
    set_setting(ctx, "app::two_factor_requirement", "admins")
    expect_error(perms(ca), 403, need)
    expect_error(perms(key=ka), 403, need)
    eq(perms(cu).status, 200, "admins: a user without the flag passes")
    eq((req2fa(ca), req2fa(cu)), (True, False), "require_two_factor under admins")
    # the exempt routes
    r = call(ctx, "POST", "/api/client/account/logout", cookie=login_cookie(ctx, "a70_adm", apw))
    eq((r.status, r.json()), (200, {}), "logout is exempt")
    # with TOTP enabled the requirement is met
    sql(ctx, f"UPDATE users SET totp_enabled = 1 WHERE uuid = '{adm}'")
    eq(perms(ca).status, 200, "TOTP enabled")
    sql(ctx, f"UPDATE users SET totp_enabled = 0 WHERE uuid = '{adm}'")
    set_setting(ctx, "app::two_factor_requirement", "all_users")
    expect_error(perms(cu), 403, need)
    expect_error(perms(ca), 403, need)
    set_setting(ctx, "app::two_factor_requirement", "none")
    eq((perms(ca).status, perms(cu).status), (200, 200), "none")
    set_setting(ctx, "app::two_factor_requirement", "bogus")
    eq((perms(ca).status, perms(cu).status), (200, 200), "unknown value = none")
    # a role decides for its users, whatever the setting says
    r_on, r_off = str(uuidlib.uuid4()), str(uuidlib.uuid4())
    sql(ctx, f"INSERT INTO roles (uuid, name, description, require_two_factor, "
             f"admin_permissions, server_permissions) VALUES "
             f"('{r_on}', 'a70-2fa-on', 'needs it', 1, '[]', '[]'), "
             f"('{r_off}', 'a70-2fa-off', NULL, 0, '[\"users.read\"]', '[\"control.start\"]');")
    sql(ctx, f"UPDATE users SET role_uuid = '{r_on}' WHERE uuid = '{usr}'; "
             f"UPDATE users SET role_uuid = '{r_off}' WHERE uuid = '{adm}';")
    set_setting(ctx, "app::two_factor_requirement", "none")
    expect_error(perms(cu), 403, need)
    eq(req2fa(cu), True, "role on")
    set_setting(ctx, "app::two_factor_requirement", "all_users")
    eq(perms(ca).status, 200, "role off exempts an admin under all_users")
    eq(req2fa(ca), False, "role off")
    r = account(ctx, cookie=ca)
    eq(r.json()["user"]["role"], {"uuid": r_off, "name": "a70-2fa-off", "description": None,
                                  "require_two_factor": False,
                                  "admin_permissions": ["users.read"],
                                  "server_permissions": ["control.start"],
                                  "created": db_created(ctx, "roles", r_off)}, "Role object")
    eq(list(r.json()["user"]["role"].keys()), ["uuid", "name", "description",
                                               "require_two_factor", "admin_permissions",
                                               "server_permissions", "created"], "Role keys")
    # suspension is checked before the second factor
    sql(ctx, f"UPDATE users SET suspended = 1 WHERE uuid = '{usr}'")
    expect_error(perms(cu), 403, "account is suspended")
    sql(ctx, f"UPDATE users SET role_uuid = NULL, suspended = 0 WHERE uuid IN ('{usr}', '{adm}'); "
             f"DELETE FROM roles WHERE uuid IN ('{r_on}', '{r_off}');")
    fresh(ctx)


# --------------------------------------------------------------------------
# 4. the cookie's life

@test
def cookie_slides_on_every_use(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_slide")
    r = login(ctx, "a70_slide", pw)
    c0, e0 = the_cookie(ctx, r)
    time.sleep(1.2)
    r = account(ctx, cookie=c0)
    eq(r.status, 200, f"{r!r}")
    c1, e1 = the_cookie(ctx, r)
    assert e1 > e0, f"a later Expires: {e0} -> {e1}"
    assert abs(e1 - (time.time() + DURATION)) <= 3, "now + session_duration"
    eq(fields(c1)[2], int(e1), "the signed expiry is the cookie's Expires")
    eq(fields(c1)[:2], fields(c0)[:2], "the same session")
    time.sleep(1.2)
    r = call(ctx, "GET", "/api/client/permissions", cookie=c1)
    eq(r.status, 200, f"{r!r}")
    c2, e2 = the_cookie(ctx, r)
    assert e2 > e1, f"a later Expires again: {e1} -> {e2}"
    eq(account(ctx, cookie=c0).status, 200, "the first cookie is still good")
    # an error after authentication re-issues it too
    r = call(ctx, "DELETE", f"/api/client/account/sessions/{uuidlib.uuid4()}", cookie=c2)
    expect_error(r, 404, "session not found")
    the_cookie(ctx, r)


@test
def logout_clears_the_cookie_and_kills_the_session_everywhere(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_out")
    c = login_cookie(ctx, "a70_out", pw)
    other = login_cookie(ctx, "a70_out", pw)
    t0 = time.time()
    r = call(ctx, "POST", "/api/client/account/logout", cookie=c)
    eq((r.status, r.json()), (200, {}), f"logout: {r!r}")
    value, exp = the_cookie(ctx, r)
    eq(value, "", "the clearing cookie is empty")
    assert t0 <= exp <= time.time() + 3, f"Expires {exp} within a few seconds"
    # the next request fails, whichever process serves it
    for _ in range(10):
        expect_error(account(ctx, cookie=c), 401, "invalid session")
    with concurrent.futures.ThreadPoolExecutor(10) as ex:
        rs = list(ex.map(lambda _: account(ctx, cookie=c), range(20)))
    for r in rs:
        expect_error(r, 401, "invalid session")
    expect_error(call(ctx, "POST", "/api/client/account/logout", cookie=c), 401,
                 "invalid session")
    eq(account(ctx, cookie=other).status, 200, "the other session lives")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_sessions WHERE user_uuid = '{uid}'").strip(), "1",
       "one session row left")
    # an API key cannot log out
    key, _ = new_key(ctx, uid)
    expect_error(call(ctx, "POST", "/api/client/account/logout", key=key), 400,
                 "unable to log out when not using session authentication")


@test
def idle_session_expires_without_a_sweeper(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_idle")
    old = login_cookie(ctx, "a70_idle", pw)
    young = login_cookie(ctx, "a70_idle", pw)
    sid_old = sql(ctx, f"SELECT uuid FROM user_sessions WHERE key_id = '{fields(old)[0]}'").strip()
    sid_young = sql(ctx, f"SELECT uuid FROM user_sessions "
                         f"WHERE key_id = '{fields(young)[0]}'").strip()
    sql(ctx, f"UPDATE user_sessions SET last_used = UTC_TIMESTAMP(6) - INTERVAL {DURATION + 5} "
             f"SECOND WHERE uuid = '{sid_old}'; "
             f"UPDATE user_sessions SET last_used = UTC_TIMESTAMP(6) - INTERVAL {DURATION - 120} "
             f"SECOND WHERE uuid = '{sid_young}';")
    expect_error(account(ctx, cookie=old), 401, "invalid session")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_sessions WHERE uuid = '{sid_old}'").strip(), "0",
       "the idle session's row is gone")
    expect_error(account(ctx, cookie=old), 401, "invalid session")
    r = account(ctx, cookie=young)
    eq(r.status, 200, f"inside the duration: {r!r}")
    idle = int(sql(ctx, f"SELECT TIMESTAMPDIFF(SECOND, last_used, UTC_TIMESTAMP()) "
                        f"FROM user_sessions WHERE uuid = '{sid_young}'").strip())
    assert idle < 60, f"use refreshed last_used (idle {idle}s)"


@test
def cookie_key_rotation(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_rot")
    c_a = login_cookie(ctx, "a70_rot", pw)  # signed by the first stack's key A
    (key_a,), enc = cookie_keys(lt(ctx).cfg)
    key_b = secrets.token_hex(32)
    both = harness.lighttpd_stack(
        ctx, "auth70-rot-both", {"panel_url": "https://panel.example"}, dbname=DB,
        secrets_text=f"cookie_key = {key_b}\ncookie_key = {key_a.hex()}\nencryption_key = {enc}\n")
    try:
        r = account(ctx, cookie=c_a, port=both.port)
        eq(r.status, 200, f"an old-key cookie still works after rotation: {r!r}")
        c_b, _ = the_cookie(ctx, r, secure=True)  # panel_url is https here
        kid, sec, exp, tag = fields(c_b)
        eq(tag, sign(bytes.fromhex(key_b), kid, sec, exp).split(".")[-1],
           "the new first key signs")
        expect_error(account(ctx, cookie=c_b), 401, "invalid session")  # A alone: unknown key
    finally:
        both.stop()
    only_b = harness.lighttpd_stack(
        ctx, "auth70-rot-new", {}, dbname=DB,
        secrets_text=f"cookie_key = {key_b}\nencryption_key = {enc}\n")
    try:
        expect_error(account(ctx, cookie=c_a, port=only_b.port), 401, "invalid session")
        r = account(ctx, cookie=c_b, port=only_b.port)
        eq(r.status, 200, f"a new-key cookie: {r!r}")
        the_cookie(ctx, r)
    finally:
        only_b.stop()


# --------------------------------------------------------------------------
# 5. cross-site requests

@test
def cross_site_requests_with_a_cookie_are_refused(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_csrf")
    c = login_cookie(ctx, "a70_csrf", pw)
    key, _ = new_key(ctx, uid, ["sessions.read", "sessions.delete"])
    refused = "cross-site request refused: origin is not the panel"
    probe = f"/api/client/account/sessions/{uuidlib.uuid4()}"  # passes the gate -> 404

    def delete(**h):
        return call(ctx, "DELETE", probe, cookie=c, headers=h)

    for h in [{"Origin": "http://evil.example"}, {"Origin": "null"},
              {"Origin": PANEL + ".evil.example"}, {"Origin": PANEL + "0"},
              {"Origin": "https://127.0.0.1:8080"}, {"Origin": "http://127.0.0.1"},
              {"Referer": "http://evil.example/account"},
              {"Referer": PANEL + ".evil.example/"}, {"Referer": PANEL + "@evil.example/"},
              {"Origin": "http://evil.example", "Referer": PANEL + "/account"}]:
        expect_error(delete(**h), 403, refused)
    for h in [{}, {"Origin": PANEL}, {"Referer": PANEL + "/account"}, {"Referer": PANEL},
              {"Origin": PANEL, "Referer": "http://evil.example/"}]:
        expect_error(delete(**h), 404, "session not found")
    r = call(ctx, "POST", "/api/client/account/logout", cookie=c,
             headers={"Origin": "http://evil.example"})
    expect_error(r, 403, refused)
    eq(account(ctx, cookie=c).status, 200, "a refused logout left the session alive")
    r = call(ctx, "DELETE", "/api/client/account/sessions", cookie=c,
             headers={"Referer": "http://evil.example/x"})
    expect_error(r, 403, refused)
    # reading is not changing state
    r = account(ctx, cookie=c, headers={"Origin": "http://evil.example"})
    eq(r.status, 200, f"GET with a foreign Origin: {r!r}")
    # API keys are not subject to it
    r = call(ctx, "DELETE", probe, key=key, headers={"Origin": "http://evil.example"})
    expect_error(r, 404, "session not found")
    r = call(ctx, "DELETE", "/api/client/account/sessions", key=key,
             headers={"Origin": "http://evil.example", "Referer": "http://evil.example/"})
    eq((r.status, r.json()), (200, {"deleted": 1}), f"key with a foreign Origin: {r!r}")
    r = call(ctx, "POST", "/api/client/account/logout", cookie=c, headers={"Origin": PANEL})
    expect_error(r, 401, "invalid session")


# --------------------------------------------------------------------------
# 6. sessions

def sessions(ctx, query="", cookie=None, key=None):
    r = call(ctx, "GET", "/api/client/account/sessions" + query, cookie=cookie, key=key)
    eq(r.status, 200, f"sessions{query}: {r!r}")
    o = r.json()
    eq(list(o.keys()), ["sessions"], "envelope key")
    eq(list(o["sessions"].keys()), ["total", "per_page", "page", "data"], "pagination keys")
    for s in o["sessions"]["data"]:
        eq(list(s.keys()), SESSION_KEYS, "UserSession keys")
    return o["sessions"]


@test
def sessions_list_and_delete(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_sess")
    oid, opw = mkuser(ctx, "a70_sess_o")
    other_user = login_cookie(ctx, "a70_sess_o", opw)
    cookies, sids = [], []
    for ua in ["Agent-One/1.0", "agent-two/2.0", "Agent-Three/3.0"]:
        c = login_cookie(ctx, "a70_sess", pw, headers={"User-Agent": ua})
        cookies.append(c)
        sids.append(sql(ctx, f"SELECT uuid FROM user_sessions "
                             f"WHERE key_id = '{fields(c)[0]}'").strip())
        time.sleep(0.05)
    p = sessions(ctx, cookie=cookies[2])
    eq((p["total"], p["per_page"], p["page"]), (3, 25, 1), "pagination")
    eq([s["uuid"] for s in p["data"]], sids[::-1], "newest first")
    eq([s["user_agent"] for s in p["data"]], ["Agent-Three/3.0", "agent-two/2.0",
                                              "Agent-One/1.0"], "user agents")
    eq([s["is_using"] for s in p["data"]], [True, False, False], "is_using")
    for s, sid in zip(p["data"], sids[::-1]):
        eq(s["ip"], "127.0.0.1", "ip")
        eq(s["created"], db_created(ctx, "user_sessions", sid), "created")
        eq(s["last_used"], ts(sql(ctx, f"SELECT last_used FROM user_sessions "
                                       f"WHERE uuid = '{sid}'").strip()), "last_used")
    p = sessions(ctx, cookie=cookies[0])
    eq([s["is_using"] for s in p["data"]], [False, False, True], "is_using of the first")
    p = sessions(ctx, "?per_page=2", cookie=cookies[2])
    eq((p["total"], p["per_page"], p["page"], [s["uuid"] for s in p["data"]]),
       (3, 2, 1, sids[:0:-1]), "first page of two")
    p = sessions(ctx, "?per_page=2&page=2", cookie=cookies[2])
    eq((p["total"], p["per_page"], p["page"], [s["uuid"] for s in p["data"]]),
       (3, 2, 2, [sids[0]]), "second page")
    for q in ["?search=TWO", "?search=two", "?search=t-tw"]:
        p = sessions(ctx, q, cookie=cookies[2])
        eq((p["total"], [s["uuid"] for s in p["data"]]), (1, [sids[1]]), f"search {q}")
    p = sessions(ctx, "?search=agent-", cookie=cookies[2])
    eq(p["total"], 3, "search matches every agent")
    p = sessions(ctx, "?search=", cookie=cookies[2])
    eq(p["total"], 3, "empty search = none")
    p = sessions(ctx, "?page=5", cookie=cookies[2])
    eq((p["total"], p["per_page"], p["page"], p["data"]), (0, 25, 5, []),
       "a page past the end (contract 1.6 quirk: total 0)")
    for q, errs in [("?page=0", ["page: lower than 1"]),
                    ("?per_page=0", ["per_page: lower than 1"]),
                    ("?per_page=101", ["per_page: greater than 100"]),
                    ("?page=0&per_page=101", ["page: lower than 1", "per_page: greater than 100"]),
                    ("?search=" + "x" * 129, ["search: length is greater than 128"])]:
        r = call(ctx, "GET", "/api/client/account/sessions" + q, cookie=cookies[2])
        eq((r.status, r.json()), (400, {"errors": errs}), f"sessions{q[:20]}")
    # a use after a while records the client's address and agent
    sql(ctx, f"UPDATE user_sessions SET last_used = UTC_TIMESTAMP(6) - INTERVAL 120 SECOND "
             f"WHERE uuid = '{sids[1]}'")
    r = account(ctx, cookie=cookies[1], headers={"User-Agent": "agent-two/2.1",
                                                  "X-Forwarded-For": "203.0.113.99"})
    eq(r.status, 200, f"{r!r}")
    p = sessions(ctx, cookie=cookies[2])
    s1 = [x for x in p["data"] if x["uuid"] == sids[1]][0]
    eq((s1["ip"], s1["user_agent"], s1["is_using"]), ("203.0.113.99", "agent-two/2.1", False),
       "last use recorded")
    idle = time.time() - datetime.datetime.fromisoformat(
        s1["last_used"].replace("Z", "+00:00")).timestamp()
    assert -5 < idle < 30, f"last_used refreshed ({idle:.0f}s ago)"
    # an API key with sessions.read: no session is the one in use
    key, key_uuid = new_key(ctx, uid, ["sessions.read", "sessions.delete"])
    p = sessions(ctx, key=key)
    eq([s["is_using"] for s in p["data"]], [False, False, False], "is_using with a key")
    weak, _ = new_key(ctx, uid, [])
    expect_error(call(ctx, "GET", "/api/client/account/sessions", key=weak), 403,
                 "you do not have permission to perform this action: sessions.read")
    expect_error(call(ctx, "DELETE", f"/api/client/account/sessions/{sids[0]}", key=weak), 403,
                 "you do not have permission to perform this action: sessions.delete")
    # delete one: its cookie fails at once
    r = call(ctx, "DELETE", f"/api/client/account/sessions/{sids[0]}", cookie=cookies[2])
    eq((r.status, r.json()), (200, {}), f"delete: {r!r}")
    expect_error(account(ctx, cookie=cookies[0]), 401, "invalid session")
    expect_error(call(ctx, "DELETE", f"/api/client/account/sessions/{sids[0]}",
                      cookie=cookies[2]), 404, "session not found")
    expect_error(call(ctx, "DELETE", f"/api/client/account/sessions/{uuidlib.uuid4()}",
                      cookie=cookies[2]), 404, "session not found")
    other_sid = sql(ctx, f"SELECT uuid FROM user_sessions "
                         f"WHERE key_id = '{fields(other_user)[0]}'").strip()
    expect_error(call(ctx, "DELETE", f"/api/client/account/sessions/{other_sid}",
                      cookie=cookies[2]), 404, "session not found")
    eq(account(ctx, cookie=other_user).status, 200, "another user's session untouched")
    for bad in ["not-a-uuid", "1234", sids[1][:-1] + "g"]:
        r = call(ctx, "DELETE", f"/api/client/account/sessions/{bad}", cookie=cookies[2])
        eq(r.status, 400, f"{bad}: {r!r}")
        eq(len(r.json()["errors"]), 1, "one error")
        assert r.json()["errors"][0].startswith("Invalid URL"), r
    # delete the others: the current one stays
    r = call(ctx, "DELETE", "/api/client/account/sessions", cookie=cookies[2])
    eq((r.status, r.json()), (200, {"deleted": 1}), f"delete others: {r!r}")
    expect_error(account(ctx, cookie=cookies[1]), 401, "invalid session")
    eq(account(ctx, cookie=cookies[2]).status, 200, "the current session stays")
    p = sessions(ctx, cookie=cookies[2])
    eq([s["uuid"] for s in p["data"]], [sids[2]], "one left")
    # deleting the current session is allowed
    r = call(ctx, "DELETE", f"/api/client/account/sessions/{sids[2]}", cookie=cookies[2])
    eq((r.status, r.json()), (200, {}), f"delete the current one: {r!r}")
    expect_error(account(ctx, cookie=cookies[2]), 401, "invalid session")
    p = sessions(ctx, key=key)
    eq((p["total"], p["data"]), (0, []), "none left")
    r = call(ctx, "DELETE", "/api/client/account/sessions", key=key)
    eq((r.status, r.json()), (200, {"deleted": 0}), "delete all with a key, none left")
    rows = sql(ctx, f"SELECT event, IFNULL(api_key_uuid, 'NULL'), data FROM user_activities "
                    f"WHERE user_uuid = '{uid}' AND event LIKE 'session:%' ORDER BY id")
    got = [(e, k, json.loads(d)) for e, k, d in
           (line.split("\t") for line in rows.strip().split("\n"))]
    eq(got, [("session:delete", "NULL", {"uuid": sids[0], "user_agent": "Agent-One/1.0",
                                         "ip": "127.0.0.1"}),
             ("session:delete-all", "NULL", {"deleted": 1, "user_agent": "unknown"}),
             ("session:delete", "NULL", {"uuid": sids[2], "user_agent": "Agent-Three/3.0",
                                         "ip": "127.0.0.1"}),
             ("session:delete-all", key_uuid, {"deleted": 0, "user_agent": "unknown"})],
       "session activity (the requester's user agent is recorded too)")
    eq([list(g[2].keys()) for g in got][0], ["uuid", "user_agent", "ip"], "data key order")


# --------------------------------------------------------------------------
# 7. activity

@test
def login_and_logout_activity(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_act")
    ua = {"User-Agent": "act-agent/7"}
    expect_error(login(ctx, "a70_act", pw + "-wrong", headers=ua), 400,
                 "invalid username or password")
    expect_error(login(ctx, "a70_act_none", pw, headers=ua), 400, "invalid username or password")
    c = login_cookie(ctx, "a70_act", pw, headers=ua)
    r = call(ctx, "POST", "/api/client/account/logout", cookie=c, headers=ua)
    eq(r.status, 200, f"{r!r}")
    c2 = login_cookie(ctx, "a70_act", pw)  # no User-Agent header at all
    rows = sql(ctx, f"SELECT event, IFNULL(ip, 'NULL'), IFNULL(api_key_uuid, 'NULL'), "
                    f"IFNULL(impersonator_uuid, 'NULL'), data FROM user_activities "
                    f"WHERE user_uuid = '{uid}' ORDER BY id").strip().split("\n")
    got = [r.split("\t") for r in rows]
    for g in got:
        g[4] = json.loads(g[4])
    eq(got, [
        ["auth:failure", "127.0.0.1", "NULL", "NULL", {"using": "password",
                                                       "user_agent": "act-agent/7"}],
        ["auth:success", "127.0.0.1", "NULL", "NULL", {"using": "password",
                                                       "user_agent": "act-agent/7"}],
        ["auth:logout", "127.0.0.1", "NULL", "NULL", {"user_agent": "act-agent/7"}],
        ["auth:success", "127.0.0.1", "NULL", "NULL", {"using": "password",
                                                       "user_agent": "unknown"}],
    ], "activity rows")
    # the two-factor branch is logged as a checkpoint
    sql(ctx, f"UPDATE users SET totp_enabled = 1 WHERE uuid = '{uid}'")
    r = login(ctx, "a70_act", pw, headers=ua)
    eq(r.json()["type"], "two_factor_required", "type")
    hunt(ctx, r.json()["token"])
    last = sql(ctx, f"SELECT event, ip, data FROM user_activities WHERE user_uuid = '{uid}' "
                    f"ORDER BY id DESC LIMIT 1").strip().split("\t")
    eq([last[0], last[1], json.loads(last[2])],
       ["auth:checkpoint", "127.0.0.1", {"using": "password", "user_agent": "act-agent/7"}],
       "checkpoint row")
    # nothing secret in any activity row of the run
    everything = sql(ctx, "SELECT data FROM user_activities")
    for s in MINE + [pw, c, c2]:
        assert s not in everything, "a secret in user_activities.data"


@test
def user_agent_is_cut_to_255_bytes(ctx):
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_ua")
    login_cookie(ctx, "a70_ua", pw, headers={"User-Agent": "a" * 300})
    login_cookie(ctx, "a70_ua", pw, headers={"User-Agent": ("\U0001F600" * 70).encode()})
    c = login_cookie(ctx, "a70_ua", pw, headers={"User-Agent": ("\u00e9" * 200).encode()})
    want = ["\u00e9" * 127, "\U0001F600" * 63, "a" * 255]  # 254, 252, 255 bytes
    p = sessions(ctx, cookie=c)
    eq([s["user_agent"] for s in p["data"]], want, "cut to 255 bytes, never inside a character")
    rows = sql(ctx, f"SELECT data FROM user_activities WHERE user_uuid = '{uid}' ORDER BY id")
    eq([json.loads(d)["user_agent"] for d in rows.strip().split("\n")], want[::-1],
       "the activity entries too")


@test
def login_with_a_user_agent_that_is_not_utf8(ctx):
    # Any byte may arrive in a User-Agent header; the login must still work
    # and the failed attempt must still be recorded.
    begin(ctx)
    uid, pw = mkuser(ctx, "a70_ua8")
    bad = {"User-Agent": b"Mozilla/5.0 \xff\xfe (X11)"}
    expect_error(login(ctx, "a70_ua8", pw + "-wrong", headers=bad), 400,
                 "invalid username or password")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_activities WHERE user_uuid = '{uid}' "
                f"AND event = 'auth:failure'").strip(), "1", "the failed attempt is recorded")
    r = login(ctx, "a70_ua8", pw, headers=bad)
    eq(r.status, 200, f"login with a non-UTF-8 User-Agent: {r!r}")
    c, _ = the_cookie(ctx, r)
    eq(account(ctx, cookie=c, headers=bad).status, 200, "account")
    p = sessions(ctx, cookie=c)
    eq(p["total"], 1, "one session")
    ua = p["data"][0]["user_agent"]
    assert ua.startswith("Mozilla/5.0 ") and ua.endswith(" (X11)"), ua
    rows = sql(ctx, f"SELECT event, data FROM user_activities WHERE user_uuid = '{uid}' "
                    f"ORDER BY id").strip().split("\n")
    eq([(e, json.loads(d)) for e, d in (r.split("\t") for r in rows)],
       [("auth:failure", {"using": "password", "user_agent": ua}),
        ("auth:success", {"using": "password", "user_agent": ua})],
       "both attempts recorded, with the agent as the session shows it")


# --------------------------------------------------------------------------
# 8. secrets never logged

@test
def secrets_never_reach_the_error_logs(ctx):
    begin(ctx)
    # a login on the shared stack too (log_level info, its own database)
    shared = ctx.lighttpd
    uid, pw = mkuser(ctx, "a70_logged", cfg=shared.cfg)
    expect_error(login(ctx, "a70_logged", pw + "-wrong", port=shared.port), 400,
                 "invalid username or password")
    c = login_cookie(ctx, "a70_logged", pw, port=shared.port)
    r = call(ctx, "POST", "/api/client/account/logout", cookie=c, port=shared.port)
    eq(r.status, 200, f"{r!r}")
    # and on this file's stack (log_level debug)
    uid2, pw2 = mkuser(ctx, "a70_logged")
    expect_error(login(ctx, "a70_logged", pw2 + "-wrong"), 400, "invalid username or password")
    c2 = login_cookie(ctx, "a70_logged", pw2)
    eq(account(ctx, cookie=c2).status, 200, "account")
    time.sleep(0.5)  # the workers' last lines reach the files
    # panel-fcgi writes to its stderr, which lighttpd hands on from its own
    # (lighttpd.out); lighttpd's error log gets lighttpd's own lines
    stacks = [shared.root, lt(ctx).root] + [
        os.path.join(ctx.root, d) for d in ["auth70-rot-both", "auth70-rot-new"]
        if os.path.isdir(os.path.join(ctx.root, d))]
    logs = [p for root in stacks for p in (os.path.join(root, "lighttpd-error.log"),
                                           os.path.join(root, "lighttpd.out"))]
    eq(logs[0], shared.errorlog, "the shared stack's error log is checked")
    with open(os.path.join(lt(ctx).root, "lighttpd.out"), errors="replace") as f:
        text = f.read()
    assert "POST /api/auth/login -> 400" in text, "the debug log records the logins"
    with open(os.path.join(shared.root, "lighttpd.out"), errors="replace") as f:
        assert "login refused" in f.read(), "the shared stack's log records a refusal"
    for path in logs:
        with open(path, errors="replace") as f:
            text = f.read()
        for s in MINE + [pw, pw + "-wrong", c, pw2, pw2 + "-wrong", c2]:
            assert s not in text, f"a password, cookie or key in {path}"
