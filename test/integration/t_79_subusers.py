"""Subusers (contract 7.4): list, create (an unknown e-mail gets a new
password-less account and a password link, in one transaction with the
subuser row), update, delete; nobody grants a permission they lack, nobody
edits their own row; the subuser limit; the server gate's states."""

import json
import os
import re
import time

import fixtures
from harness import test, eq, expect_error, lighttpd_stack, reset_ratelimits
from t_71_apikeys import Account

DB = "panel_sub79"


def world(ctx):
    if getattr(ctx, "_w79", None) is not None:
        reset_ratelimits(ctx._w79["lt"].cfg)
        return ctx._w79
    mails = os.path.join(ctx.root, "mails79.txt")
    lt = lighttpd_stack(ctx, "sub79", dbname=DB,
                        extra={"settings_cache_seconds": "0", "sendmail": f"cat >> {mails}"})
    w = {"lt": lt, "mails": mails}
    for name, admin in (("sub_owner", False), ("sub_mate", False), ("sub_other", False),
                        ("sub_admin", True)):
        w[name[4:]] = Account(ctx, name, admin=admin, lt=lt, db=DB)
    loc = fixtures.location(ctx, DB)
    node = fixtures.node(ctx, DB, loc)
    egg = fixtures.nest_egg(ctx, DB)
    w["s"] = fixtures.server(ctx, DB, w["owner"].uuid, node, egg, "Main")
    w["busy"] = fixtures.server(ctx, DB, w["owner"].uuid, node, egg, "Busy", status="INSTALLING")
    fixtures.subuser(ctx, DB, w["s"], w["mate"].uuid,
                     ["control.start", "subusers.read", "subusers.create", "subusers.update",
                      "subusers.delete"])
    ctx._w79 = w
    return w


def path(w, server="s", sub=None):
    p = f"/api/client/servers/{w[server]}/subusers"
    return p + (f"/{sub}" if sub else "")


def body(email, perms=("control.start",), ignored=()):
    return {"email": email, "permissions": list(perms), "ignored_files": list(ignored)}


def sql(ctx, text):
    return ctx.db.sql(text, db=DB).strip()


@test
def create_for_an_unknown_email_makes_an_account(ctx):
    w = world(ctx)
    o = w["owner"]
    r = o.s("POST", path(w), body("Newbie.Person+x@example.com", ["control.start"], ["*.log"]))
    eq(r.status, 200, repr(r))
    sub = r.json()["subuser"]
    eq(list(sub), ["user", "permissions", "ignored_files", "created"], "ServerSubuser fields")
    eq(list(sub["user"]), ["uuid", "username", "avatar", "totp_enabled", "created"], "User fields")
    assert re.fullmatch(r"NewbiePers_[A-Za-z0-9]{4}", sub["user"]["username"]), sub["user"]
    eq((sub["permissions"], sub["ignored_files"]), (["control.start"], ["*.log"]), "lists")
    row = sql(ctx, f"SELECT password IS NULL, name_first, name_last FROM users "
                   f"WHERE uuid = '{sub['user']['uuid']}'")
    eq(row, "1\tServer\tSubuser", "a password-less account")
    eq(sql(ctx, f"SELECT COUNT(*) FROM user_password_resets WHERE user_uuid = "
                f"'{sub['user']['uuid']}'"), "1", "a password link")
    time.sleep(0.3)
    with open(w["mails"]) as f:
        text = f.read()
    m = re.search(r"reset-password\?token=([A-Za-z0-9]{96})", text)
    assert m, "the mail carries the link"
    ctx.secrets_to_hunt.append(m.group(1))
    assert "/server/" + w["s"][:8] in text, "the added-to-server mail links the server"
    eq(sql(ctx, f"SELECT event FROM user_activities WHERE user_uuid = '{sub['user']['uuid']}'"),
       "email:account-created", "user activity")
    d = json.loads(sql(ctx, f"SELECT data FROM server_activities WHERE server_uuid = '{w['s']}' "
                            "AND event = 'server:subuser.create' ORDER BY id DESC LIMIT 1"))
    eq((d["username"], d["email"], d["permissions"]),
       (sub["user"]["username"], "Newbie.Person+x@example.com", ["control.start"]), "activity")
    lst = o.s("GET", path(w)).json()["subusers"]
    eq([s["user"]["username"] for s in lst["data"]], ["sub_mate", sub["user"]["username"]],
       "listed by created")
    eq(o.s("GET", path(w) + "?search=newbie").json()["subusers"]["total"], 1, "search")


