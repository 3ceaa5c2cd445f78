"""Admin nests, eggs and egg variables (contract 8.5, 8.6, 3.10, 12.3;
contract-extra 5.4, 5.7, 5.8, 7.8, 9): every route with its exact JSON
shape, every error string with its status, the order of checks where two
apply (sub-gates, body types, permission, field rules, conflicts),
pagination, search and order, 403 for roles and API keys without the
permission, length edges, ordered objects kept in order, duplicate values,
the deliberate all-or-nothing nest delete, and the admin activity rows."""

import json

import fixtures
from harness import test, eq, expect_error, lighttpd_stack, reset_ratelimits
from t_71_apikeys import Account, UUID_RE, TS_RE

DB = "panel_adm82"
NESTS = "/api/admin/nests"
NEST_KEYS = ["uuid", "name", "description", "author", "created"]
EGG_KEYS = ["uuid", "egg_repository_egg", "name", "description", "author", "config_files",
            "config_startup", "config_stop", "config_script", "startup_commands",
            "force_outgoing_ip", "separate_port", "features", "docker_images", "file_denylist",
            "created"]
VAR_KEYS = ["uuid", "name", "name_translations", "description", "description_translations",
            "order", "env_variable", "default_value", "user_viewable", "user_editable",
            "is_secret", "rules", "created"]
MISSING = "00000000-0000-4000-8000-000000000000"


def perm(p):
    return f"you do not have permission to perform this action: {p}"


def world(ctx):
    """admin (flag), writer (every nests.* and eggs.*), reader (nests.read,
    eggs.read), nestonly (nests.read), eggsonly (eggs.read), other
    (users.read: passes the admin gate only), plain (no admin rights)."""
    if getattr(ctx, "_w82", None) is not None:
        reset_ratelimits(ctx._w82["lt"].cfg)
        return ctx._w82
    lt = lighttpd_stack(ctx, "adm82", dbname=DB, extra={"settings_cache_seconds": "0"})
    w = {"lt": lt}
    roles = {
        "writer": ["nests.create", "nests.read", "nests.update", "nests.delete", "eggs.create",
                   "eggs.read", "eggs.update", "eggs.delete"],
        "reader": ["nests.read", "eggs.read"],
        "nestonly": ["nests.read"],
        "eggsonly": ["eggs.read"],
        "other": ["users.read"],
    }
    w["admin"] = Account(ctx, "n82_admin", admin=True, lt=lt, db=DB)
    w["plain"] = Account(ctx, "n82_plain", lt=lt, db=DB)
    for name, perms in roles.items():
        w[name] = Account(ctx, "n82_" + name, lt=lt, db=DB)
        r = fixtures.role(ctx, DB, "n82-" + name, admin_permissions=perms)
        ctx.db.sql(f"UPDATE users SET role_uuid = '{r}' WHERE uuid = '{w[name].uuid}'", db=DB)
    w["location"] = fixtures.location(ctx, DB)
    w["node"] = fixtures.node(ctx, DB, w["location"])
    ctx._w82 = w
    return w


def ok(resp, what=""):
    eq(resp.status, 200, f"{what}: {resp!r}")
    return resp.json()


def mk_nest(a, name, author="tests@example.com", description=None):
    body = {"author": author, "name": name}
    if description is not None:
        body["description"] = description
    return ok(a.s("POST", NESTS, body), f"create nest {name}")["nest"]


def egg_body(name="Paper", over=None, **kw):
    """An egg body; over (a dict) and kw replace fields (over may rename)."""
    b = {
        "author": "tests@example.com", "name": name, "description": "A fast server",
        "config_files": [{"file": "server.properties", "parser": "properties",
                          "replace": [{"match": "server-port",
                                       "replace_with": "{{server.build.default.port}}"}]}],
        "config_startup": {"done": ")! For help, type "},
        "config_stop": {"type": "command", "value": "stop"},
        "config_script": {"container": "alpine", "entrypoint": "ash", "script": "echo hi"},
        "startup_commands": {"Zulu": "java -jar zulu.jar", "Alpha": "java -jar alpha.jar"},
        "force_outgoing_ip": False, "separate_port": True, "features": ["eula"],
        "docker_images": {"Java 21": "ghcr.io/yolks:java_21", "Java 17": "ghcr.io/yolks:java_17"},
        "file_denylist": ["*.jar.bak"],
    }
    b.update(over or {})
    b.update(kw)
    return b


def eggs_path(nest):
    return f"{NESTS}/{nest}/eggs"


def mk_egg(a, nest, name, **over):
    return ok(a.s("POST", eggs_path(nest), egg_body(name, **over)), f"create egg {name}")["egg"]


def var_body(env="SERVER_JAR", **over):
    b = {"name": "Server Jar", "name_translations": {}, "description": "The jar",
         "description_translations": {}, "order": 1, "env_variable": env,
         "default_value": "server.jar", "user_viewable": True, "user_editable": True,
         "secret": False, "rules": ["required", "string", "max:20"]}
    b.update(over)
    return b


def admin_events(ctx, event):
    """[(user_uuid, api_key_uuid, data)] of the admin activity rows of
    event, oldest first."""
    out = ctx.db.sql("SELECT IFNULL(user_uuid, 'NULL'), IFNULL(api_key_uuid, 'NULL'), HEX(data) "
                     f"FROM admin_activities WHERE event = '{event}' ORDER BY id", db=DB)
    rows = []
    for line in out.splitlines():
        u, k, d = line.split("\t")
        rows.append((None if u == "NULL" else u, None if k == "NULL" else k,
                     json.loads(bytes.fromhex(d).decode())))
    return rows


def last_event(ctx, event):
    rows = admin_events(ctx, event)
    assert rows, f"no {event} row"
    return rows[-1]


def subset(data, want, what):
    eq({k: data.get(k) for k in want}, want, what)


# --------------------------------------------------------------------------
# nests

