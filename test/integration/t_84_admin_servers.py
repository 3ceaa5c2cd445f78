"""Admin servers (contract 8.7, 11.3; contract-extra 5.2, 5.6) against the
fake node daemon: create (the daemon is told; when it refuses or is down
the server is removed again, no allocation kept), list, get by UUID, short
id and external id, update, delete (a daemon refusal rolls back unless
force), the server variables with their egg rules, activity rows."""

import json
import os
import sys
import uuid as uuidlib

import fixtures
from harness import test, eq, expect_error, lighttpd_stack, reset_ratelimits
from t_71_apikeys import Account

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fake_daemon import FakeDaemon, closed_port  # noqa: E402

DB = "panel_srv84"
SRV = "/api/admin/servers"


def sql(ctx, text):
    return ctx.db.sql(text, db=DB).strip()


def world(ctx):
    if getattr(ctx, "_w84", None) is not None:
        w = ctx._w84
        reset_ratelimits(w["lt"].cfg)
        w["d"].clear()
        return w
    d = FakeDaemon().start()
    ctx.cleanups.append(d.stop)
    lt = lighttpd_stack(ctx, "srv84", dbname=DB, extra={"settings_cache_seconds": "0",
                                                         "daemon_timeout": "2"})
    w = {"lt": lt, "d": d, "ctx": ctx}
    w["admin"] = Account(ctx, "srv84_admin", admin=True, lt=lt, db=DB)
    w["owner"] = Account(ctx, "srv84_owner", lt=lt, db=DB)
    w["loc"] = fixtures.location(ctx, DB)
    for key, url in (("node", d.url), ("down", f"http://127.0.0.1:{closed_port()}")):
        r = w["admin"].s("POST", "/api/admin/nodes", {
            "location_uuid": w["loc"], "name": f"srv84-{key}", "deployment_enabled": True,
            "maintenance_enabled": False, "url": url, "sftp_port": 2022, "memory": 1,
            "disk": 1})
        eq(r.status, 200, repr(r))
        ctx.secrets_to_hunt.append(r.json()["token"])
        w[key] = r.json()["node"]["uuid"]
        if key == "node":
            w["token"] = r.json()["token"]
    w["egg"] = fixtures.nest_egg(ctx, DB, nest_name="srv84-nest", egg_name="srv84-egg")
    v = str(uuidlib.uuid4())
    fixtures.insert(ctx, DB, "nest_egg_variables", uuid=v, egg_uuid=w["egg"], name="Jar",
                    env_variable="SERVER_JAR", default_value="server.jar",
                    rules=json.dumps(["required", "string", "max:12"]))
    w["var"] = v
    ctx._w84 = w
    return w


def allocation(w, node=None, port=None):
    a = str(uuidlib.uuid4())
    port = port or 20000 + int(a[:4], 16) % 40000
    fixtures.insert(w["ctx"], DB, "node_allocations", uuid=a, node_uuid=node or w["node"],
                    ip="203.0.113.7", port=port)
    return a


def body(w, name, **over):
    b = {"node_uuid": w["node"], "owner_uuid": w["owner"].uuid, "egg_uuid": w["egg"],
         "allocation_uuid": None, "allocation_uuids": [], "start_on_completion": True,
         "skip_installer": False, "name": name, "description": "made by t_84",
         "limits": {"cpu": 100, "memory": 1024, "memory_overhead": 0, "swap": 0, "disk": 2048,
                    "io_weight": 500},
         "pinned_cpus": [0, 1], "startup": "java -jar {{SERVER_JAR}}", "image": "ghcr.io/x:1",
         "timezone": "Europe/Berlin", "hugepages_passthrough_enabled": False,
         "kvm_passthrough_enabled": False,
         "feature_limits": {"allocations": 2, "databases": 1, "backups": 3, "schedules": 4},
         "variables": []}
    b.update(over)
    return b


def count(ctx, name):
    return sql(ctx, f"SELECT COUNT(*) FROM servers WHERE name = '{name}'")


