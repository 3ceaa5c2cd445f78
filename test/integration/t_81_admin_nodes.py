"""Admin locations, nodes and node allocations (contract 8.3, 8.4, 3.8,
3.9, 12.3; contract-extra 5.3, 5.5, 7.6, 8.5, 9): every route, every error
string with its status, the order of checks where two apply, pagination,
search and order, permissions by role and by API key, field limits at their
edges, the strict node URL parser, the node token (shown once, stored
sealed, reset), allocations with ranges, filters and selectors, and the
admin activity rows."""

import json
import re
import uuid as uuidlib

import fixtures
from harness import test, eq, expect_error, lighttpd_stack
from t_71_apikeys import Account, hunt

DB = "panel_adm81"
LOCS = "/api/admin/locations"
NODES = "/api/admin/nodes"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$")
LOCATION_FIELDS = ["uuid", "backup_configuration", "name", "description", "flag", "created"]
NODE_FIELDS = ["uuid", "location", "backup_configuration", "name", "description",
               "deployment_enabled", "maintenance_enabled", "public_url", "url", "sftp_host",
               "sftp_port", "memory", "disk", "created"]
ALLOC_FIELDS = ["uuid", "server", "ip", "ip_alias", "port", "created"]
ALL_PERMS = ["locations.create", "locations.read", "locations.update", "locations.delete",
             "nodes.create", "nodes.read", "nodes.update", "nodes.delete", "nodes.read-token",
             "nodes.reset-token", "nodes.allocations"]


def deny(perm):
    return f"you do not have permission to perform this action: {perm}"


def sql(ctx, text):
    return ctx.db.sql(text, db=DB)


def world(ctx):
    """The stack, an admin (flag), role users: none (an unrelated admin
    permission, so the admin gate lets them through), read (locations.read
    and nodes.read), all (every permission of these routes), loc (only
    locations.read); a nest and egg for server fixtures."""
    if getattr(ctx, "_w81", None) is not None:
        return ctx._w81
    lt = lighttpd_stack(ctx, "adm81", extra={"settings_cache_seconds": "0"}, dbname=DB)
    for k in ("client", "auth_login"):
        sql(ctx, f"REPLACE INTO settings (`key`, value) VALUES ('ratelimits::{k}', "
                 "'{\"hits\":1000000,\"window_seconds\":30}')")
    w = {"lt": lt, "admin": Account(ctx, "adm81_admin", admin=True, lt=lt, db=DB)}
    for name, perms in (("none", ["users.read"]), ("read", ["locations.read", "nodes.read"]),
                        ("all", ALL_PERMS), ("loc", ["locations.read"])):
        a = Account(ctx, f"adm81_{name}", lt=lt, db=DB)
        r = fixtures.role(ctx, DB, f"adm81 {name}", admin_permissions=perms)
        sql(ctx, f"UPDATE users SET role_uuid = '{r}' WHERE uuid = '{a.uuid}'")
        w[name] = a
    w["egg"] = fixtures.nest_egg(ctx, DB, "adm81 nest", "adm81 egg")
    ctx._w81 = w
    return w


def ok(r, what=""):
    eq(r.status, 200, f"{what}: {r!r}")
    return r.json()


def activities(ctx, event):
    """[(user_uuid, api_key_uuid or None, data)] of event, oldest first."""
    out = sql(ctx, "SELECT IFNULL(user_uuid, 'NULL'), IFNULL(api_key_uuid, 'NULL'), data "
                   f"FROM admin_activities WHERE event = '{event}' ORDER BY id")
    rows = []
    for line in out.splitlines():
        u, k, d = line.split("\t", 2)
        rows.append((None if u == "NULL" else u, None if k == "NULL" else k, json.loads(d)))
    return rows


def last_activity(ctx, event, user, data, key=None):
    """The newest row of event is by user (and key), with data (plus the
    user agent every row carries)."""
    rows = activities(ctx, event)
    assert rows, f"no {event} row"
    u, k, d = rows[-1]
    eq((u, k), (user, key), f"{event}: user and API key")
    d.pop("user_agent", None)
    eq(d, data, f"{event}: data")


def location(w, name, **kw):
    body = {"name": name}
    body.update(kw)
    return ok(w["admin"].s("POST", LOCS, body), f"create location {name}")["location"]


def node_body(loc, name, **kw):
    b = {"location_uuid": loc, "name": name, "deployment_enabled": True,
         "maintenance_enabled": False, "url": "https://wings.example.com:8080",
         "sftp_port": 2022, "memory": 8192, "disk": 65536}
    b.update(kw)
    return b


def node(ctx, w, loc, name, **kw):
    """Creates a node through the API; (Node, token_id, token)."""
    j = ok(w["admin"].s("POST", NODES, node_body(loc, name, **kw)), f"create node {name}")
    hunt(ctx, j["token"])
    return j["node"], j["token_id"], j["token"]


def names(page):
    return [x["name"] for x in page["data"]]


# --------------------------------------------------------------------------
# locations

@test
def locations_create_get_list(ctx):
    w = world(ctx)
    a = w["admin"]
    r = a.s("POST", LOCS, {"name": "Frankfurt 81", "description": "Main DC", "flag": "de"})
    j = ok(r, "create")
    eq(list(j), ["location"], "answer fields")
    loc = j["location"]
    eq(list(loc), LOCATION_FIELDS, "Location fields, in order")
    assert UUID_RE.match(loc["uuid"]), loc["uuid"]
    assert TS_RE.match(loc["created"]), loc["created"]
    eq((loc["backup_configuration"], loc["name"], loc["description"], loc["flag"]),
       (None, "Frankfurt 81", "Main DC", "de"), "values")
    last_activity(ctx, "location:create", a.uuid,
                  {"uuid": loc["uuid"], "name": "Frankfurt 81", "description": "Main DC"})
    eq(ok(a.s("GET", f"{LOCS}/{loc['uuid']}"), "get"), {"location": loc}, "get")
    eq(ok(a.s("GET", f"{LOCS}/{loc['uuid'].upper()}"), "get upper"), {"location": loc},
       "an uppercase uuid is the same location")
    bare = location(w, "Bare 81")
    eq((bare["description"], bare["flag"]), (None, None), "optional fields absent")
    nulls = location(w, "Nulls 81", description=None, flag=None,
                     backup_configuration_uuid=None)
    eq((nulls["description"], nulls["flag"]), (None, None), "optional fields null")

    # list: oldest first, search on the name (case-insensitive), pages
    for i in range(5):
        location(w, f"pg81 place {i}")
    page = ok(a.s("GET", LOCS + "?search=PG81"), "search")["locations"]
    eq((page["total"], page["per_page"], page["page"], names(page)),
       (5, 25, 1, [f"pg81 place {i}" for i in range(5)]), "search, oldest first")
    page = ok(a.s("GET", LOCS + "?search=pg81&per_page=2&page=2"), "page 2")["locations"]
    eq((page["total"], page["per_page"], page["page"], names(page)),
       (5, 2, 2, ["pg81 place 2", "pg81 place 3"]), "second page")
    page = ok(a.s("GET", LOCS + "?search=pg81&per_page=2&page=4"), "past the end")["locations"]
    eq((page["total"], page["data"]), (0, []), "past the end: total 0")
    page = ok(a.s("GET", LOCS + "?search="), "empty search")["locations"]
    assert page["total"] >= 8 and len(page["data"]) == min(page["total"], 25), page["total"]
    all_names = names(ok(a.s("GET", LOCS + "?per_page=100"), "all")["locations"])
    assert all_names.index("Frankfurt 81") < all_names.index("pg81 place 0"), "oldest first"
    for q, msgs in (("page=0", ["page: lower than 1"]),
                    ("per_page=0", ["per_page: lower than 1"]),
                    ("per_page=101", ["per_page: greater than 100"]),
                    ("search=" + "x" * 129, ["search: length is greater than 128"]),
                    ("page=0&per_page=101", ["page: lower than 1",
                                             "per_page: greater than 100"])):
        r = a.s("GET", f"{LOCS}?{q}")
        eq((r.status, r.json()), (400, {"errors": msgs}), q)
    page = ok(a.s("GET", LOCS + "?search=" + "x" * 128), "search of 128")["locations"]
    eq(page["total"], 0, "128 characters are accepted")
    expect_error(a.s("GET", LOCS + "?page=x"), 400,
                 "Failed to deserialize query string: page: invalid digit found in string")

    # the sub-gate
    expect_error(a.s("GET", f"{LOCS}/nope"), 400, "invalid location uuid")
    expect_error(a.s("GET", f"{LOCS}/{uuidlib.uuid4()}"), 404, "location not found")


