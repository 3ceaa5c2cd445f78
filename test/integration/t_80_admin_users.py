"""Admin users and roles (contract 8.1, 8.2, 3.3, 3.4, 12.3; contract-extra
5.1, 5.9): list with search and pagination, create (rules at their edges,
duplicates, roles, send_email), get by uuid and by external id, update (the
403 rules in the contract's order, suspension ending every session),
delete, two-factor removal; roles CRUD with the subset rule for callers
without the admin flag and for API keys; admin activity rows."""

import json
import os
import re

import fixtures
import stack
from harness import test, eq, expect_error, http_request, lighttpd_stack, reset_ratelimits
from t_71_apikeys import Account

DB = "panel_adm80"
U = "/api/admin/users"
R = "/api/admin/roles"
ADMIN_USER_FIELDS = ["uuid", "external_id", "username", "role", "avatar", "email", "name_first",
                     "name_last", "admin", "frozen", "suspended", "totp_enabled", "totp_last_used",
                     "require_two_factor", "language", "toast_position",
                     "start_on_grouped_servers", "has_password", "created"]
ROLE_FIELDS = ["uuid", "name", "description", "require_two_factor", "admin_permissions",
               "server_permissions", "created"]
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$")
MISSING = "00000000-0000-4000-8000-000000000000"
MORE = "permissions: more permissions than self"


def deny(perm):
    return f"you do not have permission to perform this action: {perm}"


# --------------------------------------------------------------------------
# helpers

def world(ctx):
    """The stack (rate limits out of the way), its sendmail capture and an
    administrator."""
    w = getattr(ctx, "_w80", None)
    if w is not None:
        reset_ratelimits(w["lt"].cfg)
        return w
    mails = os.path.join(ctx.root, "mails80.txt")
    lt = lighttpd_stack(ctx, "adm80", dbname=DB,
                        extra={"settings_cache_seconds": "0", "sendmail": f"cat >> {mails}"})
    for name in ("client", "auth_login"):
        ctx.db.sql("INSERT INTO settings (`key`, value) VALUES "
                   f"('ratelimits::{name}', '{{\"hits\":100000,\"window_seconds\":60}}')", db=DB)
    w = {"lt": lt, "mails": mails}
    w["root"] = Account(ctx, "adm80_root", admin=True, lt=lt, db=DB)
    ctx._w80 = w
    return w


def sql(ctx, text):
    return ctx.db.sql(text, db=DB).rstrip("\n")


def account(ctx, w, name, admin=False, perms=None, server=()):
    """A logged-in user; with perms, in a new role holding those admin
    permissions (and server permissions)."""
    a = Account(ctx, name, admin=admin, lt=w["lt"], db=DB)
    a.role = None
    if perms is not None:
        a.role = fixtures.role(ctx, DB, f"{name} role", admin_permissions=perms,
                               server_permissions=server)
        sql(ctx, f"UPDATE users SET role_uuid = '{a.role}' WHERE uuid = '{a.uuid}'")
    return a


def body(name, **kw):
    b = {"username": name, "email": f"{name}@example.com", "name_first": "First",
         "name_last": "Last", "admin": False, "language": "en"}
    b.update(kw)
    return b


def create(who, name, key=None, **kw):
    r = who.k(key, "POST", U, body(name, **kw)) if key else who.s("POST", U, body(name, **kw))
    eq(r.status, 200, f"create {name}: {r!r}")
    return r.json()["user"]


def role_body(name, admin=(), server=(), **kw):
    b = {"name": name, "require_two_factor": False, "admin_permissions": list(admin),
         "server_permissions": list(server)}
    b.update(kw)
    return b


def admin_rows(ctx, event):
    """[(user_uuid, api_key_uuid, data)] of admin_activities rows of event."""
    out = sql(ctx, "SELECT IFNULL(user_uuid, 'NULL'), IFNULL(api_key_uuid, 'NULL'), data FROM "
                   f"admin_activities WHERE event = '{event}' ORDER BY id")
    rows = []
    for line in out.splitlines():
        user, key, data = line.split("\t", 2)
        rows.append((None if user == "NULL" else user, None if key == "NULL" else key,
                     json.loads(data)))
    return rows


def check_activity(ctx, event, actor, data, key=None):
    """The newest row of event: actor, key and data (plus the user agent
    every entry carries)."""
    rows = admin_rows(ctx, event)
    assert rows, f"no {event} row"
    user, k, d = rows[-1]
    eq((user, k), (actor, key), f"{event}: actor and key")
    eq(set(d) - {"user_agent"}, set(data), f"{event}: data keys")
    for name, value in data.items():
        eq(d[name], value, f"{event}: data.{name}")


def login(w, user, password):
    return http_request(w["lt"].port, "POST", "/api/auth/login",
                        body={"user": user, "password": password})


def secret(ctx, s):
    ctx.secrets_to_hunt.append(s)
    return s


def user_by_name(ctx, name):
    return sql(ctx, f"SELECT uuid FROM users WHERE username = '{name}'")


# --------------------------------------------------------------------------
# users: list

@test
def users_list_search_order_pagination(ctx):
    w = world(ctx)
    root = w["root"]
    made = [create(root, f"u80l_{c}", email=f"{c}@LISTS80.example") for c in "abc"]
    r = root.s("GET", U + "?search=u80l_")
    eq(r.status, 200, repr(r))
    page = r.json()["users"]
    eq(list(page), ["total", "per_page", "page", "data"], "pagination envelope")
    eq((page["total"], page["per_page"], page["page"]), (3, 25, 1), "envelope values")
    eq([u["username"] for u in page["data"]], ["u80l_a", "u80l_b", "u80l_c"], "oldest first")
    eq(page["data"], made, "the listing shows the created objects")
    eq(list(page["data"][0]), ADMIN_USER_FIELDS, "AdminUser fields, in order")
    eq([u["username"] for u in root.s("GET", U + "?search=lists80").json()["users"]["data"]],
       ["u80l_a", "u80l_b", "u80l_c"], "search on the e-mail, case-insensitive")
    eq([u["username"] for u in root.s("GET", U + "?search=U80L_B").json()["users"]["data"]],
       ["u80l_b"], "search on the username, case-insensitive")
    p = root.s("GET", U + "?search=u80l&per_page=2&page=2").json()["users"]
    eq((p["total"], p["per_page"], p["page"], [u["username"] for u in p["data"]]),
       (3, 2, 2, ["u80l_c"]), "second page")
    p = root.s("GET", U + "?search=u80l&per_page=2&page=3").json()["users"]
    eq((p["total"], p["data"]), (0, []), "past the end")
    p = root.s("GET", U + "?search=").json()["users"]
    assert p["total"] >= 4, "an empty search is no search"
    eq(root.s("GET", U + "?per_page=0&page=0").json(),
       {"errors": ["page: lower than 1", "per_page: lower than 1"]}, "pagination rules")
    expect_error(root.s("GET", U + "?per_page=101"), 400, "per_page: greater than 100")
    expect_error(root.s("GET", U + "?search=" + "x" * 129), 400,
                 "search: length is greater than 128")
    eq(root.s("GET", U + "?search=" + "x" * 128).status, 200, "search of 128 characters")
    # permission: pagination first, then users.read
    other = account(ctx, w, "u80l_norights", perms=["roles.read"])
    expect_error(other.s("GET", U + "?per_page=0"), 400, "per_page: lower than 1")
    expect_error(other.s("GET", U), 403, deny("users.read"))
    reader = account(ctx, w, "u80l_reader", perms=["users.read"])
    eq(reader.s("GET", U + "?search=u80l_a").json()["users"]["data"][0]["uuid"], made[0]["uuid"],
       "a role with users.read lists")
    plain = account(ctx, w, "u80l_plain")
    expect_error(plain.s("GET", U), 401, "unauthorized")