@test
def nest_create_get_and_edges(ctx):
    w = world(ctx)
    a = w["admin"]
    n = mk_nest(a, "Minecraft 82", description="Block games")
    eq(list(n), NEST_KEYS, "Nest field order")
    assert UUID_RE.match(n["uuid"]) and TS_RE.match(n["created"]), n
    eq((n["name"], n["description"], n["author"]),
       ("Minecraft 82", "Block games", "tests@example.com"), "fields")
    eq(ok(a.s("GET", f"{NESTS}/{n['uuid']}")), {"nest": n}, "GET returns the same object")
    eq(ok(a.s("GET", f"{NESTS}/{n['uuid'].upper()}"))["nest"]["uuid"], n["uuid"],
       "an uppercase UUID is the same nest")
    eq(mk_nest(a, "No description 82")["description"], None, "description absent = null")
    eq(ok(a.s("POST", NESTS, {"author": "ab", "name": "n", "description": None}))["nest"]
       ["description"], None, "null description = absent")
    # edges: author 2..255, name 1..255, description 1..1024 (characters)
    mk_nest(a, "é" * 255, author="x" * 255, description="d" * 1024)
    mk_nest(a, "Edge 82", author="é" * 255)
    for body, err in (
            ({"author": "a", "name": "e1"}, ["author: length is lower than 2"]),
            ({"author": "a" * 256, "name": "e2"}, ["author: length is greater than 255"]),
            ({"author": "ab", "name": ""}, ["name: length is lower than 1"]),
            ({"author": "ab", "name": "n" * 256}, ["name: length is greater than 255"]),
            ({"author": "ab", "name": "e3", "description": ""},
             ["description: length is lower than 1"]),
            ({"author": "ab", "name": "e4", "description": "d" * 1025},
             ["description: length is greater than 1024"]),
            ({"author": "a", "name": "", "description": ""},
             ["author: length is lower than 2", "name: length is lower than 1",
              "description: length is lower than 1"])):
        r = a.s("POST", NESTS, body)
        eq((r.status, r.json()), (400, {"errors": err}), f"rules {body}")
    expect_error(a.s("POST", NESTS, {"name": "x"}), 400, "invalid payload: missing field `author`")
    expect_error(a.s("POST", NESTS, {"author": "ab", "name": 5}), 400,
                 "invalid payload: invalid type for `name`, expected a string")
    expect_error(a.s("POST", NESTS, {"author": "ab", "name": "Minecraft 82"}), 409,
                 "nest with name already exists")
    eq(ok(a.s("POST", NESTS, {"author": "ab", "name": "minecraft 82"}))["nest"]["name"],
       "minecraft 82", "names are unique case-sensitively")
    u, k, d = last_event(ctx, "nest:create")
    eq((u, k), (a.uuid, None), "activity by the admin, no key")
    row = [x for x in admin_events(ctx, "nest:create") if x[2]["uuid"] == n["uuid"]][0][2]
    subset(row, {"uuid": n["uuid"], "author": "tests@example.com", "name": "Minecraft 82",
                 "description": "Block games"}, "nest:create data")


@test
def nest_permission_order_and_gates(ctx):
    w = world(ctx)
    a, other, plain, reader = w["admin"], w["other"], w["plain"], w["reader"]
    n = mk_nest(a, "Gate nest 82")
    p = f"{NESTS}/{n['uuid']}"
    expect_error(plain.s("GET", NESTS), 401, "unauthorized")
    expect_error(plain.s("GET", p), 401, "unauthorized")
    expect_error(other.s("GET", NESTS), 403, perm("nests.read"))
    # pagination is checked before the permission
    expect_error(other.s("GET", NESTS + "?page=0"), 400, "page: lower than 1")
    # sub-gate: UUID, then nests.read, then existence
    expect_error(other.s("GET", f"{NESTS}/not-a-uuid"), 400, "invalid nest id")
    expect_error(other.s("GET", p), 403, perm("nests.read"))
    expect_error(other.s("GET", f"{NESTS}/{MISSING}"), 403, perm("nests.read"))
    expect_error(reader.s("GET", f"{NESTS}/{MISSING}"), 404, "nest not found")
    eq(ok(reader.s("GET", p))["nest"]["uuid"], n["uuid"], "a role with nests.read")
    # create: body types, then the permission, then the field rules
    expect_error(reader.s("POST", NESTS, {"author": 1, "name": "x"}), 400,
                 "invalid payload: invalid type for `author`, expected a string")
    expect_error(reader.s("POST", NESTS, {"author": "a", "name": ""}), 403, perm("nests.create"))
    expect_error(reader.s("POST", NESTS, {"author": "ab", "name": "r82"}), 403,
                 perm("nests.create"))
    # update / delete need their own permission after the sub-gate
    expect_error(reader.s("PATCH", p, {"name": "x"}), 403, perm("nests.update"))
    expect_error(reader.s("PATCH", p, {"name": ""}), 403, perm("nests.update"))
    expect_error(reader.s("PATCH", p, {"name": 7}), 400,
                 "invalid payload: invalid type for `name`, expected a string")
    expect_error(other.s("PATCH", p, {"name": 7}), 403, perm("nests.read"))
    expect_error(reader.s("DELETE", p, {}), 403, perm("nests.delete"))
    expect_error(reader.s("DELETE", f"{NESTS}/bad", {}), 400, "invalid nest id")
    eq(ok(w["writer"].s("PATCH", p, {"author": "writer"})), {}, "a role with nests.update")


@test
def nest_api_keys(ctx):
    w = world(ctx)
    a, writer = w["admin"], w["writer"]
    n = mk_nest(a, "Key nest 82")
    _, k_read = a.create("n82-read", admin=["nests.read"])
    _, k_none = a.create("n82-none")
    kid, k_write = writer.create("n82-write", admin=["nests.read", "nests.create"])
    eq(ok(a.k(k_read, "GET", f"{NESTS}/{n['uuid']}"))["nest"]["name"], "Key nest 82",
       "key with nests.read")
    expect_error(a.k(k_read, "POST", NESTS, {"author": "ab", "name": "k82"}), 403,
                 perm("nests.create"))
    expect_error(a.k(k_none, "GET", NESTS), 403, perm("nests.read"))
    expect_error(a.k(k_none, "GET", f"{NESTS}/{n['uuid']}"), 403, perm("nests.read"))
    expect_error(a.k(k_read, "GET", NESTS + "/eggs"), 403, perm("eggs.read"))
    made = ok(writer.k(k_write, "POST", NESTS, {"author": "ab", "name": "Keyed 82"}))["nest"]
    expect_error(writer.k(k_write, "PATCH", f"{NESTS}/{made['uuid']}", {"name": "x"}), 403,
                 perm("nests.update"))
    u, key, d = last_event(ctx, "nest:create")
    eq((u, key, d["uuid"]), (writer.uuid, kid["uuid"], made["uuid"]),
       "activity names the user and the key")


@test
def nest_list_pagination_search_order(ctx):
    w = world(ctx)
    a = w["admin"]
    made = [mk_nest(a, f"Paged {i} 82") for i in range(5)]
    for i, n in enumerate(made):
        ctx.db.sql(f"UPDATE nests SET created = '2020-01-01 00:00:0{5 - i}' "
                   f"WHERE uuid = '{n['uuid']}'", db=DB)
    r = ok(a.s("GET", NESTS + "?search=paged&per_page=2"))["nests"]
    eq((r["total"], r["per_page"], r["page"], [x["name"] for x in r["data"]]),
       (5, 2, 1, ["Paged 4 82", "Paged 3 82"]), "oldest first, search case-insensitive")
    eq(list(r["data"][0]), NEST_KEYS, "list items are Nest objects")
    r = ok(a.s("GET", NESTS + "?search=PAGED&per_page=2&page=3"))["nests"]
    eq([x["name"] for x in r["data"]], ["Paged 0 82"], "last page")
    r = ok(a.s("GET", NESTS + "?search=paged&per_page=2&page=4"))["nests"]
    eq((r["total"], r["data"]), (0, []), "past the end")
    eq(ok(a.s("GET", NESTS + "?search=nothing-like-this"))["nests"]["data"], [], "no match")
    all_ = ok(a.s("GET", NESTS + "?per_page=100"))["nests"]
    eq(all_["total"], len(all_["data"]), "total counts every nest")
    for q, msg in (("page=0", "page: lower than 1"), ("per_page=0", "per_page: lower than 1"),
                   ("per_page=101", "per_page: greater than 100"),
                   ("search=" + "s" * 129, "search: length is greater than 128")):
        expect_error(a.s("GET", NESTS + "?" + q), 400, msg)
    eq(ok(a.s("GET", NESTS + "?search=" + "s" * 128))["nests"]["data"], [], "128 is allowed")


