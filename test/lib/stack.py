"""stack.py: start and stop the real parts of a panel-fcgi deployment.

One implementation used by `./quickstart run`, the integration tests and the
benchmarks: a private MariaDB in a directory of its own, panel-fcgi's config
and secrets, lighttpd with conf/lighttpd-panel.conf, Apache with
conf/apache-fcgid.conf, and `panel-fcgi serve`. Everything binds to
127.0.0.1 or a unix socket, and every process is stopped by its own pid.
Python standard library only.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, seconds, step=0.05):
    """Polls pred() until it is true or seconds have passed; returns it."""
    end = time.monotonic() + seconds
    while True:
        ok = pred()
        if ok or time.monotonic() >= end:
            return ok
        time.sleep(step)


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Proc:
    """A child process we started; stopped by its pid, never by name."""

    def __init__(self, name, argv, log, env=None, cwd=None):
        self.name = name
        self.argv = argv
        self.log = log
        self.logf = open(log, "ab")
        self.p = subprocess.Popen(argv, stdout=self.logf, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, env=env, cwd=cwd)

    @property
    def pid(self):
        return self.p.pid

    def alive(self):
        return self.p.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.p.poll() is None:
            try:
                os.kill(self.p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.p.pid, signal.SIGKILL)
                self.p.wait()
        self.logf.close()
        return self.p.returncode


def children(pid):
    """Direct child pids of pid (from /proc)."""
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return sorted(set(out))


# --------------------------------------------------------------------------
# MariaDB

class MariaDB:
    """A private MariaDB server: data in root/mysql, socket root/mysql.sock,
    no TCP. Runs as the current user (root in CI: --user=root)."""

    def __init__(self, root):
        self.root = root
        self.datadir = os.path.join(root, "mysql")
        self.sock = os.path.join(root, "mysql.sock")
        self.log = os.path.join(root, "mariadb.log")
        self.proc = None

    def installed(self):
        return os.path.isdir(os.path.join(self.datadir, "mysql"))

    def install(self):
        if self.installed():
            return
        os.makedirs(self.datadir, exist_ok=True)
        user = ["--user=root"] if os.geteuid() == 0 else []
        subprocess.run(["mariadb-install-db", "--no-defaults", *user,
                        f"--datadir={self.datadir}", "--skip-test-db",
                        "--auth-root-authentication-method=socket"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self):
        user = ["--user=root"] if os.geteuid() == 0 else []
        self.proc = Proc("mariadbd", [
            "/usr/sbin/mariadbd", "--no-defaults", *user,
            f"--datadir={self.datadir}", f"--socket={self.sock}",
            "--skip-networking", f"--pid-file={self.root}/mariadb.pid",
            f"--log-error={self.log}", "--innodb-buffer-pool-size=64M",
            "--innodb-log-file-size=48M", "--skip-name-resolve",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci", "--max-connections=500",
        ], os.path.join(self.root, "mariadbd.out"))
        if not wait_until(self.ping, 60, 0.1):
            raise RuntimeError(f"MariaDB did not start; see {self.log}")
        os.chmod(self.root, 0o755)  # other users (Apache's) reach the socket

    def ping(self):
        if self.proc is not None and not self.proc.alive():
            raise RuntimeError(f"MariaDB exited; see {self.log}")
        r = subprocess.run(["mariadb-admin", "--no-defaults", f"--socket={self.sock}",
                            "-uroot", "ping"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        return r.returncode == 0

    def stop(self):
        if self.proc is not None:
            self.proc.stop(timeout=60)
            self.proc = None

    def sql(self, text, db=None, check=True):
        """Runs SQL as root over the socket; returns stdout (tab separated)."""
        argv = ["mariadb", "--no-defaults", f"--socket={self.sock}", "-uroot",
                "--batch", "--skip-column-names", "--default-character-set=utf8mb4"]
        if db:
            argv.append(db)
        r = subprocess.run(argv, input=text, capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError(f"SQL failed: {r.stderr.strip()}")
        return r.stdout

    def create_app_database(self, name, user, password):
        """The database and an application account with DML rights only;
        migrations run as root (socket authentication)."""
        self.sql(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 "
                 f"COLLATE utf8mb4_unicode_ci;\n"
                 f"CREATE USER IF NOT EXISTS '{user}'@'localhost' IDENTIFIED BY '{password}';\n"
                 f"ALTER USER '{user}'@'localhost' IDENTIFIED BY '{password}';\n"
                 f"GRANT SELECT, INSERT, UPDATE, DELETE ON `{name}`.* TO '{user}'@'localhost';\n")


# --------------------------------------------------------------------------
# panel-fcgi configuration

def write_secret_file(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


class PanelConfig:
    """panel-fcgi.conf, the secrets file and the DB password file in root."""

    def __init__(self, root, binary, db, panel_url, dbname="panel",
                 dbuser="panel", extra=None, owner=None, db_password=None):
        self.root = root
        self.binary = binary
        self.db = db
        self.dbname = dbname
        self.dbuser = dbuser
        self.path = os.path.join(root, "panel-fcgi.conf")
        self.secrets = os.path.join(root, "panel-fcgi.secrets")
        self.pwfile = os.path.join(root, "db-password")
        self.panel_url = panel_url
        self.extra = dict(extra or {})
        self.owner = owner
        self.initial_db_password = db_password

    def db_password(self):
        with open(self.pwfile) as f:
            return f.read().strip()

    def write(self):
        os.makedirs(self.root, exist_ok=True)
        if not os.path.exists(self.pwfile):
            pw = self.initial_db_password or secrets.token_hex(16)
            write_secret_file(self.pwfile, pw + "\n")
        if not os.path.exists(self.secrets):
            subprocess.run([self.binary, "generate-secrets", self.secrets], check=True)
        keys = {
            "db_socket": self.db.sock,
            "db_user": self.dbuser,
            "db_password_file": self.pwfile,
            "db_name": self.dbname,
            "panel_url": self.panel_url,
            "secrets_file": self.secrets,
            "sql_dir": os.path.join(REPO, "sql"),
            "argon2_memory_kib": "19456",
            "threads": "2",
            "ratelimit_file": os.path.join(self.root, "ratelimit.shm"),
        }
        keys.update(self.extra)
        with open(self.path, "w") as f:
            f.write("# written by test/lib/stack.py\n")
            for k, v in keys.items():
                f.write(f"{k} = {v}\n")
        if self.owner is not None:
            # the workers' user creates the rate-limit table here
            for p in (self.root, self.path, self.secrets, self.pwfile):
                os.chown(p, self.owner, -1)

    def env(self, **more):
        e = dict(os.environ)
        e["PANEL_FCGI_CONFIG"] = self.path
        e.update(more)
        return e

    def cli(self, *args, input=None, check=True):
        r = subprocess.run([self.binary, *args], env=self.env(), input=input,
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError(f"panel-fcgi {' '.join(args)}: {r.stderr.strip()}")
        return r

    def setup_database(self):
        self.db.create_app_database(self.dbname, self.dbuser, self.db_password())
        # migrations as root over the socket (unix_socket authentication)
        return self.cli("migrate", "--db-user", "root")


# --------------------------------------------------------------------------
# Web servers

def start_http_server(name, argv, out, port, errorlog, env=None):
    """Starts a web server and waits until it listens on 127.0.0.1:port."""
    proc = Proc(name, argv, out, env=env)
    if not wait_until(lambda: port_open(port) or not proc.alive(), 30):
        raise RuntimeError(f"{name} did not start")
    if not proc.alive():
        raise RuntimeError(f"{name} exited; see {errorlog}")
    return proc


def sanitizer_env(logdir):
    """ASan/UBSan options that write reports to files in logdir."""
    os.makedirs(logdir, exist_ok=True)
    os.chmod(logdir, 0o777)
    # a copy every worker user can read (the checkout may be private)
    supp = copy_for_user(os.path.join(REPO, "test", "conf", "lsan.supp"),
                         os.path.join(logdir, "lsan.supp"), 0o644)
    return {
        "ASAN_OPTIONS": f"log_path={logdir}/asan:abort_on_error=0:detect_leaks=1",
        "UBSAN_OPTIONS": f"log_path={logdir}/ubsan:print_stacktrace=1:halt_on_error=1",
        "LSAN_OPTIONS": f"suppressions={supp}:print_suppressions=0",
    }


class Lighttpd:
    """lighttpd on 127.0.0.1:port including conf/lighttpd-panel.conf."""

    def __init__(self, root, cfg, www, port=None, procs=2, env=None, extra=""):
        self.root = root
        self.cfg = cfg
        self.www = www
        self.port = port or free_port()
        self.procs = procs
        self.env = env or {}
        self.extra = extra  # appended lighttpd configuration
        self.conf = os.path.join(root, "lighttpd.conf")
        self.errorlog = os.path.join(root, "lighttpd-error.log")
        self.proc = None

    def write(self):
        sockdir = os.path.join(self.root, "sock")
        os.makedirs(sockdir, exist_ok=True)
        with open(self.conf, "w") as f:
            f.write(f"""# written by test/lib/stack.py