# --------------------------------------------------------------------------
# users: create

@test
def users_create_answer_password_and_activity(ctx):
    w = world(ctx)
    root = w["root"]
    role = fixtures.role(ctx, DB, "u80c role", admin_permissions=["users.read"],
                         server_permissions=["control.start"], require_two_factor=True)
    pw = secret(ctx, "created-by-admin-1")
    r = root.s("POST", U, body("u80c_full", role_uuid=role.upper(), external_id="ext-80c",
                               password=pw, frozen=True, suspended=False,
                               name_first="Ünïcode", name_last="Łast"))
    eq(r.status, 200, repr(r))
    eq(list(r.json()), ["user"], "answer key")
    u = r.json()["user"]
    eq(list(u), ADMIN_USER_FIELDS, "AdminUser fields, in order")
    assert UUID_RE.match(u["uuid"]), u["uuid"]
    assert TS_RE.match(u["created"]), u["created"]
    eq((u["external_id"], u["username"], u["email"], u["name_first"], u["name_last"]),
       ("ext-80c", "u80c_full", "u80c_full@example.com", "Ünïcode", "Łast"), "fields")
    eq((u["admin"], u["frozen"], u["suspended"], u["totp_enabled"], u["totp_last_used"]),
       (False, True, False, False, None), "flags")
    eq((u["language"], u["toast_position"], u["start_on_grouped_servers"], u["has_password"],
        u["avatar"]), ("en", "bottom_right", False, True, None), "defaults")
    eq(u["require_two_factor"], True, "the role requires two-factor")
    eq(list(u["role"]), ROLE_FIELDS, "the role object")
    eq((u["role"]["uuid"], u["role"]["admin_permissions"], u["role"]["server_permissions"]),
       (role, ["users.read"], ["control.start"]), "role fields")
    stored = sql(ctx, f"SELECT password FROM users WHERE uuid = '{u['uuid']}'")
    assert stored.startswith("$argon2id$"), "Argon2id"
    assert pw not in stored, "not the plain text"
    eq(login(w, "u80c_full", pw).status, 200, "the password logs in")
    check_activity(ctx, "user:create", root.uuid,
                   {"uuid": u["uuid"], "role_uuid": role, "username": "u80c_full",
                    "email": "u80c_full@example.com", "name_first": "Ünïcode",
                    "name_last": "Łast", "admin": False, "language": "en"})
    # without a password, as an administrator
    u = create(root, "u80c_nopw", admin=True, password=None, role_uuid=None)
    eq((u["has_password"], u["admin"], u["role"], u["external_id"]), (False, True, None, None),
       "no password, admin")
    eq(sql(ctx, f"SELECT password IS NULL FROM users WHERE uuid = '{u['uuid']}'"), "1", "NULL")
    expect_error(login(w, "u80c_nopw", "anything-at-all"), 400, "invalid username or password")
    # an API key of the administrator, with and without users.create
    _, with_key = root.create("u80c-create", admin=["users.create", "users.read"])
    _, without = root.create("u80c-nocreate", admin=["users.read"])
    expect_error(root.k(without, "POST", U, body("u80c_key")), 403, deny("users.create"))
    u = create(root, "u80c_key", key=with_key)
    key_uuid = sql(ctx, "SELECT uuid FROM user_api_keys WHERE name = 'u80c-create'")
    check_activity(ctx, "user:create", root.uuid,
                   {"uuid": u["uuid"], "role_uuid": None, "username": "u80c_key",
                    "email": "u80c_key@example.com", "name_first": "First",
                    "name_last": "Last", "admin": False, "language": "en"}, key=key_uuid)


@test
def users_create_rules_at_their_edges(ctx):
    w = world(ctx)
    root = w["root"]

    def bad(b, *errors):
        r = root.s("POST", U, b)
        eq((r.status, r.json()), (400, {"errors": list(errors)}), f"{b}")

    def good(name, **kw):
        return create(root, name, **kw)

    good("u83")  # 3 characters
    good("u80r_fifteen_ch")  # 15
    bad(body("u8"), "username: length is lower than 3")
    bad(body("u80r_sixteen_cha"), "username: length is greater than 15")
    bad(body("u80r-dash"), "username: does not match pattern /^[a-zA-Z0-9_]+$/")
    bad(body("u80r_mail", email="nope"), "email: not a valid email: value is missing `@`")
    good("u80r_n1", name_first="A", name_last="B")
    good("u80r_n255", name_first="é" * 255, name_last="Ж" * 255)
    bad(body("u80r_n0", name_first=""), "name_first: length is lower than 1")
    bad(body("u80r_n256", name_last="é" * 256), "name_last: length is greater than 255")
    u = good("u80r_p1", password=secret(ctx, "p"))
    eq(u["has_password"], True, "a one-character password (create allows it)")
    good("u80r_p512", password=secret(ctx, "P" * 512))
    eq(login(w, "u80r_p512", "P" * 512).status, 200, "a 512-character password logs in")
    bad(body("u80r_p0", password=""), "password: length is lower than 1")
    bad(body("u80r_p513", password="P" * 513), "password: length is greater than 512")
    good("u80r_e255", external_id="e" * 255)
    good("u80r_e0", external_id="")
    bad(body("u80r_e256", external_id="é" * 128), "external_id: length is greater than 255")
    bad(body("u80r_l", language="x"), "language: length is lower than 2")
    bad(body("u80r_l16", language="x" * 16), "language: length is greater than 15")
    bad(body("u80r_lxx", language="xx"), "language: invalid language: xx")
    # every failure, in field order
    bad(body("a!", email="bad", name_first="", password="", external_id="é" * 200,
             language="q"),
        "external_id: length is greater than 255", "username: length is lower than 3",
        "email: not a valid email: value is missing `@`", "name_first: length is lower than 1",
        "password: length is lower than 1", "language: length is lower than 2")
    # payload errors
    b = body("u80r_miss")
    del b["admin"]
    expect_error(root.s("POST", U, b), 400, "invalid payload: missing field `admin`")
    expect_error(root.s("POST", U, body("u80r_t", admin="yes")), 400,
                 "invalid payload: invalid type for `admin`, expected a boolean")
    expect_error(root.s("POST", U, body("u80r_ru", role_uuid="not-a-uuid")), 400,
                 "invalid payload: invalid type for `role_uuid`, expected a UUID")
    # role existence after the rules, duplicates after the role
    expect_error(root.s("POST", U, body("u80r_role", role_uuid=MISSING)), 400,
                 "invalid relation `role` provided")
    bad(body("u8", role_uuid=MISSING), "username: length is lower than 3")
    expect_error(root.s("POST", U, body("u83", role_uuid=MISSING)), 400,
                 "invalid relation `role` provided")
    eq(sql(ctx, "SELECT COUNT(*) FROM users WHERE username LIKE 'u80r\\_role%'"), "0",
       "nothing made")


