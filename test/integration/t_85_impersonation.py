"""Impersonation with the Calagopus-User header (contract 2.9): who may,
which header forms count, refusals, the target passing the same account
checks as a direct login (suspended, two-factor required, admin gate), the
activity rows naming the impersonator, and the deliberate difference: an
API key's limits stay in force, so a key never does more than it allows."""

import json

import fixtures
from harness import test, eq, expect_error, lighttpd_stack, reset_ratelimits
from t_71_apikeys import Account

DB = "panel_imp85"
ACCOUNT = "/api/client/account"


def world(ctx):
    if getattr(ctx, "_w85", None) is not None:
        reset_ratelimits(ctx._w85["lt"].cfg)
        return ctx._w85
    lt = lighttpd_stack(ctx, "imp85", dbname=DB, extra={"settings_cache_seconds": "0"})
    w = {"lt": lt}
    for name, admin in (("imp_admin", True), ("imp_user", False), ("imp_helper", False),
                        ("imp_mod", False), ("imp_boss", True), ("imp_susp", False),
                        ("imp_nofa", False)):
        w[name[4:]] = Account(ctx, name, admin=admin, lt=lt, db=DB)
    mod = fixtures.role(ctx, DB, "imp-mod", admin_permissions=["users.impersonate", "users.read"],
                        server_permissions=["control.start"])
    helper = fixtures.role(ctx, DB, "imp-helper", admin_permissions=["users.read"],
                           server_permissions=["control.start"])
    big = fixtures.role(ctx, DB, "imp-big", admin_permissions=["users.read", "nodes.read"])
    nofa = fixtures.role(ctx, DB, "imp-2fa", require_two_factor=True)
    for who, r in (("mod", mod), ("helper", helper), ("user", big), ("nofa", nofa)):
        ctx.db.sql(f"UPDATE users SET role_uuid = '{r}' WHERE uuid = '{w[who].uuid}'", db=DB)
    ctx.db.sql(f"UPDATE users SET suspended = 1 WHERE uuid = '{w['susp'].uuid}'", db=DB)
    ctx._w85 = w
    return w


def me(resp):
    eq(resp.status, 200, repr(resp))
    return resp.json()["user"]["username"]


@test
def admin_impersonates_in_every_header_form(ctx):
    w = world(ctx)
    a, u = w["admin"], w["helper"]
    for form in (u.uuid, u.uuid.upper(), "{" + u.uuid + "}", u.uuid.replace("-", ""),
                 "urn:uuid:" + u.uuid):
        eq(me(a.s("GET", ACCOUNT, headers={"Calagopus-User": form})), "imp_helper", form)
    for ignored in ("", "not-a-uuid", u.uuid + "0", "{" + u.uuid):
        eq(me(a.s("GET", ACCOUNT, headers={"Calagopus-User": ignored})), "imp_admin",
           f"unparsable value {ignored!r} is ignored")
    expect_error(a.s("GET", ACCOUNT, headers={"Calagopus-User": "00000000-0000-4000-8000-"
                                                                "000000000000"}), 401,
                 "unable to find user from calagopus-user header")
    eq(me(a.s("GET", ACCOUNT, headers={"Calagopus-User": w["boss"].uuid})), "imp_boss",
       "the admin flag may impersonate another admin")
    eq(me(u.s("GET", ACCOUNT, headers={"Calagopus-User": a.uuid})), "imp_helper",
       "without users.impersonate the header is ignored")


@test
def role_holders_only_impersonate_users_with_less(ctx):
    w = world(ctx)
    m = w["mod"]
    eq(me(m.s("GET", ACCOUNT, headers={"Calagopus-User": w["helper"].uuid})), "imp_helper",
       "target's role within the caller's")
    expect_error(m.s("GET", ACCOUNT, headers={"Calagopus-User": w["user"].uuid}), 403,
                 "cannot impersonate a user with more permissions")
    expect_error(m.s("GET", ACCOUNT, headers={"Calagopus-User": w["admin"].uuid}), 403,
                 "cannot impersonate a user with more permissions")


