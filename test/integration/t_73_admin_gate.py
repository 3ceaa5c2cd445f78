"""The admin gate (contract 2.10) and has_admin_permission (2.12), on the
test build's /api/test/admin-gate route (admin gate, perm settings.read):
the admin flag or a role with any admin permission passes the gate; the
route's permission then needs the flag or the role's grant, and for API
keys also the key's own admin_permissions."""

import json
import uuid

from harness import test, eq, expect_error, http_request, reset_ratelimits

ROUTE = "/api/test/admin-gate"


def login(ctx, username, admin=False, role=None):
    cfg = ctx.lighttpd.cfg
    pw = f"{username}-password-1"
    ctx.secrets_to_hunt.append(pw)
    cfg.cli("user", "create", "--username", username, "--email", f"{username}@example.com",
            *(["--admin"] if admin else []), input=pw + "\n")
    if role:
        ctx.db.sql(f"UPDATE users SET role_uuid = '{role}' WHERE username = '{username}'", db="panel")
    r = http_request(ctx.lighttpd.port, "POST", "/api/auth/login",
                     body={"user": username, "password": pw})
    eq(r.status, 200, f"login {username}: {r!r}")
    cookie = r.headers["set-cookie"].split(";")[0]
    ctx.secrets_to_hunt.append(cookie.split("=", 1)[1])
    return {"Cookie": cookie}


def role(ctx, name, admin_perms):
    rid = str(uuid.uuid4())
    ctx.db.sql(f"INSERT INTO roles (uuid, name, admin_permissions, server_permissions) VALUES "
               f"('{rid}', '{name}', '{json.dumps(admin_perms)}', '[]')", db="panel")
    return rid


def key(ctx, cookie, admin_perms):
    r = http_request(ctx.lighttpd.port, "POST", "/api/client/account/api-keys", headers=cookie,
                     body={"name": f"k{uuid.uuid4().hex[:8]}", "allowed_ips": [],
                           "user_permissions": [], "admin_permissions": admin_perms,
                           "server_permissions": []})
    eq(r.status, 200, f"key: {r!r}")
    k = r.json()["key"]
    ctx.secrets_to_hunt.append(k)
    return {"Authorization": "Bearer " + k}


@test
def admin_gate_and_admin_permissions(ctx):
    reset_ratelimits(ctx.lighttpd.cfg)
    port = ctx.lighttpd.port
    expect_error(http_request(port, "GET", ROUTE), 401, "missing authorization")
    plain = login(ctx, "a73_plain")
    expect_error(http_request(port, "GET", ROUTE, headers=plain), 401, "unauthorized")
    empty_role = role(ctx, "a73 empty", [])
    with_empty = login(ctx, "a73_empty", role=empty_role)
    expect_error(http_request(port, "GET", ROUTE, headers=with_empty), 401, "unauthorized")
    admin = login(ctx, "a73_admin", admin=True)
    r = http_request(port, "GET", ROUTE, headers=admin)
    eq((r.status, r.json()), (200, {"username": "a73_admin"}), "the admin flag passes")
    # a role with some admin permission passes the gate, then needs the grant
    other = login(ctx, "a73_other", role=role(ctx, "a73 other", ["users.read"]))
    expect_error(http_request(port, "GET", ROUTE, headers=other), 403,
                 "you do not have permission to perform this action: settings.read")
    reader = login(ctx, "a73_reader", role=role(ctx, "a73 reader", ["settings.read"]))
    eq(http_request(port, "GET", ROUTE, headers=reader).status, 200, "the role's grant")
    # keys: the intersection of the account's rights and the key's list
    eq(http_request(port, "GET", ROUTE, headers=key(ctx, admin, ["settings.read"])).status, 200,
       "admin account, key with the permission")
    expect_error(http_request(port, "GET", ROUTE, headers=key(ctx, admin, [])), 403,
                 "you do not have permission to perform this action: settings.read")
    eq(http_request(port, "GET", ROUTE, headers=key(ctx, reader, ["settings.read"])).status, 200,
       "role account, key with the permission")
    expect_error(http_request(port, "GET", ROUTE, headers=key(ctx, plain, [])), 401, "unauthorized")