@test
def users_create_duplicates(ctx):
    w = world(ctx)
    root = w["root"]
    create(root, "u80d_first", email="First.Dup@Example.com", external_id="ext-dup")
    dup = "user with email/username already exists"
    expect_error(root.s("POST", U, body("U80D_FIRST", email="other80d@example.com")), 409, dup)
    expect_error(root.s("POST", U, body("u80d_second", email="first.dup@example.COM")), 409, dup)
    expect_error(root.s("POST", U, body("u80d_third", external_id="ext-dup")), 409, dup)
    u = create(root, "u80d_case", external_id="EXT-DUP")
    eq(u["external_id"], "EXT-DUP", "external ids compare case-sensitively")
    eq(sql(ctx, "SELECT COUNT(*) FROM users WHERE username IN ('u80d_second', 'u80d_third')"),
       "0", "nothing made")


@test
def users_create_by_a_role_without_the_admin_flag(ctx):
    w = world(ctx)
    staff = account(ctx, w, "u80s_staff", perms=["users.create", "users.read"])
    role = fixtures.role(ctx, DB, "u80s target role")
    expect_error(staff.s("POST", U, body("u80s_adm", admin=True)), 403,
                 "you cannot grant admin status")
    expect_error(staff.s("POST", U, body("u80s_rol", role_uuid=role)), 403,
                 "you cannot assign roles")
    expect_error(staff.s("POST", U, body("u80s_both", admin=True, role_uuid=role)), 403,
                 "you cannot grant admin status")
    expect_error(staff.s("POST", U, body("x!", admin=True)), 403,
                 "you cannot grant admin status")  # before the rules
    expect_error(staff.s("POST", U, body("x!", role_uuid=MISSING)), 403,
                 "you cannot assign roles")  # before the role's existence
    u = create(staff, "u80s_plain", admin=False, role_uuid=None)
    eq((u["admin"], u["role"]), (False, None), "a plain user")
    check_activity(ctx, "user:create", staff.uuid,
                   {"uuid": u["uuid"], "role_uuid": None, "username": "u80s_plain",
                    "email": "u80s_plain@example.com", "name_first": "First",
                    "name_last": "Last", "admin": False, "language": "en"})
    reader = account(ctx, w, "u80s_reader", perms=["users.read"])
    expect_error(reader.s("POST", U, body("u80s_x", admin=True)), 403, deny("users.create"))
    expect_error(reader.s("POST", U, body("u80s_x", role_uuid="bad")), 400,
                 "invalid payload: invalid type for `role_uuid`, expected a UUID")


@test
def users_create_send_email(ctx):
    w = world(ctx)
    root = w["root"]

    def mails():
        try:
            with open(w["mails"]) as f:
                return f.read()
        except FileNotFoundError:
            return ""
    before = mails()
    u = create(root, "u80m_mail", email="u80m.mail@example.com", send_email=True)
    assert stack.wait_until(lambda: "u80m.mail@example.com" in mails()[len(before):], 10), \
        "the mail reached the sendmail command"
    mail = mails()[len(before):]
    assert mail.startswith("To: u80m.mail@example.com\nSubject: Your account was created\n"), \
        mail[:200]
    assert "u80m_mail" in mail, "the username is in the mail"
    token = re.search(r"/auth/reset-password\?token=([A-Za-z0-9]{96})", mail).group(1)
    secret(ctx, token)
    eq(u["has_password"], False, "no password yet")
    events = sql(ctx, "SELECT event FROM user_activities WHERE user_uuid = "
                      f"'{u['uuid']}'").split()
    eq(events, ["email:account-created"], "the new user's activity")
    pw = secret(ctx, "chosen-from-mail-1")
    r = http_request(w["lt"].port, "POST", "/api/auth/password/reset",
                     body={"token": token, "new_password": pw})
    eq((r.status, r.json()), (200, {}), "the link sets the password")
    eq(login(w, "u80m_mail", pw).status, 200, "and it logs in")
    create(root, "u80m_quiet", email="u80m.quiet@example.com", send_email=False)
    create(root, "u80m_quiet2", email="u80m.quiet2@example.com")
    import time
    time.sleep(0.5)
    assert "u80m.quiet" not in mails(), "no mail without send_email"


# --------------------------------------------------------------------------
# users: the {user} sub-gate, get, external id

@test
def users_get_and_subgate_order(ctx):
    w = world(ctx)
    root = w["root"]
    u = create(root, "u80g_one", external_id="ext-80g")
    r = root.s("GET", f"{U}/{u['uuid']}")
    eq((r.status, r.json()), (200, {"user": u}), "get")
    eq(root.s("GET", f"{U}/{u['uuid'].upper()}").json()["user"]["uuid"], u["uuid"], "upper case")
    expect_error(root.s("GET", f"{U}/not-a-uuid"), 400, "invalid user uuid")
    expect_error(root.s("GET", f"{U}/{MISSING}"), 404, "user not found")
    expect_error(root.s("GET", f"{U}/{u['uuid']}x"), 400, "invalid user uuid")
    other = account(ctx, w, "u80g_other", perms=["users.update", "users.delete",
                                                 "users.disable-two-factor"])
    # users.read comes first, before the identifier
    for method, path in (("GET", "not-a-uuid"), ("GET", MISSING), ("PATCH", "not-a-uuid"),
                         ("DELETE", MISSING), ("DELETE", "bad/two-factor")):
        expect_error(other.s(method, f"{U}/{path}", {} if method == "PATCH" else None), 403,
                     deny("users.read"))
    reader = account(ctx, w, "u80g_reader", perms=["users.read"])
    eq(reader.s("GET", f"{U}/{u['uuid']}").json()["user"]["username"], "u80g_one", "reader")
    expect_error(reader.s("DELETE", f"{U}/not-a-uuid"), 400, "invalid user uuid")
    expect_error(reader.s("DELETE", f"{U}/{MISSING}/two-factor"), 404, "user not found")
    expect_error(reader.s("DELETE", f"{U}/{u['uuid']}"), 403, deny("users.delete"))
    expect_error(reader.s("PATCH", f"{U}/{u['uuid']}", {}), 403, deny("users.update"))
    expect_error(reader.s("DELETE", f"{U}/{u['uuid']}/two-factor"), 403,
                 deny("users.disable-two-factor"))
    _, key_without = root.create("u80g-nokey", admin=["users.update"])
    expect_error(root.k(key_without, "GET", f"{U}/{u['uuid']}"), 403, deny("users.read"))
    _, key_with = root.create("u80g-key", admin=["users.read"])
    eq(root.k(key_with, "GET", f"{U}/{u['uuid']}").json(), {"user": u}, "key with users.read")


