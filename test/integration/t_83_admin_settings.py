"""Admin settings (contract 8.8, 13, 12.3), server groups (contract-extra 4,
7.2, 8.2, 9) and command snippets (contract-extra 3.1, 3.3, 7.1, 8.1, 9).

Settings: GET with every default and every secret redacted; PUT validated
field by field (plain 400, every failure in field order, a type error
alone), then the permission, then one transaction; a secret sent back as
"********" keeps the stored one; secrets sealed at rest; tagged objects
replaced whole; clearable fields; the settings:update entry without any
secret; other workers see a change at once with settings_cache_seconds 0.

Groups and snippets: every route, every error string and status, the
contract's check order, limits at their edges, user permissions of API
keys, activity rows, and GET /api/client/servers/groups reaching the groups
handler rather than the server gate of /api/client/servers/{server}."""

import json
import secrets
import uuid as uuidlib

import fixtures
from harness import test, eq, expect_error, http_request, lighttpd_stack, reset_ratelimits
from t_71_apikeys import Account

DB = "panel_adm83"
SETTINGS = "/api/admin/settings"
GROUPS = "/api/client/servers/groups"
SNIPPETS = "/api/client/account/command-snippets"
RED = "********"


def world(ctx):
    """An admin, a role with settings.read only, a role with users.read
    only, a plain user; users u1 and u2 with servers (u1 owns Alpha, Bravo,
    Charlie; u2 owns Delta, where u1 is a subuser, and Echo)."""
    w = getattr(ctx, "_w83", None)
    if w is not None:
        reset_ratelimits(w["lt"].cfg)
        return w
    lt = lighttpd_stack(ctx, "adm83", extra={"settings_cache_seconds": "0"}, dbname=DB)
    w = {"lt": lt}
    w["admin"] = Account(ctx, "adm83_admin", admin=True, lt=lt, db=DB)
    for name, perms in (("reader", ["settings.read"]), ("other", ["users.read"])):
        acct = Account(ctx, "adm83_" + name, lt=lt, db=DB)
        r = fixtures.role(ctx, DB, "adm83 " + name, admin_permissions=perms)
        ctx.db.sql(f"UPDATE users SET role_uuid = '{r}' WHERE uuid = '{acct.uuid}'", db=DB)
        w[name] = acct
    w["plain"] = Account(ctx, "adm83_plain", lt=lt, db=DB)
    w["u1"] = Account(ctx, "adm83_u1", lt=lt, db=DB)
    w["u2"] = Account(ctx, "adm83_u2", lt=lt, db=DB)
    loc = fixtures.location(ctx, DB)
    node = fixtures.node(ctx, DB, loc)
    w["egg"] = egg = fixtures.nest_egg(ctx, DB)
    u1, u2 = w["u1"].uuid, w["u2"].uuid
    for key, owner, name, n in (("s1", u1, "Alpha", 1), ("s2", u1, "Bravo", 2),
                                ("s3", u1, "Charlie", 3), ("s4", u2, "Delta", 4),
                                ("s5", u2, "Echo", 5)):
        w[key] = fixtures.server(ctx, DB, owner, node, egg, name,
                                 created=f"2026-01-01 00:00:0{n}")
    fixtures.subuser(ctx, DB, w["s4"], u1, ["control.start"])
    ctx._w83 = w
    return w


def fresh_settings(ctx):
    """The world, its admin, and an empty settings table."""
    w = world(ctx)
    sql(ctx, "DELETE FROM settings")
    return w, w["admin"]


def sql(ctx, text):
    return ctx.db.sql(text, db=DB)


def set_setting(ctx, key, value):
    sql(ctx, f"INSERT INTO settings (`key`, value) VALUES ('{key}', '{value}') "
             f"ON DUPLICATE KEY UPDATE value = '{value}'")


def stored(ctx, key):
    out = sql(ctx, f"SELECT value FROM settings WHERE `key` = '{key}'")
    return out[:-1] if out.endswith("\n") else (None if out == "" else out)


def get_settings(a, key=None):
    r = a.k(key, "GET", SETTINGS) if key else a.s("GET", SETTINGS)
    eq(r.status, 200, f"GET settings: {r!r}")
    eq(list(r.json()), ["settings"], "envelope")
    return r.json()["settings"]


def put(a, body, key=None):
    return a.k(key, "PUT", SETTINGS, body) if key else a.s("PUT", SETTINGS, body)


def put_ok(a, body, key=None):
    r = put(a, body, key)
    eq((r.status, r.json()), (200, {}), f"PUT {json.dumps(body)[:200]}")


def activities(ctx, table, event, user_uuid=None):
    """data of every row of event (oldest first), user_agent dropped."""
    where = f"event = '{event}'" + (f" AND user_uuid = '{user_uuid}'" if user_uuid else "")
    rows = []
    for line in sql(ctx, f"SELECT data FROM {table} WHERE {where} ORDER BY id").splitlines():
        d = json.loads(line)
        d.pop("user_agent", None)
        rows.append(d)
    return rows


def rl(h, w):
    return {"hits": h, "window_seconds": w}


DEFAULTS = {
    "telemetry_uuid": None,
    "telemetry_cron_schedule": None,
    "oobe_step": None,
    "storage_driver": {"type": "filesystem", "path": "/var/lib/calagopus"},
    "mail_mode": {"type": "none"},
    "captcha_provider": {"type": "none"},
    "app": {"name": "Calagopus", "icon": "/icon.svg", "icon_light": None, "banner": None,
            "banner_light": None, "url": "http://127.0.0.1:8080", "language": "en",
            "two_factor_requirement": "none", "session_cookie": "calagopus_session",
            "session_duration_seconds": 604800, "telemetry_enabled": True,
            "registration_enabled": True},
    "webauthn": {"enabled": True, "allow_discoverable": True, "rp_id": "localhost",
                 "rp_origin": "http://localhost", "authentication_timeout_seconds": 300,
                 "registration_timeout_seconds": 300},
    "server": {"max_file_manager_view_size": 10485760,
               "max_file_manager_content_search_size": 5242880,
               "max_file_manager_search_results": 100, "max_subuser_count": 25,
               "max_schedule_step_count": 50, "max_backup_group_count": 10,
               "max_database_instance_database_count": 10,
               "max_database_instance_user_count": 10,
               "allow_overwriting_custom_docker_image": True,
               "allow_viewing_installation_logs": True,
               "allow_acknowledging_installation_failure": True,
               "allow_viewing_transfer_progress": True,
               "container_prelude": "container@calagopus~"},
    "user": {"max_server_group_count": 25, "max_api_key_count": 50,
             "max_command_snippet_count": 100, "max_security_key_count": 50,
             "max_ssh_key_count": 50, "allow_changing_language": True, "route_order": None},
    "activity": {"admin_log_retention_days": 180, "admin_log_retention_count": None,
                 "user_log_retention_days": 180, "user_log_retention_count": None,
                 "server_log_retention_days": 90, "server_log_retention_count": None,
                 "server_log_admin_activity": True, "server_log_schedule_activity": True},
    "ratelimits": {"auth_register": rl(10, 3600), "auth_login": rl(20, 300),
                   "auth_login_checkpoint": rl(10, 300), "auth_login_security_key": rl(10, 300),
                   "auth_password_forgot": rl(10, 3600), "auth_password_reset": rl(10, 300),
                   "client": rl(360, 30), "client_servers_backups_create": rl(4, 300),
                   "client_servers_files_pull": rl(5, 60),
                   "client_servers_files_pull_query": rl(10, 60), "remote": rl(720, 30),
                   "remote_sftp_auth": rl(60, 30)},
}


