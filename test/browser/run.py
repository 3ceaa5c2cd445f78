#!/usr/bin/env python3
"""The browser tests: Debian's headless Chromium, driven by playwright-core,
against the real stack (a private MariaDB, lighttpd serving www/ with the
CSP header of conf/lighttpd-panel.conf and passing /api/ to panel-fcgi).

    python3 test/browser/run.py --binary build-test/panel-fcgi --artifacts artifacts

Starts the stack on free 127.0.0.1 ports in a private temporary state
directory, creates the test users with the CLI, runs `node qr.test.mjs`
(when present) and `node pages.test.mjs`, stops every process it started by
its pid (also on failure or Ctrl-C), scans the stack's logs (sanitizer
reports, secrets) and prints one line per test and "N passed, N failed".
Passwords reach the node scripts through a 0600 file, never argv.
Python standard library only."""

import argparse
import ctypes
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import stack  # noqa: E402

SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed\s*$")

# Rate limits far above what the suite needs, so it never meets a 429 by
# accident (the defaults: 20 logins and 10 checkpoints per 5 minutes).
RATELIMITS = {
    "client": (100000, 30),
    "auth_login": (1000, 300),
    "auth_login_checkpoint": (1000, 300),
}


class Interrupted(Exception):
    pass


def on_signal(signum, _frame):
    raise Interrupted(f"signal {signum}")