@test
def users_external_id_lookup(ctx):
    w = world(ctx)
    root = w["root"]
    a = create(root, "u80x_a", external_id="billing/42 x+y")
    b = create(root, "u80x_b", external_id="Ext-B")
    r = root.s("GET", f"{U}/external/billing%2F42%20x+y")
    eq((r.status, r.json()), (200, {"user": a}), "percent-encoded external id ('+' is a plus)")
    eq(root.s("GET", f"{U}/external/Ext-B").json(), {"user": b}, "plain")
    expect_error(root.s("GET", f"{U}/external/ext-b"), 404, "user not found")
    expect_error(root.s("GET", f"{U}/external/nobody"), 404, "user not found")
    expect_error(root.s("GET", f"{U}/external/bad%zz"), 404, "user not found")
    other = account(ctx, w, "u80x_other", perms=["users.update"])
    expect_error(other.s("GET", f"{U}/external/Ext-B"), 403, deny("users.read"))
    expect_error(other.s("GET", f"{U}/external/nobody"), 403, deny("users.read"))
    for method in ("PATCH", "DELETE"):
        r = root.s(method, f"{U}/external/Ext-B")
        eq(r.status, 405, f"{method} on the external path")
    _, key = root.create("u80x-key", admin=["users.read"])
    eq(root.k(key, "GET", f"{U}/external/Ext-B").json(), {"user": b}, "by key")


# --------------------------------------------------------------------------
# users: update

@test
def users_update_fields_rules_and_activity(ctx):
    w = world(ctx)
    root = w["root"]
    role = fixtures.role(ctx, DB, "u80p role", admin_permissions=["users.read"])
    u = create(root, "u80p_one", external_id="ext-80p", password=secret(ctx, "original-80p"))
    path = f"{U}/{u['uuid']}"
    r = root.s("PATCH", path, {"username": "u80p_renamed", "email": "renamed80p@example.com",
                               "name_first": "N", "name_last": "M", "role_uuid": role,
                               "toast_position": "top_left", "start_on_grouped_servers": True,
                               "frozen": True, "language": "en", "password": None})
    eq((r.status, r.json()), (200, {}), "update")
    g = root.s("GET", path).json()["user"]
    eq((g["username"], g["email"], g["name_first"], g["name_last"], g["role"]["uuid"],
        g["toast_position"], g["start_on_grouped_servers"], g["frozen"], g["external_id"],
        g["has_password"]),
       ("u80p_renamed", "renamed80p@example.com", "N", "M", role, "top_left", True, True,
        "ext-80p", True), "fields after the update")
    eq(login(w, "u80p_renamed", "original-80p").status, 200, "password null: unchanged")
    check_activity(ctx, "user:update", root.uuid,
                   {"uuid": u["uuid"], "role_uuid": role, "username": "u80p_renamed",
                    "email": "renamed80p@example.com", "name_first": "N", "name_last": "M",
                    "admin": False, "language": "en"})
    eq(root.s("PATCH", path, {"role_uuid": None, "external_id": None}).json(), {}, "clear")
    g = root.s("GET", path).json()["user"]
    eq((g["role"], g["external_id"], g["username"]), (None, None, "u80p_renamed"), "cleared")
    eq(root.s("PATCH", path, {}).json(), {}, "an empty update")

    def bad(b, *errors):
        r = root.s("PATCH", path, b)
        eq((r.status, r.json()), (400, {"errors": list(errors)}), f"{b}")
    bad({"password": "s" * 7}, "password: length is lower than 8")
    bad({"password": "s" * 513}, "password: length is greater than 512")
    bad({"external_id": ""}, "external_id: length is lower than 1")
    bad({"external_id": "é" * 256}, "external_id: length is greater than 255")
    bad({"username": "ab", "email": "x", "name_first": "", "name_last": "é" * 256,
         "language": "q"},
        "username: length is lower than 3", "email: not a valid email: value is missing `@`",
        "name_first: length is lower than 1", "name_last: length is greater than 255",
        "language: length is lower than 2")
    bad({"language": "fr"}, "language: invalid language: fr")
    expect_error(root.s("PATCH", path, {"toast_position": "middle"}), 400,
                 "invalid payload: unknown variant `middle`, expected one of `top_left`, "
                 "`top_center`, `top_right`, `bottom_left`, `bottom_center`, `bottom_right`")
    expect_error(root.s("PATCH", path, {"role_uuid": "nope"}), 400,
                 "invalid payload: invalid type for `role_uuid`, expected a UUID")
    expect_error(root.s("PATCH", path, {"role_uuid": MISSING}), 400,
                 "invalid relation `role` provided")
    bad({"role_uuid": MISSING, "username": "a"}, "username: length is lower than 3")
    eq(root.s("PATCH", path, {"external_id": "é" * 255, "name_first": "é" * 255}).json(), {},
       "255 characters")
    pw = secret(ctx, "S" * 512)
    eq(root.s("PATCH", path, {"password": pw}).json(), {}, "512-character password")
    eq(login(w, "u80p_renamed", pw).status, 200, "the new password logs in")
    pw = secret(ctx, "eight-80")
    eq(root.s("PATCH", path, {"password": pw}).json(), {}, "8-character password")
    stored = sql(ctx, f"SELECT password FROM users WHERE uuid = '{u['uuid']}'")
    assert stored.startswith("$argon2id$") and pw not in stored, "hashed"
    # duplicates: the update's own 409 text
    create(root, "u80p_two", email="two80p@example.com", external_id="ext-two")
    dup = "user with email/username/external_id already exists"
    expect_error(root.s("PATCH", path, {"username": "U80P_TWO"}), 409, dup)
    expect_error(root.s("PATCH", path, {"email": "TWO80P@example.com"}), 409, dup)
    expect_error(root.s("PATCH", path, {"external_id": "ext-two"}), 409, dup)
    expect_error(root.s("PATCH", path, {"external_id": "ext-two", "role_uuid": MISSING}), 400,
                 "invalid relation `role` provided")
    eq(root.s("GET", path).json()["user"]["username"], "u80p_renamed", "nothing changed")


@test
def users_update_password_ends_other_sessions(ctx):
    w = world(ctx)
    root = w["root"]
    t = account(ctx, w, "u80q_target")
    eq(t.s("GET", "/api/client/account").status, 200, "logged in")
    eq(root.s("PATCH", f"{U}/{t.uuid}", {"password": secret(ctx, "new-pass-80q")}).json(), {},
       "password set by an administrator")
    expect_error(t.s("GET", "/api/client/account"), 401, "invalid session")
    # one's own password: the current session stays
    me = account(ctx, w, "u80q_self", admin=True)
    eq(me.s("PATCH", f"{U}/{me.uuid}", {"password": secret(ctx, "self-pass-80q")}).json(), {},
       "own password")
    eq(me.s("GET", "/api/client/account").status, 200, "the current session stays")