@test
def locations_validation_and_edges(ctx):
    w = world(ctx)
    a = w["admin"]
    # lengths at their edges (characters, not bytes)
    one = location(w, "x")
    eq(one["name"], "x", "name of 1")
    long_name = "ü" * 255
    eq(location(w, long_name)["name"], long_name, "name of 255 characters")
    eq(location(w, "desc1 81", description="d")["description"], "d", "description of 1")
    eq(location(w, "desc1024 81", description="é" * 1024)["description"], "é" * 1024,
       "description of 1024")
    eq(location(w, "flag 81", flag="fr")["flag"], "fr", "flag of 2")
    for body, errs in (
            ({"name": ""}, ["name: length is lower than 1"]),
            ({"name": "y" * 256}, ["name: length is greater than 255"]),
            ({"name": "ok 81", "description": ""}, ["description: length is lower than 1"]),
            ({"name": "ok 81", "description": "d" * 1025},
             ["description: length is greater than 1024"]),
            ({"name": "ok 81", "flag": "d"}, ["flag: length is lower than 2"]),
            ({"name": "ok 81", "flag": "deu"}, ["flag: length is greater than 2"]),
            ({"name": "", "description": "", "flag": "abc"},
             ["name: length is lower than 1", "description: length is lower than 1",
              "flag: length is greater than 2"])):
        r = a.s("POST", LOCS, body)
        eq((r.status, r.json()), (400, {"errors": errs}), f"create {body}")
    eq(sql(ctx, "SELECT COUNT(*) FROM locations WHERE name = 'ok 81'").strip(), "0",
       "nothing was created")
    # payload errors
    expect_error(a.s("POST", LOCS, {}), 400, "invalid payload: missing field `name`")
    expect_error(a.s("POST", LOCS, {"name": 5}), 400,
                 "invalid payload: invalid type for `name`, expected a string")
    expect_error(a.s("POST", LOCS, {"name": "n", "backup_configuration_uuid": "nope"}), 400,
                 "invalid payload: invalid value for `backup_configuration_uuid`, expected a "
                 "UUID")
    r = a.s("POST", LOCS, "{", headers={"Content-Type": "application/json"})
    eq(r.status, 400, "bad JSON")
    assert r.json()["errors"][0].startswith("invalid payload: "), r.json()
    r = a.s("POST", LOCS, '{"name": "ct 81"}', headers={"Content-Type": "text/plain"})
    expect_error(r, 400, "invalid payload: unsupported content type")
    # relations and duplicates
    expect_error(a.s("POST", LOCS, {"name": "bk 81",
                                    "backup_configuration_uuid": str(uuidlib.uuid4())}),
                 400, "invalid relation `backup_configuration` provided")
    expect_error(a.s("POST", LOCS, {"name": "x"}), 409, "location with name already exists")
    eq(location(w, "X")["name"], "X", "names are case-sensitive")
    # rules before the relation, the relation before the duplicate
    r = a.s("POST", LOCS, {"name": "", "backup_configuration_uuid": str(uuidlib.uuid4())})
    eq((r.status, r.json()), (400, {"errors": ["name: length is lower than 1"]}), "rules first")
    expect_error(a.s("POST", LOCS, {"name": "x",
                                    "backup_configuration_uuid": str(uuidlib.uuid4())}),
                 400, "invalid relation `backup_configuration` provided")


@test
def locations_update_delete(ctx):
    w = world(ctx)
    a = w["admin"]
    loc = location(w, "upd 81", description="before", flag="nl")
    path = f"{LOCS}/{loc['uuid']}"
    eq(ok(a.s("PATCH", path, {"name": "upd 81 renamed"}), "rename"), {}, "PATCH answers {}")
    last_activity(ctx, "location:update", a.uuid,
                  {"uuid": loc["uuid"], "name": "upd 81 renamed", "description": "before"})
    got = ok(a.s("GET", path))["location"]
    eq((got["name"], got["description"], got["flag"], got["created"]),
       ("upd 81 renamed", "before", "nl", loc["created"]), "only the name changed")
    ok(a.s("PATCH", path, {"name": None, "description": None, "flag": None}), "clear")
    got = ok(a.s("GET", path))["location"]
    eq((got["name"], got["description"], got["flag"]), ("upd 81 renamed", None, None),
       "description and flag cleared; a null name is no change")
    ok(a.s("PATCH", path, {"description": "d" * 1024, "flag": "be"}), "set")
    got = ok(a.s("GET", path))["location"]
    eq((got["description"], got["flag"]), ("d" * 1024, "be"), "set again")
    ok(a.s("PATCH", path, {}), "empty PATCH")
    ok(a.s("PATCH", path, {"backup_configuration_uuid": None}), "clear the backup config")
    r = a.s("PATCH", path, {"name": "", "description": "", "flag": "b"})
    eq((r.status, r.json()), (400, {"errors": ["name: length is lower than 1",
                                               "description: length is lower than 1",
                                               "flag: length is lower than 2"]}), "rules")
    expect_error(a.s("PATCH", path, {"backup_configuration_uuid": str(uuidlib.uuid4())}), 400,
                 "invalid relation `backup_configuration` provided")
    expect_error(a.s("PATCH", path, {"backup_configuration_uuid": "x"}), 400,
                 "invalid payload: invalid value for `backup_configuration_uuid`, expected a "
                 "UUID")
    location(w, "taken 81")
    expect_error(a.s("PATCH", path, {"name": "taken 81"}), 409,
                 "location with name already exists")
    eq(ok(a.s("GET", path))["location"]["name"], "upd 81 renamed", "unchanged after errors")
    expect_error(a.s("PATCH", f"{LOCS}/zzz", {}), 400, "invalid location uuid")
    expect_error(a.s("PATCH", f"{LOCS}/{uuidlib.uuid4()}", {}), 404, "location not found")

    # delete: 409 while a node is in it
    n, _, _ = node(ctx, w, loc["uuid"], "del-loc-node 81")
    expect_error(a.s("DELETE", path), 409, "location has nodes, cannot delete")
    ok(a.s("DELETE", f"{NODES}/{n['uuid']}"), "delete the node")
    eq(ok(a.s("DELETE", path), "delete"), {}, "DELETE answers {}")
    last_activity(ctx, "location:delete", a.uuid,
                  {"uuid": loc["uuid"], "name": "upd 81 renamed"})
    expect_error(a.s("GET", path), 404, "location not found")
    expect_error(a.s("DELETE", path), 404, "location not found")
    expect_error(a.s("DELETE", f"{LOCS}/1"), 400, "invalid location uuid")


@test
def location_nodes(ctx):
    w = world(ctx)
    a = w["admin"]
    l1 = location(w, "ln81 one")
    l2 = location(w, "ln81 two")
    made = [node(ctx, w, l1["uuid"], f"ln81-node-{i}")[0] for i in range(3)]
    node(ctx, w, l2["uuid"], "ln81-other")
    path = f"{LOCS}/{l1['uuid']}/nodes"
    page = ok(a.s("GET", path), "nodes of the location")["nodes"]
    eq((page["total"], page["data"]), (3, made), "its nodes, oldest first, as Node objects")
    page = ok(a.s("GET", path + "?search=NODE-1"), "search")["nodes"]
    eq(names(page), ["ln81-node-1"], "search on the node name")
    page = ok(a.s("GET", path + "?per_page=1&page=3"), "page 3")["nodes"]
    eq((page["total"], names(page)), (3, ["ln81-node-2"]), "pagination")
    eq(ok(a.s("GET", f"{LOCS}/{location(w, 'ln81 empty')['uuid']}/nodes"))["nodes"]["data"],
       [], "no nodes")
    expect_error(a.s("GET", f"{LOCS}/nope/nodes"), 400, "invalid location uuid")
    expect_error(a.s("GET", f"{LOCS}/{uuidlib.uuid4()}/nodes"), 404, "location not found")
    r = a.s("GET", path + "?per_page=0")
    eq((r.status, r.json()), (400, {"errors": ["per_page: lower than 1"]}), "pagination rules")
    # order: sub-gate (locations.read), pagination, then nodes.read
    loc_only = w["loc"]
    expect_error(loc_only.s("GET", path + "?per_page=0"), 400, "per_page: lower than 1")
    expect_error(loc_only.s("GET", path), 403, deny("nodes.read"))
    expect_error(w["none"].s("GET", path + "?per_page=0"), 403, deny("locations.read"))
    expect_error(w["none"].s("GET", f"{LOCS}/nope/nodes"), 400, "invalid location uuid")
    eq(ok(w["read"].s("GET", path))["nodes"]["total"], 3, "a role with both permissions")


# --------------------------------------------------------------------------
# nodes