server.bind          = "127.0.0.1"
server.port          = {self.port}
server.errorlog      = "{self.errorlog}"
server.max-request-size = 1024
server.tag           = "lighttpd"
var.panel_bin    = "{self.cfg.binary}"
var.panel_config = "{self.cfg.path}"
var.panel_socket = "{sockdir}/panel-fcgi.sock"
var.panel_www    = "{self.www}"
var.panel_procs  = {self.procs}
include "{REPO}/conf/lighttpd-panel.conf"
{self.extra}
""")

    def start(self):
        self.write()
        env = dict(os.environ)
        env.update(self.env)
        self.proc = start_http_server("lighttpd", ["/usr/sbin/lighttpd", "-D", "-f", self.conf],
                                      os.path.join(self.root, "lighttpd.out"), self.port,
                                      self.errorlog, env=env)

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}{path}"

    def backends(self):
        return children(self.proc.pid)

    def stop(self):
        if self.proc is not None:
            self.proc.stop()
            self.proc = None


APACHE_MODULES = ["mpm_event", "authz_core", "alias", "mime", "dir", "headers",
                  "unixd", "fcgid", "log_config"]


class Apache:
    """Apache httpd on 127.0.0.1:port including conf/apache-fcgid.conf.
    Workers run as www-data, so the binary, www and the panel files are
    copied into root with permissions that user can read."""

    def __init__(self, root, cfg, www, port=None, procs=4, env=None):
        self.root = root
        self.cfg = cfg
        self.www = www
        self.port = port or free_port()
        self.procs = procs
        self.env = env or {}
        self.conf = os.path.join(root, "httpd.conf")
        self.errorlog = os.path.join(root, "apache-error.log")
        self.proc = None

    def start(self):
        import pwd
        os.makedirs(self.root, exist_ok=True)
        os.chmod(self.root, 0o755)
        runas = "www-data" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        uid = pwd.getpwnam(runas).pw_uid
        ipc = os.path.join(self.root, "fcgid")
        os.makedirs(ipc, exist_ok=True)
        os.chown(ipc, uid, -1)
        modules = "\n".join(
            f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so"
            for m in APACHE_MODULES if m not in ("unixd", "log_config"))
        envlines = "\n".join(f'FcgidInitialEnv {k} "{v}"' for k, v in self.env.items())
        with open(self.conf, "w") as f:
            f.write(f"""# written by test/lib/stack.py
