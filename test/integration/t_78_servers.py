"""Client servers (contract 7.1, 7.2, 2.11, 3.11): the list (owner or
subuser, other=true for those who may see all, search, pagination), one
server by UUID or short id through the server gate, and the Server object's
fields computed for the caller."""

import fixtures
from harness import test, eq, expect_error, lighttpd_stack, reset_ratelimits
from t_71_apikeys import Account

DB = "panel_srv78"
LIST = "/api/client/servers"


def world(ctx):
    """Users a (owner), b (subuser of one of a's servers), c (admin flag),
    d (role with admin servers.read), e (admin flag and a role without it);
    four servers of a, one of c."""
    if getattr(ctx, "_w78", None) is not None:
        reset_ratelimits(ctx._w78["lt"].cfg)
        return ctx._w78
    lt = lighttpd_stack(ctx, "srv78", extra={"settings_cache_seconds": "0"}, dbname=DB)
    w = {"lt": lt}
    for name, admin in (("srv_a", False), ("srv_b", False), ("srv_c", True), ("srv_d", False),
                        ("srv_e", True)):
        w[name[-1]] = Account(ctx, name, admin=admin, lt=lt, db=DB)
    loc = fixtures.location(ctx, DB)
    n1 = fixtures.node(ctx, DB, loc, sftp_host="sftp.example.com")
    n2 = fixtures.node(ctx, DB, loc, name="node-2", url="https://wings2.example.com:8080",
                       public_url="https://public2.example.com", sftp_host=None)
    egg = fixtures.nest_egg(ctx, DB)
    a = w["a"].uuid
    w["s1"] = fixtures.server(ctx, DB, a, n1, egg, "Alpha", created="2026-01-01 00:00:01",
                              allocation=("203.0.113.5", 25565))
    w["s2"] = fixtures.server(ctx, DB, a, n2, egg, "Bravo", created="2026-01-01 00:00:02",
                              status="INSTALLING")
    w["s3"] = fixtures.server(ctx, DB, a, n1, egg, "Charlie", created="2026-01-01 00:00:03",
                              suspended=True)
    w["s4"] = fixtures.server(ctx, DB, a, n1, egg, "Delta", created="2026-01-01 00:00:04",
                              destination_node_uuid=n2)
    w["s5"] = fixtures.server(ctx, DB, w["c"].uuid, n1, egg, "Echo", created="2026-01-01 00:00:05")
    fixtures.subuser(ctx, DB, w["s2"], w["b"].uuid, ["control.start", "files.read"])
    r = fixtures.role(ctx, DB, "server-viewers", admin_permissions=["servers.read"])
    ctx.db.sql(f"UPDATE users SET role_uuid = '{r}' WHERE uuid = '{w['d'].uuid}'", db=DB)
    r = fixtures.role(ctx, DB, "no-servers", admin_permissions=["users.read"])
    ctx.db.sql(f"UPDATE users SET role_uuid = '{r}' WHERE uuid = '{w['e'].uuid}'", db=DB)
    ctx._w78 = w
    return w


def names(resp):
    eq(resp.status, 200, repr(resp))
    return [s["name"] for s in resp.json()["servers"]["data"]]