@test
def create_tells_the_daemon_and_answers_the_server(ctx):
    w = world(ctx)
    a, d = w["admin"], w["d"]
    primary, extra = allocation(w), allocation(w)
    r = a.s("POST", SRV, body(w, "srv84-alpha", allocation_uuid=primary,
                              allocation_uuids=[extra, primary], external_id="ext-1",
                              variables=[{"env_variable": "SERVER_JAR", "value": "paper.jar"}]))
    eq(r.status, 200, repr(r))
    s = r.json()["server"]
    eq(list(s), ["uuid", "uuid_short", "external_id", "allocation", "node", "owner", "egg",
                 "nest", "backup_configuration", "status", "is_suspended", "is_transferring",
                 "name", "description", "limits", "pinned_cpus", "feature_limits", "startup",
                 "image", "auto_kill", "auto_start_behavior", "timezone",
                 "hugepages_passthrough_enabled", "kvm_passthrough_enabled", "created"],
       "AdminServer fields")
    eq((s["uuid_short"], s["external_id"], s["status"], s["allocation"]["port"] > 0),
       (s["uuid"][:8], "ext-1", "installing", True), "identity and status")
    eq((s["node"]["uuid"], s["owner"]["uuid"], s["egg"]["uuid"], s["nest"]["name"]),
       (w["node"], w["owner"].uuid, w["egg"], "srv84-nest"), "nested objects")
    eq(s["owner"]["external_id"], None, "owner is an AdminUser")
    eq(s["limits"], {"cpu": 100, "memory": 1024, "memory_overhead": 0, "swap": 0, "disk": 2048,
                     "io_weight": 500}, "limits")
    eq((s["pinned_cpus"], s["auto_kill"], s["auto_start_behavior"], s["timezone"]),
       ([0, 1], {"enabled": False, "seconds": 30}, "unless_stopped", "Europe/Berlin"), "defaults")
    eq(len(d.requests), 1, "one daemon call")
    q = d.requests[0]
    eq((q.method, q.path, q.authorization, q.body),
       ("POST", "/api/servers", "Bearer " + w["token"],
        {"uuid": s["uuid"], "start_on_completion": True, "skip_scripts": False}),
       "the contract's create request")
    eq(sql(ctx, f"SELECT COUNT(*) FROM server_allocations WHERE server_uuid = '{s['uuid']}'"),
       "2", "both allocations, once each")
    eq(sql(ctx, f"SELECT value FROM server_variables WHERE server_uuid = '{s['uuid']}'"),
       "paper.jar", "the variable")
    eq(sql(ctx, "SELECT COUNT(*) FROM admin_activities WHERE event = 'server:create'"), "1",
       "activity")
    r = a.s("POST", SRV, body(w, "srv84-beta", skip_installer=True, allocation_uuids=[primary]))
    expect_error(r, 409, "server with allocation(s) or external id already exists")


@test
def create_refused_or_daemon_down_leaves_nothing(ctx):
    w = world(ctx)
    a, d = w["admin"], w["d"]
    alloc = allocation(w)
    d.script("POST", "/api/servers", 409, {"error": "server already exists"})
    expect_error(a.s("POST", SRV, body(w, "srv84-refused", allocation_uuid=alloc)), 502,
                 "node daemon error: answered 409: server already exists")
    eq(count(ctx, "srv84-refused"), "0", "the refused server is gone")
    eq(sql(ctx, f"SELECT COUNT(*) FROM server_allocations WHERE allocation_uuid = '{alloc}'"),
       "0", "its allocation is free again")
    d.clear()
    r = a.s("POST", SRV, body(w, "srv84-down", node_uuid=w["down"]))
    eq(r.status, 502, repr(r))
    assert r.json()["errors"][0].startswith("node daemon error: "), r.json()
    eq(count(ctx, "srv84-down"), "0", "no half-made server")
    eq(a.s("POST", SRV, body(w, "srv84-again", allocation_uuid=alloc)).status, 200,
       "the allocation can be used again")