@test
def the_target_passes_the_account_checks_of_a_direct_login(ctx):
    w = world(ctx)
    a = w["admin"]
    h = {"Calagopus-User": w["susp"].uuid}
    eq(me(a.s("GET", ACCOUNT, headers=h)), "imp_susp", "exempt route")
    expect_error(a.s("GET", "/api/client/servers", headers=h), 403, "account is suspended")
    expect_error(a.s("GET", "/api/client/servers",
                     headers={"Calagopus-User": w["nofa"].uuid}), 403,
                 "two-factor authentication required")
    expect_error(a.s("GET", "/api/test/admin-gate",
                     headers={"Calagopus-User": w["helper"].uuid}), 403,
                 "you do not have permission to perform this action: settings.read")
    r = a.s("GET", "/api/test/admin-gate", headers={"Calagopus-User": w["nofa"].uuid})
    eq(r.status, 403, "the admin gate evaluates the target")
    eq(a.s("GET", "/api/test/admin-gate").status, 200, "the admin itself passes")


@test
def activity_names_the_impersonator(ctx):
    w = world(ctx)
    a, u = w["admin"], w["helper"]
    eq(a.s("PATCH", ACCOUNT, {"name_first": "Changed"},
           headers={"Calagopus-User": u.uuid}).status, 200, "patch as the target")
    row = ctx.db.sql(f"SELECT user_uuid, impersonator_uuid FROM user_activities WHERE event = "
                     f"'account:update' AND user_uuid = '{u.uuid}' ORDER BY id DESC LIMIT 1",
                     db=DB).split()
    eq(row, [u.uuid, a.uuid], "user_activities: the target and the impersonator")
    acts = u.s("GET", ACCOUNT + "/activity").json()["activities"]["data"]
    eq(acts[0]["impersonator"]["username"], "imp_admin", "shown to the target")


@test
def an_api_key_never_does_more_than_it_allows(ctx):
    w = world(ctx)
    a, u = w["admin"], w["helper"]
    _, key = a.create("imp-key", admin=["users.impersonate"], user=["account.infos"])
    h = {"Calagopus-User": u.uuid}
    r = a.k(key, "GET", ACCOUNT, None, headers=h)
    eq(me(r), "imp_helper", "the key may impersonate")
    expect_error(a.k(key, "GET", ACCOUNT + "/sessions", None, headers=h), 403,
                 "you do not have permission to perform this action: sessions.read")
    expect_error(a.k(key, "GET", "/api/client/servers", None, headers=h), 403,
                 "you do not have permission to perform this action: servers.read")
    eq(a.k(key, "PATCH", ACCOUNT, {"name_last": "ByKey"}, headers=h).status, 200,
       "what the key allows works")
    row = ctx.db.sql(f"SELECT impersonator_uuid, api_key_uuid IS NOT NULL FROM user_activities "
                     f"WHERE user_uuid = '{u.uuid}' AND event = 'account:update' ORDER BY id DESC "
                     "LIMIT 1", db=DB).split()
    eq(row, [a.uuid, "1"], "the impersonator and the caller's key recorded")
    _, plain = a.create("imp-plain", user=["account.infos", "sessions.read"])
    eq(me(a.k(plain, "GET", ACCOUNT, None, headers=h)), "imp_admin",
       "a key without users.impersonate: the header is ignored")


@test
def admin_activity_records_user_impersonator_and_key(ctx):
    w = world(ctx)
    a, boss = w["admin"], w["boss"]
    api_key, key = a.create("imp-admin-key", admin=["users.impersonate", "nests.create"])
    r = a.k(key, "POST", "/api/admin/nests", {"author": "imp85@example.com", "name": "imp85 nest",
                                              "description": None},
            headers={"Calagopus-User": boss.uuid})
    eq(r.status, 200, repr(r))
    row = ctx.db.sql("SELECT user_uuid, impersonator_uuid, api_key_uuid FROM admin_activities "
                     "WHERE event = 'nest:create' ORDER BY id DESC LIMIT 1", db=DB).split()
    eq(row, [boss.uuid, a.uuid, api_key["uuid"]],
       "the acting (impersonated) user, the impersonator and the caller's key")
    expect_error(a.k(key, "DELETE", "/api/admin/nests/" + r.json()["nest"]["uuid"], {},
                     headers={"Calagopus-User": boss.uuid}), 403,
                 "you do not have permission to perform this action: nests.read")