@test
def nest_update(ctx):
    w = world(ctx)
    a = w["admin"]
    n = mk_nest(a, "Update nest 82", description="old")
    mk_nest(a, "Taken nest 82")
    p = f"{NESTS}/{n['uuid']}"
    eq(ok(a.s("PATCH", p, {"name": "Renamed nest 82"})), {}, "PATCH answers {}")
    got = ok(a.s("GET", p))["nest"]
    eq((got["name"], got["author"], got["description"]),
       ("Renamed nest 82", "tests@example.com", "old"), "absent fields unchanged")
    ok(a.s("PATCH", p, {"description": None, "author": "zz"}))
    got = ok(a.s("GET", p))["nest"]
    eq((got["author"], got["description"]), ("zz", None), "description null clears it")
    ok(a.s("PATCH", p, {}))
    eq(ok(a.s("GET", p))["nest"], got, "an empty PATCH changes nothing")
    for body, err in (({"author": "a"}, "author: length is lower than 2"),
                      ({"name": ""}, "name: length is lower than 1"),
                      ({"name": "x" * 256}, "name: length is greater than 255"),
                      ({"description": ""}, "description: length is lower than 1"),
                      ({"description": "x" * 1025}, "description: length is greater than 1024")):
        expect_error(a.s("PATCH", p, body), 400, err)
    ok(a.s("PATCH", p, {"name": "x" * 255, "description": "y" * 1024, "author": "a" * 255}))
    expect_error(a.s("PATCH", p, {"name": "Taken nest 82"}), 409, "nest with name already exists")
    expect_error(a.s("PATCH", f"{NESTS}/{MISSING}", {"name": "x"}), 404, "nest not found")
    u, k, d = last_event(ctx, "nest:update")
    eq((u, k), (a.uuid, None), "activity row")
    subset(d, {"uuid": n["uuid"], "name": "x" * 255, "author": "a" * 255,
               "description": "y" * 1024}, "nest:update data: the nest now")


@test
def nest_delete_rules(ctx):
    w = world(ctx)
    a = w["admin"]
    empty = mk_nest(a, "Empty nest 82")
    r = a.s("DELETE", f"{NESTS}/{empty['uuid']}")
    expect_error(r, 400, "invalid payload: missing content type header")
    r = a.s("DELETE", f"{NESTS}/{empty['uuid']}", "", headers={"Content-Type": "application/json"})
    eq((r.status, r.json()), (200, {}), "an empty body is {}")
    expect_error(a.s("GET", f"{NESTS}/{empty['uuid']}"), 404, "nest not found")
    u, k, d = last_event(ctx, "nest:delete")
    subset(d, {"uuid": empty["uuid"], "name": "Empty nest 82", "delete_eggs": False},
           "nest:delete data")
    # with eggs
    n = mk_nest(a, "Full nest 82")
    e1 = mk_egg(a, n["uuid"], "Egg one")
    e2 = mk_egg(a, n["uuid"], "Egg two")
    ok(a.s("POST", f"{eggs_path(n['uuid'])}/{e1['uuid']}/variables", var_body()))
    p = f"{NESTS}/{n['uuid']}"
    expect_error(a.s("DELETE", p, {}), 409, "nest has eggs, cannot delete")
    expect_error(a.s("DELETE", p, {"delete_eggs": False}), 409, "nest has eggs, cannot delete")
    expect_error(a.s("DELETE", p, {"delete_eggs": "yes"}), 400,
                 "invalid payload: invalid type for `delete_eggs`, expected a boolean")
    srv = fixtures.server(ctx, DB, a.uuid, w["node"], e2["uuid"], "Uses egg two")
    expect_error(a.s("DELETE", p, {"delete_eggs": True}), 409,
                 "nest has eggs that are still in use, cannot delete")
    eq(len(ok(a.s("GET", eggs_path(n["uuid"])))["eggs"]["data"]), 2,
       "all or nothing: no egg was deleted (the panel deletes those before the one in use)")
    ctx.db.sql(f"DELETE FROM servers WHERE uuid = '{srv}'", db=DB)
    eq(ok(a.s("DELETE", p, {"delete_eggs": True})), {}, "delete_eggs=true")
    expect_error(a.s("GET", p), 404, "nest not found")
    eq(ctx.db.sql(f"SELECT COUNT(*) FROM nest_eggs WHERE nest_uuid = '{n['uuid']}'", db=DB)
       .strip(), "0", "eggs gone")
    eq(ctx.db.sql(f"SELECT COUNT(*) FROM nest_egg_variables WHERE egg_uuid = '{e1['uuid']}'",
                  db=DB).strip(), "0", "their variables gone")
    subset(last_event(ctx, "nest:delete")[2], {"uuid": n["uuid"], "delete_eggs": True},
           "activity of the second delete")


# --------------------------------------------------------------------------
# eggs

