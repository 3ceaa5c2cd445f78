"""quickstart_run.py: `./quickstart run`. Starts a private MariaDB and
lighttpd (serving www/ and /api/ through panel-fcgi) from the state
directory, creates the first administrator on the first start, prints the
URL and credentials, and stops everything on Ctrl-C or SIGTERM."""

import argparse
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stack  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--port", type=int, default=8080)
    args = ap.parse_args()

    state = os.path.abspath(args.state)
    os.makedirs(state, exist_ok=True)
    os.chmod(state, 0o755)
    url = f"http://127.0.0.1:{args.port}"
    if stack.port_open(args.port):
        sys.exit(f"quickstart: 127.0.0.1:{args.port} is in use; set PANEL_PORT")

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))

    db = stack.MariaDB(state)
    lt = None
    try:
        first = not db.installed()
        print(f"==> MariaDB in {db.datadir}" + (" (new)" if first else ""), flush=True)
        db.install()
        db.start()
        cfg = stack.PanelConfig(state, args.binary, db, url)
        cfg.write()
        cfg.setup_database()
        creds = os.path.join(state, "initial-admin")
        if not os.path.exists(creds):
            r = cfg.cli("user", "create", "--username", "admin", "--email",
                        "admin@example.com", "--admin")
            m = re.search(r"^password: (\S+)$", r.stdout, re.M)
            if m is None:
                sys.exit("quickstart: could not read the generated password")
            stack.write_secret_file(creds, f"url={url}\nusername=admin\npassword={m.group(1)}\n")
        lt = stack.Lighttpd(state, cfg, os.path.join(stack.REPO, "www"), port=args.port)
        lt.start()
        with open(creds) as f:
            info = dict(line.strip().split("=", 1) for line in f if "=" in line)
        info["url"] = url  # the port may differ from the first run's
        stack.write_secret_file(creds, "".join(f"{k}={info[k]}\n" for k in ("url", "username", "password")))
        print(f"""
panel-fcgi is running.
  Log in:   {info['url']}/login.html
  API:      {info['url']}/api/settings
  username: {info['username']}
  password: {info['password']}
(kept in {creds}, mode 0600)
State: {state}. Press Ctrl-C to stop.
""", flush=True)
        while not stopping:
            if not lt.proc.alive():
                print("quickstart: lighttpd exited; see", lt.errorlog, file=sys.stderr)
                break
            if not db.proc.alive():
                print("quickstart: MariaDB exited; see", db.log, file=sys.stderr)
                break
            time.sleep(0.2)
    finally:
        print("==> stopping", flush=True)
        if lt is not None:
            lt.stop()
        db.stop()


if __name__ == "__main__":
    main()