def ordered(got, want, what):
    """Equal, with the same key order at every level (contract 1.3)."""
    eq(got, want, what)
    if isinstance(want, dict):
        eq(list(got), list(want), f"{what}: key order")
        for k in want:
            ordered(got[k], want[k], f"{what}.{k}")


# ==========================================================================
# settings

@test
def settings_get_defaults(ctx):
    w = world(ctx)
    sql(ctx, "DELETE FROM settings")
    ordered(get_settings(w["admin"]), DEFAULTS, "defaults on an empty table")
    set_setting(ctx, "::telemetry_uuid", "123E4567-E89B-42D3-A456-426614174000")
    set_setting(ctx, "::telemetry_cron_schedule", "0 0 * * *")
    set_setting(ctx, "::oobe_step", "finished")
    set_setting(ctx, "app::session_duration_seconds", "12")  # out of range: the default
    set_setting(ctx, "ratelimits::client", "{\"hits\":0}")  # not one: the default
    s = get_settings(w["admin"])
    eq((s["telemetry_uuid"], s["telemetry_cron_schedule"], s["oobe_step"]),
       ("123e4567-e89b-42d3-a456-426614174000", "0 0 * * *", "finished"), "read-only values")
    eq((s["app"]["session_duration_seconds"], s["ratelimits"]["client"]), (604800, rl(360, 30)),
       "unusable stored values read as the default")
    sql(ctx, "DELETE FROM settings")
    eq(get_settings(w["reader"]), DEFAULTS, "a role with settings.read")


@test
def settings_put_and_read_back(ctx):
    w, a = fresh_settings(ctx)
    put_ok(a, {"app": {"name": "Panel 83", "registration_enabled": False,
                       "url": "https://panel.example.com"},
               "server": {"max_subuser_count": 7, "allow_viewing_transfer_progress": False},
               "webauthn": {"rp_id": "panel.example.com"},
               "ratelimits": {"remote": rl(1, 1)}, "unknown_field": 1})
    s = get_settings(a)
    want = json.loads(json.dumps(DEFAULTS))
    want["app"].update(name="Panel 83", registration_enabled=False,
                       url="https://panel.example.com")
    want["server"].update(max_subuser_count=7, allow_viewing_transfer_progress=False)
    want["webauthn"]["rp_id"] = "panel.example.com"
    want["ratelimits"]["remote"] = rl(1, 1)
    ordered(s, want, "partial update: only the given fields change")
    eq((stored(ctx, "app::name"), stored(ctx, "app::registration_enabled"),
        stored(ctx, "server::max_subuser_count"), stored(ctx, "ratelimits::remote")),
       ("Panel 83", "false", "7", '{"hits":1,"window_seconds":1}'), "storage keys (contract 13)")
    eq(stored(ctx, "app::icon"), None, "fields not sent are not written")
    # non-clearable null = absent
    put_ok(a, {"app": {"name": None, "icon": None}, "server": None})
    eq(get_settings(a)["app"]["name"], "Panel 83", "null leaves a non-clearable field alone")
    # every worker (2 processes x 2 threads, settings_cache_seconds 0) sees it
    put_ok(a, {"app": {"name": "Panel 83b"}, "user": {"max_api_key_count": 3}})
    for i in range(8):
        r = http_request(w["lt"].port, "GET", "/api/settings")
        eq((r.json()["app"]["name"], r.json()["user"]["max_api_key_count"]), ("Panel 83b", 3),
           f"public settings, request {i}")
    # routes that read the settings through each worker's cache see a change
    # at once (settings_cache_seconds 0), whichever worker answers
    put_ok(a, {"user": {"max_server_group_count": 0}})
    for i in range(6):
        expect_error(w["u1"].s("POST", GROUPS, {"name": "xx", "server_order": []}), 417,
                     "maximum number of user server groups reached")
    put_ok(a, {"user": {"max_server_group_count": 1}})
    eq(w["u1"].s("POST", GROUPS, {"name": "xx", "server_order": []}).status, 200, "room again")
    sql(ctx, "DELETE FROM user_server_groups")
    # edges: at the limit accepted
    edge = {"app": {"name": "n" * 64, "icon": "i" * 255, "session_duration_seconds": 60,
                    "language": "en", "session_cookie": "c" * 255},
            "webauthn": {"authentication_timeout_seconds": 30,
                         "registration_timeout_seconds": 600, "rp_id": "r" * 255},
            "server": {"container_prelude": "p" * 255, "max_file_manager_view_size": 2147483647,
                       "max_subuser_count": 0},
            "user": {"route_order": [{"type": "route", "path": "/"}] * 100},
            "activity": {"admin_log_retention_days": 1, "user_log_retention_days": 3650,
                         "server_log_retention_count": 1},
            "ratelimits": {"remote": rl(2147483647, 2592000)}}
    put_ok(a, edge)
    s = get_settings(a)
    eq((s["app"]["name"], s["app"]["session_duration_seconds"], len(s["user"]["route_order"]),
        s["activity"]["server_log_retention_count"], s["ratelimits"]["remote"],
        s["server"]["max_file_manager_view_size"]),
       ("n" * 64, 60, 100, 1, rl(2147483647, 2592000), 2147483647), "edges stored")
    put_ok(a, {"app": {"session_duration_seconds": 31536000, "name": "ü" * 64}})
    eq((get_settings(a)["app"]["session_duration_seconds"], get_settings(a)["app"]["name"]),
       (31536000, "ü" * 64), "upper edge; lengths count characters")
    sql(ctx, "DELETE FROM settings")


