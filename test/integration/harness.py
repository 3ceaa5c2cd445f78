"""harness.py: the integration tests' runner, HTTP helper and assertions.

Tests are functions decorated with @test; they get the shared Context (one
MariaDB, one lighttpd stack, one Apache stack, built lazily) and raise
AssertionError on failure. The runner prints one line per test and ends
with "N passed, N failed"."""

import http.client
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import stack  # noqa: E402

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            raise AssertionError(f"body is not JSON: {self.body[:200]!r}")

    def __repr__(self):
        return f"<{self.status} {self.body[:200]!r}>"


def http_request(port, method, path, headers=None, body=None, timeout=30):
    """One request on a fresh connection to 127.0.0.1:port."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = dict(headers or {})
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return Response(r.status, r.getheaders(), r.read())
    finally:
        conn.close()


def eq(got, want, what=""):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def expect_error(resp, status, message):
    """The contract's error shape: exactly {"errors":[message]}."""
    eq(resp.status, status, f"status of {resp!r}")
    eq(resp.headers.get("content-type"), "application/json", "content type")
    eq(resp.json(), {"errors": [message]}, "error body")


class Context:
    def __init__(self, binary, artifacts):
        self.binary = binary
        self.artifacts = artifacts
        # The stack runs in a fresh 0755 directory: Apache's workers run as
        # www-data and must reach it whatever the checkout's permissions.
        import tempfile
        self.root = tempfile.mkdtemp(prefix="panel-integration-")
        os.chmod(self.root, 0o755)
        self.sanlogs = os.path.join(self.root, "sanitizer")
        self._db = None
        self._lt = None
        self._ap = None
        self.cleanups = []
        self.secrets_to_hunt = []  # strings that must never reach a log
        # one application account for every configuration of the run
        self.db_password = stack.secrets.token_hex(16)

    # one MariaDB for the run, migrated once
    @property
    def db(self):
        if self._db is None:
            os.makedirs(self.root, exist_ok=True)
            self._db = stack.MariaDB(os.path.join(self.root, "db"))
            os.makedirs(self._db.root, exist_ok=True)
            self._db.install()
            self._db.start()
        return self._db

    def panel_config(self, name, extra=None, binary=None, owner=None):
        root = os.path.join(self.root, name)
        os.makedirs(root, exist_ok=True)
        os.chmod(root, 0o755)
        # Rate limits: the database table by default, so tests can reset
        # a window with SQL; the shared-memory table has tests of its own.
        extra = dict({"ratelimit_file": ""}, **(extra or {}))
        cfg = stack.PanelConfig(root, binary or self.binary, self.db,
                                "http://127.0.0.1:8080", extra=extra, owner=owner,
                                db_password=self.db_password)
        cfg.write()
        self.secrets_to_hunt.append(cfg.db_password())
        with open(cfg.secrets) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    self.secrets_to_hunt.append(line.split("=", 1)[1].strip())
        return cfg

    @property
    def lighttpd(self):
        """lighttpd with 2 panel-fcgi processes x 2 threads, the sanitizer
        build, trusted_proxies 127.0.0.1 and an X-Server-Name."""
        if self._lt is None:
            cfg = self.panel_config("lighttpd", {"trusted_proxies": "127.0.0.1/32, ::1",
                                                 "server_name": "integration-test"})
            cfg.setup_database()
            self._lt = stack.Lighttpd(cfg.root, cfg, os.path.join(stack.REPO, "www"),
                                      env=stack.sanitizer_env(self.sanlogs))
            self._lt.start()
            self.cleanups.append(self._lt.stop)
        return self._lt

    @property
    def apache(self):
        if self._ap is None:
            import pwd
            root = os.path.join(self.root, "apache")
            os.makedirs(root, exist_ok=True)
            uid = pwd.getpwnam("www-data").pw_uid if os.geteuid() == 0 else os.geteuid()
            binary = stack.copy_for_user(self.binary, os.path.join(root, "panel-fcgi"), 0o755)
            cfg = self.panel_config("apache", {"threads": "1"}, binary=binary, owner=uid)
            cfg.setup_database()
            import shutil
            www = os.path.join(root, "www")
            shutil.copytree(os.path.join(stack.REPO, "www"), www, dirs_exist_ok=True)
            self._ap = stack.Apache(os.path.join(root, "httpd"), cfg, www,
                                    env=stack.sanitizer_env(self.sanlogs))
            self._ap.start()
            self.cleanups.append(self._ap.stop)
        return self._ap

    def get(self, path, **kw):
        return http_request(self.lighttpd.port, "GET", path, **kw)

    def post(self, path, body=None, **kw):
        return http_request(self.lighttpd.port, "POST", path, body=body, **kw)

    def close(self):
        for fn in reversed(self.cleanups):
            try:
                fn()
            except Exception as e:  # keep stopping the rest
                print(f"cleanup: {e}", file=sys.stderr)
        if self._db is not None:
            self._db.stop()


