"""The command-line verbs against the real MariaDB: migrate (twice, status,
refusing a newer database), user create/list/reset-password, check-config
and configuration errors."""

import os
import re
import stat
import subprocess

from harness import test, eq
import stack


def cfg_for(ctx):
    cfg = ctx.panel_config("cli")
    cfg.db.create_app_database(cfg.dbname, cfg.dbuser, cfg.db_password())
    return cfg


@test
def migrate_is_idempotent_and_records(ctx):
    cfg = cfg_for(ctx)
    r = cfg.cli("migrate", "--db-user", "root")
    assert re.search(r"schema is at version \d+ \(\d+ applied\)", r.stdout), r.stdout
    r = cfg.cli("migrate", "--db-user", "root")
    assert "(0 applied)" in r.stdout, f"second run applies nothing: {r.stdout}"
    r = cfg.cli("migrate", "--status", "--db-user", "root")
    eq(r.returncode, 0, "status when current")
    rows = ctx.db.sql("SELECT version, name FROM schema_migrations ORDER BY version", db="panel")
    assert rows.startswith("1\t0001-initial.sql"), rows
    tables = ctx.db.sql("SHOW TABLES", db="panel").split()
    for t in ["users", "roles", "user_sessions", "user_api_keys", "user_recovery_codes",
              "user_password_resets", "user_activities", "settings", "locations", "nodes",
              "node_allocations", "nests", "nest_eggs", "nest_egg_variables", "servers",
              "server_variables", "server_subusers", "user_server_groups",
              "user_command_snippets", "ratelimit_windows", "announcements"]:
        assert t in tables, f"table {t} missing"


@test
def migrate_status_reads_only(ctx):
    ctx.db.sql("CREATE DATABASE IF NOT EXISTS fresh;")
    cfg = ctx.panel_config("cli-fresh", {"db_name": "fresh"})
    r = cfg.cli("migrate", "--status", "--db-user", "root", check=False)
    eq(r.returncode, 3, f"behind: {r.stdout} {r.stderr}")
    assert "schema version 0 of" in r.stdout, r.stdout
    eq(ctx.db.sql("SHOW TABLES", db="fresh").strip(), "", "status created nothing")
    r = cfg.cli("migrate", "--db-password-file", cfg.pwfile, check=False)
    eq(r.returncode, 2, "--db-password-file needs --db-user")
    ctx.db.sql("DROP DATABASE fresh;")


@test
def migrate_refuses_a_newer_database(ctx):
    ctx.db.sql("CREATE DATABASE IF NOT EXISTS newer; "
               "CREATE TABLE IF NOT EXISTS newer.schema_migrations (version INT PRIMARY KEY, "
               "name VARCHAR(255) NOT NULL, applied DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)); "
               "INSERT IGNORE INTO newer.schema_migrations (version, name) VALUES (9999, '9999-future.sql');")
    cfg = ctx.panel_config("cli-newer", {"db_name": "newer"})
    r = cfg.cli("migrate", "--db-user", "root", check=False)
    eq(r.returncode, 1, "exit status")
    assert "newer than this binary" in r.stderr, r.stderr
    eq(ctx.db.sql("SELECT COUNT(*) FROM schema_migrations", db="newer").strip(), "1",
       "nothing applied")
    ctx.db.sql("DROP DATABASE newer;")


def spawned(cfg, sockpath):
    """Starts panel-fcgi as a web server would: a listening socket on fd 0."""
    import socket
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(sockpath)
    ls.listen(16)
    p = subprocess.Popen([cfg.binary], stdin=ls.fileno(), env=cfg.env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ls.close()
    return p


@test
def spawned_worker_refuses_an_unmigrated_schema(ctx):
    ctx.db.sql("CREATE DATABASE IF NOT EXISTS empty_db;")
    cfg = ctx.panel_config("cli-empty", {"db_name": "empty_db", "db_user": "root",
                                         "db_password_file": ""})
    p = spawned(cfg, os.path.join(cfg.root, "s.sock"))
    out, err = p.communicate(timeout=30)
    eq(p.returncode, 1, "exit status")
    assert "schema does not match" in err, err
    ctx.db.sql("DROP DATABASE empty_db;")


@test
def spawned_worker_serves_fd0_and_stops_on_sigterm(ctx):
    import signal
    import fcgi_client
    cfg = cfg_for(ctx)
    cfg.cli("migrate", "--db-user", "root")
    sock = os.path.join(cfg.root, "spawned.sock")
    p = spawned(cfg, sock)
    try:
        st, _, body = fcgi_client.request(sock, "GET", "/api/languages")
        eq((st, body), (200, b'{"languages":["en"]}'), "served on fd 0")
    finally:
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=30)
    eq(p.returncode, 0, "graceful exit")
    p = subprocess.run([cfg.binary], env=cfg.env(), capture_output=True,
                       stdin=subprocess.DEVNULL)
    eq(p.returncode, 2, "no socket on fd 0: usage")