@test
def egg_create_shape_defaults_and_order(ctx):
    w = world(ctx)
    a = w["admin"]
    n = mk_nest(a, "Egg nest 82")
    body = egg_body("Paper", extra_key="dropped")
    body["config_files"][0]["unknown"] = 1
    r = a.s("POST", eggs_path(n["uuid"]), body)
    egg = ok(r)["egg"]
    eq(list(egg), EGG_KEYS, "AdminEgg field order")
    assert UUID_RE.match(egg["uuid"]) and TS_RE.match(egg["created"]), egg
    eq(egg["egg_repository_egg"], None, "no egg repository")
    eq(egg["config_files"], [{"file": "server.properties", "create_new": True,
                              "parser": "properties",
                              "replace": [{"match": "server-port", "insert_new": False,
                                           "update_existing": True, "if_value": None,
                                           "replace_with": "{{server.build.default.port}}"}]}],
       "config_files with defaults, unknown keys dropped")
    eq(list(egg["config_files"][0]), ["file", "create_new", "parser", "replace"], "file order")
    eq(egg["config_startup"], {"done": [")! For help, type "], "strip_ansi": False},
       "done as a single string becomes a list")
    eq(egg["config_stop"], {"type": "command", "value": "stop"}, "config_stop")
    eq(egg["config_script"], {"container": "alpine", "entrypoint": "ash", "content": "echo hi"},
       "script is an alias of content")
    eq(list(egg["startup_commands"].items()),
       [("Zulu", "java -jar zulu.jar"), ("Alpha", "java -jar alpha.jar")],
       "startup_commands keep the order sent")
    eq(list(egg["docker_images"]), ["Java 21", "Java 17"], "docker_images keep the order sent")
    eq((egg["force_outgoing_ip"], egg["separate_port"], egg["features"], egg["file_denylist"]),
       (False, True, ["eula"], ["*.jar.bak"]), "flags and lists")
    assert r.body.index(b'"Zulu"') < r.body.index(b'"Alpha"'), "order on the wire"
    got = a.s("GET", f"{eggs_path(n['uuid'])}/{egg['uuid']}")
    eq(ok(got), {"egg": egg}, "GET returns the same object")
    assert got.body.index(b'"Zulu"') < got.body.index(b'"Alpha"'), "order kept when stored"
    listed = ok(a.s("GET", eggs_path(n["uuid"])))["eggs"]["data"]
    eq(listed, [egg], "listed")
    # other defaults and forms
    e2 = mk_egg(a, n["uuid"], "Forms", config_startup={"done": ["a", "b"], "strip_ansi": True},
                config_stop={"type": "signal"},
                config_script={"container": "c", "entrypoint": "e", "content": None},
                config_files=[{"file": "f.yml", "create_new": False, "parser": "yaml",
                               "replace": [{"match": "m", "insert_new": True,
                                            "update_existing": False, "if_value": "v",
                                            "replace_with": {"deep": [1, None]}}]}],
                docker_images={}, description=None)
    eq(e2["config_startup"], {"done": ["a", "b"], "strip_ansi": True}, "done list kept")
    eq(e2["config_stop"], {"type": "signal", "value": None}, "value null")
    eq(e2["config_script"]["content"], "", "null content is empty")
    eq(e2["config_files"][0]["replace"][0],
       {"match": "m", "insert_new": True, "update_existing": False, "if_value": "v",
        "replace_with": {"deep": [1, None]}}, "replace given in full; any JSON as replace_with")
    eq((e2["docker_images"], e2["description"]), ({}, None), "no images, no description")
    e3 = mk_egg(a, n["uuid"], "NoStart", config_startup={})
    eq(e3["config_startup"], {"done": [], "strip_ansi": False}, "config_startup defaults")
    u, k, d = last_event(ctx, "nest:egg.create")
    eq(u, a.uuid, "activity user")
    subset(d, {"uuid": e3["uuid"], "nest_uuid": n["uuid"], "egg_repository_egg_uuid": None,
               "name": "NoStart", "author": "tests@example.com",
               "startup_commands": e3["startup_commands"], "config_files": e3["config_files"],
               "docker_images": e3["docker_images"], "file_denylist": ["*.jar.bak"]},
           "nest:egg.create data")


@test
def egg_create_validation(ctx):
    w = world(ctx)
    a, reader = w["admin"], w["reader"]
    n = mk_nest(a, "Validation nest 82")
    p = eggs_path(n["uuid"])
    mk_egg(a, n["uuid"], "abc", author="ab")
    mk_egg(a, n["uuid"], "n" * 255, author="a" * 255, description="d" * 1024)
    for over, err in (
            ({"name": "ab"}, ["name: length is lower than 3"]),
            ({"name": "n" * 256}, ["name: length is greater than 255"]),
            ({"author": "a"}, ["author: length is lower than 2"]),
            ({"author": "a" * 256}, ["author: length is greater than 255"]),
            ({"description": ""}, ["description: length is lower than 1"]),
            ({"description": "d" * 1025}, ["description: length is greater than 1024"]),
            ({"startup_commands": {}}, ["startup_commands: at least one startup command is "
                                        "required"]),
            ({"startup_commands": {"A": "java -jar x.jar", "B": "other", "C": "java -jar x.jar"}},
             ["startup_commands: duplicate startup command: java -jar x.jar"]),
            ({"docker_images": {"One": "img:1", "Two": "img:1"}},
             ["docker_images: duplicate docker image: img:1"]),
            ({"name": "ab", "docker_images": {"One": "i", "Two": "i"}},
             ["name: length is lower than 3", "docker_images: duplicate docker image: i"])):
        r = a.s("POST", p, egg_body("Valid", over))
        eq((r.status, r.json()), (400, {"errors": err}), f"rules {over}")
        # validation comes before the permission here
        r = reader.s("POST", p, egg_body("Valid", over))
        eq((r.status, r.json()), (400, {"errors": err}), f"rules before eggs.create {over}")
    eq(mk_egg(a, n["uuid"], "Dup values ok",
              startup_commands={"A": "x", "B": "y"},
              docker_images={"A": "x"})["startup_commands"], {"A": "x", "B": "y"},
       "a command may equal an image")
    expect_error(reader.s("POST", p, egg_body("Fine")), 403, perm("eggs.create"))
    for over, msg in (
            ({"config_files": None}, "invalid payload: missing field `config_files`"),
            ({"config_files": {}}, "invalid payload: invalid type for `config_files`, expected "
                                   "a sequence"),
            ({"config_files": [5]}, "invalid payload: invalid type for `config_files[0]`, "
                                    "expected an object"),
            ({"config_files": [{"parser": "yaml", "replace": []}]},
             "invalid payload: missing field `config_files[0].file`"),
            ({"config_files": [{"file": "f", "parser": "yaml"}]},
             "invalid payload: missing field `config_files[0].replace`"),
            ({"config_files": [{"file": "f", "parser": "yml", "replace": []}]},
             "invalid payload: unknown variant `yml` for `config_files[0].parser`, expected one "
             "of `file`, `yaml`, `properties`, `ini`, `json`, `xml`, `toml`"),
            ({"config_files": [{"file": "f", "parser": "ini", "replace": [{"match": "m"}]}]},
             "invalid payload: missing field `config_files[0].replace[0].replace_with`"),
            ({"config_files": [{"file": "f", "parser": "ini",
                                "replace": [{"match": "m", "replace_with": 1,
                                             "insert_new": "no"}]}]},
             "invalid payload: invalid type for `config_files[0].replace[0].insert_new`, "
             "expected a boolean"),
            ({"config_startup": {"done": [1]}},
             "invalid payload: invalid type for `config_startup.done`, expected a sequence of "
             "strings"),
            ({"config_stop": {"value": "x"}}, "invalid payload: missing field `config_stop.type`"),
            ({"config_script": {"container": "c", "entrypoint": "e"}},
             "invalid payload: missing field `config_script.content`"),
            ({"config_script": "echo"}, "invalid payload: invalid type for `config_script`, "
                                        "expected an object"),
            ({"startup_commands": {"A": 1}}, "invalid payload: invalid type for "
                                             "`startup_commands.A`, expected a string"),
            ({"features": "eula"}, "invalid payload: invalid type for `features`, expected a "
                                   "sequence of strings"),
            ({"separate_port": None}, "invalid payload: missing field `separate_port`"),
            ({"egg_repository_egg_uuid": "nope"},
             "invalid payload: egg_repository_egg_uuid: invalid UUID")):
        body = egg_body("Typed", over)
        if over.get("config_files", 0) is None:
            del body["config_files"]
        expect_error(a.s("POST", p, body), 400, msg)
    expect_error(reader.s("POST", p, egg_body("Rel", egg_repository_egg_uuid=MISSING)), 403,
                 perm("eggs.create"))
    expect_error(a.s("POST", p, egg_body("Rel", egg_repository_egg_uuid=MISSING)), 400,
                 "invalid relation `egg_repository_egg` provided")
    expect_error(a.s("POST", p, egg_body("abc")), 409, "egg with name already exists")
    other = mk_nest(a, "Other validation nest 82")
    mk_egg(a, other["uuid"], "abc")  # unique within the nest only
    expect_error(a.s("POST", eggs_path(MISSING), egg_body("x")), 404, "nest not found")
    expect_error(a.s("POST", eggs_path("zzz"), egg_body("x")), 400, "invalid nest id")