@test
def nodes_create_get_list(ctx):
    w = world(ctx)
    a = w["admin"]
    loc = location(w, "nodes81 loc", description="where", flag="de")
    body = node_body(loc["uuid"], "node81-a", description="first",
                     public_url="https://Public.Example.com", sftp_host="sftp.example.com")
    r = a.s("POST", NODES, body)
    j = ok(r, "create")
    eq(list(j), ["node", "token_id", "token"], "answer fields")
    hunt(ctx, j["token"])
    n = j["node"]
    eq(list(n), NODE_FIELDS, "Node fields, in order")
    assert UUID_RE.match(n["uuid"]) and TS_RE.match(n["created"]), n
    eq(n["location"], loc, "the location nested")
    eq({k: n[k] for k in NODE_FIELDS[2:13]},
       {"backup_configuration": None, "name": "node81-a", "description": "first",
        "deployment_enabled": True, "maintenance_enabled": False,
        "public_url": "https://public.example.com/", "url": "https://wings.example.com:8080/",
        "sftp_host": "sftp.example.com", "sftp_port": 2022, "memory": 8192, "disk": 65536},
       "values, URLs normalised")
    eq(sql(ctx, f"SELECT url, public_url FROM nodes WHERE uuid = '{n['uuid']}'").strip(),
       "https://wings.example.com:8080\thttps://Public.Example.com", "stored as given")
    assert re.match(r"^[A-Za-z0-9]{16}$", j["token_id"]), j["token_id"]
    assert re.match(r"^[A-Za-z0-9]{64}$", j["token"]), "64 base62 characters"
    last_activity(ctx, "node:create", a.uuid, {
        "uuid": n["uuid"], "location_uuid": loc["uuid"], "name": "node81-a",
        "description": "first", "deployment_enabled": True, "maintenance_enabled": False,
        "public_url": "https://public.example.com/", "url": "https://wings.example.com:8080/",
        "sftp_host": "sftp.example.com", "sftp_port": 2022, "memory": 8192, "disk": 65536})
    eq(ok(a.s("GET", f"{NODES}/{n['uuid']}"), "get"), {"node": n}, "get: the same object")
    eq(ok(a.s("GET", f"{NODES}/{n['uuid'].upper()}"), "upper"), {"node": n}, "uppercase uuid")
    b, _, _ = node(ctx, w, loc["uuid"].upper(), "node81-b", memory=0, disk=0,
                   deployment_enabled=False, maintenance_enabled=True, description=None,
                   public_url=None, sftp_host=None)
    eq({k: b[k] for k in ("description", "public_url", "sftp_host", "memory", "disk",
                          "deployment_enabled", "maintenance_enabled")},
       {"description": None, "public_url": None, "sftp_host": None, "memory": 0, "disk": 0,
        "deployment_enabled": False, "maintenance_enabled": True}, "nulls and zeros")
    eq(b["location"]["uuid"], loc["uuid"], "an uppercase location_uuid")

    # list
    for i in range(3):
        node(ctx, w, loc["uuid"], f"nl81 {i}")
    page = ok(a.s("GET", NODES + "?search=NL81"), "search")["nodes"]
    eq((page["total"], names(page)), (3, ["nl81 0", "nl81 1", "nl81 2"]),
       "case-insensitive search, oldest first")
    page = ok(a.s("GET", NODES + "?search=nl81&per_page=2&page=2"), "page 2")["nodes"]
    eq((page["total"], page["per_page"], page["page"], names(page)), (3, 2, 2, ["nl81 2"]),
       "pagination")
    page = ok(a.s("GET", NODES + "?per_page=100"), "all")["nodes"]
    eq(page["data"][names(page).index("node81-a")], n, "list entries are Node objects")
    r = a.s("GET", NODES + "?per_page=101&page=0")
    eq((r.status, r.json()), (400, {"errors": ["page: lower than 1",
                                               "per_page: greater than 100"]}), "page rules")
    expect_error(a.s("GET", f"{NODES}/x"), 400, "invalid node uuid")
    expect_error(a.s("GET", f"{NODES}/{uuidlib.uuid4()}"), 404, "node not found")
    # a node inserted by SQL with a URL the parser refuses is shown as stored
    raw = fixtures.node(ctx, DB, loc["uuid"], name="node81-raw", url="wings-without-scheme")
    eq(ok(a.s("GET", f"{NODES}/{raw}"))["node"]["url"], "wings-without-scheme",
       "an unparsable stored URL is shown as it is")


@test
def nodes_create_errors(ctx):
    w = world(ctx)
    a = w["admin"]
    loc = location(w, "nce81 loc")["uuid"]
    ghost = str(uuidlib.uuid4())
    expect_error(a.s("POST", NODES, node_body(ghost, "nce81-ghost")), 400,
                 "invalid relation `location` provided")
    eq(sql(ctx, "SELECT COUNT(*) FROM nodes WHERE name = 'nce81-ghost'").strip(), "0",
       "nothing inserted")
    expect_error(a.s("POST", NODES, node_body(loc, "nce81", backup_configuration_uuid=ghost)),
                 400, "invalid relation `backup_configuration` provided")
    expect_error(a.s("POST", NODES, node_body(ghost, "nce81",
                                              backup_configuration_uuid=ghost)),
                 400, "invalid relation `backup_configuration` provided")
    node(ctx, w, loc, "nce81-dup")
    expect_error(a.s("POST", NODES, node_body(loc, "nce81-dup")), 409,
                 "node with name already exists")
    expect_error(a.s("POST", NODES, node_body(ghost, "nce81-dup")), 400,
                 "invalid relation `location` provided")
    r = a.s("POST", NODES, node_body(ghost, "", url="x"))
    eq((r.status, r.json()), (400, {"errors": [
        "name: length is lower than 1", "url: length is lower than 3",
        "url: not a valid url: relative URL without a base"]}), "rules before relations")
    # payload errors come first
    for field, value, msg in (
            ("location_uuid", "nope", "invalid value for `location_uuid`, expected a UUID"),
            ("location_uuid", 5, "invalid type for `location_uuid`, expected a string"),
            ("sftp_port", "22", "invalid type for `sftp_port`, expected an integer"),
            ("sftp_port", 22.5, "invalid type for `sftp_port`, expected an integer"),
            ("deployment_enabled", 1, "invalid type for `deployment_enabled`, expected a "
                                      "boolean"),
            ("name", None, "missing field `name`")):
        body = node_body(loc, "nce81-p")
        body[field] = value
        expect_error(a.s("POST", NODES, body), 400, "invalid payload: " + msg)
    for field in ("location_uuid", "name", "deployment_enabled", "maintenance_enabled", "url",
                  "sftp_port", "memory", "disk"):
        body = node_body(loc, "nce81-m")
        del body[field]
        expect_error(a.s("POST", NODES, body), 400, f"invalid payload: missing field `{field}`")
    eq(sql(ctx, "SELECT COUNT(*) FROM nodes WHERE name LIKE 'nce81-%'").strip(), "1",
       "only the one good node exists")


@test
def nodes_field_edges(ctx):
    w = world(ctx)
    a = w["admin"]
    loc = location(w, "nfe81 loc")["uuid"]
    good = {"name": "n" * 255, "description": "d", "url": "https://n.example.com/" + "p" * 233,
            "public_url": "http://n.example.com/" + "p" * 234, "sftp_host": "abc",
            "sftp_port": 1, "memory": 0, "disk": 0}
    assert len(good["url"]) == 255 and len(good["public_url"]) == 255
    n, _, _ = node(ctx, w, loc, **good)
    eq((n["name"], n["url"], n["public_url"], n["sftp_port"]),
       (good["name"], good["url"], good["public_url"], 1), "the lower and upper edges")
    n2, _, _ = node(ctx, w, loc, "nfe81-2", description="é" * 1024, sftp_host="h" * 255,
                    sftp_port=65535, memory=2 ** 62, disk=2 ** 62)
    eq((len(n2["description"]), len(n2["sftp_host"]), n2["sftp_port"], n2["memory"]),
       (1024, 255, 65535, 2 ** 62), "more edges")
    cases = (
        ({"name": ""}, ["name: length is lower than 1"]),
        ({"name": "n" * 256}, ["name: length is greater than 255"]),
        ({"description": ""}, ["description: length is lower than 1"]),
        ({"description": "d" * 1025}, ["description: length is greater than 1024"]),
        ({"url": "abc"}, ["url: not a valid url: relative URL without a base"]),
        ({"url": "ab"}, ["url: length is lower than 3",
                         "url: not a valid url: relative URL without a base"]),
        ({"url": "https://n.example.com/" + "p" * 234}, ["url: length is greater than 255"]),
        ({"public_url": "h:"}, ["public_url: length is lower than 3",
                                "public_url: not a valid url: scheme must be http or https"]),
        ({"public_url": "http://n.example.com/" + "p" * 235},
         ["public_url: length is greater than 255"]),
        ({"sftp_host": "ab"}, ["sftp_host: length is lower than 3"]),
        ({"sftp_host": "h" * 256}, ["sftp_host: length is greater than 255"]),
        ({"sftp_port": 0}, ["sftp_port: lower than 1"]),
        ({"sftp_port": 65536}, ["sftp_port: greater than 65535"]),
        ({"sftp_port": -1}, ["sftp_port: lower than 1"]),
        ({"memory": -1}, ["memory: lower than 0"]),
        ({"disk": -1}, ["disk: lower than 0"]),
        ({"disk": -1, "memory": -1, "sftp_port": 0, "sftp_host": "", "url": "ftp://x",
          "public_url": "", "description": "", "name": ""},
         ["name: length is lower than 1", "description: length is lower than 1",
          "public_url: length is lower than 3",
          "public_url: not a valid url: relative URL without a base",
          "url: not a valid url: scheme must be http or https",
          "sftp_host: length is lower than 3", "sftp_port: lower than 1",
          "memory: lower than 0", "disk: lower than 0"]),
    )
    for change, errs in cases:
        c = dict(change)
        r = a.s("POST", NODES, node_body(loc, c.pop("name", "nfe81-bad"), **c))
        eq((r.status, r.json()), (400, {"errors": errs}), f"create {change}")
    eq(sql(ctx, "SELECT COUNT(*) FROM nodes WHERE name = 'nfe81-bad'").strip(), "0",
       "nothing created")
    # the same rules on PATCH
    path = f"{NODES}/{n2['uuid']}"
    for change, errs in cases:
        r = a.s("PATCH", path, dict(change))
        eq((r.status, r.json()), (400, {"errors": errs}), f"update {change}")