@test
def create_validation_relations_and_variable_rules(ctx):
    w = world(ctx)
    a = w["admin"]
    before = sql(ctx, "SELECT COUNT(*) FROM servers")
    expect_error(a.s("POST", SRV, body(w, "ab")), 400, "name: length is lower than 3")
    r = a.s("POST", SRV, body(w, "srv84-bad", limits={"cpu": -1, "memory": 1,
                                                      "memory_overhead": 0, "swap": -2,
                                                      "disk": 1}))
    eq(r.json(), {"errors": ["limits.cpu: lower than 0", "limits.swap: lower than -1"]},
       "nested limits")
    expect_error(a.s("POST", SRV, body(w, "srv84-bad", limits={"cpu": 1})), 400,
                 "invalid payload: missing field `limits.memory`")
    expect_error(a.s("POST", SRV, body(w, "srv84-bad", node_uuid="nope")), 400,
                 "invalid payload: node_uuid: UUID parsing failed")
    expect_error(a.s("POST", SRV, body(w, "srv84-bad", node_uuid=str(uuidlib.uuid4()))), 400,
                 "invalid relation `node` provided")
    expect_error(a.s("POST", SRV, body(w, "srv84-bad", owner_uuid=str(uuidlib.uuid4()))), 400,
                 "invalid relation `owner` provided")
    expect_error(a.s("POST", SRV, body(w, "srv84-bad",
                                       allocation_uuids=[allocation(w, node=w["down"])])),
                 400, "invalid relation `allocation` provided")
    expect_error(a.s("POST", SRV, body(w, "srv84-bad", external_id="")), 400,
                 "external_id: length is lower than 1")
    expect_error(a.s("POST", SRV, body(w, "srv84-bad", timezone="Mars/Olympus")), 400,
                 "invalid payload: timezone: unknown time zone")
    r = a.s("POST", SRV, body(w, "srv84-bad", variables=[
        {"env_variable": "SERVER_JAR", "value": "a-very-long-name.jar"}]))
    eq(r.status, 400, repr(r))
    assert r.json()["errors"][0].startswith("SERVER_JAR: "), r.json()
    expect_error(a.s("POST", SRV, body(w, "srv84-bad", variables=[
        {"env_variable": "X", "value": "1"}, {"env_variable": "X", "value": "2"}])), 400,
        "variables: duplicate environment variable: X")
    eq(sql(ctx, "SELECT COUNT(*) FROM servers"), before, "nothing created")
    eq(len(w["d"].requests), 0, "the daemon never heard of them")


@test
def list_get_update_and_lookup(ctx):
    w = world(ctx)
    a = w["admin"]
    s = a.s("POST", SRV, body(w, "srv84-gamma", external_id="ext-gamma")).json()["server"]
    eq([x["name"] for x in a.s("GET", SRV + "?search=gamma").json()["servers"]["data"]],
       ["srv84-gamma"], "search on the name")
    for ident in (s["uuid"], s["uuid"].upper(), s["uuid_short"]):
        eq(a.s("GET", f"{SRV}/{ident}").json()["server"]["uuid"], s["uuid"], ident)
    for bad in ("zzzzzzzz", "nope", "00000000"):
        expect_error(a.s("GET", f"{SRV}/{bad}"), 404, "server not found")
    eq(a.s("GET", f"{SRV}/external/ext-gamma").json()["server"]["uuid"], s["uuid"], "external")
    expect_error(a.s("GET", f"{SRV}/external/none"), 404, "server not found")
    r = a.s("PATCH", f"{SRV}/{s['uuid']}", {"name": "srv84-gamma2", "suspended": True,
                                            "auto_kill": {"enabled": True, "seconds": 60},
                                            "auto_start_behavior": "never", "external_id": None,
                                            "limits": {"cpu": 5, "memory": 6,
                                                       "memory_overhead": 7, "swap": 8,
                                                       "disk": 9}})
    eq((r.status, r.json()), (200, {}), "patch")
    g = a.s("GET", f"{SRV}/{s['uuid']}").json()["server"]
    eq((g["name"], g["is_suspended"], g["auto_kill"], g["auto_start_behavior"],
        g["external_id"], g["limits"]["io_weight"], g["limits"]["disk"], g["description"]),
       ("srv84-gamma2", True, {"enabled": True, "seconds": 60}, "never", None, None, 9,
        "made by t_84"), "patched, others kept")
    expect_error(a.s("PATCH", f"{SRV}/{s['uuid']}", {"auto_kill": {"enabled": True,
                                                                   "seconds": 0}}), 400,
                 "auto_kill: auto kill seconds must be between 1 and 3600")
    expect_error(a.s("PATCH", f"{SRV}/{s['uuid']}", {"owner_uuid": str(uuidlib.uuid4())}), 400,
                 "invalid relation `owner` provided")
    expect_error(a.s("PATCH", f"{SRV}/{s['uuid']}", {"name": ""}), 400,
                 "name: length is lower than 1")
    eq(sql(ctx, "SELECT COUNT(*) FROM admin_activities WHERE event = 'server:update'"), "1",
       "one update activity")


