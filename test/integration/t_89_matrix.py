"""The generated permission matrix (issue 6, first acceptance item;
contract 2.2, 2.10-2.12, 6, 7, 8; contract-extra 3-5).

The route table comes from the binary (`panel-fcgi routes`); every route
of it (but /api/test/) must have a row in MATRIX below, and every row must
name a route of the table, so a new route cannot slip in untested. Each
row knows the permissions its route needs (for a route behind a sub-gate:
the sub-gate's read permission first, the route's own last) and a
prepare(w, who) that makes fresh targets and returns (path, body,
success status[, extra headers]), so every success can happen again.

Principals per kind of route:

* admin routes: an admin-flag session; a user whose role holds exactly
  the permissions; a role holding all but the last (or one unrelated
  admin permission) -> 403 naming the last; a role without any admin
  permission and a user without role -> 401 unauthorized; a key of the
  admin with exactly the permissions / without the last -> success / 403.
* server routes (/api/client/servers/{server}...): admin session; a role
  with admin servers.read (so it sees every server) and the server
  permissions / without the last; a role with the permissions that does
  not see the server -> 404; the admin's key with / without the last; a
  subuser with / without it; the owner; an unrelated user -> 404.
* other client routes: a session; a key with the route's user permission;
  a key with every other user permission -> 403 naming it (a route
  without permission: a key without any -> success); no credential ->
  401 missing authorization.
* public routes: reachable without credential (neither 401 nor 5xx).

Role, key and subuser permission lists are set with SQL right before
each request (panel-fcgi caches no credential). A failure names the
route, the principal, the request and the answer."""

import base64
import hmac
import itertools
import json
import os
import secrets
import struct
import subprocess
import sys
import time
import uuid as uuidlib

import fixtures
from harness import test, http_request, lighttpd_stack, reset_ratelimits
from t_71_apikeys import Account

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fake_daemon import FakeDaemon  # noqa: E402

DB = "panel_matrix89"
UNRELATED_ADMIN = "stats.read"
UNRELATED_SERVER = "activity.read-ip"
SEQ = itertools.count(1)


def deny(p):
    return f"you do not have permission to perform this action: {p}"


def jl(lst):
    """A JSON list as a SQL literal."""
    return fixtures.q(json.dumps(list(lst)))


def n():
    return next(SEQ)


# --------------------------------------------------------------------------
# the world: one stack, the principals, a server on a fake daemon

class Who:
    """A principal: label, how it authenticates (session, key, none), the
    account it acts as, and setup(): a request with the full rights of
    that account (for preparations such as a two-factor secret)."""

    def __init__(self, label, method, user, key=None, state=None, setup=None):
        self.label, self.method, self.user, self.key = label, method, user, key
        self.state = state  # SQL run before the request
        self.setup = setup

    def headers(self):
        if self.method == "session":
            return {"Cookie": self.user.cookie}
        if self.method == "key":
            return {"Authorization": "Bearer " + self.key}
        return {}


class Sql:
    """One mariadb client for the whole matrix (a client per statement
    costs more than the requests): statements in, rows out up to a marker
    line; an error message on stderr is an exception."""

    END = "__matrix89_end__"

    def __init__(self, db):
        self.proc = subprocess.Popen(
            ["mariadb", "--no-defaults", f"--socket={db.sock}", "-uroot", "--batch",
             "--skip-column-names", "--unbuffered", "--force",
             "--default-character-set=utf8mb4", DB],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            bufsize=1)
        os.set_blocking(self.proc.stderr.fileno(), False)

    def __call__(self, text):
        self.proc.stdin.write(text.rstrip().rstrip(";") + f";\nSELECT '{self.END}';\n")
        self.proc.stdin.flush()
        lines = []
        while True:
            line = self.proc.stdout.readline()
            if line == "":
                raise RuntimeError("the mariadb client ended")
            if line.rstrip("\n") == self.END:
                break
            lines.append(line)
        try:
            err = os.read(self.proc.stderr.fileno(), 65536).decode(errors="replace")
        except BlockingIOError:
            err = ""
        if err:
            raise RuntimeError(f"SQL failed: {err.strip()}\n{text}")
        return "".join(lines).strip()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def sql(w, text):
    return w["sql"](text)


class FixturesDb:
    """What test/integration/fixtures.py needs of a Context (ctx.db.sql),
    over the one client."""

    def __init__(self, run):
        self.db, self.run = self, run

    def sql(self, text, db=None, check=True):
        return self.run(text)