@test
def users_update_rules_for_callers_without_the_admin_flag(ctx):
    w = world(ctx)
    root = w["root"]
    staff = account(ctx, w, "u80u_staff", perms=["users.read", "users.update"])
    other_role = fixtures.role(ctx, DB, "u80u other", admin_permissions=["users.read"])
    plain = create(root, "u80u_plain")
    admin = create(root, "u80u_admin", admin=True)
    big_role = fixtures.role(ctx, DB, "u80u big", admin_permissions=["users.read", "nodes.read"])
    big = create(root, "u80u_big", role_uuid=big_role)
    same_role = create(root, "u80u_same", role_uuid=staff.role)
    p = f"{U}/{plain['uuid']}"
    expect_error(staff.s("PATCH", p, {"admin": True}), 403, "you cannot change admin status")
    eq(staff.s("PATCH", p, {"admin": False}).json(), {}, "the same admin value is no change")
    expect_error(staff.s("PATCH", p, {"role_uuid": other_role}), 403,
                 "you cannot change a user's role")
    eq(staff.s("PATCH", p, {"role_uuid": None}).json(), {}, "no role stays no role")
    eq(staff.s("PATCH", f"{U}/{same_role['uuid']}", {"role_uuid": staff.role}).json(), {},
       "the same role is no change")
    expect_error(staff.s("PATCH", p, {"password": "another-pw-1"}), 403,
                 "you cannot change another user's password")
    expect_error(staff.s("PATCH", p, {"email": "changed80u@example.com"}), 403,
                 "you cannot change another user's email")
    eq(staff.s("PATCH", p, {"email": "u80u_plain@example.com", "name_first": "Ok"}).json(), {},
       "the same e-mail is no change")
    expect_error(staff.s("PATCH", f"{U}/{admin['uuid']}", {"name_first": "X"}), 403,
                 "you cannot modify an administrator")
    expect_error(staff.s("PATCH", f"{U}/{big['uuid']}", {"name_first": "X"}), 403, MORE)
    eq(staff.s("PATCH", f"{U}/{same_role['uuid']}", {"frozen": True}).json(), {},
       "a user of the same role")
    eq(staff.s("PATCH", f"{U}/{staff.uuid}",
               {"password": secret(ctx, "own-pass-80u"), "email": "own80u@example.com"}).json(),
       {}, "one's own password and e-mail")
    # the contract's order where two apply
    expect_error(staff.s("PATCH", f"{U}/{admin['uuid']}",
                         {"admin": True, "role_uuid": other_role}), 403,
                 "you cannot change a user's role")
    expect_error(staff.s("PATCH", p, {"admin": True, "role_uuid": other_role}), 403,
                 "you cannot change admin status")
    expect_error(staff.s("PATCH", f"{U}/{admin['uuid']}", {"password": "x"}), 403,
                 "you cannot modify an administrator")
    expect_error(staff.s("PATCH", p, {"password": "x", "email": "x"}), 403,
                 "you cannot change another user's password")
    expect_error(staff.s("PATCH", p, {"email": "x", "username": "!"}), 403,
                 "you cannot change another user's email")  # before the rules
    expect_error(staff.s("PATCH", p, {"admin": True, "toast_position": "nowhere"}), 400,
                 "invalid payload: unknown variant `nowhere`, expected one of `top_left`, "
                 "`top_center`, `top_right`, `bottom_left`, `bottom_center`, `bottom_right`")
    check_activity(ctx, "user:update", staff.uuid,
                   {"uuid": staff.uuid, "role_uuid": staff.role, "username": "u80u_staff",
                    "email": "own80u@example.com", "name_first": "Panel",
                    "name_last": "Administrator", "admin": False, "language": "en"})


@test
def users_suspension_ends_every_session(ctx):
    w = world(ctx)
    root = w["root"]
    t = account(ctx, w, "u80z_target")
    _, key = t.create("u80z-key", user=["account.infos"])
    second = Account.__new__(Account)
    second.__dict__.update(t.__dict__)
    r = login(w, "u80z_target", t.password)
    second.cookie = r.headers["set-cookie"].split(";")[0]
    secret(ctx, second.cookie.split("=", 1)[1])
    eq(int(sql(ctx, f"SELECT COUNT(*) FROM user_sessions WHERE user_uuid = '{t.uuid}'")), 2,
       "two sessions")
    eq(root.s("PATCH", f"{U}/{t.uuid}", {"suspended": True}).json(), {}, "suspend")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_sessions WHERE user_uuid = '{t.uuid}'"), "0",
       "no session left")
    for who in (t, second):
        expect_error(who.s("GET", "/api/client/account"), 401, "invalid session")
    expect_error(t.k(key, "GET", "/api/client/permissions"), 403, "account is suspended")
    eq(root.s("GET", f"{U}/{t.uuid}").json()["user"]["suspended"], True, "suspended")
    r = login(w, "u80z_target", t.password)
    eq(r.status, 200, "login still works (contract 2.6)")
    cookie = {"Cookie": r.headers["set-cookie"].split(";")[0]}
    secret(ctx, cookie["Cookie"].split("=", 1)[1])
    expect_error(http_request(w["lt"].port, "GET", "/api/client/permissions", headers=cookie),
                 403, "account is suspended")
    eq(root.s("PATCH", f"{U}/{t.uuid}", {"suspended": False}).json(), {}, "lift")
    eq(http_request(w["lt"].port, "GET", "/api/client/permissions", headers=cookie).status, 200,
       "the new session works again")
    eq(root.s("PATCH", f"{U}/{t.uuid}", {"name_first": "Kept"}).json(), {}, "other change")
    eq(http_request(w["lt"].port, "GET", "/api/client/account", headers=cookie).status, 200,
       "an update without suspension ends no session")


# --------------------------------------------------------------------------
# users: delete, two-factor

@test
def users_delete(ctx):
    w = world(ctx)
    root = w["root"]
    owner = create(root, "u80del_owner")
    loc = fixtures.location(ctx, DB, name="u80 location")
    node = fixtures.node(ctx, DB, loc, name="u80 node")
    egg = fixtures.nest_egg(ctx, DB, nest_name="u80 nest")
    fixtures.server(ctx, DB, owner["uuid"], node, egg, "u80 server")
    expect_error(root.s("DELETE", f"{U}/{owner['uuid']}"), 400, "user has servers, cannot delete")
    reader = account(ctx, w, "u80del_reader", perms=["users.read"])
    expect_error(reader.s("DELETE", f"{U}/{owner['uuid']}"), 403, deny("users.delete"))
    eq(root.s("GET", f"{U}/{owner['uuid']}").status, 200, "still there")
    t = account(ctx, w, "u80del_t")
    t.create("u80del-key")
    r = root.s("DELETE", f"{U}/{t.uuid}")
    eq((r.status, r.json()), (200, {}), "delete")
    expect_error(root.s("GET", f"{U}/{t.uuid}"), 404, "user not found")
    for table in ("user_sessions", "user_api_keys"):
        eq(sql(ctx, f"SELECT COUNT(*) FROM {table} WHERE user_uuid = '{t.uuid}'"), "0",
           f"{table} cascaded")
    expect_error(t.s("GET", "/api/client/account"), 401, "invalid session")
    check_activity(ctx, "user:delete", root.uuid,
                   {"uuid": t.uuid, "username": "u80del_t", "email": "u80del_t@example.com"})
    expect_error(root.s("DELETE", f"{U}/{t.uuid}"), 404, "user not found")
    staff = account(ctx, w, "u80del_staff", perms=["users.read", "users.delete"])
    admin = create(root, "u80del_admin", admin=True)
    expect_error(staff.s("DELETE", f"{U}/{admin['uuid']}"), 403,
                 "you cannot modify an administrator")
    victim = create(root, "u80del_victim")
    eq(staff.s("DELETE", f"{U}/{victim['uuid']}").json(), {}, "a role with users.delete")
    check_activity(ctx, "user:delete", staff.uuid,
                   {"uuid": victim["uuid"], "username": "u80del_victim",
                    "email": "u80del_victim@example.com"})
    # an administrator deleting itself: the entry stays, its actor gone
    me = account(ctx, w, "u80del_me", admin=True)
    eq(me.s("DELETE", f"{U}/{me.uuid}").json(), {}, "self-deletion")
    _, _, d = admin_rows(ctx, "user:delete")[-1]
    eq((admin_rows(ctx, "user:delete")[-1][0], d["uuid"]), (None, me.uuid),
       "recorded, the actor's column NULL")


