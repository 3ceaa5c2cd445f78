"""API keys through lighttpd (issue 3 items 5 and 6; contract 2.4, 2.5,
2.12, 3.5, 5.8, 6, 12.1; contract-extra 3.2): create, list, get by
identifier, update, delete, recreate; the key shown once and never again;
Bearer use, the c7sp_ prefix, last_used; allowed_ips behind the trusted
proxy; the per-user limit, also under concurrency; the permission catalogue;
every escalation refusal the authentication page promises; activity rows."""

import hashlib
import json
import os
import re
import secrets
import threading
import time
from datetime import datetime, timedelta, timezone

import stack
from harness import test, eq, expect_error, http_request

KEYS = "/api/client/account/api-keys"
KEY_FIELDS = ["uuid", "name", "key_start", "allowed_ips", "user_permissions",
              "admin_permissions", "server_permissions", "last_used", "expires", "created"]
KEY_RE = re.compile(r"^ptlc_[A-Za-z0-9]{43}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$")
ALL_KEY_PERMS = ["api-keys.create", "api-keys.read", "api-keys.update", "api-keys.delete",
                 "api-keys.recreate"]


# --------------------------------------------------------------------------
# helpers

def reset_rl(ctx, lt=None, db="panel"):
    """The client gate allows 360 requests / 30 s per IP over the whole run
    and login 20 / 300 s: every window starts afresh (the shared-memory
    table when the stack has one, and the database table)."""
    lt = lt or ctx.lighttpd  # the shared stack (and its database) is built lazily
    ctx.db.sql("DELETE FROM ratelimit_windows", db=db)
    lt.cfg.cli("ratelimit-reset", check=False)


def hunt(ctx, key):
    """A key (and its secret part alone) must never reach a log."""
    for part in (key, key[16:]):
        if len(part) >= 8 and part not in ctx.secrets_to_hunt:
            ctx.secrets_to_hunt.append(part)


def utc_ts(dt):
    """The contract's timestamp text for a whole-second UTC datetime."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(s):
    assert TS_RE.match(s), f"timestamp format: {s!r}"
    return datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


class Account:
    """A user created with the CLI and logged in; requests by session
    cookie (s) or by API key (k)."""

    def __init__(self, ctx, username, admin=False, lt=None, db="panel"):
        self.ctx = ctx
        lt = lt or ctx.lighttpd
        self.port = lt.port
        self.db = db
        self.username = username
        self.password = "pw-" + secrets.token_urlsafe(18)
        ctx.secrets_to_hunt.append(self.password)
        args = ["user", "create", "--username", username, "--email", f"{username}@example.com"]
        if admin:
            args.append("--admin")
        lt.cfg.cli(*args, input=self.password + "\n")
        self.uuid = ctx.db.sql(f"SELECT uuid FROM users WHERE username = '{username}'",
                               db=db).strip()
        assert UUID_RE.match(self.uuid), self.uuid
        r = http_request(self.port, "POST", "/api/auth/login",
                         body={"user": username, "password": self.password})
        eq(r.status, 200, f"login {username}: {r!r}")
        m = re.match(r"calagopus_session=([^;]+)", r.headers.get("set-cookie", ""))
        assert m, f"session cookie: {r.headers}"
        ctx.secrets_to_hunt.append(m.group(1))
        self.cookie = "calagopus_session=" + m.group(1)

    def s(self, method, path, body=None, headers=None):
        h = {"Cookie": self.cookie}
        h.update(headers or {})
        return http_request(self.port, method, path, headers=h, body=body)

    def k(self, key, method, path, body=None, xff=None, headers=None):
        hunt(self.ctx, key)  # even a wrong key is never logged
        h = {"Authorization": "Bearer " + key}
        if xff is not None:
            h["X-Forwarded-For"] = xff
        h.update(headers or {})
        return http_request(self.port, method, path, headers=h, body=body)

    def create(self, name, user=(), admin=(), server=(), ips=(), expires=None, key=None):
        """Creates a key (by session, or by the key given); (api_key, key)."""
        body = {"name": name, "allowed_ips": list(ips), "user_permissions": list(user),
                "admin_permissions": list(admin), "server_permissions": list(server)}
        if expires is not None:
            body["expires"] = expires
        r = self.k(key, "POST", KEYS, body) if key else self.s("POST", KEYS, body)
        eq(r.status, 200, f"create {name}: {r!r}")
        j = r.json()
        hunt(self.ctx, j["key"])
        return j["api_key"], j["key"]

    def listing(self, query="", key=None):
        path = KEYS + query
        r = self.k(key, "GET", path) if key else self.s("GET", path)
        eq(r.status, 200, f"list {query}: {r!r}")
        return r.json()["api_keys"]

    def row(self, cols, key_uuid):
        return self.ctx.db.sql(f"SELECT {cols} FROM user_api_keys WHERE uuid = '{key_uuid}'",
                               db=self.db).rstrip("\n")


def account_ok(a, key, xff=None):
    r = a.k(key, "GET", "/api/client/account", xff=xff)
    eq(r.status, 200, f"GET account with the key (xff {xff}): {r!r}")
    eq(r.json()["user"]["uuid"], a.uuid, "the key's account")


def account_refused(a, key, status, message, xff=None):
    expect_error(a.k(key, "GET", "/api/client/account", xff=xff), status, message)


def all_columns(ctx, user_uuid, db="panel"):
    """Every column of the user's key rows (SELECT *), as raw bytes."""
    cols = ctx.db.sql("SELECT column_name FROM information_schema.columns WHERE "
                      f"table_schema = '{db}' AND table_name = 'user_api_keys' "
                      "ORDER BY ordinal_position", db=db).split()
    assert "key_hash" in cols and len(cols) >= 12, cols
    expr = ", ".join(f"HEX(IFNULL(`{c}`, ''))" for c in cols)
    out = ctx.db.sql(f"SELECT {expr} FROM user_api_keys WHERE user_uuid = '{user_uuid}'", db=db)
    return b"\n".join(bytes.fromhex(cell) for line in out.splitlines()
                      for cell in line.split("\t"))


def activity(ctx, user_uuid, event, db="panel"):
    """[(api_key_uuid or None, ip, data dict)] of the user's rows of event."""
    out = ctx.db.sql(f"SELECT IFNULL(api_key_uuid, 'NULL'), IFNULL(ip, 'NULL'), data "
                     f"FROM user_activities WHERE user_uuid = '{user_uuid}' "
                     f"AND event = '{event}' ORDER BY id", db=db)
    rows = []
    for line in out.splitlines():
        kid, ip, data = line.split("\t", 2)
        rows.append((None if kid == "NULL" else kid, None if ip == "NULL" else ip,
                     json.loads(data)))
    return rows


# --------------------------------------------------------------------------
# 1. create: the answer and the validation

