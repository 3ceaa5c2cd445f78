"""The two-factor requirement of the client gate (contract 2.7) as a
matrix: no role / a role without / with require_two_factor; setting none,
admins, all_users; admin flag off and on; 2FA enabled or not; session and
API key; an exempt route and a non-exempt one. Every combination is a
request whose answer is predicted from the rule."""

import itertools
import uuid

from harness import test, eq, http_request, lighttpd_stack, reset_ratelimits

EXEMPT = "/api/client/account"
GUARDED = "/api/client/permissions"


@test
def two_factor_requirement_matrix(ctx):
    lt = lighttpd_stack(ctx, "mx77", extra={"settings_cache_seconds": "0"}, dbname="panel_mx77")
    reset_ratelimits(lt.cfg)
    db = lambda sql: ctx.db.sql(sql, db="panel_mx77")  # noqa: E731
    pw = "matrix-password-77"
    ctx.secrets_to_hunt.append(pw)
    lt.cfg.cli("user", "create", "--username", "mx77", "--email", "mx77@example.com", input=pw + "\n")
    r = http_request(lt.port, "POST", "/api/auth/login", body={"user": "mx77", "password": pw})
    cookie = {"Cookie": r.headers["set-cookie"].split(";")[0]}
    ctx.secrets_to_hunt.append(cookie["Cookie"].split("=", 1)[1])
    r = http_request(lt.port, "POST", "/api/client/account/api-keys", headers=cookie,
                     body={"name": "matrix", "allowed_ips": [], "user_permissions": [],
                           "admin_permissions": [], "server_permissions": []})
    key = {"Authorization": "Bearer " + r.json()["key"]}
    ctx.secrets_to_hunt.append(r.json()["key"])
    roles = {}
    for flag in (0, 1):
        rid = str(uuid.uuid4())
        db(f"INSERT INTO roles (uuid, name, require_two_factor, admin_permissions, "
           f"server_permissions) VALUES ('{rid}', 'mx77 {flag}', {flag}, '[]', '[]')")
        roles[flag] = rid
    checked = 0
    for role, setting, admin, enabled in itertools.product(
            (None, 0, 1), ("none", "admins", "all_users"), (0, 1), (0, 1)):
        db(f"UPDATE users SET admin = {admin}, totp_enabled = {enabled}, role_uuid = "
           + ("NULL" if role is None else f"'{roles[role]}'") + " WHERE username = 'mx77';"
           f"DELETE FROM settings; INSERT INTO settings (`key`, value) VALUES "
           f"('app::two_factor_requirement', '{setting}');")
        if role is not None:
            required = role == 1
        else:
            required = setting == "all_users" or (setting == "admins" and admin == 1)
        for cred_name, cred in (("session", cookie), ("key", key)):
            for path in (EXEMPT, GUARDED):
                blocked = required and not enabled and path == GUARDED
                r = http_request(lt.port, "GET", path, headers=cred)
                what = (f"role={role} setting={setting} admin={admin} 2fa={enabled} "
                        f"{cred_name} {path}")
                if blocked:
                    eq((r.status, r.json()), (403, {"errors": ["two-factor authentication required"]}),
                       what)
                else:  # neither route needs a user permission
                    eq(r.status, 200, what)
                if path == EXEMPT and r.status == 200:
                    eq(r.json()["user"]["require_two_factor"], required,
                       f"require_two_factor in FullUser: {what}")
                checked += 1
    eq(checked, 3 * 3 * 2 * 2 * 2 * 2, "every combination")
    lt.stop()