@test
def settings_validation_every_failure_in_field_order(ctx):
    w, a = fresh_settings(ctx)
    body = {
        "storage_driver": {"type": "s3", "public_url": "not a url", "access_key": "a" * 513,
                           "secret_key": "", "bucket": "b" * 64, "region": "",
                           "endpoint": "e" * 256, "path_style": False},
        "mail_mode": {"type": "smtp", "host": "", "port": 0, "username": "",
                      "password": "p" * 256, "tls_mode": "start_tls", "from_address": "nobody",
                      "from_name": ""},
        "captcha_provider": {"type": "turnstile", "site_key": "", "secret_key": "s" * 256},
        "app": {"name": "n" * 65, "icon": "", "icon_light": "x" * 256, "url": "relative/path",
                "language": "xx", "session_cookie": "", "session_duration_seconds": 59},
        "webauthn": {"rp_id": "", "rp_origin": "http://", "authentication_timeout_seconds": 29,
                     "registration_timeout_seconds": 601},
        "server": {"container_prelude": "", "max_subuser_count": -1},
        "user": {"route_order": [{"type": "route", "path": "/"}] * 101},
        "activity": {"admin_log_retention_days": 0, "admin_log_retention_count": 0,
                     "user_log_retention_days": 3651},
        "ratelimits": {"client": rl(0, 0), "remote": rl(1, 2592001)},
    }
    r = put(a, body)
    eq(r.status, 400, repr(r))
    eq(r.json()["errors"], [
        "storage_driver.public_url: not a valid url: relative URL without a base",
        "storage_driver.access_key: length is greater than 512",
        "storage_driver.secret_key: length is lower than 1",
        "storage_driver.bucket: length is greater than 63",
        "storage_driver.region: length is lower than 1",
        "storage_driver.endpoint: length is greater than 255",
        "mail_mode.host: length is lower than 1",
        "mail_mode.port: lower than 1",
        "mail_mode.username: length is lower than 1",
        "mail_mode.password: length is greater than 255",
        "mail_mode.from_address: not a valid email: value is missing `@`",
        "mail_mode.from_name: length is lower than 1",
        "captcha_provider.site_key: length is lower than 1",
        "captcha_provider.secret_key: length is greater than 255",
        "app.name: length is greater than 64",
        "app.icon: length is lower than 1",
        "app.icon_light: length is greater than 255",
        "app.url: not a valid url: relative URL without a base",
        "app.language: invalid language: xx",
        "app.session_cookie: length is lower than 1",
        "app.session_duration_seconds: lower than 60",
        "webauthn.rp_id: length is lower than 1",
        "webauthn.rp_origin: not a valid url: empty host",
        "webauthn.authentication_timeout_seconds: lower than 30",
        "webauthn.registration_timeout_seconds: greater than 600",
        "server.max_subuser_count: lower than 0",
        "server.container_prelude: length is lower than 1",
        "user.route_order: length is greater than 100",
        "activity.admin_log_retention_days: lower than 1",
        "activity.admin_log_retention_count: lower than 1",
        "activity.user_log_retention_days: greater than 3650",
        "ratelimits.client.hits: lower than 1",
        "ratelimits.client.window_seconds: lower than 1",
        "ratelimits.remote.window_seconds: greater than 2592000",
    ], "every failed rule, in the contract's field order")
    eq(sql(ctx, "SELECT COUNT(*) FROM settings").strip(), "0", "nothing stored")
    # one bad field spoils the whole request (all or nothing)
    expect_error(put(a, {"app": {"name": "Changed"}, "webauthn": {"rp_id": ""}}), 400,
                 "webauthn.rp_id: length is lower than 1")
    eq(get_settings(a)["app"]["name"], "Calagopus", "the valid field was not written")
    # one over each upper edge of the accepted-edges test
    for body, msg in (
            ({"app": {"session_duration_seconds": 31536001}},
             "app.session_duration_seconds: greater than 31536000"),
            ({"app": {"language": "a"}}, "app.language: length is lower than 2"),
            ({"app": {"language": "a" * 16}}, "app.language: length is greater than 15"),
            ({"app": {"url": "https://h:65536/"}}, "app.url: not a valid url: invalid port number"),
            ({"app": {"url": "https://a b/"}},
             "app.url: not a valid url: invalid domain character"),
            ({"server": {"max_file_manager_view_size": 2147483648}},
             "server.max_file_manager_view_size: greater than 2147483647"),
            ({"mail_mode": {"type": "smtp", "host": "h", "port": 65536, "tls_mode": "none",
                            "from_address": "a@b.c"}}, "mail_mode.port: greater than 65535"),
            ({"storage_driver": {"type": "filesystem", "path": "p" * 256}},
             "storage_driver.path: length is greater than 255"),
            ({"captcha_provider": {"type": "friendly_captcha", "site_key": "s",
                                   "api_key": "k" * 256}},
             "captcha_provider.api_key: length is greater than 255"),
            ({"ratelimits": {"remote": rl(2147483648, 1)}},
             "ratelimits.remote.hits: greater than 2147483647"),
            ({"activity": {"server_log_retention_days": 3651}},
             "activity.server_log_retention_days: greater than 3650")):
        expect_error(put(a, body), 400, msg)
    # type and shape errors: "invalid payload: ...", alone, before any rule
    for body, msg in (
            ({"app": "x"}, "invalid type for `app`, expected an object"),
            ({"app": {"name": "", "icon": 5}}, "invalid type for `app.icon`, expected a string"),
            ({"app": {"session_duration_seconds": "60"}},
             "invalid type for `app.session_duration_seconds`, expected an integer"),
            ({"app": {"telemetry_enabled": "yes"}},
             "invalid type for `app.telemetry_enabled`, expected a boolean"),
            ({"app": {"two_factor_requirement": "sometimes"}},
             "app.two_factor_requirement: unknown variant `sometimes`, expected one of "
             "`admins`, `all_users`, `none`"),
            ({"oobe_step": "later"},
             "oobe_step: unknown variant `later`, expected one of `register`, `configuration`, "
             "`repositories`, `location`, `node`, `nodeconfiguration`, `server`, `finished`"),
            ({"mail_mode": {"type": "pigeon"}},
             "mail_mode.type: unknown variant `pigeon`, expected one of `none`, `smtp`, "
             "`sendmail`, `filesystem`"),
            ({"mail_mode": {"host": "x"}}, "mail_mode: missing field `type`"),
            ({"mail_mode": {"type": 5}}, "invalid type for `mail_mode.type`, expected a string"),
            ({"mail_mode": "smtp"}, "invalid type for `mail_mode`, expected an object"),
            ({"mail_mode": {"type": "sendmail", "from_address": "a@b.c"}},
             "mail_mode: missing field `command`"),
            ({"mail_mode": {"type": "smtp", "host": None, "port": 25, "tls_mode": "none",
                            "from_address": "a@b.c"}},
             "invalid type for `mail_mode.host`, expected a string"),
            ({"mail_mode": {"type": "smtp", "host": "h", "port": 25, "tls_mode": "tls",
                            "from_address": "a@b.c"}},
             "mail_mode.tls_mode: unknown variant `tls`, expected one of `none`, `start_tls`, "
             "`implicit_tls`"),
            ({"storage_driver": {"type": "s3"}}, "storage_driver: missing field `public_url`"),
            ({"captcha_provider": {"type": "recaptcha", "site_key": "s", "secret_key": "k"}},
             "captcha_provider: missing field `v3`"),
            ({"ratelimits": {"client": {"hits": 5}}},
             "ratelimits.client: missing field `window_seconds`"),
            ({"ratelimits": {"client": {"hits": 5, "window_seconds": 1.5}}},
             "invalid type for `ratelimits.client.window_seconds`, expected an integer"),
            ({"user": {"route_order": {}}}, "invalid type for `user.route_order`, expected a "
                                            "sequence"),
            ({"user": {"route_order": [{"type": "spacer"}]}},
             "user.route_order[0].type: unknown variant `spacer`, expected one of `route`, "
             "`divider`, `redirect`"),
            ({"user": {"route_order": [{"type": "route", "path": "/"}, {"type": "redirect",
                                       "name": "x", "name_translations": {}}]}},
             "user.route_order[1]: missing field `destination`"),
            ({"user": {"route_order": [{"type": "divider", "name_translations": {"de": 1}}]}},
             "invalid type for `user.route_order[0].name_translations`, expected a map of "
             "strings"),
            ({"user": {"route_order": ["route"]}},
             "invalid type for `user.route_order[0]`, expected an object")):
        expect_error(put(a, body), 400, "invalid payload: " + msg)
    eq(sql(ctx, "SELECT COUNT(*) FROM settings").strip(), "0", "still nothing stored")