@test
def list_owner_subuser_and_other(ctx):
    w = world(ctx)
    a, b, c, d = w["a"], w["b"], w["c"], w["d"]
    eq(names(a.s("GET", LIST)), ["Alpha", "Bravo", "Charlie", "Delta"], "owner, by created")
    eq(names(b.s("GET", LIST)), ["Bravo"], "subuser")
    eq(names(c.s("GET", LIST)), ["Echo"], "admin: own servers by default")
    eq(names(c.s("GET", LIST + "?other=true")), ["Alpha", "Bravo", "Charlie", "Delta"],
       "admin, other=true: everyone else's")
    eq(names(d.s("GET", LIST + "?other=true")), ["Alpha", "Bravo", "Charlie", "Delta", "Echo"],
       "role with admin servers.read")
    eq(names(a.s("GET", LIST + "?other=true")), ["Alpha", "Bravo", "Charlie", "Delta"],
       "other=true without the admin permission: silently the own list")
    eq(names(a.s("GET", LIST + "?other=false")), ["Alpha", "Bravo", "Charlie", "Delta"], "false")
    expect_error(a.s("GET", LIST + "?other=yes"), 400,
                 "Failed to deserialize query string: other: provided string was not `true` or "
                 "`false`")
    eq(names(a.s("GET", LIST + "?search=RAV")), ["Bravo"], "search on the name")
    eq(names(c.s("GET", LIST + "?other=true&search=srv_a")),
       ["Alpha", "Bravo", "Charlie", "Delta"], "search on the owner's username")
    eq(names(c.s("GET", LIST + "?other=true&search=nobody")), [], "no match")
    r = a.s("GET", LIST + "?per_page=2&page=2").json()["servers"]
    eq((r["total"], r["per_page"], r["page"], [s["name"] for s in r["data"]]),
       (4, 2, 2, ["Charlie", "Delta"]), "pagination")
    r = a.s("GET", LIST + "?per_page=2&page=3").json()["servers"]
    eq((r["total"], r["data"]), (0, []), "past the end")
    eq(a.s("GET", LIST + "?per_page=101").json(), {"errors": ["per_page: greater than 100"]},
       "per_page limit")


@test
def list_by_api_key_needs_servers_read(ctx):
    w = world(ctx)
    a = w["a"]
    _, without = a.create("srv-no-read", user=["activity.read"])
    _, with_read = a.create("srv-read", user=["servers.read"])
    expect_error(a.k(without, "GET", LIST), 403,
                 "you do not have permission to perform this action: servers.read")
    eq(a.k(without, "GET", LIST + "?per_page=0").json(), {"errors": ["per_page: lower than 1"]},
       "pagination is checked before the permission")
    eq(names(a.k(with_read, "GET", LIST)), ["Alpha", "Bravo", "Charlie", "Delta"], "with it")
    _, admin_key = w["c"].create("srv-admin-no-scope", user=["servers.read"])
    eq(names(w["c"].k(admin_key, "GET", LIST + "?other=true")), ["Echo"],
       "a key without admin servers.read: other=true falls back to the own list")


@test
def server_object_fields(ctx):
    w = world(ctx)
    s = w["a"].s("GET", LIST).json()["servers"]["data"]
    alpha = s[0]
    eq(alpha["uuid"], w["s1"], "uuid")
    eq(alpha["uuid_short"], w["s1"][:8], "uuid_short: the first 8 hex digits")
    eq(list(alpha), ["uuid", "uuid_short", "allocation", "egg", "egg_configuration", "status",
                     "is_owner", "is_suspended", "is_transferring", "permissions",
                     "location_uuid", "location_name", "location_flag", "node_uuid",
                     "node_name", "node_maintenance_enabled", "sftp_host", "sftp_port", "name",
                     "description", "limits", "feature_limits", "startup", "image",
                     "auto_kill", "auto_start_behavior", "timezone", "created"], "field order")
    al = alpha["allocation"]
    eq((al["ip"], al["port"], al["is_primary"], al["ip_alias"], al["notes"]),
       ("203.0.113.5", 25565, True, None, None), "primary allocation")
    eq(alpha["egg"]["startup_commands"], {"Default": "java -jar server.jar"}, "egg commands")
    eq(alpha["egg"]["docker_images"], {"Java 21": "ghcr.io/pterodactyl/yolks:java_21"}, "images")
    eq(alpha["egg_configuration"], {"allocation_self_assign_enabled": False,
                                    "allocation_self_assign_require_primary": False,
                                    "startup_allow_custom_command": False, "route_order": None},
       "egg configuration")
    eq((alpha["is_owner"], alpha["permissions"], alpha["status"]), (True, ["*"], None), "owner")
    eq((alpha["location_name"], alpha["location_flag"], alpha["node_name"]),
       ("Frankfurt", "de", "node-1"), "location and node")
    eq((alpha["sftp_host"], alpha["sftp_port"]), ("sftp.example.com", 2022), "node sftp host")
    eq(s[1]["sftp_host"], "public2.example.com", "no sftp host: the public URL's host")
    eq(s[1]["status"], "installing", "status, snake case")
    eq((s[2]["is_suspended"], s[3]["is_transferring"]), (True, True), "suspended, transferring")
    eq(alpha["limits"], {"cpu": 100, "memory": 1024, "swap": 0, "disk": 10240}, "limits")
    eq(alpha["auto_kill"], {"enabled": False, "seconds": 30}, "auto kill default")
    eq(alpha["auto_start_behavior"], "unless_stopped", "auto start, snake case")
    eq(alpha["created"], "2026-01-01T00:00:01Z", "created")
    bravo = w["b"].s("GET", LIST).json()["servers"]["data"][0]
    eq((bravo["is_owner"], bravo["permissions"]), (False, ["control.start", "files.read"]),
       "subuser: its own permissions")
    echo = w["c"].s("GET", LIST).json()["servers"]["data"][0]
    eq(echo["permissions"], ["*"], "admin flag")