@test
def egg_subgate_and_permissions(ctx):
    w = world(ctx)
    a, reader, nestonly, eggsonly, writer = (w["admin"], w["reader"], w["nestonly"],
                                             w["eggsonly"], w["writer"])
    n = mk_nest(a, "Subgate nest 82")
    n2 = mk_nest(a, "Second subgate nest 82")
    egg = mk_egg(a, n["uuid"], "Gated")
    p = f"{eggs_path(n['uuid'])}/{egg['uuid']}"
    eq(ok(reader.s("GET", p))["egg"]["uuid"], egg["uuid"], "nests.read and eggs.read")
    expect_error(nestonly.s("GET", f"{eggs_path(n['uuid'])}/bad-id"), 400, "invalid egg id")
    expect_error(nestonly.s("GET", p), 403, perm("eggs.read"))
    expect_error(nestonly.s("GET", eggs_path(n["uuid"])), 403, perm("eggs.read"))
    expect_error(nestonly.s("GET", eggs_path(n["uuid"]) + "?per_page=0"), 400,
                 "per_page: lower than 1")
    expect_error(eggsonly.s("GET", p), 403, perm("nests.read"))
    expect_error(eggsonly.s("GET", f"{eggs_path('bad')}/{egg['uuid']}"), 400, "invalid nest id")
    expect_error(reader.s("GET", f"{eggs_path(n2['uuid'])}/{egg['uuid']}"), 404,
                 "egg not found")
    expect_error(reader.s("GET", f"{eggs_path(n['uuid'])}/{MISSING}"), 404, "egg not found")
    expect_error(reader.s("PATCH", p, {"name": "x"}), 403, perm("eggs.update"))
    expect_error(reader.s("DELETE", p), 403, perm("eggs.delete"))
    eq(ok(writer.s("PATCH", p, {"author": "writer"})), {}, "writer may update")
    # API keys: the intersection of the account's rights and the key's list
    _, k_eggs = a.create("n82-eggs", admin=["nests.read", "eggs.read"])
    _, k_nests = a.create("n82-nests", admin=["nests.read"])
    eq(ok(a.k(k_eggs, "GET", p))["egg"]["name"], "Gated", "key with both")
    expect_error(a.k(k_nests, "GET", p), 403, perm("eggs.read"))
    expect_error(a.k(k_eggs, "PATCH", p, {"name": "keyed"}), 403, perm("eggs.update"))
    _, k_big = reader.create("n82-big", admin=["nests.read", "eggs.read"])
    expect_error(reader.k(k_big, "DELETE", p), 403, perm("eggs.delete"))


@test
def egg_list_pagination_search(ctx):
    w = world(ctx)
    a = w["admin"]
    n = mk_nest(a, "List nest 82")
    eggs = [mk_egg(a, n["uuid"], f"Listed {i}") for i in range(4)]
    mk_egg(a, mk_nest(a, "Foreign list nest 82")["uuid"], "Listed foreign")
    for i, e in enumerate(eggs):
        ctx.db.sql(f"UPDATE nest_eggs SET created = '2020-01-01 00:00:0{4 - i}' "
                   f"WHERE uuid = '{e['uuid']}'", db=DB)
    r = ok(a.s("GET", eggs_path(n["uuid"]) + "?per_page=3"))["eggs"]
    eq((r["total"], r["per_page"], r["page"], [x["name"] for x in r["data"]]),
       (4, 3, 1, ["Listed 3", "Listed 2", "Listed 1"]), "oldest first, this nest only")
    eq(list(r["data"][0]), EGG_KEYS, "AdminEgg items")
    r = ok(a.s("GET", eggs_path(n["uuid"]) + "?per_page=3&page=2"))["eggs"]
    eq([x["name"] for x in r["data"]], ["Listed 0"], "second page")
    r = ok(a.s("GET", eggs_path(n["uuid"]) + "?search=LISTED%201"))["eggs"]
    eq([x["name"] for x in r["data"]], ["Listed 1"], "search on the name, any case")
    r = ok(a.s("GET", eggs_path(n["uuid"]) + "?page=9"))["eggs"]
    eq((r["total"], r["data"]), (0, []), "past the end")
    expect_error(a.s("GET", eggs_path(n["uuid"]) + "?page=x"), 400,
                 "Failed to deserialize query string: page: invalid digit found in string")


