"""The node daemon (contract 11) through the fake daemon of
test/lib/fake_daemon.py, the project's only mock: power actions, server
creation and deletion, subuser permission updates reach it with the
contract's request (JSON body, the node token as Bearer); a daemon that is
down, slow, refuses, or presents a certificate that does not verify gives
the caller a clear JSON error and leaves the database consistent."""

import json
import os
import sys

import fixtures
from harness import test, eq, expect_error, lighttpd_stack, reset_ratelimits
from t_71_apikeys import Account

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fake_daemon import FakeDaemon, closed_port  # noqa: E402

DB = "panel_dmn86"


def sql(ctx, text):
    return ctx.db.sql(text, db=DB).strip()


def make_node(w, name, url):
    r = w["admin"].s("POST", "/api/admin/nodes", {
        "location_uuid": w["loc"], "name": name, "deployment_enabled": True,
        "maintenance_enabled": False, "url": url, "sftp_port": 2022, "memory": 8192,
        "disk": 65536})
    eq(r.status, 200, f"node {name}: {r!r}")
    j = r.json()
    w["ctx"].secrets_to_hunt.append(j["token"])
    return j["node"]["uuid"], j["token"]


def world(ctx):
    if getattr(ctx, "_w86", None) is not None:
        w = ctx._w86
        reset_ratelimits(w["lt"].cfg)
        for d in (w["plain"], w["tls"]):
            d.clear()
        return w
    tmp = os.path.join(ctx.root, "daemon86")
    os.makedirs(tmp, exist_ok=True)
    plain = FakeDaemon().start()
    tls = FakeDaemon(tls=True, tmpdir=tmp).start()
    ctx.cleanups.append(plain.stop)
    ctx.cleanups.append(tls.stop)
    lt = lighttpd_stack(ctx, "dmn86", dbname=DB, extra={
        "settings_cache_seconds": "0", "daemon_timeout": "2", "daemon_ca_file": tls.ca_file,
        "sendmail": "cat > /dev/null"})
    w = {"lt": lt, "ctx": ctx, "plain": plain, "tls": tls}
    w["admin"] = Account(ctx, "dmn_admin", admin=True, lt=lt, db=DB)
    w["owner"] = Account(ctx, "dmn_owner", lt=lt, db=DB)
    w["mate"] = Account(ctx, "dmn_mate", lt=lt, db=DB)
    w["loc"] = fixtures.location(ctx, DB)
    w["node"], w["token"] = make_node(w, "plain-node", plain.url)
    w["tls_node"], w["tls_token"] = make_node(w, "tls-node", tls.url)
    w["bad_name_node"], _ = make_node(w, "tls-wrong-name",
                                      f"https://localhost:{tls.port}")
    w["down_node"], _ = make_node(w, "down-node", f"http://127.0.0.1:{closed_port()}")
    w["egg"] = fixtures.nest_egg(ctx, DB)
    for key in ("node", "tls_node", "bad_name_node", "down_node"):
        w["srv_" + key] = fixtures.server(ctx, DB, w["owner"].uuid, w[key], w["egg"],
                                          f"srv-{key}")
    fixtures.subuser(ctx, DB, w["srv_node"], w["mate"].uuid, ["control.start"])
    ctx._w86 = w
    return w


def power(a, server, action, **kw):
    return a.s("POST", f"/api/client/servers/{server}/power", {"action": action}, **kw)


@test
def power_actions_reach_the_daemon(ctx):
    w = world(ctx)
    o, d, s = w["owner"], w["plain"], w["srv_node"]
    for action in ("start", "stop", "restart", "kill"):
        eq((power(o, s, action).status, power(o, s, action).json()), (200, {}), action)
    eq(len(d.requests), 8, "one daemon call per request")
    r = d.requests[0]
    eq((r.method, r.path, r.authorization, r.content_type, r.body),
       ("POST", f"/api/servers/{s}/power", "Bearer " + w["token"], "application/json",
        {"action": "start", "wait_seconds": None}), "the contract's request")
    eq([x.body["action"] for x in d.requests[::2]], ["start", "stop", "restart", "kill"], "actions")
    eq(o.s("POST", f"/api/client/servers/{s}/power", {"signal": "start"}).status, 200,
       "signal is an alias")
    expect_error(o.s("POST", f"/api/client/servers/{s}/power", {"action": "explode"}), 400,
                 "invalid payload: unknown variant `explode`, expected one of `start`, `stop`, "
                 "`restart`, `kill`")
    rows = sql(ctx, f"SELECT COUNT(*) FROM server_activities WHERE server_uuid = '{s}' AND "
                    "event = 'server:power.action'")
    eq(rows, "9", "server activity per successful action")


@test
def power_needs_the_server_permission(ctx):
    w = world(ctx)
    m, s, d = w["mate"], w["srv_node"], w["plain"]
    eq(power(m, s, "start").status, 200, "subuser with control.start")
    for action, perm in (("stop", "control.stop"), ("kill", "control.stop"),
                         ("restart", "control.restart")):
        expect_error(power(m, s, action), 403,
                     f"you do not have permission to perform this action: {perm}")
    eq(len(d.requests), 1, "refused actions never reach the daemon")
    _, key = w["owner"].create("dmn-key", server=["control.start"])
    eq(w["owner"].k(key, "POST", f"/api/client/servers/{s}/power", {"action": "start"}).status,
       200, "key with control.start")
    expect_error(w["owner"].k(key, "POST", f"/api/client/servers/{s}/power", {"action": "stop"}),
                 403, "you do not have permission to perform this action: control.stop")


@test
def daemon_failures_are_clear_errors(ctx):
    w = world(ctx)
    o, d = w["owner"], w["plain"]
    s = w["srv_node"]
    d.script("POST", f"/api/servers/{s}/power", 500, {"error": "container exploded"})
    expect_error(power(o, s, "start"), 502,
                 "node daemon error: answered 500: container exploded")
    d.script("POST", f"/api/servers/{s}/power", 202, {}, delay=3)
    expect_error(power(o, s, "start"), 504, "node daemon error: timed out")
    d.clear()
    r = power(o, w["srv_down_node"], "start")
    eq(r.status, 502, repr(r))
    assert r.json()["errors"][0].startswith("node daemon error: "), r.json()
    eq(sql(ctx, f"SELECT COUNT(*) FROM server_activities WHERE server_uuid IN "
                f"('{w['srv_down_node']}') AND event = 'server:power.action'"), "0",
       "no activity for a failed action")


@test
def daemon_tls_is_verified(ctx):
    w = world(ctx)
    o, t = w["owner"], w["tls"]
    eq(power(o, w["srv_tls_node"], "start").status, 200, "certificate from daemon_ca_file")
    eq(t.requests[-1].authorization, "Bearer " + w["tls_token"], "TLS daemon got the token")
    n = len(t.requests)
    r = power(o, w["srv_bad_name_node"], "start")
    eq(r.status, 502, f"host name not in the certificate: {r!r}")
    eq(len(t.requests), n, "nothing reached the daemon over an unverified connection")