ServerRoot "{self.root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{self.port}
PidFile "{self.root}/httpd.pid"
DefaultRuntimeDir "{self.root}"
Mutex file:{self.root} default
ErrorLog "{self.errorlog}"
LogLevel warn
User {runas}
Group {runas}
{modules}
TypesConfig /etc/mime.types
StartServers 1
ServerLimit 1
ThreadsPerChild {self.procs}
MaxRequestWorkers {self.procs}
FcgidIPCDir "{ipc}"
FcgidProcessTableFile "{ipc}/shm"
Define PANEL_BIN "{self.cfg.binary}"
Define PANEL_CONFIG "{self.cfg.path}"
Define PANEL_WWW "{self.www}"
Define PANEL_PROCS {self.procs}
Include "{REPO}/conf/apache-fcgid.conf"
{envlines}
""")
        self.proc = start_http_server("apache2", ["/usr/sbin/apache2", "-f", self.conf,
                                                  "-DFOREGROUND"],
                                      os.path.join(self.root, "apache.out"), self.port,
                                      self.errorlog)

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.proc is not None:
            self.proc.stop()
            self.proc = None


class Serve:
    """`panel-fcgi serve` on a unix socket (the systemd unit's mode)."""

    def __init__(self, root, cfg, argv_tail, env=None):
        self.root = root
        self.cfg = cfg
        self.argv = [cfg.binary, "serve", *argv_tail]
        self.env = env or {}
        self.proc = None

    def start(self, sock):
        self.proc = Proc("panel-fcgi serve", self.argv,
                         os.path.join(self.root, "serve.log"),
                         env=self.cfg.env(**self.env))
        if not wait_until(lambda: os.path.exists(sock) or not self.proc.alive(), 20):
            raise RuntimeError("panel-fcgi serve did not start")
        if not self.proc.alive():
            raise RuntimeError("panel-fcgi serve exited")
        wait_until(lambda: len(self.workers()) >= 1, 10)

    def workers(self):
        return children(self.proc.pid)

    def stop(self):
        if self.proc is not None:
            rc = self.proc.stop()
            self.proc = None
            return rc
        return None


def copy_for_user(src, dst, mode):
    shutil.copy2(src, dst)
    os.chmod(dst, mode)
    return dst


def scan_logs(root, hunt):
    """Failures found in the logs below root: sanitizer reports, and any of
    the secrets in hunt (at least 8 characters) written anywhere. Shared by
    the integration and browser suites."""
    problems = []
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            if not (name.endswith((".log", ".out")) or name.startswith(("asan", "ubsan"))):
                continue
            if "/db/mysql/" in path:
                continue
            text = open(path, errors="replace").read()
            if name.startswith(("asan.", "ubsan.")) and text.strip():
                problems.append(f"sanitizer report in {path}:\n{text[:4000]}")
                continue
            for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                           "UndefinedBehaviorSanitizer"):
                if marker in text:
                    problems.append(f"'{marker}' in {path}")
            for sec in hunt:
                if sec and len(sec) >= 8 and sec in text:
                    problems.append(f"a secret appears in {path}")
    return problems