@test
def egg_update(ctx):
    w = world(ctx)
    a = w["admin"]
    n = mk_nest(a, "Update egg nest 82")
    egg = mk_egg(a, n["uuid"], "Before")
    mk_egg(a, n["uuid"], "Taken")
    p = f"{eggs_path(n['uuid'])}/{egg['uuid']}"
    eq(ok(a.s("PATCH", p, {"name": "After"})), {}, "PATCH answers {}")
    got = ok(a.s("GET", p))["egg"]
    eq({k: v for k, v in got.items() if k != "name"},
       {k: v for k, v in egg.items() if k != "name"}, "only the name changed")
    eq(got["name"], "After", "renamed")
    ok(a.s("PATCH", p, {"description": None, "egg_repository_egg_uuid": None,
                        "startup_commands": {"B": "b", "A": "a", "C": "c"},
                        "docker_images": {"Z": "z:1", "Y": "y:1"},
                        "config_stop": {"type": "signal", "value": "SIGTERM"},
                        "config_startup": {"done": "Ready"},
                        "config_files": [], "features": [], "file_denylist": ["x"],
                        "force_outgoing_ip": True}))
    r = a.s("GET", p)
    got = ok(r)["egg"]
    eq((got["description"], list(got["startup_commands"]), list(got["docker_images"]),
        got["config_stop"], got["config_startup"], got["config_files"], got["features"],
        got["file_denylist"], got["force_outgoing_ip"], got["separate_port"]),
       (None, ["B", "A", "C"], ["Z", "Y"], {"type": "signal", "value": "SIGTERM"},
        {"done": ["Ready"], "strip_ansi": False}, [], [], ["x"], True, True),
       "updated fields, ordered objects in the new order, the rest kept")
    assert r.body.index(b'"B"') < r.body.index(b'"A"') < r.body.index(b'"C"'), "wire order"
    for body, err in (({"name": "ab"}, "name: length is lower than 3"),
                      ({"name": "n" * 256}, "name: length is greater than 255"),
                      ({"author": "a"}, "author: length is lower than 2"),
                      ({"description": ""}, "description: length is lower than 1"),
                      ({"startup_commands": {}},
                       "startup_commands: at least one startup command is required"),
                      ({"startup_commands": {"a": "x", "b": "x"}},
                       "startup_commands: duplicate startup command: x"),
                      ({"docker_images": {"a": "x", "b": "x"}},
                       "docker_images: duplicate docker image: x")):
        expect_error(a.s("PATCH", p, body), 400, err)
        expect_error(w["reader"].s("PATCH", p, body), 403, perm("eggs.update"))
    expect_error(w["reader"].s("PATCH", p, {"config_files": [{"file": "x"}]}), 400,
                 "invalid payload: missing field `config_files[0].parser`")
    ok(a.s("PATCH", p, {"name": "abc"}))
    ok(a.s("PATCH", p, {"name": "n" * 255}))
    expect_error(a.s("PATCH", p, {"egg_repository_egg_uuid": MISSING}), 400,
                 "invalid relation `egg_repository_egg` provided")
    expect_error(a.s("PATCH", p, {"name": "Taken"}), 409, "egg with name already exists")
    u, k, d = last_event(ctx, "nest:egg.update")
    eq(u, a.uuid, "activity user")
    subset(d, {"uuid": egg["uuid"], "nest_uuid": n["uuid"], "name": "n" * 255,
               "description": None, "startup_commands": {"B": "b", "A": "a", "C": "c"},
               "force_outgoing_ip": True}, "nest:egg.update data: the egg now")


@test
def egg_delete(ctx):
    w = world(ctx)
    a = w["admin"]
    n = mk_nest(a, "Delete egg nest 82")
    used = mk_egg(a, n["uuid"], "Used")
    free = mk_egg(a, n["uuid"], "Free")
    fixtures.server(ctx, DB, a.uuid, w["node"], used["uuid"], "On used")
    expect_error(a.s("DELETE", f"{eggs_path(n['uuid'])}/{used['uuid']}"), 409,
                 "egg has servers, cannot delete")
    ok(a.s("GET", f"{eggs_path(n['uuid'])}/{used['uuid']}"))
    eq(ok(a.s("DELETE", f"{eggs_path(n['uuid'])}/{free['uuid']}")), {}, "deleted")
    expect_error(a.s("GET", f"{eggs_path(n['uuid'])}/{free['uuid']}"), 404, "egg not found")
    expect_error(a.s("DELETE", f"{eggs_path(n['uuid'])}/{free['uuid']}"), 404, "egg not found")
    u, k, d = last_event(ctx, "nest:egg.delete")
    subset(d, {"uuid": free["uuid"], "nest_uuid": n["uuid"], "name": "Free",
               "author": "tests@example.com"}, "nest:egg.delete data")


@test
def global_egg_list(ctx):
    w = world(ctx)
    a, eggsonly, nestonly = w["admin"], w["eggsonly"], w["nestonly"]
    first = mk_nest(a, "Global first 82")
    empty = mk_nest(a, "Global empty 82")
    second = mk_nest(a, "Global second 82")
    e1 = mk_egg(a, first["uuid"], "G one")
    e2 = mk_egg(a, first["uuid"], "G two")
    e3 = mk_egg(a, second["uuid"], "G three")
    for i, (table, u) in enumerate((("nests", first["uuid"]), ("nests", empty["uuid"]),
                                    ("nests", second["uuid"]), ("nest_eggs", e2["uuid"]),
                                    ("nest_eggs", e1["uuid"]), ("nest_eggs", e3["uuid"]))):
        ctx.db.sql(f"UPDATE {table} SET created = '2000-01-01 00:00:0{i}' WHERE uuid = '{u}'",
                   db=DB)
    body = ok(eggsonly.s("GET", NESTS + "/eggs"), "eggs.read alone suffices")
    eq(list(body), ["nests"], "one key")
    groups = body["nests"]
    eq([list(g) for g in groups[:2]], [["nest", "eggs"], ["nest", "eggs"]], "group shape")
    eq([(g["nest"]["name"], [e["name"] for e in g["eggs"]]) for g in groups[:2]],
       [("Global first 82", ["G two", "G one"]), ("Global second 82", ["G three"])],
       "nests by created, eggs by created, nests without eggs left out")
    eq(list(groups[0]["nest"]), NEST_KEYS, "Nest objects")
    eq(list(groups[0]["eggs"][0]), EGG_KEYS, "AdminEgg objects")
    assert all(g["eggs"] for g in groups), "no empty group"
    assert empty["uuid"] not in [g["nest"]["uuid"] for g in groups], "empty nest absent"
    expect_error(nestonly.s("GET", NESTS + "/eggs"), 403, perm("eggs.read"))
    expect_error(w["plain"].s("GET", NESTS + "/eggs"), 401, "unauthorized")


# --------------------------------------------------------------------------
# egg variables

def vars_path(nest, egg):
    return f"{eggs_path(nest)}/{egg}/variables"