@test
def user_create_list_reset(ctx):
    cfg = cfg_for(ctx)
    cfg.cli("migrate", "--db-user", "root")
    r = cfg.cli("user", "create", "--username", "cliadmin", "--email", "CliAdmin@Example.com",
                "--admin", input="")
    m = re.search(r"^password: (\S{20})$", r.stdout, re.M)
    assert m, f"generated password printed once: {r.stdout}"
    ctx.secrets_to_hunt.append(m.group(1))
    assert "with the admin flag" in r.stdout, r.stdout
    row = ctx.db.sql("SELECT admin, password FROM users WHERE username='cliadmin'", db="panel")
    admin, pwhash = row.strip().split("\t")
    eq(admin, "1", "admin flag")
    assert pwhash.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), pwhash
    assert m.group(1) not in row, "password not stored in clear"
    # duplicates, case-insensitively
    for u, e in [("CLIADMIN", "other@example.com"), ("other", "cliadmin@example.COM")]:
        r = cfg.cli("user", "create", "--username", u, "--email", e, input="", check=False)
        eq(r.returncode, 1, f"duplicate {u}/{e}")
        assert "already exists" in r.stderr, r.stderr
    # password from stdin
    r = cfg.cli("user", "create", "--username", "stdin_user", "--email", "s@example.com",
                input="correct horse battery\n")
    assert "password:" not in r.stdout, "a given password is not echoed"
    # invalid input
    for args, want in [(["--username", "ab", "--email", "x@example.com"], "username: length is lower than 3"),
                       (["--username", "bad-name", "--email", "x@example.com"], "does not match pattern"),
                       (["--username", "okname", "--email", "nope"], "value is missing `@`")]:
        r = cfg.cli("user", "create", *args, input="", check=False)
        eq(r.returncode, 1, f"{args}")
        assert want in r.stderr, r.stderr
    r = cfg.cli("user", "create", "--username", "shortpw", "--email", "p@example.com",
                input="short\n", check=False)
    eq(r.returncode, 1, "short password")
    assert "password: length is lower than 8" in r.stderr, r.stderr
    r = cfg.cli("user", "list")
    assert "cliadmin" in r.stdout and "stdin_user" in r.stdout, r.stdout
    before = ctx.db.sql("SELECT password FROM users WHERE username='stdin_user'", db="panel")
    r = cfg.cli("user", "reset-password", "--user", "s@example.com", input="")
    m = re.search(r"^password: (\S{20})$", r.stdout, re.M)
    assert m, r.stdout
    ctx.secrets_to_hunt.append(m.group(1))
    after = ctx.db.sql("SELECT password FROM users WHERE username='stdin_user'", db="panel")
    assert before != after and after.startswith("$argon2id$"), "password replaced"
    uid = ctx.db.sql("SELECT uuid FROM users WHERE username='stdin_user'", db="panel").strip()
    ctx.db.sql(f"INSERT INTO user_sessions (uuid, user_uuid, key_id, key_hash, ip, user_agent) "
               f"VALUES (UUID(), '{uid}', 'abcdefghijklmnop', REPEAT('x', 32), '127.0.0.1', 'test')",
               db="panel")
    cfg.cli("user", "reset-password", "--user", "stdin_user", input="another password\n")
    ctx.secrets_to_hunt.append("another password")
    eq(ctx.db.sql(f"SELECT COUNT(*) FROM user_sessions WHERE user_uuid='{uid}'", db="panel").strip(),
       "0", "a password reset ends every session of the user")
    r = cfg.cli("user", "reset-password", "--user", "nobody", input="", check=False)
    eq(r.returncode, 1, "unknown user")
    assert "user not found" in r.stderr, r.stderr
    ctx.secrets_to_hunt.append("correct horse battery")