@test
def settings_clearable_and_tagged_objects(ctx):
    w, a = fresh_settings(ctx)
    routes = [{"type": "route", "path": "/"},
              {"type": "divider", "name": None, "name_translations": {"de": "Teiler"}},
              {"type": "redirect", "name": "Docs", "name_translations": {},
               "destination": "https://docs.example.com"}]
    put_ok(a, {"oobe_step": "finished",
               "app": {"icon_light": "/light.svg", "banner": "/banner.png"},
               "user": {"route_order": routes},
               "activity": {"admin_log_retention_count": 5}})
    s = get_settings(a)
    eq((s["oobe_step"], s["app"]["icon_light"], s["app"]["banner"], s["user"]["route_order"],
        s["activity"]["admin_log_retention_count"]),
       ("finished", "/light.svg", "/banner.png", routes, 5), "set")
    eq(stored(ctx, "::oobe_step"), "finished", "oobe_step is written where it is read")
    put_ok(a, {"oobe_step": None, "app": {"icon_light": None},
               "user": {"route_order": None}, "activity": {"admin_log_retention_count": None}})
    s = get_settings(a)
    eq((s["oobe_step"], s["app"]["icon_light"], s["app"]["banner"], s["user"]["route_order"],
        s["activity"]["admin_log_retention_count"]),
       (None, None, "/banner.png", None, None), "null clears a clearable field")
    # tagged objects are replaced whole; left-out Option fields become null
    put_ok(a, {"mail_mode": {"type": "smtp", "host": "smtp.example.com", "port": 465,
                             "username": "mailer", "password": "pw-83-a",
                             "tls_mode": "implicit_tls",
                             "skip_cert_validation": True, "from_address": "panel@example.com",
                             "from_name": "Panel"}})
    ctx.secrets_to_hunt.append("pw-83-a")
    put_ok(a, {"mail_mode": {"type": "sendmail", "command": "/usr/sbin/sendmail -t",
                             "from_address": "panel@example.com"}})
    ordered(get_settings(a)["mail_mode"],
            {"type": "sendmail", "command": "/usr/sbin/sendmail -t",
             "from_address": "panel@example.com", "from_name": None}, "sendmail, whole")
    put_ok(a, {"mail_mode": {"type": "filesystem", "path": "/var/mail/panel",
                             "from_address": "a@b", "from_name": "Panel"}})
    ordered(get_settings(a)["mail_mode"],
            {"type": "filesystem", "path": "/var/mail/panel", "from_address": "a@b",
             "from_name": "Panel"}, "filesystem mail")
    put_ok(a, {"mail_mode": {"type": "smtp", "host": "h.example.com", "port": 25,
                             "tls_mode": "none", "from_address": "a@b.c"}})
    ordered(get_settings(a)["mail_mode"],
            {"type": "smtp", "host": "h.example.com", "port": 25, "username": None,
             "password": None, "tls_mode": "none", "skip_cert_validation": False,
             "from_address": "a@b.c", "from_name": None},
            "smtp again: the old password and user name are gone, skip_cert_validation "
            "defaults to false")
    eq(stored(ctx, "::mail_smtp_tls_mode"), "none", "tls mode stored")
    put_ok(a, {"mail_mode": {"type": "smtp", "host": "h.example.com", "port": 25,
                             "tls_mode": "start_tls", "from_address": "a@b.c"}})
    eq(stored(ctx, "::mail_smtp_tls_mode"), "starttls", "start_tls is stored as the panel does")
    put_ok(a, {"mail_mode": {"type": "none"}, "captcha_provider": {"type": "recaptcha",
                                                                   "v3": True, "site_key": "site",
                                                                   "secret_key": "rc-83-secret"}})
    ctx.secrets_to_hunt.append("rc-83-secret")
    s = get_settings(a)
    ordered(s["mail_mode"], {"type": "none"}, "mail none")
    ordered(s["captcha_provider"], {"type": "recaptcha", "v3": True, "site_key": "site",
                                    "secret_key": RED}, "recaptcha")
    eq(stored(ctx, "::captcha_provider"), "recaptcha", "stored tag")
    put_ok(a, {"captcha_provider": {"type": "friendly_captcha", "site_key": "fs",
                                    "api_key": "fc-83-api-key"}})
    ctx.secrets_to_hunt.append("fc-83-api-key")
    ordered(get_settings(a)["captcha_provider"],
            {"type": "friendly_captcha", "site_key": "fs", "api_key": RED}, "friendly captcha")
    eq(stored(ctx, "::captcha_provider"), "friendlycaptcha", "stored name of friendly_captcha")
    sql(ctx, "DELETE FROM settings")


@test
def settings_secrets_redacted_sealed_and_kept(ctx):
    w, a = fresh_settings(ctx)
    plain = {name: f"{name}-{secrets.token_hex(12)}" for name in
             ("smtp_password", "smtp_user", "s3_access", "s3_secret", "turnstile")}
    ctx.secrets_to_hunt.extend(plain.values())
    put_ok(a, {"mail_mode": {"type": "smtp", "host": "smtp.example.com", "port": 587,
                             "username": plain["smtp_user"], "password": plain["smtp_password"],
                             "tls_mode": "start_tls", "from_address": "panel@example.com"},
               "storage_driver": {"type": "s3", "public_url": "https://cdn.example.com",
                                  "access_key": plain["s3_access"],
                                  "secret_key": plain["s3_secret"], "bucket": "b",
                                  "region": "eu-1", "endpoint": "https://s3.example.com",
                                  "path_style": True},
               "captcha_provider": {"type": "turnstile", "site_key": "site-key",
                                    "secret_key": plain["turnstile"]}})
    s = get_settings(a)
    ordered(s["mail_mode"], {"type": "smtp", "host": "smtp.example.com", "port": 587,
                             "username": plain["smtp_user"], "password": RED,
                             "tls_mode": "start_tls", "skip_cert_validation": False,
                             "from_address": "panel@example.com", "from_name": None},
            "smtp: the password redacted, the user name shown")
    ordered(s["storage_driver"], {"type": "s3", "public_url": "https://cdn.example.com",
                                  "access_key": RED, "secret_key": RED, "bucket": "b",
                                  "region": "eu-1", "endpoint": "https://s3.example.com",
                                  "path_style": True}, "s3: both keys redacted")
    ordered(s["captcha_provider"], {"type": "turnstile", "site_key": "site-key",
                                    "secret_key": RED}, "turnstile")
    eq(get_settings(w["reader"])["mail_mode"]["password"], RED, "also for a settings.read role")
    # sealed at rest: no plaintext in the table
    keys = ("::mail_smtp_password", "::mail_smtp_username", "::storage_s3_access_key",
            "::storage_s3_secret_key", "::turnstile_secret_key")
    before = {k: stored(ctx, k) for k in keys}
    table = sql(ctx, "SELECT `key`, value FROM settings")
    for k in keys:
        assert before[k].startswith("enc1:"), f"{k} sealed: {before[k][:20]}"
    for v in plain.values():
        assert v not in table, "a secret in the settings table"
    # the GET answer sent back unchanged keeps every secret (the user name,
    # shown in clear, is sealed afresh)
    put_ok(a, s)
    secret_keys = [k for k in keys if k != "::mail_smtp_username"]
    eq({k: stored(ctx, k) for k in secret_keys}, {k: before[k] for k in secret_keys},
       "placeholders keep the stored secrets")
    eq(get_settings(a), s, "and GET reads the same")
    # switching away and back with the placeholder keeps the sealed keys too
    put_ok(a, {"storage_driver": {"type": "filesystem", "path": "/srv/panel"}})
    put_ok(a, dict(storage_driver=s["storage_driver"]))
    eq(stored(ctx, "::storage_s3_secret_key"), before["::storage_s3_secret_key"], "kept")
    # a new secret replaces it; null clears the optional password
    put_ok(a, {"mail_mode": dict(s["mail_mode"], password="new-" + plain["smtp_password"])})
    assert stored(ctx, "::mail_smtp_password") != before["::mail_smtp_password"], "replaced"
    eq(get_settings(a)["mail_mode"]["password"], RED, "still redacted")
    put_ok(a, {"mail_mode": dict(s["mail_mode"], password=None)})
    eq((get_settings(a)["mail_mode"]["password"], stored(ctx, "::mail_smtp_password")),
       (None, ""), "null clears the password")
    put_ok(a, {"mail_mode": dict(s["mail_mode"], password=RED)})
    eq(get_settings(a)["mail_mode"]["password"], None,
       "the placeholder with nothing stored keeps nothing")
    # a sealed value bound to another key does not open: null, logged
    sql(ctx, "UPDATE settings SET value = (SELECT value FROM (SELECT value FROM settings WHERE "
             "`key` = '::storage_s3_access_key') t) WHERE `key` = '::mail_smtp_username'")
    eq(get_settings(a)["mail_mode"]["username"], None, "moved ciphertext does not open")
    # no settings:update entry holds a secret (the user name is shown, as
    # in GET)
    data = sql(ctx, "SELECT data FROM admin_activities WHERE event = 'settings:update'")
    for name, v in plain.items():
        if name != "smtp_user":
            assert v not in data, f"{name} in admin_activities.data"
    assert plain["smtp_user"] in data, "the user name is recorded"
    sql(ctx, "DELETE FROM settings")