@test
def egg_variables_create_list(ctx):
    w = world(ctx)
    a, reader = w["admin"], w["reader"]
    n = mk_nest(a, "Variable nest 82")
    egg = mk_egg(a, n["uuid"], "With variables")
    p = vars_path(n["uuid"], egg["uuid"])
    eq(ok(reader.s("GET", p)), {"variables": []}, "none yet (eggs.read)")
    v = ok(a.s("POST", p, var_body(name_translations={"de": "Server-Jar", "fr": "Jar"})))
    eq(list(v), ["variable"], "one key")
    v = v["variable"]
    eq(list(v), VAR_KEYS, "AdminEggVariable field order")
    assert UUID_RE.match(v["uuid"]) and TS_RE.match(v["created"]), v
    eq({k: v[k] for k in VAR_KEYS[1:-1]},
       {"name": "Server Jar", "name_translations": {"de": "Server-Jar", "fr": "Jar"},
        "description": "The jar", "description_translations": {}, "order": 1,
        "env_variable": "SERVER_JAR", "default_value": "server.jar", "user_viewable": True,
        "user_editable": True, "is_secret": False, "rules": ["required", "string", "max:20"]},
       "fields (secret in, is_secret out)")
    v2 = ok(a.s("POST", p, var_body("VERSION", order=0, secret=True, description=None,
                                      default_value=None, rules=[])))["variable"]
    eq((v2["description"], v2["default_value"], v2["is_secret"], v2["rules"]),
       (None, None, True, []), "optional fields null, empty rules")
    v3 = ok(a.s("POST", p, var_body("LAST", order=1)))["variable"]
    ctx.db.sql(f"UPDATE nest_egg_variables SET created = '2001-01-01' WHERE uuid = '{v3['uuid']}'",
               db=DB)
    eq([x["env_variable"] for x in ok(a.s("GET", p))["variables"]],
       ["VERSION", "LAST", "SERVER_JAR"], "by order, then created")
    u, k, d = last_event(ctx, "nest:egg.variable.create")
    eq(u, a.uuid, "activity user")
    subset(d, {"uuid": v3["uuid"], "nest_uuid": n["uuid"], "egg_uuid": egg["uuid"],
               "name": "Server Jar", "env_variable": "LAST", "secret": False, "order": 1,
               "rules": ["required", "string", "max:20"], "default_value": "server.jar",
               "name_translations": {}, "description_translations": {}},
           "nest:egg.variable.create data")
    expect_error(a.s("POST", p, var_body("LAST")), 409, "variable with name already exists")
    eq(ok(a.s("POST", p, var_body("last")))["variable"]["env_variable"], "last",
       "env variables are case-sensitive")
    # missing keys that are required even when empty
    for key in ("name_translations", "description_translations", "rules", "order", "secret"):
        body = var_body("MISS")
        del body[key]
        expect_error(a.s("POST", p, body), 400, f"invalid payload: missing field `{key}`")
    expect_error(a.s("POST", p, var_body("T", order="1")), 400,
                 "invalid payload: invalid type for `order`, expected an integer")
    expect_error(a.s("POST", p, var_body("T", order=32768)), 400,
                 "invalid payload: invalid value for `order`, expected a 16-bit integer")
    expect_error(a.s("POST", p, var_body("T", name_translations={"de": 5})), 400,
                 "invalid payload: invalid type for `name_translations.de`, expected a string")
    ok(a.s("POST", p, var_body("EDGE_ORDER", order=-32768)))


@test
def egg_variable_rules(ctx):
    w = world(ctx)
    a, reader = w["admin"], w["reader"]
    n = mk_nest(a, "Variable rules nest 82")
    egg = mk_egg(a, n["uuid"], "Rules")
    p = vars_path(n["uuid"], egg["uuid"])
    many = {f"l{i:03d}": "x" for i in range(513)}
    for over, err in (
            ({"name": "ab"}, ["name: length is lower than 3"]),
            ({"name": "n" * 256}, ["name: length is greater than 255"]),
            ({"env_variable": ""}, ["env_variable: length is lower than 1"]),
            ({"env_variable": "E" * 256}, ["env_variable: length is greater than 255"]),
            ({"description": ""}, ["description: length is lower than 1"]),
            ({"description": "d" * 1025}, ["description: length is greater than 1024"]),
            ({"default_value": "é" * 512 + "x"}, ["default_value: length is greater than 1024"]),
            ({"rules": ["required", "foo"]},
             ["rules: unknown or unsupported validation rule: foo"]),
            ({"rules": ["max:x"]}, ["rules: invalid value for max"]),
            ({"rules": ["in"]}, ["rules: in requires at least one option"]),
            ({"rules": ["between:1"]}, ["rules: between requires two numeric values"]),
            ({"rules": ["regex:/(?=x)/"]}, ["rules: invalid regex pattern"]),
            ({"name_translations": many}, ["name_translations: cannot have more than 512 "
                                           "entries"]),
            ({"name_translations": {"d": "x"}},
             ["name_translations: language code 'd' must be between 2 and 15 characters"]),
            ({"name_translations": {"a" * 16: "x"}},
             [f"name_translations: language code '{'a' * 16}' must be between 2 and 15 "
              "characters"]),
            ({"name_translations": {"de": ""}},
             ["name_translations: translation for language 'de' must be between 1 and 255 "
              "characters"]),
            ({"name_translations": {"de": "x" * 256}},
             ["name_translations: translation for language 'de' must be between 1 and 255 "
              "characters"]),
            ({"description_translations": {"de": "x" * 1025}},
             ["description_translations: translation for language 'de' must be between 1 and "
              "1024 characters"]),
            ({"name": "ab", "env_variable": "", "rules": ["nope"]},
             ["name: length is lower than 3", "env_variable: length is lower than 1",
              "rules: unknown or unsupported validation rule: nope"])):
        r = a.s("POST", p, var_body("RULED", **over))
        eq((r.status, r.json()), (400, {"errors": err}), f"rules {over}")
        # the permission comes before the field rules
        expect_error(reader.s("POST", p, var_body("RULED", **over)), 403, perm("eggs.update"))
    for i, over in enumerate(({"name": "n" * 255}, {"env_variable": "E" * 255},
                              {"default_value": "é" * 512}, {"default_value": ""},
                              {"description": "d" * 1024},
                              {"name_translations": {f"l{i:03d}": "x" for i in range(512)}},
                              {"name_translations": {"a" * 15: "x" * 255, "de": "y"}},
                              {"description_translations": {"zh": "x" * 1024}},
                              {"rules": ["required", "regex:/^[a-z]+$/i", "in:a,b", "nullable",
                                         "between:1,2", "integer", "numeric", "boolean"]})):
        body = var_body(f"EDGE_{i}", **over)
        eq(a.s("POST", p, body).status, 200, f"at the edge: {over if len(str(over)) < 80 else i}")
    expect_error(reader.s("POST", p, var_body("T", order="x")), 400,
                 "invalid payload: invalid type for `order`, expected an integer")


