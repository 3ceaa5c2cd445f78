"""`./quickstart run`'s runner (test/lib/quickstart_run.py) end to end: first
start creates the administrator and the 0600 initial-admin file, serves the
API, stops on SIGINT (Ctrl-C) leaving nothing running, and a second start on
the same state directory finds the data again."""

import os
import signal
import stat
import subprocess
import sys
import tempfile

from harness import test, eq, http_request
import stack


def start(ctx, state, port):
    env = dict(os.environ)
    env.update(stack.sanitizer_env(ctx.sanlogs))
    p = subprocess.Popen([sys.executable, os.path.join(stack.REPO, "test", "lib", "quickstart_run.py"),
                          "--binary", ctx.binary, "--state", state, "--port", str(port)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    ok = stack.wait_until(lambda: p.poll() is not None or stack.port_open(port), 120)
    assert ok and p.poll() is None, f"quickstart run started: {p.stdout.read() if p.poll() is not None else ''}"
    assert stack.wait_until(lambda: http_request(port, "GET", "/api/languages").status == 200, 30)
    return p


def stop(p):
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=120)
    return out


@test
def quickstart_run_first_start_ctrl_c_and_restart(ctx):
    state = tempfile.mkdtemp(prefix="panel-quickstart-")
    port = stack.free_port()
    try:
        p = start(ctx, state, port)
        try:
            r = http_request(port, "GET", "/api/settings")
            eq(r.status, 200, "settings")
            eq(r.json()["app"]["url"], f"http://127.0.0.1:{port}", "app.url is the served URL")
            creds = os.path.join(state, "initial-admin")
            eq(stat.S_IMODE(os.stat(creds).st_mode), 0o600, "initial-admin mode")
            with open(creds) as f:
                lines = f.read().splitlines()
            eq([l.split("=", 1)[0] for l in lines], ["url", "username", "password"], "lines")
            eq(lines[0], f"url=http://127.0.0.1:{port}", "url line")
            password = lines[2].split("=", 1)[1]
            assert len(password) == 20, "a generated password"
            ctx.secrets_to_hunt.append(password)
            cfg_env = dict(os.environ, PANEL_FCGI_CONFIG=os.path.join(state, "panel-fcgi.conf"))
            subprocess.run([ctx.binary, "user", "create", "--username", "kept", "--email",
                            "kept@example.com"], env=cfg_env, check=True,
                           input="a long enough password\n", text=True, capture_output=True)
            ctx.secrets_to_hunt.append("a long enough password")
        finally:
            out = stop(p)
        eq(p.returncode, 0, f"clean exit on Ctrl-C: {out[-500:]}")
        assert password in out, "credentials printed on the first start"
        assert f"Log in:   http://127.0.0.1:{port}/login.html" in out, "the login URL printed"
        assert not stack.port_open(port), "lighttpd stopped"
        assert not os.path.exists(os.path.join(state, "mariadb.pid")), "MariaDB stopped"

        p = start(ctx, state, port)
        try:
            users = subprocess.run([ctx.binary, "user", "list"], env=cfg_env, check=True,
                                   capture_output=True, text=True).stdout
            assert "admin" in users and "kept" in users, f"data found again: {users}"
            with open(creds) as f:
                eq(f.read().splitlines()[2], f"password={password}", "same administrator")
        finally:
            out = stop(p)
        eq(p.returncode, 0, "clean exit")
        assert "(new)" not in out, "the second start reuses the database"
    finally:
        import shutil
        # keep the logs for the log scan, drop the database files
        for name in ("mariadb.log", "lighttpd-error.log", "mariadbd.out", "lighttpd.out"):
            src = os.path.join(state, name)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(ctx.root, "quickstart-" + name))
        shutil.rmtree(state, ignore_errors=True)