@test
def settings_permissions_and_check_order(ctx):
    w = world(ctx)
    sql(ctx, "DELETE FROM settings")
    good, bad = {"app": {"name": "Perm 83"}}, {"app": {"name": ""}}
    expect_error(http_request(w["lt"].port, "GET", SETTINGS), 401, "missing authorization")
    expect_error(w["plain"].s("GET", SETTINGS), 401, "unauthorized")
    expect_error(w["plain"].s("PUT", SETTINGS, good), 401, "unauthorized")
    expect_error(w["other"].s("GET", SETTINGS), 403,
                 "you do not have permission to perform this action: settings.read")
    expect_error(w["other"].s("PUT", SETTINGS, good), 403,
                 "you do not have permission to perform this action: settings.update")
    expect_error(w["other"].s("PUT", SETTINGS, bad), 400, "app.name: length is lower than 1")
    expect_error(w["other"].s("PUT", SETTINGS, {"app": 1}), 400,
                 "invalid payload: invalid type for `app`, expected an object")
    expect_error(w["reader"].s("PUT", SETTINGS, good), 403,
                 "you do not have permission to perform this action: settings.update")
    expect_error(w["reader"].s("PUT", SETTINGS, "{", headers={"Content-Type": "application/json"}),
                 400,
                 "invalid payload: EOF while parsing a value")
    eq(sql(ctx, "SELECT COUNT(*) FROM settings").strip(), "0", "nothing stored")
    a = w["admin"]
    _, readonly = a.create("adm83-settings-read", admin=["settings.read"])
    _, both = a.create("adm83-settings-rw", admin=["settings.read", "settings.update"])
    _, none = a.create("adm83-settings-none", admin=["users.read"])
    eq(get_settings(a, key=readonly)["app"]["name"], "Calagopus", "key with settings.read")
    expect_error(put(a, good, key=readonly), 403,
                 "you do not have permission to perform this action: settings.update")
    expect_error(a.k(none, "GET", SETTINGS), 403,
                 "you do not have permission to perform this action: settings.read")
    put_ok(a, good, key=both)
    eq(get_settings(a)["app"]["name"], "Perm 83", "written by the key")
    sql(ctx, "DELETE FROM settings")


@test
def settings_activity_entry(ctx):
    w, a = fresh_settings(ctx)
    sql(ctx, "DELETE FROM admin_activities")
    put_ok(a, {"app": {"name": "Act 83"}, "mail_mode": {
        "type": "smtp", "host": "h.example.com", "port": 25, "password": "act-83-password",
        "tls_mode": "none", "from_address": "a@b.c"}})
    ctx.secrets_to_hunt.append("act-83-password")
    _, key = a.create("adm83-act", admin=["settings.read", "settings.update"])
    put_ok(a, {"app": {"name": "Act 83 by key"}}, key=key)
    rows = sql(ctx, "SELECT user_uuid, IFNULL(impersonator_uuid, '-'), IFNULL(api_key_uuid, '-'), "
                    "event, ip FROM admin_activities ORDER BY id").splitlines()
    key_uuid = sql(ctx, "SELECT uuid FROM user_api_keys WHERE name = 'adm83-act'").strip()
    eq([r.split("\t") for r in rows],
       [[a.uuid, "-", "-", "settings:update", "127.0.0.1"],
        [a.uuid, "-", key_uuid, "settings:update", "127.0.0.1"]],
       "one row per PUT: the acting user, the API key")
    data = activities(ctx, "admin_activities", "settings:update")
    eq(data[-1], get_settings(a), "data: the new settings as GET shows them")
    eq(data[0]["mail_mode"]["password"], RED, "the password censored")
    assert "act-83-password" not in json.dumps(data), "no secret in the data"
    # a refused PUT writes nothing
    expect_error(put(a, {"app": {"name": ""}}), 400, "app.name: length is lower than 1")
    expect_error(w["reader"].s("PUT", SETTINGS, {"app": {"name": "x"}}), 403,
                 "you do not have permission to perform this action: settings.update")
    eq(len(activities(ctx, "admin_activities", "settings:update")), 2, "no entry for refusals")
    sql(ctx, "DELETE FROM settings")


# ==========================================================================
# server groups

GROUP_KEYS = ["uuid", "name", "order", "server_order", "created"]


def group_create(u, name, order=(), key=None):
    body = {"name": name, "server_order": list(order)}
    r = u.k(key, "POST", GROUPS, body) if key else u.s("POST", GROUPS, body)
    eq(r.status, 200, f"create group {name}: {r!r}")
    return r.json()["server_group"]


def groups_of(u):
    r = u.s("GET", GROUPS)
    eq(r.status, 200, f"list groups: {r!r}")
    eq(list(r.json()), ["server_groups"], "envelope")
    return r.json()["server_groups"]


def clean_groups(ctx, w):
    sql(ctx, "DELETE FROM user_server_groups; DELETE FROM settings")


def fresh_groups(ctx):
    """The world and its u1, without groups or settings."""
    w = world(ctx)
    clean_groups(ctx, w)
    return w, w["u1"]


@test
def groups_route_reaches_the_groups_handler(ctx):
    """/api/client/servers/{server} is matched by .../groups too: the
    literal segment must win (the groups group before the servers one)."""
    w = world(ctx)
    clean_groups(ctx, w)
    r = w["u1"].s("GET", GROUPS)
    eq((r.status, r.json()), (200, {"server_groups": []}), "GET /api/client/servers/groups")
    eq(w["u1"].s("GET", "/api/client/servers/" + w["s1"]).status, 200, "a server still")


@test
def groups_crud_and_activity(ctx):
    w, u1 = fresh_groups(ctx)
    u2 = w["u2"]
    sql(ctx, "DELETE FROM user_activities WHERE event LIKE 'user:server-group%'")
    eq(groups_of(u1), [], "none yet")
    g = group_create(u1, "Main", [w["s2"].upper(), w["s1"]])
    eq(list(g), GROUP_KEYS, "UserServerGroup fields")
    eq((g["name"], g["order"], g["server_order"]), ("Main", 0, [w["s2"], w["s1"]]),
       "new group: order 0, lowercase uuids")
    g2 = group_create(u1, "Main")  # names need not be unique
    eq(groups_of(u1), [g, g2], "by order, then age")
    eq(groups_of(u2), [], "only the caller's")
    # PATCH: absent and null leave a field alone
    r = u1.s("PATCH", f"{GROUPS}/{g['uuid']}", {"name": "Renamed", "server_order": None})
    eq((r.status, r.json()), (200, {}), "patch name")
    r = u1.s("PATCH", f"{GROUPS}/{g['uuid']}", {"server_order": [w["s3"]]})
    eq((r.status, r.json()), (200, {}), "patch order")
    got = groups_of(u1)[0]
    eq((got["name"], got["server_order"], got["created"]), ("Renamed", [w["s3"]], g["created"]),
       "patched")
    r = u1.s("DELETE", f"{GROUPS}/{g2['uuid']}")
    eq((r.status, r.json()), (200, {}), "delete")
    eq([x["uuid"] for x in groups_of(u1)], [g["uuid"]], "deleted")
    for method, body in (("GET", None), ("PATCH", {"name": "xx"}), ("DELETE", None)):
        expect_error(u1.s(method, f"{GROUPS}/{g2['uuid']}", body), 404, "server group not found")
        expect_error(u2.s(method, f"{GROUPS}/{g['uuid']}", body), 404, "server group not found")
        expect_error(u1.s(method, f"{GROUPS}/not-a-uuid", body), 400,
                     "Invalid URL: invalid UUID in {server_group}")
    eq(activities(ctx, "user_activities", "user:server-group.create", u1.uuid),
       [{"uuid": g["uuid"], "name": "Main", "server_order": [w["s2"], w["s1"]]},
        {"uuid": g2["uuid"], "name": "Main", "server_order": []}], "create entries")
    eq(activities(ctx, "user_activities", "user:server-group.update", u1.uuid),
       [{"uuid": g["uuid"], "name": "Renamed", "server_order": [w["s2"], w["s1"]]},
        {"uuid": g["uuid"], "name": "Renamed", "server_order": [w["s3"]]}],
       "update entries: the values after the update")
    eq(activities(ctx, "user_activities", "user:server-group.delete", u1.uuid),
       [{"uuid": g2["uuid"], "name": "Main"}], "delete entry")