@test
def one_server_through_the_gate(ctx):
    w = world(ctx)
    a, b, c, d, e = w["a"], w["b"], w["c"], w["d"], w["e"]
    one = LIST + "/"
    r = a.s("GET", one + w["s1"])
    eq((r.status, r.json()["server"]["name"]), (200, "Alpha"), "by uuid")
    eq(a.s("GET", one + w["s1"].upper()).json()["server"]["uuid"], w["s1"], "uuid, upper case")
    eq(a.s("GET", one + w["s1"][:8]).json()["server"]["uuid"], w["s1"], "by short id")
    eq(a.s("GET", one + w["s2"]).json()["server"]["status"], "installing",
       "this route is exempt from the state conflicts")
    eq(a.s("GET", one + w["s3"]).status, 200, "suspended: exempt here")
    eq(b.s("GET", one + w["s2"]).json()["server"]["permissions"], ["control.start", "files.read"],
       "subuser")
    for who, sid, what in ((b, "s1", "not a subuser of it"), (a, "s5", "someone else's"),
                           (e, "s1", "admin flag but a role without servers.read")):
        expect_error(who.s("GET", one + w[sid]), 404, "server not found")
    eq(c.s("GET", one + w["s1"]).status, 200, "admin flag without a role sees all")
    eq(d.s("GET", one + w["s5"]).status, 200, "role with admin servers.read sees all")
    for bad in ("zzzzzzzz", "abc", w["s1"][:35] + "g", w["s1"] + "0", "%2e%2e",
                "00000000-0000-0000-0000-000000000000", "7fffffff"):
        expect_error(a.s("GET", one + bad), 404, "server not found")


@test
def eggs_of_the_visible_servers(ctx):
    w = world(ctx)
    eggs = "/api/client/servers/eggs"

    def names(who, query=""):
        r = w[who].s("GET", eggs + query)
        eq(r.status, 200, repr(r))
        return [e["name"] for e in r.json()["nest_eggs"]["data"]]

    eq(names("a"), ["Paper"], "owner: the eggs of its servers, once")
    eq(names("b"), ["Paper"], "subuser")
    eq(names("d"), ["Paper"], "a role with admin servers.read sees all")
    eq(names("e"), [], "admin flag, role without servers.read, no servers")
    eq(names("a", "?search=PAP"), ["Paper"], "search on the name")
    eq(names("a", "?search=nothing"), [], "no match")
    e = w["a"].s("GET", eggs).json()["nest_eggs"]["data"][0]
    eq(list(e), ["uuid", "name", "description", "startup_commands", "separate_port",
                 "features", "docker_images", "created"], "the client Egg object")
    _, key = w["a"].create("eggs-no-read", user=["activity.read"])
    expect_error(w["a"].k(key, "GET", eggs), 403,
                 "you do not have permission to perform this action: servers.read")