URL_GOOD = [
    ("https://node1.example.com:8080", "https://node1.example.com:8080/"),
    ("http://NODE.Example.COM", "http://node.example.com/"),
    ("HTTPS://node.example.com:443/", "https://node.example.com/"),
    ("http://node.example.com:80/wings", "http://node.example.com/wings"),
    ("https://node.example.com:80", "https://node.example.com:80/"),
    ("http://10.0.0.5:8080", "http://10.0.0.5:8080/"),
    ("http://[2001:DB8:0:0::1]:8080", "http://[2001:db8::1]:8080/"),
    ("https://[::1]", "https://[::1]/"),
    ("https://node.example.com/a/b?x=1#f", "https://node.example.com/a/b?x=1#f"),
    ("http://node.example.com?x=1", "http://node.example.com/?x=1"),
    ("http://my_node-1.local.", "http://my_node-1.local./"),
    ("https://node.example.com:00443", "https://node.example.com/"),
    ("https://node.example.com:65535", "https://node.example.com:65535/"),
    ("http://localhost:1/%41%7e", "http://localhost:1/%41%7e"),
]
URL_BAD = [
    ("node1.example.com", "relative URL without a base"),
    ("/wings", "relative URL without a base"),
    ("1http://node.example.com", "relative URL without a base"),
    (" http://node.example.com", "relative URL without a base"),
    ("ftp://node.example.com", "scheme must be http or https"),
    ("localhost:8080", "scheme must be http or https"),
    ("http:node.example.com", "missing // after the scheme"),
    ("http:/node.example.com", "missing // after the scheme"),
    ("http://", "empty host"),
    ("http:///wings", "empty host"),
    ("http://:8080", "empty host"),
    ("http://user:pw@node.example.com", "credentials are not allowed"),
    ("http://node example.com", "invalid domain character"),
    ("http://nöde.example.com", "invalid domain character"),
    ("http://node%41.example.com", "invalid domain character"),
    ("http://node..example.com", "empty label in host"),
    ("http://.example.com", "empty label in host"),
    ("http://" + "a" * 64 + ".com", "host label longer than 63 characters"),
    ("http://256.1.1.1", "invalid IPv4 address"),
    ("http://1.2.3", "invalid IPv4 address"),
    ("http://01.2.3.4", "invalid IPv4 address"),
    ("http://example.123", "invalid IPv4 address"),
    ("http://[2001:db8::g]", "invalid IPv6 address"),
    ("http://[2001:db8::1", "invalid IPv6 address"),
    ("http://[::1]x", "invalid IPv6 address"),
    ("http://[]", "invalid IPv6 address"),
    ("http://node.example.com:0", "invalid port number"),
    ("http://node.example.com:65536", "invalid port number"),
    ("http://node.example.com:", "invalid port number"),
    ("http://node.example.com:8o", "invalid port number"),
    ("http://node.example.com:123456", "invalid port number"),
    ("http://node.example.com/a b", "invalid character in path"),
    ("http://node.example.com/a\\b", "invalid character in path"),
    ("http://node.example.com/ä", "invalid character in path"),
    ("http://node.example.com/a\tb", "invalid character in path"),
    ("http://node.example.com/ ", "invalid character in path"),
    ("http://node.example.com/%zz", "invalid percent-encoding in path"),
    ("http://node.example.com/%4", "invalid percent-encoding in path"),
]


@test
def node_url_parser(ctx):
    """The strict URL parser (node.c node_url_parse), through the API: the
    accepted forms and their normalised output, every refusal reason."""
    w = world(ctx)
    a = w["admin"]
    loc = location(w, "url81 loc")["uuid"]
    n, _, _ = node(ctx, w, loc, "url81")
    path = f"{NODES}/{n['uuid']}"
    for given, shown in URL_GOOD:
        ok(a.s("PATCH", path, {"url": given, "public_url": given}), given)
        got = ok(a.s("GET", path))["node"]
        eq((got["url"], got["public_url"]), (shown, shown), f"normalised {given}")
    for given, reason in URL_BAD:
        r = a.s("PATCH", path, {"url": given})
        eq((r.status, r.json()), (400, {"errors": [f"url: not a valid url: {reason}"]}), given)
        r = a.s("POST", NODES, node_body(loc, "url81-bad", public_url=given))
        eq((r.status, r.json()), (400, {"errors": [f"public_url: not a valid url: {reason}"]}),
           f"create {given}")


@test
def nodes_update_delete(ctx):
    w = world(ctx)
    a = w["admin"]
    l1 = location(w, "nud81 one")
    l2 = location(w, "nud81 two")
    n, _, _ = node(ctx, w, l1["uuid"], "nud81", description="d", public_url="https://p.example.com",
                   sftp_host="sftp.example.com")
    path = f"{NODES}/{n['uuid']}"
    eq(ok(a.s("PATCH", path, {"location_uuid": l2["uuid"].upper(), "name": "nud81 moved",
                              "memory": 1, "maintenance_enabled": True}), "patch"), {}, "{}")
    got = ok(a.s("GET", path))["node"]
    eq((got["location"], got["name"], got["memory"], got["maintenance_enabled"],
        got["description"], got["disk"], got["created"]),
       (l2, "nud81 moved", 1, True, "d", 65536, n["created"]), "changed fields only")
    last_activity(ctx, "node:update", a.uuid, {
        "uuid": n["uuid"], "location_uuid": l2["uuid"], "name": "nud81 moved",
        "description": "d", "deployment_enabled": True, "maintenance_enabled": True,
        "public_url": "https://p.example.com/", "url": "https://wings.example.com:8080/",
        "sftp_host": "sftp.example.com", "sftp_port": 2022, "memory": 1, "disk": 65536})
    ok(a.s("PATCH", path, {"description": None, "public_url": None, "sftp_host": None,
                           "backup_configuration_uuid": None, "name": None, "url": None,
                           "sftp_port": None, "memory": None, "location_uuid": None}), "clear")
    got = ok(a.s("GET", path))["node"]
    eq((got["description"], got["public_url"], got["sftp_host"], got["name"], got["url"],
        got["sftp_port"], got["memory"], got["location"]["uuid"]),
       (None, None, None, "nud81 moved", "https://wings.example.com:8080/", 2022, 1,
        l2["uuid"]), "clearable fields cleared, null elsewhere is no change")
    expect_error(a.s("PATCH", path, {"location_uuid": str(uuidlib.uuid4())}), 400,
                 "invalid relation `location` provided")
    expect_error(a.s("PATCH", path, {"location_uuid": "l2"}), 400,
                 "invalid payload: invalid value for `location_uuid`, expected a UUID")
    expect_error(a.s("PATCH", path, {"backup_configuration_uuid": str(uuidlib.uuid4())}), 400,
                 "invalid relation `backup_configuration` provided")
    expect_error(a.s("PATCH", path, {"memory": "1"}), 400,
                 "invalid payload: invalid type for `memory`, expected an integer")
    node(ctx, w, l1["uuid"], "nud81 other")
    expect_error(a.s("PATCH", path, {"name": "nud81 other"}), 409,
                 "node with name already exists")
    eq(ok(a.s("GET", path))["node"]["location"]["uuid"], l2["uuid"], "unchanged by errors")
    expect_error(a.s("PATCH", f"{NODES}/1", {}), 400, "invalid node uuid")
    expect_error(a.s("PATCH", f"{NODES}/{uuidlib.uuid4()}", {}), 404, "node not found")

    # delete: 400 with servers (on it, or moving to it), allocations go along
    nd, _, _ = node(ctx, w, l1["uuid"], "nud81 del")
    dpath = f"{NODES}/{nd['uuid']}"
    ok(a.s("POST", dpath + "/allocations", {"ip": "10.8.1.1", "ports": [1, 2]}), "allocations")
    s = fixtures.server(ctx, DB, a.uuid, nd["uuid"], w["egg"], "nud81 server")
    expect_error(a.s("DELETE", dpath), 400, "node has servers, cannot delete")
    sql(ctx, f"UPDATE servers SET node_uuid = '{n['uuid']}', destination_node_uuid = "
             f"'{nd['uuid']}' WHERE uuid = '{s}'")
    expect_error(a.s("DELETE", dpath), 400, "node has servers, cannot delete")
    sql(ctx, f"DELETE FROM servers WHERE uuid = '{s}'")
    eq(ok(a.s("DELETE", dpath), "delete"), {}, "DELETE answers {}")
    last_activity(ctx, "node:delete", a.uuid, {"uuid": nd["uuid"], "name": "nud81 del"})
    expect_error(a.s("GET", dpath), 404, "node not found")
    eq(sql(ctx, f"SELECT COUNT(*) FROM node_allocations WHERE node_uuid = '{nd['uuid']}'")
       .strip(), "0", "the allocations went with the node")
    expect_error(a.s("DELETE", dpath), 404, "node not found")
    expect_error(a.s("DELETE", f"{NODES}/abc"), 400, "invalid node uuid")


def token_row(ctx, node_uuid):
    """(token_id, the sealed token's bytes, every column of the row as
    bytes)."""
    cols = sql(ctx, "SELECT column_name FROM information_schema.columns WHERE "
                    f"table_schema = '{DB}' AND table_name = 'nodes' "
                    "ORDER BY ordinal_position").split()
    assert "token" in cols and "token_id" in cols, cols
    expr = ", ".join(f"HEX(IFNULL(`{c}`, ''))" for c in cols)
    cells = sql(ctx, f"SELECT {expr} FROM nodes WHERE uuid = '{node_uuid}'").strip().split("\t")
    row = dict(zip(cols, (bytes.fromhex(c) for c in cells)))
    return row["token_id"].decode(), row["token"], b"\x00".join(row.values())