def world(ctx):
    if getattr(ctx, "_w89", None) is not None:
        reset_ratelimits(ctx._w89["lt"].cfg)
        return ctx._w89
    daemon = FakeDaemon().start()
    ctx.cleanups.append(daemon.stop)
    lt = lighttpd_stack(ctx, "matrix89", dbname=DB, extra={
        "settings_cache_seconds": "0", "sendmail": "cat > /dev/null", "daemon_timeout": "3"})
    big = '{"hits":1000000,"window_seconds":60}'
    ctx.db.sql("REPLACE INTO settings (`key`, value) VALUES "
               + ", ".join(f"('ratelimits::{k}', '{big}')"
                           for k in ("client", "auth_login", "auth_register",
                                     "auth_password_forgot", "auth_password_reset",
                                     "auth_login_checkpoint"))
               + ", ('user::max_api_key_count', '100000')"
               + ", ('user::max_server_group_count', '100000')"
               + ", ('user::max_command_snippet_count', '100000')"
               + ", ('server::max_subuser_count', '100000')", db=DB)
    w = {"ctx": ctx, "lt": lt, "daemon": daemon, "sql": Sql(ctx.db)}
    ctx.cleanups.append(w["sql"].close)
    w["fx"] = FixturesDb(w["sql"])
    for name, admin in (("admin", True), ("role", False), ("none", False), ("owner", False),
                        ("sub", False), ("client", False), ("keyuser", False)):
        w[name] = Account(ctx, "mx_" + name, admin=admin, lt=lt, db=DB)
    w["role_uuid"] = fixtures.role(ctx, DB, "mx-principal-role")
    sql(w, f"UPDATE users SET role_uuid = '{w['role_uuid']}' WHERE uuid = '{w['role'].uuid}'")
    perms = w["admin"].s("GET", "/api/client/permissions").json()
    w["all_user"] = [f"{g}.{p}" for g, v in perms["user_permissions"].items()
                     for p in v["permissions"]]
    k, w["admin_key"] = w["admin"].create("mx-admin-key")
    w["admin_key_uuid"] = k["uuid"]
    k, w["client_key"] = w["keyuser"].create("mx-client-key")
    w["client_key_uuid"] = k["uuid"]
    _, w["client_full"] = w["keyuser"].create("mx-client-full", user=w["all_user"])
    w["loc"] = fixtures.location(ctx, DB, name="mx-location")
    r = w["admin"].s("POST", "/api/admin/nodes", {
        "location_uuid": w["loc"], "name": "mx-node", "deployment_enabled": True,
        "maintenance_enabled": False, "url": daemon.url, "sftp_port": 2022, "memory": 8192,
        "disk": 65536})
    assert r.status == 200, f"the node on the fake daemon: {r!r}"
    ctx.secrets_to_hunt.append(r.json()["token"])
    w["node"] = r.json()["node"]["uuid"]
    w["nest"], w["egg"] = new_nest_egg(w)
    w["srv"] = fixtures.server(ctx, DB, w["owner"].uuid, w["node"], w["egg"], "mx-server")
    fixtures.subuser(ctx, DB, w["srv"], w["sub"].uuid, [])
    w["target_user"] = new_user(w)
    ctx._w89 = w
    return w


# --------------------------------------------------------------------------
# fresh targets (SQL)

def new_user(w, **cols):
    i = n()
    u = str(uuidlib.uuid4())
    c = dict(uuid=u, username=f"mxt{i}", email=f"mxt{i}@example.com", name_first="Mx",
             name_last="Target")
    c.update(cols)
    fixtures.insert(w["fx"], DB, "users", **c)
    return u


def new_role(w, admin=(), server=()):
    return fixtures.role(w["fx"], DB, f"mx-role-{n()}", admin_permissions=admin,
                         server_permissions=server)


def new_nest(w):
    u = str(uuidlib.uuid4())
    fixtures.insert(w["fx"], DB, "nests", uuid=u, name=f"mx-nest-{n()}", author="mx@example.com")
    return u


def new_egg(w, nest):
    e = str(uuidlib.uuid4())
    fixtures.insert(w["fx"], DB, "nest_eggs", uuid=e, nest_uuid=nest, name=f"mx-egg-{n()}",
                    author="mx@example.com", config_files="[]",
                    config_startup='{"done":["Done"]}',
                    config_stop='{"type":"command","value":"stop"}',
                    config_script='{"container":"alpine","entrypoint":"ash","content":""}',
                    startup_commands='{"Default": "java -jar server.jar"}', features="[]",
                    docker_images='{"Java 21": "ghcr.io/pterodactyl/yolks:java_21"}',
                    file_denylist="[]")
    return e


def new_nest_egg(w):
    nest = new_nest(w)
    return nest, new_egg(w, nest)


def new_var(w, egg):
    v = str(uuidlib.uuid4())
    fixtures.insert(w["fx"], DB, "nest_egg_variables", uuid=v, egg_uuid=egg,
                    name="Mx Variable", env_variable=f"MX_VAR_{n()}", default_value="x",
                    rules='["string"]')
    return v


def new_session(w, user):
    u = str(uuidlib.uuid4())
    sql(w, "INSERT INTO user_sessions (uuid, user_uuid, key_id, key_hash, ip, user_agent) "
           f"VALUES ('{u}', '{user}', '{secrets.token_hex(8)}', "
           f"UNHEX('{secrets.token_hex(32)}'), '127.0.0.1', 'mx')")
    return u


def new_key(w, user):
    """A key row of user with empty lists; (uuid, key_start)."""
    u = str(uuidlib.uuid4())
    start = "ptlc_" + secrets.token_hex(6)[:11]
    sql(w, "INSERT INTO user_api_keys (uuid, user_uuid, name, key_start, key_hash, "
           "user_permissions, admin_permissions, server_permissions) VALUES "
           f"('{u}', '{user}', 'mx-key-{n()}', '{start}', UNHEX('{secrets.token_hex(32)}'), "
           "'[]', '[]', '[]')")
    return u, start


def new_group(w, user):
    u = str(uuidlib.uuid4())
    fixtures.insert(w["fx"], DB, "user_server_groups", uuid=u, user_uuid=user,
                    name=f"mx-group-{n()}", server_order=json.dumps([w["srv"]]))
    return u


def new_snippet(w, user):
    u = str(uuidlib.uuid4())
    fixtures.insert(w["fx"], DB, "user_command_snippets", uuid=u, user_uuid=user,
                    name=f"mx-snip-{n()}", eggs="[]", command="say hi")
    return u


def new_subuser(w):
    u = new_user(w)
    fixtures.subuser(w["fx"], DB, w["srv"], u, [])
    return u


def totp(secret_b32, step):
    key = base64.b32decode(secret_b32)
    mac = hmac.new(key, struct.pack(">Q", step), "sha1").digest()
    off = mac[-1] & 15
    return f"{(struct.unpack('>I', mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000:06d}"


def tfa_off(w, user):
    sql(w, "UPDATE users SET totp_enabled = 0, totp_secret = NULL, totp_last_step = NULL "
           f"WHERE uuid = '{user}'")
    sql(w, f"DELETE FROM user_recovery_codes WHERE user_uuid = '{user}'")


def tfa_secret(w, who):
    """A pending two-factor secret of who's account (set up by its
    full-rights credential)."""
    tfa_off(w, who.user.uuid)
    r = who.setup("GET", "/api/client/account/two-factor", None)
    assert r.status == 200, f"two-factor setup for {who.label}: {r!r}"
    s = r.json()["secret"]
    w["ctx"].secrets_to_hunt.append(s)
    return s