@test
def users_disable_two_factor(ctx):
    w = world(ctx)
    root = w["root"]
    t = create(root, "u80tf_t")
    sql(ctx, f"UPDATE users SET totp_enabled = 1, totp_secret = X'00112233', totp_last_used = "
             f"UTC_TIMESTAMP() WHERE uuid = '{t['uuid']}'")
    sql(ctx, "INSERT INTO user_recovery_codes (user_uuid, code_hash) VALUES "
             f"('{t['uuid']}', UNHEX(SHA2('a', 256)))")
    path = f"{U}/{t['uuid']}/two-factor"
    staff = account(ctx, w, "u80tf_staff", perms=["users.read"])
    expect_error(staff.s("DELETE", path), 403, deny("users.disable-two-factor"))
    eq(root.s("DELETE", path).json(), {}, "disabled")
    eq(sql(ctx, "SELECT totp_enabled, totp_secret IS NULL, totp_last_used IS NULL FROM users "
                f"WHERE uuid = '{t['uuid']}'"), "0\t1\t1", "secret gone")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_recovery_codes WHERE user_uuid = '{t['uuid']}'"), "0",
       "recovery codes gone")
    check_activity(ctx, "user:two-factor.disable", root.uuid, {"uuid": t["uuid"]})
    expect_error(root.s("DELETE", path), 409, "two-factor authentication is not enabled")
    expect_error(staff.s("DELETE", path), 403, deny("users.disable-two-factor"))  # before 409
    expect_error(root.s("DELETE", f"{U}/bad/two-factor"), 400, "invalid user uuid")
    expect_error(root.s("DELETE", f"{U}/{MISSING}/two-factor"), 404, "user not found")
    admin = create(root, "u80tf_admin", admin=True)
    sql(ctx, f"UPDATE users SET totp_enabled = 1 WHERE uuid = '{admin['uuid']}'")
    helper = account(ctx, w, "u80tf_help", perms=["users.read", "users.disable-two-factor"])
    expect_error(helper.s("DELETE", f"{U}/{admin['uuid']}/two-factor"), 403,
                 "you cannot modify an administrator")
    expect_error(helper.s("DELETE", path), 409, "two-factor authentication is not enabled")


# --------------------------------------------------------------------------
# users: API keys

@test
def users_by_api_key(ctx):
    w = world(ctx)
    root = w["root"]
    role = fixtures.role(ctx, DB, "u80k role", admin_permissions=["users.read"])
    big = fixtures.role(ctx, DB, "u80k big", admin_permissions=["users.read", "nodes.read"])
    _, key = root.create("u80k-key", admin=["users.create", "users.read", "users.update",
                                            "users.delete"])
    key_uuid = sql(ctx, "SELECT uuid FROM user_api_keys WHERE name = 'u80k-key'")
    expect_error(root.k(key, "POST", U, body("u80k_adm", admin=True)), 403,
                 "you cannot grant admin status")
    expect_error(root.k(key, "POST", U, body("u80k_big", role_uuid=big)), 403, MORE)
    u = create(root, "u80k_role", key=key, role_uuid=role)
    eq(u["role"]["uuid"], role, "a role within the key's permissions")
    path = f"{U}/{u['uuid']}"
    pw = secret(ctx, "billing-set-80k")
    eq(root.k(key, "PATCH", path, {"password": pw, "email": "u80k.new@example.com"}).json(), {},
       "another user's password and e-mail by an administrator's key")
    eq(login(w, "u80k_role", pw).status, 200, "set")
    check_activity(ctx, "user:update", root.uuid,
                   {"uuid": u["uuid"], "role_uuid": role, "username": "u80k_role",
                    "email": "u80k.new@example.com", "name_first": "First", "name_last": "Last",
                    "admin": False, "language": "en"}, key=key_uuid)
    expect_error(root.k(key, "PATCH", path, {"role_uuid": big}), 403, MORE)
    expect_error(root.k(key, "PATCH", path, {"admin": True}), 403,
                 "you cannot change admin status")
    admin = create(root, "u80k_admin", admin=True)
    expect_error(root.k(key, "PATCH", f"{U}/{admin['uuid']}", {"name_first": "X"}), 403,
                 "you cannot modify an administrator")
    expect_error(root.k(key, "DELETE", f"{U}/{admin['uuid']}"), 403,
                 "you cannot modify an administrator")
    holder = create(root, "u80k_holder", role_uuid=big)
    expect_error(root.k(key, "PATCH", f"{U}/{holder['uuid']}", {"password": "x" * 8}), 403, MORE)
    eq(root.k(key, "DELETE", path).json(), {}, "delete by key")
    check_activity(ctx, "user:delete", root.uuid,
                   {"uuid": u["uuid"], "username": "u80k_role", "email": "u80k.new@example.com"},
                   key=key_uuid)
    _, narrow = root.create("u80k-narrow", admin=["users.read"])
    eq(root.k(narrow, "GET", U + "?search=u80k_holder").json()["users"]["data"][0]["uuid"],
       holder["uuid"], "list by a key with users.read")
    _, nolist = root.create("u80k-nolist", admin=["users.update"])
    expect_error(root.k(nolist, "GET", U), 403, deny("users.read"))
    expect_error(root.k(nolist, "GET", U + "?page=0"), 400, "page: lower than 1")
    expect_error(root.k(narrow, "PATCH", f"{U}/{holder['uuid']}", {}), 403, deny("users.update"))
    expect_error(root.k(narrow, "DELETE", f"{U}/{holder['uuid']}"), 403, deny("users.delete"))
    # a role holder's key: the role's and the key's permissions both count
    staff = account(ctx, w, "u80k_staff", perms=["users.read", "users.create"])
    _, skey = staff.create("u80k-staff", admin=["users.read"])
    expect_error(staff.k(skey, "POST", U, body("u80k_s")), 403, deny("users.create"))
    _, skey2 = staff.create("u80k-staff2", admin=["users.read", "users.create"])
    eq(create(staff, "u80k_s", key=skey2)["admin"], False, "created by the role holder's key")