@test
def check_config_redacts_and_errors_name_file_line_key(ctx):
    cfg = ctx.panel_config("cli-check", {"db_password": "s3cret-db-pass"})
    ctx.secrets_to_hunt.append("s3cret-db-pass")
    r = cfg.cli("check-config")
    assert "db_password = (redacted)" in r.stdout, r.stdout
    assert "s3cret-db-pass" not in r.stdout
    assert "configuration is valid" in r.stdout
    for line, want in [("nonsense_key = 1", "nonsense_key: unknown key"),
                       ("db_port = 70000", "db_port: not an integer within its bounds"),
                       ("panel_url = http://x/", "panel_url: must be"),
                       ("trusted_proxies = 10.0.0.0/33", "trusted_proxies:"),
                       ("threads = 0", "threads:"),
                       ("db_read_dsn = ::1:3306", "db_read_dsn: must be"),
                       ("log_level = verbose", "log_level: must be debug, info, warn or err"),
                       ("no equals sign", "expected key = value")]:
        with open(cfg.path) as f:
            good = f.read()
        n = good.count("\n") + 1
        with open(cfg.path, "a") as f:
            f.write(line + "\n")
        r = cfg.cli("check-config", check=False)
        with open(cfg.path, "w") as f:
            f.write(good)
        eq(r.returncode, 1, f"{line}")
        assert f"{cfg.path}:{n}: {want}" in r.stderr, f"{line}: {r.stderr}"


@test
def secrets_file_must_be_private(ctx):
    cfg = ctx.panel_config("cli-secrets")
    os.chmod(cfg.secrets, 0o644)
    r = cfg.cli("check-config", check=False)
    eq(r.returncode, 1, "refused")
    assert "readable by others" in r.stderr, r.stderr
    os.chmod(cfg.secrets, 0o600)
    eq(cfg.cli("check-config").returncode, 0, "accepted at 0600")
    r = cfg.cli("generate-secrets", cfg.secrets, check=False)
    eq(r.returncode, 1, "generate-secrets never overwrites")
    eq(stat.S_IMODE(os.stat(cfg.secrets).st_mode), 0o600, "mode")
    r = subprocess.run([cfg.binary, "check-config"], env=dict(cfg.env(), PANEL_FCGI_CONFIG="/nonexistent.conf"),
                       capture_output=True, text=True)
    eq(r.returncode, 1, "missing config")
    assert "/nonexistent.conf" in r.stderr, r.stderr


@test
def user_disable_2fa_recovers_an_account(ctx):
    cfg = cfg_for(ctx)
    cfg.cli("migrate", "--db-user", "root")
    cfg.cli("user", "create", "--username", "lost2fa", "--email", "lost2fa@example.com",
            input="lost2fa-password\n")
    ctx.secrets_to_hunt.append("lost2fa-password")
    uid = ctx.db.sql("SELECT uuid FROM users WHERE username='lost2fa'", db="panel").strip()
    ctx.db.sql(f"UPDATE users SET totp_enabled = 1, totp_secret = RANDOM_BYTES(48), "
               f"totp_last_step = 5, checkpoint_nonce = 'abcdefghijklmnop' WHERE uuid = '{uid}';"
               f"INSERT INTO user_recovery_codes (user_uuid, code_hash) VALUES ('{uid}', RANDOM_BYTES(32));"
               f"INSERT INTO user_sessions (uuid, user_uuid, key_id, key_hash, ip, user_agent) "
               f"VALUES (UUID(), '{uid}', 'lost2fasession01', RANDOM_BYTES(32), '127.0.0.1', 't')",
               db="panel")
    r = cfg.cli("user", "disable-2fa", "--user", "LOST2FA@example.com")
    assert "disabled" in r.stdout, r.stdout
    row = ctx.db.sql(f"SELECT totp_enabled, totp_secret IS NULL, totp_last_step IS NULL, "
                     f"checkpoint_nonce IS NULL FROM users WHERE uuid = '{uid}'", db="panel")
    eq(row.split(), ["0", "1", "1", "1"], "two-factor state cleared")
    for table in ("user_recovery_codes", "user_sessions"):
        eq(ctx.db.sql(f"SELECT COUNT(*) FROM {table} WHERE user_uuid = '{uid}'", db="panel").strip(),
           "0", f"{table} emptied")
    r = cfg.cli("user", "disable-2fa", "--user", "nobody-here", check=False)
    eq(r.returncode, 1, "unknown user")
    assert "user not found" in r.stderr, r.stderr
