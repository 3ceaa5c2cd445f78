"""The database stops under a running lighttpd stack: requests that need it
get 503 database unavailable (quickly, no crash), the others still work, and
once it is back the same worker processes serve 200s again."""

import time

from harness import test, eq, expect_error
import stack


@test
def killed_connections_are_reopened_and_reads_retried(ctx):
    # The server drops every connection of the application account (a
    # restart of a proxy, wait_timeout, KILL): reads are retried once on a
    # new connection with freshly prepared statements, so nobody sees it.
    for _ in range(20):
        eq(ctx.get("/api/settings").status, 200, "warm")
    ids = ctx.db.sql("SELECT id FROM information_schema.processlist WHERE user = 'panel'").split()
    assert ids, "the workers hold connections"
    ctx.db.sql("".join(f"KILL CONNECTION {i};\n" for i in ids), check=False)
    eq([ctx.get("/api/settings").status for _ in range(20)], [200] * 20,
       "every request served after the kill")


@test
def database_outage_503_then_recovery_same_workers(ctx):
    lt = ctx.lighttpd
    eq(ctx.get("/api/settings").status, 200, "before")
    pids = lt.backends()
    ctx.db.stop()
    try:
        for _ in range(10):
            t0 = time.monotonic()
            r = ctx.get("/api/settings")
            expect_error(r, 503, "database unavailable")
            # no hang: far below the 30 s client timeout (the connect
            # timeout is 2 s and a down socket fails at once)
            assert time.monotonic() - t0 < 10, "answered without hanging"
        expect_error(ctx.get("/api/announcements"), 503, "database unavailable")
        eq(ctx.get("/api/languages").status, 200, "routes without the database still work")
    finally:
        ctx.db.start()
    assert stack.wait_until(lambda: ctx.get("/api/settings").status == 200, 15), "recovered"
    eq([ctx.get("/api/settings").status for _ in range(10)], [200] * 10, "steady")
    eq(lt.backends(), pids, "the same worker processes (no restart)")