@test
def create_answer_and_validation(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_create")
    ips_in = ["127.0.0.1", "10.0.0.5/24", "2001:db8::/32", "::1", "192.168.0.0/255.255.0.0"]
    ips_out = ["127.0.0.1/32", "10.0.0.5/24", "2001:db8::/32", "::1/128", "192.168.0.0/16"]
    before = datetime.now(timezone.utc).replace(microsecond=0)
    r = a.s("POST", KEYS, {"name": "first key", "allowed_ips": ips_in,
                           "user_permissions": ["account.infos", "servers.read"],
                           "admin_permissions": [], "server_permissions": ["control.start"]})
    eq(r.status, 200, f"create: {r!r}")
    eq(r.headers.get("content-type"), "application/json", "content type")
    j = r.json()
    eq(list(j), ["api_key", "key"], "answer fields")
    key = j["key"]
    hunt(ctx, key)
    eq(len(key), 48, "key length")
    assert KEY_RE.match(key), f"ptlc_ + 43 base62: {key!r}"
    k = j["api_key"]
    eq(list(k), KEY_FIELDS, "UserApiKey fields, in order")
    assert UUID_RE.match(k["uuid"]), k["uuid"]
    eq(k["name"], "first key", "name")
    eq(k["key_start"], key[:16], "key_start = the key's first 16 characters")
    eq(k["allowed_ips"], ips_out, "allowed_ips normalised to addr/prefix")
    eq(k["user_permissions"], ["account.infos", "servers.read"], "user permissions")
    eq(k["admin_permissions"], [], "admin permissions")
    eq(k["server_permissions"], ["control.start"], "server permissions")
    eq(k["last_used"], None, "never used")
    eq(k["expires"], None, "no expiry")
    created = parse_ts(k["created"])
    assert before - timedelta(seconds=2) <= created <= datetime.now(timezone.utc) + timedelta(seconds=2), \
        f"created is now in UTC: {k['created']}"
    eq(a.listing()["data"], [k], "the listing shows the same object")

    # two keys are different, from the strong generator
    _, key2 = a.create("second key")
    assert KEY_RE.match(key2) and key2 != key and key2[5:16] != key[5:16], "fresh randomness"

    def count():
        return int(ctx.db.sql(f"SELECT COUNT(*) FROM user_api_keys WHERE user_uuid = '{a.uuid}'",
                              db="panel").strip())
    n = count()

    def body(**kw):
        b = {"name": "valid name", "allowed_ips": [], "user_permissions": [],
             "admin_permissions": [], "server_permissions": []}
        b.update(kw)
        return b

    # invalid IPs and networks
    for bad in ["300.1.1.1", "10.0.0.0/33", "not-an-ip", "10.0.0.0/255.0.255.0", "2001:db8::/129",
                "1.2.3.4/", "", "1.2.3.4/-1", "::ffff:1.2.3.4/95", "1.2.3.4 "]:
        r = a.s("POST", KEYS, body(allowed_ips=["127.0.0.1", bad]))
        eq(r.status, 400, f"allowed_ips {bad!r}: {r!r}")
        errs = r.json()["errors"]
        eq(len(errs), 1, f"one error for {bad!r}")
        assert errs[0].startswith("invalid payload:"), f"{bad!r}: {errs[0]}"
    # names at and past the edges
    expect_error(a.s("POST", KEYS, body(name="ab")), 400, "name: length is lower than 3")
    expect_error(a.s("POST", KEYS, body(name="x" * 32)), 400, "name: length is greater than 31")
    a.create("abc")
    a.create("y" * 31)
    a.create("é" * 31)  # characters, not bytes
    expect_error(a.s("POST", KEYS, body(name="first key")), 409,
                 "api key with name already exists")
    # permissions outside the catalogue, per list
    expect_error(a.s("POST", KEYS, body(user_permissions=["account.infos", "nope"])), 400,
                 "user_permissions: invalid permission: nope")
    expect_error(a.s("POST", KEYS, body(admin_permissions=["control.start"])), 400,
                 "admin_permissions: invalid permission: control.start")
    expect_error(a.s("POST", KEYS, body(server_permissions=["users.read"])), 400,
                 "server_permissions: invalid permission: users.read")
    # missing fields and wrong types keep the payload prefix
    for b in [{"name": "no lists"}, body(allowed_ips="127.0.0.1"), body(user_permissions=[1])]:
        r = a.s("POST", KEYS, b)
        eq(r.status, 400, f"{b}: {r!r}")
        assert r.json()["errors"][0].startswith("invalid payload:"), r
    # expiry
    expect_error(a.s("POST", KEYS, body(expires="2020-01-01T00:00:00Z")), 400,
                 "expires: time must be in the future")
    past = (datetime.now(timezone.utc) - timedelta(minutes=5)).astimezone(
        timezone(timedelta(hours=2))).isoformat(timespec="seconds")
    expect_error(a.s("POST", KEYS, body(expires=past)), 400, "expires: time must be in the future")
    r = a.s("POST", KEYS, body(expires="tomorrow"))
    eq(r.status, 400, f"unparsable expires: {r!r}")
    assert r.json()["errors"][0].startswith("invalid payload:"), r
    eq(count(), n + 3, "no refused create stored a row")

    when = (datetime.now(timezone.utc) + timedelta(days=3)).replace(microsecond=0)
    plus2 = when.astimezone(timezone(timedelta(hours=2))).isoformat()
    assert plus2.endswith("+02:00"), plus2
    k, _ = a.create("expiring", expires=plus2)
    eq(k["expires"], utc_ts(when), f"{plus2} is stored and returned in UTC")
    eq(a.row("expires", k["uuid"]), when.strftime("%Y-%m-%d %H:%M:%S.000000"), "stored in UTC")
    frac = when.astimezone(timezone(timedelta(hours=-5, minutes=-30))).isoformat()
    frac = frac[:19] + ".25" + frac[19:]
    k, _ = a.create("fractional", expires=frac)
    eq(k["expires"], utc_ts(when)[:-1] + ".250Z", f"{frac}: milliseconds kept")
    eq(a.listing("?search=fractional")["data"][0]["expires"], utc_ts(when)[:-1] + ".250Z",
       "listed the same")


# --------------------------------------------------------------------------
# 2. shown once, never again

@test
def key_is_shown_once(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_once")
    k, key = a.create("once", user=ALL_KEY_PERMS + ["account.infos"], ips=["127.0.0.1"])
    secret_part = key[16:]
    seen = [a.s("GET", KEYS), a.s("GET", KEYS + "?search=once")]
    r = a.s("GET", f"{KEYS}/identifier/{k['key_start']}")
    eq(r.status, 200, f"identifier: {r!r}")
    eq(r.json(), {"api_key": k}, "identifier lookup")
    seen.append(r)
    seen.append(a.k(key, "GET", KEYS))  # the key reads its own listing
    seen.append(a.k(key, "GET", f"{KEYS}/identifier/{k['key_start']}"))
    seen.append(a.k(key, "GET", "/api/client/account"))
    r = a.s("PATCH", f"{KEYS}/{k['uuid']}", {"name": "once renamed"})
    eq(r.status, 200, f"update: {r!r}")
    seen.append(r)
    for i, resp in enumerate(seen):
        eq(resp.status, 200, f"answer {i}")
        text = resp.body.decode() + str(resp.headers)
        assert secret_part not in text, f"key in answer {i}: {text[:300]}"
    # the database: only key_start and a 32-byte SHA-256
    eq(a.row("key_start, LENGTH(key_hash), HEX(key_hash)", k["uuid"]).split("\t"),
       [key[:16], "32", hashlib.sha256(key.encode()).hexdigest().upper()],
       "key_start and a SHA-256 of the key")
    whole = all_columns(ctx, a.uuid)
    assert key[:16].encode() in whole, "the row was read"
    assert secret_part.encode() not in whole, "the full key is in no column"
    acts = ctx.db.sql(f"SELECT event, data FROM user_activities WHERE user_uuid = '{a.uuid}'",
                      db="panel")
    assert "api-key:create" in acts and "user:api-key.update" in acts, acts
    assert secret_part not in acts, "the key is in no activity row"
    # recreate: the new key is shown once too
    r = a.s("POST", f"{KEYS}/{k['uuid']}/recreate")
    eq(r.status, 200, f"recreate: {r!r}")
    new = r.json()["key"]
    hunt(ctx, new)
    for b in [a.s("GET", KEYS).body, a.s("GET", f"{KEYS}/identifier/{new[:16]}").body]:
        assert new[16:] not in b.decode(), "recreated key not listed"
    everything = all_columns(ctx, a.uuid) + ctx.db.sql(
        f"SELECT data FROM user_activities WHERE user_uuid = '{a.uuid}'", db="panel").encode()
    assert new[16:].encode() not in everything, "the new key is not in the database"
    assert secret_part.encode() not in everything, "nor the old one"
    # the log hunt at the end of the run covers both keys (secrets_to_hunt)


# --------------------------------------------------------------------------
# 3. using a key

@test
def bearer_use_prefix_and_last_used(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_use")
    k, key = a.create("use me")
    eq(a.row("IFNULL(last_used, 'NULL')", k["uuid"]), "NULL", "not used yet")
    account_ok(a, key)
    first = a.row("IFNULL(last_used, 'NULL')", k["uuid"])
    assert first != "NULL", "last_used set by the first use"
    listed = a.listing()["data"][0]["last_used"]
    assert listed is not None and TS_RE.match(listed), f"listed last_used: {listed}"
    time.sleep(1.1)
    account_ok(a, key)
    account_ok(a, key)
    eq(a.row("IFNULL(last_used, 'NULL')", k["uuid"]), first,
       "written at most once a minute: later uses leave it")
    # an old last_used is refreshed by the next use
    a.ctx.db.sql(f"UPDATE user_api_keys SET last_used = UTC_TIMESTAMP(6) - INTERVAL 2 MINUTE "
                 f"WHERE uuid = '{k['uuid']}'", db="panel")
    old = a.row("last_used", k["uuid"])
    account_ok(a, key)
    assert a.row("last_used", k["uuid"]) > old, "refreshed after a minute"

    # an unknown key with the real panel's prefix
    fake = "c7sp_" + key[5:]
    account_refused(a, fake, 401, "invalid api key")
    # another key_start, same tail; the right start, wrong tail
    account_refused(a, key[:16] + ("A" if key[16] != "A" else "B") + key[17:], 401,
                    "invalid api key")
    # malformed headers
    expect_error(a.k(key[:-1], "GET", "/api/client/account"), 401, "invalid authorization header")
    expect_error(a.k(key + "x", "GET", "/api/client/account"), 401, "invalid authorization header")
    # 55 bytes but not "Bearer " + a key: only the length is the header's
    # rule (contract 2.2 step 3.1), the rest is an invalid key
    expect_error(http_request(a.port, "GET", "/api/client/account",
                              headers={"Authorization": "bearer " + key}), 401, "invalid api key")
    # a real key minted with c7sp_ (inserted as the real panel would store it)
    real = "c7sp_" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789") for _ in range(43))
    hunt(ctx, real)
    kid = "7a1e0c1e-0000-4000-8000-" + secrets.token_hex(6)
    ctx.db.sql(f"INSERT INTO user_api_keys (uuid, user_uuid, name, key_start, key_hash, "
               f"allowed_ips, user_permissions, admin_permissions, server_permissions) VALUES "
               f"('{kid}', '{a.uuid}', 'minted c7sp', '{real[:16]}', UNHEX(SHA2('{real}', 256)), "
               f"'[]', '[]', '[]', '[]')", db="panel")
    account_ok(a, real)
    assert a.row("IFNULL(last_used, 'NULL')", kid) != "NULL", "c7sp key used"
    r = a.s("GET", f"{KEYS}/identifier/{real[:16]}")
    eq(r.status, 200, f"c7sp key by identifier: {r!r}")
    eq(r.json()["api_key"]["key_start"], real[:16], "its key_start")
    # its prefix swapped for ptlc_: unknown
    account_refused(a, "ptlc_" + real[5:], 401, "invalid api key")


# --------------------------------------------------------------------------
# 4. delete, recreate, expiry

@test
def delete_recreate_expire(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_life")
    k, key = a.create("to delete", user=["account.infos"])
    account_ok(a, key)
    r = a.s("DELETE", f"{KEYS}/{k['uuid']}")
    eq((r.status, r.json()), (200, {}), f"delete: {r!r}")
    for i in range(10):
        account_refused(a, key, 401, "invalid api key")
    eq(ctx.db.sql(f"SELECT COUNT(*) FROM user_api_keys WHERE uuid = '{k['uuid']}'",
                  db="panel").strip(), "0", "row gone")
    expect_error(a.s("DELETE", f"{KEYS}/{k['uuid']}"), 404, "api key not found")
    expect_error(a.s("POST", f"{KEYS}/{k['uuid']}/recreate"), 404, "api key not found")
    expect_error(a.s("PATCH", f"{KEYS}/{k['uuid']}", {"name": "gone"}), 404, "api key not found")
    expect_error(a.s("GET", f"{KEYS}/identifier/{k['key_start']}"), 404, "api key not found")

    # recreate
    k, old = a.create("to recreate", user=["account.infos", "api-keys.read"], admin=[],
                      server=["files.read"], ips=["127.0.0.1", "10.0.0.0/8"])
    account_ok(a, old)
    r = a.s("POST", f"{KEYS}/{k['uuid']}/recreate")
    eq(r.status, 200, f"recreate: {r!r}")
    eq(list(r.json()), ["key"], "recreate answer")
    new = r.json()["key"]
    hunt(ctx, new)
    assert KEY_RE.match(new) and new != old, f"a new key: {new!r}"
    for i in range(10):
        account_refused(a, old, 401, "invalid api key")
        account_ok(a, new)
    after = a.listing()["data"]
    eq(len(after), 1, "one key")
    n = after[0]
    eq(n["uuid"], k["uuid"], "same key")
    eq(n["key_start"], new[:16], "key_start changed")
    assert n["key_start"] != k["key_start"], "a new key_start"
    for f in ["name", "allowed_ips", "user_permissions", "admin_permissions", "server_permissions",
              "expires", "created"]:
        eq(n[f], k[f], f"{f} kept")
    expect_error(a.s("GET", f"{KEYS}/identifier/{k['key_start']}"), 404, "api key not found")
    eq(a.s("GET", f"{KEYS}/identifier/{new[:16]}").json(), {"api_key": n}, "the new identifier")
    eq(a.row("HEX(key_hash)", k["uuid"]), hashlib.sha256(new.encode()).hexdigest().upper(),
       "new hash")

    # expired: fails at once, hidden everywhere
    e, ekey = a.create("to expire", user=["api-keys.read"],
                       expires=utc_ts(datetime.now(timezone.utc) + timedelta(hours=1)))
    account_ok(a, ekey)
    ctx.db.sql(f"UPDATE user_api_keys SET expires = UTC_TIMESTAMP(6) - INTERVAL 2 SECOND "
               f"WHERE uuid = '{e['uuid']}'", db="panel")
    for i in range(6):
        account_refused(a, ekey, 401, "invalid api key")
    listed = a.listing()
    eq([x["uuid"] for x in listed["data"]], [k["uuid"]], "expired key hidden from the list")
    eq(listed["total"], 1, "and from the total")
    eq(a.listing("?search=expire")["data"], [], "and from search")
    expect_error(a.s("GET", f"{KEYS}/identifier/{e['key_start']}"), 404, "api key not found")
    expect_error(a.s("PATCH", f"{KEYS}/{e['uuid']}", {"expires": None}), 404, "api key not found")
    expect_error(a.s("POST", f"{KEYS}/{e['uuid']}/recreate"), 404, "api key not found")
    # an expiry a little in the future still works, then fails by itself
    ctx.db.sql(f"UPDATE user_api_keys SET expires = UTC_TIMESTAMP(6) + INTERVAL 2 SECOND "
               f"WHERE uuid = '{e['uuid']}'", db="panel")
    account_ok(a, ekey)
    time.sleep(2.5)
    account_refused(a, ekey, 401, "invalid api key")


# --------------------------------------------------------------------------
# 5. listing, lookup, update

@test
def listing_pagination_search_lookup(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_list")
    b = Account(ctx, "k71_other")
    ks = [a.create(n)[0] for n in ["Alpha-one", "beta-two", "ALPHA-three", "gamma_50%"]]
    theirs, _ = b.create("Alpha-theirs")
    env = a.listing()
    eq(list(env), ["total", "per_page", "page", "data"], "envelope fields")
    eq((env["total"], env["per_page"], env["page"]), (4, 25, 1), "defaults")
    eq([x["uuid"] for x in env["data"]], [x["uuid"] for x in ks], "created ascending, own keys")
    eq(env["data"], ks, "full objects")
    p = a.listing("?per_page=3&page=2")
    eq((p["total"], p["per_page"], p["page"], [x["name"] for x in p["data"]]),
       (4, 3, 2, ["gamma_50%"]), "second page")
    p = a.listing("?per_page=1&page=1")
    eq((p["total"], [x["name"] for x in p["data"]]), (4, ["Alpha-one"]), "per_page 1")
    eq(a.listing("?per_page=100")["per_page"], 100, "per_page 100")
    p = a.listing("?page=3&per_page=2")
    eq((p["total"], p["data"]), (0, []), "past the end: total 0 (contract quirk)")
    for q, msg in [("per_page=0", "per_page: lower than 1"),
                   ("per_page=101", "per_page: greater than 100"),
                   ("page=0", "page: lower than 1"),
                   ("page=-1", "page: lower than 1"),
                   ("search=" + "x" * 129, "search: length is greater than 128")]:
        expect_error(a.s("GET", f"{KEYS}?{q}"), 400, msg)
    r = a.s("GET", f"{KEYS}?page=0&per_page=0")
    eq((r.status, r.json()), (400, {"errors": ["page: lower than 1", "per_page: lower than 1"]}),
       "every failed rule")
    for q in ["page=abc", "per_page=1.5", "page="]:
        r = a.s("GET", f"{KEYS}?{q}")
        eq(r.status, 400, f"{q}: {r!r}")
        errs = r.json()["errors"]
        eq(len(errs), 1, q)
        assert errs[0].startswith("Failed to deserialize query string"), f"{q}: {errs}"
    eq(a.listing("?search=" + "x" * 128)["data"], [], "128 characters accepted")
    for q in ["alpha", "ALPHA", "Alpha", "pHa"]:
        got = a.listing(f"?search={q}")
        eq([x["name"] for x in got["data"]], ["Alpha-one", "ALPHA-three"], f"search {q}")
        eq(got["total"], 2, f"total of {q}")
    eq([x["name"] for x in a.listing("?search=")["data"]], [x["name"] for x in ks],
       "an empty search is absent")
    eq([x["name"] for x in a.listing("?search=two")["data"]], ["beta-two"], "substring")
    eq(a.listing("?search=theirs")["data"], [], "another user's key is not found")
    # % and _ are wildcards, not escaped (contract 1.6)
    eq([x["name"] for x in a.listing("?search=a_p")["data"]], ["Alpha-one", "ALPHA-three"],
       "_ matches one character")
    eq(len(a.listing("?search=%25")["data"]), 4, "% matches everything")
    # far pages and numbers past 64 bits
    p = a.listing("?page=9223372036854775807&per_page=100")
    eq((p["total"], p["page"], p["data"]), (0, 9223372036854775807, []), "the last possible page")
    r = a.s("GET", f"{KEYS}?page=99999999999999999999")
    eq(r.status, 400, f"page past 64 bits: {r!r}")
    assert r.json()["errors"][0].startswith("Failed to deserialize query string"), r

    # lookup by identifier
    r = a.s("GET", f"{KEYS}/identifier/{ks[1]['key_start']}")
    eq((r.status, r.json()), (200, {"api_key": ks[1]}), "by key_start")
    for ident in ["ptlc_unknown0000", ks[1]["key_start"][:15], ks[1]["key_start"] + "x",
                  ks[1]["key_start"].upper() if ks[1]["key_start"].upper() != ks[1]["key_start"]
                  else ks[1]["key_start"].lower(), theirs["key_start"], ks[1]["uuid"]]:
        expect_error(a.s("GET", f"{KEYS}/identifier/{ident}"), 404, "api key not found")

    # the uuid routes: a non-UUID path, another user's key
    for method, path, body in [("PATCH", f"{KEYS}/not-a-uuid", {"name": "x y z"}),
                               ("DELETE", f"{KEYS}/not-a-uuid", None),
                               ("POST", f"{KEYS}/not-a-uuid/recreate", None),
                               ("PATCH", f"{KEYS}/{ks[0]['uuid']}x", {"name": "x y z"})]:
        r = a.s(method, path, body)
        eq(r.status, 400, f"{method} {path}: {r!r}")
        assert r.json()["errors"][0].startswith("Invalid URL"), r
    expect_error(a.s("PATCH", f"{KEYS}/{theirs['uuid']}", {"name": "stolen"}), 404,
                 "api key not found")
    expect_error(a.s("DELETE", f"{KEYS}/{theirs['uuid']}"), 404, "api key not found")
    expect_error(a.s("POST", f"{KEYS}/{theirs['uuid']}/recreate"), 404, "api key not found")
    eq(b.listing()["data"], [theirs], "the other user's key untouched")
    # upper-case UUID in the path names the same key
    r = a.s("PATCH", f"{KEYS}/{ks[0]['uuid'].upper()}", {"name": "Alpha-one"})
    eq((r.status, r.json()), (200, {}), f"upper-case uuid: {r!r}")


@test
def update_semantics(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_update")
    k, key = a.create("original", user=["account.infos"], server=["control.start"],
                      ips=["127.0.0.1"])
    a.create("taken")
    path = f"{KEYS}/{k['uuid']}"

    def current():
        return a.s("GET", f"{KEYS}/identifier/{k['key_start']}").json()["api_key"]

    r = a.s("PATCH", path, {"name": "renamed"})
    eq((r.status, r.json()), (200, {}), f"rename: {r!r}")
    want = dict(k, name="renamed")
    eq(current(), want, "only the name changed")
    r = a.s("PATCH", path, {})
    eq((r.status, r.json()), (200, {}), "empty patch")
    eq(current(), want, "nothing changed")
    r = a.s("PATCH", path, {"allowed_ips": ["203.0.113.0/255.255.255.0", "2001:DB8::1"],
                            "user_permissions": ["account.infos", "sessions.read"],
                            "server_permissions": []})
    eq(r.status, 200, f"lists: {r!r}")
    want.update(allowed_ips=["203.0.113.0/24", "2001:db8::1/128"],
                user_permissions=["account.infos", "sessions.read"], server_permissions=[])
    eq(current(), want, "lists replaced, normalised")
    when = (datetime.now(timezone.utc) + timedelta(days=1)).replace(microsecond=0)
    r = a.s("PATCH", path, {"expires": when.astimezone(timezone(timedelta(hours=9))).isoformat()})
    eq(r.status, 200, f"expires: {r!r}")
    want["expires"] = utc_ts(when)
    eq(current(), want, "expiry set, in UTC")
    r = a.s("PATCH", path, {"name": "renamed"})
    eq(current()["expires"], utc_ts(when), "an absent expires is kept")
    r = a.s("PATCH", path, {"expires": None})
    eq(r.status, 200, f"clear: {r!r}")
    want["expires"] = None
    eq(current(), want, "null clears the expiry")
    # refusals leave the key as it was
    expect_error(a.s("PATCH", path, {"name": "taken"}), 409, "api key with name already exists")
    expect_error(a.s("PATCH", path, {"name": "ab"}), 400, "name: length is lower than 3")
    expect_error(a.s("PATCH", path, {"name": "z" * 32}), 400, "name: length is greater than 31")
    expect_error(a.s("PATCH", path, {"user_permissions": ["nope"]}), 400,
                 "user_permissions: invalid permission: nope")
    expect_error(a.s("PATCH", path, {"expires": "2001-01-01T00:00:00+01:00"}), 400,
                 "expires: time must be in the future")
    r = a.s("PATCH", path, {"allowed_ips": ["1.2.3.4/40"]})
    eq(r.status, 400, f"bad network: {r!r}")
    assert r.json()["errors"][0].startswith("invalid payload:"), r
    eq(current(), want, "unchanged after the refusals")
    r = a.s("PATCH", path, {"name": "original"})
    eq(r.status, 200, "the old name is free again")
    # the key still authenticates: updates do not touch the secret
    r = a.k(key, "GET", "/api/client/account", xff="203.0.113.7")
    eq(r.status, 200, f"the key after updates: {r!r}")


# --------------------------------------------------------------------------
# 6. permissions and escalation

@test
def key_permissions_are_enforced(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_perm")
    ro, rokey = a.create("read only", user=["api-keys.read"])
    other, _ = a.create("other one", user=["account.infos"])
    eq(len(a.listing(key=rokey)["data"]), 2, "api-keys.read lists")
    r = a.k(rokey, "GET", f"{KEYS}/identifier/{other['key_start']}")
    eq(r.status, 200, f"api-keys.read looks up: {r!r}")
    body = {"name": "from ro", "allowed_ips": [], "user_permissions": [],
            "admin_permissions": [], "server_permissions": []}
    deny = "you do not have permission to perform this action: "
    expect_error(a.k(rokey, "POST", KEYS, body), 403, deny + "api-keys.create")
    expect_error(a.k(rokey, "PATCH", f"{KEYS}/{other['uuid']}", {"name": "from ro"}), 403,
                 deny + "api-keys.update")
    expect_error(a.k(rokey, "DELETE", f"{KEYS}/{other['uuid']}"), 403, deny + "api-keys.delete")
    expect_error(a.k(rokey, "POST", f"{KEYS}/{other['uuid']}/recreate"), 403,
                 deny + "api-keys.recreate")
    # a key without api-keys.read cannot list
    _, nokey = a.create("no perms")
    expect_error(a.k(nokey, "GET", KEYS), 403, deny + "api-keys.read")
    expect_error(a.k(nokey, "GET", f"{KEYS}/identifier/{other['key_start']}"), 403,
                 deny + "api-keys.read")
    # a session holds every user permission
    r = a.s("POST", f"{KEYS}/{other['uuid']}/recreate")
    eq(r.status, 200, f"session recreates: {r!r}")
    hunt(ctx, r.json()["key"])
    eq(len(a.listing()["data"]), 3, "nothing was created by the refused key")


@test
def admin_permissions_need_the_account(ctx):
    reset_rl(ctx)
    plain = Account(ctx, "k71_plain")
    body = {"name": "admin try", "allowed_ips": [], "user_permissions": [],
            "server_permissions": []}
    expect_error(plain.s("POST", KEYS, dict(body, admin_permissions=["users.read"])), 400,
                 "admin_permissions: your account does not hold users.read")
    k, _ = plain.create("harmless")
    expect_error(plain.s("PATCH", f"{KEYS}/{k['uuid']}", {"admin_permissions": ["stats.read"]}),
                 400, "admin_permissions: your account does not hold stats.read")
    eq(plain.listing()["data"], [k], "nothing stored")

    role = Account(ctx, "k71_role")
    ruuid = "71a0e000-0000-4000-8000-" + secrets.token_hex(6)
    ctx.db.sql(f"INSERT INTO roles (uuid, name, admin_permissions, server_permissions) VALUES "
               f"('{ruuid}', 'k71 readers', '[\"users.read\", \"roles.read\"]', '[]'); "
               f"UPDATE users SET role_uuid = '{ruuid}' WHERE uuid = '{role.uuid}'", db="panel")
    rk, rkey = role.create("role key", user=ALL_KEY_PERMS, admin=["users.read"])
    eq(rk["admin_permissions"], ["users.read"], "a permission the role holds")
    role.create("role key 2", admin=["roles.read", "users.read"])
    expect_error(role.s("POST", KEYS, dict(body, admin_permissions=["users.read", "nodes.delete"])),
                 400, "admin_permissions: your account does not hold nodes.delete")
    expect_error(role.s("PATCH", f"{KEYS}/{rk['uuid']}", {"admin_permissions": ["nodes.delete"]}),
                 400, "admin_permissions: your account does not hold nodes.delete")
    # the role's key granting more than the key itself holds
    expect_error(role.k(rkey, "POST", KEYS, dict(body, admin_permissions=["roles.read"])), 400,
                 "permissions: more permissions than self")
    # a key holding an admin permission the caller key lacks
    rk2 = [x for x in role.listing()["data"] if x["name"] == "role key 2"][0]
    for verb, method, path in [("update", "PATCH", f"{KEYS}/{rk2['uuid']}"),
                               ("recreate", "POST", f"{KEYS}/{rk2['uuid']}/recreate"),
                               ("delete", "DELETE", f"{KEYS}/{rk2['uuid']}")]:
        expect_error(role.k(rkey, method, path, {"name": "tamper"} if method == "PATCH" else None),
                     400, f"unable to {verb} api key with more permissions than self")
    expect_error(role.k(rkey, "PATCH", f"{KEYS}/{rk['uuid']}", {"admin_permissions": []}), 400,
                 "an api key cannot update itself")
    # within both: allowed
    r = role.k(rkey, "POST", KEYS, dict(body, admin_permissions=["users.read"]))
    eq(r.status, 200, f"key creates within itself and the role: {r!r}")
    hunt(ctx, r.json()["key"])
    # the account loses the role: the same permission is refused at once
    ctx.db.sql(f"UPDATE users SET role_uuid = NULL WHERE uuid = '{role.uuid}'", db="panel")
    expect_error(role.s("POST", KEYS, dict(body, name="after role", admin_permissions=["users.read"])),
                 400, "admin_permissions: your account does not hold users.read")

    admin = Account(ctx, "k71_admin", admin=True)
    k, _ = admin.create("all admin", admin=["nodes.delete", "users.read", "settings.update"])
    eq(k["admin_permissions"], ["nodes.delete", "users.read", "settings.update"],
       "the admin flag holds every admin permission")


@test
def key_callers_cannot_escalate(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_escal")
    mine = ALL_KEY_PERMS + ["account.infos", "activity.read"]
    me, mkey = a.create("caller", user=mine, server=["control.start", "files.read"])
    bigger, _ = a.create("bigger", user=mine + ["sessions.read"], server=["control.start"])
    smaller, _ = a.create("smaller", user=["account.infos"], server=["files.read"])
    # more in the server list only; a name the caller holds in another family
    srv, _ = a.create("bigger server", user=["account.infos"], server=["files.read", "control.stop"])
    cross, _ = a.create("cross family", server=["activity.read"])
    body = {"name": "escalated", "allowed_ips": [], "admin_permissions": []}
    more = "permissions: more permissions than self"
    # (b) creating more than the caller key holds
    expect_error(a.k(mkey, "POST", KEYS, dict(body, user_permissions=["sessions.read"],
                                              server_permissions=[])), 400, more)
    expect_error(a.k(mkey, "POST", KEYS, dict(body, user_permissions=["account.infos"],
                                              server_permissions=["control.stop"])), 400, more)
    # (c) changing or recreating itself
    expect_error(a.k(mkey, "PATCH", f"{KEYS}/{me['uuid']}", {"name": "self rename"}), 400,
                 "an api key cannot update itself")
    expect_error(a.k(mkey, "PATCH", f"{KEYS}/{me['uuid']}",
                     {"user_permissions": mine + ["sessions.read"]}), 400,
                 "an api key cannot update itself")
    expect_error(a.k(mkey, "POST", f"{KEYS}/{me['uuid']}/recreate"), 400,
                 "an api key cannot recreate itself")
    # (d) touching a key that holds a permission it lacks
    expect_error(a.k(mkey, "PATCH", f"{KEYS}/{bigger['uuid']}", {"name": "tamper"}), 400,
                 "unable to update api key with more permissions than self")
    expect_error(a.k(mkey, "PATCH", f"{KEYS}/{bigger['uuid']}", {"allowed_ips": ["10.9.9.9"]}),
                 400, "unable to update api key with more permissions than self")
    expect_error(a.k(mkey, "POST", f"{KEYS}/{bigger['uuid']}/recreate"), 400,
                 "unable to recreate api key with more permissions than self")
    expect_error(a.k(mkey, "DELETE", f"{KEYS}/{bigger['uuid']}"), 400,
                 "unable to delete api key with more permissions than self")
    for t in [srv, cross]:
        expect_error(a.k(mkey, "PATCH", f"{KEYS}/{t['uuid']}", {"name": "tamper"}), 400,
                     "unable to update api key with more permissions than self")
        expect_error(a.k(mkey, "POST", f"{KEYS}/{t['uuid']}/recreate"), 400,
                     "unable to recreate api key with more permissions than self")
        expect_error(a.k(mkey, "DELETE", f"{KEYS}/{t['uuid']}"), 400,
                     "unable to delete api key with more permissions than self")
    expect_error(a.k(mkey, "POST", KEYS, dict(body, user_permissions=[],
                                              server_permissions=["activity.read"])), 400, more)
    # (e) adding a permission it lacks to a smaller key
    expect_error(a.k(mkey, "PATCH", f"{KEYS}/{smaller['uuid']}",
                     {"user_permissions": ["account.infos", "sessions.read"]}), 400, more)
    expect_error(a.k(mkey, "PATCH", f"{KEYS}/{smaller['uuid']}",
                     {"server_permissions": ["files.read", "control.stop"]}), 400, more)
    by_uuid = {x["uuid"]: x for x in a.listing()["data"]}
    by_uuid[me["uuid"]]["last_used"] = None  # it was used, nothing else
    eq(by_uuid[me["uuid"]], me, "the caller key unchanged")
    eq(by_uuid[bigger["uuid"]], bigger, "the bigger key unchanged")
    eq(by_uuid[smaller["uuid"]], smaller, "the smaller key unchanged")
    eq(by_uuid[srv["uuid"]], srv, "the server-bigger key unchanged")
    eq(by_uuid[cross["uuid"]], cross, "the cross-family key unchanged")
    eq(len(by_uuid), 5, "nothing created")

    # the allowed direction: a subset of the caller's own rights
    d, dkey = a.create("subset", user=["account.infos"], server=["control.start"], key=mkey)
    eq((d["user_permissions"], d["server_permissions"]), (["account.infos"], ["control.start"]),
       "created by the key")
    r = a.k(mkey, "PATCH", f"{KEYS}/{d['uuid']}",
            {"name": "subset renamed", "user_permissions": ["account.infos", "api-keys.read"],
             "server_permissions": ["control.start", "files.read"], "allowed_ips": ["127.0.0.1"]})
    eq((r.status, r.json()), (200, {}), f"update within self: {r!r}")
    r = a.k(mkey, "PATCH", f"{KEYS}/{smaller['uuid']}", {"name": "smaller renamed"})
    eq((r.status, r.json()), (200, {}), f"update of a smaller key: {r!r}")
    r = a.k(mkey, "POST", f"{KEYS}/{d['uuid']}/recreate")
    eq(r.status, 200, f"recreate within self: {r!r}")
    dnew = r.json()["key"]
    hunt(ctx, dnew)
    account_refused(a, dkey, 401, "invalid api key")
    r = a.k(dnew, "GET", KEYS)
    eq(r.status, 200, f"the recreated subset key lists (api-keys.read added): {r!r}")
    r = a.k(mkey, "DELETE", f"{KEYS}/{d['uuid']}")
    eq((r.status, r.json()), (200, {}), f"delete within self: {r!r}")
    account_refused(a, dnew, 401, "invalid api key")
    # an equal key is covered too
    twin, _ = a.create("twin", user=mine, server=["control.start", "files.read"])
    r = a.k(mkey, "DELETE", f"{KEYS}/{twin['uuid']}")
    eq((r.status, r.json()), (200, {}), f"delete of an equal key: {r!r}")
    # a session may change the bigger key; it keeps sessions.read, which the
    # caller lacks, so the caller still may not delete it
    r = a.s("PATCH", f"{KEYS}/{bigger['uuid']}", {"user_permissions": ["sessions.read"]})
    eq(r.status, 200, f"session update: {r!r}")
    expect_error(a.k(mkey, "DELETE", f"{KEYS}/{bigger['uuid']}"), 400,
                 "unable to delete api key with more permissions than self")


@test
def permission_check_precedes_model_validation(ctx):
    """Contract 1.4 and 5.8: on the api-key create and update routes the
    permission check comes before the (model-level) validation of the
    fields, so a key without the permission learns nothing about its body."""
    reset_rl(ctx)
    a = Account(ctx, "k71_order")
    other, _ = a.create("other one")
    _, nokey = a.create("no perms")
    deny = "you do not have permission to perform this action: "
    bad = {"name": "ab", "allowed_ips": [], "user_permissions": ["nope"],
           "admin_permissions": [], "server_permissions": []}
    expect_error(a.k(nokey, "POST", KEYS, bad), 403, deny + "api-keys.create")
    expect_error(a.k(nokey, "PATCH", f"{KEYS}/{other['uuid']}", {"name": "x" * 40}), 403,
                 deny + "api-keys.update")


# --------------------------------------------------------------------------
# 7. the permission catalogue

USER_GROUPS = [
    ("account", ["infos", "email", "password", "two-factor", "avatar"]),
    ("servers", ["create", "read", "update", "delete"]),
    ("api-keys", ["create", "read", "update", "delete", "recreate"]),
    ("security-keys", ["create", "read", "update", "delete"]),
    ("ssh-keys", ["create", "read", "update", "delete"]),
    ("oauth-links", ["create", "read", "delete"]),
    ("command-snippets", ["create", "read", "update", "delete"]),
    ("sessions", ["read", "delete"]),
    ("activity", ["read"]),
]
ADMIN_GROUPS = [
    ("stats", ["read"]),
    ("settings", ["read", "update"]),
    ("email-templates", ["read", "update"]),
    ("extensions", ["read", "manage"]),
    ("announcements", ["create", "read", "update", "delete"]),
    ("assets", ["read", "upload", "delete"]),
    ("users", ["create", "read", "update", "disable-two-factor", "delete", "email", "activity",
               "oauth-links", "impersonate"]),
    ("roles", ["create", "read", "update", "delete"]),
    ("locations", ["create", "read", "update", "delete", "database-hosts", "database-agent-hosts"]),
    ("backup-configurations", ["create", "read", "update", "delete", "backups"]),
    ("system-backup-policies", ["create", "read", "update", "delete", "backups"]),
    ("nodes", ["create", "read", "update", "delete", "read-token", "reset-token", "allocations",
               "mounts", "database-hosts", "database-agent-hosts", "backups", "power", "transfers"]),
    ("servers", ["create", "read", "update", "delete", "transfer", "allocations", "variables",
                 "mounts"]),
    ("nests", ["create", "read", "update", "delete"]),
    ("eggs", ["create", "read", "update", "delete", "mounts"]),
    ("egg-configurations", ["create", "read", "update", "delete"]),
    ("egg-repositories", ["create", "read", "update", "delete", "sync"]),
    ("database-hosts", ["create", "read", "update", "delete", "test"]),
    ("database-agent-hosts", ["create", "read", "update", "delete", "read-token", "reset-token",
                              "test"]),
    ("database-agent-templates", ["create", "read", "update", "delete"]),
    ("oauth-providers", ["create", "read", "update", "delete"]),
    ("mounts", ["create", "read", "update", "delete"]),
    ("activity", ["read"]),
]
SERVER_GROUPS = [
    ("control", ["read-console", "console", "start", "stop", "restart"]),
    ("subusers", ["create", "read", "update", "delete"]),
    ("files", ["create", "read", "read-content", "update", "delete", "archive", "sftp",
               "query-raw"]),
    ("backups", ["create", "read", "download", "restore", "update", "delete"]),
    ("backup-groups", ["create", "read", "update", "delete"]),
    ("schedules", ["create", "read", "update", "delete"]),
    ("allocations", ["read", "create", "update", "delete"]),
    ("startup", ["read", "update", "command", "docker-image"]),
    ("databases", ["create", "read", "read-password", "update", "recreate", "delete", "query",
                   "query-raw", "edit-rows", "edit-structure", "delete-structure"]),
    ("database-instances", ["create", "read", "update", "apply-update", "delete", "power", "logs",
                            "databases", "recreate", "users", "import", "export", "query",
                            "query-raw", "edit-rows", "edit-structure", "delete-structure"]),
    ("mounts", ["attach", "read", "detach"]),
    ("settings", ["rename", "timezone", "auto-kill", "auto-start", "install", "cancel-install"]),
    ("activity", ["read", "read-ip"]),
]


@test
def permission_catalogue(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_catalog")
    r = a.s("GET", "/api/client/permissions")
    eq(r.status, 200, f"permissions: {r!r}")
    j = r.json()
    eq(list(j), ["user_permissions", "admin_permissions", "server_permissions"], "the three maps")
    for fam, want_groups, total in [("user_permissions", USER_GROUPS, 33),
                                    ("admin_permissions", ADMIN_GROUPS, 107),
                                    ("server_permissions", SERVER_GROUPS, 78)]:
        m = j[fam]
        eq(list(m), [g for g, _ in want_groups], f"{fam} groups in contract order")
        n = 0
        for g, perms in want_groups:
            grp = m[g]
            eq(list(grp), ["description", "permissions"], f"{fam} {g} shape")
            assert isinstance(grp["description"], str) and grp["description"], f"{fam} {g}"
            names = list(grp["permissions"])
            for name, desc in grp["permissions"].items():
                assert isinstance(desc, str) and desc, f"{fam} {g}.{name} description"
            if fam == "user_permissions" and g == "servers":
                assert "view" in names, "servers.view is listed"
                names = [x for x in names if x != "view"]
            eq(names, perms, f"{fam} {g} permissions in contract order")
            n += len(grp["permissions"])
        eq(n, total, f"{fam} count")
    # any caller, also a key without permissions
    _, key = a.create("no perms")
    r = a.k(key, "GET", "/api/client/permissions")
    eq((r.status, r.json()), (200, j), "a key without permissions reads it")
    # every listed permission is accepted by validation, servers.view too
    every = {fam: [f"{g}.{p}" for g, grp in j[fam].items() for p in grp["permissions"]]
             for fam in j}
    k, _ = a.create("every user perm", user=every["user_permissions"],
                    server=every["server_permissions"])
    eq(k["user_permissions"], every["user_permissions"], "every user permission stored")
    eq(len(k["server_permissions"]), 78, "every server permission stored")
    admin = Account(ctx, "k71_catadm", admin=True)
    k, _ = admin.create("every admin perm", admin=every["admin_permissions"])
    eq(len(k["admin_permissions"]), 107, "every admin permission stored")


# --------------------------------------------------------------------------
# 8. allowed_ips

@test
def allowed_ips_admit_and_refuse(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_ips")
    refused = "ip address not allowed for this api key"
    _, local = a.create("local only", ips=["127.0.0.1"])
    account_ok(a, local)
    account_refused(a, local, 403, refused, xff="203.0.113.9")
    # a wrong key from a refused address is still just invalid
    account_refused(a, "ptlc_" + local[5:16] + "0" * 32, 401, "invalid api key", xff="203.0.113.9")

    _, net = a.create("v4 net", ips=["203.0.113.0/24"])
    account_ok(a, net, xff="203.0.113.77")
    account_ok(a, net, xff="203.0.113.0")
    account_ok(a, net, xff="203.0.113.255")
    account_ok(a, net, xff="::ffff:203.0.113.5")
    for ip in ["203.0.114.1", "203.0.112.255", "127.0.0.1", "2001:db8::1"]:
        account_refused(a, net, 403, refused, xff=ip)
    account_refused(a, net, 403, refused)  # the test itself: 127.0.0.1

    _, odd = a.create("v4 odd prefix", ips=["198.51.100.77/27"])  # host bits kept
    account_ok(a, odd, xff="198.51.100.64")
    account_ok(a, odd, xff="198.51.100.95")
    account_refused(a, odd, 403, refused, xff="198.51.100.96")
    account_refused(a, odd, 403, refused, xff="198.51.100.63")

    _, v6 = a.create("v6 net", ips=["2001:db8::/32"])
    account_ok(a, v6, xff="2001:db8::1")
    account_ok(a, v6, xff="2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")
    account_refused(a, v6, 403, refused, xff="2001:db9::1")
    account_refused(a, v6, 403, refused, xff="203.0.113.9")
    account_refused(a, v6, 403, refused)  # IPv4 client

    _, mixed = a.create("mixed", ips=["2001:db8::5", "192.0.2.1"])
    account_ok(a, mixed, xff="2001:db8::5")
    account_ok(a, mixed, xff="192.0.2.1")
    account_ok(a, mixed, xff="::ffff:192.0.2.1")
    account_refused(a, mixed, 403, refused, xff="2001:db8::6")
    account_refused(a, mixed, 403, refused, xff="192.0.2.2")

    _, anyone = a.create("anyone")
    for ip in [None, "203.0.113.9", "2001:db8::1", "::ffff:10.1.2.3"]:
        account_ok(a, anyone, xff=ip)

    # the list is read at every request: narrowing it takes effect at once
    kk, nar = a.create("narrowed")
    account_ok(a, nar, xff="203.0.113.9")
    r = a.s("PATCH", f"{KEYS}/{kk['uuid']}", {"allowed_ips": ["10.0.0.0/8"]})
    eq(r.status, 200, f"narrow: {r!r}")
    account_refused(a, nar, 403, refused, xff="203.0.113.9")
    account_ok(a, nar, xff="10.200.0.1")
    # a refused request does not count as a use
    r = a.s("PATCH", f"{KEYS}/{kk['uuid']}", {"allowed_ips": ["10.0.0.0/8"]})
    ctx.db.sql(f"UPDATE user_api_keys SET last_used = NULL WHERE uuid = '{kk['uuid']}'", db="panel")
    account_refused(a, nar, 403, refused, xff="203.0.113.9")
    eq(a.row("IFNULL(last_used, 'NULL')", kk["uuid"]), "NULL", "a refused request is no use")


# --------------------------------------------------------------------------
# 9. the per-user limit, also under concurrency (own stack: its own
# database and settings_cache_seconds = 0, so a settings change applies at
# once and touches nothing the other tests see)

_LIMIT = {}


def limit_stack(ctx):
    if "lt" not in _LIMIT:
        root = os.path.join(ctx.root, "keys71")
        os.makedirs(root, exist_ok=True)
        os.chmod(root, 0o755)
        cfg = stack.PanelConfig(root, ctx.binary, ctx.db, "http://127.0.0.1:8080",
                                dbname="panel_keys71",
                                extra={"trusted_proxies": "127.0.0.1/32, ::1",
                                       "settings_cache_seconds": "0"},
                                db_password=ctx.db_password)
        cfg.write()
        ctx.secrets_to_hunt.append(cfg.db_password())
        with open(cfg.secrets) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    ctx.secrets_to_hunt.append(line.split("=", 1)[1].strip())
        cfg.setup_database()
        lt = stack.Lighttpd(root, cfg, os.path.join(stack.REPO, "www"),
                            env=stack.sanitizer_env(ctx.sanlogs))
        lt.start()
        ctx.cleanups.append(lt.stop)
        _LIMIT["lt"] = lt
    return _LIMIT["lt"]


def set_limit(ctx, n):
    ctx.db.sql("INSERT INTO settings (`key`, value) VALUES ('user::max_api_key_count', "
               f"'{n}') ON DUPLICATE KEY UPDATE value = '{n}'", db="panel_keys71")


@test
def key_limit(ctx):
    lt = limit_stack(ctx)
    reset_rl(ctx, lt, db="panel_keys71")
    a = Account(ctx, "k71_limit", lt=lt, db="panel_keys71")
    set_limit(ctx, 2)
    k1, _ = a.create("one")
    k2, _ = a.create("two")
    full = "maximum number of api keys reached"
    body = {"name": "three", "allowed_ips": [], "user_permissions": [], "admin_permissions": [],
            "server_permissions": []}
    expect_error(a.s("POST", KEYS, body), 417, full)
    expect_error(a.s("POST", KEYS, dict(body, name="one")), 417, full)  # the limit comes first
    # an expired key that is not purged yet still counts
    ctx.db.sql(f"UPDATE user_api_keys SET expires = UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE "
               f"WHERE uuid = '{k2['uuid']}'", db="panel_keys71")
    expect_error(a.s("POST", KEYS, body), 417, full)
    r = a.s("DELETE", f"{KEYS}/{k1['uuid']}")
    eq(r.status, 200, f"delete: {r!r}")
    a.create("three")
    expect_error(a.s("POST", KEYS, dict(body, name="four")), 417, full)
    set_limit(ctx, 3)
    a.create("four")  # settings_cache_seconds = 0: at once
    # the limit is per user
    b = Account(ctx, "k71_limit2", lt=lt, db="panel_keys71")
    set_limit(ctx, 1)
    b.create("only")
    expect_error(b.s("POST", KEYS, dict(body, name="second")), 417, full)


@test
def key_limit_under_concurrency(ctx):
    lt = limit_stack(ctx)
    reset_rl(ctx, lt, db="panel_keys71")
    a = Account(ctx, "k71_race", lt=lt, db="panel_keys71")
    set_limit(ctx, 3)
    results = [None] * 8
    start = threading.Barrier(8)

    def one(i):
        body = {"name": f"race {i}", "allowed_ips": [], "user_permissions": [],
                "admin_permissions": [], "server_permissions": []}
        start.wait()
        results[i] = a.s("POST", KEYS, body)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in results:
        assert r is not None, "every request answered"
        if r.status == 200:
            hunt(ctx, r.json()["key"])
    ok = [r for r in results if r.status == 200]
    full = [r for r in results if r.status != 200]
    eq(len(ok), 3, f"exactly the limit succeeds: {[r.status for r in results]}")
    for r in full:
        expect_error(r, 417, "maximum number of api keys reached")
    eq(ctx.db.sql(f"SELECT COUNT(*) FROM user_api_keys WHERE user_uuid = '{a.uuid}'",
                  db="panel_keys71").strip(), "3", "the table holds exactly the limit")
    eq(sorted(x["uuid"] for x in a.listing()["data"]),
       sorted(r.json()["api_key"]["uuid"] for r in ok), "the answered keys are the stored ones")
    # the same race on a fresh user with a bigger limit: every create passes
    b = Account(ctx, "k71_race2", lt=lt, db="panel_keys71")
    set_limit(ctx, 50)
    start = threading.Barrier(8)
    results = [None] * 8

    def two(i):
        body = {"name": f"race {i}", "allowed_ips": [], "user_permissions": [],
                "admin_permissions": [], "server_permissions": []}
        start.wait()
        results[i] = b.s("POST", KEYS, body)

    threads = [threading.Thread(target=two, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in results:
        eq(r.status, 200, f"below the limit: {r!r}")
        hunt(ctx, r.json()["key"])
    eq(b.listing()["total"], 8, "eight keys")


# --------------------------------------------------------------------------
# 10. activity

@test
def activity_rows(ctx):
    reset_rl(ctx)
    a = Account(ctx, "k71_activity")
    when = (datetime.now(timezone.utc) + timedelta(days=30)).replace(microsecond=0)
    caller, ckey = a.create("caller", user=ALL_KEY_PERMS + ["account.infos"],
                            server=["control.start"], ips=["127.0.0.1", "2001:db8::/32"])
    rows = activity(ctx, a.uuid, "api-key:create")
    eq(len(rows), 1, "one create row")
    kid, ip, data = rows[0]
    eq((kid, ip), (None, "127.0.0.1"), "by session, from 127.0.0.1")
    eq(data, {"uuid": caller["uuid"], "identifier": caller["key_start"], "name": "caller",
              "allowed_ips": ["127.0.0.1/32", "2001:db8::/32"],
              "user_permissions": ALL_KEY_PERMS + ["account.infos"], "admin_permissions": [],
              "server_permissions": ["control.start"], "expires": None,
              "user_agent": "unknown"}, "create data")

    # everything below by the key, as the key's user
    t, tkey = a.create("target", user=["account.infos"], ips=["10.0.0.1"], key=ckey,
                       expires=when.astimezone(timezone(timedelta(hours=2))).isoformat())
    rows = activity(ctx, a.uuid, "api-key:create")
    eq(len(rows), 2, "second create row")
    eq(rows[1], (caller["uuid"], "127.0.0.1",
                 {"uuid": t["uuid"], "identifier": t["key_start"], "name": "target",
                  "allowed_ips": ["10.0.0.1/32"], "user_permissions": ["account.infos"],
                  "admin_permissions": [], "server_permissions": [],
                  "expires": utc_ts(when), "user_agent": "unknown"}), "create by key")

    r = a.k(ckey, "PATCH", f"{KEYS}/{t['uuid']}", {"name": "target2", "expires": None,
                                                   "server_permissions": ["control.start"]})
    eq(r.status, 200, f"update: {r!r}")
    rows = activity(ctx, a.uuid, "user:api-key.update")
    eq(rows, [(caller["uuid"], "127.0.0.1",
               {"uuid": t["uuid"], "identifier": t["key_start"], "name": "target2",
                "allowed_ips": ["10.0.0.1/32"], "user_permissions": ["account.infos"],
                "admin_permissions": [], "server_permissions": ["control.start"],
                "expires": None, "user_agent": "unknown"})],
       "update row: the key's fields after the change")

    r = a.k(ckey, "POST", f"{KEYS}/{t['uuid']}/recreate")
    eq(r.status, 200, f"recreate: {r!r}")
    new = r.json()["key"]
    hunt(ctx, new)
    rows = activity(ctx, a.uuid, "api-key:recreate")
    eq(rows, [(caller["uuid"], "127.0.0.1",
               {"uuid": t["uuid"], "identifier": new[:16], "name": "target2",
                "user_agent": "unknown"})], "recreate row")

    # the delete from another address: the row records it
    r = a.k(ckey, "DELETE", f"{KEYS}/{t['uuid']}")
    eq(r.status, 200, f"delete: {r!r}")
    rows = activity(ctx, a.uuid, "api-key:delete")
    eq(rows, [(caller["uuid"], "127.0.0.1",
               {"uuid": t["uuid"], "identifier": new[:16], "name": "target2",
                "user_agent": "unknown"})], "delete row")
    # by session: api_key_uuid empty
    s, _ = a.create("by session")
    r = a.s("DELETE", f"{KEYS}/{s['uuid']}", headers={"X-Forwarded-For": "198.51.100.23"})
    eq(r.status, 200, f"session delete: {r!r}")
    rows = activity(ctx, a.uuid, "api-key:delete")
    eq(rows[-1], (None, "198.51.100.23",
                  {"uuid": s["uuid"], "identifier": s["key_start"], "name": "by session",
                   "user_agent": "unknown"}),
       "session delete row, client IP behind the proxy")
    # an IPv6 client is recorded as a plain address
    s, _ = a.create("v6 session")
    r = a.s("DELETE", f"{KEYS}/{s['uuid']}", headers={"X-Forwarded-For": "2001:db8::42"})
    eq(r.status, 200, f"v6 delete: {r!r}")
    eq(activity(ctx, a.uuid, "api-key:delete")[-1][1], "2001:db8::42", "plain IPv6 address")
    # refused changes write nothing
    n = ctx.db.sql(f"SELECT COUNT(*) FROM user_activities WHERE user_uuid = '{a.uuid}'",
                   db="panel").strip()
    expect_error(a.k(ckey, "PATCH", f"{KEYS}/{caller['uuid']}", {"name": "self"}), 400,
                 "an api key cannot update itself")
    expect_error(a.s("POST", KEYS, {"name": "x", "allowed_ips": [], "user_permissions": [],
                                    "admin_permissions": [], "server_permissions": []}), 400,
                 "name: length is lower than 3")
    eq(ctx.db.sql(f"SELECT COUNT(*) FROM user_activities WHERE user_uuid = '{a.uuid}'",
                  db="panel").strip(), n, "no row for a refusal")
    # never a key
    everything = ctx.db.sql(f"SELECT data FROM user_activities WHERE user_uuid = '{a.uuid}'",
                            db="panel")
    for k in [ckey, tkey, new]:
        assert k[16:] not in everything, "no key in any activity row"