# --------------------------------------------------------------------------
# roles

@test
def roles_create_get_list(ctx):
    w = world(ctx)
    root = w["root"]
    r = root.s("POST", R, role_body("r80 Alpha", admin=["users.read", "roles.read"],
                                    server=["control.start"], description="first role",
                                    require_two_factor=True))
    eq(r.status, 200, repr(r))
    eq(list(r.json()), ["role"], "answer key")
    a = r.json()["role"]
    eq(list(a), ROLE_FIELDS, "Role fields, in order")
    assert UUID_RE.match(a["uuid"]) and TS_RE.match(a["created"]), a
    eq((a["name"], a["description"], a["require_two_factor"], a["admin_permissions"],
        a["server_permissions"]),
       ("r80 Alpha", "first role", True, ["users.read", "roles.read"], ["control.start"]),
       "fields")
    check_activity(ctx, "role:create", root.uuid,
                   {"uuid": a["uuid"], "name": "r80 Alpha", "description": "first role",
                    "require_two_factor": True, "admin_permissions": ["users.read", "roles.read"],
                    "server_permissions": ["control.start"]})
    b = root.s("POST", R, role_body("r80 beta")).json()["role"]
    eq(b["description"], None, "no description")
    c = root.s("POST", R, role_body("R80 Gamma", description=None)).json()["role"]
    eq(root.s("GET", f"{R}/{a['uuid']}").json(), {"role": a}, "get")
    eq(root.s("GET", f"{R}/{a['uuid'].upper()}").json(), {"role": a}, "get, upper case")
    page = root.s("GET", R + "?search=r80").json()["roles"]
    eq((page["total"], [x["name"] for x in page["data"]]), (3, ["r80 Alpha", "r80 beta",
                                                               "R80 Gamma"]),
       "search, case-insensitive, oldest first")
    eq(page["data"], [a, b, c], "the listing shows the same objects")
    p = root.s("GET", R + "?search=R80&per_page=1&page=2").json()["roles"]
    eq((p["total"], p["per_page"], p["page"], [x["name"] for x in p["data"]]),
       (3, 1, 2, ["r80 beta"]), "second page")
    eq(root.s("GET", R + "?search=r80&page=4&per_page=1").json()["roles"]["data"], [],
       "past the end")
    expect_error(root.s("GET", R + "?page=0"), 400, "page: lower than 1")
    # duplicates: case-sensitive names
    expect_error(root.s("POST", R, role_body("r80 Alpha")), 409, "role with name already exists")
    expect_error(root.s("POST", R, role_body("r80 Alpha", admin=["x.y"])), 400,
                 "admin_permissions: invalid permission: x.y")  # the rules before the 409
    eq(root.s("POST", R, role_body("R80 ALPHA")).status, 200, "another case is another name")
    # the {role} sub-gate: the identifier before the permission
    expect_error(root.s("GET", f"{R}/nope"), 400, "invalid role uuid")
    expect_error(root.s("GET", f"{R}/{MISSING}"), 404, "role not found")
    other = account(ctx, w, "r80_other", perms=["users.read"])
    expect_error(other.s("GET", f"{R}/nope"), 400, "invalid role uuid")
    expect_error(other.s("PATCH", f"{R}/nope", {}), 400, "invalid role uuid")
    expect_error(other.s("DELETE", f"{R}/nope"), 400, "invalid role uuid")
    expect_error(other.s("GET", f"{R}/{MISSING}"), 403, deny("roles.read"))
    expect_error(other.s("GET", R), 403, deny("roles.read"))
    expect_error(other.s("GET", R + "?per_page=500"), 400, "per_page: greater than 100")
    expect_error(other.s("POST", R, role_body("r80 x")), 403, deny("roles.create"))
    reader = account(ctx, w, "r80_reader", perms=["roles.read"])
    eq(reader.s("GET", f"{R}/{a['uuid']}").json(), {"role": a}, "a role with roles.read")
    expect_error(reader.s("PATCH", f"{R}/{a['uuid']}", {}), 403, deny("roles.update"))
    expect_error(reader.s("DELETE", f"{R}/{a['uuid']}"), 403, deny("roles.delete"))
    expect_error(reader.s("DELETE", f"{R}/{MISSING}"), 404, "role not found")
    expect_error(account(ctx, w, "r80_plain").s("GET", R), 401, "unauthorized")


@test
def roles_rules_at_their_edges(ctx):
    w = world(ctx)
    root = w["root"]

    def bad(b, *errors):
        r = root.s("POST", R, b)
        eq((r.status, r.json()), (400, {"errors": list(errors)}), f"{b}")
    eq(root.s("POST", R, role_body("x")).status, 200, "a one-character name")
    eq(root.s("POST", R, role_body("é" * 255)).status, 200, "255 characters")
    eq(root.s("POST", R, role_body("r80 d1", description="d")).status, 200, "description 1")
    eq(root.s("POST", R, role_body("r80 d1024", description="é" * 1024)).status, 200,
       "description 1024")
    bad(role_body(""), "name: length is lower than 1")
    bad(role_body("é" * 256), "name: length is greater than 255")
    bad(role_body("r80 d0", description=""), "description: length is lower than 1")
    bad(role_body("r80 d1025", description="d" * 1025), "description: length is greater than 1024")
    bad(role_body("", description="", admin=["users.read", "nope.read"], server=["files.nope"]),
        "name: length is lower than 1", "description: length is lower than 1",
        "admin_permissions: invalid permission: nope.read",
        "server_permissions: invalid permission: files.nope")
    bad(role_body("r80 srv", admin=["control.start"]),
        "admin_permissions: invalid permission: control.start")
    b = role_body("r80 miss")
    del b["require_two_factor"]
    expect_error(root.s("POST", R, b), 400, "invalid payload: missing field `require_two_factor`")
    b = role_body("r80 miss")
    del b["server_permissions"]
    expect_error(root.s("POST", R, b), 400, "invalid payload: missing field `server_permissions`")
    expect_error(root.s("POST", R, dict(role_body("r80 t"), admin_permissions="users.read")), 400,
                 "invalid payload: invalid type for `admin_permissions`, expected a sequence of "
                 "strings")
    eq(sql(ctx, "SELECT COUNT(*) FROM roles WHERE name LIKE 'r80 miss%' OR name = ''"), "0",
       "nothing made")