@test
def groups_validation_and_limit(ctx):
    w, u1 = fresh_groups(ctx)
    for body, msg in (({"server_order": []}, "invalid payload: missing field `name`"),
                      ({"name": "ok"}, "invalid payload: missing field `server_order`"),
                      ({"name": 5, "server_order": []},
                       "invalid payload: invalid type for `name`, expected a string"),
                      ({"name": "ok", "server_order": ["nope"]},
                       "invalid payload: server_order[0]: invalid UUID"),
                      ({"name": "ok", "server_order": ["00000000-0000-0000-0000-00000000000g"]},
                       "invalid payload: server_order[0]: invalid UUID"),
                      ({"name": "ok", "server_order": [w["s1"][:14] + "0" + w["s1"][15:]]},
                       "invalid payload: server_order[0]: invalid UUID"),
                      ({"name": "a", "server_order": []}, "name: length is lower than 2"),
                      ({"name": "a" * 32, "server_order": []}, "name: length is greater than 31"),
                      ({"name": "ok", "server_order": [w["s1"]] * 101},
                       "server_order: length is greater than 100")):
        expect_error(u1.s("POST", GROUPS, body), 400, msg)
    r = u1.s("POST", GROUPS, {"name": "a", "server_order": [w["s1"]] * 101})
    eq(r.json(), {"errors": ["name: length is lower than 2",
                             "server_order: length is greater than 100"]}, "every rule")
    edge = group_create(u1, "é" * 31, [w["s1"]] * 100)
    eq((edge["name"], len(edge["server_order"])), ("é" * 31, 100), "at the edges")
    group_create(u1, "ab")
    g = groups_of(u1)[0]
    expect_error(u1.s("PATCH", f"{GROUPS}/{g['uuid']}", {"name": "x"}), 400,
                 "name: length is lower than 2")
    expect_error(u1.s("PATCH", f"{GROUPS}/{g['uuid']}", {"server_order": ["x"]}), 400,
                 "invalid payload: server_order[0]: invalid UUID")
    # the per-user limit (setting user.max_server_group_count), at its edge
    set_setting(ctx, "user::max_server_group_count", "3")
    group_create(u1, "third")
    full = "maximum number of user server groups reached"
    expect_error(u1.s("POST", GROUPS, {"name": "fourth", "server_order": []}), 417, full)
    expect_error(u1.s("POST", GROUPS, {"name": "x", "server_order": []}), 417, full)  # limit first
    eq(len(groups_of(u1)), 3, "three")
    group_create(w["u2"], "u2 has room")
    set_setting(ctx, "user::max_server_group_count", "4")
    group_create(u1, "fourth")
    clean_groups(ctx, w)


@test
def groups_order(ctx):
    w, u1 = fresh_groups(ctx)
    u2 = w["u2"]
    g1, g2, g3 = (group_create(u1, n)["uuid"] for n in ("one", "two", "three"))
    foreign = group_create(u2, "theirs")["uuid"]
    r = u1.s("PUT", f"{GROUPS}/order",
             {"server_group_order": [g3, foreign, str(uuidlib.uuid4()), g1, g3.upper()]})
    eq((r.status, r.json()), (200, {}), "reorder")
    eq([(x["uuid"], x["order"]) for x in groups_of(u1)], [(g2, 0), (g3, 1), (g1, 4)],
       "listed groups take their first 1-based place; unlisted keep theirs")
    eq(groups_of(u2)[0]["order"], 0, "another user's group is ignored")
    ok = [str(uuidlib.uuid4()) for _ in range(24)] + [g2]
    eq(u1.s("PUT", f"{GROUPS}/order", {"server_group_order": ok}).status, 200, "25 items")
    eq([(x["uuid"], x["order"]) for x in groups_of(u1)], [(g3, 1), (g1, 4), (g2, 25)], "g2 25th")
    expect_error(u1.s("PUT", f"{GROUPS}/order", {"server_group_order": ok + [g1]}), 400,
                 "server_group_order: length is greater than 25")
    expect_error(u1.s("PUT", f"{GROUPS}/order", {}), 400,
                 "invalid payload: missing field `server_group_order`")
    expect_error(u1.s("PUT", f"{GROUPS}/order", {"server_group_order": [g1, "x"]}), 400,
                 "invalid payload: server_group_order[1]: invalid UUID")
    eq(activities(ctx, "user_activities", "user:server-group.update-order", u1.uuid)[-1],
       {"server_group_order": ok}, "update-order entry")
    clean_groups(ctx, w)


@test
def groups_servers_of_a_group(ctx):
    w, u1 = fresh_groups(ctx)
    missing = str(uuidlib.uuid4())
    g = group_create(u1, "Mixed", [w["s3"], w["s5"], missing, w["s4"], w["s1"], w["s3"]])
    path = f"{GROUPS}/{g['uuid']}"

    def names(query=""):
        r = u1.s("GET", path + query)
        eq(r.status, 200, repr(r))
        return [s["name"] for s in r.json()["servers"]["data"]]

    eq(names(), ["Charlie", "Delta", "Alpha"],
       "the group's order; invisible (Echo) and missing servers skipped, repeats once")
    r = u1.s("GET", path).json()["servers"]
    eq((r["total"], r["per_page"], r["page"]), (3, 25, 1), "envelope")
    eq(r["data"][1]["is_owner"], False, "Delta: subuser")
    eq(r["data"][1]["permissions"], ["control.start"], "computed for the caller")
    eq(names("?search=ELT"), ["Delta"], "search on the name")
    eq(names("?search=adm83_u2"), ["Delta"], "search on the owner's username")
    eq(names("?per_page=1&page=2"), ["Delta"], "pagination")
    eq(u1.s("GET", path + "?per_page=1&page=9").json()["servers"]["total"], 0, "past the end")
    expect_error(u1.s("GET", path + "?per_page=101"), 400, "per_page: greater than 100")
    expect_error(u1.s("GET", path + "?page=x"), 400,
                 "Failed to deserialize query string: page: invalid digit found in string")
    admin = w["admin"]
    ga = group_create(admin, "All", [w["s5"], w["s1"]])
    r = admin.s("GET", f"{GROUPS}/{ga['uuid']}")
    eq([s["name"] for s in r.json()["servers"]["data"]], ["Echo", "Alpha"],
       "an admin sees every server")
    eq(group_create(u1, "Empty")["server_order"], [], "empty")
    clean_groups(ctx, w)