@test
def node_token_shown_once(ctx):
    w = world(ctx)
    a = w["admin"]
    loc = location(w, "tok81 loc")["uuid"]
    n, token_id, token = node(ctx, w, loc, "tok81")
    path = f"{NODES}/{n['uuid']}"
    tid, sealed, row = token_row(ctx, n["uuid"])
    eq(tid, token_id, "token_id stored as shown")
    eq(len(sealed), 28 + 64, "nonce + sealed 64 bytes + tag")
    assert token.encode() not in row and token.encode().hex().encode() not in row, \
        "the token is nowhere in the row in clear"
    assert token[:16].encode() not in row, "not even a part of it"
    for r in (a.s("GET", path), a.s("GET", NODES + "?per_page=100"),
              a.s("GET", f"{LOCS}/{loc}/nodes")):
        eq(r.status, 200, repr(r))
        assert token.encode() not in r.body and token_id.encode() not in r.body, \
            "lists and get never show the token"
    # the stored token opens to the one shown (the daemon call's view)
    got = ok(a.s("GET", f"/api/test/node-token/{n['uuid']}"), "open")
    eq(got, {"token": token, "url": "https://wings.example.com:8080"},
       "node_daemon opens the sealed token; the base URL without its slash")
    expect_error(a.s("GET", path + "/token"), 409,
                 "node token is shown only when it is created or reset")
    # bound to the node: another node's sealed token does not open here
    n2, _, token2 = node(ctx, w, loc, "tok81 two")
    other = sql(ctx, f"SELECT HEX(token) FROM nodes WHERE uuid = '{n2['uuid']}'").strip()
    sql(ctx, f"UPDATE nodes SET token = 'moved away' WHERE uuid = '{n2['uuid']}'")
    sql(ctx, f"UPDATE nodes SET token = UNHEX('{other}') WHERE uuid = '{n['uuid']}'")
    expect_error(a.s("GET", f"/api/test/node-token/{n['uuid']}"), 404, "node not found")

    # reset: a new pair, shown once, the old one gone
    r = a.s("POST", path + "/reset-token")
    j = ok(r, "reset")
    eq(list(j), ["token_id", "token"], "reset answer fields")
    hunt(ctx, j["token"])
    assert re.match(r"^[A-Za-z0-9]{16}$", j["token_id"]) and re.match(r"^[A-Za-z0-9]{64}$",
                                                                       j["token"]), j
    assert j["token"] not in (token, token2) and j["token_id"] != token_id, "a new pair"
    tid, sealed, row = token_row(ctx, n["uuid"])
    eq(tid, j["token_id"], "the new token_id stored")
    assert j["token"].encode() not in row, "the new token is not stored in clear"
    eq(ok(a.s("GET", f"/api/test/node-token/{n['uuid']}"))["token"], j["token"],
       "the new token opens")
    last_activity(ctx, "node:reset-token", a.uuid, {"node_uuid": n["uuid"]})
    r2 = ok(a.s("POST", path + "/reset-token"), "reset again")
    hunt(ctx, r2["token"])
    assert r2["token"] != j["token"], "every reset is a new token"
    expect_error(a.s("POST", f"{NODES}/x/reset-token"), 400, "invalid node uuid")
    expect_error(a.s("POST", f"{NODES}/{uuidlib.uuid4()}/reset-token"), 404, "node not found")
    expect_error(a.s("GET", f"{NODES}/{uuidlib.uuid4()}/token"), 404, "node not found")
    # the generator: token_ids differ, unique in the table
    ids = {node(ctx, w, loc, f"tok81 gen {i}")[1] for i in range(5)}
    eq(len(ids), 5, "fresh token ids")


# --------------------------------------------------------------------------
# permissions and the order of checks

@test
def permissions_by_role(ctx):
    w = world(ctx)
    a, none, read, allp = w["admin"], w["none"], w["read"], w["all"]
    loc = location(w, "perm81 loc")
    n, _, _ = node(ctx, w, loc["uuid"], "perm81")
    lp, np = f"{LOCS}/{loc['uuid']}", f"{NODES}/{n['uuid']}"
    ghost = str(uuidlib.uuid4())
    # no permission of these routes: 403 naming the first one checked
    for method, path, body, perm in (
            ("GET", LOCS, None, "locations.read"),
            ("POST", LOCS, {"name": "perm81 x"}, "locations.create"),
            ("GET", lp, None, "locations.read"),
            ("PATCH", lp, {}, "locations.read"),
            ("DELETE", lp, None, "locations.read"),
            ("GET", lp + "/nodes", None, "locations.read"),
            ("GET", NODES, None, "nodes.read"),
            ("POST", NODES, node_body(loc["uuid"], "perm81 x"), "nodes.create"),
            ("GET", np, None, "nodes.read"),
            ("PATCH", np, {}, "nodes.read"),
            ("DELETE", np, None, "nodes.read"),
            ("GET", np + "/token", None, "nodes.read"),
            ("POST", np + "/reset-token", None, "nodes.read"),
            ("GET", np + "/allocations", None, "nodes.read"),
            ("GET", np + "/allocations/available", None, "nodes.read"),
            ("GET", np + "/allocations/ips", None, "nodes.read"),
            ("POST", np + "/allocations", {"ip": "10.0.0.1", "ports": [1]}, "nodes.read"),
            ("PATCH", np + "/allocations", {"selector": {"type": "all"}, "ip": "10.0.0.2"},
             "nodes.read"),
            ("DELETE", np + "/allocations", {"selector": {"type": "all"}}, "nodes.read")):
        expect_error(none.s(method, path, body), 403, deny(perm))
    # read permissions only
    eq(ok(read.s("GET", lp))["location"], loc, "read: get location")
    eq(ok(read.s("GET", np))["node"], n, "read: get node")
    ok(read.s("GET", LOCS), "read: list locations")
    ok(read.s("GET", NODES), "read: list nodes")
    for method, path, body, perm in (
            ("POST", LOCS, {"name": "perm81 x"}, "locations.create"),
            ("PATCH", lp, {"name": "perm81 y"}, "locations.update"),
            ("DELETE", lp, None, "locations.delete"),
            ("POST", NODES, node_body(loc["uuid"], "perm81 x"), "nodes.create"),
            ("PATCH", np, {"name": "perm81 y"}, "nodes.update"),
            ("DELETE", np, None, "nodes.delete"),
            ("GET", np + "/token", None, "nodes.read-token"),
            ("POST", np + "/reset-token", None, "nodes.reset-token"),
            ("GET", np + "/allocations", None, "nodes.allocations"),
            ("GET", np + "/allocations/available", None, "nodes.allocations"),
            ("GET", np + "/allocations/ips", None, "nodes.allocations"),
            ("POST", np + "/allocations", {"ip": "10.0.0.1", "ports": [1]},
             "nodes.allocations"),
            ("PATCH", np + "/allocations", {"selector": {"type": "all"}, "ip": "10.0.0.2"},
             "nodes.allocations"),
            ("DELETE", np + "/allocations", {"selector": {"type": "all"}},
             "nodes.allocations")):
        expect_error(read.s(method, path, body), 403, deny(perm))
    eq(ok(a.s("GET", lp))["location"]["name"], "perm81 loc", "nothing changed")
    eq(sql(ctx, "SELECT COUNT(*) FROM node_allocations WHERE node_uuid = "
                f"'{n['uuid']}'").strip(), "0", "no allocation made")
    # a role holding every permission does all of it (no admin flag)
    l2 = ok(allp.s("POST", LOCS, {"name": "perm81 role"}), "role: create")["location"]
    last_activity(ctx, "location:create", allp.uuid,
                  {"uuid": l2["uuid"], "name": "perm81 role", "description": None})
    ok(allp.s("PATCH", f"{LOCS}/{l2['uuid']}", {"flag": "at"}), "role: update")
    j = ok(allp.s("POST", NODES, node_body(l2["uuid"], "perm81 role")), "role: node")
    hunt(ctx, j["token"])
    rp = f"{NODES}/{j['node']['uuid']}"
    ok(allp.s("PATCH", rp, {"memory": 5}), "role: node update")
    expect_error(allp.s("GET", rp + "/token"), 409,
                 "node token is shown only when it is created or reset")
    hunt(ctx, ok(allp.s("POST", rp + "/reset-token"), "role: reset")["token"])
    eq(ok(allp.s("POST", rp + "/allocations", {"ip": "10.0.0.1", "ports": [7]}))["created"], 1,
       "role: allocations")
    ok(allp.s("DELETE", rp + "/allocations", {"selector": {"type": "all"}}), "role: delete all")
    ok(allp.s("DELETE", rp), "role: delete node")
    ok(allp.s("DELETE", f"{LOCS}/{l2['uuid']}"), "role: delete location")
    last_activity(ctx, "location:delete", allp.uuid, {"uuid": l2["uuid"], "name": "perm81 role"})
    # the admin gate still comes first
    plain = Account(ctx, "adm81_plain", lt=w["lt"], db=DB)
    expect_error(plain.s("GET", LOCS), 401, "unauthorized")
    expect_error(plain.s("GET", f"{NODES}/x"), 401, "unauthorized")
    expect_error(none.s("GET", f"{NODES}/{ghost}"), 403, deny("nodes.read"))