@test
def roles_update_and_delete(ctx):
    w = world(ctx)
    root = w["root"]
    a = root.s("POST", R, role_body("r80u one", admin=["users.read"], description="d")).json()
    a = a["role"]
    root.s("POST", R, role_body("r80u two"))
    path = f"{R}/{a['uuid']}"
    r = root.s("PATCH", path, {"name": "r80u renamed", "require_two_factor": True,
                               "server_permissions": ["files.read"]})
    eq((r.status, r.json()), (200, {}), "update")
    g = root.s("GET", path).json()["role"]
    eq((g["name"], g["description"], g["require_two_factor"], g["admin_permissions"],
        g["server_permissions"], g["created"]),
       ("r80u renamed", "d", True, ["users.read"], ["files.read"], a["created"]), "after")
    check_activity(ctx, "role:update", root.uuid,
                   {"uuid": a["uuid"], "name": "r80u renamed", "description": "d",
                    "require_two_factor": True, "admin_permissions": ["users.read"],
                    "server_permissions": ["files.read"]})
    eq(root.s("PATCH", path, {"description": None}).json(), {}, "clear the description")
    eq(root.s("GET", path).json()["role"]["description"], None, "cleared")
    eq(root.s("PATCH", path, {}).json(), {}, "empty update")
    expect_error(root.s("PATCH", path, {"name": "r80u two"}), 409,
                 "role with name already exists")
    expect_error(root.s("PATCH", path, {"name": ""}), 400, "name: length is lower than 1")
    expect_error(root.s("PATCH", path, {"description": "d" * 1025}), 400,
                 "description: length is greater than 1024")
    expect_error(root.s("PATCH", path, {"admin_permissions": ["x.y"]}), 400,
                 "admin_permissions: invalid permission: x.y")
    expect_error(root.s("PATCH", f"{R}/{MISSING}", {}), 404, "role not found")
    # delete: users of the role keep no role
    member = account(ctx, w, "r80u_member")
    sql(ctx, f"UPDATE users SET role_uuid = '{a['uuid']}' WHERE uuid = '{member.uuid}'")
    eq(root.s("DELETE", path).json(), {}, "delete")
    expect_error(root.s("GET", path), 404, "role not found")
    eq(sql(ctx, f"SELECT role_uuid IS NULL FROM users WHERE uuid = '{member.uuid}'"), "1",
       "the member has no role")
    eq(root.s("GET", f"{U}/{member.uuid}").json()["user"]["role"], None, "AdminUser.role null")
    check_activity(ctx, "role:delete", root.uuid, {"uuid": a["uuid"], "name": "r80u renamed"})
    expect_error(root.s("DELETE", path), 404, "role not found")


@test
def roles_subset_rule(ctx):
    w = world(ctx)
    root = w["root"]
    mine = ["roles.create", "roles.read", "roles.update", "roles.delete", "users.read"]
    staff = account(ctx, w, "r80s_staff", perms=mine, server=["control.start", "files.read"])
    r = staff.s("POST", R, role_body("r80s small", admin=["users.read"], server=["files.read"]))
    eq(r.status, 200, repr(r))
    small = r.json()["role"]
    check_activity(ctx, "role:create", staff.uuid,
                   {"uuid": small["uuid"], "name": "r80s small", "description": None,
                    "require_two_factor": False, "admin_permissions": ["users.read"],
                    "server_permissions": ["files.read"]})
    expect_error(staff.s("POST", R, role_body("r80s more", admin=["nodes.read"])), 403, MORE)
    expect_error(staff.s("POST", R, role_body("r80s srv", server=["control.stop"])), 403, MORE)
    expect_error(staff.s("POST", R, role_body("", admin=["nodes.read"])), 403, MORE)  # first
    expect_error(staff.s("POST", R, role_body("r80s bad", admin=["nope.x"])), 403, MORE)
    expect_error(staff.s("POST", R, role_body("")), 400, "name: length is lower than 1")
    big = root.s("POST", R, role_body("r80s big", admin=["users.read", "nodes.read"])).json()
    big = big["role"]
    expect_error(staff.s("PATCH", f"{R}/{big['uuid']}", {"name": "r80s renamed"}), 403, MORE)
    expect_error(staff.s("DELETE", f"{R}/{big['uuid']}"), 403, MORE)
    expect_error(staff.s("PATCH", f"{R}/{small['uuid']}", {"admin_permissions": ["nodes.read"]}),
                 403, MORE)
    expect_error(staff.s("PATCH", f"{R}/{small['uuid']}", {"name": "", "server_permissions":
                                                           ["control.stop"]}), 403, MORE)
    eq(staff.s("PATCH", f"{R}/{small['uuid']}", {"server_permissions": ["control.start"],
                                                 "name": "r80s small2"}).json(), {},
       "within one's own permissions")
    eq(staff.s("DELETE", f"{R}/{small['uuid']}").json(), {}, "delete a role one holds")
    check_activity(ctx, "role:delete", staff.uuid, {"uuid": small["uuid"], "name": "r80s small2"})
    eq(root.s("GET", f"{R}/{big['uuid']}").json()["role"]["name"], "r80s big", "big untouched")
    # one's own role: fewer permissions is fine, more is not
    expect_error(staff.s("PATCH", f"{R}/{staff.role}", {"admin_permissions": mine + ["nodes.read"]}),
                 403, MORE)
    # API keys: the key's lists narrow even an administrator
    _, key = root.create("r80s-key", admin=["roles.create", "roles.read", "roles.update",
                                            "roles.delete"], server=["control.start"])
    key_uuid = sql(ctx, "SELECT uuid FROM user_api_keys WHERE name = 'r80s-key'")
    expect_error(root.k(key, "POST", R, role_body("r80s k1", admin=["users.read"])), 403, MORE)
    expect_error(root.k(key, "POST", R, role_body("r80s k2", server=["files.read"])), 403, MORE)
    expect_error(root.k(key, "DELETE", f"{R}/{big['uuid']}"), 403, MORE)
    r = root.k(key, "POST", R, role_body("r80s k3", admin=["roles.read"], server=["control.start"]))
    eq(r.status, 200, repr(r))
    k3 = r.json()["role"]
    check_activity(ctx, "role:create", root.uuid,
                   {"uuid": k3["uuid"], "name": "r80s k3", "description": None,
                    "require_two_factor": False, "admin_permissions": ["roles.read"],
                    "server_permissions": ["control.start"]}, key=key_uuid)
    eq(root.k(key, "PATCH", f"{R}/{k3['uuid']}", {"name": "r80s k3b"}).json(), {}, "update")
    eq(root.k(key, "DELETE", f"{R}/{k3['uuid']}").json(), {}, "delete")
    _, nokey = root.create("r80s-nokey", admin=["roles.read"])
    expect_error(root.k(nokey, "POST", R, role_body("r80s k4")), 403, deny("roles.create"))
    eq(root.k(nokey, "GET", f"{R}/{big['uuid']}").json()["role"]["uuid"], big["uuid"], "read")
    eq(root.k(nokey, "GET", R + "?search=r80s%20big").json()["roles"]["total"], 1, "list by key")
    _, noread = root.create("r80s-noread", admin=["roles.create"])
    expect_error(root.k(noread, "GET", R), 403, deny("roles.read"))
    expect_error(root.k(noread, "GET", f"{R}/{big['uuid']}"), 403, deny("roles.read"))
    expect_error(root.k(noread, "GET", f"{R}/bad"), 400, "invalid role uuid")
    # the administrator on a session holds everything
    eq(root.s("PATCH", f"{R}/{big['uuid']}", {"admin_permissions": ["settings.update"]}).json(),
       {}, "administrator")