@test
def groups_permissions_and_check_order(ctx):
    w, u1 = fresh_groups(ctx)
    g = group_create(u1, "Perm")
    one = f"{GROUPS}/{g['uuid']}"
    _, none = u1.create("adm83-grp-none", user=["account.infos"])
    deny = "you do not have permission to perform this action: "
    for method, path, body, perm in (
            ("GET", GROUPS, None, "servers.read"),
            ("POST", GROUPS, {"name": "xy", "server_order": []}, "servers.create"),
            ("PUT", GROUPS + "/order", {"server_group_order": []}, "servers.update"),
            ("GET", one, None, "servers.read"),
            ("PATCH", one, {"name": "xy"}, "servers.update"),
            ("DELETE", one, None, "servers.delete")):
        expect_error(u1.k(none, method, path, body), 403, deny + perm)
    # parse errors come before the permission, model rules after it
    expect_error(u1.k(none, "POST", GROUPS, {"name": "x", "server_order": ["bad"]}), 400,
                 "invalid payload: server_order[0]: invalid UUID")
    expect_error(u1.k(none, "POST", GROUPS, {"name": "x", "server_order": []}), 403,
                 deny + "servers.create")
    expect_error(u1.k(none, "PUT", GROUPS + "/order", {"server_group_order": [g["uuid"]] * 26}),
                 400, "server_group_order: length is greater than 25")
    expect_error(u1.k(none, "GET", one + "?per_page=0"), 400, "per_page: lower than 1")
    expect_error(u1.k(none, "PATCH", GROUPS + "/nope", {"name": "xy"}), 400,
                 "Invalid URL: invalid UUID in {server_group}")
    expect_error(u1.k(none, "PATCH", one, {"name": "x"}), 403, deny + "servers.update")
    expect_error(u1.k(none, "GET", f"{GROUPS}/{uuidlib.uuid4()}"), 403, deny + "servers.read")
    _, full = u1.create("adm83-grp-all", user=["servers.read", "servers.create", "servers.update",
                                                "servers.delete"])
    g2 = group_create(u1, "By key", key=full)
    eq(u1.k(full, "GET", GROUPS).json()["server_groups"][-1]["uuid"], g2["uuid"], "list by key")
    eq(u1.k(full, "PATCH", f"{GROUPS}/{g2['uuid']}", {"name": "Key2"}).status, 200, "patch")
    eq(u1.k(full, "PUT", GROUPS + "/order", {"server_group_order": [g2["uuid"]]}).status, 200,
       "order")
    eq(u1.k(full, "GET", f"{GROUPS}/{g2['uuid']}").status, 200, "servers")
    eq(u1.k(full, "DELETE", f"{GROUPS}/{g2['uuid']}").status, 200, "delete")
    key_uuid = sql(ctx, "SELECT uuid FROM user_api_keys WHERE name = 'adm83-grp-all'").strip()
    eq(sql(ctx, "SELECT COUNT(*) FROM user_activities WHERE event LIKE 'user:server-group%' "
                f"AND api_key_uuid = '{key_uuid}'").strip(), "4", "the key on each entry")
    clean_groups(ctx, w)


# ==========================================================================
# command snippets

SNIPPET_KEYS = ["uuid", "name", "eggs", "command", "created"]


def snip_create(u, name, eggs=(), command="say hi", key=None):
    body = {"name": name, "eggs": list(eggs), "command": command}
    r = u.k(key, "POST", SNIPPETS, body) if key else u.s("POST", SNIPPETS, body)
    eq(r.status, 200, f"create snippet {name}: {r!r}")
    eq(list(r.json()), ["command_snippet"], "envelope")
    return r.json()["command_snippet"]


def snips(u, query=""):
    r = u.s("GET", SNIPPETS + query)
    eq(r.status, 200, repr(r))
    return r.json()["command_snippets"]


def clean_snippets(ctx):
    sql(ctx, "DELETE FROM user_command_snippets; DELETE FROM settings")


def fresh_snippets(ctx):
    """The world, its u1 and egg, without snippets or settings."""
    w = world(ctx)
    clean_snippets(ctx)
    return w, w["u1"], w["egg"]


@test
def snippets_crud_duplicate_and_activity(ctx):
    w, u1, egg = fresh_snippets(ctx)
    u2 = w["u2"]
    sql(ctx, "DELETE FROM user_activities WHERE event LIKE 'user:command-snippet%'")
    eq(snips(u1), {"total": 0, "per_page": 25, "page": 1, "data": []}, "empty page")
    s1 = snip_create(u1, "restart", [egg.upper()], "restart")
    eq(list(s1), SNIPPET_KEYS, "UserCommandSnippet fields")
    eq((s1["name"], s1["eggs"], s1["command"]), ("restart", [egg], "restart"), "created")
    s2 = snip_create(u1, "Restart", [], "say bye")  # names are case-sensitive
    s3 = snip_create(u1, "weather", [str(uuidlib.uuid4())], "weather clear")
    eq(snips(u1)["data"], [s1, s2, s3], "oldest first")
    eq([x["name"] for x in snips(u1, "?search=RESTART")["data"]], ["restart", "Restart"],
       "search, case-insensitive")
    p = snips(u1, "?per_page=2&page=2")
    eq((p["total"], p["per_page"], p["page"], [x["name"] for x in p["data"]]),
       (3, 2, 2, ["weather"]), "pagination")
    eq(snips(u2)["total"], 0, "only the caller's")
    expect_error(u1.s("POST", SNIPPETS, {"name": "restart", "eggs": [], "command": "x"}), 409,
                 "command snippet with name already exists")
    r = u1.s("PATCH", f"{SNIPPETS}/{s1['uuid']}", {"command": "restart now", "name": None,
                                                   "eggs": None})
    eq((r.status, r.json()), (200, {}), "patch")
    r = u1.s("PATCH", f"{SNIPPETS}/{s1['uuid']}", {"eggs": [], "name": "reboot"})
    eq((r.status, r.json()), (200, {}), "patch")
    got = snips(u1)["data"][0]
    eq((got["name"], got["eggs"], got["command"]), ("reboot", [], "restart now"), "patched")
    expect_error(u1.s("PATCH", f"{SNIPPETS}/{s1['uuid']}", {"name": "Restart"}), 409,
                 "command snippet with name already exists")
    # duplicate: same eggs and command, a new name
    r = u1.s("POST", f"{SNIPPETS}/{s3['uuid']}/duplicate", {"name": "weather 2"})
    eq(r.status, 200, repr(r))
    d = r.json()["command_snippet"]
    eq((list(d), d["name"], d["eggs"], d["command"]),
       (SNIPPET_KEYS, "weather 2", s3["eggs"], "weather clear"), "duplicate")
    expect_error(u1.s("POST", f"{SNIPPETS}/{s3['uuid']}/duplicate", {"name": "weather"}), 409,
                 "command snippet with name already exists")
    expect_error(u1.s("POST", f"{SNIPPETS}/{s3['uuid']}/duplicate", {"name": ""}), 400,
                 "name: length is lower than 1")
    expect_error(u1.s("POST", f"{SNIPPETS}/{s3['uuid']}/duplicate", {}), 400,
                 "invalid payload: missing field `name`")
    # per-egg list for the console
    r = u1.s("GET", f"/api/client/servers/eggs/{egg}/command-snippets")
    eq((r.status, [x["name"] for x in r.json()["command_snippets"]]), (200, ["reboot", "Restart"]),
       "snippets for every egg or this one")
    snip_create(u1, "paper only", [egg])
    r = u1.s("GET", f"/api/client/servers/eggs/{egg.upper()}/command-snippets")
    eq([x["name"] for x in r.json()["command_snippets"]], ["reboot", "Restart", "paper only"],
       "this egg's too")
    expect_error(u1.s("GET", "/api/client/servers/eggs/nope/command-snippets"), 400,
                 "Invalid URL: invalid UUID in {egg}")
    eq(u2.s("GET", f"/api/client/servers/eggs/{egg}/command-snippets").json(),
       {"command_snippets": []}, "another user's")
    r = u1.s("DELETE", f"{SNIPPETS}/{s2['uuid']}")
    eq((r.status, r.json()), (200, {}), "delete")
    for method, path, body in (("PATCH", s2["uuid"], {"name": "x"}), ("DELETE", s2["uuid"], None),
                               ("POST", s2["uuid"] + "/duplicate", {"name": "x"})):
        expect_error(u1.s(method, f"{SNIPPETS}/{path}", body), 404, "command snippet not found")
        expect_error(u2.s(method, f"{SNIPPETS}/{s3['uuid']}" + path[36:], body), 404,
                     "command snippet not found")
        expect_error(u1.s(method, f"{SNIPPETS}/nope" + path[36:], body), 400,
                     "Invalid URL: invalid UUID in {command_snippet}")
    def ev(event):
        return activities(ctx, "user_activities", "user:command-snippet." + event, u1.uuid)

    eq(ev("create")[:3], [{"uuid": s1["uuid"], "name": "restart", "eggs": [egg],
                           "command": "restart"},
                          {"uuid": s2["uuid"], "name": "Restart", "eggs": [], "command": "say bye"},
                          {"uuid": s3["uuid"], "name": "weather", "eggs": s3["eggs"],
                           "command": "weather clear"}], "create entries")
    eq(ev("update"), [{"uuid": s1["uuid"], "name": "restart", "eggs": [egg],
                       "command": "restart now"},
                      {"uuid": s1["uuid"], "name": "reboot", "eggs": [], "command": "restart now"}],
       "update entries: values after the update")
    eq(ev("duplicate"), [{"source_uuid": s3["uuid"], "source_name": "weather",
                          "uuid": d["uuid"], "name": "weather 2"}], "duplicate entry")
    eq(ev("delete"), [{"uuid": s2["uuid"], "name": "Restart"}], "delete entry")
    clean_snippets(ctx)