@test
def create_refusals(ctx):
    w = world(ctx)
    o, mate, other = w["owner"], w["mate"], w["other"]
    before = sql(ctx, "SELECT COUNT(*) FROM server_subusers")
    users_before = sql(ctx, "SELECT COUNT(*) FROM users")
    expect_error(o.s("POST", path(w), body("sub_owner@example.com")), 400,
                 "cannot create subuser for server owner")
    expect_error(o.s("POST", path(w), body("SUB_MATE@example.com")), 409,
                 "subuser with email already exists")
    expect_error(o.s("POST", path(w), body("no-at-sign")), 400,
                 "email: not a valid email: value is missing `@`")
    expect_error(o.s("POST", path(w), body("x@example.com", ["control.nope"])), 400,
                 "permissions: invalid permission: control.nope")
    expect_error(mate.s("POST", path(w), body("x@example.com", ["control.stop"])), 400,
                 "permissions: more permissions than self")
    expect_error(other.s("POST", path(w), body("x@example.com")), 404, "server not found")
    expect_error(o.s("POST", path(w, "busy"), body("x@example.com")), 409,
                 "server is currently installing")
    r = o.s("POST", path(w), {"email": "x@example.com", "permissions": ["control.start"]})
    eq(r.status, 400, f"ignored_files is required: {r!r}")
    eq(sql(ctx, "SELECT COUNT(*) FROM server_subusers"), before, "no subuser row")
    eq(sql(ctx, "SELECT COUNT(*) FROM users"), users_before, "no account made")


@test
def api_keys_and_subusers_grant_no_more_than_they_hold(ctx):
    w = world(ctx)
    o, mate = w["owner"], w["mate"]
    _, key = o.create("sub79-key", server=["subusers.create", "control.start"])
    expect_error(o.k(key, "POST", path(w), body("k1@example.com", ["control.stop"])), 400,
                 "permissions: more permissions than self")
    eq(o.k(key, "POST", path(w), body("k1@example.com", ["control.start"])).status, 200, "held")
    _, weak = o.create("sub79-weak", server=["control.start"])
    expect_error(o.k(weak, "POST", path(w), body("k2@example.com", ["control.start"])), 403,
                 "you do not have permission to perform this action: subusers.create")
    r = mate.s("POST", path(w), body("m1@example.com", ["control.start", "subusers.read"]))
    eq(r.status, 200, f"a subuser grants what it holds: {r!r}")


@test
def update_and_delete(ctx):
    w = world(ctx)
    o, mate, other = w["owner"], w["mate"], w["other"]
    target = Account(ctx, "sub_target", lt=w["lt"], db=DB)
    eq(o.s("POST", path(w), body("sub_target@example.com", ["control.start"])).status, 200, "add")
    p = path(w, sub=target.uuid)
    expect_error(o.s("PATCH", path(w, sub="not-a-uuid"), {"permissions": []}), 400,
                 "invalid subuser uuid")
    expect_error(o.s("PATCH", path(w, sub=other.uuid), {"permissions": []}), 404,
                 "subuser not found")
    expect_error(mate.s("PATCH", path(w, sub=mate.uuid), {"permissions": ["control.start"]}), 400,
                 "cannot update permissions for self")
    expect_error(mate.s("PATCH", p, {"permissions": ["control.stop"]}), 400,
                 "permissions: more permissions than self")
    eq(o.s("PATCH", p, {"permissions": ["control.stop", "files.read"], "ignored_files": ["a"]})
       .json(), {}, "owner updates")
    lst = {s["user"]["uuid"]: s for s in o.s("GET", path(w)).json()["subusers"]["data"]}
    eq((lst[target.uuid]["permissions"], lst[target.uuid]["ignored_files"]),
       (["control.stop", "files.read"], ["a"]), "updated")
    eq(o.s("PATCH", p, {"ignored_files": []}).status, 200, "ignored_files alone")
    lst = {s["user"]["uuid"]: s for s in o.s("GET", path(w)).json()["subusers"]["data"]}
    eq(lst[target.uuid]["permissions"], ["control.stop", "files.read"], "permissions kept")
    d = json.loads(sql(ctx, "SELECT data FROM server_activities WHERE event = "
                            "'server:subuser.update' ORDER BY id DESC LIMIT 1"))
    eq((d["username"], d["permissions"], d["ignored_files"]),
       ("sub_target", ["control.stop", "files.read"], []), "update activity")
    eq(o.s("DELETE", p).json(), {}, "delete")
    expect_error(o.s("DELETE", p), 404, "subuser not found")
    eq(target.s("GET", f"/api/client/servers/{w['s']}").status, 404, "no longer visible")
    own = Account(ctx, "sub_self", lt=w["lt"], db=DB)
    fixtures.subuser(ctx, DB, w["s"], own.uuid, ["subusers.delete", "subusers.read"])
    eq(own.s("DELETE", path(w, sub=own.uuid)).json(), {}, "a subuser may delete its own row")


@test
def subuser_limit(ctx):
    w = world(ctx)
    o = w["owner"]
    n = int(sql(ctx, f"SELECT COUNT(*) FROM server_subusers WHERE server_uuid = '{w['s']}'"))
    ctx.db.sql(f"REPLACE INTO settings (`key`, value) VALUES ('server::max_subuser_count', "
               f"'{n + 1}')", db=DB)
    try:
        eq(o.s("POST", path(w), body("lim1@example.com")).status, 200, "at the limit - 1")
        expect_error(o.s("POST", path(w), body("lim2@example.com")), 417,
                     "maximum number of subusers reached")
        eq(sql(ctx, "SELECT COUNT(*) FROM users WHERE email = 'lim2@example.com'"), "0",
           "no account made past the limit")
    finally:
        ctx.db.sql("DELETE FROM settings WHERE `key` = 'server::max_subuser_count'", db=DB)