def tfa_on(w, who):
    """Two-factor enabled on who's account; its recovery codes."""
    s = tfa_secret(w, who)
    r = who.setup("POST", "/api/client/account/two-factor",
                  {"code": totp(s, int(time.time()) // 30), "password": who.user.password})
    assert r.status == 200, f"two-factor enable for {who.label}: {r!r}"
    codes = r.json()["recovery_codes"]
    w["ctx"].secrets_to_hunt.extend(codes)
    return codes


# --------------------------------------------------------------------------
# the matrix

class Row:
    def __init__(self, method, pattern, kind, perms, prepare, keys=None, expect=None,
                 ok_body=None, daemon=None):
        self.method, self.pattern, self.kind = method, pattern, kind
        self.perms = list(perms)
        self.prepare = prepare
        self.keys = keys        # top-level keys of the success body (None: unchecked)
        self.expect = expect or {}  # label -> (status, error) overriding the rule
        self.ok_body = ok_body  # the exact success body, when it is fixed
        # [(method, path)] of the daemon calls every success makes and no
        # refusal may make; path: a format over the world, or a function
        # of (world, request path)
        self.daemon = daemon or []


MATRIX = []


def row(method, pattern, kind, perms, prepare, keys=None, expect=None, ok_body=None,
        daemon=None):
    MATRIX.append(Row(method, pattern, kind, perms, prepare, keys, expect, ok_body, daemon))


def fixed(path, body=None, status=200):
    return lambda w, who: (path.format(**w), body, status)


# ---- public (gate none)
for m, p, b in (("GET", "/api/settings", None), ("GET", "/api/languages", None),
                ("GET", "/api/announcements", None), ("GET", "/api/auth/oauth", None),
                ("POST", "/api/auth/login", {"user": "mx_nobody", "password": "wrong-password"}),
                ("POST", "/api/auth/register", {"username": "mx_reg", "email": "mx_reg@example.com",
                                                "name_first": "Mx", "name_last": "Reg",
                                                "password": "a-long-password"}),
                ("POST", "/api/auth/password/forgot", {"email": "mx_nobody@example.com"}),
                ("POST", "/api/auth/password/reset", {"token": "x" * 96,
                                                      "password": "a-long-password"}),
                ("POST", "/api/auth/login/checkpoint", {"code": "123456",
                                                        "confirmation_token": "x" * 64})):
    row(m, p, "public", [], fixed(p, b))

# ---- client routes (no server gate)
ACC = "/api/client/account"
KEYS = ACC + "/api-keys"
TFA = ACC + "/two-factor"
SNIP = ACC + "/command-snippets"
GROUPS = "/api/client/servers/groups"


def prep_logout(w, who):
    if who.method != "session":
        return ACC + "/logout", None, 200
    # a session of its own: logging out ends it
    r = http_request(w["lt"].port, "POST", "/api/auth/login",
                     body={"user": who.user.username, "password": who.user.password})
    assert r.status == 200, f"login for logout: {r!r}"
    cookie = r.headers["set-cookie"].split(";", 1)[0]
    w["ctx"].secrets_to_hunt.append(cookie.split("=", 1)[1])
    return ACC + "/logout", None, 200, {"Cookie": cookie}


def prep_tfa_enable(w, who):
    s = tfa_secret(w, who)
    return TFA, {"code": totp(s, int(time.time()) // 30), "password": who.user.password}, 200


def prep_tfa_disable(w, who):
    codes = tfa_on(w, who)
    return TFA, {"code": codes[0], "password": who.user.password}, 200


row("GET", ACC, "client", [], fixed(ACC), ["user"])
row("POST", ACC + "/logout", "client", [], prep_logout, [],
    expect={"key": (400, "unable to log out when not using session authentication"),
            "key-lacking": (400, "unable to log out when not using session authentication")})
row("PATCH", ACC, "client", ["account.infos"], fixed(ACC, {"name_first": "Matrix"}), [])
row("PUT", ACC + "/email", "client", ["account.email"],
    lambda w, who: (ACC + "/email", {"email": f"mx-mail-{n()}@example.com",
                                     "password": who.user.password}, 200), [])
row("PUT", ACC + "/password", "client", ["account.password"],
    lambda w, who: (ACC + "/password", {"password": who.user.password,
                                        "new_password": who.user.password}, 200), [])
row("GET", ACC + "/activity", "client", ["activity.read"], fixed(ACC + "/activity"),
    ["activities"])
row("GET", "/api/client/permissions", "client", [], fixed("/api/client/permissions"),
    ["user_permissions", "admin_permissions", "server_permissions"])
row("GET", ACC + "/sessions", "client", ["sessions.read"], fixed(ACC + "/sessions"), ["sessions"])
row("DELETE", ACC + "/sessions", "client", ["sessions.delete"], fixed(ACC + "/sessions"),
    ["deleted"])
row("DELETE", ACC + "/sessions/{session}", "client", ["sessions.delete"],
    lambda w, who: (f"{ACC}/sessions/{new_session(w, who.user.uuid)}", None, 200), [])
row("GET", KEYS, "client", ["api-keys.read"], fixed(KEYS), ["api_keys"])
row("POST", KEYS, "client", ["api-keys.create"],
    lambda w, who: (KEYS, {"name": f"mx-new-{n()}", "allowed_ips": [], "user_permissions": [],
                           "admin_permissions": [], "server_permissions": []}, 200),
    ["api_key", "key"])
row("GET", KEYS + "/identifier/{identifier}", "client", ["api-keys.read"],
    lambda w, who: (f"{KEYS}/identifier/{new_key(w, who.user.uuid)[1]}", None, 200),
    ["api_key"])
row("PATCH", KEYS + "/{api_key}", "client", ["api-keys.update"],
    lambda w, who: (f"{KEYS}/{new_key(w, who.user.uuid)[0]}", {"name": f"mx-ren-{n()}"}, 200),
    [])
row("DELETE", KEYS + "/{api_key}", "client", ["api-keys.delete"],
    lambda w, who: (f"{KEYS}/{new_key(w, who.user.uuid)[0]}", None, 200), [])
row("POST", KEYS + "/{api_key}/recreate", "client", ["api-keys.recreate"],
    lambda w, who: (f"{KEYS}/{new_key(w, who.user.uuid)[0]}/recreate", None, 200), ["key"])
row("GET", TFA, "client", ["account.two-factor"],
    lambda w, who: (tfa_off(w, who.user.uuid), (TFA, None, 200))[1], ["otp_url", "secret"])
row("POST", TFA, "client", ["account.two-factor"], prep_tfa_enable, ["recovery_codes"])
row("DELETE", TFA, "client", ["account.two-factor"], prep_tfa_disable, [])
row("GET", "/api/client/servers", "client", ["servers.read"], fixed("/api/client/servers"),
    ["servers"])
row("GET", GROUPS, "client", ["servers.read"], fixed(GROUPS), ["server_groups"])
row("POST", GROUPS, "client", ["servers.create"],
    fixed(GROUPS, {"name": "mx-group", "server_order": []}), ["server_group"])
row("PUT", GROUPS + "/order", "client", ["servers.update"],
    lambda w, who: (GROUPS + "/order",
                    {"server_group_order": [new_group(w, who.user.uuid)]}, 200), [])
row("GET", GROUPS + "/{server_group}", "client", ["servers.read"],
    lambda w, who: (f"{GROUPS}/{new_group(w, who.user.uuid)}", None, 200), ["servers"])
row("PATCH", GROUPS + "/{server_group}", "client", ["servers.update"],
    lambda w, who: (f"{GROUPS}/{new_group(w, who.user.uuid)}", {"name": "mx-renamed"}, 200), [])
row("DELETE", GROUPS + "/{server_group}", "client", ["servers.delete"],
    lambda w, who: (f"{GROUPS}/{new_group(w, who.user.uuid)}", None, 200), [])
row("GET", SNIP, "client", ["command-snippets.read"], fixed(SNIP), ["command_snippets"])
row("POST", SNIP, "client", ["command-snippets.create"],
    lambda w, who: (SNIP, {"name": f"mx-s-{n()}", "eggs": [], "command": "say hi"}, 200),
    ["command_snippet"])
row("PATCH", SNIP + "/{command_snippet}", "client", ["command-snippets.update"],
    lambda w, who: (f"{SNIP}/{new_snippet(w, who.user.uuid)}", {"command": "say bye"}, 200), [])
row("DELETE", SNIP + "/{command_snippet}", "client", ["command-snippets.delete"],
    lambda w, who: (f"{SNIP}/{new_snippet(w, who.user.uuid)}", None, 200), [])
row("POST", SNIP + "/{command_snippet}/duplicate", "client", ["command-snippets.create"],
    lambda w, who: (f"{SNIP}/{new_snippet(w, who.user.uuid)}/duplicate",
                    {"name": f"mx-d-{n()}"}, 200), ["command_snippet"])
row("GET", "/api/client/servers/eggs", "client", ["servers.read"],
    fixed("/api/client/servers/eggs"), ["nest_eggs"])
row("GET", "/api/client/servers/eggs/{egg}/command-snippets", "client", ["servers.read"],
    fixed("/api/client/servers/eggs/{egg}/command-snippets"), ["command_snippets"])

# ---- server routes (client gate, then the server gate)
SRV = "/api/client/servers/{server}"
SUBS = SRV + "/subusers"

row("GET", SRV, "server", [], fixed("/api/client/servers/{srv}"), ["server"])
row("POST", SRV + "/power", "server", ["control.start"],
    fixed("/api/client/servers/{srv}/power", {"action": "start"}), [],
    daemon=[("POST", "/api/servers/{srv}/power")])
row("GET", SUBS, "server", ["subusers.read"], fixed("/api/client/servers/{srv}/subusers"),
    ["subusers"])
row("POST", SUBS, "server", ["subusers.create"],
    lambda w, who: (f"/api/client/servers/{w['srv']}/subusers",
                    {"email": f"mx-invite-{n()}@example.com", "permissions": [],
                     "ignored_files": []}, 200), ["subuser"])
row("PATCH", SUBS + "/{subuser}", "server", ["subusers.read", "subusers.update"],
    lambda w, who: (f"/api/client/servers/{w['srv']}/subusers/{new_subuser(w)}",
                    {"ignored_files": ["*.log"]}, 200), [],
    daemon=[("POST", "/api/servers/{srv}/ws/permissions")])
row("DELETE", SUBS + "/{subuser}", "server", ["subusers.read", "subusers.delete"],
    lambda w, who: (f"/api/client/servers/{w['srv']}/subusers/{new_subuser(w)}", None, 200), [],
    daemon=[("POST", "/api/servers/{srv}/ws/permissions"), ("POST", "/api/servers/{srv}/ws/deny")])

# ---- admin routes
USERS = "/api/admin/users"
ROLES = "/api/admin/roles"
NESTS = "/api/admin/nests"


def user_body():
    i = n()
    return {"username": f"mxc{i}", "email": f"mxc{i}@example.com", "name_first": "Mx",
            "name_last": "Created", "admin": False, "language": "en"}


def egg_body():
    return {"author": "mx@example.com", "name": f"mx-egg-{n()}", "config_files": [],
            "config_startup": {"done": "Done"}, "config_stop": {"type": "command", "value": "stop"},
            "config_script": {"container": "alpine", "entrypoint": "ash", "script": "echo"},
            "startup_commands": {"Default": "java -jar server.jar"}, "force_outgoing_ip": False,
            "separate_port": False, "features": [], "docker_images": {"Java": "ghcr.io/x:21"},
            "file_denylist": []}


def var_body():
    return {"name": "Mx Var", "name_translations": {}, "description_translations": {},
            "order": 1, "env_variable": f"MX_NEW_{n()}", "default_value": "x",
            "user_viewable": True, "user_editable": True, "secret": False, "rules": ["string"]}


def egg_path(w, suffix=""):
    nest, egg = new_nest_egg(w)
    return f"{NESTS}/{nest}/eggs/{egg}{suffix}", nest, egg


def var_path(w, suffix=""):
    nest, egg = new_nest_egg(w)
    return f"{NESTS}/{nest}/eggs/{egg}/variables/{new_var(w, egg)}{suffix}"


row("GET", USERS, "admin", ["users.read"], fixed(USERS), ["users"])
row("POST", USERS, "admin", ["users.create"], lambda w, who: (USERS, user_body(), 200), ["user"])
row("GET", USERS + "/external/{external_id}", "admin", ["users.read"],
    lambda w, who: (f"{USERS}/external/mx-ext-{(e := n())}",
                    new_user(w, external_id=f"mx-ext-{e}") and None, 200), ["user"])
row("GET", USERS + "/{user}", "admin", ["users.read"], fixed(USERS + "/{target_user}"), ["user"])
row("PATCH", USERS + "/{user}", "admin", ["users.read", "users.update"],
    lambda w, who: (f"{USERS}/{new_user(w)}", {"name_last": "Patched"}, 200), [])
row("DELETE", USERS + "/{user}", "admin", ["users.read", "users.delete"],
    lambda w, who: (f"{USERS}/{new_user(w)}", None, 200), [])
row("DELETE", USERS + "/{user}/two-factor", "admin", ["users.read", "users.disable-two-factor"],
    lambda w, who: (f"{USERS}/{new_user(w, totp_enabled=True)}/two-factor", None, 200), [])
row("GET", ROLES, "admin", ["roles.read"], fixed(ROLES), ["roles"])
row("POST", ROLES, "admin", ["roles.create"],
    lambda w, who: (ROLES, {"name": f"mx-new-role-{n()}", "require_two_factor": False,
                            "admin_permissions": [], "server_permissions": []}, 200), ["role"])
row("GET", ROLES + "/{role}", "admin", ["roles.read"],
    lambda w, who: (f"{ROLES}/{new_role(w)}", None, 200), ["role"])
row("PATCH", ROLES + "/{role}", "admin", ["roles.read", "roles.update"],
    lambda w, who: (f"{ROLES}/{new_role(w)}", {"description": "patched"}, 200), [])
row("DELETE", ROLES + "/{role}", "admin", ["roles.read", "roles.delete"],
    lambda w, who: (f"{ROLES}/{new_role(w)}", None, 200), [])
row("GET", NESTS, "admin", ["nests.read"], fixed(NESTS), ["nests"])
row("POST", NESTS, "admin", ["nests.create"],
    lambda w, who: (NESTS, {"author": "mx@example.com", "name": f"mx-new-nest-{n()}"}, 200),
    ["nest"])
row("GET", NESTS + "/eggs", "admin", ["eggs.read"], fixed(NESTS + "/eggs"), ["nests"])
row("GET", NESTS + "/{nest}", "admin", ["nests.read"], fixed(NESTS + "/{nest}"), ["nest"])
row("PATCH", NESTS + "/{nest}", "admin", ["nests.read", "nests.update"],
    lambda w, who: (f"{NESTS}/{new_nest(w)}", {"description": "patched"}, 200), [])
row("DELETE", NESTS + "/{nest}", "admin", ["nests.read", "nests.delete"],
    lambda w, who: (f"{NESTS}/{new_nest(w)}", {}, 200), [])
row("GET", NESTS + "/{nest}/eggs", "admin", ["nests.read", "eggs.read"],
    fixed(NESTS + "/{nest}/eggs"), ["eggs"])
row("POST", NESTS + "/{nest}/eggs", "admin", ["nests.read", "eggs.create"],
    lambda w, who: (f"{NESTS}/{w['nest']}/eggs", egg_body(), 200), ["egg"])
row("GET", NESTS + "/{nest}/eggs/{egg}", "admin", ["nests.read", "eggs.read"],
    fixed(NESTS + "/{nest}/eggs/{egg}"), ["egg"])
row("PATCH", NESTS + "/{nest}/eggs/{egg}", "admin", ["nests.read", "eggs.read", "eggs.update"],
    lambda w, who: (egg_path(w)[0], {"description": "patched"}, 200), [])
row("DELETE", NESTS + "/{nest}/eggs/{egg}", "admin", ["nests.read", "eggs.read", "eggs.delete"],
    lambda w, who: (egg_path(w)[0], None, 200), [])
VARS = NESTS + "/{nest}/eggs/{egg}/variables"
row("GET", VARS, "admin", ["nests.read", "eggs.read"],
    fixed(NESTS + "/{nest}/eggs/{egg}/variables"), ["variables"])
row("POST", VARS, "admin", ["nests.read", "eggs.read", "eggs.update"],
    lambda w, who: (egg_path(w, "/variables")[0], var_body(), 200), ["variable"])
row("PUT", VARS + "/order", "admin", ["nests.read", "eggs.read", "eggs.update"],
    lambda w, who: (egg_path(w, "/variables/order")[0], {"variable_order": []}, 200), [])
row("PATCH", VARS + "/{variable}", "admin", ["nests.read", "eggs.read", "eggs.update"],
    lambda w, who: (var_path(w), {"description": "patched"}, 200), [])
row("DELETE", VARS + "/{variable}", "admin", ["nests.read", "eggs.read", "eggs.update"],
    lambda w, who: (var_path(w), None, 200), [])
row("POST", VARS + "/{variable}/duplicate", "admin", ["nests.read", "eggs.read", "eggs.update"],
    lambda w, who: (var_path(w, "/duplicate"), {"name": "Mx Copy",
                                                "env_variable": f"MX_COPY_{n()}"}, 200),
    ["variable"])
LOCS = "/api/admin/locations"
NODES = "/api/admin/nodes"
ALLOCS = NODES + "/{node}/allocations"


def new_location(w):
    return fixtures.location(w["fx"], DB, name=f"mx-loc-{n()}")


def new_node(w, allocation_port=None):
    node = fixtures.node(w["fx"], DB, w["loc"], name=f"mx-node-{n()}")
    if allocation_port:
        fixtures.insert(w["fx"], DB, "node_allocations", uuid=str(uuidlib.uuid4()),
                        node_uuid=node, ip="10.0.0.1", port=allocation_port)
    return node


def node_body():
    return {"location_uuid": None, "name": f"mx-new-node-{n()}", "deployment_enabled": True,
            "maintenance_enabled": False, "url": "https://node.example.com:8080",
            "sftp_port": 2022, "memory": 1024, "disk": 1024}


row("GET", LOCS, "admin", ["locations.read"], fixed(LOCS), ["locations"])
row("POST", LOCS, "admin", ["locations.create"],
    lambda w, who: (LOCS, {"name": f"mx-new-loc-{n()}"}, 200), ["location"])
row("GET", LOCS + "/{location}", "admin", ["locations.read"], fixed(LOCS + "/{loc}"),
    ["location"])
row("PATCH", LOCS + "/{location}", "admin", ["locations.read", "locations.update"],
    lambda w, who: (f"{LOCS}/{new_location(w)}", {"description": "patched"}, 200), [])
row("DELETE", LOCS + "/{location}", "admin", ["locations.read", "locations.delete"],
    lambda w, who: (f"{LOCS}/{new_location(w)}", None, 200), [])
row("GET", LOCS + "/{location}/nodes", "admin", ["locations.read", "nodes.read"],
    fixed(LOCS + "/{loc}/nodes"), ["nodes"])
row("GET", NODES, "admin", ["nodes.read"], fixed(NODES), ["nodes"])
row("POST", NODES, "admin", ["nodes.create"],
    lambda w, who: (NODES, dict(node_body(), location_uuid=w["loc"]), 200),
    ["node", "token_id", "token"])
row("GET", NODES + "/{node}", "admin", ["nodes.read"], fixed(NODES + "/{node}"), ["node"])
row("PATCH", NODES + "/{node}", "admin", ["nodes.read", "nodes.update"],
    lambda w, who: (f"{NODES}/{new_node(w)}", {"description": "patched"}, 200), [])
row("DELETE", NODES + "/{node}", "admin", ["nodes.read", "nodes.delete"],
    lambda w, who: (f"{NODES}/{new_node(w)}", None, 200), [])
# the token is shown on create and reset only: the allowed caller's answer is this 409
row("GET", NODES + "/{node}/token", "admin", ["nodes.read", "nodes.read-token"],
    lambda w, who: (f"{NODES}/{new_node(w)}/token", None, 409),
    ok_body={"errors": ["node token is shown only when it is created or reset"]})
row("POST", NODES + "/{node}/reset-token", "admin", ["nodes.read", "nodes.reset-token"],
    lambda w, who: (f"{NODES}/{new_node(w)}/reset-token", None, 200), ["token_id", "token"])
row("GET", ALLOCS, "admin", ["nodes.read", "nodes.allocations"],
    fixed(NODES + "/{node}/allocations"), ["allocations"])
row("GET", ALLOCS + "/available", "admin", ["nodes.read", "nodes.allocations"],
    fixed(NODES + "/{node}/allocations/available"), ["allocations"])
row("GET", ALLOCS + "/ips", "admin", ["nodes.read", "nodes.allocations"],
    fixed(NODES + "/{node}/allocations/ips"), ["ips"])
row("POST", ALLOCS, "admin", ["nodes.read", "nodes.allocations"],
    lambda w, who: (f"{NODES}/{new_node(w)}/allocations", {"ip": "10.0.0.1",
                                                           "ports": [25565, 25566]}, 200),
    ok_body={"created": 2})
row("PATCH", ALLOCS, "admin", ["nodes.read", "nodes.allocations"],
    lambda w, who: (f"{NODES}/{new_node(w, 25565)}/allocations",
                    {"selector": {"type": "all"}, "ip": "10.0.0.2"}, 200),
    ok_body={"updated": 1, "skipped": 0})
row("DELETE", ALLOCS, "admin", ["nodes.read", "nodes.allocations"],
    lambda w, who: (f"{NODES}/{new_node(w, 25565)}/allocations",
                    {"selector": {"type": "all"}}, 200), ok_body={"deleted": 1, "skipped": 0})
ASRV = "/api/admin/servers"


def new_server(w, **extra):
    """A server of the owner on the fake daemon's node (no daemon call)."""
    return fixtures.server(w["fx"], DB, w["owner"].uuid, w["node"], w["egg"], f"mx-srv-{n()}",
                           **extra)


def server_body(w):
    return {"node_uuid": w["node"], "owner_uuid": w["owner"].uuid, "egg_uuid": w["egg"],
            "allocation_uuids": [], "start_on_completion": False, "skip_installer": True,
            "name": f"mx-new-srv-{n()}",
            "limits": {"cpu": 100, "memory": 1024, "memory_overhead": 0, "swap": 0,
                       "disk": 1024},
            "pinned_cpus": [], "startup": "java -jar server.jar", "image": "ghcr.io/x:21",
            "hugepages_passthrough_enabled": False, "kvm_passthrough_enabled": False,
            "feature_limits": {"allocations": 0, "databases": 0, "backups": 0, "schedules": 0},
            "variables": []}


def last_segment(w, path):
    return "/api/servers/" + path.rsplit("/", 1)[1]


row("GET", ASRV, "admin", ["servers.read"], fixed(ASRV), ["servers"])
row("POST", ASRV, "admin", ["servers.create"], lambda w, who: (ASRV, server_body(w), 200),
    ["server"], daemon=[("POST", "/api/servers")])
row("GET", ASRV + "/external/{external_id}", "admin", ["servers.read"],
    lambda w, who: (f"{ASRV}/external/mx-sext-{(e := n())}",
                    new_server(w, external_id=f"mx-sext-{e}") and None, 200), ["server"])
row("GET", ASRV + "/{server}", "admin", ["servers.read"], fixed(ASRV + "/{srv}"), ["server"])
row("PATCH", ASRV + "/{server}", "admin", ["servers.read", "servers.update"],
    lambda w, who: (f"{ASRV}/{new_server(w)}", {"description": "patched"}, 200), [])
row("DELETE", ASRV + "/{server}", "admin", ["servers.read", "servers.delete"],
    lambda w, who: (f"{ASRV}/{new_server(w)}", {"force": False, "delete_backups": False}, 200),
    [], daemon=[("DELETE", last_segment)])
row("GET", ASRV + "/{server}/variables", "admin", ["servers.read", "servers.variables"],
    fixed(ASRV + "/{srv}/variables"), ["variables"])
row("PUT", ASRV + "/{server}/variables", "admin", ["servers.read", "servers.variables"],
    fixed(ASRV + "/{srv}/variables", {"variables": []}), [])
row("GET", "/api/admin/settings", "admin", ["settings.read"], fixed("/api/admin/settings"),
    ["settings"])
row("PUT", "/api/admin/settings", "admin", ["settings.update"],
    fixed("/api/admin/settings", {"app": {"name": "Matrix Panel"}}), [])


# --------------------------------------------------------------------------
# principals and expectations per kind

def without_each(perms, unrelated):
    """(i, the permissions held) for a principal lacking perms[i] only:
    every other one of perms, or one unrelated permission when perms[i]
    is the only one (the last first: the brief's own case)."""
    for i in reversed(range(len(perms))):
        held = perms[:i] + perms[i + 1:]
        yield i, held or [unrelated]


def tag(label, perms, i):
    """role-lacking (the route's own, last permission), or role-lacking
    <perm> for an earlier one (a sub-gate's)."""
    return label if i == len(perms) - 1 else f"{label} {perms[i]}"


def principals(w, r):
    """[(Who, state SQL, expected)] for row r; expected is "ok" or
    (status, error message)."""
    A, R, N, O, S, C, K = (w[k] for k in ("admin", "role", "none", "owner", "sub", "client",
                                           "keyuser"))
    role = w["role_uuid"]

    def role_sql(admin, server):
        return (f"UPDATE roles SET admin_permissions = {jl(admin)}, "
                f"server_permissions = {jl(server)} WHERE uuid = '{role}'")

    def key_sql(uuid, user=(), admin=(), server=()):
        return (f"UPDATE user_api_keys SET user_permissions = {jl(user)}, "
                f"admin_permissions = {jl(admin)}, server_permissions = {jl(server)} "
                f"WHERE uuid = '{uuid}'")

    def sub_sql(perms):
        return (f"UPDATE server_subusers SET permissions = {jl(perms)} "
                f"WHERE server_uuid = '{w['srv']}' AND user_uuid = '{S.uuid}'")

    def session(label, acc):
        return Who(label, "session", acc, setup=lambda m, p, b: acc.s(m, p, b))

    def admin_key(label):
        return Who(label, "key", A, key=w["admin_key"],
                   setup=lambda m, p, b: A.s(m, p, b))

    p = r.perms
    last = p[-1] if p else None
    out = []
    if r.kind == "public":
        out.append((Who("none", "none", C), None, "public"))
    elif r.kind == "client":
        client_key = Who("key", "key", K, key=w["client_key"],
                         setup=lambda m, pa, b: K.k(w["client_full"], m, pa, b))
        out.append((session("session", C), None, "ok"))
        out.append((client_key, key_sql(w["client_key_uuid"], user=p), "ok"))
        others = [x for x in w["all_user"] if x not in p]
        lk = Who("key-lacking", "key", K, key=w["client_key"], setup=client_key.setup)
        out.append((lk, key_sql(w["client_key_uuid"], user=others if p else []),
                    (403, deny(last)) if p else "ok"))
        out.append((Who("none", "none", C, setup=lambda m, pa, b: C.s(m, pa, b)), None,
                    (401, "missing authorization")))
    elif r.kind == "admin":
        out.append((session("admin", A), None, "ok"))
        out.append((session("role", R), role_sql(p, []), "ok"))
        for i, held in without_each(p, UNRELATED_ADMIN):
            out.append((session(tag("role-lacking", p, i), R), role_sql(held, []),
                        (403, deny(p[i]))))
        if len(p) > 1:  # the first check fails first
            out.append((session("role-unrelated", R), role_sql([UNRELATED_ADMIN], []),
                        (403, deny(p[0]))))
        out.append((session("role-no-admin", R), role_sql([], ["control.start"]),
                    (401, "unauthorized")))
        out.append((session("no-admin", N), None, (401, "unauthorized")))
        out.append((admin_key("key"), key_sql(w["admin_key_uuid"], admin=p), "ok"))
        for i, held in without_each(p, UNRELATED_ADMIN):
            out.append((admin_key(tag("key-lacking", p, i)),
                        key_sql(w["admin_key_uuid"], admin=held), (403, deny(p[i]))))
        # an admin's key with no admin permission passes the admin gate (2.10)
        out.append((admin_key("key-empty"), key_sql(w["admin_key_uuid"]), (403, deny(p[0]))))
    elif r.kind == "server":
        out.append((session("admin", A), None, "ok"))
        out.append((session("role", R), role_sql(["servers.read"], p), "ok"))
        for i, held in without_each(p, UNRELATED_SERVER):
            out.append((session(tag("role-lacking", p, i), R), role_sql(["servers.read"], held),
                        (403, deny(p[i]))))
        out.append((session("role-unseen", R), role_sql([], p), (404, "server not found")))
        out.append((admin_key("key"), key_sql(w["admin_key_uuid"], server=p), "ok"))
        for i, held in without_each(p, UNRELATED_SERVER):
            out.append((admin_key(tag("key-lacking", p, i)),
                        key_sql(w["admin_key_uuid"], server=held), (403, deny(p[i]))))
        if len(p) > 1:
            out.append((admin_key("key-empty"), key_sql(w["admin_key_uuid"]),
                        (403, deny(p[0]))))
        out.append((session("subuser", S), sub_sql(p), "ok"))
        for i, held in without_each(p, UNRELATED_SERVER):
            out.append((session(tag("subuser-lacking", p, i), S), sub_sql(held),
                        (403, deny(p[i]))))
        out.append((session("owner", O), None, "ok"))
        out.append((session("unrelated", N), None, (404, "server not found")))
    else:
        raise AssertionError(f"unknown kind {r.kind}")
    return [(who, state, r.expect.get(who.label, want)) for who, state, want in out]


# --------------------------------------------------------------------------
# the route table

def route_table(ctx):
    out = subprocess.run([ctx.binary, "routes"], capture_output=True, text=True, check=True)
    table = {}
    for line in out.stdout.splitlines():
        method, pattern, gate, perm = line.split()
        if pattern.startswith("/api/test/"):
            continue
        table[(method, pattern)] = (gate, perm)
    return table


def kind_gate(r):
    return {"public": "none", "client": "client", "server": "client", "admin": "admin"}[r.kind]


def coverage_problems(table):
    problems = []
    rows = {}
    for r in MATRIX:
        k = (r.method, r.pattern)
        if k in rows:
            problems.append(f"MATRIX has {r.method} {r.pattern} twice")
        rows[k] = r
    for k in table:
        if k not in rows:
            problems.append(f"route {k[0]} {k[1]} has no row in the matrix")
    for k, r in rows.items():
        if k not in table:
            problems.append(f"matrix row {k[0]} {k[1]} names no route of the table")
            continue
        gate, perm = table[k]
        if gate != kind_gate(r):
            problems.append(f"{k[0]} {k[1]}: table gate {gate}, matrix kind {r.kind}")
        if r.kind == "server" and not r.pattern.startswith("/api/client/servers/{server}"):
            problems.append(f"{k[0]} {k[1]}: a server row outside /api/client/servers/{{server}}")
        if perm != "-" and (not r.perms or r.perms[-1] != perm):
            problems.append(f"{k[0]} {k[1]}: table permission {perm}, matrix {r.perms}")
    return problems


# --------------------------------------------------------------------------
# running

def run_one(w, r, who, state, want):
    """None, or the failure text."""
    if state:
        sql(w, state)
    prep = r.prepare(w, who)
    path, body, ok_status = prep[:3]
    headers = who.headers()
    if len(prep) > 3:
        headers.update(prep[3])
    seen = len(w["daemon"].requests)
    resp = http_request(w["lt"].port, r.method, path, headers=headers, body=body)
    got_calls = [(d.method, d.path) for d in w["daemon"].requests[seen:]]
    calls = [(m, dp(w, path) if callable(dp) else dp.format(**w)) for m, dp in r.daemon]
    if isinstance(resp.body, bytes):
        text = resp.body.decode(errors="replace")
    else:
        text = str(resp.body)
    if resp.status == 200 and r.method == "POST":
        got = json.loads(text)
        for k in ("key", "token"):  # new API keys and node tokens
            if isinstance(got.get(k), str):
                w["ctx"].secrets_to_hunt.append(got[k])
    problem = None
    if want == "public":
        if resp.status == 401 or resp.status >= 500:
            problem = "want neither 401 nor 5xx"
    elif want == "ok":
        if resp.status != ok_status:
            problem = f"want {ok_status}"
        else:
            try:
                got = json.loads(text)
            except ValueError:
                got = None
            if r.keys is not None and (not isinstance(got, dict) or sorted(got) != sorted(r.keys)):
                problem = f"want {ok_status} with keys {r.keys}"
            elif r.ok_body is not None and got != r.ok_body:
                problem = f"want {ok_status} {json.dumps(r.ok_body)}"
    else:
        status, msg = want
        try:
            got = json.loads(text)
        except ValueError:
            got = None
        if (resp.status != status or got != {"errors": [msg]}
                or resp.headers.get("content-type") != "application/json"):
            problem = f"want {status} {json.dumps({'errors': [msg]})}"
    if problem is None and want == "ok" and any(c not in got_calls for c in calls):
        problem = f"want the daemon calls {calls}, it got {got_calls}"
    if problem is None and want != "ok" and any(c in got_calls for c in calls):
        problem = f"a refused request reached the daemon: {got_calls}"
    if problem is None:
        return None
    return (f"{r.method} {r.pattern} [{who.label}]: {r.method} {path}"
            f"{' ' + json.dumps(body) if body is not None else ''} -> {problem}; "
            f"got {resp.status} {text[:300]}")


@test
def every_route_has_a_row(ctx):
    problems = coverage_problems(route_table(ctx))
    assert not problems, "\n  " + "\n  ".join(problems)


@test
def permission_matrix(ctx):
    w = world(ctx)
    table = route_table(ctx)
    failures, count, kinds = [], 0, {}
    t0 = time.monotonic()
    for r in MATRIX:
        if (r.method, r.pattern) not in table:
            continue  # reported by every_route_has_a_row
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
        for who, state, want in principals(w, r):
            count += 1
            try:
                f = run_one(w, r, who, state, want)
            except Exception as e:  # a broken preparation is a failure of the row
                f = f"{r.method} {r.pattern} [{who.label}]: {type(e).__name__}: {e}"
            if f:
                failures.append(f)
    report = os.path.join(w["ctx"].root, "matrix89", "matrix.out")
    with open(report, "w") as fp:
        fp.write(f"{count} requests over {sum(kinds.values())} routes {kinds} "
                 f"in {time.monotonic() - t0:.1f}s\n")
        fp.write("\n".join(failures) + "\n")
    assert not failures, (f"{len(failures)} of {count} (route, principal) requests failed:\n  "
                          + "\n  ".join(failures))