@test
def egg_variable_update_delete_order_duplicate(ctx):
    w = world(ctx)
    a, reader = w["admin"], w["reader"]
    n = mk_nest(a, "Variable change nest 82")
    egg = mk_egg(a, n["uuid"], "Changing")
    other_egg = mk_egg(a, n["uuid"], "Other changing")
    p = vars_path(n["uuid"], egg["uuid"])
    v1 = ok(a.s("POST", p, var_body("ONE", order=1)))["variable"]
    v2 = ok(a.s("POST", p, var_body("TWO", order=2)))["variable"]
    v3 = ok(a.s("POST", p, var_body("THREE", order=3)))["variable"]
    foreign = ok(a.s("POST", vars_path(n["uuid"], other_egg["uuid"]),
                     var_body("FOREIGN")))["variable"]

    def current(uuid):
        return [x for x in ok(a.s("GET", p))["variables"] if x["uuid"] == uuid][0]

    # PATCH
    vp = f"{p}/{v1['uuid']}"
    expect_error(a.s("PATCH", f"{p}/not-a-uuid", {}), 400,
                 "Invalid URL: invalid UUID in {variable}")
    expect_error(a.s("PATCH", f"{p}/{MISSING}", {}), 404, "variable not found")
    expect_error(a.s("PATCH", f"{p}/{foreign['uuid']}", {}), 404, "variable not found")
    expect_error(reader.s("PATCH", f"{p}/{MISSING}", {}), 403, perm("eggs.update"))
    expect_error(reader.s("PATCH", vp, {"order": "x"}), 400,
                 "invalid payload: invalid type for `order`, expected an integer")
    eq(ok(a.s("PATCH", vp, {"name": "Renamed", "description": None, "default_value": None,
                            "secret": True, "rules": ["nullable"], "order": 9,
                            "name_translations": {"de": "Umbenannt"}})), {}, "PATCH {}")
    got = current(v1["uuid"])
    eq({k: got[k] for k in ("name", "description", "default_value", "is_secret", "rules",
                            "order", "env_variable", "user_viewable", "name_translations")},
       {"name": "Renamed", "description": None, "default_value": None, "is_secret": True,
        "rules": ["nullable"], "order": 9, "env_variable": "ONE", "user_viewable": True,
        "name_translations": {"de": "Umbenannt"}}, "changed, cleared and kept fields")
    ok(a.s("PATCH", vp, {"description": "back", "default_value": "v"}))
    got = current(v1["uuid"])
    eq((got["description"], got["default_value"]), ("back", "v"), "set again")
    ok(a.s("PATCH", vp, {}))
    eq(current(v1["uuid"]), got, "an empty PATCH changes nothing")
    expect_error(a.s("PATCH", vp, {"name": "ab"}), 400, "name: length is lower than 3")
    expect_error(a.s("PATCH", vp, {"rules": ["nope:1"]}), 400,
                 "rules: unknown or unsupported validation rule: nope")
    expect_error(a.s("PATCH", vp, {"env_variable": "TWO"}), 409,
                 "variable with name already exists")
    u, k, d = last_event(ctx, "nest:egg.variable.update")
    subset(d, {"uuid": v1["uuid"], "nest_uuid": n["uuid"], "egg_uuid": egg["uuid"],
               "name": "Renamed", "description": "back", "default_value": "v", "secret": True,
               "order": 9, "env_variable": "ONE", "rules": ["nullable"]},
           "nest:egg.variable.update data")
    # PUT order
    op = f"{p}/order"
    expect_error(a.s("PUT", op, {"variable_order": ["nope"]}), 400,
                 "invalid payload: variable_order[0]: invalid UUID")
    expect_error(a.s("PUT", op, {}), 400, "invalid payload: missing field `variable_order`")
    expect_error(a.s("PUT", op, {"variable_order": [MISSING] * 1025}), 400,
                 "variable_order: length is greater than 1024")
    expect_error(reader.s("PUT", op, {"variable_order": [v3["uuid"]]}), 403, perm("eggs.update"))
    order = [v3["uuid"], MISSING, foreign["uuid"], v1["uuid"]]
    eq(ok(a.s("PUT", op, {"variable_order": order})), {}, "PUT order {}")
    eq([(x["env_variable"], x["order"]) for x in ok(a.s("GET", p))["variables"]],
       [("THREE", 1), ("TWO", 2), ("ONE", 4)],
       "1-based positions; unknown and foreign uuids ignored; unlisted kept")
    eq(current(v2["uuid"])["order"], 2, "unlisted unchanged")
    eq([x["order"] for x in ok(a.s("GET", vars_path(n["uuid"], other_egg["uuid"])))
        ["variables"]], [1], "the other egg's variable untouched")
    subset(last_event(ctx, "nest:egg.variable.update-order")[2],
           {"nest_uuid": n["uuid"], "egg_uuid": egg["uuid"], "variable_order": order},
           "update-order data")
    ok(a.s("PUT", op, {"variable_order": [MISSING] * 1024}))
    # duplicate
    dp = f"{p}/{v2['uuid']}/duplicate"
    expect_error(a.s("POST", f"{p}/bad/duplicate", {"name": "x", "env_variable": "Y"}), 400,
                 "Invalid URL: invalid UUID in {variable}")
    expect_error(a.s("POST", f"{p}/{MISSING}/duplicate", {"name": "x", "env_variable": "Y"}),
                 404, "variable not found")
    expect_error(a.s("POST", dp, {"name": "x"}), 400,
                 "invalid payload: missing field `env_variable`")
    expect_error(reader.s("POST", dp, {"name": "", "env_variable": "Y"}), 403,
                 perm("eggs.update"))
    r = a.s("POST", dp, {"name": "", "env_variable": "E" * 256})
    eq((r.status, r.json()), (400, {"errors": ["name: length is lower than 1",
                                               "env_variable: length is greater than 255"]}),
       "duplicate rules")
    expect_error(a.s("POST", dp, {"name": "Copy", "env_variable": "THREE"}), 409,
                 "variable with name or env variable already exists")
    dup = ok(a.s("POST", dp, {"name": "C", "env_variable": "TWO_COPY"}))["variable"]
    eq(list(dup), VAR_KEYS, "AdminEggVariable")
    src = current(v2["uuid"])
    eq({k: dup[k] for k in VAR_KEYS if k not in ("uuid", "name", "env_variable", "created")},
       {k: src[k] for k in VAR_KEYS if k not in ("uuid", "name", "env_variable", "created")},
       "every other field copied")
    eq((dup["name"], dup["env_variable"]), ("C", "TWO_COPY"), "new name and env")
    subset(last_event(ctx, "nest:egg.variable.duplicate")[2],
           {"uuid": dup["uuid"], "nest_uuid": n["uuid"], "egg_uuid": egg["uuid"],
            "source_uuid": v2["uuid"], "source_name": "Server Jar", "name": "C",
            "env_variable": "TWO_COPY"}, "duplicate data")
    # DELETE (server values go by cascade)
    srv = fixtures.server(ctx, DB, a.uuid, w["node"], egg["uuid"], "Has values")
    ctx.db.sql("INSERT INTO server_variables (server_uuid, variable_uuid, value) VALUES "
               f"('{srv}', '{v3['uuid']}', 'x')", db=DB)
    expect_error(a.s("DELETE", f"{p}/zzz"), 400, "Invalid URL: invalid UUID in {variable}")
    expect_error(reader.s("DELETE", f"{p}/{v3['uuid']}"), 403, perm("eggs.update"))
    expect_error(a.s("DELETE", f"{p}/{foreign['uuid']}"), 404, "variable not found")
    eq(ok(a.s("DELETE", f"{p}/{v3['uuid']}")), {}, "DELETE {}")
    expect_error(a.s("DELETE", f"{p}/{v3['uuid']}"), 404, "variable not found")
    eq(ctx.db.sql(f"SELECT COUNT(*) FROM server_variables WHERE server_uuid = '{srv}'",
                  db=DB).strip(), "0", "stored server values deleted with it")
    subset(last_event(ctx, "nest:egg.variable.delete")[2],
           {"uuid": v3["uuid"], "nest_uuid": n["uuid"], "egg_uuid": egg["uuid"],
            "name": "Server Jar", "env_variable": "THREE"}, "delete data")
    # the sub-gates run first
    expect_error(w["nestonly"].s("GET", p), 403, perm("eggs.read"))
    expect_error(a.s("GET", vars_path(n["uuid"], MISSING)), 404, "egg not found")
    expect_error(a.s("PUT", vars_path("x", egg["uuid"]) + "/order", {}), 400, "invalid nest id")
