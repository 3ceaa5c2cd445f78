"""The public routes through lighttpd: exact shapes and values of
GET /api/settings, /api/languages, /api/announcements, /api/auth/oauth,
plus the routing error conventions."""

import datetime
import uuid

from harness import test, eq, expect_error, http_request

SETTINGS_KEYS = ["time", "oobe_step", "disabled_extensions", "captcha_provider", "app",
                 "webauthn", "server", "user"]
APP = {"url": "http://127.0.0.1:8080", "icon": "/icon.svg", "icon_light": None, "banner": None,
       "banner_light": None, "name": "Calagopus", "language": "en",
       "registration_enabled": True, "debug": False}
SERVER = {"max_file_manager_view_size": 10485760,
          "max_file_manager_content_search_size": 5242880,
          "max_file_manager_search_results": 100, "max_subuser_count": 25,
          "max_schedule_step_count": 50, "max_backup_group_count": 10,
          "max_database_instance_database_count": 10,
          "max_database_instance_user_count": 10,
          "allow_overwriting_custom_docker_image": True,
          "allow_acknowledging_installation_failure": True,
          "container_prelude": "container@calagopus~"}
USER = {"max_server_group_count": 25, "max_api_key_count": 50,
        "max_command_snippet_count": 100, "max_security_key_count": 50,
        "max_ssh_key_count": 50, "allow_changing_language": True, "route_order": None}


def set_settings(ctx, pairs):
    sql = "DELETE FROM settings;\n"
    for k, v in pairs.items():
        k2, v2 = k.replace("'", "''"), v.replace("'", "''")
        sql += f"INSERT INTO settings (`key`, value) VALUES ('{k2}', '{v2}');\n"
    ctx.db.sql(sql, db="panel")


