"""The shared-memory rate-limit table (ratelimit_file, the production
default): exact counts under concurrent requests served by two processes,
counters that survive killed workers, the ratelimit-reset verb, the 429
shape, and no database writes for it."""

import concurrent.futures
import os
import signal

from harness import test, eq, expect_error, http_request, lighttpd_stack, reset_ratelimits
import stack


def start(ctx):
    lt = lighttpd_stack(ctx, "rl72", dbname="panel_rl72",
                        extra={"settings_cache_seconds": "0",
                               "ratelimit_file": os.path.join(ctx.root, "rl72", "ratelimit.shm")})
    return lt


@test
def shared_table_counts_exactly_and_survives_worker_restarts(ctx):
    lt = start(ctx)
    ctx.db.sql("INSERT INTO settings (`key`, value) VALUES ('ratelimits::client', "
               "'{\"hits\":21,\"window_seconds\":600}') ON DUPLICATE KEY UPDATE value = VALUES(value);",
               db="panel_rl72")
    reset_ratelimits(lt.cfg)

    def hit(_):
        return http_request(lt.port, "GET", "/api/client/account").status
    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        statuses = list(ex.map(hit, range(40)))
    # 401 missing authorization = let through the limiter; hits - 1 pass
    eq(statuses.count(401), 20, f"exactly hits - 1 pass: {statuses}")
    eq(statuses.count(429), 20, "the rest are limited")
    shm = os.path.join(ctx.root, "rl72", "ratelimit.shm")
    assert os.path.exists(shm), "the shared table file exists"
    eq(os.stat(shm).st_mode & 0o777, 0o600, "private to the workers' user")
    eq(ctx.db.sql("SELECT COUNT(*) FROM ratelimit_windows", db="panel_rl72").strip(), "0",
       "no database rows: the counters live in the shared table")
    r = http_request(lt.port, "GET", "/api/client/account")
    eq(r.status, 429, "still limited")
    assert r.json()["errors"][0].startswith("you are ratelimited, retry in "), r
    eq(r.headers.get("x-ratelimit-limit"), "21", "limit header")
    eq(r.headers.get("x-ratelimit-remaining"), "0", "remaining header")
    retry = int(r.headers["retry-after"])
    assert 0 < retry <= 600, retry
    eq(r.json(), {"errors": [f"you are ratelimited, retry in {retry}s"]}, "body")
    # kill every worker: lighttpd respawns them, the counts remain
    pids = lt.backends()
    for p in pids:
        os.kill(p, signal.SIGKILL)
    assert stack.wait_until(lambda: len(lt.backends()) == 2 and not set(pids) & set(lt.backends()), 15)
    assert stack.wait_until(lambda: http_request(lt.port, "GET", "/api/languages").status == 200, 15)
    eq(http_request(lt.port, "GET", "/api/client/account").status, 429,
       "limited after the workers were replaced")
    # the operator's reset lets the client in again
    r = lt.cfg.cli("ratelimit-reset")
    assert "afresh" in r.stdout, r.stdout
    expect_error(http_request(lt.port, "GET", "/api/client/account"), 401, "missing authorization")
    # other clients (another IP behind the trusted proxy) have their own count
    reset_ratelimits(lt.cfg)
    for _ in range(20):
        http_request(lt.port, "GET", "/api/client/account")
    eq(http_request(lt.port, "GET", "/api/client/account").status, 429, "127.0.0.1 limited")
    r = http_request(lt.port, "GET", "/api/client/account",
                     headers={"X-Forwarded-For": "198.51.100.23"})
    eq(r.status, 401, "another client is not")
    lt.stop()


@test
def unusable_ratelimit_file_falls_back_to_the_database(ctx):
    # a directory where the file should be: the workers log it and keep
    # counting in the database table
    bad = os.path.join(ctx.root, "rl72b-dir")
    os.makedirs(bad, exist_ok=True)
    lt = lighttpd_stack(ctx, "rl72b", dbname="panel_rl72",
                        extra={"settings_cache_seconds": "0", "ratelimit_file": bad})
    ctx.db.sql("DELETE FROM ratelimit_windows;", db="panel_rl72")
    for _ in range(3):
        http_request(lt.port, "GET", "/api/client/account")
    n = int(ctx.db.sql("SELECT COALESCE(SUM(hits), 0) FROM ratelimit_windows", db="panel_rl72"))
    eq(n, 3, "counted in the database")
    lt.stop()
    # the workers' stderr is lighttpd's, captured in lighttpd.out
    with open(os.path.join(lt.root, "lighttpd.out")) as f:
        assert "using the database" in f.read(), "the fallback is logged"