@test
def permissions_by_api_key(ctx):
    w = world(ctx)
    a = w["admin"]
    loc = location(w, "key81 loc")
    n, _, _ = node(ctx, w, loc["uuid"], "key81")
    np = f"{NODES}/{n['uuid']}"
    kr, key_read = a.create("adm81 read", admin=["locations.read", "nodes.read"])
    kw, key_write = a.create("adm81 write", admin=ALL_PERMS)
    _, key_none = a.create("adm81 none", admin=[])
    # the key's list limits the admin account
    expect_error(a.k(key_none, "GET", LOCS), 403, deny("locations.read"))
    expect_error(a.k(key_none, "GET", np), 403, deny("nodes.read"))
    eq(ok(a.k(key_read, "GET", np))["node"], n, "read key: get")
    ok(a.k(key_read, "GET", LOCS), "read key: list")
    expect_error(a.k(key_read, "POST", LOCS, {"name": "key81 x"}), 403, deny("locations.create"))
    expect_error(a.k(key_read, "PATCH", np, {"memory": 1}), 403, deny("nodes.update"))
    expect_error(a.k(key_read, "POST", np + "/reset-token"), 403, deny("nodes.reset-token"))
    expect_error(a.k(key_read, "GET", np + "/allocations"), 403, deny("nodes.allocations"))
    # with the permissions: the activity rows name the key
    l2 = ok(a.k(key_write, "POST", LOCS, {"name": "key81 made"}), "write key")["location"]
    last_activity(ctx, "location:create", a.uuid,
                  {"uuid": l2["uuid"], "name": "key81 made", "description": None},
                  key=kw["uuid"])
    ok(a.k(key_write, "PATCH", np, {"memory": 3}), "write key: update")
    eq(activities(ctx, "node:update")[-1][:2], (a.uuid, kw["uuid"]), "node:update by the key")
    hunt(ctx, ok(a.k(key_write, "POST", np + "/reset-token"), "write key: reset")["token"])
    last_activity(ctx, "node:reset-token", a.uuid, {"node_uuid": n["uuid"]}, key=kw["uuid"])
    eq(ok(a.k(key_write, "POST", np + "/allocations", {"ip": "10.9.0.1", "ports": [5]}),
          "key alloc")["created"], 1, "write key: allocation")
    last_activity(ctx, "node:allocation.create", a.uuid,
                  {"node_uuid": n["uuid"], "ip": "10.9.0.1/32", "ip_alias": None, "ports": [5]},
                  key=kw["uuid"])
    # a role account's key: the intersection of the role and the key
    allp = w["all"]
    _, key_role = allp.create("adm81 role read", admin=["locations.read"])
    ok(allp.k(key_role, "GET", LOCS), "role key: list locations")
    expect_error(allp.k(key_role, "GET", NODES), 403, deny("nodes.read"))
    eq(kr["admin_permissions"], ["locations.read", "nodes.read"], "the read key's list")


@test
def order_of_checks(ctx):
    w = world(ctx)
    a, read, none = w["admin"], w["read"], w["none"]
    loc = location(w, "ord81 loc")
    n, _, _ = node(ctx, w, loc["uuid"], "ord81")
    lp, np = f"{LOCS}/{loc['uuid']}", f"{NODES}/{n['uuid']}"
    ghost = str(uuidlib.uuid4())
    # pagination before the permission
    expect_error(none.s("GET", LOCS + "?page=0"), 400, "page: lower than 1")
    expect_error(none.s("GET", NODES + "?per_page=101"), 400, "per_page: greater than 100")
    # sub-gate: not a uuid, then the permission, then not found
    expect_error(none.s("GET", f"{LOCS}/nope"), 400, "invalid location uuid")
    expect_error(none.s("GET", f"{LOCS}/{ghost}"), 403, deny("locations.read"))
    expect_error(none.s("DELETE", f"{NODES}/nope"), 400, "invalid node uuid")
    expect_error(none.s("DELETE", f"{NODES}/{ghost}"), 403, deny("nodes.read"))
    expect_error(read.s("PATCH", f"{LOCS}/{ghost}", {"name": ""}), 404, "location not found")
    expect_error(read.s("DELETE", f"{NODES}/{ghost}"), 404, "node not found")
    # body types, then the permission, then the rules
    expect_error(read.s("POST", LOCS, {"name": 5}), 400,
                 "invalid payload: invalid type for `name`, expected a string")
    expect_error(read.s("POST", LOCS, {"name": ""}), 403, deny("locations.create"))
    expect_error(read.s("POST", NODES, node_body("nope", "")), 400,
                 "invalid payload: invalid value for `location_uuid`, expected a UUID")
    expect_error(read.s("POST", NODES, node_body(ghost, "", sftp_port=0)), 403,
                 deny("nodes.create"))
    expect_error(read.s("PATCH", np, {"name": "", "location_uuid": ghost}), 403,
                 deny("nodes.update"))
    expect_error(read.s("PATCH", lp, {"flag": "x"}), 403, deny("locations.update"))
    # the permission before the state checks
    s = fixtures.server(ctx, DB, a.uuid, n["uuid"], w["egg"], "ord81 server")
    expect_error(read.s("DELETE", lp), 403, deny("locations.delete"))
    expect_error(a.s("DELETE", lp), 409, "location has nodes, cannot delete")
    expect_error(read.s("DELETE", np), 403, deny("nodes.delete"))
    expect_error(a.s("DELETE", np), 400, "node has servers, cannot delete")
    sql(ctx, f"DELETE FROM servers WHERE uuid = '{s}'")
    # allocations: payload, rules, then the permission
    ap = np + "/allocations"
    expect_error(read.s("POST", ap, {"ip": "no", "ports": [1]}), 400,
                 "invalid payload: invalid value for `ip`, expected an IP address")
    expect_error(read.s("POST", ap, {"ip": "10.0.0.1", "ports": []}), 400,
                 "ports: length is lower than 1")
    expect_error(read.s("POST", ap, {"ip": "10.0.0.1", "ports": [1]}), 403,
                 deny("nodes.allocations"))
    expect_error(read.s("GET", ap + "?port_from=0"), 400, "port_from: lower than 1")
    expect_error(read.s("GET", ap + "?assigned=maybe"), 400,
                 "Failed to deserialize query string: assigned: provided string was not "
                 "`true` or `false`")
    expect_error(read.s("DELETE", ap, {"selector": {"type": "filter", "filter": {}}}), 400,
                 "selector.filter: filter must narrow the selection by at least one criterion, "
                 "use the all selector to target every allocation")
    expect_error(read.s("PATCH", ap, {"selector": {"type": "all"}, "ip": "10.0.0.1",
                                      "ip_alias": ""}), 400,
                 "ip_alias: length is lower than 1")
    # every list and read route refuses an unknown method
    r = a.s("PUT", LOCS, {})
    eq(r.status, 405, "PUT on locations")


# --------------------------------------------------------------------------
# allocations

def alloc_node(ctx, w, name):
    """A location and node of their own; (node uuid, allocations path)."""
    loc = location(w, name + " loc")["uuid"]
    n, _, _ = node(ctx, w, loc, name)
    return n["uuid"], f"{NODES}/{n['uuid']}/allocations"


def listing(a, path, query=""):
    return ok(a.s("GET", path + query), f"list {query}")["allocations"]


def pairs(page):
    return [(x["ip"], x["port"]) for x in page["data"]]


def create(a, path, ip, ports, **kw):
    body = {"ip": ip, "ports": ports}
    body.update(kw)
    return ok(a.s("POST", path, body), f"create {ip}")["created"]


@test
def allocations_create(ctx):
    w = world(ctx)
    a = w["admin"]
    nu, ap = alloc_node(ctx, w, "ac81")
    ports = [25565, 25566, 25565, 0, 25567]
    eq(create(a, ap, "10.0.0.10", ports), 3, "distinct ports, port 0 dropped")
    last_activity(ctx, "node:allocation.create", a.uuid,
                  {"node_uuid": nu, "ip": "10.0.0.10/32", "ip_alias": None, "ports": ports})
    eq(create(a, ap, "10.0.0.10", [25566, 25568], ip_alias="mc.example.com"), 1,
       "ports the address has already are skipped")
    eq(create(a, ap, "10.0.0.10", [0]), 0, "only port 0: nothing")
    eq(create(a, ap, "10.0.0.2", list(range(30000, 31000))), 1000, "a range of 1000 ports")
    eq(create(a, ap, "2001:DB8:0::1", [80]), 1, "IPv6")
    eq(create(a, ap, "::ffff:10.0.0.10", [25565, 1]), 1,
       "an IPv4-mapped address is the IPv4 address")
    eq(create(a, ap, "::1", [1], ip_alias=None), 1, "::1")
    last_activity(ctx, "node:allocation.create", a.uuid,
                  {"node_uuid": nu, "ip": "::1/128", "ip_alias": None, "ports": [1]})
    page = listing(a, ap, "?port_to=100")
    eq(pairs(page), [("10.0.0.10", 1), ("::1", 1), ("2001:db8::1", 80)],
       "normalised, in address order (IPv4 first)")
    x = page["data"][0]
    eq(list(x), ALLOC_FIELDS, "NodeAllocation fields, in order")
    assert UUID_RE.match(x["uuid"]) and TS_RE.match(x["created"]), x
    eq((x["server"], x["ip_alias"]), (None, None), "free, no alias")
    page = listing(a, ap, "?per_page=3")
    eq((page["total"], pairs(page)),
       (1007, [("10.0.0.2", 30000), ("10.0.0.2", 30001), ("10.0.0.2", 30002)]),
       "10.0.0.2 before 10.0.0.10: numeric address order, then port")
    eq([x["ip_alias"] for x in listing(a, ap, "?ip=10.0.0.10&port_from=25565")["data"]],
       [None, None, None, "mc.example.com"], "the alias of the one created with it")
    eq(sql(ctx, f"SELECT COUNT(*) FROM node_allocations WHERE node_uuid = '{nu}'").strip(),
       "1007", "rows")
    # edges and errors
    eq(create(a, ap, "10.0.0.3", [65535], ip_alias="a"), 1, "alias of 1, port 65535")
    eq(create(a, ap, "10.0.0.3", [1], ip_alias="ä" * 255), 1, "alias of 255 characters")
    for body, errs in (
            ({"ip": "10.0.0.3", "ports": []}, ["ports: length is lower than 1"]),
            ({"ip": "10.0.0.3", "ports": [1], "ip_alias": ""},
             ["ip_alias: length is lower than 1"]),
            ({"ip": "10.0.0.3", "ports": [1], "ip_alias": "a" * 256},
             ["ip_alias: length is greater than 255"]),
            ({"ip": "10.0.0.3", "ports": [], "ip_alias": ""},
             ["ip_alias: length is lower than 1", "ports: length is lower than 1"]),
            ({"ip": "10.0.0.3", "ports": [1] * 65536},
             ["ports: length is greater than 65535"])):
        r = a.s("POST", ap, body)
        eq((r.status, r.json()), (400, {"errors": errs}), f"rules {str(body)[:80]}")
    for body, msg in (
            ({"ports": [1]}, "missing field `ip`"),
            ({"ip": "10.0.0.3"}, "missing field `ports`"),
            ({"ip": 10, "ports": [1]}, "invalid type for `ip`, expected a string"),
            ({"ip": "10.0.0.256", "ports": [1]}, "invalid value for `ip`, expected an IP address"),
            ({"ip": "10.0.0.0/24", "ports": [1]},
             "invalid value for `ip`, expected an IP address"),
            ({"ip": "node.example.com", "ports": [1]},
             "invalid value for `ip`, expected an IP address"),
            ({"ip": "10.0.0.3", "ports": 5}, "invalid type for `ports`, expected an array of ports"),
            ({"ip": "10.0.0.3", "ports": [1, 65536]},
             "invalid value for `ports[1]`, expected a port number (0-65535)"),
            ({"ip": "10.0.0.3", "ports": [-1]},
             "invalid value for `ports[0]`, expected a port number (0-65535)"),
            ({"ip": "10.0.0.3", "ports": [1, "2"]},
             "invalid value for `ports[1]`, expected a port number (0-65535)"),
            ({"ip": "10.0.0.3", "ports": [1], "ip_alias": 5},
             "invalid type for `ip_alias`, expected a string")):
        expect_error(a.s("POST", ap, body), 400, "invalid payload: " + msg)
    eq(sql(ctx, f"SELECT COUNT(*) FROM node_allocations WHERE node_uuid = '{nu}'").strip(),
       "1009", "nothing more was created")
    expect_error(a.s("POST", f"{NODES}/nope/allocations", {"ip": "10.0.0.1", "ports": [1]}),
                 400, "invalid node uuid")
    expect_error(a.s("POST", f"{NODES}/{uuidlib.uuid4()}/allocations",
                     {"ip": "10.0.0.1", "ports": [1]}), 404, "node not found")