@test
def snippets_validation_and_limit(ctx):
    w, u1, egg = fresh_snippets(ctx)
    for body, msg in (({"eggs": [], "command": "c"}, "invalid payload: missing field `name`"),
                      ({"name": "n", "command": "c"}, "invalid payload: missing field `eggs`"),
                      ({"name": "n", "eggs": []}, "invalid payload: missing field `command`"),
                      ({"name": "n", "eggs": "x", "command": "c"},
                       "invalid payload: invalid type for `eggs`, expected a sequence of strings"),
                      ({"name": "n", "eggs": [egg, "x"], "command": "c"},
                       "invalid payload: eggs[1]: invalid UUID"),
                      ({"name": "", "eggs": [], "command": "c"}, "name: length is lower than 1"),
                      ({"name": "n" * 32, "eggs": [], "command": "c"},
                       "name: length is greater than 31"),
                      ({"name": "n", "eggs": [egg] * 101, "command": "c"},
                       "eggs: length is greater than 100"),
                      ({"name": "n", "eggs": [], "command": ""}, "command: length is lower than 1"),
                      ({"name": "n", "eggs": [], "command": "c" * 1025},
                       "command: length is greater than 1024")):
        expect_error(u1.s("POST", SNIPPETS, body), 400, msg)
    r = u1.s("POST", SNIPPETS, {"name": "", "eggs": [egg] * 101, "command": ""})
    eq(r.json(), {"errors": ["name: length is lower than 1", "eggs: length is greater than 100",
                             "command: length is lower than 1"]}, "every rule, in order")
    s = snip_create(u1, "ñ" * 31, [egg] * 100, "ç" * 1024)
    eq((len(s["name"]), len(s["eggs"]), len(s["command"])), (31, 100, 1024), "at the edges")
    expect_error(u1.s("PATCH", f"{SNIPPETS}/{s['uuid']}", {"command": "c" * 1025}), 400,
                 "command: length is greater than 1024")
    expect_error(u1.s("PATCH", f"{SNIPPETS}/{s['uuid']}", {"eggs": ["x"]}), 400,
                 "invalid payload: eggs[0]: invalid UUID")
    # the per-user limit, at its edge; duplicate honours it too
    set_setting(ctx, "user::max_command_snippet_count", "2")
    snip_create(u1, "second")
    full = "maximum number of command snippets reached"
    expect_error(u1.s("POST", SNIPPETS, {"name": "third", "eggs": [], "command": "c"}), 417, full)
    expect_error(u1.s("POST", SNIPPETS, {"name": "", "eggs": [], "command": "c"}), 417, full)
    expect_error(u1.s("POST", f"{SNIPPETS}/{s['uuid']}/duplicate", {"name": "copy"}), 417, full)
    eq(snips(u1)["total"], 2, "two")
    snip_create(w["u2"], "u2 has room")
    set_setting(ctx, "user::max_command_snippet_count", "3")
    snip_create(u1, "third")
    clean_snippets(ctx)


@test
def snippets_permissions_and_check_order(ctx):
    w, u1, egg = fresh_snippets(ctx)
    s = snip_create(u1, "perm")
    one = f"{SNIPPETS}/{s['uuid']}"
    _, none = u1.create("adm83-snip-none", user=["account.infos"])
    deny = "you do not have permission to perform this action: "
    for method, path, body, perm in (
            ("GET", SNIPPETS, None, "command-snippets.read"),
            ("POST", SNIPPETS, {"name": "n", "eggs": [], "command": "c"},
             "command-snippets.create"),
            ("PATCH", one, {"name": "n"}, "command-snippets.update"),
            ("DELETE", one, None, "command-snippets.delete"),
            ("POST", one + "/duplicate", {"name": "n"}, "command-snippets.create"),
            ("GET", f"/api/client/servers/eggs/{egg}/command-snippets", None, "servers.read")):
        expect_error(u1.k(none, method, path, body), 403, deny + perm)
    expect_error(u1.k(none, "POST", SNIPPETS, {"name": "n", "eggs": ["x"], "command": "c"}), 400,
                 "invalid payload: eggs[0]: invalid UUID")
    expect_error(u1.k(none, "POST", SNIPPETS, {"name": "", "eggs": [], "command": "c"}), 403,
                 deny + "command-snippets.create")
    expect_error(u1.k(none, "GET", SNIPPETS + "?per_page=0"), 400, "per_page: lower than 1")
    expect_error(u1.k(none, "DELETE", SNIPPETS + "/nope"), 400,
                 "Invalid URL: invalid UUID in {command_snippet}")
    expect_error(u1.k(none, "PATCH", f"{SNIPPETS}/{uuidlib.uuid4()}", {"name": "n"}), 403,
                 deny + "command-snippets.update")
    _, full = u1.create("adm83-snip-all", user=["command-snippets.read", "command-snippets.create",
                                                 "command-snippets.update",
                                                 "command-snippets.delete", "servers.read"])
    s2 = snip_create(u1, "by key", key=full)
    eq(u1.k(full, "GET", SNIPPETS).json()["command_snippets"]["total"], 2, "list by key")
    eq(u1.k(full, "PATCH", f"{SNIPPETS}/{s2['uuid']}", {"name": "key2"}).status, 200, "patch")
    eq(u1.k(full, "POST", f"{SNIPPETS}/{s2['uuid']}/duplicate", {"name": "key3"}).status, 200,
       "duplicate")
    eq(u1.k(full, "GET", f"/api/client/servers/eggs/{egg}/command-snippets").status, 200, "egg")
    eq(u1.k(full, "DELETE", f"{SNIPPETS}/{s2['uuid']}").status, 200, "delete")
    clean_snippets(ctx)