def become_subreaper():
    """Orphans of our children (Chromium, should node die) become our
    children, so they can be found and stopped by pid."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def reap_orphans(known):
    """Stops any process left as our child that we did not start
    ourselves (e.g. a browser whose node died), by pid."""
    for pid in stack.children(os.getpid()):
        if pid in known:
            continue
        try:
            with open(f"/proc/{pid}/comm") as f:
                comm = f.read().strip()
        except OSError:
            comm = "?"
        print(f"# stopping leftover process {pid} ({comm})", flush=True)
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = [p for p in stack.children(os.getpid()) if p not in known]
        if not left:
            break
        for pid in left:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        time.sleep(0.1)
    for pid in stack.children(os.getpid()):
        if pid not in known:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


class Node:
    """A node script run in its own process group; its output is passed
    through line by line and its summary line counted."""

    def __init__(self, script, args, env, log):
        self.script = script
        self.name = os.path.basename(script)
        self.log = log
        self.p = subprocess.Popen(["node", script, *args], cwd=HERE, env=env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, bufsize=1,
                                  start_new_session=True)

    def run(self, timeout):
        """Streams the output; returns (passed, failed). Stopped (its
        process group, by its pid) after timeout seconds."""
        import threading
        found = []
        logf = open(self.log, "w")

        def pump():
            # Chromium's helpers may keep the pipe open after node exits:
            # read in a thread and stop waiting for it once node is gone.
            for line in self.p.stdout:
                logf.write(line)
                line = line.rstrip("\n")
                m = SUMMARY.match(line)
                if m:
                    found.append((int(m.group(1)), int(m.group(2))))
                    print(f"# {self.name}: {line}", flush=True)
                    continue
                print(line, flush=True)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        timer = threading.Timer(timeout, self.timed_out)
        timer.start()
        try:
            rc = self.p.wait()
        finally:
            timer.cancel()
        reader.join(3)
        logf.flush()
        if found:
            passed, failed = found[-1]
        if self.expired:
            print(f"not ok - {self.name}: stopped after {timeout} s", flush=True)
            return (passed or 0, (failed or 0) + 1)
        if passed is None:
            print(f"not ok - {self.name}: no summary line (exit status {rc})", flush=True)
            return (0, 1)
        if rc != 0 and failed == 0:
            print(f"not ok - {self.name}: exit status {rc} after 0 failures", flush=True)
            return (passed, 1)
        return (passed, failed)

    expired = False

    def timed_out(self):
        self.expired = True
        self.stop()

    def stop(self):
        """SIGTERM to its process group (led by its pid), SIGKILL after 10 s."""
        if self.p.poll() is None:
            try:
                os.killpg(self.p.pid, signal.SIGTERM)
                self.p.wait(10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.p.wait()


def secrets_of(cfg):
    out = [cfg.db_password()]
    with open(cfg.secrets) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                out.append(line.split("=", 1)[1].strip())
    return out


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--artifacts", required=True)
    ap.add_argument("--keep", action="store_true", help="keep the state directory")
    args = ap.parse_args(argv)
    binary = os.path.abspath(args.binary)
    artifacts = os.path.join(os.path.abspath(args.artifacts), "browser")
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts, exist_ok=True)

    become_subreaper()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    t0 = time.monotonic()
    root = tempfile.mkdtemp(prefix="panel-browser-")
    os.chmod(root, 0o755)
    sanlogs = os.path.join(root, "sanitizer")
    san = stack.sanitizer_env(sanlogs)
    hunt = []
    passed = failed = 0
    db = lt = None
    known = set()
    nodes = []
    stack_ok = False
    try:
        db = stack.MariaDB(os.path.join(root, "db"))
        os.makedirs(db.root, exist_ok=True)
        db.install()
        db.start()
        known.add(db.proc.pid)
        port = stack.free_port()
        base = f"http://127.0.0.1:{port}"
        cfg = stack.PanelConfig(os.path.join(root, "panel"), binary, db, base,
                                extra={"settings_cache_seconds": "0"})
        cfg.write()
        hunt += secrets_of(cfg)
        cfg.setup_database()
        rows = ",\n".join(
            f"('ratelimits::{k}', '{{\"hits\":{h},\"window_seconds\":{w}}}')"
            for k, (h, w) in RATELIMITS.items())
        db.sql(f"REPLACE INTO settings (`key`, value) VALUES\n{rows};", db=cfg.dbname)

        users = {}
        for role, name, email, admin in (
                ("user", "alice_browser", "alice.browser@example.com", False),
                ("admin", "root_browser", "root.browser@example.com", True)):
            pw = "Pw-" + secrets.token_urlsafe(18)
            hunt.append(pw)
            argv_ = [binary, "user", "create", "--username", name, "--email", email,
                     "--name-first", "Alice" if not admin else "Root",
                     "--name-last", "Browser"] + (["--admin"] if admin else [])
            r = subprocess.run(argv_, env=cfg.env(**san), input=pw + "\n",
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"user create {name}: {r.stderr.strip()}")
            users[role] = {"username": name, "email": email, "password": pw}

        lt = stack.Lighttpd(cfg.root, cfg, os.path.join(stack.REPO, "www"), port=port,
                            env=san)
        lt.start()
        known.add(lt.proc.pid)
        stack_ok = True
        print(f"# stack up in {time.monotonic() - t0:.1f} s at {base}/", flush=True)

        # what the node scripts get: a 0600 file, never argv or environment
        # printed anywhere; and a file they add secrets they saw to
        creds = os.path.join(root, "browser-users.json")
        stack.write_secret_file(creds, json.dumps(users))
        seen = os.path.join(root, "browser-secrets.json")
        stack.write_secret_file(seen, "[]")
        env = dict(os.environ)
        for k in list(env):
            if k.startswith(("ASAN_", "UBSAN_", "LSAN_")):
                del env[k]

        qr = os.path.join(HERE, "qr.test.mjs")
        if os.path.exists(qr):
            n = Node(qr, [], env, os.path.join(root, "qr-test.out"))
            nodes.append(n)
            known.add(n.p.pid)
            p_, f_ = n.run(120)
            passed += p_
            failed += f_
        else:
            print("# qr.test.mjs not present; skipped", flush=True)

        n = Node(os.path.join(HERE, "pages.test.mjs"),
                 ["--base", base, "--users", creds, "--secrets-out", seen,
                  "--artifacts", artifacts], env, os.path.join(root, "pages-test.out"))
        nodes.append(n)
        known.add(n.p.pid)
        p_, f_ = n.run(300)
        passed += p_
        failed += f_
        try:
            with open(seen) as f:
                hunt += [s for s in json.load(f) if isinstance(s, str)]
        except (OSError, ValueError) as e:
            print(f"not ok - read secrets seen by the browser tests: {e}", flush=True)
            failed += 1
    except (Exception, Interrupted) as e:
        failed += 1
        print(f"not ok - browser stack: {type(e).__name__}: {e}", flush=True)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        t1 = time.monotonic()
        for n in nodes:
            n.stop()
        reap_orphans({p for p in known if p} - {n.p.pid for n in nodes})
        t2 = time.monotonic()
        if lt is not None:
            lt.stop()
        t3 = time.monotonic()
        if db is not None:
            db.stop()
        t4 = time.monotonic()
        reap_orphans(set())
        print(f"# stopped: node {t2-t1:.1f} s, lighttpd {t3-t2:.1f} s, mariadb {t4-t3:.1f} s, rest {time.monotonic()-t4:.1f} s", flush=True)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    problems = stack.scan_logs(root, hunt)
    try:
        shutil.copytree(root, os.path.join(artifacts, "logs"), ignore=lambda d, names: [
            x for x in names if x in ("mysql", "sock") or x.endswith((".sock", ".pid", ".shm"))
            or x in ("browser-users.json", "browser-secrets.json", "db-password",
                     "panel-fcgi.secrets")])
    except (OSError, shutil.Error) as e:
        print(f"# could not keep every log: {e}", file=sys.stderr)
    if args.keep:
        print(f"# state kept in {root}", flush=True)
    else:
        shutil.rmtree(root, ignore_errors=True)
    if stack_ok or problems:
        for p in problems:
            print(f"not ok - logs: {p}", flush=True)
        if problems:
            failed += 1
        else:
            passed += 1
            print("ok - logs: no sanitizer report, no secret in any log", flush=True)
    print(f"# browser tests took {time.monotonic() - t0:.1f} s", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