@test
def allocations_all_ports(ctx):
    """The whole port range in one request, and back out."""
    w = world(ctx)
    a = w["admin"]
    nu, ap = alloc_node(ctx, w, "aap81")
    eq(create(a, ap, "10.1.0.1", list(range(1, 65536))), 65535, "65535 items")
    eq(create(a, ap, "10.1.0.1", list(range(0, 65535))), 0,
       "65535 items, all there already (or 0)")
    page = listing(a, ap, "?per_page=2&page=32767")
    eq((page["total"], pairs(page)), (65535, [("10.1.0.1", 65533), ("10.1.0.1", 65534)]),
       "the last pages")
    eq(ok(a.s("GET", ap + "/ips"), "ips"), {"ips": ["10.1.0.1"]}, "one address")
    eq(ok(a.s("PATCH", ap, {"selector": {"type": "all"}, "ip": "10.1.0.2"}), "move all"),
       {"updated": 65535, "skipped": 0}, "all moved")
    eq(ok(a.s("GET", ap + "/ips"), "ips"), {"ips": ["10.1.0.2"]}, "the new address")
    eq(ok(a.s("DELETE", ap, {"selector": {"type": "all"}}), "delete all"),
       {"deleted": 65535, "skipped": 0}, "all deleted")
    eq(ok(a.s("GET", ap + "/ips"), "ips"), {"ips": []}, "none left")


@test
def allocations_list_filters(ctx):
    w = world(ctx)
    a = w["admin"]
    nu, ap = alloc_node(ctx, w, "alf81")
    create(a, ap, "10.0.0.2", [100, 200, 300], ip_alias="Game.Example.com")
    create(a, ap, "10.0.0.10", [100])
    create(a, ap, "2001:db8::5", [100])
    s = fixtures.server(ctx, DB, a.uuid, nu, w["egg"], "alf81 server",
                        allocation=("10.0.0.10", 150))
    sql(ctx, f"UPDATE server_allocations SET notes = 'Survival World' WHERE server_uuid = '{s}'")
    every = [("10.0.0.2", 100), ("10.0.0.2", 200), ("10.0.0.2", 300), ("10.0.0.10", 100),
             ("10.0.0.10", 150), ("2001:db8::5", 100)]
    page = listing(a, ap)
    eq((page["total"], page["per_page"], page["page"], pairs(page)), (6, 25, 1, every), "all")
    srv = page["data"][4]["server"]
    eq((srv["uuid"], srv["name"], srv["allocation"]["port"], srv["allocation"]["notes"]),
       (s, "alf81 server", 150, "Survival World"), "an assigned allocation: its AdminServer")
    eq(page["data"][3]["server"], None, "a free allocation: null")
    for q, want in (("?ip=10.0.0.10", every[3:5]),
                    ("?ip=2001:DB8:0::5", every[5:]),
                    ("?port_from=150&port_to=250", [every[1], every[4]]),
                    ("?port_from=300", [every[2]]),
                    ("?port_to=100", [every[0], every[3], every[5]]),
                    ("?assigned=true", [every[4]]),
                    ("?assigned=false", every[:4] + every[5:]),
                    ("?search=0.2:2", [every[1]]),
                    ("?search=game.EXAMPLE.com:3", [every[2]]),
                    ("?search=GAME", every[:3]),
                    ("?search=survival", [every[4]]),
                    ("?search=db8::5:1", [every[5]]),
                    ("?ip=10.0.0.2&port_from=200&assigned=false", every[1:3]),
                    ("?per_page=2&page=2", every[2:4]),
                    ("?search=nothing", [])):
        eq(pairs(listing(a, ap, q)), want, q)
    page = listing(a, ap, "?per_page=4&page=3")
    eq((page["total"], page["data"]), (0, []), "past the end")
    avail = ok(a.s("GET", ap + "/available"), "available")["allocations"]
    eq((avail["total"], pairs(avail)), (5, every[:4] + every[5:]), "available: the free ones")
    eq(pairs(listing(a, ap + "/available", "?search=GAME&per_page=2&page=2")), [every[2]],
       "available: search and pages")
    eq(pairs(listing(a, ap + "/available", "?search=survival")), [],
       "available: notes are not searched")
    eq(ok(a.s("GET", ap + "/ips"), "ips"), {"ips": ["10.0.0.2", "10.0.0.10", "2001:db8::5"]},
       "distinct addresses in address order")
    for q, msgs in (("?port_from=0", ["port_from: lower than 1"]),
                    ("?port_to=65536", ["port_to: greater than 65535"]),
                    ("?port_from=0&port_to=70000", ["port_from: lower than 1",
                                                    "port_to: greater than 65535"]),
                    ("?per_page=101", ["per_page: greater than 100"]),
                    ("?search=" + "s" * 129, ["search: length is greater than 128"])):
        r = a.s("GET", ap + q)
        eq((r.status, r.json()), (400, {"errors": msgs}), q)
    for q, msg in (("?port_from=x", "port_from: invalid digit found in string"),
                   ("?port_to=1.5", "port_to: invalid digit found in string"),
                   ("?ip=abc", "ip: invalid IP address syntax"),
                   ("?ip=", "ip: invalid IP address syntax"),
                   ("?assigned=yes", "assigned: provided string was not `true` or `false`"),
                   ("?ip=10.0.0.2%", "ip: invalid IP address syntax")):
        expect_error(a.s("GET", ap + q), 400, "Failed to deserialize query string: " + msg)
    r = a.s("GET", ap + "/available?page=0")
    eq((r.status, r.json()), (400, {"errors": ["page: lower than 1"]}), "available: pages")
    expect_error(a.s("GET", f"{NODES}/x/allocations/ips"), 400, "invalid node uuid")
    expect_error(a.s("GET", f"{NODES}/{uuidlib.uuid4()}/allocations/available"), 404,
                 "node not found")


def uuid_of(a, ap, ip, port):
    for x in listing(a, ap, f"?ip={ip}&port_from={port}&port_to={port}")["data"]:
        return x["uuid"]
    raise AssertionError(f"no allocation {ip}:{port}")