@test
def delete_with_the_daemon(ctx):
    w = world(ctx)
    a, d = w["admin"], w["d"]
    s = a.s("POST", SRV, body(w, "srv84-delta")).json()["server"]
    d.script("DELETE", f"/api/servers/{s['uuid']}", 500, {"error": "disk busy"})
    expect_error(a.s("DELETE", f"{SRV}/{s['uuid']}", {}), 417,
                 "failed to delete server: node daemon error: answered 500: disk busy")
    eq(count(ctx, "srv84-delta"), "1", "rolled back")
    eq(a.s("DELETE", f"{SRV}/{s['uuid']}", {"force": True}).json(), {}, "force")
    eq(count(ctx, "srv84-delta"), "0", "deleted despite the daemon")
    s = a.s("POST", SRV, body(w, "srv84-epsilon")).json()["server"]
    d.clear()
    eq(a.s("DELETE", f"{SRV}/{s['uuid']}", {}).json(), {}, "delete")
    eq([(q.method, q.path) for q in d.requests], [("DELETE", f"/api/servers/{s['uuid']}")],
       "the daemon's delete")
    eq(sql(ctx, "SELECT COUNT(*) FROM admin_activities WHERE event = 'server:delete'"), "2",
       "activities")


@test
def server_variables(ctx):
    w = world(ctx)
    a = w["admin"]
    s = a.s("POST", SRV, body(w, "srv84-vars")).json()["server"]
    v = a.s("GET", f"{SRV}/{s['uuid']}/variables").json()["variables"]
    eq([(x["env_variable"], x["value"], x["default_value"]) for x in v],
       [("SERVER_JAR", "server.jar", "server.jar")], "the default")
    eq(a.s("PUT", f"{SRV}/{s['uuid']}/variables",
           {"variables": [{"env_variable": "SERVER_JAR", "value": "fabric.jar"},
                          {"env_variable": "UNKNOWN", "value": "x"}]}).json(), {}, "put")
    v = a.s("GET", f"{SRV}/{s['uuid']}/variables").json()["variables"]
    eq(v[0]["value"], "fabric.jar", "stored; unknown names ignored")
    r = a.s("PUT", f"{SRV}/{s['uuid']}/variables",
            {"variables": [{"env_variable": "SERVER_JAR", "value": "x" * 13}]})
    eq(r.status, 400, repr(r))
    assert r.json()["errors"][0].startswith("SERVER_JAR: "), r.json()
    expect_error(a.s("PUT", f"{SRV}/{s['uuid']}/variables", {}), 400,
                 "invalid payload: missing field `variables`")
    eq(a.s("GET", f"{SRV}/{s['uuid']}/variables").json()["variables"][0]["value"],
       "fabric.jar", "unchanged after the refusal")