def scan_logs(ctx):
    """Sanitizer reports and secrets in any log are failures."""
    return stack.scan_logs(ctx.root, ctx.secrets_to_hunt)


def main(argv):
    import argparse
    import importlib
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--artifacts", required=True)
    ap.add_argument("-k", default="", help="run only tests whose name contains this")
    args = ap.parse_args(argv)
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(here)):
        if name.startswith("t_") and name.endswith(".py"):
            importlib.import_module(name[:-3])
    import shutil
    keep = os.path.join(args.artifacts, "integration")
    shutil.rmtree(keep, ignore_errors=True)
    ctx = Context(args.binary, args.artifacts)
    passed = failed = 0
    try:
        for fn in TESTS:
            name = f"{fn.__module__}.{fn.__name__}"
            if args.k and args.k not in name:
                continue
            t0 = time.monotonic()
            try:
                fn(ctx)
                passed += 1
                print(f"ok   {name} ({time.monotonic() - t0:.1f}s)", flush=True)
            except Exception as e:
                failed += 1
                print(f"FAIL {name}: {e}", flush=True)
                traceback.print_exc(file=sys.stderr)
    finally:
        ctx.close()
    problems = scan_logs(ctx)
    # keep the logs (not the database files) as artifacts
    try:
        shutil.copytree(ctx.root, keep, ignore=lambda d, names: [
            n for n in names if n in ("mysql", "sock", "fcgid") or n.endswith((".sock", ".pid"))
            or os.path.join(d, n).endswith("/apache/panel-fcgi")])
    except (OSError, shutil.Error) as e:
        print(f"could not keep every log: {e}", file=sys.stderr)
    shutil.rmtree(ctx.root, ignore_errors=True)
    for p in problems:
        print(f"FAIL logs: {p}", flush=True)
    if problems:
        failed += 1
    else:
        passed += 1
        print("ok   logs: no sanitizer report, no secret in any log", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def lighttpd_stack(ctx, name, extra=None, dbname="panel", secrets_text=None):
    """A lighttpd stack of its own, like Context.lighttpd (2 processes x 2
    threads, sanitizer build, trusted proxies 127.0.0.1 and ::1), with extra
    panel configuration, database dbname (created and migrated) and, when
    secrets_text is given, that secrets file instead of a generated one.
    Stopped at the end of the run; stop() it earlier to free it."""
    root = os.path.join(ctx.root, name)
    os.makedirs(root, exist_ok=True)
    if secrets_text is not None:
        stack.write_secret_file(os.path.join(root, "panel-fcgi.secrets"), secrets_text)
    conf = {"trusted_proxies": "127.0.0.1/32, ::1", "db_name": dbname}
    conf.update(extra or {})
    cfg = ctx.panel_config(name, conf)
    cfg.dbname = dbname
    cfg.setup_database()
    lt = stack.Lighttpd(cfg.root, cfg, os.path.join(stack.REPO, "www"),
                        env=stack.sanitizer_env(ctx.sanlogs))
    lt.start()
    ctx.cleanups.append(lt.stop)
    return lt


def reset_ratelimits(cfg):
    """Starts every rate-limit window of cfg's stack afresh, wherever its
    counters live (the shared table, or the database when ratelimit_file
    is empty)."""
    if cfg.extra.get("ratelimit_file", "x") == "":
        cfg.db.sql("DELETE FROM ratelimit_windows;", db=cfg.dbname)
    else:
        cfg.cli("ratelimit-reset")