@test
def allocations_move(ctx):
    w = world(ctx)
    a = w["admin"]
    nu, ap = alloc_node(ctx, w, "am81")
    create(a, ap, "10.0.1.1", [1, 2, 3], ip_alias="old")
    create(a, ap, "10.0.1.2", [2])
    create(a, ap, "10.0.1.3", [1])
    sel = {"type": "filter", "filter": {"ip": "10.0.1.1"}}
    r = ok(a.s("PATCH", ap, {"selector": sel, "ip": "10.0.1.2", "ip_alias": "moved"}), "move")
    eq(r, {"updated": 2, "skipped": 1}, "port 2 is taken at the new address")
    last_activity(ctx, "node:allocation.update", a.uuid, {
        "node_uuid": nu, "ip": "10.0.1.2/32", "ip_alias": "moved",
        "selector": {"type": "filter", "filter": {"search": None, "ip": "10.0.1.1",
                                                  "port_from": None, "port_to": None,
                                                  "assigned": None}},
        "updated": 2, "skipped": 1})
    page = listing(a, ap)
    eq([(x["ip"], x["port"], x["ip_alias"]) for x in page["data"]],
       [("10.0.1.1", 2, "old"), ("10.0.1.2", 1, "moved"), ("10.0.1.2", 2, None),
        ("10.0.1.2", 3, "moved"), ("10.0.1.3", 1, None)], "moved and re-aliased")
    # per port, the smallest uuid moves
    by_port, alias = {}, {}
    for x in page["data"]:
        by_port.setdefault(x["port"], []).append(x["uuid"])
        alias[x["uuid"]] = x["ip_alias"] or ""
    movers = {min(v) for v in by_port.values()}
    r = ok(a.s("PATCH", ap, {"selector": {"type": "all"}, "ip": "10.0.1.9"}), "move all")
    eq(r, {"updated": 3, "skipped": 2}, "one per port")
    at9 = {x["uuid"] for x in listing(a, ap, "?ip=10.0.1.9")["data"]}
    eq(at9, movers, "the smallest uuid of each port moved")
    eq(sorted(x["ip_alias"] or "" for x in listing(a, ap, "?ip=10.0.1.9")["data"]),
       sorted(alias[u] for u in movers), "an absent ip_alias keeps each alias")
    # the same address: a re-alias; null clears
    u3 = uuid_of(a, ap, "10.0.1.9", 3)
    eq(ok(a.s("PATCH", ap, {"selector": {"type": "uuids", "uuids": [u3.upper()]},
                            "ip": "10.0.1.9", "ip_alias": "re"})),
       {"updated": 1, "skipped": 0}, "re-alias in place")
    eq(listing(a, ap, "?ip=10.0.1.9&port_from=3")["data"][0]["ip_alias"], "re", "new alias")
    ok(a.s("PATCH", ap, {"selector": {"type": "uuids", "uuids": [u3]}, "ip": "10.0.1.9",
                         "ip_alias": None}))
    eq(listing(a, ap, "?ip=10.0.1.9&port_from=3")["data"][0]["ip_alias"], None, "cleared")
    other, oap = alloc_node(ctx, w, "am81 other")
    create(a, oap, "10.0.1.1", [5])
    eq(ok(a.s("PATCH", ap, {"selector": {"type": "uuids",
                                         "uuids": [uuid_of(a, oap, "10.0.1.1", 5)]},
                            "ip": "10.0.1.8"})),
       {"updated": 0, "skipped": 0}, "another node's allocation is not matched")
    eq(ok(a.s("PATCH", ap, {"selector": {"type": "uuids", "uuids": []}, "ip": "10.0.1.8"})),
       {"updated": 0, "skipped": 0}, "an empty list matches nothing")
    # the selector's and the body's errors
    base = {"ip": "10.0.1.8"}
    for sel, msg in (
            (None, "missing field `selector`"),
            ("all", "invalid type for `selector`, expected an object"),
            ({}, "missing field `selector.type`"),
            ({"type": 5}, "invalid type for `selector.type`, expected a string"),
            ({"type": "some"}, "unknown variant `some`, expected one of `uuids`, `all`, "
                               "`filter`"),
            ({"type": "uuids"}, "missing field `selector.uuids`"),
            ({"type": "uuids", "uuids": "x"},
             "invalid type for `selector.uuids`, expected an array of UUIDs"),
            ({"type": "uuids", "uuids": [str(uuidlib.uuid4()), "x"]},
             "invalid value for `selector.uuids[1]`, expected a UUID"),
            ({"type": "filter"}, "missing field `selector.filter`"),
            ({"type": "filter", "filter": []},
             "invalid type for `selector.filter`, expected an object"),
            ({"type": "filter", "filter": {"port_from": "1"}},
             "invalid type for `selector.filter.port_from`, expected an integer"),
            ({"type": "filter", "filter": {"assigned": 1}},
             "invalid type for `selector.filter.assigned`, expected a boolean"),
            ({"type": "filter", "filter": {"ip": "x"}},
             "invalid value for `selector.filter.ip`, expected an IP address")):
        body = dict(base)
        if sel is not None:
            body["selector"] = sel
        expect_error(a.s("PATCH", ap, body), 400, "invalid payload: " + msg)
    expect_error(a.s("PATCH", ap, {"selector": {"type": "all"}}), 400,
                 "invalid payload: missing field `ip`")
    expect_error(a.s("PATCH", ap, {"selector": {"type": "all"}, "ip": "10.0.1"}), 400,
                 "invalid payload: invalid value for `ip`, expected an IP address")
    narrow = ("selector.filter: filter must narrow the selection by at least one criterion, "
              "use the all selector to target every allocation")
    for sel, extra, errs in (
            ({"type": "filter", "filter": {}}, {}, [narrow]),
            ({"type": "filter", "filter": {"search": "", "ip": None}}, {}, [narrow]),
            ({"type": "filter", "filter": {"search": "s" * 129, "port_from": 0,
                                           "port_to": 65536}}, {"ip_alias": ""},
             ["selector.filter.search: length is greater than 128",
              "selector.filter.port_from: lower than 1",
              "selector.filter.port_to: greater than 65535",
              "ip_alias: length is lower than 1"]),
            ({"type": "all"}, {"ip_alias": "a" * 256}, ["ip_alias: length is greater than 255"]),
            ({"type": "filter", "filter": {"port_from": -2 ** 63, "port_to": 2 ** 63 - 1}}, {},
             ["selector.filter.port_from: lower than 1",
              "selector.filter.port_to: greater than 65535"])):
        body = dict(base, selector=sel, **extra)
        r = a.s("PATCH", ap, body)
        eq((r.status, r.json()), (400, {"errors": errs}), f"rules {str(sel)[:60]}")
    eq(len(listing(a, ap, "?ip=10.0.1.8")["data"]), 0, "nothing moved by the errors")
    # filter criteria of a selector
    eq(ok(a.s("PATCH", ap, {"selector": {"type": "filter",
                                         "filter": {"port_from": 2, "port_to": 2,
                                                    "search": "10.0.1.", "assigned": False}},
                            "ip": "10.0.1.7"})), {"updated": 1, "skipped": 1},
       "filter: port 2 at two addresses, one moves")


@test
def allocations_delete(ctx):
    w = world(ctx)
    a = w["admin"]
    nu, ap = alloc_node(ctx, w, "ad81")
    create(a, ap, "10.0.2.1", [1, 2, 3, 4, 5])
    s = fixtures.server(ctx, DB, a.uuid, nu, w["egg"], "ad81 server",
                        allocation=("10.0.2.1", 6))
    sel = {"type": "filter", "filter": {"port_from": 5}}
    eq(ok(a.s("DELETE", ap, {"selector": sel}), "delete"), {"deleted": 1, "skipped": 1},
       "the free one goes, the assigned one stays")
    last_activity(ctx, "node:allocation.delete", a.uuid, {
        "node_uuid": nu, "force": False, "deleted": 1, "skipped": 1,
        "selector": {"type": "filter", "filter": {"search": None, "ip": None, "port_from": 5,
                                                  "port_to": None, "assigned": None}}})
    assigned = uuid_of(a, ap, "10.0.2.1", 6)
    n_before = len(activities(ctx, "node:allocation.delete"))
    expect_error(a.s("DELETE", ap, {"selector": {"type": "uuids", "uuids": [assigned]}}), 409,
                 "every matched allocation is assigned to a server, force deletion to remove "
                 "them anyway")
    eq(len(activities(ctx, "node:allocation.delete")), n_before, "no activity for the 409")
    eq(ok(a.s("DELETE", ap, {"selector": {"type": "uuids", "uuids": [assigned]},
                             "force": True}), "force"), {"deleted": 1, "skipped": 0}, "forced")
    last_activity(ctx, "node:allocation.delete", a.uuid, {
        "node_uuid": nu, "force": True, "deleted": 1, "skipped": 0,
        "selector": {"type": "uuids", "uuids": [assigned]}})
    eq(sql(ctx, f"SELECT COUNT(*) FROM server_allocations WHERE server_uuid = '{s}'").strip(),
       "0", "the server lost its allocation")
    eq(sql(ctx, f"SELECT allocation_uuid IS NULL FROM servers WHERE uuid = '{s}'").strip(), "1",
       "and its primary allocation")
    eq(ok(a.s("DELETE", ap, {"selector": {"type": "all"}, "force": False})),
       {"deleted": 4, "skipped": 0}, "the rest")
    eq(ok(a.s("DELETE", ap, {"selector": {"type": "all"}})), {"deleted": 0, "skipped": 0},
       "nothing matched: no error")
    expect_error(a.s("DELETE", ap), 400, "invalid payload: missing content type header")
    expect_error(a.s("DELETE", ap, {}), 400, "invalid payload: missing field `selector`")
    expect_error(a.s("DELETE", ap, {"selector": {"type": "all"}, "force": "yes"}), 400,
                 "invalid payload: invalid type for `force`, expected a boolean")
    expect_error(a.s("DELETE", ap, {"selector": {"type": "filter", "filter": {"ip": "::g"}}}),
                 400, "invalid payload: invalid value for `selector.filter.ip`, expected an IP "
                      "address")
    expect_error(a.s("DELETE", f"{NODES}/nope/allocations", {"selector": {"type": "all"}}),
                 400, "invalid node uuid")