@test
def settings_defaults_every_field(ctx):
    set_settings(ctx, {})
    r = ctx.get("/api/settings")
    eq(r.status, 200, "status")
    eq(r.headers.get("content-type"), "application/json", "content type")
    eq(r.headers.get("x-server-name"), "integration-test", "X-Server-Name")
    o = r.json()
    eq(list(o.keys()), SETTINGS_KEYS, "keys in contract order")
    eq(o["oobe_step"], None, "oobe_step")
    eq(o["disabled_extensions"], [], "disabled_extensions")
    eq(o["captcha_provider"], {"type": "none"}, "captcha")
    eq(o["app"], APP, "app")
    eq(list(o["app"].keys()), list(APP.keys()), "app key order")
    eq(o["webauthn"], {"enabled": False, "allow_discoverable": False}, "webauthn")
    eq(o["server"], SERVER, "server")
    eq(o["user"], USER, "user")
    t = datetime.datetime.fromisoformat(o["time"].replace("Z", "+00:00"))
    skew = abs((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds())
    assert skew < 60, f"time {o['time']} is {skew}s off"
    assert o["time"].endswith("Z"), "time ends in Z"


@test
def settings_from_the_table(ctx):
    set_settings(ctx, {"app::name": "Hosting Co", "app::url": "https://panel.example.com",
                       "app::registration_enabled": "false", "app::icon_light": "",
                       "app::banner": "/banner.png",
                       "user::max_api_key_count": "7", "server::max_subuser_count": "bogus",
                       "user::route_order": '[{"type":"route","path":"/"}]',
                       "server::container_prelude": "srv~"})
    try:
        o = ctx.get("/api/settings").json()
        eq(o["app"]["name"], "Hosting Co", "name")
        eq(o["app"]["url"], "https://panel.example.com", "url")
        eq(o["app"]["registration_enabled"], False, "registration")
        eq(o["app"]["icon_light"], None, "empty stored value is null")
        eq(o["app"]["banner"], "/banner.png", "banner")
        eq(o["user"]["max_api_key_count"], 7, "api key limit")
        eq(o["server"]["max_subuser_count"], 25, "a bad stored number falls back")
        eq(o["user"]["route_order"], [{"type": "route", "path": "/"}], "route_order")
        eq(o["server"]["container_prelude"], "srv~", "prelude")
        set_settings(ctx, {"user::route_order": "{not json"})
        eq(ctx.get("/api/settings").json()["user"]["route_order"], None, "bad route_order")
    finally:
        set_settings(ctx, {})


@test
def languages(ctx):
    r = ctx.get("/api/languages")
    eq(r.status, 200, "status")
    eq(r.json(), {"languages": ["en"]}, "body")


@test
def oauth_providers_empty(ctx):
    r = ctx.get("/api/auth/oauth")
    eq(r.status, 200, "status")
    eq(r.json(), {"oauth_providers": []}, "body")


@test
def announcements_only_enabled_untargeted_in_window(ctx):
    ids = [str(uuid.uuid4()) for _ in range(6)]
    ctx.db.sql(f"""DELETE FROM announcements;
INSERT INTO announcements (uuid, type, enabled, title, content, title_translations, created)
  VALUES ('{ids[0]}', 'WARNING', 1, 'Maintenance', 'Sunday **02:00**', '{{"de":"Wartung"}}', '2026-01-01 00:00:00');
INSERT INTO announcements (uuid, type, enabled, dismissible, dismissible_end, title, content, created)
  VALUES ('{ids[1]}', 'INFO', 1, 1, '2030-01-02 03:04:05.5', 'Second', 'b', '2026-01-02 00:00:00');
INSERT INTO announcements (uuid, type, enabled, title, content) VALUES ('{ids[2]}', 'INFO', 0, 'disabled', 'x');
INSERT INTO announcements (uuid, type, enabled, title, content, nodes)
  VALUES ('{ids[3]}', 'INFO', 1, 'targeted', 'x', '["{ids[0]}"]');
INSERT INTO announcements (uuid, type, enabled, enabled_end, title, content)
  VALUES ('{ids[4]}', 'INFO', 1, '2001-01-01 00:00:00', 'expired', 'x');
INSERT INTO announcements (uuid, type, enabled, enabled_start, title, content)
  VALUES ('{ids[5]}', 'INFO', 1, '2999-01-01 00:00:00', 'future', 'x');
""", db="panel")
    try:
        r = ctx.get("/api/announcements")
        eq(r.status, 200, "status")
        got = r.json()["announcements"]
        eq([a["uuid"] for a in got], ids[:2], "enabled, untargeted, in window, oldest first")
        eq(got[0], {"uuid": ids[0], "type": "warning", "dismissible": False,
                    "dismissible_end": None, "title": "Maintenance",
                    "title_translations": {"de": "Wartung"}, "content": "Sunday **02:00**",
                    "content_translations": {}}, "object")
        eq(got[1]["dismissible"], True, "dismissible")
        eq(got[1]["dismissible_end"], "2030-01-02T03:04:05.500Z", "timestamp format")
    finally:
        ctx.db.sql("DELETE FROM announcements;", db="panel")


@test
def unknown_routes_are_404(ctx):
    for path in ["/api/nope", "/api/settings/", "/api/settingsx", "/api/setting",
                 "/api/", "/api/client/nope", "/api/client/account/", "/api/settings/extra"]:
        expect_error(ctx.get(path), 404, "route not found")


@test
def wrong_method_is_405_with_allow(ctx):
    r = ctx.post("/api/settings", body={})
    expect_error(r, 405, "method not allowed")
    eq(r.headers.get("allow"), "GET", "Allow header")
    r = http_request(ctx.lighttpd.port, "DELETE", "/api/languages")
    expect_error(r, 405, "method not allowed")


@test
def head_is_get_without_body(ctx):
    r = http_request(ctx.lighttpd.port, "HEAD", "/api/languages")
    eq(r.status, 200, "status")
    eq(r.body, b"", "no body")


@test
def static_pages_served_with_csp(ctx):
    r = ctx.get("/")
    eq(r.status, 200, "status")
    assert b"panel-fcgi" in r.body, "index.html served"
    csp = r.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, f"CSP: {csp!r}"
    eq(r.headers.get("x-content-type-options"), "nosniff", "nosniff")
